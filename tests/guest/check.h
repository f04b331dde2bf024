/* check.h - tiny assertion and printing helpers for whole-machine test
 * guests. Output goes through the debug print port; a failed CHECK prints
 * the line and condition and halts the machine with code 1. */
#ifndef CHECK_H
#define CHECK_H

#include <space.h>

static inline void out_str(const char *s)
{
    while (*s)
        space_debug_putc(*s++);
}

static inline void out_hex(uint32_t v)
{
    static const char digits[] = "0123456789abcdef";
    out_str("0x");
    for (int i = 28; i >= 0; i -= 4)
        space_debug_putc(digits[(v >> i) & 15]);
}

static inline void out_dec(uint64_t v)
{
    char buf[24];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        space_debug_putc(buf[--n]);
}

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            out_str("FAIL " __FILE__ ":");                                                         \
            out_dec(__LINE__);                                                                     \
            out_str(": " #cond "\n");                                                              \
            space_halt(1);                                                                         \
        }                                                                                          \
    } while (0)

#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        uint32_t check_a_ = (uint32_t)(a), check_b_ = (uint32_t)(b);                               \
        if (check_a_ != check_b_) {                                                                \
            out_str("FAIL " __FILE__ ":");                                                         \
            out_dec(__LINE__);                                                                     \
            out_str(": " #a " == " #b ": ");                                                       \
            out_hex(check_a_);                                                                     \
            out_str(" != ");                                                                       \
            out_hex(check_b_);                                                                     \
            out_str("\n");                                                                         \
            space_halt(1);                                                                         \
        }                                                                                          \
    } while (0)

#endif
