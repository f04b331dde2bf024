#!/usr/bin/env bash
# no_multilib.sh SOURCE_DIR WORK_DIR SPACE: builds the guests as a host
# without gcc-multilib (arm64 Linux, macOS, Windows) would. A `gcc` placed
# first on PATH refuses -m32 and logs each try; a second build configured
# there must pick clang by itself, then build BasicOZ (kernel and user
# programs), the demo and test guests with clang and lld alone, without one
# 32-bit gcc call; SPACE (the main build) then boots the clang-built BasicOZ
# through whole-machine cases and runs the 64-bit division guest.
set -u
SRC=$1 WORK=$2 SPACE=$3
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(uname -s)" = Linux ] || { echo "Linux only: skipped"; exit 77; }
command -v clang >/dev/null && command -v ld.lld >/dev/null ||
    { echo "no clang or ld.lld: skipped"; exit 77; }

rm -rf "$WORK" && mkdir -p "$WORK/bin" || fail "cannot create $WORK"
LOG=$WORK/gcc-m32.log
real_gcc=$(command -v gcc) || fail "no gcc on PATH (the host compiler)"
cat > "$WORK/bin/gcc" <<WRAP
#!/bin/sh
for a in "\$@"; do
    case "\$a" in -m32) echo "gcc \$*" >> '$LOG'; echo "gcc: -m32 is not supported here" >&2; exit 1 ;; esac
done
exec '$real_gcc' "\$@"
WRAP
chmod +x "$WORK/bin/gcc"
export PATH="$WORK/bin:$PATH"
unset SPACE_CC
: > "$LOG"

cmake -S "$SRC" -B "$WORK/build" -DCMAKE_C_COMPILER="$real_gcc" > "$WORK/configure.log" 2>&1 ||
    { cat "$WORK/configure.log"; fail "configure failed"; }
grep -q 'Guest compiler (space-cc): clang' "$WORK/configure.log" ||
    { cat "$WORK/configure.log"; fail "configure did not fall back to clang"; }
[ -s "$LOG" ] || fail "configure never tried gcc -m32 (the wrapper is not in effect)"
: > "$LOG"

cmake --build "$WORK/build" -j2 --target basicoz_kernel demo_kernel guest_guest_hello \
    guest_host_mixed_guest > "$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; fail "build failed"; }
[ -s "$LOG" ] && { cat "$LOG"; fail "the build invoked a 32-bit gcc"; }
CC=$WORK/build/space-cc
[ "$("$CC" --print-cc)" = clang ] || fail "space-cc --print-cc says $("$CC" --print-cc), expected clang"
"$CC" -o "$WORK/div64.elf" "$SRC/tests/host/toolchain_div64.c" || fail "space-cc div64 failed"
[ -s "$LOG" ] && { cat "$LOG"; fail "space-cc invoked a 32-bit gcc"; }

"$SPACE" run "$WORK/div64.elf"
[ $? = 7 ] || fail "div64.elf (clang) did not halt 7"
"$SPACE" run "$WORK/build/tests/guest/hello.elf" > "$WORK/hello.out" 2>&1
[ $? = 42 ] || { cat "$WORK/hello.out"; fail "guest/hello.elf (clang) did not halt 42"; }
"$SPACE" run "$WORK/build/basicoz/demo.elf" < /dev/null > "$WORK/demo.out" 2>&1 ||
    { cat "$WORK/demo.out"; fail "demo.elf (clang) failed"; }
grep -q 'user program exited with status 5050' "$WORK/demo.out" ||
    { cat "$WORK/demo.out"; fail "demo.elf (clang): no user program's exit"; }
for c in boot hello echo shell crash hog ps race smp_mix; do
    OZ_KERNEL=$WORK/build/basicoz/basicoz.elf bash "$SRC/tests/basicoz/cases.sh" "$SPACE" "$c" \
        > "$WORK/case-$c.log" 2>&1 || { cat "$WORK/case-$c.log"; fail "basicoz case $c (clang)"; }
done
echo "no 32-bit gcc was invoked; clang-built BasicOZ and guests pass"
