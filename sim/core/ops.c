#include "ops.h"

#include <string.h>

#include "machine_internal.h"
#include "tracer.h"
#include "trap.h"

/* Each operation reads its arguments from the registers (EBX, ECX, EDX,
 * ESI, EDI, EBP) and leaves its result in r->eax. It returns false when it
 * has set the CPU's registers itself (Resume restores a PCB; Wait writes
 * its result before it waits), so r must not be written back. */
typedef bool (*op_fn)(struct machine *m, struct cpu_regs *r);

static bool op_map_memory(struct machine *m, struct cpu_regs *r)
{
    map_entry old;
    r->eax = (uint32_t)mmu_map(&m->mmu, r->ebx, r->ecx, r->edx, r->esi, &old);
    if (old && old != mmu_peek(&m->mmu, r->ebx, r->ecx))
        for (unsigned i = 0; i < m->ncpus; i++) /* the shootdown */
            cpu_mapping_changed(m->cpus[i].cpu, r->ebx, MAP_ACCESS(old));
    return true;
}

static bool op_map_portal(struct machine *m, struct cpu_regs *r)
{
    r->eax = (uint32_t)portal_map(&m->portals, r->ebx, r->ecx, r->edx, r->esi, r->edi, r->ebp);
    return true;
}

static bool op_mapping(struct machine *m, struct cpu_regs *r)
{
    if (r->ebx >= SPACE_CONTEXTS) {
        r->eax = (uint32_t)SPACE_ERR_CONTEXT;
        return true;
    }
    /* A 64 KiB page answers for itself: its flag, its first frame. */
    bool large = mmu_is_64k(&m->mmu, r->ebx, r->ecx);
    map_entry e = mmu_peek(&m->mmu, r->ebx, large ? r->ecx & ~MAP_LARGE_MASK : r->ecx);
    r->eax = MAP_ACCESS(e) | (large ? SPACE_MAP_64K : 0);
    r->edx = MAP_PADDR(e);
    r->ecx = mmu_access_bits(&m->mmu, r->ebx, r->ecx);
    return true;
}

static bool op_refdirty(struct machine *m, struct cpu_regs *r)
{
    int before = mmu_clear_access_bits(&m->mmu, r->ebx, r->ecx, r->edx);
    if (before > 0 && ((uint32_t)before & r->edx))
        for (unsigned i = 0; i < m->ncpus; i++)
            cpu_access_bits_cleared(m->cpus[i].cpu, r->ebx);
    r->eax = (uint32_t)before;
    return true;
}

static bool op_resume(struct machine *m, struct cpu_regs *r)
{
    struct space_pcb p;
    int err = pcb_pop(&m->pcbs, &p);
    if (err != SPACE_OK) {
        r->eax = (uint32_t)err;
        return true;
    }
    trap_restore(m, &p);
    return false;
}

static bool op_suspend(struct machine *m, struct cpu_regs *r)
{
    r->eax = (uint32_t)pcb_suspend(&m->pcbs, cpu_busy_time(m->cpu));
    return true;
}

static bool op_unsuspend(struct machine *m, struct cpu_regs *r)
{
    r->eax = (uint32_t)pcb_unsuspend(&m->pcbs, (int32_t)r->ebx, cpu_busy_time(m->cpu));
    return true;
}

/* EDX:EAX = the chain's time; on error EDX = 0xffffffff, so that EDX:EAX
 * read as a signed 64-bit number is the (negative) error code. */
static bool op_chain_time(struct machine *m, struct cpu_regs *r)
{
    uint64_t t;
    int err = pcb_chain_time(&m->pcbs, (int32_t)r->ebx, cpu_busy_time(m->cpu), &t);
    if (err != SPACE_OK)
        t = (uint64_t)(int64_t)err;
    r->eax = (uint32_t)t;
    r->edx = (uint32_t)(t >> 32);
    return true;
}

/* Copies a PCB in from guest memory and checks it. */
static int pcb_from_guest(struct machine *m, uint32_t vaddr, struct space_pcb *p)
{
    if (mmu_copy_from(&m->mmu, cpu_context(m->cpu), 0, vaddr, p, sizeof *p, MMU_READ) != 0)
        return SPACE_ERR_ACCESS;
    if (p->ctx >= SPACE_CONTEXTS)
        return SPACE_ERR_CONTEXT;
    if (p->mode >= SPACE_MODES)
        return SPACE_ERR_MODE;
    p->ie = p->ie != 0;
    return SPACE_OK;
}

static bool op_pcb_read(struct machine *m, struct cpu_regs *r)
{
    const struct space_pcb *top = pcb_top(&m->pcbs);
    if (!top)
        r->eax = (uint32_t)SPACE_ERR_EMPTY;
    else if (machine_write_virtual(m, cpu_context(m->cpu), r->ebx, top, sizeof *top,
                                   WRITE_AS_KERNEL) != sizeof *top)
        r->eax = (uint32_t)SPACE_ERR_ACCESS;
    else
        r->eax = SPACE_OK;
    return true;
}

static bool op_pcb_write(struct machine *m, struct cpu_regs *r)
{
    struct space_pcb p, *top = pcb_top(&m->pcbs);
    int err = top ? pcb_from_guest(m, r->ebx, &p) : SPACE_ERR_EMPTY;
    if (err == SPACE_OK)
        *top = p;
    r->eax = (uint32_t)err;
    return true;
}

static bool op_pcb_push(struct machine *m, struct cpu_regs *r)
{
    struct space_pcb p;
    int err = pcb_from_guest(m, r->ebx, &p);
    if (err == SPACE_OK)
        err = pcb_push(&m->pcbs, &p);
    r->eax = (uint32_t)err;
    return true;
}

static bool op_pcb_pop(struct machine *m, struct cpu_regs *r)
{
    r->eax = (uint32_t)pcb_pop(&m->pcbs, NULL);
    return true;
}

static bool op_halt(struct machine *m, struct cpu_regs *r)
{
    m->state = MACHINE_HALTED;
    m->exit_code = r->ebx;
    return true;
}

static bool op_time(struct machine *m, struct cpu_regs *r)
{
    uint64_t t = cpu_time(m->cpu);
    r->eax = (uint32_t)t;
    r->edx = (uint32_t)(t >> 32);
    return true;
}

static bool op_interrupts(struct machine *m, struct cpu_regs *r)
{
    bool old = m->cc->ie;
    m->cc->ie = r->ebx != 0;
    r->eax = old;
    return true;
}

static bool op_debug_putc(struct machine *m, struct cpu_regs *r)
{
    char ch = (char)(r->ebx & 0xff);
    if (m->debug_out) {
        fputc((unsigned char)ch, m->debug_out);
        if (ch == '\n')
            fflush(m->debug_out);
    }
    const struct char_sink *sink = m->cfg.debug_sink;
    if (sink) /* the console's output, where a window shows it */
        sink->write(sink->opaque, &ch, 1);
    r->eax = SPACE_OK;
    return true;
}

static bool op_wait(struct machine *m, struct cpu_regs *r)
{
    /* Registers first: waiting lets devices act, but changes no register. */
    r->eax = SPACE_OK;
    cpu_set_regs(m->cpu, r);
    machine_wait(m);
    return false;
}

static bool op_trace(struct machine *m, struct cpu_regs *r)
{
    r->eax = tracer_switch(m, r->ebx != 0);
    return true;
}

static bool op_cpu_id(struct machine *m, struct cpu_regs *r)
{
    r->eax = m->cur;
    return true;
}

/* The new CPU starts as if it resumed the PCB, at the starting CPU's
 * time (a halted CPU idles with the clock; one that has had its turn in
 * this round is there already). */
static bool op_cpu_start(struct machine *m, struct cpu_regs *r)
{
    struct space_pcb p;
    int err = SPACE_ERR_CPU;
    if (r->ebx < m->ncpus && m->cpus[r->ebx].halted &&
        (err = pcb_from_guest(m, r->ecx, &p)) == SPACE_OK) {
        struct machine_cpu *t = &m->cpus[r->ebx];
        cpu_idle_until(t->cpu, cpu_time(m->cpu)); /* it starts now, not earlier */
        trap_load(t->cpu, &p);
        t->ie = p.ie != 0;
        t->halted = false;
        metrics_space(m, r->ebx, p.ctx, p.mode);
        PROBE(m, space, r->ebx, p.ctx, p.mode);
        if (trace_on(m->tracer, TRACE_OP))
            trace_line(m, "cpu", "start cpu%u: CONTEXT %u MODE %u pc %#x", r->ebx, p.ctx, p.mode,
                       p.pc);
    }
    r->eax = (uint32_t)err;
    return true;
}

static bool op_ipi(struct machine *m, struct cpu_regs *r)
{
    if (r->ebx >= m->ncpus)
        r->eax = (uint32_t)SPACE_ERR_CPU;
    else if (r->ecx < SPACE_TRAP_INTERRUPT_BASE || r->ecx >= SPACE_TRAP_SOFT_BASE)
        r->eax = (uint32_t)SPACE_ERR_TRAP;
    else {
        m->cpus[r->ebx].ipi |= 1u << (r->ecx - SPACE_TRAP_INTERRUPT_BASE);
        PROBE(m, ipi_sent, m->cur, r->ebx, r->ecx);
        r->eax = SPACE_OK;
    }
    return true;
}

/* The name is read a byte at a time up to its NUL, so that a short name
 * at the end of a page needs only that page; a longer name is cut. */
static bool op_context_name(struct machine *m, struct cpu_regs *r)
{
    if (r->ebx >= SPACE_CONTEXTS) {
        r->eax = (uint32_t)SPACE_ERR_CONTEXT;
        return true;
    }
    char name[SPACE_CONTEXT_NAME_MAX + 1];
    unsigned n = 0;
    for (; n < SPACE_CONTEXT_NAME_MAX; n++) {
        if (mmu_copy_from(&m->mmu, cpu_context(m->cpu), 0, r->ecx + n, &name[n], 1, MMU_READ)) {
            r->eax = (uint32_t)SPACE_ERR_ACCESS;
            return true;
        }
        if (!name[n])
            break;
    }
    name[n] = 0;
    memcpy(m->ctx_name[r->ebx], name, n + 1);
    r->eax = SPACE_OK;
    return true;
}

/* The name is read as the caller's MODE may read it, a byte at a time up
 * to its NUL (a name at the end of a page needs only that page). */
static bool op_metric(struct machine *m, struct cpu_regs *r)
{
    char name[METRICS_NAME_MAX + 2];
    unsigned n = 0;
    for (; n < sizeof name - 1; n++) {
        if (mmu_copy_from(&m->mmu, cpu_context(m->cpu), cpu_mode(m->cpu), r->ebx + n, &name[n], 1,
                          MMU_READ)) {
            r->eax = (uint32_t)SPACE_ERR_ACCESS;
            return true;
        }
        if (!name[n])
            break;
    }
    name[n] = 0; /* (one byte too many: the name is too long) */
    r->eax = (uint32_t)metrics_publish(&m->metrics, name, r->ecx, r->edx);
    return true;
}

static const struct {
    const char *name;
    op_fn fn;
} op_table[SPACE_OP_COUNT] = {
    [SPACE_OP_MAP_MEMORY] = {"MAP_MEMORY", op_map_memory},
    [SPACE_OP_MAP_PORTAL] = {"MAP_PORTAL", op_map_portal},
    [SPACE_OP_RESUME] = {"RESUME", op_resume},
    [SPACE_OP_SUSPEND] = {"SUSPEND", op_suspend},
    [SPACE_OP_UNSUSPEND] = {"UNSUSPEND", op_unsuspend},
    [SPACE_OP_PCB_READ] = {"PCB_READ", op_pcb_read},
    [SPACE_OP_PCB_WRITE] = {"PCB_WRITE", op_pcb_write},
    [SPACE_OP_PCB_PUSH] = {"PCB_PUSH", op_pcb_push},
    [SPACE_OP_PCB_POP] = {"PCB_POP", op_pcb_pop},
    [SPACE_OP_HALT] = {"HALT", op_halt},
    [SPACE_OP_TIME] = {"TIME", op_time},
    [SPACE_OP_INTERRUPTS] = {"INTERRUPTS", op_interrupts},
    [SPACE_OP_DEBUG_PUTC] = {"DEBUG_PUTC", op_debug_putc},
    [SPACE_OP_MAPPING] = {"MAPPING", op_mapping},
    [SPACE_OP_WAIT] = {"WAIT", op_wait},
    [SPACE_OP_TRACE] = {"TRACE", op_trace},
    [SPACE_OP_REFDIRTY] = {"REFDIRTY", op_refdirty},
    [SPACE_OP_CHAIN_TIME] = {"CHAIN_TIME", op_chain_time},
    [SPACE_OP_CPU_ID] = {"CPU_ID", op_cpu_id},
    [SPACE_OP_CPU_START] = {"CPU_START", op_cpu_start},
    [SPACE_OP_IPI] = {"IPI", op_ipi},
    [SPACE_OP_CTX_NAME] = {"CTX_NAME", op_context_name},
    [SPACE_OP_METRIC] = {"METRIC", op_metric},
};

const char *ops_name(uint32_t op)
{
    return op < SPACE_OP_COUNT && op_table[op].name ? op_table[op].name : "UNKNOWN";
}

void ops_execute(struct machine *m)
{
    struct cpu_regs r;
    cpu_get_regs(m->cpu, &r);
    uint32_t op = r.eax;
    if (op >= SPACE_OP_COUNT || !op_table[op].fn) {
        r.eax = (uint32_t)SPACE_ERR_OP;
        cpu_set_regs(m->cpu, &r);
        return;
    }
    m->cc->stats.ops[op]++;
    struct cpu_regs in = r;
    bool traced = trace_on(m->tracer, TRACE_OP); /* (TRACE may switch it) */
    bool writes_back = op_table[op].fn(m, &r);
    if (writes_back)
        cpu_update_regs(m->cpu, &in, &r);
    if (traced || trace_on(m->tracer, TRACE_OP)) {
        char result[32] = "";
        if (writes_back)
            snprintf(result, sizeof result, " -> %d", (int32_t)r.eax);
        trace_line(m, "op", "%s(%#x, %#x, %#x, %#x, %#x, %#x)%s", ops_name(op), in.ebx, in.ecx,
                   in.edx, in.esi, in.edi, in.ebp, result);
    }
}
