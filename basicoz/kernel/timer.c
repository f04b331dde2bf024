/* timer.c - the timer driver: a periodic interrupt every QUANTUM
 * instructions drives preemption and sleeping. */
#include "kernel.h"

#define REG(r) regs[(r) / 4]

static volatile uint32_t *regs;
static uint32_t trap;

void timer_init(const struct space_bootinfo *boot)
{
    regs = device_map(boot, SPACE_DEVICE_TIMER, &trap);
    if (!regs)
        panic("no timer");
    REG(SPACE_TIMER_INTERVAL) = QUANTUM;
    REG(SPACE_TIMER_CONTROL) = SPACE_TIMER_ENABLE | SPACE_TIMER_PERIODIC;
}

uint32_t timer_trap(void)
{
    return trap;
}
