#include "travel.h"

#include <stdio.h>
#include <stdlib.h>

#include "sim/core/snapshot.h"
#include "travel_io.h"

/* The newest snapshots thinning never drops: the near past stays dense. */
#define KEEP_NEWEST 8

struct travel {
    struct machine *m;
    struct travel_io *io;
    size_t budget;
    /* Oldest first; their times strictly increase. */
    struct machine_snapshot **snap;
    unsigned n, cap;
    size_t snap_bytes; /* host memory the snapshots hold together */
    void (*hold)(void *arg, bool on);
    void *hold_arg;
};

static uint64_t snap_time(const struct travel *t, unsigned i)
{
    return machine_snapshot_time(t->snap[i]);
}

static size_t total_bytes(const struct travel *t)
{
    return t->snap_bytes + (t->io ? travel_io_bytes(t->io) : 0);
}

/* Frees snapshot i: what it alone holds goes back to the host. */
static void drop(struct travel *t, unsigned i)
{
    t->snap_bytes -= machine_snapshot_bytes(t->snap[i]);
    machine_snapshot_free(t->snap[i]);
    for (unsigned j = i; j + 1 < t->n; j++)
        t->snap[j] = t->snap[j + 1];
    t->n--;
    /* The snapshots that shared pages with it may now hold them alone:
     * count again. */
    t->snap_bytes = 0;
    for (unsigned j = 0; j < t->n; j++)
        t->snap_bytes += machine_snapshot_bytes(t->snap[j]);
}

/* Every other snapshot of the older half of those that may go (never the
 * first or the newest KEEP_NEWEST), until within the budget or nothing
 * more may go: coverage stays spread, densest near the present. */
static void thin(struct travel *t)
{
    while (total_bytes(t) > t->budget && t->n > KEEP_NEWEST + 1) {
        unsigned droppable = t->n - 1 - KEEP_NEWEST; /* indices 1..droppable */
        unsigned last = droppable / 2 ? droppable / 2 : 1;
        unsigned dropped = 0;
        for (unsigned i = 1; i <= last; i += 2)
            drop(t, i - dropped++); /* (each drop moves the later ones down) */
    }
}

static void take(struct machine *m, void *arg);

static void arm(struct travel *t)
{
    machine_set_alarm(t->m, snap_time(t, t->n - 1) + TRAVEL_INTERVAL, take, t);
}

/* The alarm: a snapshot when the run goes past the newest by an interval
 * (not again over ground already covered after going back). */
static void take(struct machine *m, void *arg)
{
    struct travel *t = arg;
    uint64_t now = machine_now(m);
    if (now > snap_time(t, t->n - 1) && t->n < t->cap) {
        struct machine_snapshot *s = machine_snapshot_take(m, t->snap[t->n - 1]);
        if (s) {
            t->snap[t->n++] = s;
            t->snap_bytes += machine_snapshot_bytes(s);
            thin(t);
        }
    }
    if (t->n == t->cap) { /* (a table full of snapshots the budget allows: thin harder) */
        drop(t, 1);
        thin(t);
    }
    arm(t);
}

struct travel *travel_create(struct machine *m, struct travel_io *io, size_t budget_bytes,
                             char *err, unsigned errlen)
{
    struct travel *t = calloc(1, sizeof *t);
    if (t) {
        t->cap = 4096;
        t->snap = calloc(t->cap, sizeof *t->snap);
    }
    if (!t || !t->snap || !(t->snap[0] = machine_snapshot_take(m, NULL))) {
        if (t)
            free(t->snap);
        free(t);
        snprintf(err, errlen, "time travel: out of host memory for the first snapshot");
        return NULL;
    }
    t->m = m;
    t->io = io;
    t->budget = budget_bytes;
    t->n = 1;
    t->snap_bytes = machine_snapshot_bytes(t->snap[0]);
    arm(t);
    return t;
}

void travel_free(struct travel *t)
{
    if (!t)
        return;
    machine_set_alarm(t->m, UINT64_MAX, NULL, t);
    for (unsigned i = 0; i < t->n; i++)
        machine_snapshot_free(t->snap[i]);
    free(t->snap);
    free(t);
}

void travel_set_hold(struct travel *t, void (*hold)(void *arg, bool on), void *arg)
{
    t->hold = hold;
    t->hold_arg = arg;
}

uint64_t travel_start(const struct travel *t)
{
    return snap_time(t, 0);
}

unsigned travel_snapshots(const struct travel *t)
{
    return t->n;
}

size_t travel_bytes(const struct travel *t)
{
    return total_bytes(t);
}

size_t travel_budget(const struct travel *t)
{
    return t->budget;
}

/* The newest snapshot at or before `time` (there is one: time >= start). */
static unsigned snapshot_before(const struct travel *t, uint64_t time)
{
    unsigned lo = 0, hi = t->n; /* snap[lo] <= time < snap[hi] */
    while (hi - lo > 1) {
        unsigned mid = lo + (hi - lo) / 2;
        if (snap_time(t, mid) <= time)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static int restore(struct travel *t, unsigned i, char *err, unsigned errlen)
{
    char why[256];
    if (machine_snapshot_restore(t->m, t->snap[i], why, sizeof why) != 0) {
        snprintf(err, errlen, "time travel: the snapshot of virtual time %llu: %s",
                 (unsigned long long)snap_time(t, i), why);
        return -1;
    }
    if (t->io)
        travel_io_rewound(t->io, snap_time(t, i));
    arm(t);
    return 0;
}

static void hold(struct travel *t, bool on)
{
    if (t->hold)
        t->hold(t->hold_arg, on);
}

/* Runs on to `time` with nothing of the driver's stopping it. */
static int run_to(struct travel *t, uint64_t time)
{
    struct machine *m = t->m;
    hold(t, true);
    while (machine_now(m) < time && machine_state(m) == MACHINE_RUNNING) {
        machine_run_until(m, time);
        if (machine_pause_reason(m).why == PAUSE_INPUT)
            break; /* the live end: the guest waits for a person */
    }
    hold(t, false);
    return machine_now(m) == time ? 0 : 1;
}

int travel_goto(struct travel *t, uint64_t time, char *err, unsigned errlen)
{
    uint64_t now = machine_now(t->m);
    if (time < travel_start(t)) {
        snprintf(err, errlen,
                 "virtual time %llu is before the oldest snapshot (%llu): it cannot be reached",
                 (unsigned long long)time, (unsigned long long)travel_start(t));
        return -1;
    }
    unsigned i = snapshot_before(t, time);
    /* Running on from the present is cheaper when no snapshot lies between. */
    bool run_on = time >= now && now >= snap_time(t, i) && machine_state(t->m) == MACHINE_RUNNING;
    if (!run_on && restore(t, i, err, errlen) != 0)
        return -1;
    return run_to(t, time);
}

/* The stops `scan` finds running from snapshot i to `until` that stop
 * before `limit` (a stop completing at the present - a trap the last
 * instruction raised - is the present itself, not before it). */
static int count_hits(struct travel *t, unsigned i, uint64_t until, uint64_t limit,
                      const struct travel_scan *scan, unsigned *hits, char *err, unsigned errlen)
{
    *hits = 0;
    if (restore(t, i, err, errlen) != 0)
        return -1;
    bool fresh = true;
    while (machine_now(t->m) < until && scan->next(scan->arg, until, fresh)) {
        fresh = false;
        if (machine_now(t->m) >= limit)
            break;
        ++*hits;
    }
    return 0;
}

int travel_back_to_stop(struct travel *t, const struct travel_scan *scan, char *err,
                        unsigned errlen)
{
    uint64_t now = machine_now(t->m);
    if (now > travel_start(t)) {
        /* The interval holding the present first, then each older one. */
        unsigned i = snapshot_before(t, now - 1);
        uint64_t until = now;
        for (;;) {
            unsigned hits;
            if (count_hits(t, i, until, now, scan, &hits, err, errlen) != 0)
                return -1;
            if (scan->cancelled && scan->cancelled(scan->arg)) {
                if (travel_goto(t, now, err, errlen) >= 0)
                    snprintf(err, errlen, "interrupted: back at virtual time %llu",
                             (unsigned long long)now);
                return -1;
            }
            if (hits) { /* land on the last: the same scan again, stopping there */
                if (restore(t, i, err, errlen) != 0)
                    return -1;
                for (unsigned k = 0; k < hits; k++)
                    scan->next(scan->arg, until, k == 0);
                return 1;
            }
            if (i == 0)
                break;
            until = snap_time(t, i);
            i--;
        }
    }
    return travel_goto(t, travel_start(t), err, errlen) < 0 ? -1 : 0;
}

void travel_forget_future(struct travel *t)
{
    uint64_t now = machine_now(t->m);
    while (t->n > 1 && snap_time(t, t->n - 1) > now)
        drop(t, t->n - 1);
    arm(t);
}
