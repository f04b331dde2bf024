#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tests/fuzz (clang, ASan + UBSan) in
# build-fuzz (or $SPACE_FUZZ_BUILD) and fuzzes each for SECONDS (default 5), starting from its
# checked-in corpus; new inputs go to build-fuzz/corpus/NAME, crashes to
# build-fuzz/crashes/NAME/ (docs/robustness.md).
#   scripts/fuzz.sh [SECONDS [HARNESS...]]     e.g. scripts/fuzz.sh 3600 trace
# Without clang's fuzzer runtime it says so and succeeds (nothing to run).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
shift || true
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(loader trace grade_spec gdb ops)
jobs=${SPACE_JOBS:-2}
build=${SPACE_FUZZ_BUILD:-build-fuzz}

probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }' \
  >"$probe/p.c"
if ! clang -fsanitize=fuzzer "$probe/p.c" -o "$probe/p" >/dev/null 2>&1; then
  echo "fuzz: skipped: clang with its libFuzzer runtime is missing" \
       "(Debian: apt-get install clang libclang-rt-14-dev)"
  exit 0
fi

CC=clang cmake -S . -B "$build" -DSPACE_FUZZ=ON -DSPACE_WERROR=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$build" -j"$jobs" --target $(printf 'fuzz_%s ' "${harnesses[@]}") >/dev/null

export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
for h in "${harnesses[@]}"; do
  mkdir -p "$build/corpus/$h" "$build/crashes/$h"
  echo "fuzz: $h for ${seconds}s"
  if ! "$build"/tests/fuzz/fuzz_"$h" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=3072 \
        -print_final_stats=0 -artifact_prefix="$build/crashes/$h/" \
        "$build/corpus/$h" "tests/fuzz/corpus/$h" >"$build/fuzz-$h.log" 2>&1; then
    tail -40 "$build/fuzz-$h.log"
    echo "fuzz: $h found a failure; its input is in $build/crashes/$h/" >&2
    exit 1
  fi
  grep -E '^#[0-9]+[[:space:]]+DONE' "$build/fuzz-$h.log" || true
done
