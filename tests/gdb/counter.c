/* The guest the GDB tests debug (tests/gdb/gdb.sh, rsp.py): a global
 * counter incremented in a loop (watchpoints), a known data table, and an
 * exit status that says whether the loop ran undisturbed to its end: 7.
 * With --cmdline spin it counts forever (Ctrl-C, kill). */
#include <space.h>

volatile uint32_t counter;
volatile uint32_t reads_of; /* only ever read (a read watchpoint) */
const uint32_t table[4] = {0x11223344, 0x55667788, 0x99aabbcc, 0xddeeff00};

/* Not inlined: a breakpoint target other than kmain. */
__attribute__((noinline)) uint32_t bump(uint32_t by)
{
    counter += by;
    return counter + reads_of;
}

void kmain(const struct space_bootinfo *boot)
{
    if (boot->cmdline[0] == 's')
        for (;;)
            bump(1);
    uint32_t sum = 0;
    for (uint32_t i = 0; i < 10; i++)
        sum += bump(1);
    /* 1 + 2 + ... + 10 = 55 */
    space_halt(counter == 10 && sum == 55 ? 7 : 1);
}
