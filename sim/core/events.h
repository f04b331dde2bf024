/* events: the machine's event queue in virtual time.
 *
 * Devices schedule completions and ticks a number of guest instructions
 * ahead. Events fire in order of their due time, and events due at the
 * same time in the order they were scheduled, so the order never depends
 * on anything but the guest's own execution. */
#ifndef SPACE_EVENTS_H
#define SPACE_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

struct device;

struct event {
    uint64_t due;
    uint64_t seq;
    struct device *dev;
    uint32_t tag;
};

struct event_queue {
    struct event *heap;
    uint32_t count, cap;
    uint64_t next_seq;
};

void events_init(struct event_queue *q);
void events_free(struct event_queue *q);

/* Schedules (dev, tag) at `due`, replacing an earlier schedule of the same
 * (dev, tag). Returns 0, or -1 if the host is out of memory. */
int events_schedule(struct event_queue *q, uint64_t due, struct device *dev, uint32_t tag);
/* Removes the schedule of (dev, tag) if any. */
void events_cancel(struct event_queue *q, struct device *dev, uint32_t tag);
/* Due time of (dev, tag), if scheduled. */
bool events_when(const struct event_queue *q, const struct device *dev, uint32_t tag,
                 uint64_t *due);

/* The earliest due time, or UINT64_MAX when the queue is empty. */
uint64_t events_next(const struct event_queue *q);
/* Takes the earliest event if it is due at or before `now`. */
bool events_pop_due(struct event_queue *q, uint64_t now, struct event *out);

#endif
