#include "timeline.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/bus.h"
#include "sim/core/trap.h"
#include "sim/net/cluster.h"

#define RING           4096u /* slices kept per CPU for the window */
#define DEV_TID        1000u /* tid of bus device i: DEV_TID + i */
#define FIRST_INTERVAL 10000u
#define LINES          32u /* IPIs: traps 32..63 */
/* Arrow ids: a node's own from node << NODE_FLOWS, a frame copy's from
 * FRAME_FLOWS on (both below 2^53, which JSON readers keep exact). */
#define NODE_FLOWS  32u
#define FRAME_FLOWS (1ull << 48)

/* Where a CPU stands: its open segment began at virtual time t0 with busy
 * time b0. A segment is idle first (after space_wait, or before the CPU
 * was started) and then busy: a CPU only idles between space_wait and the
 * next thing the probe reports, so the split is exact. */
struct tl_cpu {
    uint64_t t0, b0;
    uint32_t ctx, mode;
    uint64_t next_sample;     /* the counters' next sample, in this CPU's time */
    uint64_t faults, tlb;     /* the counters at the last sample */
    uint64_t ipi_flow[LINES]; /* the arrow of a pending IPI (0: none) */
    struct timeline_slice ring[RING];
    unsigned head, kept;
};

struct timeline {
    struct machine *m;
    FILE *out;
    struct timeline_options o;
    uint64_t flows;                     /* the last arrow id given */
    unsigned net_tid;                   /* the net device's track (CPU 0's if none) */
    uint64_t dev_flow[BUS_MAX_DEVICES]; /* the arrow of a pending device line */
    unsigned ncpus;
    struct tl_cpu cpu[];
};

/* ---- Writing ---- */

static bool in_window(const struct timeline *t, uint64_t ts)
{
    return ts >= t->o.from && (!t->o.to || ts < t->o.to);
}

/* A JSON string: bytes a guest chose may be anything, so all but plain
 * ASCII is escaped (the file stays valid UTF-8). */
static void put_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

/* The start of one event, up to its args (the caller writes them, or "{}",
 * and the closing brace). */
static void event_head(struct timeline *t, const char *ph, const char *cat, const char *name,
                       unsigned tid, uint64_t ts)
{
    fprintf(t->out, ",\n{\"ph\":\"%s\",\"cat\":\"%s\",\"name\":", ph, cat);
    put_string(t->out, name);
    fprintf(t->out, ",\"pid\":%u,\"tid\":%u,\"ts\":%" PRIu64, t->o.node, tid, ts);
}

static void meta(struct timeline *t, const char *what, unsigned tid, const char *name)
{
    fprintf(t->out,
            ",\n{\"ph\":\"M\",\"name\":\"%s\",\"pid\":%u,\"tid\":%u,\"args\":{\"name\":", what,
            t->o.node, tid);
    put_string(t->out, name);
    fputs("}}", t->out);
}

void timeline_json_begin(FILE *out)
{
    fputs("{\"otherData\":{\"generator\":\"space\",\"time_unit\":"
          "\"1 us = 1 instruction of virtual time\"},\n\"traceEvents\":[\n"
          "{\"ph\":\"M\",\"name\":\"trace_version\",\"pid\":0,\"tid\":0,\"args\":{\"name\":"
          "\"space timeline 1\"}}",
          out);
}

int timeline_json_end(FILE *out)
{
    fputs("\n]}\n", out);
    return fflush(out) || ferror(out) ? -1 : 0;
}

/* ---- Slices ---- */

static void context_label(const struct timeline *t, uint32_t ctx, uint32_t mode, char *buf,
                          size_t len)
{
    const char *name = machine_context_name(t->m, ctx);
    if (name[0])
        snprintf(buf, len, "%s MODE %" PRIu32, name, mode);
    else
        snprintf(buf, len, "CONTEXT %" PRIu32 " MODE %" PRIu32, ctx, mode);
}

static void keep(struct tl_cpu *c, const struct timeline_slice *s)
{
    c->ring[c->head] = *s;
    c->head = (c->head + 1) % RING;
    if (c->kept < RING)
        c->kept++;
}

/* A finished slice: kept for the window, written (clipped to the window). */
static void slice(struct timeline *t, unsigned i, const struct timeline_slice *s)
{
    keep(&t->cpu[i], s);
    if (!t->out)
        return;
    uint64_t a = s->start > t->o.from ? s->start : t->o.from;
    uint64_t b = t->o.to && s->end > t->o.to ? t->o.to : s->end;
    if (a >= b)
        return;
    char label[64];
    if (s->idle)
        snprintf(label, sizeof label, "idle");
    else
        context_label(t, s->ctx, s->mode, label, sizeof label);
    event_head(t, "X", s->idle ? "idle" : "run", label, i, a);
    fprintf(t->out, ",\"dur\":%" PRIu64 ",\"args\":{\"ctx\":%" PRIu32 ",\"mode\":%" PRIu32 "}}",
            b - a, s->ctx, s->mode);
}

static uint64_t time_of(const struct timeline *t, unsigned i)
{
    return cpu_time(machine_cpu(t->m, i));
}

/* Ends CPU i's open segment at its present time: its idle part, then its
 * busy part. */
static void close_segment(struct timeline *t, unsigned i)
{
    struct tl_cpu *c = &t->cpu[i];
    const struct cpu *cpu = machine_cpu(t->m, i);
    uint64_t now = cpu_time(cpu), busy = cpu_busy_time(cpu);
    uint64_t run = busy - c->b0, idle = now - c->t0 - run;
    if (idle)
        slice(t, i, &(struct timeline_slice){c->t0, c->t0 + idle, c->ctx, c->mode, true});
    if (run)
        slice(t, i, &(struct timeline_slice){c->t0 + idle, now, c->ctx, c->mode, false});
    c->t0 = now;
    c->b0 = busy;
}

/* ---- Counters: faults per CPU, the machine's TLB misses (sampled on
 * CPU 0), each as the count since the previous sample. ---- */

static void counter(struct timeline *t, const char *name, unsigned cpu, uint64_t ts, uint64_t v)
{
    if (!t->out || !in_window(t, ts))
        return;
    event_head(t, "C", "counter", name, 0, ts);
    fprintf(t->out, ",\"args\":{\"cpu%u\":%" PRIu64 "}}", cpu, v);
}

/* Summed over the CONTEXTs' TLBs (one per CONTEXT, shared by the CPUs). */
static uint64_t tlb_misses(struct machine *m)
{
    const struct mmu *u = machine_mmu(m);
    uint64_t n = 0;
    for (unsigned c = 0; c < MMU_CONTEXTS; c++)
        n += u->ctx[c].tlb.stats.misses;
    return n;
}

static void sample(struct timeline *t, unsigned i, bool last)
{
    struct tl_cpu *c = &t->cpu[i];
    uint64_t now = time_of(t, i);
    if (now < c->next_sample && !last)
        return;
    uint64_t faults = machine_cpu_stats(t->m, i)->traps[SPACE_TRAP_MEMORY_FAULT];
    counter(t, "faults", i, now, faults - c->faults);
    c->faults = faults;
    if (i == 0) {
        uint64_t tlb = tlb_misses(t->m);
        counter(t, "TLB misses", i, now, tlb - c->tlb);
        c->tlb = tlb;
    }
    c->next_sample = now + t->o.interval;
}

/* ---- The probe ---- */

static void on_space(void *arg, unsigned i, uint32_t ctx, uint32_t mode)
{
    struct timeline *t = arg;
    close_segment(t, i);
    t->cpu[i].ctx = ctx;
    t->cpu[i].mode = mode;
    sample(t, i, false);
}

static void on_wait(void *arg, unsigned i)
{
    struct timeline *t = arg;
    close_segment(t, i);
    sample(t, i, false);
}

static void hex_arg(FILE *out, const char *key, uint32_t v)
{
    fprintf(out, ",\"%s\":\"0x%" PRIx32 "\"", key, v);
}

static void on_trap(void *arg, unsigned i, const struct machine_trap_event *e)
{
    struct timeline *t = arg;
    uint64_t now = time_of(t, i);
    if (!t->out || !in_window(t, now))
        return;
    char name[48];
    snprintf(name, sizeof name, "trap %" PRIu32 " %s", e->cause, trap_describe(e->cause));
    event_head(t, "i", "trap", name, i, now);
    fprintf(t->out, ",\"s\":\"t\",\"args\":{\"cause\":%" PRIu32 ",\"portal\":%" PRIu32, e->cause,
            e->trap);
    hex_arg(t->out, "pc", e->pc);
    hex_arg(t->out, "addr", e->addr);
    fprintf(t->out, ",\"from\":\"%" PRIu32 "/%" PRIu32 "\"", e->ctx, e->mode);
    if (e->traversed)
        fprintf(t->out, ",\"to\":\"%" PRIu32 "/%" PRIu32 "\"", e->to_ctx, e->to_mode);
    fputs("}}", t->out);
}

static void device_name(const struct timeline *t, unsigned dev, char *buf, size_t len)
{
    const struct device *d = &machine_bus(t->m)->dev[dev];
    snprintf(buf, len, "%s%u", d->kind->name, d->unit);
}

/* An arrow's end (ph "s" or "f") beside the event it belongs to. */
static void flow(struct timeline *t, const char *ph, const char *name, unsigned tid, uint64_t ts,
                 uint64_t id)
{
    event_head(t, ph, "flow", name, tid, ts);
    fprintf(t->out, ",\"id\":%" PRIu64 "%s}", id, ph[0] == 'f' ? ",\"bp\":\"e\"" : "");
}

/* A device's events are zero-length slices on its track, so that the
 * arrow from a raised line to the CPU that takes it has a slice at each
 * end. */
static void on_raise(void *arg, unsigned dev)
{
    struct timeline *t = arg;
    uint64_t now = machine_clock(t->m);
    if (!t->out || !in_window(t, now))
        return;
    char name[48];
    device_name(t, dev, name, sizeof name);
    event_head(t, "X", "irq", "raise", DEV_TID + dev, now);
    fprintf(t->out, ",\"dur\":0,\"args\":{\"line\":%u}}", machine_bus(t->m)->dev[dev].line);
    if (!t->dev_flow[dev]) {
        t->dev_flow[dev] = ++t->flows;
        flow(t, "s", name, DEV_TID + dev, now, t->dev_flow[dev]);
    }
}

static void on_irq(void *arg, unsigned i, unsigned dev)
{
    struct timeline *t = arg;
    uint64_t now = time_of(t, i);
    uint64_t id = t->dev_flow[dev];
    t->dev_flow[dev] = 0;
    if (!t->out || !id || !in_window(t, now))
        return;
    char name[48];
    device_name(t, dev, name, sizeof name);
    flow(t, "f", name, i, now, id);
}

static void on_dma(void *arg, unsigned dev, bool write, uint32_t paddr, uint32_t len)
{
    struct timeline *t = arg;
    uint64_t now = machine_clock(t->m);
    if (!t->out || !in_window(t, now))
        return;
    event_head(t, "X", "dma", write ? "DMA write" : "DMA read", DEV_TID + dev, now);
    fprintf(t->out, ",\"dur\":0,\"args\":{\"bytes\":%" PRIu32, len);
    hex_arg(t->out, "paddr", paddr);
    fputs("}}", t->out);
}

/* An IPI sent while the same one is pending on that CPU adds nothing (the
 * trap is pending once): its arrow is not drawn. */
static void on_ipi_sent(void *arg, unsigned from, unsigned to, uint32_t trap)
{
    struct timeline *t = arg;
    uint64_t now = time_of(t, from);
    uint64_t *pending = &t->cpu[to].ipi_flow[trap - SPACE_TRAP_INTERRUPT_BASE];
    if (!t->out || *pending || !in_window(t, now))
        return;
    *pending = ++t->flows;
    char name[32];
    snprintf(name, sizeof name, "IPI %" PRIu32, trap);
    event_head(t, "i", "ipi", name, from, now);
    fprintf(t->out, ",\"s\":\"t\",\"args\":{\"to\":%u}}", to);
    flow(t, "s", name, from, now, *pending);
}

static void on_ipi_taken(void *arg, unsigned i, uint32_t trap)
{
    struct timeline *t = arg;
    uint64_t *pending = &t->cpu[i].ipi_flow[trap - SPACE_TRAP_INTERRUPT_BASE];
    uint64_t id = *pending, now = time_of(t, i);
    *pending = 0;
    if (!t->out || !id || !in_window(t, now))
        return;
    char name[32];
    snprintf(name, sizeof name, "IPI %" PRIu32, trap);
    flow(t, "f", name, i, now, id);
}

/* ---- Frames ---- */

static const char *const frame_names[] = {
    [NET_SENT] = "frame sent",           [NET_LOST] = "frame lost",
    [NET_CUT] = "frame cut off",         [NET_DUPLICATED] = "frame duplicated",
    [NET_DELIVERED] = "frame delivered",
};

/* One copy's arrow id, the same at both ends whoever runs first: from
 * (source, sequence, destination, copy), which name the copy. */
static uint64_t frame_flow(const struct net_event *e)
{
    return FRAME_FLOWS + ((e->seq * CLUSTER_MAX_NODES + e->dst) * 2 + e->copy) * CLUSTER_MAX_NODES +
           e->src;
}

void timeline_net(struct timeline *t, const struct net_event *e)
{
    uint64_t ts = e->kind == NET_DELIVERED ? e->at : e->sent;
    if (!t->out || !in_window(t, ts))
        return;
    event_head(t, "X", "net", frame_names[e->kind], t->net_tid, ts);
    fprintf(t->out,
            ",\"dur\":0,\"args\":{\"src\":%" PRIu32 ",\"dst\":%" PRIu32 ",\"bytes\":%" PRIu32
            ",\"seq\":%" PRIu64 ",\"copy\":%" PRIu32,
            e->src, e->dst, e->len, e->seq, e->copy);
    if (e->kind != NET_DELIVERED)
        fprintf(t->out, ",\"%s\":%" PRIu64,
                e->kind == NET_LOST || e->kind == NET_CUT ? "left" : "arrives", e->at);
    fputs("}}", t->out);
    if (e->kind == NET_SENT || e->kind == NET_DUPLICATED || e->kind == NET_DELIVERED) {
        char name[48];
        snprintf(name, sizeof name, "frame %" PRIu32 " -> %" PRIu32, e->src, e->dst);
        flow(t, e->kind == NET_DELIVERED ? "f" : "s", name, t->net_tid, ts, frame_flow(e));
    }
}

/* ---- Life ---- */

struct timeline *timeline_create(struct machine *m, FILE *out, const struct timeline_options *o)
{
    unsigned n = machine_ncpus(m);
    struct timeline *t = calloc(1, sizeof *t + n * sizeof t->cpu[0]);
    if (!t)
        return NULL;
    t->m = m;
    t->out = out;
    t->o = *o;
    if (!t->o.interval)
        t->o.interval = FIRST_INTERVAL;
    t->ncpus = n;
    t->flows = (uint64_t)o->node << NODE_FLOWS;
    for (unsigned i = 0; i < n; i++) {
        const struct cpu *c = machine_cpu(m, i);
        t->cpu[i] =
            (struct tl_cpu){.t0 = cpu_time(c),
                            .b0 = cpu_busy_time(c),
                            .ctx = cpu_context(c),
                            .mode = cpu_mode(c),
                            .next_sample = cpu_time(c) + t->o.interval,
                            .faults = machine_cpu_stats(m, i)->traps[SPACE_TRAP_MEMORY_FAULT]};
    }
    t->cpu[0].tlb = tlb_misses(m);
    if (out) {
        meta(t, "process_name", 0, o->title ? o->title : "machine");
        char name[48];
        for (unsigned i = 0; i < n; i++) {
            snprintf(name, sizeof name, "CPU %u", i);
            meta(t, "thread_name", i, name);
        }
        const struct bus *b = machine_bus(m);
        for (unsigned d = 0; d < b->ndev; d++) {
            device_name(t, d, name, sizeof name);
            meta(t, "thread_name", DEV_TID + d, name);
        }
    }
    const struct bus *b = machine_bus(m);
    for (unsigned d = 0; d < b->ndev && !t->net_tid; d++)
        if (b->dev[d].kind->type == SPACE_DEVICE_NET)
            t->net_tid = DEV_TID + d;
    machine_set_probe(m, &(struct machine_probe){.arg = t,
                                                 .space = on_space,
                                                 .trap = on_trap,
                                                 .wait = on_wait,
                                                 .raise = on_raise,
                                                 .irq = on_irq,
                                                 .dma = on_dma,
                                                 .ipi_sent = on_ipi_sent,
                                                 .ipi_taken = on_ipi_taken});
    return t;
}

void timeline_finish(struct timeline *t)
{
    for (unsigned i = 0; i < t->ncpus; i++) {
        close_segment(t, i);
        sample(t, i, true);
    }
}

void timeline_rewound(struct timeline *t)
{
    for (unsigned i = 0; i < t->ncpus; i++) {
        struct tl_cpu *c = &t->cpu[i];
        const struct cpu *p = machine_cpu(t->m, i);
        uint64_t now = cpu_time(p);
        while (c->kept && c->ring[(c->head + RING - 1) % RING].start >= now) {
            c->head = (c->head + RING - 1) % RING;
            c->kept--;
        }
        if (c->kept && c->ring[(c->head + RING - 1) % RING].end > now)
            c->ring[(c->head + RING - 1) % RING].end = now;
        c->t0 = now;
        c->b0 = cpu_busy_time(p);
        c->ctx = cpu_context(p);
        c->mode = cpu_mode(p);
        c->next_sample = now + t->o.interval;
        c->faults = machine_cpu_stats(t->m, i)->traps[SPACE_TRAP_MEMORY_FAULT];
        memset(c->ipi_flow, 0, sizeof c->ipi_flow);
    }
    t->cpu[0].tlb = tlb_misses(t->m);
    memset(t->dev_flow, 0, sizeof t->dev_flow);
}

void timeline_free(struct timeline *t)
{
    if (!t)
        return;
    machine_set_probe(t->m, NULL);
    free(t);
}

/* ---- The window ---- */

unsigned timeline_cpus(const struct timeline *t)
{
    return t->ncpus;
}

void timeline_context_label(const struct timeline *t, uint32_t ctx, char *buf, size_t len)
{
    const char *name = machine_context_name(t->m, ctx);
    if (name[0])
        snprintf(buf, len, "%s", name);
    else
        snprintf(buf, len, "CONTEXT %" PRIu32, ctx);
}

uint64_t timeline_now(const struct timeline *t, unsigned cpu)
{
    return cpu < t->ncpus ? time_of(t, cpu) : 0;
}

bool timeline_slice(const struct timeline *t, unsigned cpu, unsigned i, struct timeline_slice *s)
{
    if (cpu >= t->ncpus)
        return false;
    const struct tl_cpu *c = &t->cpu[cpu];
    const struct cpu *p = machine_cpu(t->m, cpu);
    uint64_t now = cpu_time(p), run = cpu_busy_time(p) - c->b0, idle = now - c->t0 - run;
    /* The open segment first, newest part first. */
    struct timeline_slice open[2];
    unsigned nopen = 0;
    if (run)
        open[nopen++] = (struct timeline_slice){c->t0 + idle, now, c->ctx, c->mode, false};
    if (idle)
        open[nopen++] = (struct timeline_slice){c->t0, c->t0 + idle, c->ctx, c->mode, true};
    if (i < nopen) {
        *s = open[i];
        return true;
    }
    i -= nopen;
    if (i >= c->kept)
        return false;
    *s = c->ring[(c->head + RING - 1 - i) % RING];
    return true;
}
