/* bus: the machine's devices - their register pages in the physical address
 * space, their interrupt lines, and the event queue that gives them time.
 * It implements the services devices/device.h promises. */
#ifndef SPACE_BUS_H
#define SPACE_BUS_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/device.h"
#include "events.h"

#define BUS_REGS_BASE   0xf0000000u /* device i's register page: BUS_REGS_BASE + i * 4096 */
#define BUS_MAX_DEVICES 32          /* interrupt lines 0..31 = traps 32..63 */

struct machine;

/* Totals over the bus, and the same by device (index = line). Raised
 * interrupts are counted in each struct device. */
struct bus_stats {
    uint64_t interrupts[BUS_MAX_DEVICES]; /* delivered, by line */
    uint64_t register_reads, register_writes;
    uint64_t dma_bytes;
    uint64_t dev_register_reads[BUS_MAX_DEVICES], dev_register_writes[BUS_MAX_DEVICES];
    uint64_t dev_dma_bytes[BUS_MAX_DEVICES];
};

struct bus {
    struct machine *m;
    struct device dev[BUS_MAX_DEVICES];
    unsigned ndev;
    uint32_t pending; /* interrupt lines raised and not yet delivered */
    struct event_queue events;
    struct bus_stats stats;
};

/* Creates every device the options ask for. Returns 0 or -1 with a reason. */
int bus_init(struct bus *b, struct machine *m, const struct device_options *opt, char *err,
             unsigned errlen);
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
