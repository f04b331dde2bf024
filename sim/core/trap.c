#include "trap.h"

#include <stdio.h>

#include "machine_internal.h"
#include "tracer.h"

#define EFLAGS_USER  0xdd5u /* CF PF AF ZF SF TF DF OF: what a PCB may carry */
#define EFLAGS_TF    0x100u
#define EFLAGS_FIXED 0x2u

static const char *trap_name(uint32_t trap)
{
    switch (trap) {
    case SPACE_TRAP_DIVIDE: return "DIVIDE";
    case SPACE_TRAP_DEBUG: return "DEBUG";
    case SPACE_TRAP_BREAKPOINT: return "BREAKPOINT";
    case SPACE_TRAP_OVERFLOW: return "OVERFLOW";
    case SPACE_TRAP_BOUND: return "BOUND";
    case SPACE_TRAP_INVALID_OPCODE: return "INVALID_OPCODE";
    case SPACE_TRAP_FPU: return "FPU";
    case SPACE_TRAP_ILLEGAL: return "ILLEGAL";
    case SPACE_TRAP_MEMORY_FAULT: return "MEMORY_FAULT";
    case SPACE_TRAP_FPU_ERROR: return "FPU_ERROR";
    case SPACE_TRAP_ALIGNMENT: return "ALIGNMENT";
    case SPACE_TRAP_SIMD: return "SIMD";
    case SPACE_TRAP_PRIVILEGED: return "PRIVILEGED";
    case SPACE_TRAP_NO_PORTAL: return "NO_PORTAL";
    default:
        return trap >= SPACE_TRAP_INTERRUPT_BASE && trap < SPACE_TRAP_SOFT_BASE ? "INTERRUPT"
                                                                                : "INT";
    }
}

static void fault_text(char *buf, unsigned len, const struct trap_info *t)
{
    if (t->trap != SPACE_TRAP_MEMORY_FAULT) {
        buf[0] = 0;
        return;
    }
    const char *kind = t->access & SPACE_FAULT_EXECUTE ? "execute"
                       : t->access & SPACE_FAULT_WRITE ? "write"
                                                       : "read";
    snprintf(buf, len, " (%s of %#x, %s)", kind, t->addr,
             t->access & SPACE_FAULT_PROTECTION ? "not permitted" : "not mapped");
}

void trap_deliver(struct machine *m, const struct trap_info *t)
{
    uint32_t ctx = cpu_context(m->cpu), mode = cpu_mode(m->cpu);
    uint32_t trap = t->trap, access = t->access, addr = t->addr;
    m->cc->stats.traps[t->trap]++;

    const struct portal *p = portal_get(&m->portals, ctx, trap);
    if (p && t->deliberate && !portal_allows(p, mode)) {
        trap = SPACE_TRAP_PRIVILEGED;
        addr = t->trap;
        access = 0;
        p = portal_get(&m->portals, ctx, trap);
    }
    if (!p) {
        trap = SPACE_TRAP_NO_PORTAL;
        p = portal_get(&m->portals, ctx, trap);
    }
    struct cpu_regs r;
    cpu_get_regs(m->cpu, &r);
    if (m->probe.trap)
        m->probe.trap(m->probe.arg, m->cur,
                      &(struct machine_trap_event){.cause = t->trap,
                                                   .trap = trap,
                                                   .pc = r.eip,
                                                   .addr = addr,
                                                   .ctx = ctx,
                                                   .mode = mode,
                                                   .to_ctx = p ? p->ctx : 0,
                                                   .to_mode = p ? p->mode : 0,
                                                   .traversed = p != NULL});
    if (trace_on(m->tracer, TRACE_TRAP)) {
        char extra[96];
        fault_text(extra, sizeof extra, t);
        if (p)
            trace_line(m, "trap", "%u %s%s at pc %#x -> portal %u: CONTEXT %u MODE %u pc %#x",
                       t->trap, trap_name(t->trap), extra, r.eip, trap, p->ctx, p->mode, p->pc);
        else
            trace_line(m, "trap", "%u %s%s at pc %#x -> no portal", t->trap, trap_name(t->trap),
                       extra, r.eip);
    }
    if (!p) {
        char extra[96];
        fault_text(extra, sizeof extra, t);
        machine_stop(
            m,
            "trap %u (%s)%s in CONTEXT %u MODE %u at pc %#x has no portal and no NO_PORTAL portal",
            t->trap, trap_name(t->trap), extra, ctx, mode, r.eip);
        return;
    }
    struct space_pcb pcb = {
        .eax = r.eax,
        .ebx = r.ebx,
        .ecx = r.ecx,
        .edx = r.edx,
        .esi = r.esi,
        .edi = r.edi,
        .ebp = r.ebp,
        .esp = r.esp,
        .pc = r.eip,
        .eflags = (r.eflags & EFLAGS_USER) | EFLAGS_FIXED,
        .ctx = ctx,
        .mode = mode,
        .ie = m->cc->ie,
        .trap = trap,
        .cause = t->trap,
        .access = access,
        .addr = addr,
    };
    if (pcb_push(&m->pcbs, &pcb) != SPACE_OK) {
        char extra[96];
        fault_text(extra, sizeof extra, t);
        machine_stop(
            m, "PCB chain overflow (%u PCBs) on trap %u (%s)%s in CONTEXT %u MODE %u at pc %#x",
            SPACE_CHAIN_MAX, t->trap, trap_name(t->trap), extra, ctx, mode, r.eip);
        return;
    }
    m->cc->stats.traversals++;
    /* As on x86 interrupt entry: the handler does not inherit single-step. */
    r.eflags &= ~EFLAGS_TF;
    r.eip = p->pc;
    m->cc->ie = false;
    cpu_set_space(m->cpu, p->ctx, p->mode);
    cpu_set_regs(m->cpu, &r);
    metrics_space(m, m->cur, p->ctx, p->mode);
    PROBE(m, space, m->cur, p->ctx, p->mode);
    if (m->observer.traversal)
        m->observer.traversal(m->observer.arg, &pcb, p->ctx, p->mode);
}

void trap_load(struct cpu *c, const struct space_pcb *p)
{
    struct cpu_regs r = {
        .eax = p->eax,
        .ebx = p->ebx,
        .ecx = p->ecx,
        .edx = p->edx,
        .esi = p->esi,
        .edi = p->edi,
        .ebp = p->ebp,
        .esp = p->esp,
        .eip = p->pc,
        .eflags = (p->eflags & EFLAGS_USER) | EFLAGS_FIXED,
    };
    cpu_set_space(c, p->ctx, p->mode);
    cpu_set_regs(c, &r);
}

void trap_restore(struct machine *m, const struct space_pcb *p)
{
    if (trace_on(m->tracer, TRACE_TRAP))
        trace_line(m, "resume", "-> CONTEXT %u MODE %u pc %#x (PCB of trap %u)", p->ctx, p->mode,
                   p->pc, p->trap);
    m->cc->ie = p->ie != 0;
    trap_load(m->cpu, p);
    metrics_space(m, m->cur, p->ctx, p->mode);
    PROBE(m, space, m->cur, p->ctx, p->mode);
    if (m->observer.resumed)
        m->observer.resumed(m->observer.arg, p);
}

const char *trap_describe(uint32_t trap)
{
    return trap_name(trap);
}
