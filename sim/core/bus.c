#include "bus.h"

#include <stdio.h>
#include <string.h>

#include "machine_internal.h"
#include "tracer.h"

/* ---- What a device is handed (devices/device.h) ---- */

static void raise_line(void *opaque)
{
    struct bus_slot *s = opaque;
    struct bus *b = s->bus;
    if (trace_on(b->m->tracer, TRACE_IRQ))
        trace_line(b->m, "irq", "raise line %u (%s%u)", s->dev->line, s->dev->kind->name,
                   s->dev->unit);
    b->pending |= 1ull << s->dev->index;
    PROBE(b->m, raise, s->dev->index);
}

/* Counts a transfer and traces it ("read" or "wrote" memory). */
static void note_dma(struct bus_slot *s, const char *dir, uint32_t paddr, uint32_t len)
{
    struct bus *b = s->bus;
    PROBE(b->m, dma, s->dev->index, dir[0] == 'w', paddr, len);
    b->stats.dma_bytes += len;
    b->stats.dev_dma_bytes[s->dev->index] += len;
    if (trace_on(b->m->tracer, TRACE_DMA))
        trace_line(b->m, "dma", "%s%u %s %u bytes at %#x", s->dev->kind->name, s->dev->unit, dir,
                   len, paddr);
}

static int dma_read(void *opaque, uint32_t paddr, void *buf, uint32_t len)
{
    struct bus_slot *s = opaque;
    const void *src = physmem_ptr(&s->bus->m->pm, paddr, len);
    if (!src)
        return -1;
    memcpy(buf, src, len);
    note_dma(s, "read", paddr, len);
    return 0;
}

static int dma_write(void *opaque, uint32_t paddr, const void *buf, uint32_t len)
{
    struct bus_slot *s = opaque;
    struct machine *m = s->bus->m;
    void *dst = physmem_ptr(&m->pm, paddr, len);
    if (!dst)
        return -1;
    memcpy(dst, buf, len);
    cpu_host_wrote(m->cpu, paddr, len);
    note_dma(s, "wrote", paddr, len);
    return 0;
}

static void note(void *opaque, enum device_note what)
{
    struct bus_slot *s = opaque;
    if (what == DEVICE_NOTE_INPUT_WANTED)
        metrics_input_wanted(s->bus->m);
    else
        metrics_line(s->bus->m);
}

static uint64_t clock_now(void *opaque)
{
    struct bus_slot *s = opaque;
    return cpu_time(s->bus->m->cpu);
}

static void clock_schedule(void *opaque, uint64_t delay, uint32_t tag)
{
    struct bus_slot *s = opaque;
    if (delay == 0)
        delay = 1;
    uint64_t now = clock_now(s);
    uint64_t due = now + delay < now ? UINT64_MAX : now + delay;
    if (events_schedule(&s->bus->events, due, s->dev, tag) != 0)
        machine_stop(s->bus->m, "out of host memory scheduling an event for %s%u",
                     s->dev->kind->name, s->dev->unit);
}

static void clock_cancel(void *opaque, uint32_t tag)
{
    struct bus_slot *s = opaque;
    events_cancel(&s->bus->events, s->dev, tag);
}

static bool clock_scheduled(void *opaque, uint32_t tag)
{
    struct bus_slot *s = opaque;
    uint64_t due;
    return events_when(&s->bus->events, s->dev, tag, &due);
}

/* ---- Backends, with the machine's rules in front of input ---- */

static long guarded_take_line(void *opaque, bool wait, const char **line)
{
    struct bus_slot *s = opaque;
    struct machine *m = s->bus->m;
    if (m->interrupted)
        return 0; /* stopping: a read could block, and a recording is ending */
    long n = s->source->take_line(s->source->opaque, wait, line);
    if (n == 0 && wait && s->source->nonblocking)
        m->awaiting_input = true; /* time stands still until a person types */
    return n;
}

static void no_backend(struct bus_slot *s, const char *what, char *err, unsigned errlen)
{
    snprintf(err, errlen, "%s%u: this machine has no %s to give it", s->dev->kind->name,
             s->dev->unit, what);
}

static struct char_source *slot_char_source(void *opaque, char *err, unsigned errlen)
{
    struct bus_slot *s = opaque;
    const struct backend_provider *p = &s->bus->backends;
    if (!s->source && !p->char_source) {
        no_backend(s, "character input", err, errlen);
        return NULL;
    }
    if (!s->source && !(s->source = p->char_source(p->arg, s->dev->index, err, errlen)))
        return NULL;
    s->guard = (struct char_source){.opaque = s,
                                    .take_line = guarded_take_line,
                                    .echoes = s->source->echoes,
                                    .nonblocking = s->source->nonblocking};
    return &s->guard;
}

static struct char_sink *slot_char_sink(void *opaque, char *err, unsigned errlen)
{
    struct bus_slot *s = opaque;
    const struct backend_provider *p = &s->bus->backends;
    if (!s->sink && !p->char_sink) {
        no_backend(s, "character output", err, errlen);
        return NULL;
    }
    if (!s->sink)
        s->sink = p->char_sink(p->arg, s->dev->index, err, errlen);
    return s->sink;
}

static struct block_store *slot_block_store(void *opaque, const char *name, uint64_t create_size,
                                            bool readonly, char *err, unsigned errlen)
{
    struct bus_slot *s = opaque;
    const struct backend_provider *p = &s->bus->backends;
    if (s->store || !p->block_store) {
        no_backend(s, s->store ? "second block store" : "block store", err, errlen);
        return NULL;
    }
    s->store = p->block_store(p->arg, s->dev->index, name, create_size, readonly, err, errlen);
    return s->store;
}

static struct frame_port *slot_frame_port(void *opaque, char *err, unsigned errlen)
{
    struct bus_slot *s = opaque;
    const struct backend_provider *p = &s->bus->backends;
    if (s->port || !p->frame_port) {
        no_backend(s, s->port ? "second network port" : "network", err, errlen);
        return NULL;
    }
    s->port = p->frame_port(p->arg, s->dev->index, err, errlen);
    return s->port;
}

static void close_backends(struct bus_slot *s)
{
    if (s->source && s->source->close)
        s->source->close(s->source->opaque);
    if (s->sink && s->sink->close)
        s->sink->close(s->sink->opaque);
    if (s->store && s->store->close)
        s->store->close(s->store->opaque);
    if (s->port && s->port->close)
        s->port->close(s->port->opaque);
    s->port = NULL;
    s->source = NULL;
    s->sink = NULL;
    s->store = NULL;
}

/* ---- The bus ---- */

int bus_init(struct bus *b, struct machine *m, const struct device_config *devices, unsigned ncpus,
             const struct backend_provider *backends, char *err, unsigned errlen)
{
    memset(b, 0, sizeof *b);
    b->m = m;
    b->backends = *backends;
    events_init(&b->events);
    unsigned wanted = 0, lines = 0;
    for (unsigned k = 0; device_kinds[k]; k++) {
        unsigned n = device_kinds[k]->units(devices, ncpus);
        if (device_kinds[k]->per_cpu && n > ncpus) {
            snprintf(err, errlen, "%s: %u units for %u CPUs, but a per-CPU device has one each",
                     device_kinds[k]->name, n, ncpus);
            return -1;
        }
        wanted += n;
        lines += device_kinds[k]->per_cpu ? n > 0 : n;
    }
    if (wanted > BUS_MAX_DEVICES || lines > BUS_MAX_LINES) {
        snprintf(err, errlen,
                 "the devices asked for make %u devices on %u interrupt lines, but a machine has "
                 "%d register pages and %d lines (traps 32..62; 63 is the IPI's)",
                 wanted, lines, BUS_MAX_DEVICES, BUS_MAX_LINES);
        return -1;
    }
    for (unsigned k = 0; device_kinds[k]; k++) {
        const struct device_kind *kind = device_kinds[k];
        unsigned n = kind->units(devices, ncpus);
        for (unsigned u = 0; u < n; u++) {
            struct device *d = &b->dev[b->ndev];
            struct bus_slot *s = &b->slot[b->ndev];
            /* A per-CPU kind's unit 0 opens its line; the other units share it. */
            unsigned line = kind->per_cpu ? b->nlines - (u > 0) : b->nlines;
            *s = (struct bus_slot){.bus = b, .dev = d};
            *d = (struct device){
                .kind = kind,
                .index = b->ndev,
                .line = line,
                .unit = u,
                .regs = BUS_REGS_BASE + b->ndev * 4096u,
                .trap = 32 + line,
                .irq = {s, raise_line},
                .dma = {s, dma_read, dma_write},
                .clock = {s, clock_now, clock_schedule, clock_cancel, clock_scheduled},
                .notes = {s, note}};
            if (line == b->nlines)
                b->nlines++;
            struct device_backends db = {s, slot_char_source, slot_char_sink, slot_block_store,
                                         slot_frame_port};
            if (kind->create(d, devices, &db, err, errlen) != 0) {
                close_backends(s);
                bus_free(b); /* the devices created so far */
                return -1;
            }
            b->ndev++;
        }
    }
    return 0;
}

void bus_free(struct bus *b)
{
    for (unsigned i = 0; i < b->ndev; i++) {
        if (b->dev[i].kind->destroy)
            b->dev[i].kind->destroy(&b->dev[i]);
        close_backends(&b->slot[i]);
    }
    events_free(&b->events);
    b->ndev = 0;
}

struct device *bus_device_at(struct bus *b, uint32_t paddr)
{
    if (paddr < BUS_REGS_BASE)
        return NULL;
    uint32_t i = (paddr - BUS_REGS_BASE) / 4096u;
    return i < b->ndev ? &b->dev[i] : NULL;
}

uint32_t bus_read(struct bus *b, uint32_t paddr)
{
    struct device *d = bus_device_at(b, paddr);
    if (!d)
        return 0;
    b->stats.register_reads++;
    b->stats.dev_register_reads[d->index]++;
    uint32_t v = d->kind->read(d, paddr & 0xffcu);
    if (trace_on(b->m->tracer, TRACE_REG))
        trace_line(b->m, "reg", "%s%u +0x%03x read -> %#x", d->kind->name, d->unit, paddr & 0xffcu,
                   v);
    return v;
}

void bus_write(struct bus *b, uint32_t paddr, uint32_t value)
{
    struct device *d = bus_device_at(b, paddr);
    if (!d)
        return;
    b->stats.register_writes++;
    b->stats.dev_register_writes[d->index]++;
    if (trace_on(b->m->tracer, TRACE_REG))
        trace_line(b->m, "reg", "%s%u +0x%03x write %#x", d->kind->name, d->unit, paddr & 0xffcu,
                   value);
    d->kind->write(d, paddr & 0xffcu, value);
}

void bus_fire_due(struct bus *b, uint64_t now)
{
    struct event e;
    while (events_pop_due(&b->events, now, &e))
        e.dev->kind->event(e.dev, e.tag);
}

bool bus_idle(struct bus *b)
{
    bool any = false;
    for (unsigned i = 0; i < b->ndev && !any; i++)
        if (b->dev[i].kind->idle)
            any = b->dev[i].kind->idle(&b->dev[i]);
    return any;
}

void bus_shutdown(struct bus *b)
{
    for (unsigned i = 0; i < b->ndev; i++)
        if (b->dev[i].kind->shutdown)
            b->dev[i].kind->shutdown(&b->dev[i]);
}
