#!/bin/sh
# build-user.sh: compile and link one BasicOZ user program.
#
#   build-user.sh SPACE_CC_DIR OUT.elf NAME.c [-Wflag|-Dname|-Olevel|-g...]
#
# SPACE_CC_DIR is the directory holding the configured space-cc (the build
# directory); it must exist and contain space-cc. The program is compiled
# with the same flags as space-cc but linked like a user program: with
# user.ld (virtual 0x00400000), ucrt0.S (_start -> main -> exit), usys.S
# (system call stubs), ulib.c (strings, printf, malloc) and gcc's 32-bit
# libgcc - and without the kernel runtime (no crt0, no SPACE operations).
# The compiler is gcc -m32 by default; SPACE_CC=clang uses clang with ld.lld.
# Extra flags after NAME.c are passed to the compiler (e.g. -Werror).
set -eu

me=build-user.sh
fail() { echo "$me: $*" >&2; exit 2; }

[ $# -ge 3 ] || { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
ccdir=$1 out=$2 prog=$3
shift 3
[ -d "$ccdir" ] || fail "SPACE_CC_DIR '$ccdir' is not a directory"
[ -f "$ccdir/space-cc" ] || fail "no space-cc in '$ccdir' (configure the build first)"
case "$prog" in *.c) ;; *) fail "'$prog' is not a .c file" ;; esac
[ -f "$prog" ] || fail "cannot read '$prog'"
extra=""
for f in "$@"; do
    case "$f" in
        -W*|-D*|-U*|-O*|-g*|-f*|-I*) extra="$extra $f" ;;
        *) fail "unknown option '$f' (only -W -D -U -O -g -f -I flags may follow NAME.c)" ;;
    esac
done

# The user runtime lives next to this script.
udir=$(cd "$(dirname "$0")" && pwd)
for f in user.ld ucrt0.S usys.S ulib.c ulib.h; do
    [ -f "$udir/$f" ] || fail "missing user runtime file $udir/$f"
done

CC_KIND="${SPACE_CC:-gcc}"
case "$CC_KIND" in
    gcc) CC="gcc -m32"; LD="gcc -m32" ;;
    clang) CC="clang --target=i386-unknown-none-elf"
           LD="clang --target=i386-unknown-none-elf -fuse-ld=lld" ;;
    *) fail "SPACE_CC must be gcc or clang, not '$CC_KIND'" ;;
esac
LDFLAGS="-nostdlib -static -Wl,--build-id=none"
LIBGCC=$(gcc -m32 -print-libgcc-file-name 2>/dev/null || true)
[ -f "$LIBGCC" ] || fail "32-bit libgcc not found (install gcc-multilib)"

# space-cc's flags, except that the include path is the user runtime's
# (user programs must not see space.h: they only make system calls).
CFLAGS="-ffreestanding -fno-pic -fno-pie -fno-stack-protector -fno-builtin-printf \
 -fno-asynchronous-unwind-tables -mno-sse -mno-mmx -g -O2 -Wall -Wextra -std=gnu11 -I$udir"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/build-user.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
objs=""
n=0
for src in "$udir/ucrt0.S" "$udir/usys.S" "$udir/ulib.c" "$udir/../runtime/libc.c" "$prog"; do
    n=$((n + 1))
    $CC $CFLAGS $extra -c "$src" -o "$tmp/$n.o" || fail "compiling $src failed"
    objs="$objs $tmp/$n.o"
done
$LD $LDFLAGS -Wl,-T,"$udir/user.ld" -o "$out" $objs "$LIBGCC" || fail "linking $out failed"
