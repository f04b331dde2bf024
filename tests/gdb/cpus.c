/* The guest the multi-CPU tool tests run (space run --cpus 2..4; gdb in
 * tests/gdb/gdb.sh, sdb in tests/debugger/cases.sh, --trace in
 * tests/trace/trace.sh). CPU 0 starts the others; each calls on_cpu(its number) - CPU 1 also
 * cpu1_work, a breakpoint only CPU 1 reaches - counts itself in `started` and spins with EBX =
 * 0xc0de0000 + its number, so that a debugger shows each CPU's own registers. CPU 0 then calls
 * all_started and halts with 7. */
#include <space.h>

#define NCPUS 4 /* at most */
#define STACK 4096

static uint8_t stacks[NCPUS][STACK] __attribute__((aligned(16)));
volatile uint32_t started;
volatile uint32_t seen[NCPUS];

/* Not inlined: breakpoint targets. */
__attribute__((noinline)) void cpu1_work(void)
{
    seen[1] += 10;
}

__attribute__((noinline)) void on_cpu(uint32_t me)
{
    seen[me]++;
    if (me == 1)
        cpu1_work();
}

__attribute__((noinline)) void all_started(void)
{
    __asm__ volatile("" ::: "memory");
}

static __attribute__((noreturn)) void worker(void)
{
    uint32_t me = space_cpu_id();
    on_cpu(me);
    /* (EBX is set before the count: CPU 0 sees it set on all three) */
    __asm__ volatile("lock incl %0\n1: jmp 1b" : "+m"(started) : "b"(0xc0de0000u + me));
    __builtin_unreachable();
}

void kmain(const struct space_bootinfo *boot)
{
    uint32_t n = boot->ncpus;
    if (n < 2 || n > NCPUS)
        space_halt(1);
    for (uint32_t i = 1; i < n; i++) {
        struct space_pcb p = {
            .pc = (uint32_t)worker, .esp = (uint32_t)&stacks[i][STACK - 16], .eflags = 0x2};
        if (space_cpu_start(i, &p) != 0)
            space_halt(1);
    }
    while (started < n - 1)
        ;
    all_started();
    int ok = seen[1] == 11;
    for (uint32_t i = 2; i < n; i++)
        ok = ok && seen[i] == 1;
    space_halt(ok ? 7 : 1);
}
