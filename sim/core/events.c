#include "events.h"

#include <stdlib.h>

/* A binary min-heap on (due, seq). Device counts are small; cancelling is a
 * linear search, which keeps the structure simple. */

static bool before(const struct event *a, const struct event *b)
{
    return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void swap(struct event *a, struct event *b)
{
    struct event t = *a;
    *a = *b;
    *b = t;
}

static void sift_up(struct event_queue *q, uint32_t i)
{
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        if (!before(&q->heap[i], &q->heap[parent]))
            break;
        swap(&q->heap[i], &q->heap[parent]);
        i = parent;
    }
}

static void sift_down(struct event_queue *q, uint32_t i)
{
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < q->count && before(&q->heap[l], &q->heap[m]))
            m = l;
        if (r < q->count && before(&q->heap[r], &q->heap[m]))
            m = r;
        if (m == i)
            return;
        swap(&q->heap[i], &q->heap[m]);
        i = m;
    }
}

static void remove_at(struct event_queue *q, uint32_t i)
{
    q->heap[i] = q->heap[--q->count];
    if (i < q->count) {
        sift_down(q, i);
        sift_up(q, i);
    }
}

void events_init(struct event_queue *q)
{
    q->heap = NULL;
    q->count = q->cap = 0;
    q->next_seq = 0;
}

void events_free(struct event_queue *q)
{
    free(q->heap);
    events_init(q);
}

static int find(const struct event_queue *q, const struct device *dev, uint32_t tag)
{
    for (uint32_t i = 0; i < q->count; i++)
        if (q->heap[i].dev == dev && q->heap[i].tag == tag)
            return (int)i;
    return -1;
}

int events_schedule(struct event_queue *q, uint64_t due, struct device *dev, uint32_t tag)
{
    events_cancel(q, dev, tag);
    if (q->count == q->cap) {
        uint32_t cap = q->cap ? q->cap * 2 : 16;
        struct event *h = realloc(q->heap, cap * sizeof *h);
        if (!h)
            return -1;
        q->heap = h;
        q->cap = cap;
    }
    q->heap[q->count] = (struct event){.due = due, .seq = q->next_seq++, .dev = dev, .tag = tag};
    sift_up(q, q->count++);
    return 0;
}

void events_cancel(struct event_queue *q, struct device *dev, uint32_t tag)
{
    int i = find(q, dev, tag);
    if (i >= 0)
        remove_at(q, (uint32_t)i);
}

bool events_when(const struct event_queue *q, const struct device *dev, uint32_t tag, uint64_t *due)
{
    int i = find(q, dev, tag);
    if (i < 0)
        return false;
    *due = q->heap[i].due;
    return true;
}

uint64_t events_next(const struct event_queue *q)
{
    return q->count ? q->heap[0].due : UINT64_MAX;
}

bool events_pop_due(struct event_queue *q, uint64_t now, struct event *out)
{
    if (!q->count || q->heap[0].due > now)
        return false;
    *out = q->heap[0];
    remove_at(q, 0);
    return true;
}
