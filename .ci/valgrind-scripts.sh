#!/usr/bin/env bash
# Runs a handful of the JS script tests (crates/hotcall-cli/tests/scripts)
# under valgrind memcheck: the debug `hotcall` binary, the C fixtures and
# the Cranelift stubs, with --smc-check=all-non-file because both V8 and
# hotcall generate code at run time. Fails on any memcheck error (exit
# 99), on a wrong exit code or on a stdout that differs from NAME.out.
# See docs/fuzzing.md for the result and the cost.
#
#   .ci/valgrind-scripts.sh [SCRIPT...]   (default: the list below)
set -euo pipefail
cd "$(dirname "$0")/.."

command -v valgrind >/dev/null || { echo "valgrind not installed (apt-get install valgrind)"; exit 1; }
cargo build -q -p hotcall-cli
bin=target/debug/hotcall
lib=$(ls -t target/debug/build/hotcall-cli-*/out/libhotcall_test_fixtures.so | head -1)
dir=crates/hotcall-cli/tests/scripts
scripts=("$@")
[ "${#scripts[@]}" -gt 0 ] || scripts=(ffi_types.ts ffi_limits.ts ffi_pointers.ts ffi_statics_structs.ts callback_sync.ts ffi_nonblocking.ts)

failed=0
for s in "${scripts[@]}"; do
    flags=$(sed -n 's|^// @flags: ||p' "$dir/$s" | head -1)
    want_exit=$(sed -n 's|^// @exit: ||p' "$dir/$s" | head -1)
    out=$(mktemp) err=$(mktemp)
    start=$(date +%s)
    set +e
    # shellcheck disable=SC2086 # flags are whitespace-separated options
    (cd "$dir" && valgrind --tool=memcheck --smc-check=all-non-file --error-exitcode=99 \
        --leak-check=no --num-callers=40 --quiet \
        "$OLDPWD/$bin" run $flags "$s" "$OLDPWD/$lib") >"$out" 2>"$err"
    code=$?
    set -e
    secs=$(( $(date +%s) - start ))
    status=ok
    if [ "$code" -eq 99 ]; then
        status="MEMCHECK ERRORS"
    elif [ "$code" -ne "${want_exit:-0}" ]; then
        status="exit $code"
    elif ! grep -q '\[WILDCARD\]' "$dir/${s%.*}.out" &&
        ! diff -q <(sed "s|\$FIXTURES|$PWD/$lib|g; s|\$DIR|$PWD/$dir|g" "$dir/${s%.*}.out") "$out" >/dev/null; then
        status="stdout differs"
    fi
    echo "$s: $status (${secs}s)"
    if [ "$status" != ok ]; then
        failed=1
        sed 's/^/    /' "$err" | head -60
    fi
    rm -f "$out" "$err"
done
exit $failed
