// Summarises the JSON lines written by ffi_bench.ts / bun_bench.ts /
// node_bench.mjs (one file per script run, see run.sh) into one table:
// the median over rounds per case and runtime, and hotcall's ratio to each
// other runtime (hotcall ns / other ns: below 1 means hotcall is faster).
//
//   node benches/js/report.mjs [--versions=FILE] RESULT.json...
//
// Prints Markdown.

import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith("--"));
const versionsFile = args.find((a) => a.startsWith("--versions="))?.slice(11);

const CASES = [
  ["nop", "nop()"],
  ["add_u32", "add_u32(u32, u32)"],
  ["add_f64", "add_f64(f64, f64)"],
  ["add_u64", "add_u64(u64, u64), bigint in/out (> 2^53)"],
  ["mix10", "mix10: 10 mixed args (i64/u64 as bigint)"],
  ["mix10_num", "mix10, i64/u64 args as numbers"],
  ["hash64", "hash64: 64-byte buffer (+ size_t as bigint)"],
  ["hash64_num", "hash64, size_t as number"],
  ["callback_1", "call_cb(cb, 1): FFI call + 1 callback"],
  ["callback_x1000", "callback round trip (per callback, 1000 per call)"],
  ["nonblocking_await", "nonblocking, await each"],
  ["nonblocking_x64", "nonblocking, 64 in flight (per call)"],
  ["dlopen_1", "dlopen, 1 symbol (ns per dlopen)"],
  ["dlopen_25", "dlopen, 25 mixed symbols (ns per dlopen)"],
];
const RUNTIMES = ["hotcall", "deno", "bun", "node"];
const TITLE = { hotcall: "hotcall", deno: "Deno", bun: "Bun", node: "Node+koffi" };

// runtime -> case -> [ns per round]
const data = {};
const clocks = {};
for (const f of files) {
  let rec = null;
  for (const line of readFileSync(f, "utf8").split("\n")) {
    if (line.startsWith("{") && line.includes('"results"')) rec = JSON.parse(line);
  }
  if (!rec) continue;
  const rt = rec.runtime;
  clocks[rt] = rec.clock;
  data[rt] ??= {};
  for (const [k, v] of Object.entries(rec.results)) (data[rt][k] ??= []).push(v);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x) => {
  if (x === undefined) return "n/a";
  if (x >= 1e5) return Math.round(x).toLocaleString("en-US");
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
};
const ratio = (a, b) => (a === undefined || b === undefined ? "—" : (a / b).toFixed(2));

const med = {};
for (const rt of RUNTIMES) {
  med[rt] = {};
  for (const [k] of CASES) if (data[rt]?.[k]) med[rt][k] = median(data[rt][k]);
}

const present = RUNTIMES.filter((rt) => data[rt]);
const rounds = Math.max(0, ...present.flatMap((rt) => Object.values(data[rt]).map((v) => v.length)));
const others = ["deno", "bun", "node"];

if (versionsFile) {
  console.log("Versions:\n");
  for (const line of readFileSync(versionsFile, "utf8").trim().split("\n")) console.log(`- ${line}`);
  console.log("");
}
console.log(`Median of ${rounds} round(s) per cell, ns per call (lower is better). ` +
  `Ratio columns: hotcall ns / other ns (below 1.00 = hotcall faster).` +
  (data.hotcall ? "" : " **hotcall: pending (not run).**"));
console.log("");
const head = ["case", ...RUNTIMES.map((rt) => `${TITLE[rt]} ns`), ...others.map((o) => `hotcall/${TITLE[o]}`)];
console.log(`| ${head.join(" | ")} |`);
console.log(`| ${head.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`);
for (const [k, name] of CASES) {
  const cells = RUNTIMES.map((rt) => (data[rt] ? fmt(med[rt][k]) : "pending"));
  const ratios = others.map((o) => ratio(med.hotcall[k], med[o][k]));
  console.log(`| ${name} | ${cells.join(" | ")} | ${ratios.join(" | ")} |`);
}

if (rounds > 1) {
  console.log("");
  console.log("Spread between rounds, (max - min) / median:");
  console.log("");
  console.log(`| case | ${present.map((rt) => TITLE[rt]).join(" | ")} |`);
  console.log(`| --- | ${present.map(() => "---:").join(" | ")} |`);
  for (const [k, name] of CASES) {
    const cells = present.map((rt) => {
      const xs = data[rt][k];
      if (!xs) return "n/a";
      return `${Math.round(((Math.max(...xs) - Math.min(...xs)) / median(xs)) * 100)} %`;
    });
    console.log(`| ${name} | ${cells.join(" | ")} |`);
  }
}
console.log("");
console.log(`Clocks: ${present.map((rt) => `${TITLE[rt]} ${clocks[rt]}`).join(", ")}.`);
