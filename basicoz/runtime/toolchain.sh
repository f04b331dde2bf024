# toolchain.sh: the guest compiler, shared by space-cc and
# basicoz/user/build-user.sh (sourced, POSIX sh).
#
# In: CC_KIND, one of
#   gcc        the host's gcc with -m32 (x86 hosts; no gcc-multilib needed:
#              nothing of gcc's 32-bit libraries is linked)
#   clang      clang --target=i386-unknown-none-elf, linked by ld.lld
#              (any host: arm64 Linux, macOS, Windows); clang-N works too
#   *-gcc      a cross gcc for 32-bit x86 (i686-linux-gnu-gcc, i686-elf-gcc)
# Out: CC and LD (command words), LDFLAGS, GUEST_CFLAGS (the flags every
# guest is compiled with; the caller adds -O and -I).
# The runtime supplies what libgcc used to (int64.c: 64-bit division).
case "$CC_KIND" in
    gcc) CC="gcc -m32"; LD="gcc -m32" ;;
    clang | clang-[0-9]* | */clang | */clang-[0-9]*)
        CC="$CC_KIND --target=i386-unknown-none-elf"
        LD="$CC_KIND --target=i386-unknown-none-elf -fuse-ld=lld" ;;
    *gcc | *gcc-[0-9]*) CC="$CC_KIND"; LD="$CC_KIND" ;;
    *) echo "space-cc: SPACE_CC must be gcc, clang or a cross gcc (i686-linux-gnu-gcc), not '$CC_KIND'" >&2
       exit 2 ;;
esac
LDFLAGS="-nostdlib -static -Wl,--build-id=none"
GUEST_CFLAGS="-ffreestanding -fno-pic -fno-pie -fno-stack-protector -fno-builtin-printf \
 -fno-asynchronous-unwind-tables -mno-sse -mno-mmx -g -Wall -Wextra -std=gnu11"
