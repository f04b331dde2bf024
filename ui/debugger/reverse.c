/* reverse: the debugger's time travel (declared in debugger.h) - goto,
 * reverse step, continue, next and finish - on sim/replay/travel.h. The
 * engine knows snapshots and times; this file knows what a stop is. */
#include <stdio.h>
#include <string.h>

#include "debugger.h"
#include "sim/replay/travel.h"

static void hold(void *arg, bool on)
{
    dbg_hold(arg, on);
}

void dbg_set_travel(struct debugger *d, struct travel *t)
{
    d->travel = t;
    if (t)
        travel_set_hold(t, hold, d);
}

static bool have_travel(struct debugger *d, char *err, unsigned errlen)
{
    if (!d->travel)
        snprintf(err, errlen, "time travel is off (--reverse-budget 0, or --record)");
    return d->travel != NULL;
}

/* The CPU a stop names: the one that ran last, unless halted. */
static unsigned here_cpu(struct debugger *d)
{
    unsigned i = machine_running_cpu(d->m);
    return machine_cpu_halted(d->m, i) ? d->cpu_idx : i;
}

/* Where the machine stands after travelling: kind, and the time. */
static void stand(struct debugger *d, enum dbg_stop_kind kind, struct dbg_stop *stop)
{
    unsigned long long now = (unsigned long long)machine_now(d->m);
    if (machine_state(d->m) == MACHINE_INTERRUPTED) { /* Ctrl-C on the way: stop there */
        machine_clear_interrupt(d->m);
        kind = DBG_INTERRUPTED;
    }
    *stop = (struct dbg_stop){.kind = kind, .cpu = here_cpu(d)};
    if (kind == DBG_INTERRUPTED)
        snprintf(stop->text, sizeof stop->text, "interrupted at virtual time %llu", now);
    else if (kind == DBG_HISTORY)
        snprintf(stop->text, sizeof stop->text,
                 "reached the oldest virtual time kept: %llu (the start of the history)", now);
    else if (machine_state(d->m) != MACHINE_RUNNING)
        snprintf(stop->text, sizeof stop->text, "the machine ended at virtual time %llu", now);
    else
        snprintf(stop->text, sizeof stop->text, "virtual time %llu", now);
    if (machine_state(d->m) != MACHINE_RUNNING)
        stop->kind = DBG_ENDED;
}

/* A travel to `time`, then where it stands. */
static int go(struct debugger *d, uint64_t time, enum dbg_stop_kind kind, struct dbg_stop *stop,
              char *err, unsigned errlen)
{
    dbg_temp_clear(d);
    if (travel_goto(d->travel, time, err, errlen) < 0)
        return -1;
    stand(d, kind, stop);
    return 0;
}

int dbg_goto(struct debugger *d, uint64_t time, struct dbg_stop *stop, char *err, unsigned errlen)
{
    if (!have_travel(d, err, errlen))
        return -1;
    return go(d, time, DBG_TIME, stop, err, errlen);
}

int dbg_reverse_step(struct debugger *d, uint64_t n, struct dbg_stop *stop, char *err,
                     unsigned errlen)
{
    if (!have_travel(d, err, errlen))
        return -1;
    uint64_t now = machine_now(d->m), start = travel_start(d->travel);
    if (now - start <= n)
        return go(d, start, DBG_HISTORY, stop, err, errlen);
    return go(d, now - n, DBG_STEPPED, stop, err, errlen);
}

/* ---- reverse-continue: the user's stops, scanned ---- */

struct user_scan {
    struct debugger *d;
    struct dbg_stop stop; /* the last stop found */
    bool interrupted;     /* Ctrl-C stopped a run */
};

static bool user_cancelled(void *arg)
{
    return ((struct user_scan *)arg)->interrupted;
}

static bool user_next(void *arg, uint64_t until, bool fresh)
{
    struct user_scan *s = arg;
    struct debugger *d = s->d;
    for (;;) {
        dbg_run_slice(d, until, !fresh, &s->stop);
        fresh = false;
        switch (s->stop.kind) {
        case DBG_INTERRUPTED: s->interrupted = true; return false;
        case DBG_STEPPED:
        case DBG_TIME:
        case DBG_ENDED:
        case DBG_HISTORY: return false;
        case DBG_BREAKPOINT:
            if (d->accept && !d->accept(d->accept_arg, &s->stop))
                continue;
            return true;
        default: return true;
        }
    }
}

int dbg_reverse_continue(struct debugger *d, struct dbg_stop *stop, char *err, unsigned errlen)
{
    if (!have_travel(d, err, errlen))
        return -1;
    dbg_temp_clear(d);
    uint64_t stop_time = d->stop_time;
    d->stop_time = UINT64_MAX; /* (until-time is a forward stop) */
    d->watch_before = true;
    struct user_scan s = {.d = d};
    int rc = travel_back_to_stop(
        d->travel, &(struct travel_scan){.arg = &s, .next = user_next, .cancelled = user_cancelled},
        err, errlen);
    d->watch_before = false;
    d->stop_time = stop_time;
    if (rc < 0)
        return -1;
    if (rc == 0) {
        stand(d, DBG_HISTORY, stop);
        return 0;
    }
    *stop = s.stop;
    return 0;
}

/* ---- reverse-next, reverse-finish: back to a call ---- */

/* The call (or int n) instructions that end at `ret` in ctx: where a
 * return to `ret` came from. */
static unsigned call_sites(struct debugger *d, uint32_t ctx, uint32_t ret, uint32_t *addrs)
{
    unsigned n = 0;
    for (uint32_t k = 2; k <= 7 && k <= ret; k++) {
        char text[160];
        if (dbg_disassemble(d, ctx, ret - k, text, sizeof text) == k &&
            (!strncmp(text, "call ", 5) || !strncmp(text, "int ", 4)))
            addrs[n++] = ret - k;
    }
    return n;
}

struct call_scan {
    struct debugger *d;
    uint32_t addrs[8];
    unsigned n;
    unsigned cpu;
    uint32_t ctx, esp;
    bool interrupted; /* Ctrl-C stopped a run */
};

static bool call_cancelled(void *arg)
{
    return ((struct call_scan *)arg)->interrupted;
}

/* Stops at a call site, on the CPU, in the CONTEXT, with the stack where
 * the return left it. */
static bool call_next(void *arg, uint64_t until, bool fresh)
{
    struct call_scan *s = arg;
    struct machine *m = s->d->m;
    if (!fresh)
        cpu_skip_breakpoint_once(machine_cpu(m, machine_running_cpu(m)));
    for (;;) {
        enum machine_state st = machine_run_until(m, until);
        if (st == MACHINE_INTERRUPTED) {
            s->interrupted = true;
            machine_clear_interrupt(m);
        }
        if (st != MACHINE_RUNNING || machine_pause_reason(m).why != PAUSE_BREAK)
            return false;
        unsigned i = machine_running_cpu(m);
        struct cpu *c = machine_cpu(m, i);
        struct cpu_regs r;
        cpu_get_regs(c, &r);
        if (i == s->cpu && cpu_context(c) == s->ctx && r.esp == s->esp)
            return true;
        cpu_skip_breakpoint_once(c);
    }
}

/* Back to the last time the selected CPU stood at a call ending at `ret`
 * in ctx with esp `esp`: 1, 0 (there is no call instruction there: the
 * machine has not moved), -1 (none found: at the start; or an error). */
static int back_to_call(struct debugger *d, uint32_t ctx, uint32_t ret, uint32_t esp,
                        struct dbg_stop *stop, char *err, unsigned errlen)
{
    struct call_scan s = {.d = d, .cpu = d->cpu_idx, .ctx = ctx, .esp = esp};
    if (!(s.n = call_sites(d, ctx, ret, s.addrs)))
        return 0;
    dbg_hold(d, true);
    for (unsigned i = 0; i < machine_ncpus(d->m); i++)
        cpu_set_breakpoints(machine_cpu(d->m, i), s.addrs, s.n);
    int rc = travel_back_to_stop(
        d->travel, &(struct travel_scan){.arg = &s, .next = call_next, .cancelled = call_cancelled},
        err, errlen);
    for (unsigned i = 0; i < machine_ncpus(d->m); i++)
        cpu_set_breakpoints(machine_cpu(d->m, i), NULL, 0);
    dbg_hold(d, false);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        stand(d, DBG_HISTORY, stop);
        return 1;
    }
    stand(d, DBG_STEPPED, stop);
    return 1;
}

int dbg_reverse_next(struct debugger *d, struct dbg_stop *stop, char *err, unsigned errlen)
{
    if (!have_travel(d, err, errlen))
        return -1;
    struct cpu *c = d->cpu;
    struct cpu_regs y, z;
    cpu_get_regs(c, &y);
    uint32_t yctx = cpu_context(c), ymode = cpu_mode(c);
    uint64_t ytime = cpu_time(c);
    if (dbg_reverse_step(d, 1, stop, err, errlen) != 0)
        return -1;
    if (stop->kind != DBG_STEPPED)
        return 0; /* (at the start, or the machine ended) */
    if (cpu_time(c) == ytime)
        return 0; /* another CPU's instruction */
    cpu_get_regs(c, &z);
    char text[160] = "";
    dbg_disassemble(d, cpu_context(c), z.eip, text, sizeof text);
    bool returned = cpu_context(c) != yctx || cpu_mode(c) != ymode || !strncmp(text, "ret", 3) ||
                    !strncmp(text, "iret", 4);
    if (!returned)
        return 0;
    /* It came back from a call or a handler: back over the whole of it. */
    struct dbg_stop at_z = *stop;
    int rc = back_to_call(d, yctx, y.eip, y.esp, stop, err, errlen);
    if (rc == 0)
        *stop = at_z; /* (not after a call: the instruction before was it) */
    return rc < 0 ? -1 : 0;
}

int dbg_reverse_finish(struct debugger *d, struct dbg_stop *stop, char *err, unsigned errlen)
{
    if (!have_travel(d, err, errlen))
        return -1;
    struct cpu_regs r;
    cpu_get_regs(d->cpu, &r);
    uint32_t ctx = cpu_context(d->cpu);
    /* The current function's return address: the first word on the stack
     * that a call instruction's end points to. */
    for (uint32_t a = r.esp; a - r.esp < 4096; a += 4) {
        uint32_t w, sites[8];
        if (dbg_read_virtual(d, ctx, a, &w, 4) != 4)
            break;
        if (!call_sites(d, ctx, w, sites))
            continue;
        int rc = back_to_call(d, ctx, w, a + 4, stop, err, errlen);
        if (rc != 0)
            return rc < 0 ? -1 : 0;
    }
    snprintf(err, errlen, "no return address on the stack of CONTEXT %u at 0x%x: not in a call",
             ctx, r.esp);
    return -1;
}
