/* poweron.c - how the CPU gets into x86 ring 3 at power-on (so that Unicorn
 * itself refuses every x86 system instruction), and the two words of
 * QEMU's exception state that Unicorn has no API for, found by experiment.
 */
#include "cpu_internal.h"

/* Power-on stub in the hidden page: load DPL-3 data segments, then iret to
 * ring 3. After it the GDT limit is set to 0, so any later segment load is
 * a #GP, i.e. an ILLEGAL trap. */
#define STUB_ESP_IMM 22
#define STUB_EIP_IMM 31
#define STUB_LANDING 0x100u
#define FLAT_DATA    0x13 /* the DPL-3 flat data selector */
#define STUB_GDT     0x800u
static const uint8_t power_on_stub[] = {
    0xdb, 0xe3,                /* fninit           */
    0x66, 0xb8, 0x18, 0x00,    /* mov ax, 0x18     */
    0x8e, 0xd0,                /* mov ss, ax       */
    0x66, 0xb8, 0x13, 0x00,    /* mov ax, 0x13     */
    0x8e, 0xd8,                /* mov ds, ax       */
    0x8e, 0xc0,                /* mov es, ax       */
    0x8e, 0xe0,                /* mov fs, ax       */
    0x8e, 0xe8,                /* mov gs, ax       */
    0x6a, 0x13,                /* push 0x13  (ss)  */
    0x68, 0,    0,    0,    0, /* push esp         */
    0x6a, 0x02,                /* push 2 (eflags)  */
    0x6a, 0x0b,                /* push 0x0b  (cs)  */
    0x68, 0,    0,    0,    0, /* push landing     */
    0xcf,                      /* iret             */
};
static const uint64_t power_on_gdt[4] = {
    0, 0x00cffa000000ffffull, /* 0x08: code, DPL 3, flat 32-bit */
    0x00cff2000000ffffull,    /* 0x10: data, DPL 3, flat */
    0x00cf92000000ffffull,    /* 0x18: data, DPL 0, flat (the stub's own stack) */
};

#define CONTEXT_WORD(ctx, off) ((uint8_t *)(ctx) + (off))

void cpu_clear_exception_in_flight(struct cpu *c)
{
    const int32_t none = -1;
    uc_context_save(c->uc, c->scratch);
    memcpy(CONTEXT_WORD(c->scratch, c->in_flight_offset), &none, sizeof none);
    uc_context_restore(c->uc, c->scratch);
}

/* Runs one instruction (in ring 3, at `at`) that raises a vector. */
static void probe(struct cpu *c, uint32_t at, const uint8_t *insn, unsigned len, uc_context *after)
{
    memcpy(c->pm->bytes + at, insn, len);
    c->halt.kind = HALT_NONE;
    uc_emu_start(c->uc, at, 0, 0, 0);
    uc_context_save(c->uc, after);
}

static int32_t word_at(const void *ctx, size_t off)
{
    int32_t w;
    memcpy(&w, (const uint8_t *)ctx + off, sizeof w);
    return w;
}

/* Finds, by experiment, the two context words SPACE needs that Unicorn has
 * no API for: the exception "in flight" (-1, then 13 after a #GP) and the
 * flag telling int n from a fault (0 after #GP, 1 after int $0x40). */
static int find_exception_words(struct cpu *c, uint32_t at, char *err, unsigned errlen)
{
    static const uint8_t cli[] = {0xfa}, int40[] = {0xcd, 0x40};
    size_t size = uc_context_size(c->uc);
    uc_context *before = NULL, *gp = NULL, *sw = NULL, *gp2 = NULL, *sw2 = NULL, *gp3 = NULL;
    int in_flight = 0, is_int = 0;
    if (uc_context_alloc(c->uc, &c->scratch) || uc_context_alloc(c->uc, &before) ||
        uc_context_alloc(c->uc, &gp) || uc_context_alloc(c->uc, &sw) ||
        uc_context_alloc(c->uc, &gp2) || uc_context_alloc(c->uc, &sw2) ||
        uc_context_alloc(c->uc, &gp3)) {
        snprintf(err, errlen, "cpu: out of host memory");
        in_flight = -1;
        goto out;
    }
    uc_context_save(c->uc, before);
    probe(c, at, cli, sizeof cli, gp);
    if (c->halt.kind != HALT_VECTOR || c->halt.vector != X86_VECTOR_GP)
        goto out;
    for (size_t off = 0; off + 4 <= size; off += 4) {
        if (word_at(before, off) == -1 && word_at(gp, off) == X86_VECTOR_GP) {
            c->in_flight_offset = off;
            in_flight++;
        }
    }
    if (in_flight != 1)
        goto out;
    cpu_clear_exception_in_flight(c);
    /* (fresh addresses: Unicorn does not see host writes to translated code) */
    /* Alternating several times: other words of the context (counters,
     * host state) can match one 0-1-0 by chance, not 0-1-0-1-0. */
    probe(c, at + 0x10, int40, sizeof int40, sw);
    probe(c, at + 0x20, cli, sizeof cli, gp2);
    cpu_clear_exception_in_flight(c);
    probe(c, at + 0x30, int40, sizeof int40, sw2);
    probe(c, at + 0x40, cli, sizeof cli, gp3);
    cpu_clear_exception_in_flight(c);
    for (size_t off = 0; off + 4 <= size; off += 4) {
        if (word_at(gp, off) == 0 && word_at(sw, off) == 1 && word_at(gp2, off) == 0 &&
            word_at(sw2, off) == 1 && word_at(gp3, off) == 0) {
            c->is_int_offset = off;
            is_int++;
        }
    }
out:
    if (before)
        uc_context_free(before);
    if (gp)
        uc_context_free(gp);
    if (sw)
        uc_context_free(sw);
    if (gp2)
        uc_context_free(gp2);
    if (sw2)
        uc_context_free(sw2);
    if (gp3)
        uc_context_free(gp3);
    c->halt.kind = HALT_NONE;
    if (in_flight < 0)
        return -1;
    if (in_flight != 1 || is_int != 1) {
        snprintf(err, errlen,
                 "cpu: this Unicorn build does not behave as SPACE expects "
                 "(exception bookkeeping: %d and %d candidates)",
                 in_flight, is_int);
        return -1;
    }
    return 0;
}

/* Did the vector just reported come from an instruction meant to raise it
 * (int n, int3, into) rather than from a fault? */
bool cpu_vector_is_deliberate(struct cpu *c)
{
    uc_context_save(c->uc, c->scratch);
    return word_at(c->scratch, c->is_int_offset) != 0;
}

int cpu_power_on(struct cpu *c, char *err, unsigned errlen)
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
    c->powering_on = true; /* the probe runs in the hidden page too */
    int found = find_exception_words(c, landing, err, errlen);
    c->powering_on = false;
    if (found != 0)
        return -1;
    /* No descriptor table any more: every segment load is now a #GP. */
    gdtr = (uc_x86_mmr){0};
    uc_reg_write(c->uc, UC_X86_REG_GDTR, &gdtr);
    /* rdtsc/rdpmc and sgdt/sidt/smsw-style reads fault in ring 3 too: the
     * guest must not observe host time or hidden state. */
    /* rdtsc faults in ring 3 (the guest must not see host time); SSE stays
     * enabled. (This QEMU does not implement UMIP, so sgdt/sidt/smsw/str/sldt
     * cannot be made to fault; they show only this set-up's values.) */
    uint64_t cr4 = (1u << 2) /* TSD */ | (1u << 9) /* OSFXSR */ | (1u << 10) /* OSXMMEXCPT */;
    uc_reg_write(c->uc, UC_X86_REG_CR4, &cr4);
    uint32_t mxcsr = 0x1f80; /* the architectural reset value */
    uc_reg_write(c->uc, UC_X86_REG_MXCSR, &mxcsr);
    memset(page, 0, 4096);
    uc_ctl_flush_tb(c->uc);
    uc_ctl_flush_tlb(c->uc);
    struct cpu_regs zero = {.eflags = 0x2};
    cpu_set_regs(c, &zero);
    return 0;
}

/* A program may load the null selector into DS, ES, FS or GS (x86 allows
 * it in ring 3 without a descriptor table, and addressing stays flat), but
 * that must not leak into the next CONTEXT or MODE: put the flat selector
 * back, through a descriptor table that exists only for the moment. */
static const int data_segment_ids[4] = {UC_X86_REG_DS, UC_X86_REG_ES, UC_X86_REG_FS, UC_X86_REG_GS};

bool cpu_data_segments_flat(struct cpu *c)
{
    uint32_t sel[4] = {0};
    void *p[4] = {&sel[0], &sel[1], &sel[2], &sel[3]};
    uc_reg_read_batch(c->uc, (int *)data_segment_ids, p, 4);
    return (sel[0] & 0xffff) == FLAT_DATA && (sel[1] & 0xffff) == FLAT_DATA &&
           (sel[2] & 0xffff) == FLAT_DATA && (sel[3] & 0xffff) == FLAT_DATA;
}

void cpu_reset_data_segments(struct cpu *c)
{
    const int *ids = data_segment_ids;
    if (cpu_data_segments_flat(c))
        return;
    uint32_t base = physmem_hidden_page(c->pm);
    memcpy(c->pm->bytes + base + STUB_GDT, power_on_gdt, sizeof power_on_gdt);
    uc_x86_mmr gdtr = {.base = base + STUB_GDT, .limit = sizeof power_on_gdt - 1};
    uc_reg_write(c->uc, UC_X86_REG_GDTR, &gdtr);
    c->powering_on = true;
    for (int i = 0; i < 4; i++) {
        uint16_t flat = FLAT_DATA;
        uc_reg_write(c->uc, ids[i], &flat);
    }
    c->powering_on = false;
    gdtr = (uc_x86_mmr){0};
    uc_reg_write(c->uc, UC_X86_REG_GDTR, &gdtr);
    memset(c->pm->bytes + base, 0, 4096);
    uc_ctl_flush_tlb(c->uc); /* forget the hidden page's translation */
}
