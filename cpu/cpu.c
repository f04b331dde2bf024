#include "cpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

#include "decode.h"

#define PAGE_MASK 0xfffff000u
#define EFLAGS_TF 0x100u
#define VECTOR_DEBUG 1u
/* Instructions the CPU single-steps after an imprecise instruction-fetch
 * fault before it gives up looking for the precise one. */
#define FETCH_STEP_BUDGET 4200

/* uc_ctl_request_cache() as unicorn.h spells it shifts a signed 3 by 30
 * bits (undefined behaviour that UBSan reports); the same value, unsigned. */
#define CTL_REQUEST_CACHE                                                                         \
    ((uc_control_type)((uint32_t)UC_CTL_TB_REQUEST_CACHE | (2u << 26) | ((uint32_t)UC_CTL_IO_READ_WRITE << 30)))

/* Power-on stub in the hidden page: load DPL-3 data segments, then iret to
 * ring 3. After it the GDT limit is set to 0, so any later segment load is
 * a #GP, i.e. an ILLEGAL trap. */
#define STUB_ESP_IMM 20
#define STUB_EIP_IMM 29
#define STUB_LANDING 0x100u
#define STUB_GDT 0x800u
static const uint8_t power_on_stub[] = {
    0x66, 0xb8, 0x18, 0x00,       /* mov ax, 0x18     */
    0x8e, 0xd0,                   /* mov ss, ax       */
    0x66, 0xb8, 0x13, 0x00,       /* mov ax, 0x13     */
    0x8e, 0xd8,                   /* mov ds, ax       */
    0x8e, 0xc0,                   /* mov es, ax       */
    0x8e, 0xe0,                   /* mov fs, ax       */
    0x8e, 0xe8,                   /* mov gs, ax       */
    0x6a, 0x13,                   /* push 0x13  (ss)  */
    0x68, 0, 0, 0, 0,             /* push esp         */
    0x6a, 0x02,                   /* push 2 (eflags)  */
    0x6a, 0x0b,                   /* push 0x0b  (cs)  */
    0x68, 0, 0, 0, 0,             /* push landing     */
    0xcf,                         /* iret             */
};
static const uint64_t power_on_gdt[4] = {
    0,
    0x00cffa000000ffffull, /* 0x08: code, DPL 3, flat 32-bit */
    0x00cff2000000ffffull, /* 0x10: data, DPL 3, flat */
    0x00cf92000000ffffull, /* 0x18: data, DPL 0, flat (the stub's own stack) */
};

struct cpu {
    uc_engine *uc;
    struct mmu *mmu;
    struct physmem *pm;
    struct decoder *dec;
    uint32_t ctx, mode;
    bool powering_on;

    uint64_t time;     /* instructions retired */
    uint64_t deadline; /* cpu_run's target */

    /* The translated block being executed, for settling a cut-short block. */
    uint64_t blk_time;
    uint32_t blk_pc, blk_size, blk_icount;
    bool blk_valid;
    uint32_t last_blk_pc;

    bool stepping;       /* EFLAGS.TF set by us: one instruction per block */
    bool guest_tf;       /* the guest's own TF */
    bool fix_pushf;      /* a stepped pushf stored our TF: clear it */
    int fetch_steps;     /* >0: stepping to find a precise fetch fault */

    bool crossed;        /* the block hook stopped before a block past the deadline */
    bool budget_out;     /* the fetch-fault search ran out of steps */
    bool trapped;        /* the interrupt hook stopped on a vector */
    uint32_t vector;
    bool fault_seen;     /* the TLB fill hook refused an access */
    uint32_t fault_page;
    unsigned fault_access;
    bool fault_protection;
    volatile int stop_requested;

    struct cpu_stats stats;
    uc_hook hooks[4];
};

/* ---- Hooks (run inside uc_emu_start) ----------------------------------- */

static unsigned access_of(uc_mem_type type)
{
    switch (type) {
    case UC_MEM_WRITE: return MMU_WRITE;
    case UC_MEM_FETCH: return MMU_EXEC;
    default: return MMU_READ;
    }
}

static bool on_tlb_fill(uc_engine *uc, uint64_t vaddr, uc_mem_type type, uc_tlb_entry *e,
                        void *user)
{
    (void)uc;
    struct cpu *c = user;
    uint32_t va = (uint32_t)vaddr;
    if (c->powering_on) {
        if ((va & PAGE_MASK) != physmem_hidden_page(c->pm))
            return false;
        e->paddr = va & PAGE_MASK;
        e->perms = UC_PROT_ALL;
        return true;
    }
    unsigned access = access_of(type);
    map_entry m = mmu_lookup(c->mmu, c->ctx, va);
    unsigned bits = MAP_MODE_BITS(m, c->mode);
    if (!(bits & access)) {
        c->fault_seen = true;
        c->fault_page = va & PAGE_MASK;
        c->fault_access = access;
        c->fault_protection = m != 0;
        return false;
    }
    c->stats.tlb_fills++;
    e->paddr = MAP_PADDR(m);
    e->perms = (bits & MMU_READ ? UC_PROT_READ : 0) | (bits & MMU_WRITE ? UC_PROT_WRITE : 0) |
               (bits & MMU_EXEC ? UC_PROT_EXEC : 0);
    return true;
}

/* When stepping, a REP string instruction whose count reached zero is
 * entered once more (QEMU only folds that final check into the last
 * iteration when it is not single-stepping). That extra entry retires
 * nothing. */
static bool is_rep_tail(struct cpu *c, uint32_t pc)
{
    if (pc != c->last_blk_pc)
        return false;
    uint8_t buf[16];
    uint32_t n = cpu_read_code(c, pc, buf, sizeof buf);
    if (!decode_is_rep_string(buf, n))
        return false;
    uint32_t ecx;
    uc_reg_read(c->uc, UC_X86_REG_ECX, &ecx);
    return ecx == 0;
}

static void on_block(uc_engine *uc, uint64_t address, uint32_t size, void *user)
{
    struct cpu *c = user;
    uint32_t pc = (uint32_t)address;
    uint32_t icount;
    if (c->stepping) {
        icount = 1;
        if (is_rep_tail(c, pc))
            return;
    } else {
        uc_tb tb;
        if (uc_ctl(uc, CTL_REQUEST_CACHE, address, &tb) != UC_ERR_OK || tb.icount == 0) {
            /* Cannot happen for a block being executed; count it as one
             * instruction rather than losing it. */
            tb.icount = 1;
        }
        icount = tb.icount;
    }
    if (c->time + icount > c->deadline) {
        c->crossed = true;
        c->blk_valid = false;
        uc_emu_stop(uc);
        return;
    }
    c->blk_time = c->time;
    c->blk_pc = pc;
    c->blk_size = size;
    c->blk_icount = icount;
    c->blk_valid = true;
    c->last_blk_pc = pc;
    c->time += icount;
    c->stats.blocks++;
    if (c->fetch_steps > 0 && --c->fetch_steps == 0) {
        c->budget_out = true; /* give up: back to whole blocks */
        uc_emu_stop(uc);
    }
    c->stats.insns_by_mode[c->mode] += icount;
    if (c->stepping) {
        c->stats.steps++;
        if (!c->guest_tf) {
            uint8_t buf[4];
            c->fix_pushf = decode_is_pushf(buf, cpu_read_code(c, pc, buf, sizeof buf));
        }
    }
    if (c->stop_requested)
        uc_emu_stop(uc);
}

static void clear_pushed_tf(struct cpu *c)
{
    uint32_t esp, pa;
    uc_reg_read(c->uc, UC_X86_REG_ESP, &esp);
    if (mmu_translate(c->mmu, c->ctx, c->mode, esp, 0, &pa)) {
        uint8_t *p = physmem_ptr(c->pm, pa + 1, 1);
        if (p)
            *p &= (uint8_t)~(EFLAGS_TF >> 8);
    }
}

static void on_interrupt(uc_engine *uc, uint32_t vector, void *user)
{
    struct cpu *c = user;
    if (vector == VECTOR_DEBUG && c->stepping && !c->guest_tf) {
        /* Our own single-step trap: the instruction retired; go on. */
        if (c->fix_pushf)
            clear_pushed_tf(c);
        c->fix_pushf = false;
        return;
    }
    c->trapped = true;
    c->vector = vector;
    uc_emu_stop(uc);
}

static bool on_invalid(uc_engine *uc, void *user)
{
    (void)uc;
    (void)user;
    return true; /* delivered to on_interrupt as vector 6 */
}

/* ---- Registers ---------------------------------------------------------- */

static const int reg_ids[10] = {
    UC_X86_REG_EAX, UC_X86_REG_EBX, UC_X86_REG_ECX, UC_X86_REG_EDX, UC_X86_REG_ESI,
    UC_X86_REG_EDI, UC_X86_REG_EBP, UC_X86_REG_ESP, UC_X86_REG_EIP, UC_X86_REG_EFLAGS,
};

static void raw_get(struct cpu *c, struct cpu_regs *r)
{
    uint32_t v[10];
    void *p[10];
    for (int i = 0; i < 10; i++)
        p[i] = &v[i];
    uc_reg_read_batch(c->uc, (int *)reg_ids, p, 10);
    *r = (struct cpu_regs){v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]};
}

static void raw_set(struct cpu *c, const struct cpu_regs *r)
{
    uint32_t v[10] = {r->eax, r->ebx, r->ecx, r->edx, r->esi,
                      r->edi, r->ebp, r->esp, r->eip, r->eflags};
    void *p[10];
    for (int i = 0; i < 10; i++)
        p[i] = &v[i];
    uc_reg_write_batch(c->uc, (int *)reg_ids, p, 10);
}

void cpu_get_regs(struct cpu *c, struct cpu_regs *r)
{
    raw_get(c, r);
    if (c->stepping && !c->guest_tf)
        r->eflags &= ~EFLAGS_TF;
}

void cpu_set_regs(struct cpu *c, const struct cpu_regs *r)
{
    struct cpu_regs w = *r;
    c->guest_tf = (w.eflags & EFLAGS_TF) != 0;
    if (c->stepping)
        w.eflags |= EFLAGS_TF;
    raw_set(c, &w);
    c->blk_valid = false;
}

static void set_stepping(struct cpu *c, bool on)
{
    if (c->stepping == on)
        return;
    c->stepping = on;
    uint32_t fl;
    uc_reg_read(c->uc, UC_X86_REG_EFLAGS, &fl);
    if (on || c->guest_tf)
        fl |= EFLAGS_TF;
    else
        fl &= ~EFLAGS_TF;
    uc_reg_write(c->uc, UC_X86_REG_EFLAGS, &fl);
}

/* ---- Creation ------------------------------------------------------------ */

static int power_on(struct cpu *c, char *err, unsigned errlen)
{
    uint32_t base = physmem_hidden_page(c->pm);
    uint8_t *page = c->pm->bytes + base;
    memset(page, 0, 4096);
    memcpy(page, power_on_stub, sizeof power_on_stub);
    uint32_t esp = base + 4096, landing = base + STUB_LANDING;
    memcpy(page + STUB_ESP_IMM + 1, &esp, 4);
    memcpy(page + STUB_EIP_IMM + 1, &landing, 4);
    memcpy(page + STUB_GDT, power_on_gdt, sizeof power_on_gdt);
    uc_x86_mmr gdtr = {.base = base + STUB_GDT, .limit = sizeof power_on_gdt - 1};
    uc_reg_write(c->uc, UC_X86_REG_GDTR, &gdtr);
    uc_reg_write(c->uc, UC_X86_REG_ESP, &esp);

    c->powering_on = true;
    uc_err e = uc_emu_start(c->uc, base, landing, 0, 0);
    c->powering_on = false;
    uint32_t cs = 0, eip = 0;
    uc_reg_read(c->uc, UC_X86_REG_CS, &cs);
    uc_reg_read(c->uc, UC_X86_REG_EIP, &eip);
    if (e != UC_ERR_OK || (cs & 0xffff) != 0x0b || eip != landing) {
        snprintf(err, errlen, "cpu: could not enter x86 ring 3 (%s, cs=%#x, eip=%#x)",
                 uc_strerror(e), cs & 0xffff, eip);
        return -1;
    }
    /* No descriptor table any more: every segment load is now a #GP. */
    gdtr = (uc_x86_mmr){0};
    uc_reg_write(c->uc, UC_X86_REG_GDTR, &gdtr);
    /* rdtsc/rdpmc and sgdt/sidt/smsw-style reads fault in ring 3 too: the
     * guest must not observe host time or hidden state. */
    uint64_t cr4 = (1u << 2) /* TSD */ | (1u << 11) /* UMIP */;
    uc_reg_write(c->uc, UC_X86_REG_CR4, &cr4);
    memset(page, 0, 4096);
    uc_ctl_flush_tb(c->uc);
    uc_ctl_flush_tlb(c->uc);
    struct cpu_regs zero = {.eflags = 0x2};
    raw_set(c, &zero);
    return 0;
}

struct cpu *cpu_create(struct mmu *mmu, struct physmem *pm, char *err, unsigned errlen)
{
    struct cpu *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "cpu: out of host memory");
        return NULL;
    }
    c->mmu = mmu;
    c->pm = pm;
    c->deadline = UINT64_MAX;
    unsigned major, minor;
    uc_version(&major, &minor);
    if (major < 2 || (major == 2 && minor < 1)) {
        snprintf(err, errlen, "cpu: Unicorn %u.%u is too old; SPACE needs 2.1 or newer", major,
                 minor);
        free(c);
        return NULL;
    }
    uc_err e = uc_open(UC_ARCH_X86, UC_MODE_32, &c->uc);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "cpu: uc_open failed: %s", uc_strerror(e));
        free(c);
        return NULL;
    }
    c->dec = decoder_create();
    if (!c->dec) {
        snprintf(err, errlen, "cpu: Capstone could not be opened for x86-32");
        cpu_destroy(c);
        return NULL;
    }
    if ((e = uc_ctl_tlb_mode(c->uc, UC_TLB_VIRTUAL)) != UC_ERR_OK ||
        (e = uc_mem_map_ptr(c->uc, 0, pm->host_size, UC_PROT_ALL, pm->bytes)) != UC_ERR_OK ||
        (e = uc_hook_add(c->uc, &c->hooks[0], UC_HOOK_TLB_FILL, (void *)on_tlb_fill, c, 1, 0)) !=
            UC_ERR_OK ||
        (e = uc_hook_add(c->uc, &c->hooks[1], UC_HOOK_BLOCK, (void *)on_block, c, 1, 0)) !=
            UC_ERR_OK ||
        (e = uc_hook_add(c->uc, &c->hooks[2], UC_HOOK_INTR, (void *)on_interrupt, c, 1, 0)) !=
            UC_ERR_OK ||
        (e = uc_hook_add(c->uc, &c->hooks[3], UC_HOOK_INSN_INVALID, (void *)on_invalid, c, 1,
                         0)) != UC_ERR_OK) {
        snprintf(err, errlen, "cpu: Unicorn set-up failed: %s", uc_strerror(e));
        cpu_destroy(c);
        return NULL;
    }
    if (power_on(c, err, errlen) != 0) {
        cpu_destroy(c);
        return NULL;
    }
    c->time = 0;
    c->stats = (struct cpu_stats){0};
    return c;
}

void cpu_destroy(struct cpu *c)
{
    if (!c)
        return;
    if (c->uc)
        uc_close(c->uc);
    decoder_destroy(c->dec);
    free(c);
}

uint64_t cpu_time(const struct cpu *c) { return c->time; }
uint32_t cpu_context(const struct cpu *c) { return c->ctx; }
uint32_t cpu_mode(const struct cpu *c) { return c->mode; }
const struct cpu_stats *cpu_stats(const struct cpu *c) { return &c->stats; }

void cpu_set_space(struct cpu *c, uint32_t ctx, uint32_t mode)
{
    if (ctx == c->ctx && mode == c->mode)
        return;
    c->ctx = ctx;
    c->mode = mode;
    uc_ctl_flush_tlb(c->uc);
    c->stats.uc_flushes++;
}

void cpu_mapping_changed(struct cpu *c, uint32_t ctx)
{
    if (ctx != c->ctx)
        return;
    uc_ctl_flush_tlb(c->uc);
    c->stats.uc_flushes++;
}

void cpu_request_stop(struct cpu *c)
{
    c->stop_requested = 1;
}

uint32_t cpu_read_code(struct cpu *c, uint32_t vaddr, uint8_t *buf, uint32_t len)
{
    uint32_t got = 0;
    while (got < len) {
        uint32_t va = vaddr + got, pa;
        uint32_t n = 4096u - (va & 0xfffu);
        if (n > len - got)
            n = len - got;
        if (!mmu_translate(c->mmu, c->ctx, c->mode, va, 0, &pa))
            break;
        const uint8_t *p = physmem_ptr(c->pm, pa, n);
        if (!p)
            break;
        memcpy(buf + got, p, n);
        got += n;
    }
    return got;
}

/* ---- Running -------------------------------------------------------------- */

/* Instructions of the current block before `eip` (which a trap left there). */
static void settle_block(struct cpu *c, uint32_t eip)
{
    if (!c->blk_valid)
        return;
    c->blk_valid = false;
    if (eip == c->blk_pc + c->blk_size)
        return; /* the whole block retired */
    if (eip < c->blk_pc || eip > c->blk_pc + c->blk_size)
        return; /* the trap came from a block that never started */
    uint8_t buf[4096 + 16];
    uint32_t avail = cpu_read_code(c, c->blk_pc, buf, eip - c->blk_pc + 16);
    uint32_t off = 0, n = 0;
    while (off < eip - c->blk_pc) {
        unsigned len = decode_length(c->dec, buf + off, avail - off, c->blk_pc + off);
        if (!len)
            return;
        off += len;
        n++;
    }
    if (off == eip - c->blk_pc && n <= c->blk_icount) {
        c->stats.insns_by_mode[c->mode] -= c->time - (c->blk_time + n);
        c->time = c->blk_time + n;
    }
}

/* A fetch fault raised while translating a block that began on an earlier
 * page is reported at the block's start; the instruction that really
 * faulted is further on. True if eip is the faulting instruction. */
static bool fetch_fault_is_precise(struct cpu *c, uint32_t eip)
{
    if ((eip & PAGE_MASK) == c->fault_page)
        return true;
    uint8_t buf[16];
    uint32_t n = cpu_read_code(c, eip, buf, sizeof buf);
    unsigned len = decode_length(c->dec, buf, n, eip);
    return len == 0 || ((eip + len - 1) & PAGE_MASK) == c->fault_page;
}

static void stop_error(struct cpu_stop *s, const char *what, uc_err e, uint32_t eip)
{
    s->kind = CPU_STOP_ERROR;
    snprintf(s->message, sizeof s->message, "%s at pc %#x: %s", what, eip, uc_strerror(e));
}

void cpu_run(struct cpu *c, uint64_t deadline, struct cpu_stop *s)
{
    memset(s, 0, sizeof *s);
    c->deadline = deadline;
    for (;;) {
        if (c->time >= c->deadline) {
            set_stepping(c, false);
            c->fetch_steps = 0;
            s->kind = CPU_STOP_DEADLINE;
            return;
        }
        if (c->stop_requested) {
            c->stop_requested = 0;
            set_stepping(c, false);
            c->fetch_steps = 0;
            s->kind = CPU_STOP_REQUEST;
            return;
        }
        c->crossed = c->budget_out = c->trapped = c->fault_seen = false;
        c->blk_valid = false;
        uint32_t eip;
        uc_reg_read(c->uc, UC_X86_REG_EIP, &eip);
        uc_err e = uc_emu_start(c->uc, eip, 0, 0, 0);
        uc_reg_read(c->uc, UC_X86_REG_EIP, &eip);

        if (c->trapped) {
            settle_block(c, eip);
            set_stepping(c, false);
            c->fetch_steps = 0;
            s->kind = CPU_STOP_TRAP;
            s->vector = c->vector;
            return;
        }
        if (e == UC_ERR_EXCEPTION && c->fault_seen) {
            if (c->fault_access == MMU_EXEC && !c->stepping && !fetch_fault_is_precise(c, eip)) {
                c->fetch_steps = FETCH_STEP_BUDGET;
                set_stepping(c, true);
                continue;
            }
            settle_block(c, eip);
            set_stepping(c, false);
            c->fetch_steps = 0;
            struct cpu_regs r;
            cpu_get_regs(c, &r);
            s->kind = CPU_STOP_FAULT;
            s->access = c->fault_access;
            s->protection = c->fault_protection;
            s->addr = c->fault_page;
            if (c->fault_access != MMU_EXEC) {
                uint8_t buf[16];
                uint32_t n = cpu_read_code(c, eip, buf, sizeof buf);
                s->addr = decode_fault_address(c->dec, buf, n, &r, c->fault_page);
            } else if ((eip & PAGE_MASK) == c->fault_page) {
                s->addr = eip;
            }
            return;
        }
        if (e != UC_ERR_OK) {
            stop_error(s, "cpu: emulation failed", e, eip);
            return;
        }
        if (c->crossed) {
            /* Stopped before a block that would run past the deadline:
             * single-step up to it (or the fetch-fault search gave up). */
            set_stepping(c, c->time < c->deadline);
            continue;
        }
        if (c->budget_out) {
            set_stepping(c, false);
            continue;
        }
        if (c->stop_requested)
            continue;
        stop_error(s, "cpu: emulation stopped unexpectedly", e, eip);
        return;
    }
}
