/* Tracing around a region (space run --trace ...,guest): the guest switches
 * the simulator's trace on for exactly five nops and off again, and
 * reports what space_trace returned. */
#include "check.h"

void kmain(const struct space_bootinfo *boot)
{
    (void)boot;
    int before = space_trace(1);
    __asm__ volatile("nop\n\tnop\n\tnop\n\tnop\n\tnop");
    int during = space_trace(0);
    out_str("trace switch was ");
    out_dec((uint32_t)before);
    out_str(", then ");
    out_dec((uint32_t)during);
    out_str("\n");
    space_halt(0);
}
