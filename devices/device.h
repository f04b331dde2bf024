/* device: what a SPACE device is, and what the machine hands it.
 *
 * A device is a page of 32-bit registers at a physical address (a kernel
 * reaches it only through MapMemory, so MODE permissions guard devices as
 * they guard memory), an interrupt line that arrives as a SPACE trap, and
 * DMA into physical memory. Everything a device does happens at a virtual
 * time: register accesses happen when the instruction making them retires,
 * and a device that needs time to pass schedules an event.
 *
 * A device never sees the machine. It is handed an interrupt line, a DMA
 * port and a clock (small structs of functions, filled in by
 * sim/core/bus.c before `create`), its configuration (the options the
 * command line gave, config.c) and its backends (backend.h: where its input
 * comes from and its output goes). Whether a run is recorded or replayed
 * is the backends' business, never the device's.
 *
 * Adding a device: write devices/NAME.c defining a `struct device_kind`
 * (its register table and options included), and add one line to the
 * table in devices/registry.c. Its register offsets and bits go into
 * basicoz/include/space.h, its section into docs/devices.md. */
#ifndef SPACE_DEVICE_H
#define SPACE_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SPACE_HOST
#include "basicoz/include/space.h"
#include "backend.h"

/* ---- What the machine hands a device ---- */

/* Its interrupt line: raise() makes it pending until delivered. */
struct irq_line {
    void *opaque;
    void (*raise)(void *opaque);
};

/* DMA: copies between physical memory and a buffer. 0, or -1 if any byte
 * of [paddr, paddr+len) is not RAM (then nothing is copied). */
struct dma_port {
    void *opaque;
    int (*read)(void *opaque, uint32_t paddr, void *buf, uint32_t len);
    int (*write)(void *opaque, uint32_t paddr, const void *buf, uint32_t len);
};

/* Virtual time (instructions retired on CPU 0) and the device's events:
 * schedule() makes kind->event(d, tag) happen `delay` instructions from
 * now (at least 1), replacing an earlier schedule of the same tag. */
struct device_clock {
    void *opaque;
    uint64_t (*now)(void *opaque);
    void (*schedule)(void *opaque, uint64_t delay, uint32_t tag);
    void (*cancel)(void *opaque, uint32_t tag);
    bool (*scheduled)(void *opaque, uint32_t tag);
};

/* What a device tells the machine about how the guest uses it, for the
 * machine's metrics (sim/core/metrics.h): a console's input lines. */
enum device_note {
    DEVICE_NOTE_INPUT_WANTED, /* the guest asks for input (enabled it with none unread) */
    DEVICE_NOTE_INPUT_LINE,   /* a line of input was delivered */
};
struct device_notes {
    void *opaque;
    void (*note)(void *opaque, enum device_note what);
};

/* ---- Options and configuration (config.c) ---- */

struct device_option {
    const char *name;    /* the command-line option without "--", e.g. "disk-size" */
    const char *metavar; /* its value's name in --help, e.g. "SIZE"; NULL: a flag */
    const char *help;    /* one line */
};

/* The options given, as names and values, for every device kind. */
struct device_config;

struct device_config *device_config_new(void);
void device_config_free(struct device_config *c);
/* Sets option `name` (value NULL for a flag; a later value replaces an
 * earlier one). 0, or -1 with a one-line reason (no such option, a value
 * missing or given to a flag). */
int device_config_set(struct device_config *c, const char *name, const char *value, char *err,
                      unsigned errlen);
/* Its value ("" for a flag given); NULL: not given (or c is NULL). */
const char *device_config_get(const struct device_config *c, const char *name);
/* The option of that name over all kinds; NULL: none. */
const struct device_option *device_option_find(const char *name);
/* Asks every kind whether the options given fit together (e.g. --disk-size
 * needs --disk). 0, or -1 with a one-line reason (a usage error). */
int device_config_check(const struct device_config *c, char *err, unsigned errlen);

/* ---- A kind of device ---- */

/* One register: its byte offset, name and a one-line description (the
 * debugger, the window and docs/devices.md show these). */
struct device_reg {
    uint32_t offset;
    const char *name;
    const char *help;
};

struct device;

struct device_kind {
    const char *name;
    uint32_t type;                       /* SPACE_DEVICE_*: what the boot information says */
    const struct device_reg *registers;  /* ends with {0, NULL, NULL} */
    const struct device_option *options; /* ends with {0}; NULL: none */
    /* The options fit together; NULL: any do. 0, or -1 with a reason. */
    int (*check)(const struct device_config *c, char *err, unsigned errlen);
    /* How many units the configuration asks for (e.g. 0 disks without
     * --disk; ncpus: the machine's CPUs). */
    unsigned (*units)(const struct device_config *c, unsigned ncpus);
    /* One unit per CPU (units() returns at most ncpus): unit i interrupts
     * CPU i, and all units share one interrupt line, so N CPUs cost one
     * trap. Other kinds' units each have their own line and interrupt CPU 0. */
    bool per_cpu;
    /* Sets up unit d->unit (d->irq, d->dma and d->clock are ready); returns
     * 0 or -1 with a one-line reason. */
    int (*create)(struct device *d, const struct device_config *c,
                  const struct device_backends *backends, char *err, unsigned errlen);
    void (*destroy)(struct device *d);
    /* 32-bit register access at byte offset `reg` (0..4092, aligned). */
    uint32_t (*read)(struct device *d, uint32_t reg);
    void (*write)(struct device *d, uint32_t reg, uint32_t value);
    /* The value `read` would return, without its side effects (for a
     * debugger's display). May be NULL when `read` has none. */
    uint32_t (*peek)(struct device *d, uint32_t reg);
    /* A scheduled event is due now. */
    void (*event)(struct device *d, uint32_t tag);
    /* The CPU waits for an interrupt and no line is pending: may the
     * device make something happen now (input arriving)? Returns true if
     * it did. May be NULL. */
    bool (*idle)(struct device *d);
    /* The machine is stopping: make everything durable. May be NULL. */
    void (*shutdown)(struct device *d);
    /* The unit's state for a machine snapshot (sim/core/snapshot.h): writes
     * at most cap bytes into buf and returns the size of the whole state
     * (call again with a bigger buf if it is > cap). Scheduled events, the
     * interrupt count and pending lines are the bus's, not the device's;
     * backends are not state (they stay as they are). */
    size_t (*save)(struct device *d, void *buf, size_t cap);
    /* Puts back what save wrote. 0, or -1 (a state of the wrong size). */
    int (*load)(struct device *d, const void *buf, size_t len);
};

struct device {
    const struct device_kind *kind;
    unsigned index;      /* position on the bus: fixes its register page */
    unsigned line;       /* its interrupt line (trap 32 + line); shared by a per-CPU kind */
    unsigned unit;       /* number among devices of its kind */
    uint32_t regs;       /* physical address of the register page */
    uint32_t trap;       /* its interrupt's trap number */
    void *state;         /* the kind's own */
    uint64_t interrupts; /* raised so far */
    struct irq_line irq;
    struct dma_port dma;
    struct device_clock clock;
    struct device_notes notes;
};

/* ---- Shorthands for a device's own code ---- */

static inline uint64_t device_now(const struct device *d)
{
    return d->clock.now(d->clock.opaque);
}

static inline void device_schedule(struct device *d, uint64_t delay, uint32_t tag)
{
    d->clock.schedule(d->clock.opaque, delay, tag);
}

static inline void device_cancel(struct device *d, uint32_t tag)
{
    d->clock.cancel(d->clock.opaque, tag);
}

static inline bool device_scheduled(const struct device *d, uint32_t tag)
{
    return d->clock.scheduled(d->clock.opaque, tag);
}

static inline void device_note(struct device *d, enum device_note what)
{
    d->notes.note(d->notes.opaque, what);
}

static inline void device_interrupt(struct device *d)
{
    d->interrupts++;
    d->irq.raise(d->irq.opaque);
}

static inline int device_dma_read(struct device *d, uint32_t paddr, void *buf, uint32_t len)
{
    return d->dma.read(d->dma.opaque, paddr, buf, len);
}

static inline int device_dma_write(struct device *d, uint32_t paddr, const void *buf, uint32_t len)
{
    return d->dma.write(d->dma.opaque, paddr, buf, len);
}

/* For a kind whose whole state is one plain struct (no pointers): save
 * and load it as bytes. */
static inline size_t device_save_plain(const void *state, size_t size, void *buf, size_t cap)
{
    if (size <= cap)
        memcpy(buf, state, size);
    return size;
}

static inline int device_load_plain(void *state, size_t size, const void *buf, size_t len)
{
    if (len != size)
        return -1;
    memcpy(state, buf, size);
    return 0;
}

/* The register of `kind` at byte offset `offset`, or NULL. */
const struct device_reg *device_reg_at(const struct device_kind *kind, uint32_t offset);

/* The table of device kinds (devices/registry.c), NULL-terminated. */
extern const struct device_kind *const device_kinds[];

#endif
