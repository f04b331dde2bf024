/* 64-bit division and modulo by a variable: the runtime's helpers
 * (basicoz/runtime/int64.c), whichever compiler built the guest. Known
 * quotients, the edges (divisor 1, dividend < divisor, INT64_MIN, top bits
 * set), then 4000 pseudo-random pairs of every size checked by the
 * definition: n = q * d + r with 0 <= r < d (signed: |r| < |d|, r has n's
 * sign). Halts 7 when all hold, else 1 after printing the first failure. */
#include <space.h>

static volatile uint64_t a = 1000000000000ull, b = 7;

static void fail(const char *what, uint64_t n, uint64_t d)
{
    static const char hex[] = "0123456789abcdef";
    for (const char *p = what; *p; p++)
        space_debug_putc(*p);
    for (int k = 0; k < 2; k++) {
        uint64_t v = k ? d : n;
        space_debug_putc(' ');
        for (int s = 60; s >= 0; s -= 4)
            space_debug_putc(hex[(v >> s) & 15]);
    }
    space_debug_putc('\n');
    space_halt(1);
}

static int check_u(uint64_t n, uint64_t d)
{
    uint64_t q = n / d, r = n % d;
    return r < d && q * d + r == n && (q == 0 || q * d <= n);
}

static int check_s(int64_t n, int64_t d)
{
    int64_t q = n / d, r = n % d;
    uint64_t ar = r < 0 ? -(uint64_t)r : (uint64_t)r;
    uint64_t ad = d < 0 ? -(uint64_t)d : (uint64_t)d;
    return ar < ad && (uint64_t)q * (uint64_t)d + (uint64_t)r == (uint64_t)n &&
           (r == 0 || (r < 0) == (n < 0));
}

static uint64_t state = 0x243f6a8885a308d3ull;
static uint64_t next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

void kmain(const struct space_bootinfo *bi)
{
    (void)bi;
    uint64_t q = a / b, r = a % b;
    int64_t s = -(int64_t)a / 3, sm = -(int64_t)a % (int64_t)b;
    if (q != 142857142857ull || r != 1 || s != -333333333333ll || sm != -1)
        fail("known", a, b);
    static const uint64_t edge[][2] = {
        {0, 1},
        {1, 1},
        {~0ull, 1},
        {~0ull, ~0ull},
        {~0ull - 1, ~0ull},
        {5, 0x100000000ull},
        {0x8000000000000000ull, 0x8000000000000001ull},
        {~0ull, 0x100000001ull},
        {0xfffffffe00000001ull, 0xffffffffull},
        {0x123456789abcdefull, 0xfedcbaull},
    };
    for (unsigned i = 0; i < sizeof edge / sizeof edge[0]; i++)
        if (!check_u(edge[i][0], edge[i][1]))
            fail("unsigned edge", edge[i][0], edge[i][1]);
    volatile int64_t min = (int64_t)0x8000000000000000ull, one = 1, minus1 = -1;
    if (min / one != min || !check_s(min, 3) || !check_s(min + 1, minus1))
        fail("INT64_MIN", (uint64_t)min, 1);
    for (int i = 0; i < 4000; i++) {
        uint64_t n = next() >> (next() & 63), d = next() >> (next() & 63);
        if (d == 0)
            d = 1;
        if (!check_u(n, d))
            fail("unsigned", n, d);
        if (!check_s((int64_t)n, (int64_t)d))
            fail("signed", n, d);
    }
    space_halt(7);
}
