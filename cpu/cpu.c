#include "cpu_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

/* ---- Hooks (run inside uc_emu_start) ----------------------------------- */

static unsigned access_of(uc_mem_type type)
{
    switch (type) {
    case UC_MEM_WRITE: return MMU_WRITE;
    case UC_MEM_FETCH: return MMU_EXEC;
    default: return MMU_READ;
    }
}

/* Refuses a fill: the access stops the engine, precisely, before its
 * instruction retires; cpu_run reports it. */
static bool refuse(struct cpu *c, enum cpu_halt_kind kind, uint32_t va, unsigned access,
                   const struct mmu_decision *d)
{
    c->halt = (struct cpu_halt){.kind = kind, .page = va & PAGE_MASK, .access = access, .mmu = *d};
    return false;
}

/* The guest is about to make a code write: a store into a page holding
 * translated code. Returns the permissions to cache. */
static unsigned code_write(struct cpu *c, uint32_t paddr, unsigned access, unsigned perms)
{
    if (!(perms & MMU_WRITE) || !codecache_is_code(c->code, paddr))
        return perms;
    if (access != MMU_WRITE)
        return perms & ~(unsigned)MMU_WRITE; /* so that the first store comes here */
    /* Unicorn does not reliably notice a store into translated code made
     * through another mapping (a kernel loading a program into a reused
     * frame), so its translations go too, when this run stops (it stops
     * before such code can run: the mapping change that makes it reachable
     * is an operation). Dropping them all costs Unicorn a pass over its
     * whole code buffer: once per instruction stepped, that made stepping
     * crawl, so a stepped run drops only the written page's, before code
     * from it runs again (on_block_slow), and leaves the rest to the next
     * free run. */
    codecache_write(c->code, paddr, 1);
    if (c->engine == ENGINE_THROUGH_STORE && (paddr & PAGE_MASK) != c->store.paddr)
        c->store.flush_pending = true;
    c->flush_translations = true;
    return perms;
}

/* Does a store into physical [paddr, paddr+len) reach into the block
 * that is running? If so, *vpage is the block's virtual page it lands in. */
static bool store_hits_block(struct cpu *c, uint32_t paddr, uint32_t len, uint32_t *vpage)
{
    const struct block_info *b = c->blk;
    if (!b)
        return false;
    uint32_t size = block_size(b), off = 0;
    while (off < size) {
        uint32_t va = b->pc + off, pa;
        uint32_t chunk = 4096u - (va & 0xfffu);
        if (chunk > size - off)
            chunk = size - off;
        if (mmu_translate(c->mmu, c->ctx, c->mode, va, 0, &pa) && (uint64_t)paddr + len > pa &&
            (uint64_t)paddr < (uint64_t)pa + chunk) {
            *vpage = va & PAGE_MASK;
            return true;
        }
        off += chunk;
    }
    return false;
}

/* Unicorn's TLB misses: ask the MMU, then hold back from Unicorn's TLB
 * what must come back here - watched accesses, the first store to a page
 * that is not dirty yet, the first store to code. */
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
    struct mmu_decision d;
    if (mmu_decide(c->mmu, c->ctx, c->mode, va, access, &d) != MMU_PERMITTED)
        return refuse(c, HALT_FAULT, va, access, &d);
    unsigned perms = d.perms;
    if (c->nwatches && c->engine != ENGINE_WATCH_PASS) {
        unsigned watched = cpu_watched_access(c, va & PAGE_MASK);
        if (watched & access)
            return refuse(c, HALT_WATCH, va, access, &d);
        perms &= ~watched; /* so that a watched access comes back here */
    }
    /* A store into the running block's page (the hook is not told where
     * in it): Unicorn would abandon the block after the store and count a
     * new one from the store's instruction, or, through another mapping,
     * not notice and run the old code on. Refused, so after_code_store
     * can look at the instruction. */
    if (access == MMU_WRITE && !cpu_stepping(c) && codecache_is_code(c->code, d.paddr) &&
        store_hits_block(c, d.paddr & PAGE_MASK, 4096, &c->store.vpage)) {
        if (!c->code_store_pass)
            return refuse(c, HALT_CODE_STORE, va, access, &d);
        c->code_store_pass = false;
    }
    c->stats.tlb_fills++;
    perms = mmu_grant(c->mmu, c->ctx, &d, va, access, perms);
    perms = code_write(c, d.paddr, access, perms);
    e->paddr = d.paddr;
    e->perms = (perms & MMU_READ ? UC_PROT_READ : 0) | (perms & MMU_WRITE ? UC_PROT_WRITE : 0) |
               (perms & MMU_EXEC ? UC_PROT_EXEC : 0);
    return true;
}

/* First sight of a block (since guest code last changed): learn its instruction
 * count from Unicorn, look for port I/O instructions (Unicorn runs them as
 * no-ops and cannot stop in the middle of a block, so blocks holding one are
 * single-stepped and the instruction is stopped before it runs), and
 * write-protect its pages so that a store into them is noticed. */
static void learn_block(struct cpu *c, struct block_info *b, uint32_t pc, uint32_t size)
{
    c->code->misses++;
    uc_tb tb;
    uint32_t icount = 0;
    if (uc_ctl(c->uc, CTL_REQUEST_CACHE, (uint64_t)pc, &tb) == UC_ERR_OK && tb.pc == pc)
        icount = tb.icount;
    uint8_t buf[4096 + 16];
    uint32_t n = size < sizeof buf ? size : sizeof buf;
    n = cpu_read_code(c, pc, buf, n);
    uint32_t off = 0, counted = 0;
    uint64_t flags = 0;
    /* Decoding is needed only where the count is not known, or where a
     * byte could be a port I/O opcode (most blocks hold none). */
    if (icount && !decode_may_hold_port_io(buf, n))
        off = n;
    while (off < n) {
        unsigned len = decode_length(c->dec, buf + off, n - off, pc + off);
        if (decode_is_port_io(buf + off, len ? len : n - off))
            flags |= BLOCK_HAS_IO;
        if (!len)
            break;
        off += len;
        counted++;
    }
    if (!icount) /* (cannot happen for a block being executed) */
        icount = counted ? counted : 1;
    /* 64-bit bounds: a block in the last page ends at 2^32, which 32 bits
     * would wrap to 0 (and the page loop would never end). */
    uint64_t end = (uint64_t)pc + size;
    for (unsigned i = 0; i < c->nbreaks; i++)
        if (c->breaks[i] >= pc && c->breaks[i] < end)
            flags |= BLOCK_HAS_BREAK;
    bool fresh = false;
    for (uint64_t va = pc & PAGE_MASK; va < end; va += 4096) {
        uint32_t pa;
        if (mmu_translate(c->mmu, c->ctx, c->mode, (uint32_t)va, 0, &pa))
            fresh |= codecache_mark_code(c->code, pa);
    }
    if (fresh) {
        /* Unicorn may hold writable entries for a page that now has code. */
        uc_ctl_flush_tlb(c->uc);
        c->stats.uc_flushes++;
    }
    *b =
        (struct block_info){.key = BLOCK_KEY(pc, size, c->ctx) | flags, .icount = icount, .pc = pc};
}

/* Stops the engine before the block its hook is looking at (uc_emu_stop
 * in a block hook stops before the block runs, so it is not counted).
 * Returns false: the block does not run now. */
static bool halt_before_block(struct cpu *c, enum cpu_halt_kind kind)
{
    c->halt.kind = kind;
    c->blk = NULL;
    uc_emu_stop(c->uc);
    return false;
}

/* Instructions to the deadline below which a run with a deferred flush
 * steps instead: a flush costs Unicorn a pass over its code buffer, as
 * much as some thousands of steps. */
#define STEP_RATHER_THAN_FLUSH 4096u

/* All of Unicorn's translations go (between runs only: asked for by the
 * trap handler inside the run, when the engine has stopped after it). */
static void flush_translations(struct cpu *c)
{
    if (c->in_hook) {
        c->flush_translations = true;
        c->stop_after_hook = true;
        return;
    }
    uc_ctl_flush_tb(c->uc);
    codecache_clear_stale(c->code);
    c->flush_translations = c->flush_deferred = false;
    c->stats.tb_flushes++;
}

/* Is this block's code (its first page, or the next one it runs into)
 * from a page written since Unicorn translated it? Notes which pages in
 * c->halt for after_stale_code. A block learnt for the first time after
 * a write comes here (the write emptied the code cache), so stale code
 * never runs. */
static bool stale_block(struct cpu *c, uint32_t pc, uint32_t size)
{
    uint32_t pages = 0, pa;
    uint32_t last = pc + (size ? size - 1 : 0);
    if (mmu_translate(c->mmu, c->ctx, c->mode, pc, 0, &pa) && codecache_take_stale(c->code, pa))
        pages |= 1;
    if ((last & PAGE_MASK) != (pc & PAGE_MASK) &&
        mmu_translate(c->mmu, c->ctx, c->mode, last, 0, &pa) && codecache_take_stale(c->code, pa))
        pages |= 2;
    c->halt.page = pc;
    c->halt.stale_pages = pages;
    return pages != 0;
}

/* Block hook work that only single-stepping and I/O blocks need. Returns
 * false if the block must not run now. */
static bool block_slow_path(struct cpu *c, const struct block_info *b, uint32_t pc)
{
    if (b->key & BLOCK_HAS_IO)
        return halt_before_block(c, cpu_stepping(c) ? HALT_IO_INSN : HALT_IO_BLOCK);
    if (c->time + 1 > c->deadline)
        return true; /* the caller stops */
    if (b->key & BLOCK_HAS_BREAK) {
        if (!cpu_stepping(c)) {
            c->halt.block_icount = b->icount;
            return halt_before_block(c, HALT_BREAK_BLOCK);
        }
        if (c->break_skip && pc == c->break_skip_pc)
            c->break_skip = false;
        else
            return halt_before_block(c, HALT_BREAK);
    }
    if (c->step_budget > 0 && --c->step_budget == 0)
        return halt_before_block(c, HALT_BUDGET); /* enough: back to whole blocks */
    c->stats.steps++;
    if (!c->guest_tf) {
        uint8_t buf[4];
        c->fix_pushf = decode_is_pushf(buf, cpu_read_code(c, pc, buf, sizeof buf));
    }
    return true;
}

/* Everything on_block does that is not the common case: first sight of a
 * block, single-stepping, I/O blocks, stopping at the deadline. */
static __attribute__((noinline)) void on_block_slow(struct cpu *c, struct block_info *b,
                                                    uint32_t pc, uint32_t size)
{
    if (cpu_stepping(c))
        b = codecache_step_slot(c->code, b);
    if ((b->key & ~BLOCK_FLAGS) != BLOCK_KEY(pc, size, c->ctx)) {
        if (cpu_stepping(c) && stale_block(c, pc, size)) {
            b->key = 0; /* (learnt again from the new translation) */
            halt_before_block(c, HALT_STALE_CODE);
            return;
        }
        if (!cpu_stepping(c) && c->flush_deferred) {
            /* Close to the deadline, stepping there costs less than
             * dropping every translation (and a single step's run comes
             * here first). */
            b->key = 0;
            halt_before_block(c, c->deadline - c->time <= STEP_RATHER_THAN_FLUSH ? HALT_DEADLINE
                                                                                 : HALT_STALE_CODE);
            return;
        }
        learn_block(c, b, pc, size);
    }
    if ((cpu_stepping(c) || (b->key & BLOCK_FLAGS)) && !block_slow_path(c, b, pc))
        return;
    uint64_t end = c->time + b->icount;
    if (end > c->deadline) {
        halt_before_block(c, HALT_DEADLINE);
        return;
    }
    c->blk = b;
    c->time = end;
}

/* Runs before every translated block: counts its instructions into virtual
 * time, or stops before it if it would run past the deadline. This is the
 * simulator's hottest code; its fast path must stay this short. */
static void on_block(uc_engine *uc, uint64_t address, uint32_t size, void *user)
{
    (void)uc;
    struct cpu *c = user;
    uint32_t pc = (uint32_t)address;
    struct block_info *b = codecache_slot(c->code, c->ctx, pc);
    if (b->key == (BLOCK_KEY(pc, size, 0) | c->key_bits)) {
        uint64_t end = c->time + b->icount;
        if (end <= c->deadline) {
            c->blk = b;
            c->time = end;
            return;
        }
    }
    on_block_slow(c, b, pc, size);
}

static void clear_pushed_tf(struct cpu *c)
{
    uint32_t esp, pa;
    uc_reg_read(c->uc, UC_X86_REG_ESP, &esp);
    if (mmu_translate(c->mmu, c->ctx, c->mode, esp, 0, &pa)) {
        uint8_t *p = physmem_ptr(c->pm, pa + 1, 1);
        if (p)
            *p &= (uint8_t) ~(EFLAGS_TF >> 8);
    }
}

/* Offers an int n to the trap handler inside the engine, where the whole
 * block ending at it retired (so virtual time is exact, and a stop here
 * would find the same state). True: taken, the hook is done. */
static bool trap_in_run(struct cpu *c, uint32_t vector)
{
    const struct block_info *b = c->blk;
    if (!c->trap_fn || vector < 32 || cpu_stepping(c) || !b || c->stop_requested)
        return false;
    uint32_t eip;
    uc_reg_read(c->uc, UC_X86_REG_EIP, &eip);
    if (eip - b->pc != block_size(b) || !cpu_data_segments_flat(c))
        return false;
    c->trap_insn_pc = eip;
    c->trap_insn_pending = true;
    c->trap_blk = *b;
    c->trap_eip = eip;
    c->blk = NULL;
    c->in_hook = true;
    c->stop_after_hook = false;
    enum cpu_trap_outcome o = c->trap_fn(c->trap_arg, vector);
    c->in_hook = false;
    if (o == CPU_TRAP_NOT_HANDLED) {
        c->blk = b;
        c->trap_insn_pending = false;
        return false;
    }
    if (o == CPU_TRAP_STOP || c->stop_after_hook) {
        c->halt = (struct cpu_halt){.kind = HALT_HANDLED};
        uc_emu_stop(c->uc);
    }
    return true;
}

static void on_interrupt(uc_engine *uc, uint32_t vector, void *user)
{
    struct cpu *c = user;
    if (vector == VECTOR_DEBUG && cpu_stepping(c) && !c->guest_tf) {
        /* Our own single-step trap: the instruction retired; go on. */
        if (c->fix_pushf)
            clear_pushed_tf(c);
        c->fix_pushf = false;
        return;
    }
    if (trap_in_run(c, vector))
        return;
    c->halt = (struct cpu_halt){.kind = HALT_VECTOR, .vector = vector};
    uc_emu_stop(uc);
}

/* syscall and sysenter run as no-ops in Unicorn unless hooked; in SPACE
 * they are system instructions like any other. Each ends its translated
 * block, so it is the block's last instruction (eip is not kept up to date
 * for the hook). */
static void on_system_insn(uc_engine *uc, void *user)
{
    struct cpu *c = user;
    c->halt = (struct cpu_halt){.kind = HALT_SYSTEM_INSN, .vector = X86_VECTOR_GP};
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

/* Writing EIP makes Unicorn leave its execution loop (to look up the
 * block there afresh), so an unchanged EIP is not written: an operation
 * taken inside a run changes only other registers. */
static const int reg_ids_eip_last[10] = {
    UC_X86_REG_EAX, UC_X86_REG_EBX, UC_X86_REG_ECX, UC_X86_REG_EDX,    UC_X86_REG_ESI,
    UC_X86_REG_EDI, UC_X86_REG_EBP, UC_X86_REG_ESP, UC_X86_REG_EFLAGS, UC_X86_REG_EIP,
};

static void raw_set(struct cpu *c, const struct cpu_regs *r)
{
    uint32_t v[10] = {r->eax, r->ebx, r->ecx, r->edx,    r->esi,
                      r->edi, r->ebp, r->esp, r->eflags, r->eip};
    void *p[10];
    for (int i = 0; i < 10; i++)
        p[i] = &v[i];
    uint32_t eip;
    uc_reg_read(c->uc, UC_X86_REG_EIP, &eip);
    uc_reg_write_batch(c->uc, (int *)reg_ids_eip_last, p, eip == r->eip ? 9 : 10);
}

void cpu_get_regs(struct cpu *c, struct cpu_regs *r)
{
    raw_get(c, r);
    if (cpu_stepping(c) && !c->guest_tf)
        r->eflags &= ~EFLAGS_TF;
}

void cpu_set_regs(struct cpu *c, const struct cpu_regs *r)
{
    struct cpu_regs w = *r;
    c->guest_tf = (w.eflags & EFLAGS_TF) != 0;
    if (cpu_stepping(c))
        w.eflags |= EFLAGS_TF;
    raw_set(c, &w);
    c->blk = NULL;
}

void cpu_update_regs(struct cpu *c, const struct cpu_regs *before, const struct cpu_regs *after)
{
    if (before->eflags != after->eflags || before->eip != after->eip) {
        cpu_set_regs(c, after);
        return;
    }
    const uint32_t b[8] = {before->eax, before->ebx, before->ecx, before->edx,
                           before->esi, before->edi, before->ebp, before->esp};
    uint32_t a[8] = {after->eax, after->ebx, after->ecx, after->edx,
                     after->esi, after->edi, after->ebp, after->esp};
    int ids[8];
    void *p[8];
    int n = 0;
    for (int i = 0; i < 8; i++) /* in reg_ids order */
        if (a[i] != b[i]) {
            ids[n] = reg_ids[i];
            p[n++] = &a[i];
        }
    if (n)
        uc_reg_write_batch(c->uc, ids, p, n);
    c->blk = NULL;
}

static void end_code_store(struct cpu *c);

/* What the engine does from now on (see "Running" below): single-stepping
 * sets EFLAGS.TF and block keys that force the block hook's slow path;
 * leaving ENGINE_WATCH_PASS protects watched pages again. */
static void engine_enter(struct cpu *c, enum cpu_engine e, int budget)
{
    if (c->engine == ENGINE_WATCH_PASS && e != ENGINE_WATCH_PASS)
        uc_ctl_flush_tlb(c->uc);
    if (c->engine == ENGINE_THROUGH_STORE && e != ENGINE_THROUGH_STORE)
        end_code_store(c);
    bool was = cpu_stepping(c), on = e != ENGINE_FREE;
    c->engine = e;
    c->step_budget = budget;
    if (was == on)
        return;
    c->key_bits = BLOCK_KEY(0, 0, c->ctx) | (on ? BLOCK_NEVER : 0);
    uint32_t fl;
    uc_reg_read(c->uc, UC_X86_REG_EFLAGS, &fl);
    if (on || c->guest_tf)
        fl |= EFLAGS_TF;
    else
        fl &= ~EFLAGS_TF;
    uc_reg_write(c->uc, UC_X86_REG_EFLAGS, &fl);
}

/* ---- Creation ------------------------------------------------------------ */

static struct cpu *create(struct mmu *mmu, struct physmem *pm, struct cpu *sibling,
                          uint32_t tcg_bytes, char *err, unsigned errlen)
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
    c->tcg_bytes = tcg_bytes ? tcg_bytes : CPU_TCG_BUFFER;
    if ((e = uc_ctl_set_tcg_buffer_size(c->uc, c->tcg_bytes)) != UC_ERR_OK) {
        snprintf(err, errlen, "cpu: Unicorn refused a %u MiB translation buffer: %s",
                 c->tcg_bytes >> 20, uc_strerror(e));
        uc_close(c->uc);
        free(c);
        return NULL;
    }
    c->dec = decoder_create();
    c->code = codecache_create(pm->host_size / 4096, sibling ? sibling->code : NULL);
    if (!c->dec || !c->code) {
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
        (e = uc_hook_add(c->uc, &c->hooks[3], UC_HOOK_INSN_INVALID, (void *)on_invalid, c, 1, 0)) !=
            UC_ERR_OK ||
        (e = uc_hook_add(c->uc, &c->hooks[4], UC_HOOK_INSN, (void *)on_system_insn, c, 1, 0,
                         UC_X86_INS_SYSCALL)) != UC_ERR_OK ||
        (e = uc_hook_add(c->uc, &c->hooks[5], UC_HOOK_INSN, (void *)on_system_insn, c, 1, 0,
                         UC_X86_INS_SYSENTER)) != UC_ERR_OK) {
        snprintf(err, errlen, "cpu: Unicorn set-up failed: %s", uc_strerror(e));
        cpu_destroy(c);
        return NULL;
    }
    if (cpu_power_on(c, err, errlen) != 0) {
        cpu_destroy(c);
        return NULL;
    }
    c->time = 0;
    c->stats = (struct cpu_stats){0};
    return c;
}

struct cpu *cpu_create(struct mmu *mmu, struct physmem *pm, uint32_t tcg_bytes, char *err,
                       unsigned errlen)
{
    return create(mmu, pm, NULL, tcg_bytes, err, errlen);
}

struct cpu *cpu_create_sibling(struct cpu *first, char *err, unsigned errlen)
{
    return create(first->mmu, first->pm, first, first->tcg_bytes, err, errlen);
}

void cpu_destroy(struct cpu *c)
{
    if (!c)
        return;
    if (c->scratch)
        uc_context_free(c->scratch);
    if (c->uc)
        uc_close(c->uc);
    decoder_destroy(c->dec);
    codecache_destroy(c->code);
    free(c->breaks);
    free(c->watches);
    free(c);
}

void cpu_set_trap_handler(struct cpu *c, cpu_trap_fn fn, void *arg)
{
    c->trap_fn = fn;
    c->trap_arg = arg;
}

uint64_t cpu_time(const struct cpu *c)
{
    return c->time;
}
uint64_t cpu_busy_time(const struct cpu *c)
{
    return c->time - c->stats.idle;
}
uint32_t cpu_context(const struct cpu *c)
{
    return c->ctx;
}
uint32_t cpu_mode(const struct cpu *c)
{
    return c->mode;
}
/* Instructions retired since the last CONTEXT or MODE change go to the
 * current ones. */
static void account_space(struct cpu *c)
{
    uint64_t n = c->time - c->mode_since;
    c->stats.insns_by_mode[c->mode] += n;
    c->stats.insns_by_space[c->ctx][c->mode] += n;
    c->mode_since = c->time;
}

const struct cpu_stats *cpu_stats(struct cpu *c)
{
    account_space(c);
    c->stats.blocks_learned = c->code->misses;
    c->stats.code_invalidations = c->code->invalidations;
    return &c->stats;
}

void cpu_set_space(struct cpu *c, uint32_t ctx, uint32_t mode)
{
    cpu_reset_data_segments(c);
    if (ctx == c->ctx && mode == c->mode)
        return;
    account_space(c);
    c->ctx = ctx;
    c->mode = mode;
    c->key_bits = BLOCK_KEY(0, 0, ctx) | (cpu_stepping(c) ? BLOCK_NEVER : 0);
    uc_ctl_flush_tlb(c->uc);
    c->stats.uc_flushes++;
}

void cpu_mapping_changed(struct cpu *c, uint32_t ctx, uint32_t old_modeaccess)
{
    /* Code fetched through the old mapping may not be what the new one
     * shows at the same address. */
    if (old_modeaccess & EXEC_IN_ANY_MODE) {
        codecache_invalidate(c->code);
        flush_translations(c); /* (called between runs, never inside one) */
    }
    if (ctx != c->ctx)
        return;
    uc_ctl_flush_tlb(c->uc);
    c->stats.uc_flushes++;
}

void cpu_access_bits_cleared(struct cpu *c, uint32_t ctx)
{
    /* Unicorn's TLB holds only the running CONTEXT's pages; an entry there
     * would let the next access through without the fill hook seeing it.
     * (Flushing it also empties Unicorn's jump cache, and Unicorn never
     * chains straight into a block that spans two pages, so an instruction
     * fetch is seen again too.) */
    if (ctx != c->ctx)
        return;
    uc_ctl_flush_tlb(c->uc);
    c->stats.uc_flushes++;
}

void cpu_host_wrote(struct cpu *c, uint32_t paddr, uint32_t len)
{
    physmem_note_write(c->pm, paddr, len);
    /* Unicorn does not see host writes: drop what it translated. */
    if (codecache_write(c->code, paddr, len))
        flush_translations(c);
}

bool cpu_mmio_decode(struct cpu *c, uint32_t paddr, struct cpu_mmio *io)
{
    struct cpu_regs r;
    cpu_get_regs(c, &r);
    uint8_t buf[16];
    uint32_t n = cpu_read_code(c, r.eip, buf, sizeof buf);
    struct decoded_mov mov;
    /* The whole access must be one aligned register (an access straddling
     * into the page from below is refused, not trimmed to the page). */
    if (!decode_mov32(c->dec, buf, n, &r, &mov) || (mov.ea & 3) ||
        (mov.ea & 0xfffu) != (paddr & 0xfffu))
        return false;
    *io =
        (struct cpu_mmio){.paddr = paddr, .write = mov.store, .reg = mov.reg, .length = mov.length};
    if (mov.store)
        io->value = mov.reg < 0 ? mov.imm : decode_reg_value(&r, mov.reg);
    return true;
}

void cpu_mmio_retire(struct cpu *c, const struct cpu_mmio *io)
{
    uint32_t eip;
    uc_reg_read(c->uc, UC_X86_REG_EIP, &eip);
    eip += io->length;
    uc_reg_write(c->uc, UC_X86_REG_EIP, &eip);
    c->blk = NULL;
    c->time++;
    c->stats.mmio++;
}

void cpu_mmio_result(struct cpu *c, const struct cpu_mmio *io, uint32_t value)
{
    struct cpu_regs r;
    cpu_get_regs(c, &r);
    decode_set_reg(&r, io->reg, value);
    cpu_set_regs(c, &r);
}

void cpu_idle_until(struct cpu *c, uint64_t until)
{
    if (until <= c->time)
        return;
    c->stats.idle += until - c->time;
    c->mode_since += until - c->time; /* waiting is no CONTEXT's or MODE's instructions */
    c->time = until;
}

void cpu_request_stop(struct cpu *c)
{
    /* The block hook then stops before the next block; cpu_run sees why. */
    c->stop_requested = 1;
    c->deadline = 0;
}

uint32_t cpu_read_code(struct cpu *c, uint32_t vaddr, uint8_t *buf, uint32_t len)
{
    return mmu_read(c->mmu, c->ctx, vaddr, buf, len);
}

/* ---- Running -------------------------------------------------------------- */

/* Virtual time, in every state of the engine.
 *
 * Virtual time is guest instructions retired, nothing else: host time
 * never enters it. It advances only inside uc_emu_start, in the block
 * hook, by a whole translated block's instruction count before the block
 * runs; and outside, by one for a device register access the simulator
 * carries out (cpu_mmio_retire), and by a jump for the time a waiting CPU
 * sleeps (cpu_idle_until: counted as idle, in no CONTEXT or MODE). It
 * stands still between runs, whatever the simulator does there (traps,
 * operations, devices, debuggers).
 *
 * - ENGINE_FREE: whole blocks. The block hook counts a block if it ends by
 *   the deadline; otherwise it stops the engine before it (HALT_DEADLINE)
 *   and the run goes on in ENGINE_TO_DEADLINE.
 * - Every other state single-steps (EFLAGS.TF: each block is one
 *   instruction), so time advances by one per block hook:
 *   ENGINE_TO_DEADLINE up to the deadline exactly; ENGINE_TO_IO up to a
 *   port I/O instruction, which is reported, not run; ENGINE_THROUGH_BREAK
 *   through a block holding a breakpoint, stopping before the breakpoint's
 *   instruction; ENGINE_FIND_FAULT until an instruction fetch faults where
 *   it really is; ENGINE_WATCH_PASS for the one instruction a watchpoint
 *   let through; ENGINE_THROUGH_STORE for an instruction that stores into
 *   its own block. The last four carry a budget: when it is spent, the
 *   engine goes back to whole blocks.
 * - A trap or a fault cuts a block short: the hook counted it whole, so
 *   settle_block takes back the instructions that did not retire. A fault
 *   is reported before its instruction retires, a trap raised by int n
 *   after it.
 * - A store into the running block's page is refused by the fill hook
 *   (HALT_CODE_STORE), settled like a fault; if it lands in the block, it
 *   is stepped (ENGINE_THROUGH_STORE), so that the next instruction is the
 *   one it wrote, translated afresh; otherwise it runs free on.
 *
 * Who stops a run: the deadline (the caller's: the next event, the
 * machine's alarm or limit, a debugger's step), a trap or fault, a
 * breakpoint or watchpoint, port I/O, and cpu_request_stop (Ctrl-C, from a
 * signal handler: it zeroes the deadline, so the block hook stops before
 * the next block). Each stop happens at an instruction boundary that is
 * the same however the run was cut up, so a run stopped anywhere is
 * indistinguishable from one that was not. */

/* Instructions of the current block before `eip` (which a trap left there). */
static void settle_block(struct cpu *c, uint32_t eip)
{
    const struct block_info *b = c->blk;
    if (!b)
        return;
    c->blk = NULL;
    /* Offsets from the block's start, modulo 2^32: a block in the last page
     * ends at 2^32, where the pc wraps to 0. */
    uint32_t rel = eip - b->pc;
    if (rel == block_size(b))
        return; /* the whole block retired */
    if (rel > block_size(b))
        return; /* the trap came from a block that never started */
    uint8_t buf[4096 + 16];
    uint32_t avail = cpu_read_code(c, b->pc, buf, rel + 16);
    uint32_t off = 0, n = 0;
    while (off < rel) {
        unsigned len = decode_length(c->dec, buf + off, avail - off, b->pc + off);
        if (!len)
            return;
        off += len;
        n++;
    }
    if (off == rel && n <= b->icount)
        c->time = c->time - b->icount + n;
}

/* Start of the instruction that ends at `eip` in block b (an int n
 * always ends its block); eip - 2 (the length of "int n") if the block
 * does not lead there. */
static uint32_t insn_before_in(struct cpu *c, const struct block_info *b, uint32_t eip)
{
    uint32_t rel = b ? eip - b->pc : 0; /* modulo 2^32, as in settle_block */
    if (b && rel && rel <= block_size(b)) {
        uint8_t buf[4096 + 16];
        uint32_t avail = cpu_read_code(c, b->pc, buf, rel);
        uint32_t off = 0;
        while (off < avail) {
            unsigned len = decode_length(c->dec, buf + off, avail - off, b->pc + off);
            if (!len)
                break;
            if (off + len == rel)
                return b->pc + off;
            off += len;
        }
    }
    return eip - 2;
}

static uint32_t insn_before(struct cpu *c, uint32_t eip)
{
    return insn_before_in(c, c->blk, eip);
}

/* The pending trap instruction, found now (between runs, before its code
 * can change). */
static void resolve_trap_insn(struct cpu *c)
{
    if (!c->trap_insn_pending)
        return;
    c->trap_insn_pending = false;
    c->trap_insn_pc = insn_before_in(c, c->trap_blk.key ? &c->trap_blk : NULL, c->trap_eip);
}

uint32_t cpu_trap_insn_pc(struct cpu *c)
{
    resolve_trap_insn(c);
    return c->trap_insn_pc;
}

/* A fetch fault raised while translating a block that began on an earlier
 * page is reported at the block's start; the instruction that really
 * faulted is further on. True if eip is the faulting instruction. */
static bool fetch_fault_is_precise(struct cpu *c, uint32_t eip)
{
    if ((eip & PAGE_MASK) == c->halt.page)
        return true;
    uint8_t buf[16];
    uint32_t n = cpu_read_code(c, eip, buf, sizeof buf);
    unsigned len = decode_length(c->dec, buf, n, eip);
    return len == 0 || ((eip + len - 1) & PAGE_MASK) == c->halt.page;
}

static void stop_error(struct cpu_stop *s, const char *what, uc_err e, uint32_t eip)
{
    s->kind = CPU_STOP_ERROR;
    snprintf(s->message, sizeof s->message, "%s at pc %#x: %s", what, eip, uc_strerror(e));
}

/* What cpu_run does after the engine stopped: each returns true when the
 * run is over (s says why), false to start the engine again. */

/* An x86 vector, or syscall/sysenter. */
static bool after_vector(struct cpu *c, uint32_t eip, struct cpu_stop *s)
{
    s->kind = CPU_STOP_TRAP;
    s->vector = c->halt.vector;
    if (c->halt.kind == HALT_SYSTEM_INSN) {
        /* Reported as the #GP it is in ring 3, at the instruction, which
         * has not retired. */
        eip = c->blk ? insn_before(c, c->blk->pc + block_size(c->blk)) : eip;
        uc_reg_write(c->uc, UC_X86_REG_EIP, &eip);
    } else if (c->halt.vector < 32) {
        s->deliberate = cpu_vector_is_deliberate(c);
        if (c->halt.vector == 0 || c->halt.vector == 8 || c->halt.vector == X86_VECTOR_GP)
            cpu_clear_exception_in_flight(c);
    } else {
        s->deliberate = true;
    }
    c->trap_insn_pc = eip;
    c->trap_insn_pending = s->deliberate;
    if (s->deliberate) {
        c->trap_blk = c->blk ? *c->blk : (struct block_info){0};
        c->trap_eip = eip;
    }
    settle_block(c, eip);
    engine_enter(c, ENGINE_FREE, 0);
    return true;
}

/* The fill hook refused an access only because a watchpoint covers its
 * page: stop if the instruction touches a watched range, else let it
 * through. */
static bool after_watch_fault(struct cpu *c, uint32_t eip, struct cpu_stop *s)
{
    struct cpu_regs r;
    cpu_get_regs(c, &r);
    uint8_t buf[16];
    uint32_t n = cpu_read_code(c, eip, buf, sizeof buf), size = 4;
    uint32_t at =
        decode_fault_address(c->dec, buf, n, &r, c->halt.page, c->halt.access == MMU_WRITE, &size);
    const struct cpu_watch *w = cpu_watch_hit(c, at, size, c->halt.access);
    settle_block(c, eip);
    if (!w) {
        engine_enter(c, ENGINE_WATCH_PASS, 2);
        return false;
    }
    engine_enter(c, ENGINE_FREE, 0);
    s->kind = CPU_STOP_WATCH;
    s->addr = at;
    s->access = c->halt.access;
    s->watch = (unsigned)(w - c->watches);
    return true;
}

/* A memory fault, or a device register access, at its precise instruction. */
static bool after_fault(struct cpu *c, uint32_t eip, struct cpu_stop *s)
{
    const struct cpu_halt *h = &c->halt;
    if (h->access == MMU_EXEC && !cpu_stepping(c) && !fetch_fault_is_precise(c, eip)) {
        engine_enter(c, ENGINE_FIND_FAULT, FETCH_STEP_BUDGET);
        return false;
    }
    settle_block(c, eip);
    engine_enter(c, ENGINE_FREE, 0);
    s->kind = CPU_STOP_FAULT;
    s->access = h->access;
    s->protection = h->mmu.outcome == MMU_PROTECTION;
    s->device = h->mmu.outcome == MMU_DEVICE;
    s->addr = h->page;
    if (h->access != MMU_EXEC) {
        struct cpu_regs r;
        cpu_get_regs(c, &r);
        uint8_t buf[16];
        uint32_t n = cpu_read_code(c, eip, buf, sizeof buf), size;
        s->addr = decode_fault_address(c->dec, buf, n, &r, h->page, h->access == MMU_WRITE, &size);
    } else if ((eip & PAGE_MASK) == h->page) {
        s->addr = eip;
    }
    s->paddr = h->mmu.paddr | (s->addr & 0xfffu);
    return true;
}

/* Before a block that would run past the deadline: step up to it (when
 * already stepping, the deadline is here). */
static bool after_deadline(struct cpu *c, uint32_t eip, struct cpu_stop *s)
{
    (void)eip, (void)s;
    engine_enter(c, c->time < c->deadline ? ENGINE_TO_DEADLINE : ENGINE_FREE, 0);
    return false;
}

/* Before a port I/O instruction: ILLEGAL, as in ring 3. */
static bool after_io_insn(struct cpu *c, uint32_t eip, struct cpu_stop *s)
{
    engine_enter(c, ENGINE_FREE, 0);
    c->trap_insn_pc = eip;
    c->trap_insn_pending = false;
    s->kind = CPU_STOP_TRAP;
    s->vector = X86_VECTOR_GP;
    return true;
}

static bool after_io_block(struct cpu *c, uint32_t eip, struct cpu_stop *s)
{
    (void)eip, (void)s;
    engine_enter(c, ENGINE_TO_IO, 0);
    return false;
}

/* Its instructions, then back to whole blocks. */
static bool after_break_block(struct cpu *c, uint32_t eip, struct cpu_stop *s)
{
    (void)eip, (void)s;
    engine_enter(c, ENGINE_THROUGH_BREAK, (int)c->halt.block_icount + 1);
    return false;
}

/* Drops what is stale, then runs on from the same pc: running free after
 * a flush stepping deferred, all translations; stepping, those of the
 * stale pages (through the block's virtual addresses, which Unicorn just
 * fetched from; it finds every translation of the physical page, whatever
 * mapping made it). */
static bool after_stale_code(struct cpu *c, uint32_t eip, struct cpu_stop *s)
{
    (void)eip, (void)s;
    if (!c->halt.stale_pages) { /* (running free) */
        flush_translations(c);
        return false;
    }
    uint32_t pc = c->halt.page;
    for (unsigned i = 0; i < 2; i++) {
        if (!(c->halt.stale_pages & (1u << i)))
            continue;
        uint64_t page = (pc & PAGE_MASK) + i * 4096ull;
        if (page <= 0xfffff000ull)
            uc_ctl_remove_cache(c->uc, page, page + 4096);
    }
    c->stats.stale_page_drops++;
    return false;
}

/* A store, not retired yet, into the running block's page. Into the block
 * itself: stepped, so that what it wrote is translated afresh before it
 * runs (on_block_slow's stale pages), as x86 does it. Elsewhere in the
 * page: let through, running free on. */
static bool after_code_store(struct cpu *c, uint32_t eip, struct cpu_stop *s)
{
    (void)s;
    struct cpu_regs r;
    cpu_get_regs(c, &r);
    uint8_t buf[16];
    uint32_t n = cpu_read_code(c, eip, buf, sizeof buf), size = 4, pa;
    uint32_t at = decode_fault_address(c->dec, buf, n, &r, c->halt.page, true, &size);
    bool hits = at == c->halt.page || !mmu_translate(c->mmu, c->ctx, c->mode, at, 0, &pa) ||
                store_hits_block(c, pa, size, &c->store.vpage);
    settle_block(c, eip);
    if (!hits) {
        c->code_store_pass = true;
        return false;
    }
    c->store.paddr = c->halt.mmu.paddr & PAGE_MASK;
    c->store.flush_pending = c->flush_translations;
    engine_enter(c, ENGINE_THROUGH_STORE, 2);
    return false;
}

/* The stepped store is done: its page's translations go, and unless some
 * other code write asks for it, not all of Unicorn's (a loop rewriting
 * its own code would flush them every time round). */
static void end_code_store(struct cpu *c)
{
    if (codecache_take_stale(c->code, c->store.paddr)) {
        uc_ctl_remove_cache(c->uc, c->store.vpage, (uint64_t)c->store.vpage + 4096);
        c->stats.stale_page_drops++;
    }
    if (!c->store.flush_pending)
        c->flush_translations = c->flush_deferred = false;
}

static bool after_break(struct cpu *c, uint32_t eip, struct cpu_stop *s)
{
    (void)eip;
    engine_enter(c, ENGINE_FREE, 0);
    c->break_skip = false;
    s->kind = CPU_STOP_BREAK;
    return true;
}

static bool after_budget(struct cpu *c, uint32_t eip, struct cpu_stop *s)
{
    (void)eip, (void)s;
    engine_enter(c, ENGINE_FREE, 0);
    return false;
}

/* The trap handler took a trap inside the run and ended it there. */
static bool after_handled(struct cpu *c, uint32_t eip, struct cpu_stop *s)
{
    (void)c, (void)eip;
    s->kind = CPU_STOP_HANDLED;
    return true;
}

/* No hook stopped the engine: a stop request (cpu_run looks at it), or
 * something unforeseen. */
static bool after_nothing(struct cpu *c, uint32_t eip, struct cpu_stop *s)
{
    if (c->stop_requested)
        return false;
    stop_error(s, "cpu: emulation stopped unexpectedly", UC_ERR_OK, eip);
    return true;
}

static bool (*const after_halt[])(struct cpu *c, uint32_t eip, struct cpu_stop *s) = {
    [HALT_NONE] = after_nothing,          [HALT_DEADLINE] = after_deadline,
    [HALT_BUDGET] = after_budget,         [HALT_IO_BLOCK] = after_io_block,
    [HALT_IO_INSN] = after_io_insn,       [HALT_BREAK_BLOCK] = after_break_block,
    [HALT_BREAK] = after_break,           [HALT_VECTOR] = after_vector,
    [HALT_SYSTEM_INSN] = after_vector,    [HALT_FAULT] = after_fault,
    [HALT_WATCH] = after_watch_fault,     [HALT_STALE_CODE] = after_stale_code,
    [HALT_CODE_STORE] = after_code_store, [HALT_HANDLED] = after_handled,
};

/* Runs the engine once from the pc, in the current engine state, and acts
 * on what stopped it. True: the run is over. */
static bool run_engine(struct cpu *c, struct cpu_stop *s)
{
    c->halt = (struct cpu_halt){.kind = HALT_NONE};
    c->blk = NULL;
    uint32_t eip;
    uc_reg_read(c->uc, UC_X86_REG_EIP, &eip);
    uc_err e = uc_emu_start(c->uc, eip, 0, 0, 0);
    c->code_store_pass = false; /* (a pass is for one engine start) */
    uc_reg_read(c->uc, UC_X86_REG_EIP, &eip);
    if (c->flush_translations && !c->flush_deferred) {
        if (cpu_stepping(c))
            c->flush_deferred = true;
        else
            flush_translations(c);
    }
    enum cpu_halt_kind k = c->halt.kind;
    bool refused = k == HALT_FAULT || k == HALT_WATCH || k == HALT_CODE_STORE;
    if (refused && e != UC_ERR_EXCEPTION) {
        k = HALT_NONE; /* (a refused fill the engine did not act on) */
        refused = false;
    }
    if (e != UC_ERR_OK && k != HALT_VECTOR && k != HALT_SYSTEM_INSN && !refused) {
        stop_error(s, "cpu: emulation failed", e, eip);
        return true;
    }
    return after_halt[k](c, eip, s);
}

/* Another CPU on the same memory wrote code this one may have translated,
 * or made a page code that this one may hold writable: act on it now, as
 * this CPU starts (only one CPU runs at a time). */
static void catch_up(struct cpu *c)
{
    const struct code_pages *sh = c->code->shared;
    if (c->code->code_seen != sh->code_epoch) {
        c->code->code_seen = sh->code_epoch;
        codecache_invalidate(c->code);
        flush_translations(c);
    }
    if (c->code->tlb_seen != sh->tlb_epoch) {
        c->code->tlb_seen = sh->tlb_epoch;
        uc_ctl_flush_tlb(c->uc);
        c->stats.uc_flushes++;
    }
}

/* Engine starts in a row that retire nothing before the run gives up: a
 * restart that does not move on (a refetch after a flush, a watchpoint
 * passed) happens a few times at most, so this many is a simulator bug,
 * and the machine stops rather than spin past --max-insns and Ctrl-C. */
#define CPU_MAX_IDLE_STARTS (1u << 20)

void cpu_run(struct cpu *c, uint64_t deadline, struct cpu_stop *s)
{
    memset(s, 0, sizeof *s);
    c->trap_insn_pending = false; /* (the last trap's instruction is not asked for any more) */
    catch_up(c);
    uint64_t last = c->time;
    uint32_t idle = 0;
    for (;;) {
        if (c->time != last) {
            last = c->time;
            idle = 0;
        } else if (++idle >= CPU_MAX_IDLE_STARTS) {
            engine_enter(c, ENGINE_FREE, 0);
            s->kind = CPU_STOP_ERROR;
            snprintf(s->message, sizeof s->message,
                     "cpu: no progress: the engine started %u times at virtual time %llu without "
                     "retiring an instruction (a simulator bug: please report it)",
                     idle, (unsigned long long)c->time);
            return;
        }
        /* (cpu_request_stop zeroes the deadline: re-arm it, then look.) */
        c->deadline = deadline;
        if (c->stop_requested) {
            c->stop_requested = 0;
            engine_enter(c, ENGINE_FREE, 0);
            s->kind = CPU_STOP_REQUEST;
            return;
        }
        if (c->time >= deadline) {
            engine_enter(c, ENGINE_FREE, 0);
            s->kind = CPU_STOP_DEADLINE;
            return;
        }
        if (c->watch_skip) { /* resuming at an instruction a watchpoint stopped */
            c->watch_skip = false;
            engine_enter(c, ENGINE_WATCH_PASS, 2);
        }
        if (run_engine(c, s))
            return;
    }
}

/* ---- Disassembly (for debuggers) ------------------------------------------ */

unsigned cpu_disassemble(struct cpu *c, const uint8_t *buf, unsigned len, uint32_t addr, char *out,
                         unsigned outlen)
{
    return decode_text(c->dec, buf, len, addr, out, outlen);
}

void cpu_engine_versions(char *out, unsigned outlen)
{
    unsigned uc_major, uc_minor;
    unsigned uc_full = uc_version(&uc_major, &uc_minor);
    char capstone[32];
    decode_version(capstone, sizeof capstone);
    /* uc_version's full form is 0xMMmmpp..: the patch level is its third byte. */
    snprintf(out, outlen, "Unicorn %u.%u.%u, Capstone %s", uc_major, uc_minor,
             (uc_full >> 8) & 0xffu, capstone);
}

void cpu_forget_writes(struct cpu *c)
{
    /* Unicorn's writable entries would let stores pass unseen. */
    uc_ctl_flush_tlb(c->uc);
    c->stats.uc_flushes++;
}

/* ---- Snapshots ------------------------------------------------------------ */

struct cpu_saved {
    uc_context *regs;
    size_t regs_bytes;
    uint64_t key_bits, time, mode_since, blocks_learned, code_invalidations;
    uint32_t ctx, mode, trap_insn_pc;
    enum cpu_engine engine;
    int step_budget;
    bool guest_tf, fix_pushf, code_store_pass;
    struct {
        uint32_t paddr, vpage;
        bool flush_pending;
    } store;
    struct cpu_stats stats;
};

struct cpu_saved *cpu_save(struct cpu *c)
{
    struct cpu_saved *s = calloc(1, sizeof *s);
    if (!s || uc_context_alloc(c->uc, &s->regs) != UC_ERR_OK) {
        free(s);
        return NULL;
    }
    uc_context_save(c->uc, s->regs);
    resolve_trap_insn(c);
    s->regs_bytes = uc_context_size(c->uc);
    s->key_bits = c->key_bits;
    s->time = c->time;
    s->mode_since = c->mode_since;
    s->blocks_learned = c->code->misses;
    s->code_invalidations = c->code->invalidations;
    s->ctx = c->ctx;
    s->mode = c->mode;
    s->trap_insn_pc = c->trap_insn_pc;
    s->engine = c->engine;
    s->step_budget = c->step_budget;
    s->guest_tf = c->guest_tf;
    s->fix_pushf = c->fix_pushf;
    s->code_store_pass = c->code_store_pass;
    s->store.paddr = c->store.paddr;
    s->store.vpage = c->store.vpage;
    s->store.flush_pending = c->store.flush_pending;
    s->stats = c->stats;
    return s;
}

void cpu_restore(struct cpu *c, const struct cpu_saved *s)
{
    uc_context_restore(c->uc, s->regs);
    c->key_bits = s->key_bits;
    c->time = s->time;
    c->mode_since = s->mode_since;
    c->ctx = s->ctx;
    c->mode = s->mode;
    c->trap_insn_pc = s->trap_insn_pc;
    c->trap_insn_pending = false;
    c->engine = s->engine;
    c->step_budget = s->step_budget;
    c->guest_tf = s->guest_tf;
    c->fix_pushf = s->fix_pushf;
    c->blk = NULL;
    c->halt = (struct cpu_halt){0};
    c->stop_requested = 0;
    c->code_store_pass = s->code_store_pass;
    c->store.paddr = s->store.paddr;
    c->store.vpage = s->store.vpage;
    c->store.flush_pending = s->store.flush_pending;
    c->break_skip = c->watch_skip = false;
    /* RAM may hold other code now: every translation goes, and every
     * cached page permission (writes must be seen again). */
    codecache_invalidate(c->code);
    flush_translations(c);
    uc_ctl_flush_tlb(c->uc);
    c->stats = s->stats;
    c->code->misses = s->blocks_learned;
    c->code->invalidations = s->code_invalidations;
}

size_t cpu_saved_bytes(const struct cpu_saved *s)
{
    return sizeof *s + s->regs_bytes;
}

void cpu_saved_free(struct cpu_saved *s)
{
    if (!s)
        return;
    uc_context_free(s->regs);
    free(s);
}
