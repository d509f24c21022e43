#!/usr/bin/env bash
# JS-level FFI benchmarks: hotcall vs Deno 2.x, Bun and Node (+ koffi).
#
#   benches/js/run.sh [--rounds N] [--scale X] [--runtimes hotcall,deno,bun,node]
#                     [--no-build] [--no-doc] [--cpu N]
#
# 1. builds bench_lib.c with `cc -O2 -shared -fPIC`;
# 2. builds hotcall in release (`cargo build --release -p hotcall-cli`,
#    honouring CARGO_TARGET_DIR) unless --no-build;
# 3. installs deno, bun and koffi from the npm registry into $JS_BENCH_TOOLS
#    (default /work/tools) when they are missing;
# 4. runs each runtime's script once per round (runtimes interleaved within
#    a round, so machine noise spreads over all of them);
# 5. prints one Markdown table: the median over rounds per case and runtime,
#    and hotcall's ratio to Deno, Bun and Node, with the explanation of each
#    row where hotcall is not the fastest (benches/js/notes.json);
# 6. unless --no-doc, writes that table into docs/benchmarks.md (between the
#    js-bench markers) and draws docs/benchmarks-js.svg with matplotlib
#    (installed from PyPI into $JS_BENCH_TOOLS/py when missing).
#
# Every runtime runs pinned to one core (`taskset -c N`, default 1), so
# the JIT and GC threads of a runtime compete with its main thread, not
# with other processes' cores hopping.
#
# Default: 5 rounds at scale 1, about 3.5 minutes of benchmarking on 2
# cores. Raw logs and JSON go to $OUT (default $CARGO_TARGET_DIR/js-bench,
# else target/js-bench). Nothing here is part of `cargo test`.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
OUT=${OUT:-$TARGET_DIR/js-bench}
TOOLS=${JS_BENCH_TOOLS:-/work/tools}

ROUNDS=5
SCALE=1
RUNTIMES=hotcall,deno,bun,node
BUILD=1
DOC=1
CPU=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --scale) SCALE=$2; shift 2 ;;
    --runtimes) RUNTIMES=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --no-doc) DOC=0; shift ;;
    --cpu) CPU=$2; shift 2 ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

log() { echo "== $*" >&2; }
mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT"/*.log

# ---- C library
LIB="$OUT/libhotcall_jsbench.so"
log "building $LIB"
cc -O2 -shared -fPIC -o "$LIB" "$HERE/bench_lib.c"

# ---- runtimes from npm
DENO="$TOOLS/node_modules/.bin/deno"
BUN="$TOOLS/node_modules/.bin/bun"
KOFFI="$TOOLS/node_modules/koffi"
runs() { [ -x "$1" ] && "$1" --version >/dev/null 2>&1; }
if ! runs "$DENO" || ! runs "$BUN" || [ ! -f "$KOFFI/package.json" ]; then
  log "installing deno, bun, koffi into $TOOLS (npm)"
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund 'deno@^2' 'bun@^1' 'koffi@^3' >&2
fi
# If a postinstall step could not place the binary, use the platform package's.
runs "$DENO" || DENO="$TOOLS/node_modules/@deno/linux-x64-glibc/deno"
runs "$BUN" || BUN="$TOOLS/node_modules/@oven/bun-linux-x64/bin/bun"
export DENO_NO_UPDATE_CHECK=1 DENO_NO_PROMPT=1 DENO_DIR="$OUT/deno-dir"

# ---- hotcall
HOTCALL="$TARGET_DIR/release/hotcall"
if [[ ",$RUNTIMES," == *",hotcall,"* ]]; then
  if [ "$BUILD" = 1 ]; then
    log "building hotcall (release)"
    (cd "$ROOT" && cargo build --release -p hotcall-cli >&2) || log "hotcall build FAILED"
  fi
  smoke="$OUT/smoke.ts"
  printf 'const l = Deno.dlopen(Deno.args[0], { nop: { parameters: [], result: "void" } });\nl.symbols.nop();\nconsole.log("ok");\n' >"$smoke"
  if [ -x "$HOTCALL" ] && [ "$("$HOTCALL" run --allow-ffi "$smoke" "$LIB" 2>/dev/null)" = ok ]; then
    :
  else
    log "hotcall run does not work yet: its column stays pending"
    RUNTIMES=${RUNTIMES//hotcall/}
  fi
fi

# ---- versions
VERSIONS="$OUT/versions.txt"
{
  if [[ ",$RUNTIMES," == *",hotcall,"* ]]; then
    echo "hotcall: release build of $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$ROOT" && [ -n "$(git status --porcelain -- crates 2>/dev/null)" ] && echo ' + uncommitted changes'), binary built $(date -u -r "$HOTCALL" '+%Y-%m-%d %H:%M UTC')"
  fi
  echo "Deno: $("$DENO" --version | tr '\n' ' ')"
  echo "Bun: $("$BUN" --version)"
  echo "Node: $(node --version), koffi $(node -p "require('$KOFFI/package.json').version")"
  echo "C library: $(cc --version | head -1), -O2 -shared -fPIC"
  echo "Machine: $(nproc) CPUs, $(uname -sr), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$VERSIONS"
cat "$VERSIONS" >&2

# ---- pinning
PIN=()
if command -v taskset >/dev/null 2>&1 && taskset -c "$CPU" true 2>/dev/null; then
  PIN=(taskset -c "$CPU")
  echo "Pinned: every runtime to CPU $CPU (taskset -c $CPU)" >>"$VERSIONS"
else
  log "taskset -c $CPU unavailable: runtimes are NOT pinned"
  echo "Pinned: no (taskset unavailable)" >>"$VERSIONS"
fi

# ---- rounds
run_one() { # runtime round
  local rt=$1 r=$2 f="$OUT/$1-round$2"
  local -a cmd
  case "$rt" in
    hotcall) cmd=("$HOTCALL" run --allow-ffi "$HERE/ffi_bench.ts" "$LIB" --runtime=hotcall --scale="$SCALE") ;;
    deno) cmd=("$DENO" run --allow-ffi --unstable-ffi "$HERE/ffi_bench.ts" "$LIB" --runtime=deno --scale="$SCALE") ;;
    bun) cmd=("$BUN" run "$HERE/bun_bench.ts" "$LIB" --runtime=bun --scale="$SCALE") ;;
    node) cmd=(node "$HERE/node_bench.mjs" "$LIB" --koffi="$KOFFI" --runtime=node --scale="$SCALE") ;;
    "") return 0 ;;
    *) echo "run.sh: unknown runtime $rt" >&2; return 1 ;;
  esac
  log "round $r: $rt"
  if timeout 300 "${PIN[@]}" "${cmd[@]}" >"$f.log" 2>&1; then
    grep '^{.*"results"' "$f.log" | tail -1 >"$f.json" || true
  else
    log "$rt round $r FAILED (see $f.log)"; tail -5 "$f.log" >&2
  fi
  grep -E 'ns/call|ERROR' "$f.log" | sed "s/^/   $rt: /" >&2 || true
}
start=$(date +%s)
IFS=, read -r -a RT_LIST <<<"$RUNTIMES"
for r in $(seq 1 "$ROUNDS"); do
  for rt in "${RT_LIST[@]}"; do run_one "$rt" "$r"; done
done
log "benchmarks took $(( $(date +%s) - start )) s; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- table, doc and chart
echo
REPORT=(node "$HERE/report.mjs" --versions="$VERSIONS" --notes="$HERE/notes.json" --json="$OUT/medians.json")
if [ "$DOC" = 1 ]; then
  REPORT+=(--doc="$ROOT/docs/benchmarks.md" --chart=benchmarks-js.svg)
fi
"${REPORT[@]}" "$OUT"/*.json
if [ "$DOC" = 1 ]; then
  PY="$TOOLS/py"
  if ! PYTHONPATH="$PY" python3 -c 'import matplotlib' 2>/dev/null; then
    log "installing matplotlib into $PY (PyPI)"
    python3 -m pip install -q --target "$PY" 'matplotlib>=3.8' >&2
  fi
  PYTHONPATH="$PY" python3 "$HERE/chart.py" "$OUT/medians.json" "$ROOT/docs/benchmarks-js.svg"
  log "wrote docs/benchmarks.md (js-bench section) and docs/benchmarks-js.svg"
fi
