#include "stats.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "sim/core/ops.h"
#include "sim/core/trap.h"

#define U(x) ((unsigned long long)(x))

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
    s->virtual_time = machine_now(m);

    /* CPU 0, the only one */
    const struct cpu_stats *cs = cpu_stats(machine_cpu(m, 0)); /* (accounts CONTEXT and MODE) */
    s->ncpus = 1;
    struct stats_cpu *c = &s->cpu[0];
    c->time = machine_now(m);
    c->idle = cs->idle;
    c->instructions = c->time - c->idle;
    c->register_accesses = cs->mmio;
    memcpy(c->by_mode, cs->insns_by_mode, sizeof c->by_mode);
    memcpy(c->by_space, cs->insns_by_space, sizeof c->by_space);
    s->engine = (struct stats_engine){
        .blocks_learned = cs->blocks_learned,
        .code_invalidations = cs->code_invalidations,
        .tlb_fills = cs->tlb_fills,
        .uc_flushes = cs->uc_flushes,
        .steps = cs->steps,
    };

    s->machine = *machine_stats(m);
    const struct mmu *mmu = machine_mmu(m);
    s->mapping_changes = mmu->map_ops;
    for (unsigned ctx = 0; ctx < MMU_CONTEXTS; ctx++) {
        s->tlb[ctx] = mmu->ctx[ctx].tlb.stats;
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
            .interrupts_delivered = b->stats.interrupts[d->index],
            .register_reads = b->stats.dev_register_reads[d->index],
            .register_writes = b->stats.dev_register_writes[d->index],
            .dma_bytes = b->stats.dev_dma_bytes[d->index],
        };
    }
    s->register_reads = b->stats.register_reads;
    s->register_writes = b->stats.register_writes;
    s->dma_bytes = b->stats.dma_bytes;
}

/* ---- Sums the writers share ---- */

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

static uint64_t faults_total(const struct machine_fault_stats *f)
{
    return f->unmapped + f->protection + f->device;
}

static bool tlb_active(const struct tlb_stats *t)
{
    for (unsigned f = 0; f < TLB_FIELDS; f++)
        if (tlb_value(t, f))
            return true;
    return false;
}

/* ---- Text ---- */

void stats_write_text(FILE *out, const struct space_stats *s)
{
    fprintf(out, "statistics: %s", state_name(s->state));
    if (s->state == MACHINE_HALTED)
        fprintf(out, " (exit code %u)", s->exit_code);
    fprintf(out, " at virtual time %llu\n", U(s->virtual_time));
    for (unsigned i = 0; i < s->ncpus; i++) {
        const struct stats_cpu *c = &s->cpu[i];
        fprintf(out, "CPU %u: instructions %llu, idle %llu, register accesses %llu\n", i,
                U(c->instructions), U(c->idle), U(c->register_accesses));
        fprintf(out, "  by MODE:");
        for (unsigned md = 0; md < MMU_MODES; md++)
            fprintf(out, " %u: %llu", md, U(c->by_mode[md]));
        fprintf(out, "\n  by CONTEXT:");
        for (unsigned ctx = 0; ctx < MMU_CONTEXTS; ctx++) {
            uint64_t n = sum(c->by_space[ctx], MMU_MODES);
            if (n)
                fprintf(out, " %u: %llu", ctx, U(n));
        }
        fputc('\n', out);
    }

    const struct machine_stats *ms = &s->machine;
    fprintf(out, "traps %llu", U(sum(ms->traps, SPACE_TRAPS)));
    const char *sep = ": ";
    for (unsigned t = 0; t < SPACE_TRAPS; t++)
        if (ms->traps[t]) {
            fprintf(out, "%s%u %s %llu", sep, t, trap_describe(t), U(ms->traps[t]));
            sep = ", ";
        }
    fprintf(out, "\nportal traversals %llu\n", U(ms->traversals));
    const struct machine_fault_stats *f = &ms->faults;
    fprintf(out,
            "memory faults %llu: unmapped %llu, protection %llu, device %llu; read %llu, "
            "write %llu, exec %llu\n",
            U(faults_total(f)), U(f->unmapped), U(f->protection), U(f->device), U(f->read),
            U(f->write), U(f->exec));
    fprintf(out, "operations %llu", U(sum(ms->ops, SPACE_OP_COUNT)));
    sep = ": ";
    for (unsigned op = 0; op < SPACE_OP_COUNT; op++)
        if (ms->ops[op]) {
            fprintf(out, "%s%s %llu", sep, ops_name(op), U(ms->ops[op]));
            sep = ", ";
        }
    fprintf(out, "\nmapping changes %llu\n", U(s->mapping_changes));

    fprintf(out, "TLBs:");
    for (unsigned i = 0; i < TLB_FIELDS; i++)
        fprintf(out, "%s %s %llu", i ? "," : "", tlb_fields[i].name,
                U(tlb_value(&s->tlb_total, i)));
    fputc('\n', out);
    for (unsigned ctx = 0; ctx < MMU_CONTEXTS; ctx++) {
        if (!tlb_active(&s->tlb[ctx]))
            continue;
        fprintf(out, "  CONTEXT %u:", ctx);
        for (unsigned i = 0; i < TLB_FIELDS; i++)
            fprintf(out, "%s %s %llu", i ? "," : "", tlb_fields[i].name,
                    U(tlb_value(&s->tlb[ctx], i)));
        fputc('\n', out);
    }

    fprintf(out, "devices: register reads %llu, writes %llu, DMA bytes %llu\n",
            U(s->register_reads), U(s->register_writes), U(s->dma_bytes));
    for (unsigned i = 0; i < s->ndevices; i++) {
        const struct stats_device *d = &s->dev[i];
        fprintf(out,
                "  %u %s unit %u (trap %u): interrupts raised %llu, delivered %llu; register "
                "reads %llu, writes %llu; DMA bytes %llu\n",
                d->index, d->name, d->unit, d->trap, U(d->interrupts_raised),
                U(d->interrupts_delivered), U(d->register_reads), U(d->register_writes),
                U(d->dma_bytes));
    }
    const struct stats_engine *e = &s->engine;
    fprintf(out,
            "engine: blocks learned %llu, code invalidations %llu, Unicorn TLB fills %llu, "
            "Unicorn TLB flushes %llu, single steps %llu\n",
            U(e->blocks_learned), U(e->code_invalidations), U(e->tlb_fills), U(e->uc_flushes),
            U(e->steps));
}

/* ---- JSON ---- */

/* A small emitter: objects and arrays one member a line, indented by two
 * spaces a level; arrays of numbers on one line. */
struct json {
    FILE *out;
    int depth;
    bool first; /* no member yet in the innermost container */
};

static void json_string(FILE *out, const char *str)
{
    fputc('"', out);
    for (const char *p = str; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch == '"' || ch == '\\')
            fprintf(out, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(out, "\\u%04x", ch);
        else
            fputc(ch, out);
    }
    fputc('"', out);
}

/* Starts a member: the comma, the line, the indentation, `"key": `. */
static void json_key(struct json *j, const char *key)
{
    fprintf(j->out, "%s\n%*s", j->first ? "" : ",", 2 * j->depth, "");
    j->first = false;
    if (key) {
        json_string(j->out, key);
        fputs(": ", j->out);
    }
}

static void json_open(struct json *j, const char *key, char bracket)
{
    json_key(j, key);
    fputc(bracket, j->out);
    j->depth++;
    j->first = true;
}

static void json_close(struct json *j, char bracket)
{
    j->depth--;
    if (!j->first)
        fprintf(j->out, "\n%*s", 2 * j->depth, "");
    fputc(bracket, j->out);
    j->first = false;
}

static void json_u64(struct json *j, const char *key, uint64_t v)
{
    json_key(j, key);
    fprintf(j->out, "%llu", U(v));
}

static void json_str(struct json *j, const char *key, const char *v)
{
    json_key(j, key);
    json_string(j->out, v);
}

static void json_u64_array(struct json *j, const char *key, const uint64_t *v, unsigned n)
{
    json_key(j, key);
    fputc('[', j->out);
    for (unsigned i = 0; i < n; i++)
        fprintf(j->out, "%s%llu", i ? ", " : "", U(v[i]));
    fputc(']', j->out);
}

static void json_tlb(struct json *j, const char *key, const struct tlb_stats *t)
{
    if (key)
        json_open(j, key, '{');
    for (unsigned i = 0; i < TLB_FIELDS; i++)
        json_u64(j, tlb_fields[i].name, tlb_value(t, i));
    if (key)
        json_close(j, '}');
}

static void json_cpu(struct json *j, unsigned i, const struct stats_cpu *c)
{
    char num[16];
    json_open(j, NULL, '{');
    json_u64(j, "cpu", i);
    json_u64(j, "time", c->time);
    json_u64(j, "instructions", c->instructions);
    json_u64(j, "idle", c->idle);
    json_u64(j, "register_accesses", c->register_accesses);
    json_u64_array(j, "by_mode", c->by_mode, MMU_MODES);
    json_open(j, "by_context", '{');
    for (unsigned ctx = 0; ctx < MMU_CONTEXTS; ctx++) {
        uint64_t n = sum(c->by_space[ctx], MMU_MODES);
        snprintf(num, sizeof num, "%u", ctx);
        if (n)
            json_u64(j, num, n);
    }
    json_close(j, '}');
    json_open(j, "by_context_mode", '{');
    for (unsigned ctx = 0; ctx < MMU_CONTEXTS; ctx++) {
        snprintf(num, sizeof num, "%u", ctx);
        if (sum(c->by_space[ctx], MMU_MODES))
            json_u64_array(j, num, c->by_space[ctx], MMU_MODES);
    }
    json_close(j, '}');
    json_close(j, '}');
}

void stats_write_json(FILE *out, const struct space_stats *s)
{
    struct json j = {.out = out, .first = true};
    char num[16];
    const struct machine_stats *ms = &s->machine;

    fputc('{', out);
    j.depth = 1;
    json_str(&j, "format", "space-stats");
    json_u64(&j, "version", 1);
    json_str(&j, "state", state_name(s->state));
    json_key(&j, "exit_code");
    if (s->state == MACHINE_HALTED)
        fprintf(out, "%u", s->exit_code);
    else
        fputs("null", out);
    json_u64(&j, "virtual_time", s->virtual_time);
    uint64_t insns = 0, idle = 0;
    for (unsigned i = 0; i < s->ncpus; i++) {
        insns += s->cpu[i].instructions;
        idle += s->cpu[i].idle;
    }
    json_u64(&j, "instructions", insns);
    json_u64(&j, "idle", idle);
    json_open(&j, "cpus", '[');
    for (unsigned i = 0; i < s->ncpus; i++)
        json_cpu(&j, i, &s->cpu[i]);
    json_close(&j, ']');

    json_open(&j, "traps", '{');
    json_u64(&j, "total", sum(ms->traps, SPACE_TRAPS));
    json_open(&j, "by_number", '{');
    for (unsigned t = 0; t < SPACE_TRAPS; t++) {
        if (!ms->traps[t])
            continue;
        snprintf(num, sizeof num, "%u", t);
        json_open(&j, num, '{');
        json_str(&j, "name", trap_describe(t));
        json_u64(&j, "count", ms->traps[t]);
        json_close(&j, '}');
    }
    json_close(&j, '}');
    json_close(&j, '}');
    json_u64(&j, "portal_traversals", ms->traversals);

    const struct machine_fault_stats *f = &ms->faults;
    json_open(&j, "memory_faults", '{');
    json_u64(&j, "total", faults_total(f));
    json_u64(&j, "unmapped", f->unmapped);
    json_u64(&j, "protection", f->protection);
    json_u64(&j, "device", f->device);
    json_u64(&j, "read", f->read);
    json_u64(&j, "write", f->write);
    json_u64(&j, "exec", f->exec);
    json_close(&j, '}');

    json_open(&j, "operations", '{');
    json_u64(&j, "total", sum(ms->ops, SPACE_OP_COUNT));
    json_open(&j, "by_kind", '{');
    for (unsigned op = 0; op < SPACE_OP_COUNT; op++)
        if (strcmp(ops_name(op), "UNKNOWN") != 0)
            json_u64(&j, ops_name(op), ms->ops[op]);
    json_close(&j, '}');
    json_close(&j, '}');
    json_u64(&j, "mapping_changes", s->mapping_changes);

    json_open(&j, "tlb", '{');
    json_tlb(&j, NULL, &s->tlb_total);
    json_open(&j, "by_context", '{');
    for (unsigned ctx = 0; ctx < MMU_CONTEXTS; ctx++) {
        snprintf(num, sizeof num, "%u", ctx);
        if (tlb_active(&s->tlb[ctx]))
            json_tlb(&j, num, &s->tlb[ctx]);
    }
    json_close(&j, '}');
    json_close(&j, '}');

    uint64_t raised = 0, delivered = 0;
    json_open(&j, "devices", '[');
    for (unsigned i = 0; i < s->ndevices; i++) {
        const struct stats_device *d = &s->dev[i];
        raised += d->interrupts_raised;
        delivered += d->interrupts_delivered;
        json_open(&j, NULL, '{');
        json_u64(&j, "index", d->index);
        json_str(&j, "name", d->name);
        json_u64(&j, "unit", d->unit);
        json_u64(&j, "trap", d->trap);
        json_u64(&j, "interrupts_raised", d->interrupts_raised);
        json_u64(&j, "interrupts_delivered", d->interrupts_delivered);
        json_u64(&j, "register_reads", d->register_reads);
        json_u64(&j, "register_writes", d->register_writes);
        json_u64(&j, "dma_bytes", d->dma_bytes);
        json_close(&j, '}');
    }
    json_close(&j, ']');
    json_u64(&j, "interrupts_raised", raised);
    json_u64(&j, "interrupts_delivered", delivered);
    json_u64(&j, "register_reads", s->register_reads);
    json_u64(&j, "register_writes", s->register_writes);
    json_u64(&j, "dma_bytes", s->dma_bytes);

    const struct stats_engine *e = &s->engine;
    json_open(&j, "engine", '{');
    json_u64(&j, "blocks_learned", e->blocks_learned);
    json_u64(&j, "code_invalidations", e->code_invalidations);
    json_u64(&j, "tlb_fills", e->tlb_fills);
    json_u64(&j, "uc_flushes", e->uc_flushes);
    json_u64(&j, "steps", e->steps);
    json_close(&j, '}');
    j.depth = 0;
    fputs("\n}\n", out);
}
