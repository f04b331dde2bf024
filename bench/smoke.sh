#!/bin/sh
# bench_smoke: runs the whole suite at a tiny scale, once, and checks the
# JSON's shape with compare.py --check (timings are never judged).
#     smoke.sh SPACE-BENCH COMPARE.PY OUT.json
set -eu
bench=$1 compare=$2 out=$3
"$bench" 0.002 --repeat 1 --json "$out" >/dev/null
python3 "$compare" --check "$out"
