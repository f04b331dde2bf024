/* timer: one per CPU - reads virtual time, and interrupts once or
 * periodically after a given number of instructions. Periodic ticks are
 * exactly INTERVAL instructions apart, measured from the arming write, with
 * no drift however late the guest handles them. Registers: docs/devices.md. */
#include <stdlib.h>

#include "device.h"

enum {
    TIMER_NOW_LO = 0x00,
    TIMER_NOW_HI = 0x04,
    TIMER_INTERVAL = 0x08,
    TIMER_CONTROL = 0x0c,
    TIMER_TICKS = 0x10,
    TIMER_NEXT_LO = 0x14,
    TIMER_NEXT_HI = 0x18,
};
enum { CONTROL_ENABLE = 1, CONTROL_PERIODIC = 2 };
enum { TICK = 0 };

struct timer {
    uint32_t interval, control, ticks;
    uint64_t next; /* due time of the next tick; 0 when disarmed */
};

static unsigned timer_units(const struct device_options *opt)
{
    return opt->ncpus ? opt->ncpus : 1;
}

static int timer_create(struct device *d, const struct device_options *opt, char *err,
                        unsigned errlen)
{
    (void)opt;
    d->state = calloc(1, sizeof(struct timer));
    if (!d->state) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    return 0;
}

static void timer_destroy(struct device *d)
{
    free(d->state);
}

static void arm(struct device *d, struct timer *t, uint64_t due)
{
    t->next = due;
    uint64_t now = device_now(d);
    device_schedule(d, due > now ? due - now : 1, TICK);
}

static uint32_t timer_read(struct device *d, uint32_t reg)
{
    struct timer *t = d->state;
    switch (reg) {
    case TIMER_NOW_LO: return (uint32_t)device_now(d);
    case TIMER_NOW_HI: return (uint32_t)(device_now(d) >> 32);
    case TIMER_INTERVAL: return t->interval;
    case TIMER_CONTROL: return t->control;
    case TIMER_TICKS: return t->ticks;
    case TIMER_NEXT_LO: return (uint32_t)t->next;
    case TIMER_NEXT_HI: return (uint32_t)(t->next >> 32);
    default: return 0;
    }
}

static void timer_write(struct device *d, uint32_t reg, uint32_t value)
{
    struct timer *t = d->state;
    switch (reg) {
    case TIMER_INTERVAL: t->interval = value; break;
    case TIMER_CONTROL:
        t->control = value & (CONTROL_ENABLE | CONTROL_PERIODIC);
        if ((t->control & CONTROL_ENABLE) && t->interval) {
            arm(d, t, device_now(d) + t->interval);
        } else {
            t->control &= ~(uint32_t)CONTROL_ENABLE;
            t->next = 0;
            device_cancel(d, TICK);
        }
        break;
    case TIMER_TICKS: t->ticks = value; break;
    default: break;
    }
}

static void timer_event(struct device *d, uint32_t tag)
{
    struct timer *t = d->state;
    (void)tag;
    t->ticks++;
    device_interrupt(d);
    if ((t->control & CONTROL_PERIODIC) && t->interval) {
        arm(d, t, t->next + t->interval);
    } else {
        t->control &= ~(uint32_t)CONTROL_ENABLE;
        t->next = 0;
    }
}

const struct device_kind timer_device = {
    .name = "timer",
    .type = DEVICE_TIMER,
    .units = timer_units,
    .create = timer_create,
    .destroy = timer_destroy,
    .read = timer_read,
    .write = timer_write,
    .event = timer_event,
};
