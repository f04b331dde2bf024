/* timer: one per CPU - reads virtual time, and interrupts once or
 * periodically after a given number of instructions. Periodic ticks are
 * exactly INTERVAL instructions apart, measured from the arming write, with
 * no drift however late the guest handles them. Registers: docs/devices.md. */
#include <stdlib.h>

#include "device.h"

static const struct device_reg timer_registers[] = {
    {SPACE_TIMER_NOW_LO, "NOW_LO", "virtual time, low 32 bits"},
    {SPACE_TIMER_NOW_HI, "NOW_HI", "virtual time, high 32 bits"},
    {SPACE_TIMER_INTERVAL, "INTERVAL",
     "instructions from arming to the first tick, and between ticks"},
    {SPACE_TIMER_CONTROL, "CONTROL", "ENABLE (1) | PERIODIC (2); a write arms or disarms"},
    {SPACE_TIMER_TICKS, "TICKS", "ticks so far (writable)"},
    {SPACE_TIMER_NEXT_LO, "NEXT_LO", "due time of the next tick, low 32 bits (0: disarmed)"},
    {SPACE_TIMER_NEXT_HI, "NEXT_HI", "due time of the next tick, high 32 bits"},
    {0, NULL, NULL},
};

enum { TICK = 0 };

struct timer {
    uint32_t interval, control, ticks;
    uint64_t next; /* due time of the next tick; 0 when disarmed */
};

static unsigned timer_units(const struct device_config *c, unsigned ncpus)
{
    (void)c;
    return ncpus ? ncpus : 1;
}

static int timer_create(struct device *d, const struct device_config *c,
                        const struct device_backends *b, char *err, unsigned errlen)
{
    (void)c;
    (void)b;
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
    case SPACE_TIMER_NOW_LO: return (uint32_t)device_now(d);
    case SPACE_TIMER_NOW_HI: return (uint32_t)(device_now(d) >> 32);
    case SPACE_TIMER_INTERVAL: return t->interval;
    case SPACE_TIMER_CONTROL: return t->control;
    case SPACE_TIMER_TICKS: return t->ticks;
    case SPACE_TIMER_NEXT_LO: return (uint32_t)t->next;
    case SPACE_TIMER_NEXT_HI: return (uint32_t)(t->next >> 32);
    default: return 0;
    }
}

static void timer_write(struct device *d, uint32_t reg, uint32_t value)
{
    struct timer *t = d->state;
    switch (reg) {
    case SPACE_TIMER_INTERVAL: t->interval = value; break;
    case SPACE_TIMER_CONTROL:
        t->control = value & (SPACE_TIMER_ENABLE | SPACE_TIMER_PERIODIC);
        if ((t->control & SPACE_TIMER_ENABLE) && t->interval) {
            arm(d, t, device_now(d) + t->interval);
        } else {
            t->control &= ~(uint32_t)SPACE_TIMER_ENABLE;
            t->next = 0;
            device_cancel(d, TICK);
        }
        break;
    case SPACE_TIMER_TICKS: t->ticks = value; break;
    default: break;
    }
}

static void timer_event(struct device *d, uint32_t tag)
{
    struct timer *t = d->state;
    (void)tag;
    t->ticks++;
    device_interrupt(d);
    if ((t->control & SPACE_TIMER_PERIODIC) && t->interval) {
        arm(d, t, t->next + t->interval);
    } else {
        t->control &= ~(uint32_t)SPACE_TIMER_ENABLE;
        t->next = 0;
    }
}

static size_t timer_save(struct device *d, void *buf, size_t cap)
{
    return device_save_plain(d->state, sizeof(struct timer), buf, cap);
}

static int timer_load(struct device *d, const void *buf, size_t len)
{
    return device_load_plain(d->state, sizeof(struct timer), buf, len);
}

const struct device_kind timer_device = {
    .name = "timer",
    .type = SPACE_DEVICE_TIMER,
    .registers = timer_registers,
    .units = timer_units,
    .per_cpu = true,
    .create = timer_create,
    .destroy = timer_destroy,
    .read = timer_read,
    .write = timer_write,
    .event = timer_event,
    .save = timer_save,
    .load = timer_load,
};
