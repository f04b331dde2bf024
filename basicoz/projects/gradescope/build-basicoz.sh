#!/bin/sh
# build-basicoz.sh SPACE_CC BASICOZ_DIR OUT.elf: builds a BasicOZ kernel
# from a BasicOZ tree outside SPACE's source tree (a student's submission)
# with an installed space-cc, as basicoz/CMakeLists.txt does inside it: each
# program of BASICOZ_PROGRAMS (read from BASICOZ_DIR/CMakeLists.txt) with
# user/build-user.sh, the table programs.S that holds them, then the kernel
# from KERNEL_SOURCES. Needs no CMake and no Unicorn: a guest compiler
# (clang and lld, or a gcc that can -m32) and the installed space-cc.
# Exit status 0, or 1 with the compiler's messages on standard error.
set -eu
[ $# -eq 3 ] || { echo "usage: $0 SPACE_CC BASICOZ_DIR OUT.elf" >&2; exit 2; }
CC=$1 OZ=$2 OUT=$3
fail() { echo "build-basicoz.sh: $*" >&2; exit 1; }
[ -x "$CC" ] || fail "no space-cc at '$CC'"
[ -f "$OZ/CMakeLists.txt" ] && [ -d "$OZ/kernel" ] && [ -d "$OZ/user" ] ||
    fail "'$OZ' is not a BasicOZ tree (CMakeLists.txt, kernel/, user/)"
list() { # the words of `set(NAME ...)` in the CMakeLists.txt (one line)
    sed -n "s/^ *set($1 \\(.*\\))/\\1/p" "$OZ/CMakeLists.txt" | head -n 1
}
PROGRAMS=$(list BASICOZ_PROGRAMS)
SOURCES=$(list KERNEL_SOURCES)
[ -n "$PROGRAMS" ] && [ -n "$SOURCES" ] ||
    fail "$OZ/CMakeLists.txt: expected one-line set(BASICOZ_PROGRAMS ...) and set(KERNEL_SOURCES ...)"

W=$(mktemp -d "${TMPDIR:-/tmp}/basicoz.XXXXXX")
trap 'rm -rf "$W"' EXIT
# build-user.sh wants the directory that holds space-cc
ccdir=$(cd "$(dirname "$CC")" && pwd)
[ "$(basename "$CC")" = space-cc ] || { ln -s "$(cd "$(dirname "$CC")" && pwd)/$(basename "$CC")" "$W/space-cc"; ccdir=$W; }
{
    echo "    .section .rodata"
    for p in $PROGRAMS; do
        sh "$OZ/user/build-user.sh" "$ccdir" "$W/$p.elf" "$OZ/user/$p.c" || fail "user program $p"
        printf '    .balign 4\nprog_%s: .incbin "%s"\nprog_%s_end:\nname_%s: .asciz "%s"\n' \
            "$p" "$W/$p.elf" "$p" "$p" "$p"
    done
    echo "    .balign 4"
    echo "    .globl programs"
    echo "programs:"
    for p in $PROGRAMS; do echo "    .long name_$p, prog_$p, prog_${p}_end"; done
    echo "    .long 0, 0, 0"
    echo '    .section .note.GNU-stack, "", @progbits'
} > "$W/programs.S"
set --
for s in $SOURCES; do set -- "$@" "$OZ/kernel/$s"; done
"$CC" -o "$OUT" "$@" "$W/programs.S" || fail "the kernel"
