/* timing: exact virtual time (docs §9). Known instruction sequences
 * between two time operations advance space_time() by exactly their
 * length: loops, straight-line code, int3 (counts), a fault (does not
 * count; the handler's instructions do), a fetch fault after a jump, rep
 * movsb (n + 1), repe cmpsb stopping after k iterations (k); portal
 * traversal and Resume cost nothing; the time of a user program measured
 * at the portal. Also: space_time is 64-bit (EDX = 0 here) and two
 * consecutive time operations differ by 2. */
#include "kit.h"

uint32_t t_loop(uint32_t n), t_nops(void), t_int3(void), t_ud2(void), t_load(void), t_fetch(void),
    t_rep(uint32_t n), t_repe(void);
extern void h_resume(void), h_ud2(void), h_load(void), h_fetch(void), u_timed(void),
    tlog_entry(void);
extern uint32_t tidx, tlog[8];
extern uint8_t buf_c[64];

static unsigned failures;

static void expect(const char *what, uint32_t got, uint32_t want)
{
    out_str(what);
    out_str(": ");
    out_dec(got);
    if (got != want) {
        out_str(" FAIL, expected ");
        out_dec(want);
        failures++;
    }
    out_str("\n");
}

void kmain(const struct space_bootinfo *boot)
{
    kit_init(boot);
    uint64_t a = space_time(), b = space_time();
    CHECK((a >> 32) == 0);
    CHECK(b > a);
    uint32_t d;
    __asm__ volatile("mov $11, %%eax\n\tint $0xff\n\tmov %%eax, %%ecx\n\t"
                     "mov $11, %%eax\n\tint $0xff\n\tsub %%ecx, %%eax"
                     : "=a"(d)
                     :
                     : "ecx", "edx");
    expect("back-to-back time ops", d, 3); /* mov %eax,%ecx; mov $11; int */

    static const uint32_t ns[] = {1, 2, 10, 1000, 100000};
    for (unsigned i = 0; i < 5; i++)
        expect("loop", t_loop(ns[i]), 2 * ns[i] + 3);
    expect("10 nops", t_nops(), 13);

    CHECK_EQ(space_map_portal(0, 3, 0, 0, (uint32_t)h_resume, 0), SPACE_OK);
    CHECK_EQ(space_map_portal(0, 6, 0, 0, (uint32_t)h_ud2, 0), SPACE_OK);
    expect("int3 + resume", t_int3(), 6);
    expect("ud2 + pop + jmp", t_ud2(), 6);
    CHECK_EQ(space_map_portal(0, 14, 0, 0, (uint32_t)h_load, 0), SPACE_OK);
    expect("load fault + pop + jmp", t_load(), 6);
    CHECK_EQ(space_map_portal(0, 14, 0, 0, (uint32_t)h_fetch, 0), SPACE_OK);
    expect("jmp, fetch fault + pop + jmp", t_fetch(), 7);
    CHECK_EQ(space_map_portal(0, 14, 0, 0, 0, 0), SPACE_OK);

    static const uint32_t reps[] = {0, 1, 7, 64};
    for (unsigned i = 0; i < 4; i++)
        expect("rep movsb", t_rep(reps[i]), reps[i] + 1 + 6);
    buf_c[4] = 0x56;
    expect("repe cmpsb, 5th byte differs", t_repe(), 5 + 6);
    buf_c[4] = 0x55;
    buf_c[0] = 0;
    expect("repe cmpsb, 1st byte differs", t_repe(), 1 + 6);

    /* a user program timed at the portal */
    kit_portals_std(1);
    kit_map_image(1, SPACE_ACCESS(3, SPACE_RX));
    CHECK_EQ(space_map_portal(1, 0x40, 0, 0, (uint32_t)tlog_entry, SPACE_PORTAL_FROM(3)), SPACE_OK);
    struct space_pcb p = kit_pcb_for(1, 3, (uint32_t)u_timed, 0);
    CHECK_EQ(kit_start(&p), 0x600d);
    CHECK_EQ(tidx, 3);
    /* 5 handler instructions after the time op, 3 nops + int, 2 up to time */
    expect("user: 3 nops between traps", tlog[1] - tlog[0], 5 + 4 + 2);
    /* 5 + (mov + 10 loop) + int + 2 */
    expect("user: loop of 5 between traps", tlog[2] - tlog[1], 5 + 11 + 1 + 2);
    CHECK_EQ(failures, 0);
    out_str("timing passed\n");
}
