/* space-bench: the speed of the SPACE simulator, as one suite.
 *
 * Runs, in one sitting, (1) the loops of bench/guest/bench_loops.S - ALU,
 * memory, system call, thread switch, TLB refill, demand fault, timer
 * interrupt - on a whole SPACE machine booting bench_kernel.elf (the loops
 * in CONTEXT 1, MODE 3); (2) those that need no kernel (alu, mem, sys, tlb)
 * also on bare Unicorn, the very same machine code copied out of that ELF
 * by symbol, and under qemu-system-i386 (TCG, and -icount shift=0) from
 * bench_qemu.elf, a multiboot image linked from the same loop source;
 * (3) the `space` program as a user runs it: BasicOZ boot and exit,
 * `spin 20`, `space grade` of a two-case spec, a recorded BasicOZ session
 * and its replay. Every measurement runs in a child process, so each
 * reports its own peak resident memory (wait4's ru_maxrss). Prints a
 * table, the ratios, the targets reached or missed, and with
 * --json FILE the same as JSON (bench/compare.py compares two).
 *
 *     space-bench [SCALE] [--repeat N] [--json FILE] [--only LIST] [--hooks] ...
 *
 * See bench/README.md and docs/performance.md. */
#define _DEFAULT_SOURCE  /* wait4, getloadavg (glibc) */
#define _DARWIN_C_SOURCE /* the same (macOS) */
#define _XOPEN_SOURCE    700

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unicorn/unicorn.h>
#include <unistd.h>

#include "sim/core/machine.h"
#include "sim/host/host_backends.h"

#ifndef SPACE_BENCH_KERNEL
#define SPACE_BENCH_KERNEL "build/bench/guest/bench_kernel.elf"
#endif
#ifndef SPACE_BENCH_QEMU_IMAGE
#define SPACE_BENCH_QEMU_IMAGE "build/bench/guest/bench_qemu.elf"
#endif
#ifndef SPACE_BENCH_SPACE
#define SPACE_BENCH_SPACE "build/space"
#endif
#ifndef SPACE_BENCH_SPEC
#define SPACE_BENCH_SPEC "bench/grade-bench.spec"
#endif

#define PAGE 4096u

/* uc_ctl_request_cache() as unicorn.h spells it shifts a signed 3 by 30
 * bits (undefined behaviour that UBSan reports); the same value, unsigned,
 * as cpu/cpu.c does. */
#define CTL_REQUEST_CACHE                                                                          \
    ((uc_control_type)((uint32_t)UC_CTL_TB_REQUEST_CACHE | (2u << 26) |                            \
                       ((uint32_t)UC_CTL_IO_READ_WRITE << 30)))
#define MAX_REPEAT      25
#define TRAP_DONE_INSNS 1     /* the loop's closing int $0x80, counted in MODE 3 */
#define TIMER_INTERVAL  1000u /* bench_kernel.c's timer job */

/* ---- The guest ELF: symbols and the loop bytes ---------------------------- */

struct elf32_ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version, entry, phoff, shoff, flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf32_shdr {
    uint32_t name, type, flags, addr, offset, size, link, info, addralign, entsize;
};

struct elf32_sym {
    uint32_t name, value, size;
    uint8_t info, other;
    uint16_t shndx;
};

#define SHT_PROGBITS 1
#define SHT_SYMTAB   2

struct image {
    uint32_t code_start, code_end; /* bench_loops_start .. bench_loops_end */
    uint8_t *code;                 /* its bytes */
    uint32_t buf_start, buf_end;   /* bench_buffer .. bench_buffer_end */
    uint32_t big_start, big_end;   /* bench_big .. bench_big_end */
    uint32_t alu_loop, alu_exit, alu_insns;
    uint32_t mem_loop, mem_exit, mem_insns;
    uint32_t sys_loop, sys_exit, sys_insns;
    uint32_t walk_loop, walk_exit, walk_insns;
};

static uint8_t *read_whole(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            uint8_t *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    *size = n;
    return buf;
}

static int elf_symbol(const uint8_t *elf, size_t size, const struct elf32_shdr *sh, unsigned shnum,
                      const char *name, uint32_t *value)
{
    for (unsigned i = 0; i < shnum; i++) {
        if (sh[i].type != SHT_SYMTAB || sh[i].link >= shnum ||
            sh[i].entsize != sizeof(struct elf32_sym))
            continue;
        const struct elf32_shdr *str = &sh[sh[i].link];
        if ((uint64_t)sh[i].offset + sh[i].size > size || (uint64_t)str->offset + str->size > size)
            return -1;
        for (uint32_t k = 0; k < sh[i].size / sizeof(struct elf32_sym); k++) {
            struct elf32_sym s;
            memcpy(&s, elf + sh[i].offset + k * sizeof s, sizeof s);
            if (s.name >= str->size)
                continue;
            const char *nm = (const char *)elf + str->offset + s.name;
            if (strnlen(nm, str->size - s.name) < str->size - s.name && !strcmp(nm, name)) {
                *value = s.value;
                return 0;
            }
        }
    }
    return -1;
}

static int load_image(const char *path, struct image *img)
{
    size_t size;
    uint8_t *elf = read_whole(path, &size);
    if (!elf) {
        fprintf(stderr, "space-bench: cannot read %s: %s\n", path, strerror(errno));
        return -1;
    }
    struct elf32_ehdr eh;
    int ok = size >= sizeof eh;
    if (ok) {
        memcpy(&eh, elf, sizeof eh);
        ok = !memcmp(eh.ident, "\177ELF", 4) && eh.ident[4] == 1 /* 32-bit */ &&
             eh.shentsize == sizeof(struct elf32_shdr) &&
             (uint64_t)eh.shoff + (uint64_t)eh.shnum * sizeof(struct elf32_shdr) <= size;
    }
    struct elf32_shdr *sh = NULL;
    if (ok) {
        sh = calloc(eh.shnum ? eh.shnum : 1, sizeof *sh);
        ok = sh != NULL;
        if (ok)
            memcpy(sh, elf + eh.shoff, (size_t)eh.shnum * sizeof *sh);
    }
    static const char *const names[] = {
        "bench_loops_start", "bench_loops_end",  "bench_buffer",    "bench_buffer_end",
        "bench_alu_loop",    "bench_alu_exit",   "bench_alu_insns", "bench_mem_loop",
        "bench_mem_exit",    "bench_mem_insns",  "bench_big",       "bench_big_end",
        "bench_sys_loop",    "bench_sys_exit",   "bench_sys_insns", "bench_walk_loop",
        "bench_walk_exit",   "bench_walk_insns",
    };
    uint32_t *slots[] = {
        &img->code_start, &img->code_end,  &img->buf_start,  &img->buf_end,  &img->alu_loop,
        &img->alu_exit,   &img->alu_insns, &img->mem_loop,   &img->mem_exit, &img->mem_insns,
        &img->big_start,  &img->big_end,   &img->sys_loop,   &img->sys_exit, &img->sys_insns,
        &img->walk_loop,  &img->walk_exit, &img->walk_insns,
    };
    for (unsigned i = 0; ok && i < sizeof names / sizeof names[0]; i++) {
        if (elf_symbol(elf, size, sh, eh.shnum, names[i], slots[i]) != 0) {
            fprintf(stderr, "space-bench: %s: no symbol %s\n", path, names[i]);
            ok = 0;
        }
    }
    img->code = NULL;
    if (ok) {
        ok = img->code_start < img->code_end && img->code_start % PAGE == 0 &&
             img->code_end % PAGE == 0 && img->buf_start < img->buf_end &&
             img->buf_start % PAGE == 0 && img->buf_end % PAGE == 0 && img->alu_insns &&
             img->mem_insns && img->sys_insns && img->walk_insns && img->big_start < img->big_end;
        for (unsigned i = 0; ok && i < eh.shnum; i++) {
            if (sh[i].type != SHT_PROGBITS || img->code_start < sh[i].addr ||
                img->code_end > sh[i].addr + sh[i].size ||
                (uint64_t)sh[i].offset + sh[i].size > size)
                continue;
            img->code = malloc(img->code_end - img->code_start);
            if (img->code)
                memcpy(img->code, elf + sh[i].offset + (img->code_start - sh[i].addr),
                       img->code_end - img->code_start);
            break;
        }
        ok = ok && img->code != NULL;
    }
    if (!ok)
        fprintf(stderr, "space-bench: %s is not the benchmark kernel built from bench/guest\n",
                path);
    free(sh);
    free(elf);
    return ok ? 0 : -1;
}

/* ---- Workloads and variants ----------------------------------------------- */

enum workload_id {
    W_ALU,
    W_MEM,
    W_SYS,
    W_SWITCH,
    W_TLB,
    W_FAULT,
    W_TIMER,
    W_BOOT,
    W_SPIN,
    W_GRADE,
    W_RECORD,
    W_REPLAY,
    NWORKLOADS
};

/* A workload: a loop of bench_loops.S (insns_per_iter > 0) run by the
 * benchmark kernel as job `name`, or a run of the `space` program. */
struct workload {
    const char *name;
    const char *what;
    const char *op; /* what one event is, for the cost per operation */
    uint32_t entry, exit, insns_per_iter;
    uint64_t iterations;
    bool on_bare, on_qemu; /* the loop also runs without a kernel */
};

enum variant {
    V_BARE,
    V_BLOCK,
    V_COUNT,
    V_CACHED,
    V_VTLB,
    V_VTLB_COUNT,
    V_SPACE,
    V_SPACE4,
    V_QEMU,
    V_QEMU_ICOUNT,
    NVARIANTS,
};

static const struct {
    const char *name, *key; /* key: its name in the JSON */
    const char *what;
} variants[NVARIANTS] = {
    [V_BARE] = {"bare", "bare", "bare Unicorn: uc_mem_map flat memory, no hooks, default TLB"},
    [V_BLOCK] = {"bare+block", "bare_block", "bare + an empty UC_HOOK_BLOCK"},
    [V_COUNT] = {"bare+count", "bare_count",
                 "bare + block hook counting with uc_ctl_request_cache (as cpu.c first did)"},
    [V_CACHED] = {"bare+cached", "bare_cached",
                  "bare + block hook counting from a host pc->icount table"},
    [V_VTLB] = {"bare+vtlb", "bare_vtlb",
                "bare + UC_TLB_VIRTUAL and a UC_HOOK_TLB_FILL hook, no block hook"},
    [V_VTLB_COUNT] = {"bare+vtlb+count", "bare_vtlb_count",
                      "UC_TLB_VIRTUAL + fill hook + counting block hook + idle INTR and "
                      "INSN_INVALID hooks: cpu.c's hook set"},
    [V_SPACE] = {"SPACE", "space", "SPACE machine, CONTEXT 1 MODE 3, MMU on (bench_kernel.elf)"},
    [V_SPACE4] = {"SPACE 4 CPUs", "space_4cpus",
                  "the same with --cpus 4: each CPU a quarter of the iterations, aggregate MIPS"},
    [V_QEMU] = {"QEMU TCG", "qemu_tcg",
                "qemu-system-i386 (TCG) running bench_qemu.elf, start-up subtracted"},
    [V_QEMU_ICOUNT] = {"QEMU icount", "qemu_icount",
                       "the same with -icount shift=0 (QEMU's deterministic mode)"},
};

struct result {
    double seconds;       /* wall time of the work */
    double cpu_seconds;   /* CPU time of the work: a loop's alone, a program's whole run */
    uint64_t insns;       /* guest instructions of the loop (the work compared) */
    uint64_t guest_insns; /* all guest instructions the machine retired */
    uint64_t events;      /* calls, switches, faults, interrupts */
    uint64_t blocks;      /* bare: blocks the hook saw; SPACE: blocks learned */
    uint64_t tlb_fills;   /* fills served by a UC_HOOK_TLB_FILL hook */
    uint64_t uc_flushes;  /* SPACE: flushes of Unicorn's TLB */
    long max_rss_kb;      /* peak resident memory of the child process */
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU time of this process (all its threads), for the work's own CPU time
 * in the children that run the bare and SPACE loops. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- Bare Unicorn --------------------------------------------------------- */

#define CACHE_SLOTS 1024

struct bare {
    const struct image *img;
    uint64_t count, deadline, blocks, fills;
    uint64_t cache_pc[CACHE_SLOTS];
    uint32_t cache_n[CACHE_SLOTS];
};

static void on_block_empty(uc_engine *uc, uint64_t address, uint32_t size, void *user)
{
    (void)uc;
    (void)address;
    (void)size;
    (void)user;
}

/* What cpu.c's block hook does on the fast path: ask Unicorn for the
 * block's instruction count, check the deadline, count. */
static void on_block_count(uc_engine *uc, uint64_t address, uint32_t size, void *user)
{
    (void)size;
    struct bare *b = user;
    uc_tb tb;
    if (uc_ctl(uc, CTL_REQUEST_CACHE, address, &tb) != UC_ERR_OK || tb.icount == 0)
        tb.icount = 1;
    if (b->count + tb.icount > b->deadline) {
        uc_emu_stop(uc);
        return;
    }
    b->count += tb.icount;
    b->blocks++;
}

/* The same, with the count looked up in a direct-mapped host table first. */
static void on_block_cached(uc_engine *uc, uint64_t address, uint32_t size, void *user)
{
    (void)size;
    struct bare *b = user;
    unsigned slot = (unsigned)((address ^ (address >> 10)) & (CACHE_SLOTS - 1));
    uint32_t n;
    if (b->cache_pc[slot] == address) {
        n = b->cache_n[slot];
    } else {
        uc_tb tb;
        if (uc_ctl(uc, CTL_REQUEST_CACHE, address, &tb) != UC_ERR_OK || tb.icount == 0)
            tb.icount = 1;
        n = tb.icount;
        b->cache_pc[slot] = address;
        b->cache_n[slot] = n;
    }
    if (b->count + n > b->deadline) {
        uc_emu_stop(uc);
        return;
    }
    b->count += n;
    b->blocks++;
}

/* Identity translation with the permissions of the benchmark's pages. */
static bool on_tlb_fill(uc_engine *uc, uint64_t vaddr, uc_mem_type type, uc_tlb_entry *e,
                        void *user)
{
    (void)uc;
    (void)type;
    struct bare *b = user;
    uint32_t va = (uint32_t)vaddr;
    if (va >= b->img->code_start && va < b->img->code_end)
        e->perms = UC_PROT_READ | UC_PROT_EXEC;
    else if ((va >= b->img->buf_start && va < b->img->buf_end) ||
             (va >= b->img->big_start && va < b->img->big_end))
        e->perms = UC_PROT_READ | UC_PROT_WRITE;
    else
        return false;
    e->paddr = va & ~(PAGE - 1);
    b->fills++;
    return true;
}

/* The sys loop's int $0x81 returns at once (Unicorn has already stepped
 * past it); nothing else traps in these loops. Also installed, idle, in the
 * hook set of cpu.c. */
static void on_interrupt(uc_engine *uc, uint32_t vector, void *user)
{
    (void)user;
    if (vector != 0x81)
        uc_emu_stop(uc);
}

static bool on_invalid(uc_engine *uc, void *user)
{
    (void)uc;
    (void)user;
    return false;
}

static int run_bare(const struct image *img, enum variant v, const struct workload *w,
                    struct result *res)
{
    static struct bare b;
    memset(&b, 0, sizeof b);
    memset(b.cache_pc, 0xff, sizeof b.cache_pc);
    b.img = img;
    b.deadline = UINT64_MAX;

    uc_engine *uc;
    uc_err e = uc_open(UC_ARCH_X86, UC_MODE_32, &uc);
    if (e != UC_ERR_OK) {
        fprintf(stderr, "space-bench: uc_open: %s\n", uc_strerror(e));
        return -1;
    }
    uc_hook h;
    bool vtlb = v == V_VTLB || v == V_VTLB_COUNT;
    if (vtlb && e == UC_ERR_OK) {
        e = uc_ctl_tlb_mode(uc, UC_TLB_VIRTUAL);
        if (e == UC_ERR_OK)
            e = uc_hook_add(uc, &h, UC_HOOK_TLB_FILL, (void *)on_tlb_fill, &b, 1, 0);
    }
    if (e == UC_ERR_OK)
        e = uc_mem_map(uc, img->code_start, img->code_end - img->code_start,
                       UC_PROT_READ | UC_PROT_EXEC);
    if (e == UC_ERR_OK)
        e = uc_mem_write(uc, img->code_start, img->code, img->code_end - img->code_start);
    if (e == UC_ERR_OK)
        e = uc_mem_map(uc, img->buf_start, img->buf_end - img->buf_start,
                       UC_PROT_READ | UC_PROT_WRITE);
    if (e == UC_ERR_OK)
        e = uc_mem_map(uc, img->big_start, img->big_end - img->big_start,
                       UC_PROT_READ | UC_PROT_WRITE);
    void *hook = NULL;
    switch (v) {
    case V_BLOCK: hook = (void *)on_block_empty; break;
    case V_COUNT:
    case V_VTLB_COUNT: hook = (void *)on_block_count; break;
    case V_CACHED: hook = (void *)on_block_cached; break;
    default: break;
    }
    if (e == UC_ERR_OK && hook)
        e = uc_hook_add(uc, &h, UC_HOOK_BLOCK, hook, &b, 1, 0);
    if (e == UC_ERR_OK && (v == V_VTLB_COUNT || w->entry == img->sys_loop))
        e = uc_hook_add(uc, &h, UC_HOOK_INTR, (void *)on_interrupt, &b, 1, 0);
    if (e == UC_ERR_OK && v == V_VTLB_COUNT)
        e = uc_hook_add(uc, &h, UC_HOOK_INSN_INVALID, (void *)on_invalid, &b, 1, 0);
    uint32_t zero = 0, ecx = (uint32_t)w->iterations, esp = img->buf_end;
    uint32_t edi = w->entry == img->walk_loop ? img->big_start : img->buf_start;
    int ids[] = {UC_X86_REG_EAX, UC_X86_REG_EBX, UC_X86_REG_ECX, UC_X86_REG_EDX,
                 UC_X86_REG_ESI, UC_X86_REG_EDI, UC_X86_REG_EBP, UC_X86_REG_ESP};
    uint32_t *vals[] = {&zero, &zero, &ecx, &zero, &zero, &edi, &zero, &esp};
    for (unsigned i = 0; e == UC_ERR_OK && i < 8; i++)
        e = uc_reg_write(uc, ids[i], vals[i]);
    if (e != UC_ERR_OK) {
        fprintf(stderr, "space-bench: %s: Unicorn set-up failed: %s\n", variants[v].name,
                uc_strerror(e));
        uc_close(uc);
        return -1;
    }

    double c0 = cpu_now(), t0 = now();
    e = uc_emu_start(uc, w->entry, w->exit, 0, 0);
    double t1 = now(), c1 = cpu_now();

    uint32_t eip = 0, ecx_end = 1;
    uc_reg_read(uc, UC_X86_REG_EIP, &eip);
    uc_reg_read(uc, UC_X86_REG_ECX, &ecx_end);
    uc_close(uc);
    uint64_t expect = w->iterations * w->insns_per_iter;
    if (e != UC_ERR_OK || eip != w->exit || ecx_end != 0) {
        fprintf(stderr, "space-bench: %s %s: run ended at eip %#x, ecx %u: %s\n", w->name,
                variants[v].name, eip, ecx_end, uc_strerror(e));
        return -1;
    }
    if (hook && hook != (void *)on_block_empty && b.count != expect) {
        fprintf(stderr,
                "space-bench: %s %s: counted %" PRIu64 " instructions, expected %" PRIu64 "\n",
                w->name, variants[v].name, b.count, expect);
        return -1;
    }
    memset(res, 0, sizeof *res);
    res->seconds = t1 - t0;
    res->cpu_seconds = c1 - c0;
    res->insns = expect;
    res->blocks = b.blocks;
    res->guest_insns = expect;
    res->tlb_fills = b.fills;
    return 0;
}

/* ---- The SPACE machine ---------------------------------------------------- */

static int run_space(const char *kernel, const struct workload *w, unsigned ncpus,
                     struct result *res)
{
    char cmdline[64], err[512];
    uint64_t per_cpu = w->iterations / ncpus;
    unsigned threads = !strcmp(w->name, "switch") || !strcmp(w->name, "timer") ? 2 : 1;
    snprintf(cmdline, sizeof cmdline, "%s %" PRIu64, w->name, per_cpu);
    static const struct host_backends host = {0}; /* standard input and output */
    struct machine_config cfg = {.ram_size = 64u << 20,
                                 .cmdline = cmdline,
                                 .ncpus = ncpus,
                                 .backends = host_backends_provider(&host)};
    struct machine *m = machine_create(&cfg, err, sizeof err);
    if (!m) {
        fprintf(stderr, "space-bench: %s\n", err);
        return -1;
    }
    if (machine_boot(m, kernel, err, sizeof err) != 0) {
        fprintf(stderr, "space-bench: %s\n", err);
        machine_destroy(m);
        return -1;
    }
    char *out = NULL;
    size_t outlen = 0;
    FILE *f = open_memstream(&out, &outlen);
    if (!f) {
        fprintf(stderr, "space-bench: open_memstream: %s\n", strerror(errno));
        machine_destroy(m);
        return -1;
    }
    machine_set_debug_out(m, f);

    double c0 = cpu_now(), t0 = now();
    enum machine_state st = machine_run(m);
    double t1 = now(), c1 = cpu_now();

    fclose(f);
    int rc = 0;
    char name[8];
    uint64_t iters = 0, delta = 0, events = 0;
    uint64_t expect = per_cpu * ncpus * w->insns_per_iter, mode3 = 0, all = 0, blocks = 0,
             fills = 0, flushes = 0;
    for (unsigned i = 0; i < ncpus; i++) {
        const struct cpu_stats *cs = cpu_stats(machine_cpu(m, i));
        mode3 += cs->insns_by_mode[3];
        for (unsigned k = 0; k < 4; k++)
            all += cs->insns_by_mode[k];
        blocks += cs->blocks_learned;
        fills += cs->tlb_fills;
        flushes += cs->uc_flushes;
    }
    uint64_t expect3 = expect + (ncpus > threads ? ncpus : threads) * TRAP_DONE_INSNS;
    const char *reason = machine_stop_reason(m);
    if (st != MACHINE_HALTED || machine_exit_code(m) != 0) {
        fprintf(
            stderr, "space-bench: SPACE %s: the machine did not halt 0 (state %d, code %u)%s%s\n%s",
            w->name, (int)st, machine_exit_code(m), reason[0] ? ": " : "", reason, out ? out : "");
        rc = -1;
    } else if (!out ||
               sscanf(out, "bench %7s iterations %" SCNu64 " insns %" SCNu64 " events %" SCNu64,
                      name, &iters, &delta, &events) != 4 ||
               strcmp(name, w->name) || iters != per_cpu) {
        fprintf(stderr, "space-bench: SPACE %s: unexpected guest output:\n%s", w->name,
                out ? out : "");
        rc = -1;
    } else if (mode3 != expect3) {
        fprintf(stderr,
                "space-bench: SPACE %s: MODE 3 retired %" PRIu64 " instructions, expected %" PRIu64
                "\n",
                w->name, mode3, expect3);
        rc = -1;
    }
    if (rc == 0) {
        memset(res, 0, sizeof *res);
        res->seconds = t1 - t0;
        res->cpu_seconds = c1 - c0;
        res->insns = expect;
        res->guest_insns = all;
        res->events = events;
        res->blocks = blocks;
        res->tlb_fills = fills;
        res->uc_flushes = flushes;
    }
    free(out);
    machine_destroy(m);
    return rc;
}

/* ---- Child processes ------------------------------------------------------ */

/* Peak resident memory in KB: ru_maxrss is in KB on Linux, in bytes on macOS. */
static long rusage_rss_kb(const struct rusage *ru)
{
#ifdef __APPLE__
    return ru->ru_maxrss / 1024;
#else
    return ru->ru_maxrss;
#endif
}

static double rusage_cpu(const struct rusage *ru)
{
    return (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec * 1e-6 +
           (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec * 1e-6;
}

struct in_child {
    const char *kernel;
    const struct image *img;
    enum variant v;
    const struct workload *w;
};

/* Runs one bare or SPACE measurement in a child process, so that its peak
 * resident memory is its own; the result comes back through a pipe. */
static int run_forked(const struct in_child *c, struct result *res)
{
    int fd[2];
    if (pipe(fd) != 0) {
        fprintf(stderr, "space-bench: pipe: %s\n", strerror(errno));
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "space-bench: fork: %s\n", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        close(fd[0]);
        struct result r;
        int rc = c->v == V_SPACE    ? run_space(c->kernel, c->w, 1, &r)
                 : c->v == V_SPACE4 ? run_space(c->kernel, c->w, 4, &r)
                                    : run_bare(c->img, c->v, c->w, &r);
        if (rc == 0 && write(fd[1], &r, sizeof r) != (ssize_t)sizeof r)
            rc = -1;
        _exit(rc == 0 ? 0 : 1);
    }
    close(fd[1]);
    ssize_t got = read(fd[0], res, sizeof *res);
    close(fd[0]);
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
        got != (ssize_t)sizeof *res)
        return -1;
    res->max_rss_kb = rusage_rss_kb(&ru);
    return 0;
}

/* Runs argv with standard input from `input` (NULL: /dev/null), its
 * output discarded and its errors into the file `errors` (shown by
 * show_errors when it failed); the child's wall time, CPU time and peak
 * memory go to res. Returns its exit status, or -1 if it did not exit. */
static int run_command(char *const argv[], const char *input, const char *errors,
                       struct result *res)
{
    fflush(NULL);
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "space-bench: fork: %s\n", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        int in = open(input ? input : "/dev/null", O_RDONLY);
        int out = open("/dev/null", O_WRONLY);
        int err = open(errors, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
            _exit(126);
        execv(argv[0], argv);
        fprintf(stderr, "space-bench: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage ru;
    pid_t got = wait4(pid, &status, 0, &ru);
    double t1 = now();
    if (got != pid || !WIFEXITED(status))
        return -1;
    memset(res, 0, sizeof *res);
    res->seconds = t1 - t0;
    res->cpu_seconds = rusage_cpu(&ru);
    res->max_rss_kb = rusage_rss_kb(&ru);
    return WEXITSTATUS(status);
}

static void show_errors(const char *errors)
{
    FILE *f = fopen(errors, "r");
    char line[512];
    while (f && fgets(line, sizeof line, f))
        fprintf(stderr, "  | %s", line);
    if (f)
        fclose(f);
}

struct paths {
    const char *kernel, *qemu_image, *space, *spec, *qemu;
    char tmp[256]; /* a directory of our own for inputs, statistics, traces */
};

static char *tmp_file(const struct paths *ps, const char *name)
{
    static char bufs[8][320];
    static unsigned next;
    char *b = bufs[next++ % 8];
    snprintf(b, sizeof bufs[0], "%s/%s", ps->tmp, name);
    return b;
}

/* ---- QEMU ----------------------------------------------------------------- */

static const char *qemu_path(void)
{
    static const char *const dirs[] = {"/usr/bin", "/usr/local/bin"};
    static char path[256];
    const char *env = getenv("SPACE_BENCH_QEMU");
    if (env)
        return env[0] ? env : NULL; /* empty: no QEMU */
    for (unsigned i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(path, sizeof path, "%s/qemu-system-i386", dirs[i]);
        if (access(path, X_OK) == 0)
            return path;
    }
    return NULL;
}

/* One QEMU run of `job iterations`: wall time from start to exit. The
 * image exits through isa-debug-exit with 0x10, status (0x10 << 1) | 1. */
static int run_qemu_once(const struct paths *ps, bool icount, const char *job, uint64_t iterations,
                         struct result *res)
{
    char append[64];
    snprintf(append, sizeof append, "%s %" PRIu64, job, iterations);
    char *argv[24];
    int n = 0;
    argv[n++] = (char *)ps->qemu;
    argv[n++] = "-nographic";
    argv[n++] = "-nodefaults";
    argv[n++] = "-no-reboot";
    argv[n++] = "-m";
    argv[n++] = "64";
    argv[n++] = "-accel";
    argv[n++] = "tcg";
    if (icount) {
        argv[n++] = "-icount";
        argv[n++] = "shift=0";
    }
    argv[n++] = "-device";
    argv[n++] = "isa-debug-exit,iobase=0xf4,iosize=0x04";
    argv[n++] = "-kernel";
    argv[n++] = (char *)ps->qemu_image;
    argv[n++] = "-append";
    argv[n++] = append;
    argv[n] = NULL;
    const char *errors = tmp_file(ps, "qemu.err");
    int st = run_command(argv, NULL, errors, res);
    if (st != 33) {
        fprintf(stderr, "space-bench: %s %s%s: exit status %d, expected 33 (the loop's end)\n",
                ps->qemu, icount ? "-icount shift=0 " : "", append, st);
        show_errors(errors);
        return -1;
    }
    return 0;
}

/* The loop's time under QEMU: a run of the whole loop minus a run of one
 * iteration (QEMU's start-up and exit). A loop much shorter than QEMU's
 * start-up (the sys loop's 0.6 M instructions) runs QEMU_LONGER times as
 * long, and its times are divided back, so that the difference is not
 * start-up noise. */
#define QEMU_LONGER 20
static int run_qemu(const struct paths *ps, bool icount, const struct workload *w,
                    struct result *res)
{
    struct result one;
    unsigned k = w->iterations * w->insns_per_iter < 100000000 ? QEMU_LONGER : 1;
    uint64_t n = w->iterations * k > 4294967295u ? 4294967295u : w->iterations * k;
    if (run_qemu_once(ps, icount, w->name, 1, &one) != 0 ||
        run_qemu_once(ps, icount, w->name, n, res) != 0)
        return -1;
    res->seconds = (res->seconds - one.seconds) * (double)w->iterations / (double)n;
    res->cpu_seconds = (res->cpu_seconds - one.cpu_seconds) * (double)w->iterations / (double)n;
    if (res->seconds < 1e-6)
        res->seconds = 1e-6;
    if (res->cpu_seconds < 1e-6)
        res->cpu_seconds = 1e-6;
    res->insns = res->guest_insns = w->iterations * w->insns_per_iter;
    return 0;
}

/* ---- The space program ---------------------------------------------------- */

/* The number after the first (last: from the end) "key": in a JSON text. */
static uint64_t json_number(const char *text, const char *key, bool last)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = NULL;
    for (const char *q = text ? strstr(text, pat) : NULL; q; q = strstr(q + 1, pat)) {
        p = q;
        if (!last)
            break;
    }
    return p ? strtoull(p + strlen(pat), NULL, 10) : 0;
}

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "space-bench: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* A `space run` of BasicOZ with `input` typed; its statistics give the
 * instructions and interrupts. `record`: also --record into it. */
static int run_basicoz(const struct paths *ps, const char *input, const char *record,
                       struct result *res)
{
    const char *in = tmp_file(ps, "input.txt"), *stats = tmp_file(ps, "stats.json");
    if (write_text(in, input) != 0)
        return -1;
    char *argv[12];
    int n = 0;
    argv[n++] = (char *)ps->space;
    argv[n++] = "run";
    argv[n++] = "--stats";
    argv[n++] = "json";
    argv[n++] = "--stats-file";
    argv[n++] = (char *)stats;
    if (record) {
        argv[n++] = "--record";
        argv[n++] = (char *)record;
    }
    argv[n] = NULL;
    const char *errors = tmp_file(ps, "space.err");
    int st = run_command(argv, in, errors, res);
    if (st != 0) {
        fprintf(stderr, "space-bench: %s run%s with input '%s': exit status %d, expected 0\n",
                ps->space, record ? " --record" : "", input, st);
        show_errors(errors);
        return -1;
    }
    size_t len;
    char *text = (char *)read_whole(stats, &len);
    char *z = text ? realloc(text, len + 1) : NULL;
    if (!z) {
        free(text);
        fprintf(stderr, "space-bench: cannot read %s\n", stats);
        return -1;
    }
    z[len] = 0;
    res->guest_insns = res->insns = json_number(z, "instructions", false);
    res->events = json_number(z, "interrupts_delivered", true);
    free(z);
    return res->guest_insns ? 0 : -1;
}

static unsigned scaled_rounds(unsigned rounds, double scale)
{
    double r = rounds * scale;
    return r < 1 ? 1 : r > rounds * 10.0 ? rounds * 10 : (unsigned)(r + 0.5);
}

static uint64_t recorded_insns; /* of the last record run, for its replay */

static int run_program(const struct paths *ps, enum workload_id id, double scale,
                       struct result *res)
{
    char input[64];
    switch (id) {
    case W_BOOT: return run_basicoz(ps, "exit\n", NULL, res);
    case W_SPIN:
        snprintf(input, sizeof input, "spin %u\nexit\n", scaled_rounds(20, scale));
        return run_basicoz(ps, input, NULL, res);
    case W_RECORD:
        snprintf(input, sizeof input, "hello\nspin %u\necho done\nexit\n", scaled_rounds(5, scale));
        if (run_basicoz(ps, input, tmp_file(ps, "session.trc"), res) != 0)
            return -1;
        recorded_insns = res->guest_insns;
        return 0;
    case W_REPLAY: {
        char *argv[] = {(char *)ps->space, "replay", "-q", tmp_file(ps, "session.trc"), NULL};
        const char *errors = tmp_file(ps, "space.err");
        int st = run_command(argv, NULL, errors, res);
        if (st != 0) {
            fprintf(stderr, "space-bench: %s replay: exit status %d, expected 0 (the same run)\n",
                    ps->space, st);
            show_errors(errors);
            return -1;
        }
        res->guest_insns = res->insns = recorded_insns;
        return 0;
    }
    case W_GRADE: {
        char *argv[] = {(char *)ps->space,     "grade", (char *)ps->spec, "--out",
                        tmp_file(ps, "grade"), NULL};
        const char *errors = tmp_file(ps, "space.err");
        int st = run_command(argv, NULL, errors, res);
        if (st != 0) {
            fprintf(stderr, "space-bench: %s grade %s: exit status %d, expected 0\n", ps->space,
                    ps->spec, st);
            show_errors(errors);
            return -1;
        }
        return 0;
    }
    default: return -1;
    }
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* ---- The suite ------------------------------------------------------------ */

struct meas {
    enum workload_id w;
    enum variant v;
    double secs[MAX_REPEAT];
    struct result last;
    long max_rss_kb;        /* the largest over the repeats */
    double min_cpu_seconds; /* the work's CPU time, the least over the repeats */
    bool done;
    double seconds, spread; /* fastest run; slowest / fastest - 1 */
};

static struct meas meas[NWORKLOADS * NVARIANTS];
static unsigned nmeas;

static struct meas *find(enum workload_id w, enum variant v)
{
    for (unsigned i = 0; i < nmeas; i++)
        if (meas[i].w == w && meas[i].v == v && meas[i].done)
            return &meas[i];
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static struct workload wl[NWORKLOADS];

static bool is_loop(enum workload_id w)
{
    return wl[w].insns_per_iter != 0;
}

/* The time of a measurement: its fastest wall time, or its least CPU time
 * (the work's own; steadier than the wall time on a busy host, and what
 * the wall time would be on an idle one). */
static double secs(const struct meas *m, bool cpu)
{
    return cpu ? m->min_cpu_seconds : m->seconds;
}

/* MIPS of a measurement: every guest instruction retired (on SPACE the
 * kernel's too; bare Unicorn and QEMU run the loop alone). Comparisons
 * between variants use times of the same work instead (vs bare). */
static double mips_of(const struct meas *m, bool cpu)
{
    return m && secs(m, cpu) > 0 && m->last.guest_insns
               ? (double)m->last.guest_insns / secs(m, cpu) / 1e6
               : 0;
}

/* The cost of one event (ns): a call or a TLB miss is an iteration of
 * its loop (on every variant), a switch or a fault one the kernel counted,
 * each taking the whole time (their loops run 2-4 instructions besides);
 * the timer job's ALU work is taken out at the speed of the SPACE ALU loop
 * of this run. */
static double ns_per_op(const struct meas *m, bool cpu)
{
    if (!m)
        return 0;
    double s = secs(m, cpu);
    uint64_t ops = 0;
    if (m->w == W_SYS || m->w == W_TLB) {
        ops = wl[m->w].iterations;
    } else if (m->w == W_SWITCH || m->w == W_FAULT) {
        ops = m->last.events;
    } else if (m->w == W_TIMER) {
        double alu = mips_of(find(W_ALU, V_SPACE), cpu);
        if (alu > 0)
            s -= (double)m->last.insns / (alu * 1e6);
        ops = m->last.events;
    }
    return ops && s > 0 ? s * 1e9 / (double)ops : 0;
}

struct target {
    const char *name;
    double wall, cpu; /* the figure from wall times and from CPU times */
    double limit;
    bool below; /* reached when the figure < limit (else >= limit) */
    const char *unit;
};

/* The figure of a target, from wall or CPU times. */
static double target_value(unsigned i, bool cpu, bool *ok)
{
    const struct meas *m, *s, *o;
    double alu;
    *ok = true;
    switch (i) {
    case 0: return (m = find(W_SYS, V_SPACE)) ? ns_per_op(m, cpu) / 1e3 : (*ok = false, 0);
    case 1: return (m = find(W_TIMER, V_SPACE)) ? ns_per_op(m, cpu) / 1e3 : (*ok = false, 0);
    case 2: return (m = find(W_FAULT, V_SPACE)) ? ns_per_op(m, cpu) / 1e3 : (*ok = false, 0);
    case 3: return (m = find(W_TLB, V_SPACE)) ? ns_per_op(m, cpu) / 1e3 : (*ok = false, 0);
    case 4:
        alu = mips_of(find(W_ALU, V_SPACE), cpu);
        return (m = find(W_SPIN, V_SPACE)) && alu > 0 ? mips_of(m, cpu) / alu : (*ok = false, 0);
    case 5:
    case 6:
    case 7:
    case 8:
        s = find(i < 7 ? W_ALU : W_MEM, V_SPACE);
        o = find(i < 7 ? W_ALU : W_MEM, i % 2 ? V_BARE : V_QEMU_ICOUNT);
        return s && o ? secs(o, cpu) / secs(s, cpu) : (*ok = false, 0);
    case 9:
        s = find(W_RECORD, V_SPACE);
        o = find(W_REPLAY, V_SPACE);
        return s && o ? secs(s, cpu) / secs(o, cpu) : (*ok = false, 0);
    case 10: return (m = find(W_BOOT, V_SPACE)) ? secs(m, cpu) : (*ok = false, 0);
    case 11: return (m = find(W_BOOT, V_SPACE)) ? (double)m->max_rss_kb / 1024 : (*ok = false, 0);
    default: *ok = false; return 0;
    }
}

/* Issue 12's targets that this run measured. */
static unsigned targets(struct target *t)
{
    static const struct {
        const char *name;
        double limit;
        bool below;
        const char *unit;
    } defs[] = {
        {"system call round trip", 2, true, "us"},
        {"timer interrupt + switch", 5, true, "us"},
        {"demand fault handled by the kernel", 5, true, "us"},
        {"TLB refill (a walk-loop iteration)", 0.3, true, "us"},
        {"BasicOZ spin / ALU loop MIPS", 0.5, false, "x"},
        {"ALU loop vs bare Unicorn", 0.7, false, "x"},
        {"ALU loop vs QEMU -icount", 1.0, false, "x"},
        {"memory loop vs bare Unicorn", 0.7, false, "x"},
        {"memory loop vs QEMU -icount", 1.0, false, "x"},
        {"replay speed / recorded run", 1.0, false, "x"},
        {"BasicOZ boot to the prompt and exit", 0.1, true, "s"},
        {"peak resident memory of a BasicOZ run", 64 + 64, true, "MB"},
    };
    unsigned n = 0;
    for (unsigned i = 0; i < sizeof defs / sizeof defs[0]; i++) {
        bool ok;
        double wall = target_value(i, false, &ok), cpu = target_value(i, true, &ok);
        if (ok)
            t[n++] = (struct target){defs[i].name,  wall,          cpu,
                                     defs[i].limit, defs[i].below, defs[i].unit};
    }
    return n;
}

/* Judged on the CPU-time figure: the wall time's share of a busy host's
 * CPUs is not the simulator's doing. */
static bool reached(const struct target *t)
{
    return t->below ? t->cpu < t->limit : t->cpu >= t->limit;
}

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(f, "\\u%04x", *s);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

static void json_num(FILE *f, double v)
{
    if (v > 0 || v < 0)
        fprintf(f, "%.6g", v);
    else
        fputs(v == 0 ? "0" : "null", f);
}

static int write_json(const char *path, double scale, int repeat, const char *qemu_version)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
    if (!f) {
        fprintf(stderr, "space-bench: cannot create %s: %s\n", path, strerror(errno));
        return -1;
    }
    unsigned maj, min;
    unsigned long ver = uc_version(&maj, &min);
    double load[3] = {0, 0, 0};
    if (getloadavg(load, 3) < 0)
        load[0] = 0;
    fprintf(f, "{\n  \"format\": \"space-bench\",\n  \"version\": 1,\n");
    fprintf(f, "  \"date\": %ld,\n  \"scale\": ", (long)time(NULL));
    json_num(f, scale);
    fprintf(f, ",\n  \"repeat\": %d,\n  \"unicorn\": \"%u.%u.%lu\",\n  \"qemu\": ", repeat, maj,
            min, (ver >> 8) & 0xff);
    if (qemu_version)
        json_string(f, qemu_version);
    else
        fputs("null", f);
    fprintf(f, ",\n  \"host\": {\"cpus\": %ld, \"load_1min\": %.2f},\n",
            sysconf(_SC_NPROCESSORS_ONLN), load[0]);
    fprintf(f, "  \"results\": [");
    bool first = true;
    for (unsigned i = 0; i < nmeas; i++) {
        const struct meas *m = &meas[i];
        if (!m->done)
            continue;
        const struct meas *bare = find(m->w, V_BARE);
        fprintf(f, "%s\n    {\"workload\": \"%s\", \"variant\": \"%s\", \"seconds\": ",
                first ? "" : ",", wl[m->w].name, variants[m->v].key);
        first = false;
        json_num(f, m->seconds);
        fprintf(f, ", \"spread\": ");
        json_num(f, m->spread);
        fprintf(f, ", \"cpu_seconds\": ");
        json_num(f, m->min_cpu_seconds);
        fprintf(f,
                ", \"instructions\": %" PRIu64 ", \"guest_instructions\": %" PRIu64 ", \"mips\": ",
                m->last.insns, m->last.guest_insns);
        json_num(f, mips_of(m, false));
        fprintf(f, ", \"mips_cpu\": ");
        json_num(f, mips_of(m, true));
        fprintf(f, ", \"events\": %" PRIu64 ", \"op\": ", m->last.events);
        if (wl[m->w].op)
            json_string(f, wl[m->w].op);
        else
            fputs("null", f);
        fprintf(f, ", \"ns_per_op\": ");
        json_num(f, ns_per_op(m, false));
        fprintf(f, ", \"ns_per_op_cpu\": ");
        json_num(f, ns_per_op(m, true));
        fprintf(f,
                ", \"blocks\": %" PRIu64 ", \"tlb_fills\": %" PRIu64 ", \"uc_flushes\": %" PRIu64
                ", \"peak_rss_kb\": %ld, \"vs_bare\": ",
                m->last.blocks, m->last.tlb_fills, m->last.uc_flushes, m->max_rss_kb);
        if (bare && bare != m)
            json_num(f, bare->seconds / m->seconds);
        else
            fputs(bare ? "1" : "null", f);
        fputc('}', f);
    }
    fprintf(f, "\n  ],\n  \"ratios\": {");
    first = true;
    for (enum workload_id w = 0; w < NWORKLOADS; w++) {
        const struct meas *s = find(w, V_SPACE);
        if (!s || !is_loop(w))
            continue;
        static const enum variant others[] = {V_BARE, V_QEMU, V_QEMU_ICOUNT};
        bool any = false;
        for (unsigned k = 0; k < 3; k++) {
            const struct meas *o = find(w, others[k]);
            if (!o)
                continue;
            if (!any)
                fprintf(f, "%s\n    \"%s\": {", first ? "" : ",", wl[w].name);
            fprintf(f, "%s\"space_vs_%s\": ", any ? ", " : "", variants[others[k]].key);
            json_num(f, o->seconds / s->seconds);
            fprintf(f, ", \"space_vs_%s_cpu\": ", variants[others[k]].key);
            json_num(f, o->min_cpu_seconds / s->min_cpu_seconds);
            any = true;
            first = false;
        }
        if (any)
            fputc('}', f);
    }
    fprintf(f, "\n  },\n  \"targets\": [");
    struct target t[16];
    unsigned nt = targets(t);
    for (unsigned i = 0; i < nt; i++) {
        fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
        json_string(f, t[i].name);
        fprintf(f, ", \"value\": ");
        json_num(f, t[i].wall);
        fprintf(f, ", \"value_cpu\": ");
        json_num(f, t[i].cpu);
        fprintf(f, ", \"limit\": ");
        json_num(f, t[i].limit);
        fprintf(f, ", \"unit\": \"%s\", \"below\": %s, \"reached\": %s}", t[i].unit,
                t[i].below ? "true" : "false", reached(&t[i]) ? "true" : "false");
    }
    fprintf(f, "\n  ]\n}\n");
    if (f != stdout && fclose(f) != 0) {
        fprintf(stderr, "space-bench: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* ---- Main ----------------------------------------------------------------- */

static const char usage_text[] =
    "usage: space-bench [SCALE] [--repeat N] [--json FILE] [--only LIST] [--hooks]\n"
    "                   [--no-qemu] [--kernel ELF] [--qemu-image ELF] [--space PATH]\n"
    "                   [--spec SPEC]\n"
    "\n"
    "The SPACE benchmark suite (bench/README.md, docs/performance.md): guest loops\n"
    "on the SPACE machine, bare Unicorn and QEMU, and the space program's own runs\n"
    "(BasicOZ boot, spin 20, grade, record, replay), with MIPS, the cost per\n"
    "operation (from wall and from CPU time), peak resident memory, ratios and\n"
    "the targets of issue 12.\n"
    "\n"
    "  SCALE          multiply the default work (default 1: about a minute with\n"
    "                 --repeat 3 on an idle 2-core machine; 0.01 for a smoke run)\n"
    "  --repeat N     runs per measurement, the fastest reported (default 3, 1..25)\n"
    "  --json FILE    also write the results as JSON ('-': standard output)\n"
    "  --only LIST    only these workloads, comma-separated (alu, mem, sys, switch,\n"
    "                 tlb, fault, timer, boot, spin, grade, record, replay)\n"
    "  --hooks        also the alu and mem loops on bare Unicorn with each of\n"
    "                 SPACE's engine hooks, and on SPACE with 4 CPUs\n"
    "  --no-qemu      skip QEMU even if qemu-system-i386 is installed\n"
    "                 (SPACE_BENCH_QEMU=PATH names another one)\n"
    "  --kernel ELF   the benchmark kernel (default " SPACE_BENCH_KERNEL ")\n"
    "  --qemu-image ELF  the QEMU image (default " SPACE_BENCH_QEMU_IMAGE ")\n"
    "  --space PATH   the space program (default " SPACE_BENCH_SPACE ")\n"
    "  --spec SPEC    the spec for the grade run (default " SPACE_BENCH_SPEC ")\n";

static bool only_has(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p && *p;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        if (len == n && !strncmp(p, name, n))
            return true;
        p = c ? c + 1 : NULL;
    }
    return false;
}

/* The first line of `qemu --version`, or NULL. */
static char *qemu_version(const char *qemu)
{
    int fd[2];
    if (!qemu || pipe(fd) != 0)
        return NULL;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        execl(qemu, qemu, "--version", (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    static char buf[128];
    ssize_t n = pid > 0 ? read(fd[0], buf, sizeof buf - 1) : -1;
    close(fd[0]);
    int status;
    if (pid > 0)
        waitpid(pid, &status, 0);
    if (n <= 0)
        return NULL;
    buf[n] = 0;
    buf[strcspn(buf, "\n")] = 0;
    return buf;
}

/* The table: wall-time figures, and beside them the CPU-time ones. */
static void print_table(void)
{
    printf("%-7s %-15s %12s %8s %7s %8s %8s %7s %9s %9s %-9s %7s %6s\n", "load", "variant",
           "instructions", "seconds", "cpu s", "MIPS", "cpu MIPS", "vs bare", "ns/op", "cpu ns/op",
           "op", "peak MB", "spread");
    enum workload_id prev = NWORKLOADS;
    for (unsigned i = 0; i < nmeas; i++) {
        const struct meas *m = &meas[i];
        if (!m->done)
            continue;
        if (prev != NWORKLOADS && m->w != prev)
            printf("\n");
        prev = m->w;
        const struct meas *bare = find(m->w, V_BARE);
        char vs[16] = "", ns[16] = "", nsc[16] = "", mips[16] = "-", mipsc[16] = "-";
        if (bare)
            snprintf(vs, sizeof vs, "%.2f", bare->seconds / m->seconds);
        if (ns_per_op(m, false) > 0)
            snprintf(ns, sizeof ns, "%.0f", ns_per_op(m, false));
        if (ns_per_op(m, true) > 0)
            snprintf(nsc, sizeof nsc, "%.0f", ns_per_op(m, true));
        if (mips_of(m, false) > 0)
            snprintf(mips, sizeof mips, "%.1f", mips_of(m, false));
        if (mips_of(m, true) > 0)
            snprintf(mipsc, sizeof mipsc, "%.1f", mips_of(m, true));
        printf("%-7s %-15s %12" PRIu64 " %8.3f %7.3f %8s %8s %7s %9s %9s %-9s %7.1f %5.0f%%\n",
               wl[m->w].name, variants[m->v].name, m->last.guest_insns, m->seconds,
               m->min_cpu_seconds, mips, mipsc, vs, ns, nsc,
               ns[0] && wl[m->w].op ? wl[m->w].op : "", (double)m->max_rss_kb / 1024,
               m->spread * 100);
    }
}

int main(int argc, char **argv)
{
    double scale = 1.0;
    int repeat = 3;
    bool hooks = false, no_qemu = false;
    const char *json = NULL, *only = NULL;
    struct paths ps = {.kernel = SPACE_BENCH_KERNEL,
                       .qemu_image = SPACE_BENCH_QEMU_IMAGE,
                       .space = SPACE_BENCH_SPACE,
                       .spec = SPACE_BENCH_SPEC};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **value = !strcmp(a, "--json")         ? &json
                             : !strcmp(a, "--only")       ? &only
                             : !strcmp(a, "--kernel")     ? &ps.kernel
                             : !strcmp(a, "--qemu-image") ? &ps.qemu_image
                             : !strcmp(a, "--space")      ? &ps.space
                             : !strcmp(a, "--spec")       ? &ps.spec
                                                          : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage_text, stdout);
            return 0;
        } else if (value && i + 1 < argc) {
            *value = argv[++i];
        } else if (!strcmp(a, "--repeat") && i + 1 < argc) {
            char *end;
            long r = strtol(argv[++i], &end, 10);
            if (*end || r < 1 || r > MAX_REPEAT) {
                fprintf(stderr, "space-bench: --repeat needs 1..%d\n", MAX_REPEAT);
                return 2;
            }
            repeat = (int)r;
        } else if (!strcmp(a, "--hooks")) {
            hooks = true;
        } else if (!strcmp(a, "--no-qemu")) {
            no_qemu = true;
        } else if (a[0] != '-' || (a[1] >= '0' && a[1] <= '9') || a[1] == '.') {
            char *end;
            scale = strtod(a, &end);
            if (*end || !(scale > 0) || scale > 1000) {
                fprintf(stderr, "space-bench: SCALE must be a number in (0, 1000], not '%s'\n", a);
                return 2;
            }
        } else {
            fprintf(stderr, "space-bench: unknown option '%s'\n%s", a, usage_text);
            return 2;
        }
    }

    struct image img;
    if (load_image(ps.kernel, &img) != 0)
        return 1;
    ps.qemu = no_qemu ? NULL : qemu_path();
    if (ps.qemu && access(ps.qemu_image, R_OK) != 0) {
        fprintf(stderr, "space-bench: no QEMU image %s: QEMU skipped\n", ps.qemu_image);
        ps.qemu = NULL;
    }
    char *qver = qemu_version(ps.qemu);

    /* The default work: each loop a fraction of a second to a second of
     * CPU on SPACE, so that the whole suite takes about a minute at
     * --repeat 3 on an idle host. */
    static const struct {
        const char *name, *what, *op;
        uint64_t iterations;
        bool bare, qemu;
    } defs[NWORKLOADS] = {
        [W_ALU] = {"alu", "ALU only, 10 insns/iteration", NULL, 100000000, true, true},
        [W_MEM] = {"mem", "a store and a load every 9 insns", NULL, 50000000, true, true},
        [W_SYS] = {"sys", "int $0x81: portal, pcb_read/write, resume", "call", 200000, true, true},
        [W_SWITCH] = {"switch", "int $0x82: Suspend, Unsuspend the other thread, Resume", "switch",
                      300000, false, false},
        [W_TLB] = {"tlb", "a store on each of 1024 mapped pages in turn", "miss", 5000000, true,
                   true},
        [W_FAULT] = {"fault", "the same, unmapped: kernel maps on demand, unmaps the last", "fault",
                     200000, false, false},
        [W_TIMER] = {"timer", "2 threads, ALU loop, a tick every 1000 insns switches", "interrupt",
                     20000000, false, false},
        [W_BOOT] = {"boot", "space run: BasicOZ boots, 'exit'", NULL, 0, false, false},
        [W_SPIN] = {"spin", "space run: BasicOZ 'spin 20'", NULL, 0, false, false},
        [W_GRADE] = {"grade", "space grade of bench/grade-bench.spec (2 cases)", NULL, 0, false,
                     false},
        [W_RECORD] = {"record", "space run --record: hello, spin 5, echo, exit", NULL, 0, false,
                      false},
        [W_REPLAY] = {"replay", "space replay -q of that recording", NULL, 0, false, false},
    };
    const uint32_t entry[] = {img.alu_loop,  img.mem_loop,  img.sys_loop, 0,
                              img.walk_loop, img.walk_loop, img.alu_loop};
    const uint32_t exit_[] = {img.alu_exit,  img.mem_exit,  img.sys_exit, 0,
                              img.walk_exit, img.walk_exit, img.alu_exit};
    const uint32_t per[] = {img.alu_insns,  img.mem_insns,  img.sys_insns, 3,
                            img.walk_insns, img.walk_insns, img.alu_insns};
    for (int k = 0; k < NWORKLOADS; k++) {
        wl[k] = (struct workload){defs[k].name, defs[k].what, defs[k].op, 0, 0, 0, 0,
                                  defs[k].bare, defs[k].qemu};
        if (k <= W_TIMER) {
            wl[k].entry = entry[k];
            wl[k].exit = exit_[k];
            wl[k].insns_per_iter = per[k];
            double it = (double)defs[k].iterations * scale;
            wl[k].iterations = it < 4 ? 4 : it > 4294967295.0 ? 4294967295u : (uint64_t)it;
        }
    }
    if (only) {
        for (int k = 0; k < NWORKLOADS; k++)
            if (!only_has(only, wl[k].name) && !(k == W_RECORD && only_has(only, "replay")))
                wl[k].name = NULL; /* not run */
        for (const char *p = only; *p;) {
            size_t len = strcspn(p, ",");
            bool known = false;
            for (int k = 0; k < NWORKLOADS; k++)
                known |= strlen(defs[k].name) == len && !strncmp(p, defs[k].name, len);
            if (!known) {
                fprintf(stderr, "space-bench: --only: no workload '%.*s'\n", (int)len, p);
                return 2;
            }
            p += len + (p[len] == ',');
        }
    }

    /* What runs: for each workload its variants, in the table's order.
     * (--only replay needs the record run before it, which is kept.) */
    for (int k = 0; k < NWORKLOADS; k++) {
        if (!wl[k].name) {
            wl[k].name = defs[k].name;
            continue;
        }
        for (int v = 0; v < NVARIANTS; v++) {
            bool run = v == V_SPACE || (v == V_BARE && wl[k].on_bare) ||
                       ((v == V_QEMU || v == V_QEMU_ICOUNT) && wl[k].on_qemu && ps.qemu) ||
                       (hooks && k <= W_MEM && v != V_QEMU && v != V_QEMU_ICOUNT);
            if (run)
                meas[nmeas++] = (struct meas){.w = (enum workload_id)k, .v = (enum variant)v};
        }
    }

    const char *tmpdir = getenv("TMPDIR");
    snprintf(ps.tmp, sizeof ps.tmp, "%s/space-bench.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(ps.tmp)) {
        fprintf(stderr, "space-bench: cannot create %s: %s\n", ps.tmp, strerror(errno));
        return 1;
    }

    unsigned maj, min;
    unsigned long ver = uc_version(&maj, &min);
    double load[3] = {0, 0, 0};
    if (getloadavg(load, 3) < 0)
        load[0] = 0;
    printf("space-bench: Unicorn %u.%u.%lu; %s; scale %g, fastest of %d run%s; load average "
           "%.2f on %ld CPUs\n",
           maj, min, (ver >> 8) & 0xff, qver ? qver : "no QEMU", scale, repeat,
           repeat == 1 ? "" : "s", load[0], sysconf(_SC_NPROCESSORS_ONLN));
    fflush(stdout);

    /* Repeats are interleaved so that drift in the host's speed spreads
     * over every variant alike. */
    int rc = 0;
    for (int r = 0; r < repeat && rc == 0; r++) {
        for (unsigned i = 0; i < nmeas && rc == 0; i++) {
            struct meas *m = &meas[i];
            const struct workload *w = &wl[m->w];
            struct result res;
            struct in_child c = {ps.kernel, &img, m->v, w};
            if (!is_loop(m->w))
                rc = run_program(&ps, m->w, scale, &res);
            else if (m->v == V_QEMU || m->v == V_QEMU_ICOUNT)
                rc = run_qemu(&ps, m->v == V_QEMU_ICOUNT, w, &res);
            else if ((rc = run_forked(&c, &res)) != 0)
                fprintf(stderr, "space-bench: %s on %s failed\n", w->name, variants[m->v].name);
            if (rc != 0)
                break;
            m->secs[r] = res.seconds;
            m->last = res;
            if (res.max_rss_kb > m->max_rss_kb)
                m->max_rss_kb = res.max_rss_kb;
            if (r == 0 || res.cpu_seconds < m->min_cpu_seconds)
                m->min_cpu_seconds = res.cpu_seconds;
        }
    }
    nftw(ps.tmp, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
    if (rc != 0)
        return 1;

    /* The fastest run is the one least disturbed by the rest of the host
     * (the work itself is deterministic); the spread shows how disturbed the
     * others were. */
    for (unsigned i = 0; i < nmeas; i++) {
        struct meas *m = &meas[i];
        qsort(m->secs, (size_t)repeat, sizeof(double), cmp_double);
        m->seconds = m->secs[0];
        m->spread = m->secs[repeat - 1] / m->secs[0] - 1;
        m->done = true;
    }
    printf("\n");
    print_table();

    printf("\nSPACE's speed relative to the others (their time / SPACE's time, same work;\n"
           "wall time, and in brackets CPU time, steadier on a busy host):\n");
    for (int k = 0; k <= W_TIMER; k++) {
        const struct meas *s = find((enum workload_id)k, V_SPACE);
        if (!s)
            continue;
        static const enum variant others[] = {V_BARE, V_QEMU, V_QEMU_ICOUNT, V_VTLB_COUNT};
        bool any = false;
        for (unsigned j = 0; j < 4; j++) {
            const struct meas *o = find((enum workload_id)k, others[j]);
            if (!o)
                continue;
            printf("%s%s / %s %.2f (CPU %.2f)", any ? "   " : "  ", "SPACE",
                   variants[others[j]].name, o->seconds / s->seconds,
                   o->min_cpu_seconds / s->min_cpu_seconds);
            any = true;
        }
        if (any)
            printf("   (%s)\n", wl[k].name);
    }
    const struct meas *s1 = find(W_ALU, V_SPACE), *s4 = find(W_ALU, V_SPACE4);
    if (s1 && s4)
        printf("  SPACE 4 CPUs / SPACE 1 CPU (aggregate): alu %.2f\n", s1->seconds / s4->seconds);

    struct target t[16];
    unsigned nt = targets(t);
    if (nt) {
        printf("\nIssue 12's targets (from wall times, from CPU times; judged on CPU times):\n");
        for (unsigned i = 0; i < nt; i++)
            printf("  %-38s %9.3g %9.3g %-2s  target %s %g  %s\n", t[i].name, t[i].wall, t[i].cpu,
                   t[i].unit, t[i].below ? "<" : ">=", t[i].limit,
                   reached(&t[i]) ? "reached" : "MISSED");
    }
    printf("\nworkloads:\n");
    for (int k = 0; k < NWORKLOADS; k++)
        if (find((enum workload_id)k, V_SPACE))
            printf("  %-7s %s\n", wl[k].name, wl[k].what);
    printf("variants:\n");
    for (int v = 0; v < NVARIANTS; v++) {
        bool used = false;
        for (unsigned i = 0; i < nmeas; i++)
            used |= meas[i].v == (enum variant)v;
        if (used)
            printf("  %-14s %s\n", variants[v].name,
                   v == V_SPACE ? "SPACE machine (loops: bench_kernel.elf, CONTEXT 1 MODE 3; "
                                  "the others: the space program)"
                                : variants[v].what);
    }
    if (json && write_json(json, scale, repeat, qver) != 0)
        return 1;
    free(img.code);
    return 0;
}
