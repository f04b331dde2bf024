/* sdb_run: running the machine from the prompt - step, next, continue,
 * until-time, and backwards (reverse-*, goto: debugger.h's time travel)
 * - and telling what stopped it. Ctrl-C interrupts a run, not
 * the debugger: the machine stops at an instruction boundary and the
 * prompt comes back. A breakpoint set on a program's symbol stops only in
 * a CONTEXT running that program; elsewhere run() goes on as if it were
 * not there. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "ui/debugger/debugger.h"
#include "sdb_internal.h"
#include "ui/debugger/symbols.h"

static const char *ended_text(struct machine *m)
{
    switch (machine_state(m)) {
    case MACHINE_HALTED: return "halted";
    case MACHINE_LIMIT: return "reached its instruction limit";
    default: return "stopped";
    }
}

static bool can_run(struct cli *c)
{
    if (machine_state(c->m) != MACHINE_RUNNING) {
        sdb_error(c, "the machine has %s: nothing more to run (quit, or inspect it)",
                  ended_text(c->m));
        return false;
    }
    return true;
}

/* Why the machine stopped, then where it stands (except after a halt).
 * With several CPUs, first which CPU stopped (the one now selected). */
static void report(struct cli *c, struct dbg_stop *stop, bool with_time)
{
    char s1[160], s2[160];
    uint32_t ctx = sdb_cur_ctx(c);
    struct item *it;
    if (machine_ncpus(c->m) > 1)
        fprintf(c->out, "cpu %u stopped at 0x%x%s, CONTEXT %u MODE %u\n", stop->cpu, sdb_cur_pc(c),
                sdb_sym(c, ctx, sdb_cur_pc(c), s1, sizeof s1), ctx, cpu_mode(c->d.cpu));
    switch (stop->kind) {
    case DBG_STEPPED:
    case DBG_TEMP: break;
    case DBG_BREAKPOINT:
        it = sdb_item_of_core(c, ITEM_BREAK, stop->id);
        fprintf(c->out, "breakpoint %d at 0x%x%s, CONTEXT %u MODE %u\n", it ? it->number : stop->id,
                sdb_cur_pc(c), sdb_sym(c, ctx, sdb_cur_pc(c), s1, sizeof s1), ctx,
                cpu_mode(c->d.cpu));
        break;
    case DBG_WATCHPOINT: {
        it = sdb_item_of_core(c, ITEM_WATCH, stop->id);
        uint32_t wctx = it ? (uint32_t)it->ctx : ctx;
        fprintf(c->out, "watchpoint %d: %s of 0x%x%s in CONTEXT %u", it ? it->number : stop->id,
                stop->write ? "write" : "read", stop->addr,
                sdb_sym(c, wctx, stop->addr, s1, sizeof s1), wctx);
        /* the instruction is the one before the pc: the core's text has it */
        const char *by = strstr(stop->text, "by the instruction at ");
        uint32_t at;
        if (by && sdb_parse_u32(by + 22, &at))
            fprintf(c->out, " by the instruction at 0x%x%s", at,
                    sdb_sym(c, wctx, at, s2, sizeof s2));
        uint32_t v = 0, len = it && it->len < 4 ? it->len : 4;
        if (dbg_read_virtual(&c->d, wctx, stop->addr, &v, len) == len)
            fprintf(c->out, "; value now 0x%0*x", (int)len * 2, v);
        fputc('\n', c->out);
        break;
    }
    default: fprintf(c->out, "%s\n", stop->text); break;
    }
    if (with_time && stop->kind != DBG_TIME && stop->kind != DBG_HISTORY &&
        stop->kind != DBG_ENDED) /* (their line names the time) */
        fprintf(c->out, "virtual time %llu\n", (unsigned long long)machine_now(c->m));
    if (stop->kind == DBG_ENDED) {
        if (machine_state(c->m) == MACHINE_STOPPED)
            machine_describe_chain(c->m, c->out);
        if (machine_state(c->m) == MACHINE_HALTED) {
            fprintf(c->out, "virtual time %llu\n", (unsigned long long)machine_now(c->m));
            return;
        }
    }
    sdb_show_location(c);
}

bool sdb_break_counts(void *arg, const struct dbg_stop *stop)
{
    struct cli *c = arg;
    struct item *it = sdb_item_of_core(c, ITEM_BREAK, stop->id);
    if (!it || !it->program)
        return true;
    symbols_memory_changed(c->sym); /* (going back changed memory) */
    const char *here = symbols_program_in(c->sym, cpu_context(machine_cpu(c->m, stop->cpu)));
    return here && !strcmp(here, it->program);
}

enum run_how { RUN_STEP, RUN_CONTINUE, RUN_NEXT };

/* Runs: n instructions (step), until something stops it (continue), or
 * over the instruction at the pc (next: a call or int n until it returns). */
static void run(struct cli *c, enum run_how how, uint64_t n)
{
    struct machine *m = c->m;
    if (!can_run(c))
        return;
    bool over = how == RUN_NEXT && dbg_over_arm(&c->d);
    struct dbg_temp armed = c->d.temp;
    if (how == RUN_NEXT && !over) {
        how = RUN_STEP; /* not a call: next is one step */
        n = 1;
    }
    uint64_t start = machine_now(m);
    uint64_t target = start + n < start ? UINT64_MAX : start + n;
    struct dbg_stop stop;
    fflush(c->out);
    for (;;) {
        machine_ctrl_c_target(m, false); /* Ctrl-C: only while it runs */
        if (how == RUN_STEP)
            dbg_step(&c->d, target - machine_now(m), &stop);
        else
            dbg_continue(&c->d, &stop);
        machine_ctrl_c_target(NULL, false);
        symbols_memory_changed(c->sym);
        if (stop.kind != DBG_BREAKPOINT)
            break;
        struct item *it = sdb_item_of_core(c, ITEM_BREAK, stop.id);
        if (!sdb_break_counts(c, &stop)) {
            /* another program at the same address: not this one */
            if (how == RUN_STEP && machine_now(m) >= target) {
                stop.kind = DBG_STEPPED;
                break;
            }
            if (over) /* (the stop disarmed it) */
                dbg_temp_break(&c->d, armed.addr, armed.ctx, armed.min_esp);
            continue;
        }
        if (it)
            it->hits++;
        break;
    }
    fflush(stdout);
    dbg_select_cpu(&c->d, stop.cpu); /* the views follow the CPU that stopped */
    report(c, &stop, false);
}

void sdb_cmd_step(struct cli *c, int argc, char **argv)
{
    uint64_t n = 1;
    if (argc > 2 || (argc == 2 && (!sdb_parse_u64(argv[1], &n) || !n))) {
        sdb_error(c, "step takes a positive instruction count");
        return;
    }
    snprintf(c->repeat, sizeof c->repeat, "step %llu", (unsigned long long)n);
    run(c, RUN_STEP, n);
}

void sdb_cmd_next(struct cli *c, int argc, char **argv)
{
    (void)argv;
    if (!sdb_no_args(c, argc, "next"))
        return;
    snprintf(c->repeat, sizeof c->repeat, "next");
    run(c, RUN_NEXT, 0);
}

void sdb_cmd_continue(struct cli *c, int argc, char **argv)
{
    (void)argv;
    if (!sdb_no_args(c, argc, "continue"))
        return;
    snprintf(c->repeat, sizeof c->repeat, "continue");
    run(c, RUN_CONTINUE, 0);
}

void sdb_cmd_until_time(struct cli *c, int argc, char **argv)
{
    uint64_t t, now = machine_now(c->m);
    bool rel = argc == 2 && argv[1][0] == '+';
    if (argc != 2 || !sdb_parse_u64(argv[1] + rel, &t) || (rel && t == 0)) {
        sdb_error(c, "usage: until-time T (a virtual time) or until-time +N (N from now)");
        return;
    }
    if (rel)
        t = now + t < now ? UINT64_MAX : now + t;
    if (t <= now) {
        sdb_error(c, "virtual time %llu has passed (it is %llu now)", (unsigned long long)t,
                  (unsigned long long)now);
        return;
    }
    if (!can_run(c))
        return;
    c->d.stop_time = t;
    c->repeat[0] = 0;
    run(c, RUN_CONTINUE, 0);
}

/* ---- Backwards ---- */

/* A time travel of debugger.h, with its number (a count, a time) if any. */
typedef int travel_fn(struct debugger *d, uint64_t n, struct dbg_stop *stop, char *err,
                      unsigned errlen);

static int do_reverse_next(struct debugger *d, uint64_t n, struct dbg_stop *stop, char *err,
                           unsigned errlen)
{
    (void)n;
    return dbg_reverse_next(d, stop, err, errlen);
}

static int do_reverse_continue(struct debugger *d, uint64_t n, struct dbg_stop *stop, char *err,
                               unsigned errlen)
{
    (void)n;
    return dbg_reverse_continue(d, stop, err, errlen);
}

static int do_reverse_finish(struct debugger *d, uint64_t n, struct dbg_stop *stop, char *err,
                             unsigned errlen)
{
    (void)n;
    return dbg_reverse_finish(d, stop, err, errlen);
}

/* Travels (Ctrl-C stops its runs), then shows the stop with the virtual
 * time. `repeat`: what an empty line does next ("": nothing). */
static void travel(struct cli *c, travel_fn *fn, uint64_t n, const char *repeat)
{
    struct dbg_stop stop;
    char err[256];
    fflush(c->out);
    machine_ctrl_c_target(c->m, false);
    int rc = fn(&c->d, n, &stop, err, sizeof err);
    machine_ctrl_c_target(NULL, false);
    symbols_memory_changed(c->sym);
    if (rc != 0) {
        sdb_error(c, "%s", err);
        return;
    }
    snprintf(c->repeat, sizeof c->repeat, "%s", repeat);
    dbg_select_cpu(&c->d, stop.cpu);
    report(c, &stop, true);
}

void sdb_cmd_reverse_step(struct cli *c, int argc, char **argv)
{
    uint64_t n = 1;
    if (argc > 2 || (argc == 2 && (!sdb_parse_u64(argv[1], &n) || !n))) {
        sdb_error(c, "%s takes a positive instruction count", argv[0]);
        return;
    }
    char repeat[40];
    snprintf(repeat, sizeof repeat, "reverse-stepi %llu", (unsigned long long)n);
    travel(c, dbg_reverse_step, n, repeat);
}

void sdb_cmd_reverse_next(struct cli *c, int argc, char **argv)
{
    (void)argv;
    if (sdb_no_args(c, argc, "reverse-next"))
        travel(c, do_reverse_next, 0, "reverse-next");
}

void sdb_cmd_reverse_continue(struct cli *c, int argc, char **argv)
{
    (void)argv;
    if (sdb_no_args(c, argc, "reverse-continue"))
        travel(c, do_reverse_continue, 0, "reverse-continue");
}

void sdb_cmd_reverse_finish(struct cli *c, int argc, char **argv)
{
    (void)argv;
    if (sdb_no_args(c, argc, "reverse-finish"))
        travel(c, do_reverse_finish, 0, "reverse-finish");
}

void sdb_cmd_goto(struct cli *c, int argc, char **argv)
{
    uint64_t t;
    if (argc != 2 || !sdb_parse_u64(argv[1], &t)) {
        sdb_error(c, "usage: goto T (a virtual time, past or future)");
        return;
    }
    travel(c, dbg_goto, t, "");
}
