/* dev_timer: the timer to the instruction. With interrupts enabled, the
 * code under test (dev_timer.S) counts in EAX with straight-line `inc %eax`
 * instructions, so the EAX and pc a tick interrupts show exactly how many
 * instructions ran since the arming write retired:
 *   - a one-shot tick arrives after exactly INTERVAL instructions
 *     (EAX = INTERVAL, pc = the (INTERVAL+1)th inc), then disarms;
 *   - periodic ticks are exactly INTERVAL apart in virtual time, whatever
 *     the handler costs (it takes K = 14 instructions: tick i interrupts at
 *     EAX = i*INTERVAL - (i-1)*K); a new INTERVAL applies from the next period;
 *   - CONTROL = 0 cancels a scheduled tick; re-arming replaces the schedule;
 *     INTERVAL alone changes nothing scheduled; INTERVAL 0 arms nothing, and
 *     a periodic timer whose INTERVAL becomes 0 disarms after its next tick;
 *   - a tick can interrupt a rep stosl between iterations (ECX shows it);
 *   - NOW_LO/HI equal space_time() counted the same way (an access happens
 *     as its instruction retires), NEXT = arming time + INTERVAL (64-bit);
 *   - space_wait() skips idle time to the tick exactly, with and without
 *     interrupt delivery; with a line already pending no time passes; a
 *     tick that came while masked is delivered when interrupts are enabled;
 *   - read-only registers ignore writes, other offsets read 0.
 * Halts 0 on success; also run through the determinism harness. */
#include <space.h>

#include "devtest.h"

#define K 14 /* instructions in tick_entry */

void tick_entry(void);
uint32_t t_oneshot(uint32_t interval), t_periodic(void), t_period_change(void), t_disarm(void),
    t_rearm(void), t_rearm_new(void), t_interval_only(void), t_zero(void), t_rep(uint32_t *buf),
    t_now(uint32_t *out), t_next(uint32_t interval, uint32_t *out), t_wait(uint32_t interval),
    t_interval_zero(void), t_wait_pending(uint32_t *out);
extern char t_oneshot_seq[], t_periodic_seq[], t_period_change_seq[], t_rearm_seq[],
    t_rearm_new_seq[], t_interval_only_seq[], t_rep_insn[], t_wait_after[], t_interval_zero_seq[];

uint32_t tick_n, tick_eax[16], tick_time[16], now_before;
struct space_pcb tick_pcb[16];

#define MOVL_IMM_DISP8 7 /* bytes of movl $imm32, disp8(%ebx) */

static void reset(void)
{
    tick_n = 0;
    REG(TIMER_VA, SPACE_TIMER_TICKS) = 0;
}

/* checks tick i: interrupted with EAX = eax at pc, delivered at `when` */
static void check_tick(uint32_t i, uint32_t eax, uint32_t pc, uint32_t when)
{
    CHECK(i < tick_n);
    CHECK_EQ(tick_pcb[i].trap, 33);
    CHECK_EQ(tick_pcb[i].cause, 33);
    CHECK_EQ(tick_pcb[i].ie, 1);
    CHECK_EQ(tick_pcb[i].ctx, 0);
    CHECK_EQ(tick_pcb[i].mode, 0);
    CHECK_EQ(tick_pcb[i].access, 0);
    CHECK_EQ(tick_pcb[i].addr, 0);
    CHECK_EQ(tick_eax[i], eax);
    CHECK_EQ(tick_pcb[i].eax, eax);
    CHECK_EQ(tick_pcb[i].pc, pc);
    CHECK_EQ(tick_time[i], when + 3);
}

static void check_disarmed(void)
{
    CHECK_EQ(REG(TIMER_VA, SPACE_TIMER_CONTROL) & SPACE_TIMER_ENABLE, 0);
    CHECK_EQ(REG(TIMER_VA, SPACE_TIMER_NEXT_LO), 0);
    CHECK_EQ(REG(TIMER_VA, SPACE_TIMER_NEXT_HI), 0);
}

static uint32_t with_ie(uint32_t (*fn)(void))
{
    space_interrupts(1);
    uint32_t r = fn();
    space_interrupts(0);
    return r;
}

static void oneshot(uint32_t n)
{
    reset();
    space_interrupts(1);
    uint32_t r = t_oneshot(n);
    space_interrupts(0);
    uint32_t armed = now_before + 2;
    CHECK_EQ(r, 3000);
    CHECK_EQ(tick_n, 1);
    check_tick(0, n, (uint32_t)t_oneshot_seq + n, armed + n);
    CHECK_EQ(REG(TIMER_VA, SPACE_TIMER_TICKS), 1);
    CHECK_EQ(REG(TIMER_VA, SPACE_TIMER_CONTROL), 0); /* a one-shot disarms */
    CHECK_EQ(REG(TIMER_VA, SPACE_TIMER_INTERVAL), n);
    check_disarmed();
}

static uint32_t buf[1024];

void kmain(const struct space_bootinfo *boot)
{
    struct devinfo d;
    dev_setup(boot, &d);
    CHECK_EQ(space_map_portal(0, d.timer_trap, 0, 0, (uint32_t)tick_entry, 0), SPACE_OK);
    CHECK_EQ(REG(TIMER_VA, SPACE_TIMER_CONTROL), 0);
    check_disarmed();

    /* one-shot: exactly INTERVAL instructions after the arming write */
    static const uint32_t ns[] = {1, 2, 3, 64, 1000, 2999, 3000};
    for (unsigned i = 0; i < sizeof ns / sizeof ns[0]; i++)
        oneshot(ns[i]);
    out_str("one-shot ticks after exactly INTERVAL instructions\n");

    /* periodic: T + 300 i exactly; 10 ticks before the disarm */
    reset();
    CHECK_EQ(with_ie(t_periodic), 4000);
    uint32_t armed = now_before + 2;
    CHECK_EQ(tick_n, 10);
    for (uint32_t i = 1; i <= 10; i++) {
        uint32_t eax = 300 * i - K * (i - 1);
        check_tick(i - 1, eax, (uint32_t)t_periodic_seq + eax, armed + 300 * i);
    }
    CHECK_EQ(REG(TIMER_VA, SPACE_TIMER_TICKS), 10);
    CHECK_EQ(REG(TIMER_VA, SPACE_TIMER_CONTROL), 0);
    check_disarmed();
    /* a new INTERVAL applies from the next period */
    reset();
    CHECK_EQ(with_ie(t_period_change), 1600);
    armed = now_before + 2;
    CHECK_EQ(tick_n, 2);
    check_tick(0, 299, (uint32_t)t_period_change_seq + 299 + MOVL_IMM_DISP8, armed + 300);
    check_tick(1, 485, (uint32_t)t_period_change_seq + 485 + MOVL_IMM_DISP8, armed + 500);
    check_disarmed();
    out_str("periodic ticks exactly INTERVAL apart\n");

    /* disarming cancels the scheduled tick */
    reset();
    CHECK_EQ(with_ie(t_disarm), 350);
    CHECK_EQ(tick_n, 0);
    CHECK_EQ(REG(TIMER_VA, SPACE_TIMER_TICKS), 0);
    check_disarmed();
    /* re-arming replaces the schedule */
    reset();
    CHECK_EQ(with_ie(t_rearm), 330);
    armed = now_before + 2;
    CHECK_EQ(tick_n, 1);
    check_tick(0, 130, (uint32_t)t_rearm_seq + 30 + MOVL_IMM_DISP8 + 100, armed + 31 + 100);
    reset();
    CHECK_EQ(with_ie(t_rearm_new), 330);
    armed = now_before + 2;
    CHECK_EQ(tick_n, 1);
    check_tick(0, 70, (uint32_t)t_rearm_new_seq + 30 + 2 * MOVL_IMM_DISP8 + 40, armed + 32 + 40);
    /* INTERVAL alone does not move a scheduled tick */
    reset();
    CHECK_EQ(with_ie(t_interval_only), 310);
    armed = now_before + 2;
    CHECK_EQ(tick_n, 1);
    check_tick(0, 99, (uint32_t)t_interval_only_seq + 10 + MOVL_IMM_DISP8 + 89, armed + 100);
    /* INTERVAL 0: ENABLE does not stick, nothing comes */
    reset();
    CHECK_EQ(with_ie(t_zero), 300);
    CHECK_EQ(tick_n, 0);
    CHECK_EQ(REG(TIMER_VA, SPACE_TIMER_CONTROL), 0);
    check_disarmed();
    /* a periodic timer whose INTERVAL becomes 0 ticks once more, then disarms */
    reset();
    CHECK_EQ(with_ie(t_interval_zero), 1010);
    armed = now_before + 2;
    CHECK_EQ(tick_n, 1);
    check_tick(0, 99, (uint32_t)t_interval_zero_seq + 10 + MOVL_IMM_DISP8 + 89, armed + 100);
    CHECK_EQ(REG(TIMER_VA, SPACE_TIMER_TICKS), 1);
    CHECK_EQ(REG(TIMER_VA, SPACE_TIMER_CONTROL), SPACE_TIMER_PERIODIC);
    check_disarmed();
    out_str("disarm, re-arm, INTERVAL changes, INTERVAL 0\n");

    /* a tick between two iterations of rep stosl */
    reset();
    space_interrupts(1);
    uint32_t left = t_rep(buf);
    space_interrupts(0);
    armed = now_before + 3;
    CHECK_EQ(left, 0);
    CHECK_EQ(tick_n, 1);
    CHECK_EQ(tick_pcb[0].pc, (uint32_t)t_rep_insn);
    CHECK_EQ(tick_pcb[0].ecx, 1000 - 100);
    CHECK_EQ(tick_pcb[0].edi, (uint32_t)buf + 4 * 100);
    CHECK_EQ(tick_time[0], armed + 100 + 3);
    out_str("tick between rep iterations\n");

    /* NOW and NEXT */
    uint32_t o[6];
    t_now(o);
    CHECK_EQ(o[1], o[0] + 1);
    CHECK_EQ(o[2], 0);
    CHECK_EQ(o[3], o[0] + 3);
    CHECK_EQ(o[4], o[0] + 8);
    CHECK_EQ(o[5], o[4] + 2);
    t_next(1000, o);
    CHECK_EQ(o[0], o[2] - 3 + 1000);
    CHECK_EQ(o[1], 0);
    t_next(0xffffffffu, o); /* NEXT = (arming time) + 0xffffffff crosses 2^32 */
    CHECK_EQ(o[1], 1);
    CHECK_EQ(o[0], o[2] - 3 - 1);
    check_disarmed();
    /* read-only registers ignore writes; offsets without a register read 0 */
    REG(TIMER_VA, SPACE_TIMER_NOW_HI) = 0x1234;
    REG(TIMER_VA, SPACE_TIMER_NEXT_LO) = 0x1234;
    REG(TIMER_VA, SPACE_TIMER_NEXT_HI) = 0x1234;
    REG(TIMER_VA, 0x1c) = 0x1234;
    REG(TIMER_VA, 0xffc) = 0x1234;
    CHECK_EQ(REG(TIMER_VA, SPACE_TIMER_NOW_HI), 0);
    check_disarmed();
    CHECK_EQ(REG(TIMER_VA, 0x1c), 0);
    CHECK_EQ(REG(TIMER_VA, 0x800), 0);
    CHECK_EQ(REG(TIMER_VA, 0xffc), 0);
    CHECK_EQ(REG(CONSOLE_VA, 0x14), 0);
    CHECK_EQ(REG(CONSOLE_VA, 0xffc), 0);
    out_str("NOW and NEXT\n");

    /* space_wait skips to the tick; masked, it stays pending */
    reset();
    uint32_t t = t_wait(100000);
    armed = now_before + 2;
    CHECK_EQ(t, armed + 100000 + 2);
    CHECK_EQ(tick_n, 0);
    CHECK_EQ(REG(TIMER_VA, SPACE_TIMER_TICKS), 1);
    t_wait_pending(o); /* the line is pending: no time passes */
    CHECK_EQ(o[1], o[0] + 5);
    space_interrupts(1); /* delivered now, before the wrapper's ret */
    space_interrupts(0);
    CHECK_EQ(tick_n, 1);
    CHECK_EQ(tick_pcb[0].ie, 1);
    /* ... and with interrupts enabled it is delivered at the wait */
    reset();
    space_interrupts(1);
    t = t_wait(50000);
    space_interrupts(0);
    armed = now_before + 2;
    CHECK_EQ(tick_n, 1);
    CHECK_EQ(tick_pcb[0].pc, (uint32_t)t_wait_after);
    CHECK_EQ(tick_time[0], armed + 50000 + 3);
    CHECK_EQ(t, armed + 50000 + K + 2);
    out_str("space_wait skips to the tick\n");

    out_str("dev_timer passed\n");
    space_halt(0);
}
