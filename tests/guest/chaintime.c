/* chaintime: thread-virtual time, SPACE_OP_CHAIN_TIME (docs §9 "Thread
 * virtual time").
 *
 * Exact counts around the operation (chaintime_asm.S): the chain that is
 * current at power-on has been charged every instruction so far; a loop
 * of n adds 2n + 3 as it does to space_time; Suspend charges its own
 * instruction to the chain it sets aside and the new chain starts at 0;
 * after Unsuspend the chain goes on from its suspended time; idle time in
 * space_wait is charged to no chain. Two user threads (CONTEXT 1, MODE 3)
 * run counted loops between yields: each dispatch adds exactly the thread's
 * instructions plus the 2 + 3 kernel instructions around it to its own
 * chain, and nothing to the other. Errors: a token <= 0 (other than 0), a
 * used or forged token: EAX = SPACE_ERR_TOKEN, EDX = 0xffffffff. */
#include "kit.h"

uint32_t ct_loop(uint32_t n);
void ct_vs_time(uint32_t out[2]), ct_switch(uint32_t r[9]), ct_wait(uint32_t r[4]);
void thr_code(void), yield_entry(void);
__attribute__((noreturn)) void ct_dispatch(int token);

int ct_ytoken;
uint8_t ct_kstack[8192] __attribute__((aligned(16)));
static struct kit_jmp run_jmp;
static uint32_t cnt[2]; /* each thread's loop count for its next run */

static uint64_t ctime(int token)
{
    int64_t t = space_chain_time(token);
    CHECK(t >= 0);
    return (uint64_t)t;
}

/* The raw operation: EDX:EAX. */
static uint64_t raw_chain_time(uint32_t token)
{
    uint32_t eax = SPACE_OP_CHAIN_TIME, edx;
    __asm__ volatile("int $0xff" : "+a"(eax), "=d"(edx) : "b"(token) : "memory");
    return (uint64_t)edx << 32 | eax;
}

static void exact_counts(void)
{
    uint32_t v[2];
    ct_vs_time(v);
    CHECK_EQ(v[1], v[0] + 4); /* nothing idle yet: the boot chain has it all */
    static const uint32_t ns[] = {1, 2, 10, 1000, 100000};
    for (unsigned i = 0; i < sizeof ns / sizeof ns[0]; i++)
        CHECK_EQ(ct_loop(ns[i]), 2 * ns[i] + 3);

    uint32_t r[9];
    struct space_pcb p = kit_pcb_for(0, 0, 0x1234, 0);
    CHECK_EQ(space_pcb_push(&p), SPACE_OK); /* Suspend needs a non-empty chain */
    ct_switch(r);
    CHECK((int)r[1] > 0);
    CHECK_EQ(r[2], 4);
    CHECK_EQ(r[3], r[0] + 3);
    CHECK_EQ(r[4], 0);
    CHECK_EQ(r[5], SPACE_OK);
    CHECK_EQ(r[6], r[0] + 7);
    CHECK_EQ(r[7], SPACE_ERR_TOKEN);
    CHECK_EQ(r[8], 0xffffffffu);
    CHECK_EQ(space_pcb_pop(), SPACE_OK);
}

static uint32_t timer_regs(const struct space_bootinfo *boot)
{
    for (uint32_t i = 0; i < boot->ndevices; i++)
        if (space_boot_device(boot, i)->type == SPACE_DEVICE_TIMER)
            return space_boot_device(boot, i)->regs;
    CHECK(0);
    return 0;
}

/* A one-shot tick 100000 instructions ahead; space_wait with interrupts
 * disabled idles until it and returns. */
static void idle_is_nobodys(const struct space_bootinfo *boot)
{
    const uint32_t regs = 0x30000000u;
    CHECK_EQ(space_map_memory(0, regs, timer_regs(boot), SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
    volatile uint32_t *timer = (volatile uint32_t *)regs;
    timer[SPACE_TIMER_INTERVAL / 4] = 100000;
    timer[SPACE_TIMER_CONTROL / 4] = SPACE_TIMER_ENABLE;
    uint32_t due = timer[SPACE_TIMER_NEXT_LO / 4], r[4];
    ct_wait(r);
    CHECK_EQ(r[2], due + 2); /* idled until the tick: mov, int after it */
    CHECK(r[2] - r[1] > 90000);
    CHECK_EQ(r[3] - r[0], 11);
    uint32_t v[2];
    ct_vs_time(v);
    CHECK(v[1] + 90000 < v[0]); /* the chain now lags the clock by the idle time */
}

void ct_yield_c(void)
{
    kit_longjmp(&run_jmp, 1);
}

/* Runs the thread of `token` until it yields; returns its new token. */
static int run_thread(int token)
{
    if (kit_setjmp(&run_jmp) == 0)
        ct_dispatch(token);
    return ct_ytoken;
}

static void errors(int live)
{
    static const uint32_t bad[] = {0xffffffffu, 0x80000000u, 0x7fffffffu, 4097, 1};
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(bad[i] != (uint32_t)live);
        CHECK_EQ(space_chain_time((int)bad[i]), SPACE_ERR_TOKEN);
        uint64_t raw = raw_chain_time(bad[i]);
        CHECK_EQ((uint32_t)raw, SPACE_ERR_TOKEN);
        CHECK_EQ((uint32_t)(raw >> 32), 0xffffffffu);
    }
    CHECK_EQ((uint32_t)(raw_chain_time((uint32_t)live) >> 32), 0);
}

static void two_threads(void)
{
    kit_portals_std(1);
    kit_map_image(1, SPACE_ACCESS(3, SPACE_RWX));
    CHECK_EQ(space_map_portal(1, 0x41, 0, 0, (uint32_t)yield_entry, SPACE_PORTAL_FROM(3)),
             SPACE_OK);
    /* set the boot chain aside, so that the threads' chains start afresh */
    struct space_pcb dummy = kit_pcb_for(0, 0, 0, 0);
    CHECK_EQ(space_pcb_push(&dummy), SPACE_OK);
    int boot_tok = space_suspend();
    CHECK(boot_tok > 0);
    uint64_t boot_time = ctime(boot_tok);
    CHECK(boot_time > 100000);
    CHECK(ctime(0) < 50);

    int tok[2];
    for (int t = 0; t < 2; t++) {
        struct space_pcb p = kit_pcb_for(1, 3, (uint32_t)thr_code, kit_stack_top(t));
        p.edx = (uint32_t)&cnt[t];
        CHECK_EQ(space_pcb_push(&p), SPACE_OK);
        tok[t] = space_suspend();
        CHECK(tok[t] > 0);
        CHECK(ctime(tok[t]) < 500); /* the kernel instructions since the last Suspend */
    }
    static const uint32_t counts[3][2] = {{1000, 3}, {50000, 200000}, {7, 10000}};
    for (int round = 0; round < 3; round++) {
        for (int t = 0; t < 2; t++) {
            cnt[t] = counts[round][t];
            uint64_t before = ctime(tok[t]), other = ctime(tok[1 - t]);
            int old = tok[t];
            tok[t] = run_thread(old);
            CHECK(tok[t] > 0);
            CHECK_EQ(space_chain_time(old), SPACE_ERR_TOKEN); /* used */
            /* 2 (dispatch) + [jmp] + mov + 2n + 3 (yield) */
            uint64_t want = 2 + (round > 0) + 1 + 2 * (uint64_t)cnt[t] + 3;
            CHECK_EQ(ctime(tok[t]) - before, want);
            CHECK_EQ(ctime(tok[1 - t]), other);
            CHECK(ctime(0) < 200); /* the kernel's chain since the yield */
            errors(tok[t]);
        }
    }
    CHECK_EQ(ctime(boot_tok), boot_time); /* suspended all along */
    CHECK_EQ(space_unsuspend(boot_tok), SPACE_OK);
    CHECK(ctime(0) >= boot_time);
    CHECK(ctime(0) < boot_time + 50);
    CHECK_EQ(space_pcb_pop(), SPACE_OK);
}

void kmain(const struct space_bootinfo *boot)
{
    kit_init(boot);
    exact_counts();
    idle_is_nobodys(boot);
    two_threads();
    out_str("chaintime passed\n");
}
