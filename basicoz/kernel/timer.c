/* timer.c - the timer driver: each CPU has a timer of its own (unit i
 * interrupts CPU i), a periodic interrupt every QUANTUM instructions that
 * drives preemption on that CPU (and, on CPU 0, sleeping). */
#include "kernel.h"

#define REG(r) c->timer[(r) / 4]

/* The CPUs' ticks are spread evenly over the period: CPU i's first tick
 * comes after QUANTUM - i * QUANTUM / ncpus, the rest QUANTUM apart (the
 * timer keeps the first due time when INTERVAL changes). Ticks at the same
 * moment would make every CPU want ptable_lock at once; and SPACE runs the
 * CPUs in turns that end at device events, so a CPU that holds a lock when
 * its turn ends makes the others spin until it runs again. */
void timer_init(const struct space_bootinfo *boot, struct cpu *c)
{
    c->timer = device_map(boot, SPACE_DEVICE_TIMER, c->id, &c->timer_trap);
    if (!c->timer)
        panic("no timer for CPU %u", c->id);
    uint32_t first = QUANTUM - c->id * (QUANTUM / ncpus);
    REG(SPACE_TIMER_INTERVAL) = first;
    REG(SPACE_TIMER_CONTROL) = SPACE_TIMER_ENABLE | SPACE_TIMER_PERIODIC;
    if (first != QUANTUM)
        REG(SPACE_TIMER_INTERVAL) = QUANTUM;
}
