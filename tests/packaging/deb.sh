#!/usr/bin/env bash
# deb.sh BUILD_DIR SOURCE_DIR WORK_DIR: CPack's .deb of the build (cpack -G
# DEB): its control fields and file list (dpkg-deb), then its files taken
# out with dpkg -x into a throwaway directory (never installed on this
# system), where its space-cc and space compile and run a guest.
set -u
BUILD=$1 SRC=$2 WORK=$3
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v dpkg-deb >/dev/null || { echo "no dpkg-deb: skipped"; exit 77; }
rm -rf "$WORK" && mkdir -p "$WORK" || fail "cannot create $WORK"

(cd "$WORK" && cpack -G DEB --config "$BUILD/CPackConfig.cmake" > cpack.log 2>&1) ||
    { cat "$WORK/cpack.log"; fail "cpack -G DEB failed"; }
deb=$(ls "$WORK"/space_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { cat "$WORK/cpack.log"; fail "no space_*.deb"; }
dpkg-deb -I "$deb"
[ "$(dpkg-deb -f "$deb" Package)" = space ] || fail "Package is not space"
dpkg-deb -f "$deb" Depends | grep -q libunicorn || fail "Depends lacks Unicorn"
dpkg-deb -f "$deb" Depends | grep -q libc6 || fail "Depends lacks libc6"
dpkg-deb -c "$deb" > "$WORK/contents"
for f in ./usr/bin/space ./usr/bin/space-cc ./usr/share/space/include/space.h \
         ./usr/share/space/runtime/crt0.S ./usr/share/space/runtime/int64.c \
         ./usr/share/doc/space/LICENSE ./usr/share/doc/space/docs/building.md; do
    grep -q " $f\$" "$WORK/contents" || { cat "$WORK/contents"; fail "the .deb lacks $f"; }
done
grep -Eq ' \./usr/bin/space-cc$' "$WORK/contents" && grep -E ' \./usr/bin/space-cc$' "$WORK/contents" |
    grep -q '^-rwxr-xr-x' || fail "space-cc is not executable in the .deb"

dpkg -x "$deb" "$WORK/root" || fail "dpkg -x failed"
cd "$WORK" || fail "cd $WORK"
"$WORK/root/usr/bin/space-cc" -o div64.elf "$SRC/tests/host/toolchain_div64.c" ||
    fail "the .deb's space-cc"
"$WORK/root/usr/bin/space" run div64.elf
[ $? = 7 ] || fail "div64.elf from the .deb's space-cc did not halt 7"
echo "the .deb holds space, space-cc, space.h, the runtime and docs, and they work"
