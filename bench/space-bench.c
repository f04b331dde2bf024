/* space-bench: guest speed of the SPACE simulator against bare Unicorn.
 *
 * Runs the loops of bench/guest/bench_loops.S - an ALU-only loop and a loop
 * with a store and a load every 9 instructions - (1) on bare Unicorn with
 * flat memory and no hooks, (2) on bare Unicorn with, one at a time, the
 * pieces SPACE's cpu adds (block hook, per-block instruction counting,
 * UC_TLB_VIRTUAL with a TLB fill hook), and (3) on a whole SPACE machine
 * booting bench_kernel.elf, which runs them in CONTEXT 1, MODE 3. The loop
 * bytes for the bare runs are copied out of that very ELF by symbol and
 * placed at the same virtual addresses, so every variant executes the same
 * machine code. Prints guest MIPS for each and the ratios to bare.
 *
 *     space-bench [SCALE] [--repeat N] [--basic] [--kernel ELF]
 *
 * See bench/README.md. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicorn/unicorn.h>

#include "sim/core/machine.h"
#include "sim/host/host_backends.h"

#ifndef SPACE_BENCH_KERNEL
#define SPACE_BENCH_KERNEL "build/bench/guest/bench_kernel.elf"
#endif

#define PAGE 4096u

/* uc_ctl_request_cache() as unicorn.h spells it shifts a signed 3 by 30
 * bits (undefined behaviour that UBSan reports); the same value, unsigned,
 * as cpu/cpu.c does. */
#define CTL_REQUEST_CACHE                                                                          \
    ((uc_control_type)((uint32_t)UC_CTL_TB_REQUEST_CACHE | (2u << 26) |                            \
                       ((uint32_t)UC_CTL_IO_READ_WRITE << 30)))
#define MAX_REPEAT      25
#define TRAP_DONE_INSNS 1 /* the loop's closing int $0x80, counted in MODE 3 */

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
    uint32_t alu_loop, alu_exit, alu_insns;
    uint32_t mem_loop, mem_exit, mem_insns;
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
        "bench_loops_start", "bench_loops_end", "bench_buffer",    "bench_buffer_end",
        "bench_alu_loop",    "bench_alu_exit",  "bench_alu_insns", "bench_mem_loop",
        "bench_mem_exit",    "bench_mem_insns",
    };
    uint32_t *slots[] = {
        &img->code_start, &img->code_end,  &img->buf_start, &img->buf_end,  &img->alu_loop,
        &img->alu_exit,   &img->alu_insns, &img->mem_loop,  &img->mem_exit, &img->mem_insns,
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
             img->mem_insns;
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

struct workload {
    const char *name;
    const char *what;
    uint32_t entry, exit, insns_per_iter;
    uint64_t iterations;
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
    NVARIANTS,
};

static const struct {
    const char *name;
    const char *what;
} variants[NVARIANTS] = {
    [V_BARE] = {"bare", "bare Unicorn: uc_mem_map flat memory, no hooks, default TLB"},
    [V_BLOCK] = {"bare+block", "bare + an empty UC_HOOK_BLOCK"},
    [V_COUNT] = {"bare+count", "bare + block hook counting with uc_ctl_request_cache (as cpu.c)"},
    [V_CACHED] = {"bare+cached", "bare + block hook counting from a host pc->icount table"},
    [V_VTLB] = {"bare+vtlb", "bare + UC_TLB_VIRTUAL and a UC_HOOK_TLB_FILL hook, no block hook"},
    [V_VTLB_COUNT] = {"bare+vtlb+count",
                      "UC_TLB_VIRTUAL + fill hook + counting block hook + idle INTR and "
                      "INSN_INVALID hooks: cpu.c's hook set"},
    [V_SPACE] = {"SPACE", "SPACE machine, CONTEXT 1 MODE 3, MMU on (bench_kernel.elf)"},
    [V_SPACE4] = {"SPACE 4 CPUs",
                  "the same with --cpus 4: each CPU a quarter of the iterations, aggregate MIPS"},
};

struct result {
    double seconds;
    uint64_t insns; /* guest instructions of the loop */
    /* SPACE only */
    uint64_t guest_delta, mode3_insns, blocks, tlb_fills, uc_flushes;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
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
    else if (va >= b->img->buf_start && va < b->img->buf_end)
        e->perms = UC_PROT_READ | UC_PROT_WRITE;
    else
        return false;
    e->paddr = va & ~(PAGE - 1);
    b->fills++;
    return true;
}

/* Never called by the loops; present only because cpu.c installs them. */
static void on_interrupt(uc_engine *uc, uint32_t vector, void *user)
{
    (void)vector;
    (void)user;
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
    if (e == UC_ERR_OK && v == V_VTLB_COUNT)
        e = uc_hook_add(uc, &h, UC_HOOK_INTR, (void *)on_interrupt, &b, 1, 0);
    if (e == UC_ERR_OK && v == V_VTLB_COUNT)
        e = uc_hook_add(uc, &h, UC_HOOK_INSN_INVALID, (void *)on_invalid, &b, 1, 0);
    uint32_t zero = 0, ecx = (uint32_t)w->iterations, edi = img->buf_start, esp = img->buf_end;
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

    double t0 = now();
    e = uc_emu_start(uc, w->entry, w->exit, 0, 0);
    double t1 = now();

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
    res->insns = expect;
    res->blocks = b.blocks;
    res->tlb_fills = b.fills;
    return 0;
}

/* ---- The SPACE machine ---------------------------------------------------- */

static int run_space(const char *kernel, const struct workload *w, unsigned ncpus,
                     struct result *res)
{
    char cmdline[64], err[512];
    uint64_t per_cpu = w->iterations / ncpus;
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

    double t0 = now();
    enum machine_state st = machine_run(m);
    double t1 = now();

    fclose(f);
    int rc = 0;
    char name[8];
    uint64_t iters = 0, delta = 0;
    uint64_t expect = per_cpu * ncpus * w->insns_per_iter, mode3 = 0, blocks = 0, fills = 0,
             flushes = 0;
    for (unsigned i = 0; i < ncpus; i++) {
        const struct cpu_stats *cs = cpu_stats(machine_cpu(m, i));
        mode3 += cs->insns_by_mode[3];
        blocks += cs->blocks_learned;
        fills += cs->tlb_fills;
        flushes += cs->uc_flushes;
    }
    const char *reason = machine_stop_reason(m);
    if (st != MACHINE_HALTED || machine_exit_code(m) != 0) {
        fprintf(
            stderr, "space-bench: SPACE %s: the machine did not halt 0 (state %d, code %u)%s%s\n%s",
            w->name, (int)st, machine_exit_code(m), reason[0] ? ": " : "", reason, out ? out : "");
        rc = -1;
    } else if (!out ||
               sscanf(out, "bench %7s iterations %" SCNu64 " insns %" SCNu64, name, &iters,
                      &delta) != 3 ||
               strcmp(name, w->name) || iters != per_cpu) {
        fprintf(stderr, "space-bench: SPACE %s: unexpected guest output:\n%s", w->name,
                out ? out : "");
        rc = -1;
    } else if (mode3 != expect + ncpus * TRAP_DONE_INSNS) {
        fprintf(stderr,
                "space-bench: SPACE %s: MODE 3 retired %" PRIu64 " instructions, expected %" PRIu64
                "\n",
                w->name, mode3, expect + ncpus * TRAP_DONE_INSNS);
        rc = -1;
    }
    if (rc == 0) {
        memset(res, 0, sizeof *res);
        res->seconds = t1 - t0;
        res->insns = expect;
        res->guest_delta = delta;
        res->mode3_insns = mode3;
        res->blocks = blocks;
        res->tlb_fills = fills;
        res->uc_flushes = flushes;
    }
    free(out);
    machine_destroy(m);
    return rc;
}

/* ---- Main ----------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static const char usage_text[] =
    "usage: space-bench [SCALE] [--repeat N] [--basic] [--kernel ELF]\n"
    "\n"
    "Measures guest MIPS of an ALU-only loop and a memory loop (a store and a\n"
    "load every 9 instructions) on bare Unicorn and on the SPACE machine (user\n"
    "CONTEXT 1, MODE 3, MMU on), same machine code, and prints SPACE / bare.\n"
    "\n"
    "  SCALE        multiply the default iteration counts (default 1: 1.2e9 ALU\n"
    "               and 5.4e8 memory instructions per run)\n"
    "  --repeat N   runs per measurement, the fastest reported (default 3, 1..25)\n"
    "  --basic      only bare and SPACE, not the bare variants with SPACE's hooks\n"
    "  --kernel ELF the benchmark kernel (default " SPACE_BENCH_KERNEL ")\n";

int main(int argc, char **argv)
{
    double scale = 1.0;
    int repeat = 3;
    bool basic = false;
    const char *kernel = SPACE_BENCH_KERNEL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage_text, stdout);
            return 0;
        } else if (!strcmp(a, "--repeat") && i + 1 < argc) {
            char *end;
            long r = strtol(argv[++i], &end, 10);
            if (*end || r < 1 || r > MAX_REPEAT) {
                fprintf(stderr, "space-bench: --repeat needs 1..%d\n", MAX_REPEAT);
                return 2;
            }
            repeat = (int)r;
        } else if (!strcmp(a, "--kernel") && i + 1 < argc) {
            kernel = argv[++i];
        } else if (!strcmp(a, "--basic")) {
            basic = true;
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
    if (load_image(kernel, &img) != 0)
        return 1;

    struct workload wl[2] = {
        {"alu", "ALU only", img.alu_loop, img.alu_exit, img.alu_insns, 120000000},
        {"mem", "store+load / 9 insns", img.mem_loop, img.mem_exit, img.mem_insns, 60000000},
    };
    for (int k = 0; k < 2; k++) {
        double it = (double)wl[k].iterations * scale;
        wl[k].iterations = it < 1 ? 1 : it > 4294967295.0 ? 4294967295u : (uint64_t)it;
    }

    unsigned maj, min;
    unsigned long ver = uc_version(&maj, &min);
    printf("space-bench: Unicorn %u.%u.%lu; loops from %s; fastest of %d run%s\n", maj, min,
           (ver >> 8) & 0xff, kernel, repeat, repeat == 1 ? "" : "s");
    printf("  alu: %u instructions/iteration, %" PRIu64 " iterations; mem: %u instructions/"
           "iteration (1 store, 1 load), %" PRIu64 " iterations over %u pages\n\n",
           img.alu_insns, wl[0].iterations, img.mem_insns, wl[1].iterations,
           (img.buf_end - img.buf_start) / PAGE);
    fflush(stdout);

    static double secs[2][NVARIANTS][MAX_REPEAT];
    static struct result last[2][NVARIANTS];
    bool run[NVARIANTS];
    for (int v = 0; v < NVARIANTS; v++)
        run[v] = !basic || v == V_BARE || v == V_SPACE || v == V_SPACE4;

    /* Repeats are interleaved so that drift in the host's speed spreads
     * over every variant alike. */
    for (int r = 0; r < repeat; r++) {
        for (int k = 0; k < 2; k++) {
            for (int v = 0; v < NVARIANTS; v++) {
                if (!run[v])
                    continue;
                struct result res;
                int rc = v == V_SPACE    ? run_space(kernel, &wl[k], 1, &res)
                         : v == V_SPACE4 ? run_space(kernel, &wl[k], 4, &res)
                                         : run_bare(&img, (enum variant)v, &wl[k], &res);
                if (rc != 0)
                    return 1;
                secs[k][v][r] = res.seconds;
                last[k][v] = res;
            }
        }
    }

    /* The fastest run is the one least disturbed by the rest of the host
     * (the work itself is deterministic); the spread shows how disturbed the
     * others were. */
    double mips[2][NVARIANTS];
    printf("%-5s %-16s %13s %9s %9s %8s %7s\n", "load", "variant", "instructions", "seconds",
           "MIPS", "vs bare", "spread");
    for (int k = 0; k < 2; k++) {
        for (int v = 0; v < NVARIANTS; v++) {
            if (!run[v])
                continue;
            qsort(secs[k][v], (size_t)repeat, sizeof(double), cmp_double);
            double s = secs[k][v][0];
            double spread = secs[k][v][repeat - 1] / s - 1;
            mips[k][v] = (double)last[k][v].insns / s / 1e6;
            printf("%-5s %-16s %13" PRIu64 " %9.3f %9.1f %8.2f %6.0f%%\n", wl[k].name,
                   variants[v].name, last[k][v].insns, s, mips[k][v], mips[k][v] / mips[k][V_BARE],
                   spread * 100);
        }
        if (k == 0)
            printf("\n");
    }

    printf("\nSPACE / bare:  alu %.2f   mem %.2f\n", mips[0][V_SPACE] / mips[0][V_BARE],
           mips[1][V_SPACE] / mips[1][V_BARE]);
    printf("SPACE 4 CPUs / SPACE 1 CPU (aggregate MIPS):  alu %.2f   mem %.2f\n",
           mips[0][V_SPACE4] / mips[0][V_SPACE], mips[1][V_SPACE4] / mips[1][V_SPACE]);
    if (!basic) {
        printf("bare+vtlb+count / bare (SPACE's engine set-up without the machine):  alu %.2f   "
               "mem %.2f\n",
               mips[0][V_VTLB_COUNT] / mips[0][V_BARE], mips[1][V_VTLB_COUNT] / mips[1][V_BARE]);
    }
    printf("\nSPACE machine, last run of each (exact counts checked):\n");
    for (int k = 0; k < 2; k++) {
        const struct result *s = &last[k][V_SPACE];
        printf("  %s: kernel-measured %" PRIu64 " insns (loop + %" PRIu64
               " kernel), MODE 3 %" PRIu64 ", blocks learned %" PRIu64 ", TLB fills %" PRIu64
               ", Unicorn TLB flushes %" PRIu64 "\n",
               wl[k].name, s->guest_delta, s->guest_delta - s->insns, s->mode3_insns, s->blocks,
               s->tlb_fills, s->uc_flushes);
    }
    printf("\nvariants:\n");
    for (int v = 0; v < NVARIANTS; v++)
        if (run[v])
            printf("  %-16s %s\n", variants[v].name, variants[v].what);
    free(img.code);
    return 0;
}
