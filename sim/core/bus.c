#include "bus.h"

#include <stdio.h>
#include <string.h>

#include "machine_internal.h"
#include "tracer.h"

static struct bus *bus_of(const struct device *d)
{
    return d->bus;
}

int bus_init(struct bus *b, struct machine *m, const struct device_options *opt, char *err,
             unsigned errlen)
{
    memset(b, 0, sizeof *b);
    b->m = m;
    events_init(&b->events);
    for (unsigned k = 0; device_kinds[k]; k++) {
        const struct device_kind *kind = device_kinds[k];
        unsigned n = kind->units(opt);
        for (unsigned u = 0; u < n; u++) {
            if (b->ndev == BUS_MAX_DEVICES) {
                snprintf(err, errlen, "more than %d devices", BUS_MAX_DEVICES);
                bus_free(b);
                return -1;
            }
            struct device *d = &b->dev[b->ndev];
            *d = (struct device){.kind = kind,
                                 .index = b->ndev,
                                 .unit = u,
                                 .regs = BUS_REGS_BASE + b->ndev * 4096u,
                                 .trap = 32 + b->ndev,
                                 .bus = b};
            if (kind->create(d, opt, err, errlen) != 0) {
                d->kind = NULL;
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
    for (unsigned i = 0; i < b->ndev; i++)
        if (b->dev[i].kind && b->dev[i].kind->destroy)
            b->dev[i].kind->destroy(&b->dev[i]);
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

/* ---- The services devices/device.h promises ---- */

uint64_t device_now(const struct device *d)
{
    return cpu_time(bus_of(d)->m->cpu);
}

void device_schedule(struct device *d, uint64_t delay, uint32_t tag)
{
    if (delay == 0)
        delay = 1;
    uint64_t now = device_now(d);
    uint64_t due = now + delay < now ? UINT64_MAX : now + delay;
    if (events_schedule(&bus_of(d)->events, due, d, tag) != 0)
        machine_stop(bus_of(d)->m, "out of host memory scheduling an event for %s%u", d->kind->name,
                     d->unit);
}

void device_cancel(struct device *d, uint32_t tag)
{
    events_cancel(&bus_of(d)->events, d, tag);
}

bool device_scheduled(const struct device *d, uint32_t tag)
{
    uint64_t due;
    return events_when(&bus_of(d)->events, d, tag, &due);
}

void device_interrupt(struct device *d)
{
    struct bus *b = bus_of(d);
    if (trace_on(b->m->tracer, TRACE_IRQ))
        trace_line(b->m, "irq", "raise line %u (%s%u)", d->index, d->kind->name, d->unit);
    b->pending |= 1u << d->index;
    d->interrupts++;
}

/* Counts a transfer and traces it ("read" or "wrote" memory). */
static void note_dma(struct device *d, const char *dir, uint32_t paddr, uint32_t len)
{
    struct bus *b = bus_of(d);
    b->stats.dma_bytes += len;
    b->stats.dev_dma_bytes[d->index] += len;
    if (trace_on(b->m->tracer, TRACE_DMA))
        trace_line(b->m, "dma", "%s%u %s %u bytes at %#x", d->kind->name, d->unit, dir, len, paddr);
}

int device_dma_read(struct device *d, uint32_t paddr, void *buf, uint32_t len)
{
    struct machine *m = bus_of(d)->m;
    const void *src = physmem_ptr(&m->pm, paddr, len);
    if (!src)
        return -1;
    memcpy(buf, src, len);
    note_dma(d, "read", paddr, len);
    return 0;
}

int device_dma_write(struct device *d, uint32_t paddr, const void *buf, uint32_t len)
{
    struct machine *m = bus_of(d)->m;
    void *dst = physmem_ptr(&m->pm, paddr, len);
    if (!dst)
        return -1;
    memcpy(dst, buf, len);
    cpu_host_wrote(m->cpu, paddr, len);
    note_dma(d, "wrote", paddr, len);
    return 0;
}

void device_input_taken(struct device *d, uint32_t kind, const void *data, uint32_t len)
{
    struct machine_input_log *log = &bus_of(d)->m->input_log;
    if (log->taken)
        log->taken(log->arg, d->index, kind, data, len);
}

bool device_replaying(const struct device *d)
{
    return bus_of(d)->m->input_log.replaying;
}

bool device_input_replay(struct device *d, uint32_t *kind, const void **data, uint32_t *len)
{
    struct machine_input_log *log = &bus_of(d)->m->input_log;
    return log->replay && log->replay(log->arg, d->index, kind, data, len);
}

bool device_stopping(const struct device *d)
{
    return bus_of(d)->m->interrupted;
}

void device_awaiting_input(struct device *d)
{
    bus_of(d)->m->awaiting_input = true;
}

void device_input_diverged(struct device *d, const char *what)
{
    machine_stop(bus_of(d)->m, "replay diverged at virtual time %llu: %s%u %s",
                 (unsigned long long)device_now(d), d->kind->name, d->unit, what);
}
