// Summarises the JSON lines written by ffi_bench.ts / bun_bench.ts /
// node_bench.mjs (one file per script run, see run.sh) into one table:
// the median over rounds per case and runtime, and hotcall's ratio to each
// other runtime (hotcall ns / other ns: below 1 means hotcall is faster).
//
//   node benches/js/report.mjs [--versions=FILE] [--json=FILE] [--notes=FILE]
//                              [--doc=FILE --chart=NAME] RESULT.json...
//
// Prints Markdown. --json writes the medians for chart.py; --notes is a
// JSON object {case: sentence} explaining rows where hotcall is not the
// fastest; --doc replaces the part of FILE between the lines
// `<!-- js-bench:begin -->` and `<!-- js-bench:end -->` with the same
// Markdown plus a link to the chart NAME (next to FILE).

import { readFileSync, writeFileSync } from "node:fs";

const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith("--"));
const flag = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const versionsFile = flag("versions");
const jsonFile = flag("json");
const notesFile = flag("notes");
const docFile = flag("doc");
const chartName = flag("chart");
const lines = [];
const out = (s = "") => {
  lines.push(s);
  console.log(s);
};

const CASES = [
  ["nop", "nop()"],
  ["add_u32", "add_u32(u32, u32)"],
  ["add_f64", "add_f64(f64, f64)"],
  ["add_u64", "add_u64(u64, u64), bigint in/out (> 2^53)"],
  ["mix10", "mix10: 10 mixed args (i64/u64 as bigint)"],
  ["mix10_num", "mix10, i64/u64 args as numbers"],
  ["hash64", "hash64: 64-byte buffer (+ size_t as bigint)"],
  ["hash64_num", "hash64, size_t as number"],
  ["hash64_ptr", "hash64, pointer instead of buffer (size_t as number)"],
  ["callback_1", "call_cb(cb, 1): FFI call + 1 callback"],
  ["callback_x1000", "callback round trip (per callback, 1000 per call)"],
  ["callback_1_fast", "call_cb(cb, 1), symbol not declared callback: true"],
  ["callback_x1000_fast", "callback round trip, symbol not declared callback: true"],
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
  out("Versions:\n");
  for (const line of readFileSync(versionsFile, "utf8").trim().split("\n")) out(`- ${line}`);
  out("");
}
out(`Median of ${rounds} round(s) per cell, ns per call (lower is better). ` +
  `Ratio columns: hotcall ns / other ns (below 1.00 = hotcall faster).` +
  (data.hotcall ? "" : " **hotcall: pending (not run).**"));
out("");
const head = ["case", ...RUNTIMES.map((rt) => `${TITLE[rt]} ns`), ...others.map((o) => `hotcall/${TITLE[o]}`)];
out(`| ${head.join(" | ")} |`);
out(`| ${head.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`);
for (const [k, name] of CASES) {
  const cells = RUNTIMES.map((rt) => (data[rt] ? fmt(med[rt][k]) : "pending"));
  const ratios = others.map((o) => ratio(med.hotcall[k], med[o][k]));
  out(`| ${name} | ${cells.join(" | ")} | ${ratios.join(" | ")} |`);
}

if (rounds > 1) {
  out("");
  out("Spread between rounds, (max - min) / median:");
  out("");
  out(`| case | ${present.map((rt) => TITLE[rt]).join(" | ")} |`);
  out(`| --- | ${present.map(() => "---:").join(" | ")} |`);
  for (const [k, name] of CASES) {
    const cells = present.map((rt) => {
      const xs = data[rt][k];
      if (!xs) return "n/a";
      return `${Math.round(((Math.max(...xs) - Math.min(...xs)) / median(xs)) * 100)} %`;
    });
    out(`| ${name} | ${cells.join(" | ")} |`);
  }
}
out("");
out(`Clocks: ${present.map((rt) => `${TITLE[rt]} ${clocks[rt]}`).join(", ")}.`);

// Rows where hotcall is not the fastest, each with its explanation.
const notes = notesFile ? JSON.parse(readFileSync(notesFile, "utf8")) : {};
const behind = [];
for (const [k, name] of CASES) {
  const mine = med.hotcall?.[k];
  if (mine === undefined) continue;
  const best = others.filter((o) => med[o]?.[k] !== undefined).sort((a, b) => med[a][k] - med[b][k])[0];
  if (best && med[best][k] < mine) behind.push([k, name, mine, best]);
}
if (behind.length) {
  out("");
  out("Rows where hotcall is not the fastest (where the time goes, what would fix it):");
  out("");
  for (const [k, name, mine, best] of behind) {
    const why = notes[k] ?? "no analysis written for this row yet.";
    out(`- **${name}**: hotcall ${fmt(mine)} ns vs ${TITLE[best]} ${fmt(med[best][k])} ns. ${why}`);
  }
}

if (jsonFile) {
  const loadavg = (() => {
    try {
      return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
    } catch {
      return "?";
    }
  })();
  writeFileSync(jsonFile, JSON.stringify({
    title: `FFI calls from JavaScript: median of ${rounds} round(s), ns per call`,
    note: `Shared 2-vCPU machine, every runtime pinned to one core (taskset -c 1); load average after the run ${loadavg}.`,
    cases: CASES,
    runtimes: RUNTIMES.map((rt) => [rt, TITLE[rt]]),
    median: med,
  }, null, 1));
}

if (docFile) {
  const BEGIN = "<!-- js-bench:begin -->";
  const END = "<!-- js-bench:end -->";
  const doc = readFileSync(docFile, "utf8");
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${docFile}: no ${BEGIN} ... ${END} section`);
  const chart = chartName ? `![ns per call per case and runtime](${chartName})\n\n` : "";
  const body = `${BEGIN}\n<!-- written by benches/js/run.sh; edits here are overwritten -->\n\n${chart}${lines.join("\n")}\n`;
  writeFileSync(docFile, doc.slice(0, a) + body + doc.slice(b));
}
