#!/usr/bin/env bash
# grader.sh SOURCE_DIR WORK_DIR BASICOZ.elf: the grader's build
# (docs/building.md): -DSPACE_GUI=OFF -DSPACE_STATIC_ENGINES=ON, embedding
# the main build's BasicOZ (-DSPACE_BASICOZ_IMAGE, so no guest is compiled)
# on a PATH with no guest compiler at all (gcc refuses -m32; clang and the
# cross gccs fail), as on a grading host: the build then leaves out the demo
# and the tests, and says so.
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

rm -rf "$WORK/build" "$WORK/bin" && mkdir -p "$WORK/bin" || fail "cannot create $WORK"
real_gcc=$(command -v gcc) || fail "no gcc on PATH (the host compiler)"
printf '#!/bin/sh\nfor a in "$@"; do [ "$a" = -m32 ] && exit 1; done\nexec %s "$@"\n' "$real_gcc" \
    > "$WORK/bin/gcc"
for c in clang i686-linux-gnu-gcc i686-elf-gcc; do
    printf '#!/bin/sh\nexit 1\n' > "$WORK/bin/$c"
done
chmod +x "$WORK/bin/"*
PATH="$WORK/bin:$PATH" cmake -S "$SRC" -B "$WORK/build" -DCMAKE_C_COMPILER="$real_gcc" \
    -DSPACE_GUI=OFF -DSPACE_STATIC_ENGINES=ON -DSPACE_BASICOZ_IMAGE="$OZ" -DCMAKE_BUILD_TYPE=Release > "$WORK/configure.log" 2>&1 ||
    { cat "$WORK/configure.log"; fail "configure failed"; }
grep -q 'no guest compiler: building space with' "$WORK/configure.log" ||
    { cat "$WORK/configure.log"; fail "configure did not say that it has no guest compiler"; }
PATH="$WORK/bin:$PATH" cmake --build "$WORK/build" -j2 > "$WORK/build.log" 2>&1 ||
    { tail -n 40 "$WORK/build.log"; fail "build failed"; }
SPACE=$WORK/build/space
[ -e "$WORK/build/basicoz/demo.elf" ] && fail "the demo was built without a guest compiler"

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
