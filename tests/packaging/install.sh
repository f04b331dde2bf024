#!/usr/bin/env bash
# install.sh BUILD_DIR SOURCE_DIR WORK_DIR: `cmake --install` into a prefix,
# the prefix moved elsewhere, then the moved space-cc compiles a guest (64-bit
# division: the installed runtime) and a kernel using space.h, and the moved
# space runs both: nothing installed may point back at the build or the
# first prefix, and a space in its path must not matter.
set -u
BUILD=$1 SRC=$2 WORK=$3
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$WORK" && mkdir -p "$WORK" || fail "cannot create $WORK"

cmake --install "$BUILD" --prefix "$WORK/first" > "$WORK/install.log" 2>&1 ||
    { cat "$WORK/install.log"; fail "cmake --install failed"; }
for f in bin/space bin/space-cc share/space/include/space.h share/space/runtime/int64.c \
         share/space/runtime/guest.ld share/space/runtime/toolchain.sh share/doc/space/LICENSE \
         share/doc/space/README.md share/doc/space/docs/building.md; do
    [ -f "$WORK/first/$f" ] || fail "not installed: $f"
done
grep -rlF "$BUILD" "$WORK/first/bin/space-cc" "$WORK/first/share/space" &&
    fail "an installed file names the build directory"

mv "$WORK/first" "$WORK/moved here" || fail "cannot move the prefix"
P="$WORK/moved here" # (a space in the path, as in many home directories)
cat > "$WORK/kernel.c" <<'C'
#include <space.h>
void kmain(const struct space_bootinfo *bi)
{
    const char *s = bi->ram_size == 64u << 20 ? "moved ok\n" : "wrong RAM\n";
    while (*s)
        space_debug_putc(*s++);
    space_halt(3);
}
C
cd "$WORK" || fail "cd $WORK"
"$P/bin/space-cc" -o div64.elf "$SRC/tests/host/toolchain_div64.c" || fail "moved space-cc: div64"
"$P/bin/space" run div64.elf
[ $? = 7 ] || fail "div64.elf built by the moved space-cc did not halt 7"
"$P/bin/space-cc" -o kernel.elf kernel.c || fail "moved space-cc: kernel.c"
out=$("$P/bin/space" run kernel.elf)
[ $? = 3 ] && [ "$out" = "moved ok" ] || fail "kernel.elf: '$out'"
printf 'hello\n' | "$P/bin/space" run | grep -qx 'hello, world' || fail "moved space: BasicOZ"
echo "installed, moved, compiled and ran"
