/* bench_kernel: the SPACE side of space-bench.
 *
 * Runs the loops of bench_loops.S in a user CONTEXT (CONTEXT 1, MODE 3)
 * with the SPACE MMU on. The command line names the jobs, in order:
 *
 *     alu ITERATIONS [mem ITERATIONS ...]
 *
 * For each job the kernel pushes a PCB that enters the loop in CONTEXT 1,
 * MODE 3 and resumes it; the loop ends with `int $0x80`, whose portal brings
 * it back here in CONTEXT 0, MODE 0. It prints one line per job,
 *
 *     bench JOB iterations N insns T
 *
 * where T is space_time() after the trap minus space_time() before the
 * Resume (the loop's N * insns-per-iteration plus a few dozen kernel
 * instructions), then halts 0. It halts 1 on a bad command line or a
 * failed operation. With several CPUs (space run --cpus N) the one job
 * runs on every CPU at once, N iterations each; CPU 0 reports its own
 * and halts when all are done. Also usable on its own:
 *     build/space run build/bench/guest/bench_kernel.elf --cmdline "alu 1000000"
 */
#include <space.h>

#define USER_CTX  1u
#define USER_MODE 3u
#define TRAP_DONE 0x80u
#define MAX_JOBS  16

extern char bench_loops_start[], bench_loops_end[];
extern char bench_alu_loop[], bench_mem_loop[];
extern char bench_buffer[], bench_buffer_end[];

void bench_trap(void);

/* The portal's entry: the trap leaves the user's registers in place, so
 * take a stack of our own (this CPU's) before calling C. */
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

static char bench_kstack[SPACE_MAX_CPUS][8192] __attribute__((aligned(16), used));
static volatile uint32_t cpus_done, ncpus = 1;

struct job {
    const char *name;
    char *entry;
    uint32_t iterations;
};

static struct job jobs[MAX_JOBS];
static int njobs, current;
static uint64_t t_start;

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

/* Parses "alu N mem M ..." into jobs; returns 0 or -1. */
static int parse_jobs(const char *s)
{
    for (s = skip_spaces(s); *s; s = skip_spaces(s)) {
        if (njobs == MAX_JOBS)
            return -1;
        struct job *j = &jobs[njobs];
        if (word_is(s, "alu"))
            j->name = "alu", j->entry = bench_alu_loop;
        else if (word_is(s, "mem"))
            j->name = "mem", j->entry = bench_mem_loop;
        else
            return -1;
        s = skip_spaces(s + 3);
        uint64_t v = 0;
        if (*s < '0' || *s > '9')
            return -1;
        while (*s >= '0' && *s <= '9') {
            v = v * 10 + (uint64_t)(*s++ - '0');
            if (v > 0xffffffffu)
                return -1;
        }
        if (v == 0 || (*s && *s != ' '))
            return -1;
        j->iterations = (uint32_t)v;
        njobs++;
    }
    return njobs ? 0 : -1;
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
        e = space_map_memory(USER_CTX, va, pa, SPACE_ACCESS(USER_MODE, bits));
        if (e != SPACE_OK)
            fail("map_memory", e);
    }
}

static struct space_pcb job_pcb(const struct job *j)
{
    return (struct space_pcb){
        .ecx = j->iterations,
        .edi = (uint32_t)bench_buffer,
        .esi = 0,
        .esp = (uint32_t)bench_buffer_end,
        .pc = (uint32_t)j->entry,
        .eflags = 0x2,
        .ctx = USER_CTX,
        .mode = USER_MODE,
        .ie = 0,
    };
}

__attribute__((noreturn)) static void start_job(void)
{
    struct space_pcb p = job_pcb(&jobs[current]);
    int e = space_pcb_push(&p);
    if (e != SPACE_OK)
        fail("pcb_push", e);
    t_start = space_time();
    e = space_resume();
    fail("resume", e);
}

void bench_trap(void)
{
    uint64_t t_end = space_time();
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
    while (cpus_done < ncpus - 1)
        ;
    const struct job *j = &jobs[current];
    put_str("bench ");
    put_str(j->name);
    put_str(" iterations ");
    put_dec(j->iterations);
    put_str(" insns ");
    put_dec(t_end - t_start);
    put_str("\n");
    if (++current < njobs)
        start_job();
    space_halt(0);
}

void kmain(const struct space_bootinfo *boot)
{
    if (parse_jobs(boot->cmdline) != 0) {
        put_str("bench: command line must be 'alu N' / 'mem N' jobs (N 1..4294967295), not '");
        put_str(boot->cmdline);
        put_str("'\n");
        space_halt(1);
    }
    map_user(bench_loops_start, bench_loops_end, SPACE_RX);
    map_user(bench_buffer, bench_buffer_end, SPACE_RW);
    int e = space_map_portal(USER_CTX, TRAP_DONE, 0, 0, (uint32_t)bench_trap_entry,
                             SPACE_PORTAL_FROM(USER_MODE));
    if (e != SPACE_OK)
        fail("map_portal", e);
    current = 0;
    ncpus = boot->ncpus;
    if (ncpus > 1 && njobs != 1)
        fail("several CPUs run one job:", SPACE_ERR_ARG);
    for (uint32_t i = 1; i < ncpus; i++) {
        struct space_pcb p = job_pcb(&jobs[0]);
        if ((e = space_cpu_start(i, &p)) != SPACE_OK)
            fail("cpu_start", e);
    }
    start_job();
}
