/* snapshot: the whole state of one machine at an instruction boundary
 * (between two machine_run_until calls), kept in host memory, and put back
 * exactly. Time travel (sim/replay/travel.h) takes them at intervals and
 * goes back to one; nothing else keeps them.
 *
 * Captured: every CPU (all of Unicorn's registers incl. FPU/SSE and hidden
 * segment state, virtual and idle time, CONTEXT, MODE, the engine's
 * stepping state, the CPU's statistics; interrupt enable, waiting, halted,
 * IPIs, devices, slice and SPACE statistics), RAM, every CONTEXT's mappings
 * with their reference and dirty bits and its TLB's statistics, portals,
 * PCB chains (every CPU's and the suspended ones, with generations and
 * thread times), the bus (each device's own state through its kind's
 * save/load, interrupt counts, pending interrupts, the event queue and its
 * sequence, the bus statistics), the scheduler's round, the running CPU,
 * the machine's state, exit code, stop reason, pause and statistics.
 *
 * Not captured: the driver's things - alarms, the observer, breakpoints,
 * watchpoints (and a pending resume past one), the tracer, where debug
 * output goes, Ctrl-C, the recording flag; the host side of backends
 * (files, terminals: sim/replay/travel_io.h makes them follow); Unicorn's
 * translations and TLB, and the software TLBs' contents (all dropped on
 * restore, which only costs retranslation).
 *
 * Cost: RAM pages not written since `prev` are shared with it (refcounted,
 * so snapshots are freed in any order), all-zero pages cost nothing, and
 * mapping-table leaves, portal tables and suspended chains equal to prev's
 * are shared too; the rest (CPU registers and statistics, ~20 KiB per CPU,
 * the TLB statistics, devices) is copied each time. Pages written since
 * the last snapshot are known from physmem's write tracking (its own
 * bitmap beside the checkpoints'). */
#ifndef SPACE_SNAPSHOT_H
#define SPACE_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

struct machine;
struct machine_snapshot;

/* Takes one of m between runs. `prev`: an earlier snapshot of m (or NULL):
 * what it shares with it is not copied. NULL if out of host memory. */
struct machine_snapshot *machine_snapshot_take(struct machine *m,
                                               const struct machine_snapshot *prev);
/* Puts m back exactly as it was when s was taken (s stays valid). 0, or -1
 * with a reason (s is another machine's, a device refused its state, out
 * of host memory: then m is in no state to run on). */
int machine_snapshot_restore(struct machine *m, const struct machine_snapshot *s, char *err,
                             unsigned errlen);
uint64_t machine_snapshot_time(const struct machine_snapshot *s); /* machine_now then */
/* The host memory s alone holds (what freeing it gives back). */
size_t machine_snapshot_bytes(const struct machine_snapshot *s);
void machine_snapshot_free(struct machine_snapshot *s); /* any order; NULL: nothing */

#endif
