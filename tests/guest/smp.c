/* Several CPUs (space run --cpus 4): one scenario per --cmdline.
 *   lock      each CPU does 100000 `lock incl` on one counter: exactly 400000
 *   race      the same with a separate load and store: prints the total
 *   xchg      the racy load and store inside a spinlock built on xchg: exact
 *   ipi       every CPU sends an IPI to every CPU (itself too): each arrives once
 *   start     space_cpu_start's errors, and a started CPU's first state
 *   migrate   a thread Suspended on CPU 1 is Unsuspended and Resumed on CPU 2
 *   shootdown CPU 1 unmaps a page CPU 2 increments in a loop: CPU 2 faults
 *             at its next access, with no access after the unmap
 *   smc       code CPU 1 runs is rewritten by CPU 0: CPU 1 runs the new code
 *   timer     each CPU arms its own timer (unit = its number) and waits: the
 *             interrupt comes to it and to no other CPU, as the one trap all
 *             timers share
 *   mixed     a short run of all of it (lock incl, a racy count, an IPI to
 *             the next CPU and a wait for one) for the determinism harness
 * All in CONTEXT 0, MODE 0. A failed check halts the machine with 1. */
#include "check.h"

#define NCPUS      4
#define ITERATIONS 100000
#define STACK      8192
#define IPI_TRAP   40 /* + the sender: which CPU sent it */
#define MIG_TRAP   0x50

static uint8_t stacks[NCPUS][STACK] __attribute__((aligned(16)));
uint8_t handler_stack[STACK] __attribute__((aligned(16))); /* (named in asm) */
static volatile uint32_t counter, counter2, done;
static uint32_t free_frame;

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static void atomic_inc(volatile uint32_t *p)
{
    __asm__ volatile("lock incl %0" : "+m"(*p));
}

static __attribute__((noreturn)) void park(void)
{
    for (;;)
        space_wait();
}

static uint32_t frame(void)
{
    uint32_t f = free_frame;
    free_frame += 4096;
    CHECK_EQ(space_map_memory(0, f, f, SPACE_ACCESS(0, SPACE_RWX)), 0);
    return f;
}

static int start_cpu(uint32_t cpu, void (*fn)(void))
{
    struct space_pcb p = {.pc = (uint32_t)fn,
                          .esp = (uint32_t)&stacks[cpu][STACK - 16],
                          .eflags = 0x2,
                          .ctx = 0,
                          .mode = 0};
    return space_cpu_start(cpu, &p);
}

static void start_all(void (*fn)(void))
{
    for (uint32_t i = 1; i < NCPUS; i++)
        CHECK_EQ(start_cpu(i, fn), 0);
}

static void wait_done(uint32_t n)
{
    while (done < n)
        ;
}

/* ---- lock and race ---- */

static void lock_loop(volatile uint32_t *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        atomic_inc(p);
}

/* A lost update waits between the load and the store. */
static void race_loop(volatile uint32_t *p, uint32_t n)
{
    __asm__ volatile("1: movl %1, %%eax\n"
                     "   incl %%eax\n"
                     "   movl %%eax, %1\n"
                     "   decl %0\n"
                     "   jnz 1b\n"
                     : "+r"(n), "+m"(*p)
                     :
                     : "eax", "cc");
}

static void lock_work(void)
{
    lock_loop(&counter, ITERATIONS);
    atomic_inc(&done);
}

static void lock_worker(void)
{
    lock_work();
    park();
}

static volatile uint32_t spinlock;

static void xchg_work(void)
{
    for (int i = 0; i < ITERATIONS / 10; i++) {
        uint32_t held = 1;
        do
            __asm__ volatile("xchgl %0, %1" : "+r"(held), "+m"(spinlock) : : "memory");
        while (held);
        race_loop(&counter, 1);
        spinlock = 0;
    }
    atomic_inc(&done);
}

static void xchg_worker(void)
{
    xchg_work();
    park();
}

static void race_work(void)
{
    race_loop(&counter, ITERATIONS);
    atomic_inc(&done);
}

static void race_worker(void)
{
    race_work();
    park();
}

/* ---- ipi ---- */

static volatile uint32_t received[NCPUS][NCPUS + 1]; /* [receiver][sender], [NCPUS]: trap 63 */

void ipi_handler(void)
{
    struct space_pcb p;
    CHECK_EQ(space_pcb_read(&p), 0);
    uint32_t me = space_cpu_id();
    CHECK(p.trap == SPACE_TRAP_IPI || (p.trap >= IPI_TRAP && p.trap < IPI_TRAP + NCPUS));
    CHECK_EQ(p.ie, 1);
    received[me][p.trap == SPACE_TRAP_IPI ? NCPUS : p.trap - IPI_TRAP]++;
    space_resume();
}
void ipi_entry(void);
__asm__(".globl ipi_entry\nipi_entry:\n and $-16, %esp\n call ipi_handler\n");

static uint32_t arrived(uint32_t me)
{
    uint32_t n = 0;
    for (uint32_t s = 0; s <= NCPUS; s++)
        n += received[me][s];
    return n;
}

static void ipi_work(void)
{
    uint32_t me = space_cpu_id();
    space_interrupts(0);
    for (uint32_t to = 0; to < NCPUS; to++)
        CHECK_EQ(space_ipi(to, IPI_TRAP + me), 0);
    CHECK_EQ(space_ipi(me, SPACE_TRAP_IPI), 0);
    /* Interrupts off while looking, so that none slips in before the wait. */
    while (arrived(me) < NCPUS + 1) {
        space_wait();
        space_interrupts(1);
        space_interrupts(0);
    }
    atomic_inc(&done);
}

static void ipi_worker(void)
{
    ipi_work();
    park();
}

static void test_ipi(void)
{
    for (uint32_t t = IPI_TRAP; t < IPI_TRAP + NCPUS; t++)
        CHECK_EQ(space_map_portal(0, t, 0, 0, (uint32_t)ipi_entry, 0), 0);
    CHECK_EQ(space_map_portal(0, SPACE_TRAP_IPI, 0, 0, (uint32_t)ipi_entry, 0), 0);
    CHECK_EQ(space_ipi(NCPUS, SPACE_TRAP_IPI), SPACE_ERR_CPU);
    CHECK_EQ(space_ipi(0, 31), SPACE_ERR_TRAP);
    CHECK_EQ(space_ipi(0, 64), SPACE_ERR_TRAP);
    start_all(ipi_worker);
    ipi_work();
    wait_done(NCPUS);
    for (uint32_t r = 0; r < NCPUS; r++) {
        for (uint32_t s = 0; s <= NCPUS; s++)
            CHECK_EQ(received[r][s], 1);
    }
}

/* ---- timer ---- */

static const struct space_bootinfo *bootinfo;
static volatile uint32_t timer_trap[NCPUS], timer_hits[NCPUS];

void timer_handler(void)
{
    struct space_pcb p;
    CHECK_EQ(space_pcb_read(&p), 0);
    uint32_t me = space_cpu_id();
    timer_trap[me] = p.trap;
    timer_hits[me]++;
    space_resume();
}
void timer_entry(void);
__asm__(".globl timer_entry\ntimer_entry:\n and $-16, %esp\n call timer_handler\n");

static const struct space_device_info *timer_of(uint32_t cpu)
{
    for (uint32_t i = 0; i < bootinfo->ndevices; i++)
        if (space_boot_device(bootinfo, i)->type == SPACE_DEVICE_TIMER &&
            space_boot_device(bootinfo, i)->unit == cpu)
            return space_boot_device(bootinfo, i);
    CHECK(!"a timer for every CPU");
    return 0;
}

static void timer_work(void)
{
    uint32_t me = space_cpu_id();
    volatile uint32_t *regs = (volatile uint32_t *)timer_of(me)->regs;
    space_interrupts(0);
    regs[SPACE_TIMER_INTERVAL / 4] = 5000 + 1000 * me;
    regs[SPACE_TIMER_CONTROL / 4] = SPACE_TIMER_ENABLE; /* once */
    while (!timer_hits[me]) {
        space_wait();
        space_interrupts(1);
        space_interrupts(0);
    }
    atomic_inc(&done);
}

static void timer_worker(void)
{
    timer_work();
    park();
}

static void test_timer(void)
{
    for (uint32_t i = 0; i < bootinfo->ndevices; i++) {
        const struct space_device_info *d = space_boot_device(bootinfo, i);
        CHECK_EQ(space_map_memory(0, d->regs, d->regs, SPACE_ACCESS(0, SPACE_RW)), 0);
        if (d->type == SPACE_DEVICE_TIMER)
            CHECK_EQ(space_map_portal(0, d->trap, 0, 0, (uint32_t)timer_entry, 0), 0);
    }
    start_all(timer_worker);
    timer_work();
    wait_done(NCPUS);
    for (uint32_t c = 0; c < NCPUS; c++) {
        CHECK_EQ(timer_hits[c], 1);
        CHECK_EQ(timer_of(c)->trap, timer_of(0)->trap);
        CHECK_EQ(timer_trap[c], timer_of(c)->trap);
    }
}

/* ---- mixed ---- */

static void mixed_work(void)
{
    uint32_t me = space_cpu_id();
    lock_loop(&counter, 3000);
    race_loop(&counter2, 3000);
    space_interrupts(0);
    CHECK_EQ(space_ipi((me + 1) % NCPUS, IPI_TRAP + me), 0);
    while (arrived(me) < 1) {
        space_wait();
        space_interrupts(1);
        space_interrupts(0);
    }
    atomic_inc(&done);
}

static void mixed_worker(void)
{
    mixed_work();
    park();
}

static void test_mixed(void)
{
    for (uint32_t t = IPI_TRAP; t < IPI_TRAP + NCPUS; t++)
        CHECK_EQ(space_map_portal(0, t, 0, 0, (uint32_t)ipi_entry, 0), 0);
    start_all(mixed_worker);
    mixed_work();
    wait_done(NCPUS);
    CHECK_EQ(counter, NCPUS * 3000);
    out_str("smp mixed: racy total ");
    out_dec(counter2);
    out_str("\n");
}

/* ---- start ---- */

volatile uint32_t probe_regs[8]; /* (named in asm) */
static volatile uint32_t probe_cpu, probe_ie, probe_depth;
void start_probe(void);
__asm__(".globl start_probe\nstart_probe:\n"
        " movl %eax, probe_regs\n movl %ebx, probe_regs+4\n movl %ecx, probe_regs+8\n"
        " movl %edx, probe_regs+12\n movl %esi, probe_regs+16\n movl %edi, probe_regs+20\n"
        " movl %ebp, probe_regs+24\n movl %esp, probe_regs+28\n call start_probe_c\n");

void start_probe_c(void)
{
    struct space_pcb p;
    probe_cpu = space_cpu_id();
    probe_ie = (uint32_t)space_interrupts(0);
    probe_depth = (uint32_t)space_pcb_read(&p); /* empty chain */
    atomic_inc(&done);
    park();
}

static void test_start(void)
{
    struct space_pcb p = {.eax = 0x11111111,
                          .ebx = 0x22222222,
                          .ecx = 0x33333333,
                          .edx = 0x44444444,
                          .esi = 0x55555555,
                          .edi = 0x66666666,
                          .ebp = 0x77777777,
                          .esp = (uint32_t)&stacks[1][STACK - 16],
                          .pc = (uint32_t)start_probe,
                          .eflags = 0x2,
                          .ie = 1};
    CHECK_EQ(space_cpu_id(), 0);
    CHECK_EQ(space_cpu_start(NCPUS, &p), SPACE_ERR_CPU);
    CHECK_EQ(space_cpu_start(1000, &p), SPACE_ERR_CPU);
    CHECK_EQ(space_cpu_start(0, &p), SPACE_ERR_CPU); /* itself: running */
    CHECK_EQ(space_cpu_start(1, (const struct space_pcb *)0x7ff00000u), SPACE_ERR_ACCESS);
    p.ctx = SPACE_CONTEXTS;
    CHECK_EQ(space_cpu_start(1, &p), SPACE_ERR_CONTEXT);
    p.ctx = 0;
    p.mode = SPACE_MODES;
    CHECK_EQ(space_cpu_start(1, &p), SPACE_ERR_MODE);
    p.mode = 0;
    CHECK_EQ(space_cpu_start(1, &p), 0);
    CHECK_EQ(space_cpu_start(1, &p), SPACE_ERR_CPU); /* running now */
    wait_done(1);
    CHECK_EQ(probe_cpu, 1);
    CHECK_EQ(probe_ie, 1);
    CHECK_EQ(probe_depth, (uint32_t)SPACE_ERR_EMPTY);
    static const uint32_t want[8] = {0x11111111, 0x22222222, 0x33333333, 0x44444444,
                                     0x55555555, 0x66666666, 0x77777777, 0};
    for (int i = 0; i < 7; i++)
        CHECK_EQ(probe_regs[i], want[i]);
    CHECK_EQ(probe_regs[7], (uint32_t)&stacks[1][STACK - 16]);
}

/* ---- migrate ---- */

static volatile int32_t token;
static volatile uint32_t mig_before, mig_after, mig_esi;

/* The portal of MIG_TRAP, on CPU 1: set the thread aside for another CPU. */
void mig_handler(void)
{
    int32_t t = space_suspend();
    CHECK(t > 0);
    CHECK_EQ(space_pcb_read(&(struct space_pcb){0}), (uint32_t)SPACE_ERR_EMPTY);
    token = t;
    park();
}
void mig_entry(void);
__asm__(".globl mig_entry\nmig_entry:\n movl $handler_stack+8176, %esp\n call mig_handler\n");

/* The thread: starts on CPU 1, traps, goes on on CPU 2. */
static void mig_thread(void)
{
    uint32_t esi;
    mig_before = space_cpu_id();
    __asm__ volatile("movl $0x5a5a5a5a, %%esi\n int $0x50\n movl %%esi, %0"
                     : "=r"(esi)
                     :
                     : "esi", "memory");
    mig_after = space_cpu_id();
    mig_esi = esi;
    atomic_inc(&done);
    park();
}

static void mig_taker(void)
{
    while (!token)
        ;
    CHECK_EQ(space_unsuspend(token), 0);
    space_resume(); /* the thread goes on here */
    CHECK(!"Resume returned");
}

static void test_migrate(void)
{
    CHECK_EQ(space_map_portal(0, MIG_TRAP, 0, 0, (uint32_t)mig_entry, SPACE_PORTAL_FROM_ALL), 0);
    CHECK_EQ(start_cpu(2, mig_taker), 0);
    CHECK_EQ(start_cpu(1, mig_thread), 0);
    wait_done(1);
    CHECK_EQ(mig_before, 1);
    CHECK_EQ(mig_after, 2);
    CHECK_EQ(mig_esi, 0x5a5a5a5a);
    CHECK_EQ(space_unsuspend(token), SPACE_ERR_TOKEN); /* used once */
}

/* ---- shootdown ---- */

static volatile uint32_t shared_page, alias_page, at_unmap, at_fault, fault_addr, fault_access;

void fault_handler(void)
{
    struct space_pcb p;
    CHECK_EQ(space_pcb_read(&p), 0);
    at_fault = *(volatile uint32_t *)alias_page;
    fault_addr = p.addr;
    fault_access = p.access;
    CHECK_EQ(space_cpu_id(), 2);
    atomic_inc(&done);
    park();
}
void fault_entry(void);
__asm__(".globl fault_entry\nfault_entry:\n and $-16, %esp\n call fault_handler\n");

static void incrementer(void)
{
    __asm__ volatile("1: incl (%0)\n jmp 1b\n" : : "r"(shared_page) : "memory");
}

static void unmapper(void)
{
    while (*(volatile uint32_t *)alias_page < 1000)
        ;
    CHECK_EQ(space_map_memory(0, shared_page, 0, 0), 0);
    at_unmap = *(volatile uint32_t *)alias_page;
    atomic_inc(&done);
    park();
}

static void test_shootdown(void)
{
    shared_page = frame();
    alias_page = 0x40000000u;
    CHECK_EQ(space_map_memory(0, alias_page, shared_page, SPACE_ACCESS(0, SPACE_RW)), 0);
    CHECK_EQ(space_map_portal(0, SPACE_TRAP_MEMORY_FAULT, 0, 0, (uint32_t)fault_entry, 0), 0);
    CHECK_EQ(start_cpu(2, incrementer), 0);
    CHECK_EQ(start_cpu(1, unmapper), 0);
    wait_done(2);
    CHECK(at_unmap >= 1000);
    CHECK_EQ(at_fault, at_unmap);
    CHECK_EQ(fault_addr, shared_page);
    CHECK_EQ(fault_access & SPACE_FAULT_PROTECTION, 0);
}

/* ---- smc ---- */

static volatile uint32_t smc_phase, smc_old_runs, smc_new;
typedef uint32_t (*smc_fn)(void);
static volatile uint32_t smc_code;

static void smc_runner(void)
{
    smc_fn f = (smc_fn)smc_code;
    while (smc_phase == 0) /* translated, and run again and again */
        if (f() == 1)
            smc_old_runs++;
    smc_new = f();
    atomic_inc(&done);
    park();
}

static void write_ret(uint8_t *p, uint32_t value)
{
    p[0] = 0xb8; /* mov $value, %eax; ret */
    for (int i = 0; i < 4; i++)
        p[1 + i] = (uint8_t)(value >> (8 * i));
    p[5] = 0xc3;
}

static void test_smc(void)
{
    smc_code = frame();
    write_ret((uint8_t *)smc_code, 1);
    CHECK_EQ(start_cpu(1, smc_runner), 0);
    for (volatile int i = 0; i < 300000; i++)
        ; /* CPU 1 runs the old code for a while (a quantum is 100000) */
    write_ret((uint8_t *)smc_code, 2);
    smc_phase = 1;
    wait_done(1);
    CHECK(smc_old_runs > 1000);
    CHECK_EQ(smc_new, 2);
}

void kmain(const struct space_bootinfo *boot)
{
    CHECK_EQ(boot->ncpus, NCPUS);
    bootinfo = boot;
    free_frame = (boot->kernel_end + 0xfffu) & ~0xfffu;
    const char *what = boot->cmdline;
    if (streq(what, "lock")) {
        start_all(lock_worker);
        lock_work();
        wait_done(NCPUS);
        CHECK_EQ(counter, NCPUS * ITERATIONS);
    } else if (streq(what, "race")) {
        start_all(race_worker);
        race_work();
        wait_done(NCPUS);
        out_str("smp race: total ");
        out_dec(counter);
        out_str("\n");
        CHECK(counter <= NCPUS * ITERATIONS);
    } else if (streq(what, "xchg")) {
        start_all(xchg_worker);
        xchg_work();
        wait_done(NCPUS);
        CHECK_EQ(counter, NCPUS * ITERATIONS / 10);
    } else if (streq(what, "ipi")) {
        test_ipi();
    } else if (streq(what, "start")) {
        test_start();
    } else if (streq(what, "migrate")) {
        test_migrate();
    } else if (streq(what, "shootdown")) {
        test_shootdown();
    } else if (streq(what, "smc")) {
        test_smc();
    } else if (streq(what, "timer")) {
        test_timer();
    } else if (streq(what, "mixed")) {
        test_mixed();
    } else {
        CHECK(!"a scenario: lock, race, xchg, ipi, start, migrate, shootdown, smc, timer or mixed");
    }
    out_str("smp ");
    out_str(what);
    out_str(" passed\n");
    space_halt(0);
}
