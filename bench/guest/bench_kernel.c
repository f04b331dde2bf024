/* bench_kernel: the SPACE side of space-bench.
 *
 * Runs the loops of bench_loops.S in a user CONTEXT (CONTEXT 1, MODE 3)
 * with the SPACE MMU on. The command line names the jobs, in order:
 *
 *     JOB ITERATIONS [JOB ITERATIONS ...]
 *
 *   alu, mem  the ALU and memory loops;
 *   sys       int $0x81 per iteration: the portal's handler reads the PCB,
 *             writes it back changed (EAX) and Resumes - a system call;
 *   switch    two user threads, each ITERATIONS/2 times int $0x82, which
 *             the kernel answers by Suspend of one and Unsuspend + Resume
 *             of the other - a thread switch per iteration;
 *   tlb       the walk loop over 1024 pages, all mapped: a TLB refill per
 *             store (the TLBs in front hold fewer pages);
 *   fault     the same loop over unmapped pages: each store faults, the
 *             kernel maps that page and unmaps the one before, Resumes;
 *   timer     two user threads running the ALU loop (ITERATIONS/2 each)
 *             under a periodic timer of TIMER_INTERVAL instructions; each
 *             tick switches to the other thread.
 *
 * For each job the kernel pushes a PCB that enters the loop in CONTEXT 1,
 * MODE 3 and resumes it; the loop ends with `int $0x80`, whose portal brings
 * it back here in CONTEXT 0, MODE 0. It prints one line per job,
 *
 *     bench JOB iterations N insns T events E
 *
 * where T is space_time() after the last trap minus space_time() before
 * the first Resume, and E counts the job's events (system calls, switches,
 * faults, timer interrupts; 0 for the others), then halts 0. It halts 1 on
 * a bad command line or a failed operation. With several CPUs (space run
 * --cpus N) one alu or mem job runs on every CPU at once, N iterations
 * each; CPU 0 reports its own and halts when all are done. Also usable on
 * its own:
 *     build/space run build/bench/guest/bench_kernel.elf --cmdline "alu 1000000 sys 1000"
 */
#include <space.h>

#define USER_CTX       1u
#define USER_MODE      3u
#define TRAP_DONE      0x80u
#define TRAP_SYS       0x81u
#define TRAP_YIELD     0x82u
#define MAX_JOBS       16
#define TIMER_INTERVAL 1000u /* instructions between ticks of the timer job */
#define TIMER_VA       0x30001000u
#define BIG_PAGES      1024u

extern char bench_loops_start[], bench_loops_end[];
extern char bench_alu_loop[], bench_mem_loop[], bench_sys_loop[], bench_yield_loop[],
    bench_walk_loop[];
extern char bench_buffer[], bench_buffer_end[], bench_big[], bench_big_end[];

void bench_trap(void);
void bench_event(void);

/* The done portal's entry: the trap leaves the user's registers in place,
 * so take a stack of our own (this CPU's) before calling C. */
__asm__(".text\n"
        ".globl bench_trap_entry\n"
        "bench_trap_entry:\n"
        "    mov $19, %eax\n" /* SPACE_OP_CPU_ID */
        "    int $0xff\n"
        "    shl $13, %eax\n"
        "    lea bench_kstack+8192(%eax), %esp\n"
        "    call bench_trap\n"
        "1:  jmp 1b\n");
void bench_trap_entry(void);

/* The entry of every other portal (one CPU only): the shortest path into
 * C, so that what is measured is the machine, not this kernel. */
__asm__(".text\n"
        ".globl bench_event_entry\n"
        "bench_event_entry:\n"
        "    lea bench_kstack+8192, %esp\n"
        "    call bench_event\n"
        "1:  jmp 1b\n");
void bench_event_entry(void);

static char bench_kstack[SPACE_MAX_CPUS][8192] __attribute__((aligned(16), used));
static volatile uint32_t cpus_done, ncpus = 1;

enum kind { K_ALU, K_MEM, K_SYS, K_SWITCH, K_TLB, K_FAULT, K_TIMER };

static const struct kind_info {
    const char *name;
    char *entry;
    int threads; /* user threads sharing the iterations */
} kinds[] = {
    [K_ALU] = {"alu", bench_alu_loop, 1},     [K_MEM] = {"mem", bench_mem_loop, 1},
    [K_SYS] = {"sys", bench_sys_loop, 1},     [K_SWITCH] = {"switch", bench_yield_loop, 2},
    [K_TLB] = {"tlb", bench_walk_loop, 1},    [K_FAULT] = {"fault", bench_walk_loop, 1},
    [K_TIMER] = {"timer", bench_alu_loop, 2},
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

struct job {
    enum kind kind;
    uint32_t iterations;
};

static struct job jobs[MAX_JOBS];
static int njobs, current;
static uint64_t t_start, events;
static uint32_t big_pa[BIG_PAGES];
static volatile uint32_t *timer;
static uint32_t timer_trap;

/* The user threads of the current job: their Suspend tokens, which one
 * runs, which are still alive. */
static int tokens[2], cur, alive[2];
static uint32_t last_fault_va;

static void put_str(const char *s)
{
    while (*s)
        space_debug_putc(*s++);
}

static void put_dec(uint64_t v)
{
    char buf[24];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        space_debug_putc(buf[--n]);
}

__attribute__((noreturn)) static void fail(const char *what, int err)
{
    put_str("bench: ");
    put_str(what);
    put_str(" failed (");
    put_dec((uint64_t)(uint32_t)-err);
    put_str(")\n");
    space_halt(1);
}

static int word_is(const char *s, const char *w)
{
    while (*w && *s == *w)
        s++, w++;
    return !*w && (*s == ' ' || *s == 0);
}

static const char *skip_spaces(const char *s)
{
    while (*s == ' ')
        s++;
    return s;
}

static unsigned str_len(const char *s)
{
    unsigned n = 0;
    while (s[n])
        n++;
    return n;
}

/* Parses "alu N sys M ..." into jobs; returns 0 or -1. */
static int parse_jobs(const char *s)
{
    for (s = skip_spaces(s); *s; s = skip_spaces(s)) {
        if (njobs == MAX_JOBS)
            return -1;
        struct job *j = &jobs[njobs];
        unsigned k = 0;
        while (k < NKINDS && !word_is(s, kinds[k].name))
            k++;
        if (k == NKINDS)
            return -1;
        j->kind = (enum kind)k;
        s = skip_spaces(s + str_len(kinds[k].name));
        uint64_t v = 0;
        if (*s < '0' || *s > '9')
            return -1;
        while (*s >= '0' && *s <= '9') {
            v = v * 10 + (uint64_t)(*s++ - '0');
            if (v > 0xffffffffu)
                return -1;
        }
        if (v < (uint64_t)kinds[k].threads || (*s && *s != ' '))
            return -1;
        j->iterations = (uint32_t)v;
        njobs++;
    }
    return njobs ? 0 : -1;
}

static void map_one(uint32_t va, uint32_t pa, uint32_t modeaccess)
{
    int e = space_map_memory(USER_CTX, va, pa, modeaccess);
    if (e != SPACE_OK)
        fail("map_memory", e);
}

/* Maps [start, end) of CONTEXT 0 at the same addresses into the user
 * CONTEXT with `bits` for the user MODE. */
static void map_user(const char *start, const char *end, uint32_t bits)
{
    for (uint32_t va = (uint32_t)start; va < (uint32_t)end; va += SPACE_PAGE_SIZE) {
        uint32_t pa;
        int e = space_mapping(0, va, &pa);
        if (e <= 0)
            fail("mapping", e ? e : SPACE_ERR_ARG);
        map_one(va, pa, SPACE_ACCESS(USER_MODE, bits));
    }
}

/* Maps (bits != 0) or unmaps all of bench_big in the user CONTEXT. */
static void map_big(uint32_t bits)
{
    for (uint32_t i = 0; i < BIG_PAGES; i++)
        map_one((uint32_t)bench_big + i * SPACE_PAGE_SIZE, big_pa[i],
                SPACE_ACCESS(USER_MODE, bits));
}

static struct space_pcb job_pcb(const struct job *j, uint32_t iterations)
{
    int walk = j->kind == K_TLB || j->kind == K_FAULT;
    return (struct space_pcb){
        .ecx = iterations,
        .edi = walk ? (uint32_t)bench_big : (uint32_t)bench_buffer,
        .esi = 0,
        .esp = (uint32_t)bench_buffer_end,
        .pc = (uint32_t)kinds[j->kind].entry,
        .eflags = 0x2,
        .ctx = USER_CTX,
        .mode = USER_MODE,
        .ie = j->kind == K_TIMER,
    };
}

__attribute__((noreturn)) static void start_job(void)
{
    const struct job *j = &jobs[current];
    int e;
    events = 0;
    if (j->kind == K_TLB)
        map_big(SPACE_RW);
    if (j->kind == K_FAULT)
        last_fault_va = 0;
    if (kinds[j->kind].threads == 2) {
        /* Two threads, each a chain of one PCB set aside; the first runs. */
        for (int t = 0; t < 2; t++) {
            uint32_t n = j->iterations / 2 + (t == 0 ? j->iterations % 2 : 0);
            struct space_pcb p = job_pcb(j, n);
            if ((e = space_pcb_push(&p)) != SPACE_OK)
                fail("pcb_push", e);
            if ((tokens[t] = space_suspend()) <= 0)
                fail("suspend", tokens[t]);
            alive[t] = 1;
        }
        cur = 0;
        if ((e = space_unsuspend(tokens[0])) != SPACE_OK)
            fail("unsuspend", e);
    } else {
        struct space_pcb p = job_pcb(j, j->iterations);
        if ((e = space_pcb_push(&p)) != SPACE_OK)
            fail("pcb_push", e);
    }
    if (j->kind == K_TIMER) {
        timer[SPACE_TIMER_INTERVAL / 4] = TIMER_INTERVAL;
        timer[SPACE_TIMER_CONTROL / 4] = SPACE_TIMER_ENABLE | SPACE_TIMER_PERIODIC;
    }
    t_start = space_time();
    e = space_resume();
    fail("resume", e);
}

/* The current thread's chain goes aside; the other one, alive, runs. */
__attribute__((noreturn)) static void switch_thread(void)
{
    int e;
    if ((tokens[cur] = space_suspend()) <= 0)
        fail("suspend", tokens[cur]);
    cur ^= 1;
    if ((e = space_unsuspend(tokens[cur])) != SPACE_OK)
        fail("unsuspend", e);
    e = space_resume();
    fail("resume", e);
}

/* System calls, yields, faults and ticks of the current job. */
void bench_event(void)
{
    struct space_pcb p;
    int e;
    switch (jobs[current].kind) {
    case K_SYS:
        if ((e = space_pcb_read(&p)) != SPACE_OK)
            fail("pcb_read", e);
        if (p.trap != TRAP_SYS)
            break;
        p.eax = p.ecx; /* a result, as a system call returns one */
        if ((e = space_pcb_write(&p)) != SPACE_OK)
            fail("pcb_write", e);
        events++;
        e = space_resume();
        fail("resume", e);
    case K_SWITCH: events++; switch_thread();
    case K_FAULT: {
        if ((e = space_pcb_read(&p)) != SPACE_OK)
            fail("pcb_read", e);
        uint32_t va = p.addr & ~(SPACE_PAGE_SIZE - 1), i = (va - (uint32_t)bench_big) >> 12;
        if (p.trap != SPACE_TRAP_MEMORY_FAULT || i >= BIG_PAGES)
            break;
        map_one(va, big_pa[i], SPACE_ACCESS(USER_MODE, SPACE_RW));
        if (last_fault_va)
            map_one(last_fault_va, 0, 0);
        last_fault_va = va;
        events++;
        e = space_resume();
        fail("resume", e);
    }
    case K_TIMER:
        events++;
        if (alive[cur ^ 1])
            switch_thread();
        e = space_resume();
        fail("resume", e);
    default: break;
    }
    fail("an unexpected trap", SPACE_ERR_ARG);
}

static void report(void)
{
    uint64_t t_end = space_time();
    const struct job *j = &jobs[current];
    if (j->kind == K_TIMER)
        timer[SPACE_TIMER_CONTROL / 4] = 0;
    if (j->kind == K_TLB)
        map_big(0);
    if (j->kind == K_FAULT && last_fault_va)
        map_one(last_fault_va, 0, 0);
    put_str("bench ");
    put_str(kinds[j->kind].name);
    put_str(" iterations ");
    put_dec(j->iterations);
    put_str(" insns ");
    put_dec(t_end - t_start);
    put_str(" events ");
    put_dec(events);
    put_str("\n");
}

void bench_trap(void)
{
    if (space_cpu_id() != 0) { /* another CPU's copy of the job: done */
        __asm__ volatile("lock incl %0" : "+m"(cpus_done));
        for (;;)
            space_wait();
    }
    struct space_pcb p;
    int e = space_pcb_read(&p);
    if (e != SPACE_OK)
        fail("pcb_read", e);
    if (p.trap != TRAP_DONE || p.ctx != USER_CTX || p.mode != USER_MODE || p.ecx != 0)
        fail("the user loop's exit", SPACE_ERR_ARG);
    e = space_pcb_pop();
    if (e != SPACE_OK)
        fail("pcb_pop", e);
    if (kinds[jobs[current].kind].threads == 2) {
        alive[cur] = 0;
        if (alive[cur ^ 1]) {
            cur ^= 1;
            if ((e = space_unsuspend(tokens[cur])) != SPACE_OK)
                fail("unsuspend", e);
            e = space_resume();
            fail("resume", e);
        }
    }
    while (cpus_done < ncpus - 1)
        ;
    report();
    if (++current < njobs)
        start_job();
    space_halt(0);
}

/* Maps CPU 0's timer into CONTEXT 0 at TIMER_VA. */
static void map_timer(const struct space_bootinfo *boot)
{
    for (uint32_t i = 0; i < boot->ndevices; i++) {
        const struct space_device_info *d = space_boot_device(boot, i);
        if (d->type == SPACE_DEVICE_TIMER && d->unit == 0) {
            int e = space_map_memory(0, TIMER_VA, d->regs, SPACE_ACCESS(0, SPACE_RW));
            if (e != SPACE_OK)
                fail("map_memory (timer)", e);
            timer = (volatile uint32_t *)TIMER_VA;
            timer_trap = d->trap;
            return;
        }
    }
    fail("finding the timer", SPACE_ERR_ARG);
}

void kmain(const struct space_bootinfo *boot)
{
    if (parse_jobs(boot->cmdline) != 0) {
        put_str("bench: command line must be JOB N pairs (JOB alu, mem, sys, switch, tlb, "
                "fault or timer; N 1..4294967295, 2 or more for switch and timer), not '");
        put_str(boot->cmdline);
        put_str("'\n");
        space_halt(1);
    }
    map_user(bench_loops_start, bench_loops_end, SPACE_RX);
    map_user(bench_buffer, bench_buffer_end, SPACE_RW);
    for (uint32_t i = 0; i < BIG_PAGES; i++) {
        int e = space_mapping(0, (uint32_t)bench_big + i * SPACE_PAGE_SIZE, &big_pa[i]);
        if (e <= 0)
            fail("mapping", e ? e : SPACE_ERR_ARG);
    }
    map_timer(boot);
    static const uint32_t event_traps[] = {TRAP_SYS, TRAP_YIELD, SPACE_TRAP_MEMORY_FAULT};
    int e = space_map_portal(USER_CTX, TRAP_DONE, 0, 0, (uint32_t)bench_trap_entry,
                             SPACE_PORTAL_FROM(USER_MODE));
    for (unsigned i = 0; e == SPACE_OK && i < 3; i++)
        e = space_map_portal(USER_CTX, event_traps[i], 0, 0, (uint32_t)bench_event_entry,
                             event_traps[i] >= SPACE_TRAP_SOFT_BASE ? SPACE_PORTAL_FROM(USER_MODE)
                                                                    : 0);
    if (e == SPACE_OK)
        e = space_map_portal(USER_CTX, timer_trap, 0, 0, (uint32_t)bench_event_entry, 0);
    if (e != SPACE_OK)
        fail("map_portal", e);
    current = 0;
    ncpus = boot->ncpus;
    if (ncpus > 1 && (njobs != 1 || jobs[0].kind > K_MEM))
        fail("several CPUs run one alu or mem job:", SPACE_ERR_ARG);
    for (uint32_t i = 1; i < ncpus; i++) {
        struct space_pcb p = job_pcb(&jobs[0], jobs[0].iterations);
        if ((e = space_cpu_start(i, &p)) != SPACE_OK)
            fail("cpu_start", e);
    }
    start_job();
}
