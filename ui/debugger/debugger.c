#include "debugger.h"

#include <stdio.h>
#include <string.h>

#include "sim/core/trap.h"
#include "sim/replay/travel.h"

/* ---- Observer: what happened during a run ---- */

static void note(struct debugger *d, enum dbg_stop_kind kind, uint32_t trap, const char *fmt,
                 uint32_t a, uint32_t b, uint32_t c2, uint32_t e)
{
    if (d->hit)
        return; /* the first reason wins */
    d->hit = true;
    d->seen = (struct dbg_stop){.kind = kind, .trap = trap, .cpu = machine_running_cpu(d->m)};
    snprintf(d->seen.text, sizeof d->seen.text, fmt, a, b, c2, e);
    machine_pause(d->m);
}

static void on_traversal(void *arg, const struct space_pcb *saved, uint32_t to_ctx,
                         uint32_t to_mode)
{
    struct debugger *d = arg;
    if (d->catch_trap[saved->cause % SPACE_TRAPS] || d->catch_trap[saved->trap % SPACE_TRAPS])
        note(d, DBG_TRAP, saved->trap,
             "trap %u (cause %u) traversed its portal to CONTEXT %u MODE %u", saved->trap,
             saved->cause, to_ctx, to_mode);
    else if (d->catch_portal)
        note(d, DBG_PORTAL, saved->trap, "portal traversal: trap %u, to CONTEXT %u MODE %u",
             saved->trap, to_ctx, to_mode, 0);
    else if (d->catch_space && (saved->ctx != to_ctx || saved->mode != to_mode))
        note(d, DBG_SPACE, saved->trap, "CONTEXT/MODE changed: %u/%u -> %u/%u (portal traversal)",
             saved->ctx, saved->mode, to_ctx, to_mode);
}

static void on_resumed(void *arg, const struct space_pcb *restored)
{
    struct debugger *d = arg;
    unsigned i = machine_running_cpu(d->m);
    /* Resume's own CONTEXT/MODE was the handler's: the CPU's now is the PCB's. */
    if (d->catch_space &&
        (d->space_before_ctx[i] != restored->ctx || d->space_before_mode[i] != restored->mode))
        note(d, DBG_SPACE, 0, "CONTEXT/MODE changed: %u/%u -> %u/%u (Resume)",
             d->space_before_ctx[i], d->space_before_mode[i], restored->ctx, restored->mode);
}

static void observe(struct debugger *d)
{
    machine_set_observer(d->m, &(struct machine_observer){
                                   .arg = d, .traversal = on_traversal, .resumed = on_resumed});
}

void dbg_init(struct debugger *d, struct machine *m)
{
    memset(d, 0, sizeof *d);
    d->m = m;
    d->cpu = machine_cpu(m, 0);
    d->stop_time = UINT64_MAX;
    observe(d);
}

void dbg_free(struct debugger *d)
{
    machine_set_observer(d->m, NULL);
    for (unsigned i = 0; i < machine_ncpus(d->m); i++) {
        cpu_set_breakpoints(machine_cpu(d->m, i), NULL, 0);
        cpu_set_watches(machine_cpu(d->m, i), NULL, 0);
    }
}

bool dbg_select_cpu(struct debugger *d, unsigned i)
{
    if (i >= machine_ncpus(d->m))
        return false;
    d->cpu = machine_cpu(d->m, i);
    d->cpu_idx = i;
    return true;
}

/* The CPU that ran last: the one a pause stopped, the one that goes on. */
static struct cpu *running(struct debugger *d)
{
    return machine_cpu(d->m, machine_running_cpu(d->m));
}

/* The CPU a stop names: the one that ran last, unless it is halted (it
 * only idled through its turn: nothing of it to show), then the selected
 * one. */
static unsigned stop_cpu(struct debugger *d)
{
    unsigned i = machine_running_cpu(d->m);
    return machine_cpu_halted(d->m, i) ? d->cpu_idx : i;
}

/* ---- Breakpoints and watchpoints ---- */

/* Every CPU stops at every breakpoint's address and the temporary stop's
 * (the temporary stop's CPU is checked when one stops there). */
static void push_breaks(struct debugger *d)
{
    uint32_t addrs[DBG_MAX_BREAKS + 1];
    unsigned n = 0;
    for (int i = 0; i < DBG_MAX_BREAKS; i++)
        if (d->brk[i].used)
            addrs[n++] = d->brk[i].addr;
    if (d->temp.armed)
        addrs[n++] = d->temp.addr;
    for (unsigned i = 0; i < machine_ncpus(d->m); i++)
        cpu_set_breakpoints(machine_cpu(d->m, i), addrs, n);
}

int dbg_break_add(struct debugger *d, uint32_t addr, int ctx)
{
    for (int i = 0; i < DBG_MAX_BREAKS; i++) {
        if (!d->brk[i].used) {
            d->brk[i] = (struct dbg_break){.used = true, .addr = addr, .ctx = ctx};
            push_breaks(d);
            return i + 1;
        }
    }
    return -1;
}

bool dbg_break_remove(struct debugger *d, int id)
{
    if (id < 1 || id > DBG_MAX_BREAKS || !d->brk[id - 1].used)
        return false;
    d->brk[id - 1].used = false;
    push_breaks(d);
    return true;
}

static void push_watches(struct debugger *d)
{
    struct cpu_watch w[DBG_MAX_WATCHES];
    unsigned n = 0;
    for (int i = 0; i < DBG_MAX_WATCHES; i++) {
        const struct dbg_watch *x = &d->watch[i];
        if (!x->used)
            continue;
        d->watch_index[n] = i;
        w[n++] = (struct cpu_watch){.ctx = (uint32_t)x->ctx,
                                    .addr = x->addr,
                                    .len = x->len,
                                    .read = x->on_read,
                                    .write = x->on_write};
    }
    for (unsigned i = 0; i < machine_ncpus(d->m); i++)
        cpu_set_watches(machine_cpu(d->m, i), w, n);
}

int dbg_watch_add(struct debugger *d, uint32_t addr, uint32_t len, bool on_read, bool on_write,
                  int ctx)
{
    if (!len || (!on_read && !on_write) || ctx < 0 || ctx >= SPACE_CONTEXTS)
        return -1;
    for (int i = 0; i < DBG_MAX_WATCHES; i++) {
        if (!d->watch[i].used) {
            d->watch[i] = (struct dbg_watch){.used = true,
                                             .addr = addr,
                                             .len = len,
                                             .on_read = on_read,
                                             .on_write = on_write,
                                             .ctx = ctx};
            push_watches(d);
            return i + 1;
        }
    }
    return -1;
}

bool dbg_watch_remove(struct debugger *d, int id)
{
    if (id < 1 || id > DBG_MAX_WATCHES || !d->watch[id - 1].used)
        return false;
    d->watch[id - 1].used = false;
    push_watches(d);
    return true;
}

void dbg_hold(struct debugger *d, bool on)
{
    if (on && d->held++ == 0) {
        machine_set_observer(d->m, NULL);
        for (unsigned i = 0; i < machine_ncpus(d->m); i++) {
            cpu_set_breakpoints(machine_cpu(d->m, i), NULL, 0);
            cpu_set_watches(machine_cpu(d->m, i), NULL, 0);
        }
    } else if (!on && d->held && --d->held == 0) {
        observe(d);
        push_breaks(d);
        push_watches(d);
    }
}

/* ---- Running ---- */

static struct dbg_break *break_at(struct debugger *d, uint32_t pc, uint32_t ctx)
{
    for (int i = 0; i < DBG_MAX_BREAKS; i++) {
        struct dbg_break *b = &d->brk[i];
        if (b->used && b->addr == pc && (b->ctx == DBG_ANY_CONTEXT || (uint32_t)b->ctx == ctx))
            return b;
    }
    return NULL;
}

int dbg_break_at(struct debugger *d, uint32_t addr, uint32_t ctx)
{
    struct dbg_break *b = break_at(d, addr, ctx);
    return b ? (int)(b - d->brk) + 1 : 0;
}

void dbg_temp_break(struct debugger *d, uint32_t addr, uint32_t ctx, uint32_t min_esp)
{
    d->temp = (struct dbg_temp){
        .armed = true, .addr = addr, .ctx = ctx, .min_esp = min_esp, .cpu = d->cpu_idx};
    push_breaks(d);
}

void dbg_temp_clear(struct debugger *d)
{
    if (!d->temp.armed)
        return;
    d->temp.armed = false;
    push_breaks(d);
}

static bool temp_reached(struct debugger *d, const struct cpu_regs *r)
{
    return d->temp.armed && machine_running_cpu(d->m) == d->temp.cpu && r->eip == d->temp.addr &&
           cpu_context(running(d)) == d->temp.ctx && r->esp >= d->temp.min_esp;
}

static void ended(struct debugger *d, struct dbg_stop *stop)
{
    struct machine *m = d->m;
    enum machine_state st = machine_state(m);
    stop->kind = st == MACHINE_INTERRUPTED ? DBG_INTERRUPTED : DBG_ENDED;
    stop->cpu = stop_cpu(d);
    switch (st) {
    case MACHINE_HALTED:
        snprintf(stop->text, sizeof stop->text, "the machine halted with code %u",
                 machine_exit_code(m));
        break;
    case MACHINE_LIMIT:
        snprintf(stop->text, sizeof stop->text, "the instruction limit was reached");
        break;
    case MACHINE_INTERRUPTED:
        snprintf(stop->text, sizeof stop->text, "interrupted");
        machine_clear_interrupt(m); /* a debugger goes on after Ctrl-C */
        break;
    default:
        snprintf(stop->text, sizeof stop->text, "machine stop: %.140s", machine_stop_reason(m));
        break;
    }
}

/* Runs to `until` (or a stop). With `resume`, breakpoints at the very
 * instruction it starts on do not stop it again. */
static void run_to(struct debugger *d, uint64_t until, bool resume, struct dbg_stop *stop)
{
    struct machine *m = d->m;
    if (resume)
        cpu_skip_breakpoint_once(running(d));
    if (machine_pause_reason(m).why == PAUSE_WATCH)
        cpu_skip_watch_once(running(d));
    if (d->stop_time > machine_now(m) && d->stop_time < until)
        until = d->stop_time;
    for (;;) {
        d->hit = false;
        for (unsigned i = 0; i < machine_ncpus(m); i++) {
            d->space_before_ctx[i] = cpu_context(machine_cpu(m, i));
            d->space_before_mode[i] = cpu_mode(machine_cpu(m, i));
        }
        enum machine_state st = machine_run_until(m, until);
        if (st != MACHINE_RUNNING) {
            ended(d, stop);
            return;
        }
        struct cpu *c = running(d);
        unsigned ci = stop_cpu(d);
        struct cpu_regs r;
        cpu_get_regs(c, &r);
        struct machine_pause_info pause = machine_pause_reason(m);
        if (pause.why == PAUSE_BREAK) {
            struct dbg_break *b = break_at(d, r.eip, cpu_context(c));
            if (!b && temp_reached(d, &r)) {
                *stop = (struct dbg_stop){.kind = DBG_TEMP, .cpu = ci};
                snprintf(stop->text, sizeof stop->text, "reached %#x", r.eip);
                return;
            }
            if (!b) { /* a breakpoint for another CONTEXT (or CPU, or a deeper call) */
                cpu_skip_breakpoint_once(c);
                continue;
            }
            *stop =
                (struct dbg_stop){.kind = DBG_BREAKPOINT, .id = (int)(b - d->brk) + 1, .cpu = ci};
            snprintf(stop->text, sizeof stop->text, "breakpoint %d at %#x", stop->id, r.eip);
            return;
        }
        if (pause.why == PAUSE_WATCH) {
            /* Stopped before the access: let it happen, then report. */
            int id = d->watch_index[pause.watch] + 1;
            uint32_t addr = pause.addr;
            bool write = pause.access == MMU_WRITE;
            uint32_t pc = r.eip;
            if (d->watch_before) { /* (going back: the pc is the writer's, about to write) */
                *stop = (struct dbg_stop){
                    .kind = DBG_WATCHPOINT, .id = id, .addr = addr, .write = write, .cpu = ci};
                snprintf(stop->text, sizeof stop->text,
                         "watchpoint %d: %s of %#x by the instruction at %#x", id,
                         write ? "write" : "read", addr, pc);
                return;
            }
            cpu_skip_watch_once(c);
            machine_run_until(m, machine_now(m) + 1);
            *stop = (struct dbg_stop){
                .kind = DBG_WATCHPOINT, .id = id, .addr = addr, .write = write, .cpu = ci};
            snprintf(stop->text, sizeof stop->text,
                     "watchpoint %d: %s of %#x by the instruction at %#x", id,
                     write ? "write" : "read", addr, pc);
            if (machine_state(m) != MACHINE_RUNNING)
                ended(d, stop);
            return;
        }
        if (pause.why == PAUSE_OBSERVER && d->hit) {
            *stop = d->seen;
            return;
        }
        if (machine_now(m) >= d->stop_time && d->stop_time != UINT64_MAX) {
            *stop = (struct dbg_stop){.kind = DBG_TIME, .cpu = ci};
            snprintf(stop->text, sizeof stop->text, "virtual time %llu reached",
                     (unsigned long long)machine_now(m));
            d->stop_time = UINT64_MAX;
            return;
        }
        *stop = (struct dbg_stop){.kind = DBG_STEPPED, .cpu = ci};
        return;
    }
}

/* The temporary stop lasts until the machine stops for a reason of its own. */
static void run(struct debugger *d, uint64_t until, bool resume, struct dbg_stop *stop)
{
    run_to(d, until, resume, stop);
    if (stop->kind != DBG_STEPPED)
        dbg_temp_clear(d);
}

void dbg_step(struct debugger *d, uint64_t n, struct dbg_stop *stop)
{
    uint64_t now = machine_now(d->m);
    run(d, now + n < now ? UINT64_MAX : now + n, true, stop);
}

void dbg_continue(struct debugger *d, struct dbg_stop *stop)
{
    run(d, UINT64_MAX, true, stop);
}

void dbg_run_slice(struct debugger *d, uint64_t until, bool resume, struct dbg_stop *stop)
{
    run(d, until, resume, stop);
}

/* With several CPUs machine_now grows faster than the clock: each slice
 * asks for the clock's distance in machine_now's unit, which never
 * overshoots, and the loop goes on until the clock is there. */
int dbg_goto_clock(struct debugger *d, uint64_t time, struct dbg_stop *stop, char *err,
                   unsigned errlen)
{
    struct machine *m = d->m;
    /* machine_now is never below the clock (it sums the CPUs' times), so
     * going back to now = time leaves the clock at or before `time`. */
    if (time < machine_clock(m) && dbg_goto(d, time, stop, err, errlen) != 0)
        return -1;
    *stop = (struct dbg_stop){.kind = DBG_STEPPED};
    for (bool resume = true; machine_state(m) == MACHINE_RUNNING && machine_clock(m) < time;
         resume = false) {
        uint64_t clock = machine_clock(m), now = machine_now(m);
        run(d, now + (time - clock), resume, stop);
        if (stop->kind != DBG_STEPPED || machine_clock(m) == clock)
            break;
    }
    return 0;
}

bool dbg_over_arm(struct debugger *d)
{
    struct cpu_regs r;
    cpu_get_regs(d->cpu, &r);
    uint32_t ctx = cpu_context(d->cpu);
    char text[160];
    unsigned len = dbg_disassemble(d, ctx, r.eip, text, sizeof text);
    if (!len || (strncmp(text, "call ", 5) != 0 && strncmp(text, "int ", 4) != 0))
        return false;
    dbg_temp_break(d, r.eip + len, ctx, r.esp);
    return true;
}

void dbg_step_over(struct debugger *d, struct dbg_stop *stop)
{
    if (dbg_over_arm(d))
        dbg_continue(d, stop);
    else
        dbg_step(d, 1, stop);
}

/* ---- Memory ---- */

uint32_t dbg_read_virtual(struct debugger *d, uint32_t ctx, uint32_t vaddr, void *buf, uint32_t len)
{
    return mmu_read(machine_mmu(d->m), ctx, vaddr, buf, len);
}

uint32_t dbg_read_physical(struct debugger *d, uint32_t paddr, void *buf, uint32_t len)
{
    const void *p = physmem_ptr(machine_physmem(d->m), paddr, len);
    if (!p)
        return 0;
    memcpy(buf, p, len);
    return len;
}

uint32_t dbg_write_virtual(struct debugger *d, uint32_t ctx, uint32_t vaddr, const void *buf,
                           uint32_t len)
{
    uint32_t n = machine_write_virtual(d->m, ctx, vaddr, buf, len, WRITE_AS_DEBUGGER);
    if (n && d->travel) /* (the run from here is another one) */
        travel_forget_future(d->travel);
    return n;
}

bool dbg_set_regs(struct debugger *d, const struct cpu_regs *r)
{
    if (machine_recording(d->m))
        return false;
    cpu_set_regs(d->cpu, r);
    if (d->travel)
        travel_forget_future(d->travel);
    return true;
}

/* ---- Views ---- */

unsigned dbg_disassemble(struct debugger *d, uint32_t ctx, uint32_t vaddr, char *text, unsigned len)
{
    uint8_t buf[16];
    uint32_t got = dbg_read_virtual(d, ctx, vaddr, buf, sizeof buf);
    if (!got)
        return 0;
    unsigned n = cpu_disassemble(d->cpu, buf, got, vaddr, text, len);
    if (!n) {
        snprintf(text, len, "(bad) .byte 0x%02x", buf[0]);
        n = 1;
    }
    return n;
}

uint32_t dbg_device_peek(struct device *dev, uint32_t off)
{
    /* (read has side effects for some registers: peek, where a kind has it) */
    return dev->kind->peek ? dev->kind->peek(dev, off) : dev->kind->read(dev, off);
}

void dbg_access_text(uint32_t modeaccess, char *buf, unsigned len)
{
    size_t used = 0;
    if (len)
        buf[0] = 0;
    for (uint32_t mode = 0; mode < SPACE_MODES; mode++) {
        uint32_t b = SPACE_ACCESS_BITS(modeaccess, mode);
        int w = snprintf(buf + used, len - used, "%sM%u %c%c%c", mode ? "  " : "", mode,
                         b & SPACE_R ? 'r' : '-', b & SPACE_W ? 'w' : '-', b & SPACE_X ? 'x' : '-');
        if (w < 0 || (size_t)w >= len - used)
            return;
        used += (size_t)w;
    }
}
