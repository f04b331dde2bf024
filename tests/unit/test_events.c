/* Unit tests for the event queue (sim/core/events.h): order by (due, seq),
 * replacing a schedule of the same (device, tag), cancel, when - also
 * against a plain list on a long random sequence. */
#include "unit.h"

#include <stdint.h>
#include <string.h>

#include "sim/core/events.h"

/* Devices are only compared by address here. */
static struct device *dev(int i)
{
    static char devices[8];
    return (struct device *)(void *)&devices[i];
}

static void expect_pop(struct event_queue *q, uint64_t now, uint64_t due, int d, uint32_t tag)
{
    struct event e;
    EXPECT(events_pop_due(q, now, &e));
    EXPECT(e.due == due && e.dev == dev(d) && e.tag == tag);
}

static void order(void)
{
    struct event_queue q;
    events_init(&q);
    EXPECT(events_next(&q) == UINT64_MAX);
    struct event e;
    EXPECT(!events_pop_due(&q, UINT64_MAX, &e));
    EXPECT(events_schedule(&q, 300, dev(0), 1) == 0);
    EXPECT(events_schedule(&q, 100, dev(1), 1) == 0);
    EXPECT(events_schedule(&q, 200, dev(2), 1) == 0);
    /* same due time: the order they were scheduled in */
    EXPECT(events_schedule(&q, 100, dev(3), 7) == 0);
    EXPECT(events_schedule(&q, 100, dev(0), 2) == 0);
    EXPECT(events_next(&q) == 100);
    /* nothing before its time */
    EXPECT(!events_pop_due(&q, 99, &e));
    expect_pop(&q, 100, 100, 1, 1);
    expect_pop(&q, 100, 100, 3, 7);
    expect_pop(&q, 100, 100, 0, 2);
    EXPECT(!events_pop_due(&q, 100, &e));
    EXPECT(events_next(&q) == 200);
    /* popping late still gives the earliest first */
    expect_pop(&q, 1000, 200, 2, 1);
    expect_pop(&q, 1000, 300, 0, 1);
    EXPECT(q.count == 0 && events_next(&q) == UINT64_MAX);
    events_free(&q);
}

static void replace_cancel_when(void)
{
    struct event_queue q;
    events_init(&q);
    uint64_t due = 0;
    EXPECT(!events_when(&q, dev(0), 1, &due));
    EXPECT(events_schedule(&q, 50, dev(0), 1) == 0);
    EXPECT(events_schedule(&q, 60, dev(0), 2) == 0);
    EXPECT(events_schedule(&q, 70, dev(1), 1) == 0);
    EXPECT(events_when(&q, dev(0), 1, &due) && due == 50);
    EXPECT(events_when(&q, dev(1), 1, &due) && due == 70);
    /* the same (device, tag) again: one schedule, at the new time, and
     * behind what was already due then */
    EXPECT(events_schedule(&q, 70, dev(0), 1) == 0);
    EXPECT(q.count == 3);
    EXPECT(events_when(&q, dev(0), 1, &due) && due == 70);
    EXPECT(events_next(&q) == 60);
    /* earlier, too */
    EXPECT(events_schedule(&q, 10, dev(1), 1) == 0);
    EXPECT(q.count == 3 && events_next(&q) == 10);
    /* cancel: gone, others stay; cancelling what is not there is nothing */
    events_cancel(&q, dev(1), 1);
    EXPECT(!events_when(&q, dev(1), 1, &due));
    events_cancel(&q, dev(1), 1);
    events_cancel(&q, dev(5), 9);
    EXPECT(q.count == 2);
    expect_pop(&q, 100, 60, 0, 2);
    expect_pop(&q, 100, 70, 0, 1);
    EXPECT(q.count == 0);
    events_free(&q);
    EXPECT(q.heap == NULL && q.count == 0 && q.cap == 0);
}

/* A plain model: the live schedules, each with its sequence number. */
struct model {
    bool live;
    uint64_t due, seq;
};

static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return rnd_state >> 8;
}

static void random_against_model(void)
{
    enum { DEVS = 6, TAGS = 5 };
    struct model m[DEVS][TAGS];
    memset(m, 0, sizeof m);
    uint64_t seq = 0, now = 0;
    struct event_queue q;
    events_init(&q);
    for (int step = 0; step < 20000; step++) {
        int d = (int)(rnd() % DEVS);
        uint32_t t = rnd() % TAGS;
        switch (rnd() % 4) {
        case 0:
        case 1: {
            uint64_t due = now + rnd() % 50;
            EXPECT(events_schedule(&q, due, dev(d), t) == 0);
            m[d][t] = (struct model){true, due, seq++};
            break;
        }
        case 2:
            events_cancel(&q, dev(d), t);
            m[d][t].live = false;
            break;
        default: {
            now += rnd() % 20;
            struct event e;
            while (events_pop_due(&q, now, &e)) {
                /* it must be the model's earliest by (due, seq) */
                int bd = -1, bt = -1;
                for (int i = 0; i < DEVS; i++)
                    for (int j = 0; j < TAGS; j++)
                        if (m[i][j].live &&
                            (bd < 0 || m[i][j].due < m[bd][bt].due ||
                             (m[i][j].due == m[bd][bt].due && m[i][j].seq < m[bd][bt].seq)))
                            bd = i, bt = j;
                EXPECT(bd >= 0 && e.dev == dev(bd) && e.tag == (uint32_t)bt);
                EXPECT(e.due == m[bd][bt].due && e.due <= now);
                m[bd][bt].live = false;
            }
        }
        }
        unsigned live = 0;
        uint64_t next = UINT64_MAX;
        for (int i = 0; i < DEVS; i++)
            for (int j = 0; j < TAGS; j++) {
                uint64_t due;
                bool when = events_when(&q, dev(i), (uint32_t)j, &due);
                EXPECT(when == m[i][j].live && (!when || due == m[i][j].due));
                if (m[i][j].live) {
                    live++;
                    if (m[i][j].due < next)
                        next = m[i][j].due;
                }
            }
        EXPECT(q.count == live && events_next(&q) == next);
    }
    events_free(&q);
}

int main(void)
{
    order();
    replace_cancel_when();
    random_against_model();
    puts("events: ok");
    return 0;
}
