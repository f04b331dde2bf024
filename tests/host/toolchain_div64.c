/* 64-bit division and modulo link (libgcc) with either toolchain. */
#include <space.h>
volatile uint64_t a = 1000000000000ull, b = 7;
void kmain(const struct space_bootinfo *bi)
{
    (void)bi;
    uint64_t q = a / b, r = a % b;
    int64_t s = -(int64_t)a / 3;
    space_halt((q == 142857142857ull && r == 1 && s == -333333333333ll) ? 7 : 1);
}
