#!/bin/sh
# bench_smoke: runs the whole suite at a tiny scale, once, and checks the
# JSON's shape with compare.py --check (timings are never judged).
# Skipped (77) without python3.
#     smoke.sh SPACE-BENCH COMPARE.PY OUT.json
set -eu
bench=$1 compare=$2 out=$3
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
"$bench" 0.002 --repeat 1 --json "$out" >/dev/null
python3 "$compare" --check "$out"
