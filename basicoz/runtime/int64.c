/* 64-bit division for 32-bit guests: the helpers gcc and clang call for `/`
 * and `%` on 64-bit integers when the divisor is not a constant; and
 * __builtin_popcount's, which x86 without POPCNT calls too. libgcc
 * used to provide them, which tied every guest build to gcc-multilib; here
 * they are part of the runtime that space-cc and BasicOZ's user programs
 * link, so clang and lld alone (or a cross gcc) build any guest.
 *
 * A zero divisor divides by zero in a 32-bit divl, so the guest gets the
 * same divide error (#DE) a 32-bit `/` by zero gives. */
#include <stdint.h>

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem);
int64_t __divmoddi4(int64_t n, int64_t d, int64_t *rem);
uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);
int64_t __divdi3(int64_t n, int64_t d);
int64_t __moddi3(int64_t n, int64_t d);
int __popcountsi2(uint32_t x);
int __popcountdi2(uint64_t x);

/* (hi:lo) / d with hi < d: one divl, whose quotient then fits 32 bits. */
static inline uint32_t divl(uint32_t hi, uint32_t lo, uint32_t d, uint32_t *r)
{
    uint32_t q, rr;
    __asm__("divl %4" : "=a"(q), "=d"(rr) : "a"(lo), "d"(hi), "rm"(d));
    *r = rr;
    return q;
}

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem)
{
    uint32_t nh = (uint32_t)(n >> 32), nl = (uint32_t)n;
    uint32_t dh = (uint32_t)(d >> 32), dl = (uint32_t)d;
    uint64_t q;
    if (dh == 0) {
        /* Long division by a 32-bit divisor, one 32-bit digit at a time. */
        uint32_t rh, r;
        uint32_t qh = divl(0, nh, dl, &rh);
        uint32_t ql = divl(rh, nl, dl, &r);
        q = (uint64_t)qh << 32 | ql;
    } else if (n < d) {
        q = 0;
    } else {
        /* The quotient fits 32 bits (Hacker's Delight, 9-5): divide by the
         * divisor's top 32 bits once it is normalized, which estimates the
         * quotient to within one; the remainder's size settles it. */
        int s = __builtin_clz(dh);
        uint32_t top = (uint32_t)((d << s) >> 32), r;
        uint64_t half = n >> 1;
        uint32_t est = divl((uint32_t)(half >> 32), (uint32_t)half, top, &r);
        uint32_t q0 = (uint32_t)(((uint64_t)est << s) >> 31);
        if (q0 != 0)
            q0--;
        if (n - (uint64_t)q0 * d >= d)
            q0++;
        q = q0;
    }
    if (rem)
        *rem = n - q * d;
    return q;
}

/* Signed: truncate toward zero, the remainder takes the dividend's sign (C99). */
int64_t __divmoddi4(int64_t n, int64_t d, int64_t *rem)
{
    uint64_t un = n < 0 ? -(uint64_t)n : (uint64_t)n;
    uint64_t ud = d < 0 ? -(uint64_t)d : (uint64_t)d;
    uint64_t ur;
    uint64_t uq = __udivmoddi4(un, ud, &ur);
    if (rem)
        *rem = n < 0 ? (int64_t)-ur : (int64_t)ur;
    return (n < 0) != (d < 0) ? (int64_t)-uq : (int64_t)uq;
}

uint64_t __udivdi3(uint64_t n, uint64_t d)
{
    return __udivmoddi4(n, d, 0);
}

uint64_t __umoddi3(uint64_t n, uint64_t d)
{
    uint64_t r;
    __udivmoddi4(n, d, &r);
    return r;
}

int64_t __divdi3(int64_t n, int64_t d)
{
    return __divmoddi4(n, d, 0);
}

int64_t __moddi3(int64_t n, int64_t d)
{
    int64_t r;
    __divmoddi4(n, d, &r);
    return r;
}

int __popcountsi2(uint32_t x)
{
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    x = (x + (x >> 4)) & 0x0f0f0f0fu;
    return (int)((x * 0x01010101u) >> 24);
}

int __popcountdi2(uint64_t x)
{
    return __popcountsi2((uint32_t)x) + __popcountsi2((uint32_t)(x >> 32));
}
