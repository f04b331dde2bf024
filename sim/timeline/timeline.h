/* timeline: a picture of a run. It follows one machine through its probe
 * (sim/core/machine.h: CONTEXT/MODE changes, traps, waits, device
 * interrupts and DMA, IPIs) and
 *  - writes Chrome Trace Event JSON, which Perfetto and chrome://tracing
 *    open (docs/instrumentation.md#timelines gives the layout), and
 *  - keeps each CPU's recent slices for the window's strip (ui/screen).
 * Called by sim/app (space run --timeline, space timeline, space grade) and
 * the window.
 *
 * Guarantees: the output is a function of the run alone (virtual time, no
 * host clock, no addresses of host memory): the same recording gives the
 * same bytes. A CPU's slices never overlap; its "run" slices add up to its
 * busy time (cpu_busy_time) and its "idle" slices to its idle time. Every
 * trap counted in machine_stats.traps is one "trap" event.
 *
 * Several nodes' timelines may share a file (space run --nodes): arrow ids
 * are kept apart per node (IPIs, interrupts) and per frame copy.
 *
 * Time: ts is the CPU's virtual time, 1 unit (one instruction's worth) =
 * 1 microsecond of the file's clock. Tracks: pid = the node (0 for a single
 * machine), tid = the CPU (0..N-1), tid 1000 + i = bus device i; counters
 * belong to the node. */
#ifndef SPACE_TIMELINE_H
#define SPACE_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/core/machine.h"
#include "sim/net/netmodel.h"

struct timeline_options {
    uint64_t from, to; /* only what happens in [from, to) (to = 0: no end) */
    uint64_t interval; /* counters: at most one sample per this much time (0: 10000) */
    unsigned node;     /* the pid of the node's tracks */
    const char *title; /* the node's process name (NULL: "machine") */
};

struct timeline;

/* Starts following m (it installs m's probe: one timeline per machine).
 * out: where the JSON goes, between timeline_json_begin and _end (NULL:
 * only the window's slices are kept). NULL if out of host memory. */
struct timeline *timeline_create(struct machine *m, FILE *out, const struct timeline_options *o);
/* Ends every CPU's open slice where its time stands now and writes the
 * counters' last samples. Call once the run is over, before timeline_free. */
void timeline_finish(struct timeline *t);
/* Removes the probe and frees t. */
void timeline_free(struct timeline *t);

/* A frame's fate from the network (sim/net/netmodel.h's observer), drawn
 * on the node's net device track: a zero-length slice named "frame sent",
 * "frame lost", "frame cut off", "frame duplicated" or "frame delivered"
 * with its source, destination, bytes, sequence and copy, and for each
 * copy on its way an arrow from its sending to its delivery. Give t of
 * the source for every kind but NET_DELIVERED, of the destination for
 * that one. */
void timeline_net(struct timeline *t, const struct net_event *e);

/* The file around the events of one or more timelines (several nodes may
 * share a file). 0, or -1 if writing failed. */
void timeline_json_begin(FILE *out);
int timeline_json_end(FILE *out);

/* The machine was put back to an earlier time (time travel: after
 * machine_snapshot_restore). The window's slices after each CPU's time
 * now are dropped and each CPU's open slice starts again there; the JSON
 * already written stays as it was (a file is the picture of one forward
 * run). */
void timeline_rewound(struct timeline *t);

/* ---- For the window ---- */

struct timeline_slice {
    uint64_t start, end; /* virtual time of the CPU, end > start */
    uint32_t ctx, mode;
    bool idle; /* waiting (or not started): ctx/mode are the CPU's then */
};

/* Slice i of CPU cpu counted from the newest (0: the one running now, up
 * to the CPU's present time; the recent past is kept, a few thousand
 * slices per CPU). False past the oldest kept. */
bool timeline_slice(const struct timeline *t, unsigned cpu, unsigned i, struct timeline_slice *s);
/* The CPU's present virtual time. */
uint64_t timeline_now(const struct timeline *t, unsigned cpu);
unsigned timeline_cpus(const struct timeline *t);
/* CONTEXT ctx as the timeline names it: the kernel's name for it, or its
 * number ("CONTEXT 5"). */
void timeline_context_label(const struct timeline *t, uint32_t ctx, char *buf, size_t len);

#endif
