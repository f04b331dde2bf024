/* smc_alias: code rewritten through one virtual address must be seen when
 * it runs at another. A kernel does exactly this when it loads a program
 * into a frame through its own mapping and the user runs it at a user
 * address (and again when the frame is reused for the next program).
 * --cmdline selects the scenario (each prints "ok" lines or "WRONG"):
 *   same      write and run through X (RWX) four times (control: passes)
 *   alias     X -> F (RX) runs the code, Y -> F (RW) rewrites it, X runs it
 *   identity  the same with F's identity mapping as the writer
 *   user      the kernel rewrites a user's code frame between two runs of
 *             the user program (CONTEXT 1 MODE 3) */
#include "kit.h"

#define X 0x30000000u
#define Y 0x31000000u

static unsigned wrong;

static void put_ret(uint32_t at, uint32_t v)
{
    volatile uint8_t *p = (volatile uint8_t *)at;
    p[0] = 0xb8;
    p[1] = (uint8_t)v;
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)(v >> 16);
    p[4] = (uint8_t)(v >> 24);
    p[5] = 0xc3;
}

static void expect(const char *what, uint32_t got, uint32_t want)
{
    out_str(what);
    out_str(": ");
    out_dec(got);
    if (got == want) {
        out_str(" ok\n");
    } else {
        out_str(" WRONG, expected ");
        out_dec(want);
        out_str("\n");
        wrong++;
    }
}

static int is(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

void kmain(const struct space_bootinfo *boot)
{
    kit_init(boot);
    kit_portals_std(0);
    kit_portals_std(1);
    uint32_t f = kit_frame();
    const char *s = boot->cmdline;
    if (is(s, "same")) {
        CHECK_EQ(space_map_memory(0, X, f, SPACE_ACCESS(0, SPACE_RWX)), SPACE_OK);
        for (uint32_t i = 1; i <= 4; i++) {
            put_ret(X, i);
            expect("write via X, run X", kit_exec(X), i);
        }
    } else if (is(s, "alias") || is(s, "identity")) {
        uint32_t w = f; /* identity mapping (kit_frame) */
        if (is(s, "alias")) {
            w = Y;
            CHECK_EQ(space_map_memory(0, Y, f, SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
        }
        CHECK_EQ(space_map_memory(0, X, f, SPACE_ACCESS(0, SPACE_RX)), SPACE_OK);
        for (uint32_t i = 1; i <= 3; i++) {
            put_ret(w, i);
            expect("write via the alias, run X", kit_exec(X), i);
        }
    } else if (is(s, "user")) {
        CHECK_EQ(space_map_memory(1, X, f, SPACE_ACCESS(3, SPACE_RX)), SPACE_OK);
        kit_map_image(1, SPACE_ACCESS(3, SPACE_RWX));
        for (uint32_t i = 1; i <= 3; i++) {
            put_ret(f, 100 + i); /* the kernel loads "program i" */
            expect("user runs program", kit_call(1, 3, (uint32_t(*)(uint32_t))kit_exec, X, 0),
                   100 + i);
        }
    } else {
        out_str("unknown scenario\n");
        space_halt(1);
    }
    CHECK_EQ(wrong, 0);
    out_str("smc_alias passed\n");
}
