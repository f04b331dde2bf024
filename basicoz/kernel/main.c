/* main.c - BasicOZ boots on CPU 0: console, memory, the CPUs' stacks,
 * the network, portals, timers, then the first process, the shell; then the other CPUs
 * start. From then on the kernel only runs in trap handlers, on every CPU. */
#include "kernel.h"

void kmain(const struct space_bootinfo *boot)
{
    console_init(boot);              /* (its registers are mapped before anything else) */
    space_context_name(0, "kernel"); /* (timelines and debuggers show names) */
    mem_init(boot);
    cpus_init(boot);
    net_init(boot);
    trap_init_context(0);
    uint32_t nprogs = 0;
    while (programs[nprogs].name)
        nprogs++;
    kprintf("BasicOZ on SPACE: %u MiB of RAM, %u pages free, %u programs", boot->ram_size >> 20,
            frames_free(), nprogs);
    if (ncpus > 1)
        kprintf(", %u CPUs", ncpus);
    if (net_present())
        kprintf(", node %u of %u", net_address(), net_nodes());
    kprintf("\n");
    for (uint32_t i = 0; i < ncpus; i++)
        timer_init(boot, &cpus[i]);
    char *argv[] = {"sh", NULL};
    if (proc_spawn("sh", 1, argv, 0) != 1)
        panic("cannot start the shell");
    acquire(&ptable_lock); /* the others wait while CPU 0 takes the shell */
    cpus_start();
    schedule();
}
