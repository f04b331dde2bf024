#!/usr/bin/env bash
# Re-records the golden traces in traces/ with the current build
# (build/space and its built-in BasicOZ). Run it when a change to the
# simulator is *meant* to change how guests run (the replay test then
# fails, naming the first checkpoint that differs), and commit the new
# traces with that change. usage: scripts/update-golden-traces.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
space=${1:-build}/space
[ -x "$space" ] || { echo "update-golden-traces: no $space (build first)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A scripted shell session: programs, a background job, ps, a crash.
printf 'hello\necho golden trace\ntick a 4 &\ntick b 4\nps\ncrash\nrace\nexit\n' > "$tmp/in"
"$space" run --input "$tmp/in" --record traces/basicoz-session.trc \
    --checkpoint-interval 250000 > /dev/null

# A person at a terminal: lines typed while the machine is busy arrive
# through polling, at virtual times no script decides.
python3 tests/record/interactive.py "$space" "$tmp" > /dev/null
cp "$tmp/interactive.trc" traces/basicoz-terminal.trc

for t in traces/*.trc; do
    "$space" replay -q "$t"
done
ls -l traces/*.trc
