// @exit: 1
setTimeout(() => {
  console.log("first timer");
  null.property;
}, 1);
setTimeout(() => console.log("second timer never runs"), 5);
