const enc = new TextEncoder();
const dec = new TextDecoder();
console.log(enc.encoding, dec.encoding, dec.fatal, dec.ignoreBOM);
console.log(enc.encode("héllo €😀"), enc.encode(), enc.encode(42));
console.log(enc.encode("\ud800 lone surrogate"));
const bytes = enc.encode("round trip ✓ 😀");
console.log(dec.decode(bytes), dec.decode(bytes.buffer), dec.decode(new DataView(bytes.buffer)));
console.log(dec.decode(bytes.subarray(6, 10)), JSON.stringify(dec.decode()));
console.log(JSON.stringify(dec.decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))));
console.log(JSON.stringify(new TextDecoder("utf-8", { ignoreBOM: true }).decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))));
console.log(JSON.stringify(dec.decode(new Uint8Array([0x61, 0xff, 0x62, 0xe2, 0x82]))));
try {
  new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array([0xc3]));
} catch (e) {
  console.log(e.name, e.message);
}
try {
  new TextDecoder("latin2");
} catch (e) {
  console.log(e.name, e.message);
}
try {
  dec.decode("not a buffer");
} catch (e) {
  console.log(e.name);
}
const target = new Uint8Array(5);
console.log(enc.encodeInto("a€b", target), target);
console.log(enc.encodeInto("😀x", new Uint8Array(3)), enc.encodeInto("", new Uint8Array(0)));
const streaming = new TextDecoder();
const euro = enc.encode("€uro");
console.log(
  JSON.stringify(streaming.decode(euro.subarray(0, 1), { stream: true })),
  JSON.stringify(streaming.decode(euro.subarray(1, 2), { stream: true })),
  JSON.stringify(streaming.decode(euro.subarray(2))),
);
console.log(new TextDecoder("UTF8").encoding, new Int16Array(enc.encode("ab").buffer).length);
const whole = new Uint8Array(6);
console.log(enc.encodeInto("xy", whole.subarray(2, 4)), whole);
