#!/usr/bin/env bash
# grader.sh SOURCE_DIR WORK_DIR BASICOZ.elf: the grader's build
# (docs/building.md): -DSPACE_GUI=OFF -DSPACE_STATIC_ENGINES=ON, embedding
# the main build's BasicOZ (-DSPACE_BASICOZ_IMAGE, so no guest is compiled).
# Its space must need no SDL, Unicorn, Capstone or jansson shared library
# (readelf's NEEDED list and ldd), say clearly that --gui has no window,
# name its engines, boot BasicOZ and write a JSON statistics report.
set -u
SRC=$1 WORK=$2 OZ=$3
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(uname -s)" = Linux ] || { echo "Linux only: skipped"; exit 77; }
for a in libunicorn.a libcapstone.a libjansson.a; do
    [ -n "$(find /usr/lib /usr/local/lib -name "$a" 2>/dev/null | head -n 1)" ] ||
        { echo "no $a: skipped"; exit 77; }
done

mkdir -p "$WORK"
cmake -S "$SRC" -B "$WORK/build" -DSPACE_GUI=OFF -DSPACE_STATIC_ENGINES=ON \
    -DSPACE_BASICOZ_IMAGE="$OZ" -DCMAKE_BUILD_TYPE=Release > "$WORK/configure.log" 2>&1 ||
    { cat "$WORK/configure.log"; fail "configure failed"; }
cmake --build "$WORK/build" -j2 --target space > "$WORK/build.log" 2>&1 ||
    { tail -n 40 "$WORK/build.log"; fail "build failed"; }
SPACE=$WORK/build/space

needed=$(readelf -d "$SPACE" | grep NEEDED)
echo "$needed"
echo "$needed" | grep -Eiq 'sdl|unicorn|capstone|jansson' && fail "space still needs a shared library above"
if command -v ldd >/dev/null; then
    ldd "$SPACE" | grep -Eiq 'sdl|unicorn|capstone|jansson' && { ldd "$SPACE"; fail "ldd lists one"; }
fi

out=$("$SPACE" run --gui 2>&1)
[ $? = 4 ] || fail "--gui: expected status 4"
echo "$out" | grep -q 'built without a window (cmake -DSPACE_GUI=OFF' || fail "--gui said: $out"
"$SPACE" --version | grep -Eq '\(Unicorn 2\.[0-9.]+, Capstone [0-9.]+\)' || fail "--version lacks the engines"
out=$(printf 'hello\n' | "$SPACE" run --stats json --stats-file "$WORK/stats.json" 2>&1) || fail "BasicOZ run: $out"
echo "$out" | grep -qx 'hello, world' || fail "BasicOZ did not say hello: $out"
grep -q '"instructions"' "$WORK/stats.json" || fail "no statistics report"
echo "grader build: no SDL, Unicorn, Capstone or jansson shared library; BasicOZ runs"
