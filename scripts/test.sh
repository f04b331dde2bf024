#!/usr/bin/env bash
# Builds SPACE twice - warnings as errors, then with AddressSanitizer and
# UndefinedBehaviorSanitizer - runs the whole test suite on both, and checks
# the formatting. This is exactly what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${SPACE_JOBS:-2}

echo "== build (warnings are errors) =="
cmake -S . -B build -DSPACE_WERROR=ON
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure --no-tests=error -j"$jobs"

echo "== build with AddressSanitizer + UndefinedBehaviorSanitizer =="
cmake -S . -B build-asan -DSPACE_WERROR=ON -DSPACE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
cmake --build build-asan -j"$jobs"
ctest --test-dir build-asan --output-on-failure --no-tests=error -j"$jobs"

echo "== formatting =="
scripts/format.sh --check

echo "== fuzzing: a few seconds per harness (scripts/fuzz.sh) =="
scripts/fuzz.sh 5
