// @exit: 1
const handledLater = Promise.reject(new Error("handled in the same turn"));
handledLater.catch((e) => console.log("caught:", e.message));
async function fails() {
  await null;
  throw new TypeError("async failure");
}
fails();
setTimeout(() => console.log("never runs"), 10);
