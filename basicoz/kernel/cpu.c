/* cpu.c - the CPUs: their per-CPU state and kernel stacks, starting them,
 * spinlocks, and the inter-processor interrupt that wakes an idle CPU.
 *
 * Every CPU runs the same kernel, in CONTEXT 0, MODE 0, with interrupts off
 * while in it; what differs per CPU is its kernel stack (KSTACK_WINDOW),
 * its struct cpu (which process it runs, its timer) and its own PCB chain
 * (SPACE keeps that). CPU 0 boots; kmain then starts the others
 * (cpus_start), each at cpu_entry with an empty chain, and from there on
 * every CPU only runs trap handlers, like CPU 0. */
#include "kernel.h"

struct cpu cpus[NCPU];
uint32_t ncpus = 1;

void cpu_entry(void); /* entry.S: the kernel stack, then cpu_main */

/* A spinlock is one word, taken with xchg: x86's xchg with memory is
 * atomic on every CPU of a SPACE machine, a load and a store are not. The
 * kernel runs with interrupts off, so a CPU holding a lock is never
 * interrupted by something that wants the same lock: the only way to wait
 * for one forever is to take it twice, which acquire reports. */
static uint32_t xchg(volatile uint32_t *word, uint32_t value)
{
    __asm__ volatile("xchgl %0, %1" : "+r"(value), "+m"(*word) : : "memory");
    return value;
}

int holding(const struct spinlock *l)
{
    return l->locked && l->cpu == mycpu();
}

void acquire(struct spinlock *l)
{
    if (holding(l))
        panic("acquire %s: CPU %u holds it already", l->name, mycpu()->id);
    while (xchg(&l->locked, 1))
        while (l->locked) /* wait with plain loads: the holder's release is one store */
            ;
    l->cpu = mycpu();
}

void release(struct spinlock *l)
{
    if (!holding(l))
        panic("release %s: CPU %u does not hold it", l->name, mycpu()->id);
    l->cpu = NULL;
    xchg(&l->locked, 0);
}

/* Boot, on CPU 0: how many CPUs there are, a mapped kernel stack for each
 * (frames from the allocator, mapped for MODE 0 only) and each one's timer. */
void cpus_init(const struct space_bootinfo *boot)
{
    ncpus = boot->ncpus < 1 ? 1 : boot->ncpus > NCPU ? NCPU : boot->ncpus;
    for (uint32_t i = 0; i < ncpus; i++) {
        cpus[i].id = i;
        for (uint32_t off = 0; off < KSTACK_SIZE; off += SPACE_PAGE_SIZE) {
            uint32_t frame = frame_alloc();
            if (!frame)
                panic("no memory for CPU %u's kernel stack", i);
            space_map_memory(0, KSTACK_WINDOW + i * KSTACK_STRIDE + off, frame,
                             SPACE_ACCESS(0, SPACE_RW));
        }
    }
}

/* Starts CPUs 1.. at cpu_entry, as if each resumed a PCB of CONTEXT 0,
 * MODE 0 with interrupts off. kmain calls this holding ptable_lock, so the
 * others wait until CPU 0 has taken the first process. */
void cpus_start(void)
{
    struct space_pcb start = {.pc = (uint32_t)cpu_entry, .eflags = 0x2, .ctx = 0, .mode = 0};
    for (uint32_t i = 1; i < ncpus; i++) {
        int err = space_cpu_start(i, &start);
        if (err != SPACE_OK)
            panic("cannot start CPU %u (%d)", i, err);
    }
}

/* Where a started CPU begins, on its own kernel stack: run what is ready,
 * or idle until an IPI or its timer says there may be work. */
void cpu_main(void)
{
    acquire(&ptable_lock);
    schedule();
}

/* Wakes CPU `cpu` from space_wait: the IPI arrives as SPACE_TRAP_IPI
 * through the idle loop's portal (irq_entry), and the CPU schedules. If
 * it is not idle any more the IPI only interrupts it once, harmlessly. */
void cpu_kick(uint32_t cpu)
{
    int err = space_ipi(cpu, SPACE_TRAP_IPI);
    if (err != SPACE_OK)
        panic("IPI to CPU %u failed (%d)", cpu, err);
}
