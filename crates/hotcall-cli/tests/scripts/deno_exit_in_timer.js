setTimeout(() => {
  console.log("exiting from a timer with 0");
  Deno.exit();
}, 1);
setInterval(() => {}, 1000);
