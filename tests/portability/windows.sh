#!/usr/bin/env bash
# Portability: every C file of the simulator except the SDL ones (plain SDL
# code), the MPI one (needs an MPI's mpi.h; mpi_none.c is compiled) and the
# POSIX host file compiles for Windows with MinGW-w64 (-fsyntax-only,
# warnings as errors). This is where
# sim/host/platform_windows.c is compiled at all, and where a POSIX-only
# call outside it is caught. sim/host/platform_posix.c is the host build's
# (it refuses _WIN32 with #error). Skipped (77) without
# x86_64-w64-mingw32-gcc.
# usage: windows.sh SOURCE_DIR
set -u
src=$1
cc=x86_64-w64-mingw32-gcc
command -v "$cc" >/dev/null || { echo "no $cc (gcc-mingw-w64-x86-64): skipped"; exit 77; }
inc=$(mktemp -d)
trap 'rm -rf "$inc"' EXIT
# Unicorn's, Capstone's, jansson's and zlib's headers are plain C: the
# host's serve (and nothing else of the host's /usr/include).
for lib in unicorn capstone; do
    dir=$(pkg-config --variable=includedir "$lib" 2>/dev/null || echo /usr/include)
    [ -d "$dir/$lib" ] || dir=/usr/include
    ln -s "$dir/$lib" "$inc/$lib"
done
for h in jansson:jansson.h jansson:jansson_config.h zlib:zlib.h zlib:zconf.h; do
    lib=${h%%:*} h=${h#*:}
    dir=$(pkg-config --variable=includedir "$lib" 2>/dev/null || echo /usr/include)
    [ -f "$dir/$h" ] || dir=/usr/include
    ln -s "$dir/$h" "$inc/$h"
done
cd "$src"
failed=0 n=0
[ -f sim/host/platform_windows.c ] || { echo "FAIL: no sim/host/platform_windows.c"; exit 1; }
for f in $(find sim cpu mmu devices ui -name '*.c' | sort); do
    grep -q '<SDL\|gui_draw.h\|<mpi.h>' "$f" && continue
    [ "$f" = sim/host/platform_posix.c ] && continue
    n=$((n + 1))
    if ! "$cc" -std=c11 -Wall -Wextra -Werror -fsyntax-only -DSPACE_VERSION='"test"' \
        -isystem "$inc" -I . "$f"; then
        echo "FAIL: $f does not compile for Windows"
        failed=1
    fi
done
[ "$n" -gt 40 ] || { echo "FAIL: only $n files found"; exit 1; }
[ "$failed" = 0 ] && echo "windows: $n files compile with $cc"
exit "$failed"
