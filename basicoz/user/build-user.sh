#!/bin/sh
# build-user.sh: compile and link one BasicOZ user program.
#
#   build-user.sh SPACE_CC_DIR OUT.elf NAME.c [-Wflag|-Dname|-Olevel|-g...]
#
# SPACE_CC_DIR is the directory holding the configured space-cc (the build
# directory); it must exist and contain space-cc. The program is compiled
# with the same flags as space-cc but linked like a user program: with
# user.ld (virtual 0x00400000), ucrt0.S (_start -> main -> exit), usys.S
# (system call stubs), ulib.c (strings, printf, malloc), the runtime's libc.c
# and int64.c (64-bit division) - and without the kernel runtime (no crt0,
# no SPACE operations). The compiler is space-cc's (space-cc --print-cc:
# SPACE_CC or the one chosen at configure time; runtime/toolchain.sh).
# Extra flags after NAME.c are passed to the compiler (e.g. -Werror).
set -eu

me=build-user.sh
fail() { echo "$me: $*" >&2; exit 2; }

[ $# -ge 3 ] || { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
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

rdir=$(cd "$udir/../runtime" && pwd)
[ -f "$rdir/toolchain.sh" ] || fail "missing guest runtime file $rdir/toolchain.sh"
CC_KIND=$("$ccdir/space-cc" --print-cc)
. "$rdir/toolchain.sh"

# space-cc's flags, except that the include path is the user runtime's
# (user programs must not see space.h: they only make system calls).
CFLAGS="$GUEST_CFLAGS -O2"
# Paths in the debug information name the program's directory, the BasicOZ
# tree and the build directory as fixed names, so that the image has the
# same bytes wherever the tree is checked out: the kernel embeds it, and
# its size and layout would otherwise change the kernel's instruction counts.
# (When two prefixes match, gcc uses the last given: the most specific.)
pdir=$(cd "$(dirname "$prog")" && pwd)
bdir=$(dirname "$udir")
CFLAGS="$CFLAGS -ffile-prefix-map=$(pwd)=/build -ffile-prefix-map=$bdir=/basicoz -ffile-prefix-map=$pdir=/program"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/build-user.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
objs=""
n=0
for src in "$udir/ucrt0.S" "$udir/usys.S" "$udir/ulib.c" "$rdir/libc.c" "$prog" "$rdir/int64.c"; do
    n=$((n + 1))
    $CC $CFLAGS -I"$udir" $extra -c "$src" -o "$tmp/$n.o" || fail "compiling $src failed"
    objs="$objs $tmp/$n.o"
done
$LD $LDFLAGS -Wl,-T,"$udir/user.ld" -o "$out" $objs || fail "linking $out failed"
