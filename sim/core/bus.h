/* bus: the machine's devices - their register pages in the physical address
 * space, their interrupt lines, and the event queue that gives them time.
 * It hands each device what devices/device.h promises (an interrupt line,
 * DMA, a clock) and its backends from the machine's backend provider,
 * putting the machine's own rules in front of a character source: no input
 * is taken once the machine is stopping (Ctrl-C), and a non-blocking
 * source with nothing typed while the guest waits makes the machine pause
 * (PAUSE_INPUT) instead of letting time pass. */
#ifndef SPACE_BUS_H
#define SPACE_BUS_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/device.h"
#include "events.h"

#define BUS_REGS_BASE   0xf0000000u /* device i's register page: BUS_REGS_BASE + i * 4096 */
#define BUS_MAX_DEVICES 64          /* = SPACE_BOOT_MAX_DEVICES */
#define BUS_MAX_LINES   31          /* interrupt lines 0..30 = traps 32..62 (63: the IPI) */

struct machine;

/* Totals over the bus, and the same by device (by index) and by line.
 * Raised interrupts are counted in each struct device. */
struct bus_stats {
    uint64_t interrupts[BUS_MAX_LINES];       /* delivered, by line: every unit on it, every CPU */
    uint64_t dev_interrupts[BUS_MAX_DEVICES]; /* delivered, by device */
    uint64_t register_reads, register_writes;
    uint64_t dma_bytes;
    uint64_t dev_register_reads[BUS_MAX_DEVICES], dev_register_writes[BUS_MAX_DEVICES];
    uint64_t dev_dma_bytes[BUS_MAX_DEVICES];
};

/* What the bus keeps for each device: the backends it was given (closed
 * with the bus) and the guard in front of its character source. */
struct bus_slot {
    struct bus *bus;
    struct device *dev;
    struct char_source *source;
    struct char_source guard; /* what the device was given */
    struct char_sink *sink;
    struct block_store *store;
    struct frame_port *port;
};

struct bus {
    struct machine *m;
    struct backend_provider backends;
    struct device dev[BUS_MAX_DEVICES];
    struct bus_slot slot[BUS_MAX_DEVICES];
    unsigned ndev, nlines;
    /* Devices whose interrupt is raised and not yet delivered (bit = index):
     * by device, not by line, so that a shared line pending for CPU 2 is
     * not taken by CPU 0. */
    uint64_t pending;
    struct event_queue events;
    struct bus_stats stats;
};

/* Creates every device the configuration asks for, connected to the
 * provider's backends. Returns 0 or -1 with a reason. */
int bus_init(struct bus *b, struct machine *m, const struct device_config *devices, unsigned ncpus,
             const struct backend_provider *backends, char *err, unsigned errlen);
void bus_free(struct bus *b);

/* The device whose register page holds physical address paddr, or NULL. */
struct device *bus_device_at(struct bus *b, uint32_t paddr);

uint32_t bus_read(struct bus *b, uint32_t paddr);
void bus_write(struct bus *b, uint32_t paddr, uint32_t value);

/* Fires every event due at or before `now`. */
void bus_fire_due(struct bus *b, uint64_t now);

/* Asks the devices whether one can make something happen now because the
 * CPU is idle (e.g. the next line of console input). */
bool bus_idle(struct bus *b);

/* Makes device state durable (disk writes, console output). */
void bus_shutdown(struct bus *b);

#endif
