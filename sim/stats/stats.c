#include "stats.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/ops.h"
#include "sim/core/trap.h"

static const char *const state_names[] = {
    [MACHINE_RUNNING] = "running",         [MACHINE_HALTED] = "halted",
    [MACHINE_STOPPED] = "stopped",         [MACHINE_LIMIT] = "limit",
    [MACHINE_INTERRUPTED] = "interrupted",
};

/* The counters of one software TLB, by name, in report order. */
static const struct {
    const char *name;
    size_t offset;
} tlb_fields[] = {
    {"hits", offsetof(struct tlb_stats, hits)},
    {"misses", offsetof(struct tlb_stats, misses)},
    {"flushes", offsetof(struct tlb_stats, flushes)},
    {"evictions", offsetof(struct tlb_stats, evictions)},
    {"invalidations", offsetof(struct tlb_stats, invalidations)},
};
#define TLB_FIELDS (sizeof tlb_fields / sizeof tlb_fields[0])

static uint64_t *tlb_field(struct tlb_stats *t, unsigned i)
{
    return (uint64_t *)((char *)t + tlb_fields[i].offset);
}

static uint64_t tlb_value(const struct tlb_stats *t, unsigned i)
{
    return *(const uint64_t *)((const char *)t + tlb_fields[i].offset);
}

void stats_collect(struct machine *m, struct space_stats *s)
{
    memset(s, 0, sizeof *s);
    s->state = machine_state(m);
    s->exit_code = machine_exit_code(m);
    /* Each CPU's clock and instructions; the engine's counters summed. */
    s->virtual_time = machine_clock(m);
    s->ncpus = machine_ncpus(m);
    for (unsigned i = 0; i < s->ncpus; i++) {
        const struct cpu_stats *cs = cpu_stats(machine_cpu(m, i)); /* (accounts CONTEXT and MODE) */
        struct stats_cpu *c = &s->cpu[i];
        c->time = cpu_time(machine_cpu(m, i));
        c->idle = cs->idle;
        c->instructions = c->time - c->idle;
        c->register_accesses = cs->mmio;
        c->context_switches = 0; /* (below, from the metrics) */
        memcpy(c->by_mode, cs->insns_by_mode, sizeof c->by_mode);
        memcpy(c->by_space, cs->insns_by_space, sizeof c->by_space);
        s->engine.blocks_learned += cs->blocks_learned;
        s->engine.code_invalidations += cs->code_invalidations;
        s->engine.tlb_fills += cs->tlb_fills;
        s->engine.uc_flushes += cs->uc_flushes;
        s->engine.steps += cs->steps;
    }

    s->machine = *machine_stats(m);
    machine_metrics(m, &s->metrics);
    for (unsigned i = 0; i < s->ncpus; i++)
        s->cpu[i].context_switches = s->metrics.cpu[i].switches;
    const struct mmu *mmu = machine_mmu(m);
    s->mapping_changes = mmu->map_ops;
    for (unsigned ctx = 0; ctx < MMU_CONTEXTS; ctx++) {
        s->tlb[ctx] = mmu->ctx[ctx].tlb.stats;
        s->pages_mapped[ctx] = mmu->ctx[ctx].table.mapped;
        s->pages_mapped_max[ctx] = mmu->ctx[ctx].table.mapped_max;
        s->unmaps[ctx] = mmu->ctx[ctx].table.unmaps;
        for (unsigned f = 0; f < TLB_FIELDS; f++)
            *tlb_field(&s->tlb_total, f) += tlb_value(&s->tlb[ctx], f);
    }

    const struct bus *b = machine_bus(m);
    s->ndevices = b->ndev;
    for (unsigned i = 0; i < b->ndev; i++) {
        const struct device *d = &b->dev[i];
        s->dev[i] = (struct stats_device){
            .name = d->kind->name,
            .index = d->index,
            .unit = d->unit,
            .trap = d->trap,
            .interrupts_raised = d->interrupts,
            .interrupts_delivered = b->stats.dev_interrupts[d->index],
            .register_reads = b->stats.dev_register_reads[d->index],
            .register_writes = b->stats.dev_register_writes[d->index],
            .dma_bytes = b->stats.dev_dma_bytes[d->index],
        };
    }
    s->register_reads = b->stats.register_reads;
    s->register_writes = b->stats.register_writes;
    s->dma_bytes = b->stats.dma_bytes;
}

/* ---- The tree ---- */

static const char *state_name(enum machine_state st)
{
    return (unsigned)st < sizeof state_names / sizeof state_names[0] ? state_names[st] : "?";
}

static uint64_t sum(const uint64_t *v, unsigned n)
{
    uint64_t t = 0;
    for (unsigned i = 0; i < n; i++)
        t += v[i];
    return t;
}

/* Building never stops half way: a failed allocation (a NULL value or
 * container) only marks the tree bad, and stats_tree drops it at the end. */
static void set(bool *bad, json_t *obj, const char *key, json_t *v)
{
    if (json_object_set_new(obj, key, v) != 0)
        *bad = true;
}

static void append(bool *bad, json_t *arr, json_t *v)
{
    if (json_array_append_new(arr, v) != 0)
        *bad = true;
}

static json_t *count(uint64_t v)
{
    return json_integer((json_int_t)v);
}

static json_t *counts(bool *bad, const uint64_t *v, unsigned n)
{
    json_t *a = json_array();
    for (unsigned i = 0; i < n; i++)
        append(bad, a, count(v[i]));
    return a;
}

static json_t *tlb_counts(bool *bad, json_t *o, const struct tlb_stats *t)
{
    for (unsigned i = 0; i < TLB_FIELDS; i++)
        set(bad, o, tlb_fields[i].name, count(tlb_value(t, i)));
    return o;
}

static json_t *cpu_tree(bool *bad, unsigned i, const struct stats_cpu *c)
{
    char num[16];
    json_t *o = json_object(), *by_context = json_object(), *by_context_mode = json_object();
    set(bad, o, "cpu", count(i));
    set(bad, o, "time", count(c->time));
    set(bad, o, "instructions", count(c->instructions));
    set(bad, o, "idle", count(c->idle));
    set(bad, o, "register_accesses", count(c->register_accesses));
    set(bad, o, "context_switches", count(c->context_switches));
    set(bad, o, "by_mode", counts(bad, c->by_mode, MMU_MODES));
    for (unsigned ctx = 0; ctx < MMU_CONTEXTS; ctx++) {
        snprintf(num, sizeof num, "%u", ctx);
        set(bad, by_context, num, count(sum(c->by_space[ctx], MMU_MODES)));
        set(bad, by_context_mode, num, counts(bad, c->by_space[ctx], MMU_MODES));
    }
    set(bad, o, "by_context", by_context);
    set(bad, o, "by_context_mode", by_context_mode);
    return o;
}

static json_t *context_tree(bool *bad, const struct space_stats *s, unsigned ctx)
{
    json_t *o = json_object();
    set(bad, o, "dispatches", count(s->metrics.ctx[ctx].dispatches));
    set(bad, o, "faults", count(s->metrics.ctx[ctx].faults));
    set(bad, o, "unmaps", count(s->unmaps[ctx]));
    set(bad, o, "pages_mapped", count(s->pages_mapped[ctx]));
    set(bad, o, "pages_mapped_max", count(s->pages_mapped_max[ctx]));
    return o;
}

/* A mean of a total over n (0 when n is). */
static uint64_t mean(uint64_t total, uint64_t n)
{
    return n ? total / n : 0;
}

static json_t *console_tree(bool *bad, const struct metrics_console *c)
{
    json_t *o = json_object();
    set(bad, o, "lines", count(c->lines));
    set(bad, o, "response_total", count(c->response_total));
    set(bad, o, "response_mean", count(mean(c->response_total, c->lines)));
    set(bad, o, "response_max", count(c->response_max));
    set(bad, o, "wakeup_total", count(c->wakeup_total));
    set(bad, o, "wakeup_mean", count(mean(c->wakeup_total, c->lines)));
    set(bad, o, "wakeup_max", count(c->wakeup_max));
    return o;
}

static json_t *device_tree(bool *bad, const struct stats_device *d)
{
    json_t *o = json_object();
    set(bad, o, "index", count(d->index));
    set(bad, o, "name", json_string(d->name ? d->name : ""));
    set(bad, o, "unit", count(d->unit));
    set(bad, o, "trap", count(d->trap));
    set(bad, o, "interrupts_raised", count(d->interrupts_raised));
    set(bad, o, "interrupts_delivered", count(d->interrupts_delivered));
    set(bad, o, "register_reads", count(d->register_reads));
    set(bad, o, "register_writes", count(d->register_writes));
    set(bad, o, "dma_bytes", count(d->dma_bytes));
    return o;
}

json_t *stats_tree(const struct space_stats *s)
{
    bool bad = false;
    char num[16];
    const struct machine_stats *ms = &s->machine;
    json_t *t = json_object();
    set(&bad, t, "format", json_string("space-stats"));
    set(&bad, t, "version", count(1));
    set(&bad, t, "state", json_string(state_name(s->state)));
    set(&bad, t, "exit_code", s->state == MACHINE_HALTED ? count(s->exit_code) : json_null());
    set(&bad, t, "virtual_time", count(s->virtual_time));
    uint64_t insns = 0, idle = 0, switches = 0;
    json_t *cpus = json_array();
    for (unsigned i = 0; i < s->ncpus; i++) {
        insns += s->cpu[i].instructions;
        idle += s->cpu[i].idle;
        switches += s->cpu[i].context_switches;
        append(&bad, cpus, cpu_tree(&bad, i, &s->cpu[i]));
    }
    set(&bad, t, "instructions", count(insns));
    set(&bad, t, "idle", count(idle));
    set(&bad, t, "context_switches", count(switches));
    set(&bad, t, "cpus", cpus);

    json_t *traps = json_object(), *by_number = json_object();
    set(&bad, traps, "total", count(sum(ms->traps, SPACE_TRAPS)));
    for (unsigned n = 0; n < SPACE_TRAPS; n++) {
        json_t *trap = json_object();
        set(&bad, trap, "name", json_string(trap_describe(n)));
        set(&bad, trap, "count", count(ms->traps[n]));
        snprintf(num, sizeof num, "%u", n);
        set(&bad, by_number, num, trap);
    }
    set(&bad, traps, "by_number", by_number);
    set(&bad, t, "traps", traps);
    set(&bad, t, "portal_traversals", count(ms->traversals));

    const struct machine_fault_stats *f = &ms->faults;
    json_t *faults = json_object();
    set(&bad, faults, "total", count(f->unmapped + f->protection + f->device));
    set(&bad, faults, "unmapped", count(f->unmapped));
    set(&bad, faults, "protection", count(f->protection));
    set(&bad, faults, "device", count(f->device));
    set(&bad, faults, "read", count(f->read));
    set(&bad, faults, "write", count(f->write));
    set(&bad, faults, "exec", count(f->exec));
    set(&bad, t, "memory_faults", faults);

    /* (an operation number without a name is never carried out) */
    json_t *ops = json_object(), *by_kind = json_object();
    set(&bad, ops, "total", count(sum(ms->ops, SPACE_OP_COUNT)));
    for (unsigned op = 0; op < SPACE_OP_COUNT; op++)
        if (strcmp(ops_name(op), "UNKNOWN") != 0)
            set(&bad, by_kind, ops_name(op), count(ms->ops[op]));
    set(&bad, ops, "by_kind", by_kind);
    set(&bad, t, "operations", ops);
    set(&bad, t, "mapping_changes", count(s->mapping_changes));

    json_t *tlb = tlb_counts(&bad, json_object(), &s->tlb_total), *tlb_by_context = json_object();
    for (unsigned ctx = 0; ctx < MMU_CONTEXTS; ctx++) {
        snprintf(num, sizeof num, "%u", ctx);
        set(&bad, tlb_by_context, num, tlb_counts(&bad, json_object(), &s->tlb[ctx]));
    }
    set(&bad, tlb, "by_context", tlb_by_context);
    set(&bad, t, "tlb", tlb);
    json_t *contexts = json_object();
    for (unsigned ctx = 0; ctx < MMU_CONTEXTS; ctx++) {
        snprintf(num, sizeof num, "%u", ctx);
        set(&bad, contexts, num, context_tree(&bad, s, ctx));
    }
    set(&bad, t, "contexts", contexts);

    uint64_t raised = 0, delivered = 0;
    json_t *devices = json_array();
    for (unsigned i = 0; i < s->ndevices; i++) {
        raised += s->dev[i].interrupts_raised;
        delivered += s->dev[i].interrupts_delivered;
        append(&bad, devices, device_tree(&bad, &s->dev[i]));
    }
    set(&bad, t, "devices", devices);
    set(&bad, t, "interrupts_raised", count(raised));
    set(&bad, t, "interrupts_delivered", count(delivered));
    set(&bad, t, "register_reads", count(s->register_reads));
    set(&bad, t, "register_writes", count(s->register_writes));
    set(&bad, t, "dma_bytes", count(s->dma_bytes));
    set(&bad, t, "console", console_tree(&bad, &s->metrics.console));
    json_t *guest = json_object();
    for (unsigned i = 0; i < s->metrics.nguest; i++)
        set(&bad, guest, s->metrics.guest[i].name, count(s->metrics.guest[i].value));
    set(&bad, t, "guest", guest);

    const struct stats_engine *e = &s->engine;
    json_t *engine = json_object();
    set(&bad, engine, "blocks_learned", count(e->blocks_learned));
    set(&bad, engine, "code_invalidations", count(e->code_invalidations));
    set(&bad, engine, "tlb_fills", count(e->tlb_fills));
    set(&bad, engine, "uc_flushes", count(e->uc_flushes));
    set(&bad, engine, "steps", count(e->steps));
    set(&bad, t, "engine", engine);
    if (bad) {
        json_decref(t);
        return NULL;
    }
    return t;
}

json_t *stats_machine(struct machine *m)
{
    struct space_stats *s = malloc(sizeof *s);
    if (!s)
        return NULL;
    stats_collect(m, s);
    json_t *t = stats_tree(s);
    free(s);
    return t;
}

/* ---- Text ---- */

#define U(x) ((unsigned long long)(x))

/* The count under key (0 if there is none). */
static uint64_t num(const json_t *obj, const char *key)
{
    return (uint64_t)json_integer_value(json_object_get(obj, key));
}

/* Are all the counts in v 0 (texts and nulls aside)? */
static bool all_zero(const json_t *v)
{
    const char *key;
    size_t i;
    json_t *m;
    if (json_is_integer(v))
        return json_integer_value(v) == 0;
    if (json_is_object(v)) {
        json_object_foreach((json_t *)v, key, m)
            if (!all_zero(m))
                return false;
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, m)
            if (!all_zero(m))
                return false;
    }
    return true;
}

/* " hits 1, misses 2, ...": the counts directly in obj. */
static void write_counts(FILE *out, const json_t *obj)
{
    const char *key, *sep = " ";
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
        if (json_is_integer(v)) {
            fprintf(out, "%s%s %llu", sep, key, U(json_integer_value(v)));
            sep = ", ";
        }
}

void stats_write_text(FILE *out, const json_t *t)
{
    const char *key;
    size_t i;
    json_t *v;
    fprintf(out, "statistics: %s", json_string_value(json_object_get(t, "state")));
    if (json_is_integer(json_object_get(t, "exit_code")))
        fprintf(out, " (exit code %llu)", U(num(t, "exit_code")));
    fprintf(out, " at virtual time %llu\n", U(num(t, "virtual_time")));
    json_t *c;
    json_array_foreach(json_object_get(t, "cpus"), i, c) {
        fprintf(out,
                "CPU %llu: instructions %llu, idle %llu, register accesses %llu, context switches "
                "%llu\n",
                U(num(c, "cpu")), U(num(c, "instructions")), U(num(c, "idle")),
                U(num(c, "register_accesses")), U(num(c, "context_switches")));
        fprintf(out, "  by MODE:");
        size_t mode; /* (not i: that counts the CPUs) */
        json_array_foreach(json_object_get(c, "by_mode"), mode, v)
            fprintf(out, " %zu: %llu", mode, U(json_integer_value(v)));
        fprintf(out, "\n  by CONTEXT:");
        json_object_foreach(json_object_get(c, "by_context"), key, v)
            if (json_integer_value(v))
                fprintf(out, " %s: %llu", key, U(json_integer_value(v)));
        fputc('\n', out);
    }

    const json_t *traps = json_object_get(t, "traps");
    fprintf(out, "traps %llu", U(num(traps, "total")));
    const char *sep = ": ";
    json_object_foreach(json_object_get(traps, "by_number"), key, v)
        if (num(v, "count")) {
            fprintf(out, "%s%s %s %llu", sep, key, json_string_value(json_object_get(v, "name")),
                    U(num(v, "count")));
            sep = ", ";
        }
    fprintf(out, "\nportal traversals %llu\n", U(num(t, "portal_traversals")));
    const json_t *f = json_object_get(t, "memory_faults");
    fprintf(out,
            "memory faults %llu: unmapped %llu, protection %llu, device %llu; read %llu, "
            "write %llu, exec %llu\n",
            U(num(f, "total")), U(num(f, "unmapped")), U(num(f, "protection")), U(num(f, "device")),
            U(num(f, "read")), U(num(f, "write")), U(num(f, "exec")));
    const json_t *ops = json_object_get(t, "operations");
    fprintf(out, "operations %llu", U(num(ops, "total")));
    sep = ": ";
    json_object_foreach(json_object_get(ops, "by_kind"), key, v)
        if (json_integer_value(v)) {
            fprintf(out, "%s%s %llu", sep, key, U(json_integer_value(v)));
            sep = ", ";
        }
    fprintf(out, "\nmapping changes %llu\n", U(num(t, "mapping_changes")));

    const json_t *tlb = json_object_get(t, "tlb");
    fprintf(out, "TLBs:");
    write_counts(out, tlb);
    fputc('\n', out);
    json_object_foreach(json_object_get(tlb, "by_context"), key, v)
        if (!all_zero(v)) {
            fprintf(out, "  CONTEXT %s:", key);
            write_counts(out, v);
            fputc('\n', out);
        }

    fprintf(out, "context switches %llu\n", U(num(t, "context_switches")));
    json_object_foreach(json_object_get(t, "contexts"), key, v)
        if (!all_zero(v)) {
            fprintf(out, "  CONTEXT %s:", key);
            write_counts(out, v);
            fputc('\n', out);
        }
    fprintf(out, "console:");
    write_counts(out, json_object_get(t, "console"));
    fputc('\n', out);
    const json_t *guest = json_object_get(t, "guest");
    if (json_object_size(guest)) {
        fprintf(out, "guest metrics:");
        write_counts(out, guest);
        fputc('\n', out);
    }

    fprintf(out, "devices: register reads %llu, writes %llu, DMA bytes %llu\n",
            U(num(t, "register_reads")), U(num(t, "register_writes")), U(num(t, "dma_bytes")));
    json_t *d;
    json_array_foreach(json_object_get(t, "devices"), i, d)
        fprintf(out,
                "  %llu %s unit %llu (trap %llu): interrupts raised %llu, delivered %llu; "
                "register reads %llu, writes %llu; DMA bytes %llu\n",
                U(num(d, "index")), json_string_value(json_object_get(d, "name")),
                U(num(d, "unit")), U(num(d, "trap")), U(num(d, "interrupts_raised")),
                U(num(d, "interrupts_delivered")), U(num(d, "register_reads")),
                U(num(d, "register_writes")), U(num(d, "dma_bytes")));
    const json_t *e = json_object_get(t, "engine");
    fprintf(out,
            "engine: blocks learned %llu, code invalidations %llu, Unicorn TLB fills %llu, "
            "Unicorn TLB flushes %llu, single steps %llu\n",
            U(num(e, "blocks_learned")), U(num(e, "code_invalidations")), U(num(e, "tlb_fills")),
            U(num(e, "uc_flushes")), U(num(e, "steps")));
}

/* ---- JSON ---- */

/* The report lists only what counted something in an object keyed by
 * numbers (traps, CONTEXTs, their TLBs): are all of its keys numbers? */
static bool keyed_by_number(const json_t *obj)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
        if (strspn(key, "0123456789") != strlen(key))
            return false;
    return true;
}

/* Leaves out what the report does not list, everywhere in v. */
static void prune(json_t *v)
{
    const char *key;
    size_t i;
    json_t *m;
    void *tmp;
    if (json_is_object(v)) {
        bool sparse = keyed_by_number(v);
        json_object_foreach_safe(v, tmp, key, m) {
            if (sparse && all_zero(m))
                json_object_del(v, key);
            else
                prune(m);
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, m)
            prune(m);
    }
}

json_t *stats_report(const json_t *tree)
{
    json_t *r = json_deep_copy(tree);
    if (r)
        prune(r);
    return r;
}

/* A number, a text or null, as jansson writes it. */
static void write_scalar(FILE *out, const json_t *v)
{
    char *s = json_dumps(v, JSON_ENCODE_ANY);
    fputs(s ? s : "null", out);
    free(s);
}

static bool holds_containers(const json_t *arr)
{
    size_t i;
    json_t *m;
    json_array_foreach(arr, i, m)
        if (json_is_object(m) || json_is_array(m))
            return true;
    return false;
}

/* Starts the next member of a container: the comma, the line, the
 * indentation. */
static void next_member(FILE *out, size_t *n, int depth)
{
    fprintf(out, "%s\n%*s", (*n)++ ? "," : "", 2 * depth, "");
}

/* The report of v, laid out: objects and arrays one member a line,
 * indented by two spaces a level; an array of numbers on one line. */
static void write_report(FILE *out, const json_t *v, int depth)
{
    bool obj = json_is_object(v);
    if (!obj && !(json_is_array(v) && holds_containers(v))) {
        write_scalar(out, v); /* (an array of numbers too: "[7, 0, 0, 0]") */
        return;
    }
    const char *key;
    size_t i, n = 0;
    json_t *m;
    fputc(obj ? '{' : '[', out);
    if (obj) {
        bool sparse = keyed_by_number(v);
        json_object_foreach((json_t *)v, key, m) {
            if (sparse && all_zero(m))
                continue;
            next_member(out, &n, depth + 1);
            json_t *k = json_string(key);
            write_scalar(out, k);
            json_decref(k);
            fputs(": ", out);
            write_report(out, m, depth + 1);
        }
    } else {
        json_array_foreach(v, i, m) {
            next_member(out, &n, depth + 1);
            write_report(out, m, depth + 1);
        }
    }
    if (n)
        fprintf(out, "\n%*s", 2 * depth, "");
    fputc(obj ? '}' : ']', out);
}

void stats_write_json(FILE *out, const json_t *tree)
{
    write_report(out, tree, 0);
    fputc('\n', out);
}
