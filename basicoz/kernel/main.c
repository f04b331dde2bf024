/* main.c - BasicOZ boots: memory, console, portals, timer, then the first
 * process, the shell. From then on the kernel only runs in trap handlers. */
#include "kernel.h"

void kmain(const struct space_bootinfo *boot)
{
    console_init(boot); /* (its registers are mapped before anything else) */
    mem_init(boot);
    trap_init_context(0);
    uint32_t nprogs = 0;
    while (programs[nprogs].name)
        nprogs++;
    kprintf("BasicOZ on SPACE: %u MiB of RAM, %u pages free, %u programs\n", boot->ram_size >> 20,
            frames_free(), nprogs);
    timer_init(boot);
    char *argv[] = {"sh", NULL};
    if (proc_spawn("sh", 1, argv, 0) != 1)
        panic("cannot start the shell");
    schedule();
}
