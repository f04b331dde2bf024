/* device: what a SPACE device is, and the services the machine gives it.
 *
 * A device is a page of 32-bit registers at a physical address (a kernel
 * reaches it only through MapMemory, so MODE permissions guard devices as
 * they guard memory), an interrupt line that arrives as a SPACE trap, and
 * DMA into physical memory. Everything a device does happens at a virtual
 * time: register accesses happen when the instruction making them retires,
 * and a device that needs time to pass schedules an event.
 *
 * Adding a device: write devices/NAME.c defining a `struct device_kind`,
 * and add one line to the table in devices/registry.c. docs/devices.md
 * documents every register of every device. */
#ifndef SPACE_DEVICE_H
#define SPACE_DEVICE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Device types, as the boot information lists them. */
enum device_type {
    DEVICE_CONSOLE = 1,
    DEVICE_TIMER = 2,
    DEVICE_DISK = 3,
};

/* Console input from somewhere other than a file or the standard input
 * (the GUI's keyboard). It never blocks: a person is waited for by the
 * machine pausing (PAUSE_INPUT), not by the simulator sleeping. */
struct console_source {
    void *arg;
    /* Takes the next whole line (with its newline) into buf, at most cap
     * bytes of it (the rest stays for the next call). Returns its length, 0
     * if no whole line has been typed yet, -1 at the end of input. */
    long (*take_line)(void *arg, char *buf, unsigned long cap);
};

/* Somewhere console output goes besides console_output (the GUI's screen).
 * It gets every byte the console writes - and those of the debug print
 * operation, which shares the console's output - in the guest's order. */
struct console_sink {
    void *arg;
    void (*write)(void *arg, const char *buf, unsigned long len);
};

/* What the command line says about devices. */
struct device_options {
    const char *console_input;                   /* file of console input; NULL: standard input */
    const struct console_source *console_source; /* instead of console_input */
    FILE *console_output;                        /* where console output goes (stdout) */
    const struct console_sink *console_sink;     /* where it also goes; NULL: nowhere */
    const char *disk_path;                       /* disk image; NULL: no disk */
    uint64_t disk_create_size;                   /* create the image with this size if missing */
    bool disk_readonly;                          /* attach the image read-only */
    uint32_t ncpus;
    /* A replay (sim/replay/record.c): devices take no input from outside, only
     * what device_input_replay gives; a disk has no image file, only
     * disk_replay_sectors sectors of what the recording read and what the
     * guest writes. */
    bool replaying;
    uint32_t disk_replay_sectors; /* 0: no disk */
};

struct device;

struct device_kind {
    const char *name;
    enum device_type type;
    /* How many units the options ask for (e.g. 0 disks without --disk). */
    unsigned (*units)(const struct device_options *opt);
    /* Sets up unit d->unit; returns 0 or -1 with a one-line reason. */
    int (*create)(struct device *d, const struct device_options *opt, char *err, unsigned errlen);
    void (*destroy)(struct device *d);
    /* 32-bit register access at byte offset `reg` (0..4092, aligned). */
    uint32_t (*read)(struct device *d, uint32_t reg);
    void (*write)(struct device *d, uint32_t reg, uint32_t value);
    /* The value `read` would return, without its side effects (for a
     * debugger's display). May be NULL when `read` has none. */
    uint32_t (*peek)(struct device *d, uint32_t reg);
    /* A scheduled event (device_schedule) is due now. */
    void (*event)(struct device *d, uint32_t tag);
    /* The CPU waits for an interrupt and nothing is scheduled before
     * `until`: may the device make something happen now (input arriving)?
     * Returns true if it did. May be NULL. */
    bool (*idle)(struct device *d);
    /* The machine is stopping: make everything durable. May be NULL. */
    void (*shutdown)(struct device *d);
};

struct device {
    const struct device_kind *kind;
    unsigned index;      /* position on the bus: register page and interrupt line */
    unsigned unit;       /* number among devices of its kind */
    uint32_t regs;       /* physical address of the register page */
    uint32_t trap;       /* its interrupt's trap number */
    void *state;         /* the kind's own */
    void *bus;           /* the machine (opaque to devices) */
    uint64_t interrupts; /* raised so far */
};

/* ---- Services of the machine (sim/core/bus.c) ---- */

/* The current virtual time (instructions retired on CPU 0). */
uint64_t device_now(const struct device *d);
/* Makes kind->event(d, tag) happen `delay` instructions from now (at least
 * 1), replacing an earlier schedule of the same tag. */
void device_schedule(struct device *d, uint64_t delay, uint32_t tag);
void device_cancel(struct device *d, uint32_t tag);
bool device_scheduled(const struct device *d, uint32_t tag);
/* Raises the device's interrupt (it stays pending until delivered). */
void device_interrupt(struct device *d);
/* DMA: copies between physical memory and a buffer. 0, or -1 if any byte
 * of [paddr, paddr+len) is not RAM (then nothing is copied). */
int device_dma_read(struct device *d, uint32_t paddr, void *buf, uint32_t len);
int device_dma_write(struct device *d, uint32_t paddr, const void *buf, uint32_t len);

/* ---- Input from outside the simulation ----
 * Whatever can make two runs of the same guest differ (a person typing, a
 * file, a disk image's contents) enters through a device, at a virtual
 * time. A device reports each input it takes with device_input_taken, so
 * that a recording holds it; in a replay (device_replaying) it takes
 * nothing from outside and asks device_input_replay instead. `kind` and
 * the bytes are the device's own (documented in docs/trace-format.md). */
void device_input_taken(struct device *d, uint32_t kind, const void *data, uint32_t len);
bool device_replaying(const struct device *d);
/* In a replay: the device's next recorded input, if the recording took it
 * at the current virtual time (then it is consumed). *data stays valid
 * until the machine is destroyed. */
bool device_input_replay(struct device *d, uint32_t *kind, const void **data, uint32_t *len);
/* The machine is stopping (Ctrl-C): take no more input from outside (a
 * read could block, and the recording is ending). */
bool device_stopping(const struct device *d);
/* The guest waits for input a person has not given yet (a non-blocking
 * source): the machine pauses at this virtual time (PAUSE_INPUT) until its
 * driver has more. */
void device_awaiting_input(struct device *d);
/* A replay found that the guest asked for input the recording does not
 * have: the machine stops with this description. */
void device_input_diverged(struct device *d, const char *what);

/* The table of device kinds (devices/registry.c), NULL-terminated. */
extern const struct device_kind *const device_kinds[];

#endif
