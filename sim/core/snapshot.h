/* snapshot: the whole state of one machine at an instruction boundary (between two
 * machine_run_until calls), kept in host memory, and put back exactly: CPUs (all
 * registers incl. FPU/SSE, virtual time, busy time, stats), RAM, MMU mappings and
 * access bits, portals, PCB chains, the bus (devices' state, pending lines, events),
 * the scheduler's round, the machine's state and statistics. Not part of it: the
 * driver's things (alarms, observer, breakpoints, watchpoints, tracer) and the host
 * side of backends (see travel_io below). */
#ifndef SPACE_SNAPSHOT_H
#define SPACE_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

struct machine;
struct machine_snapshot;
/* Takes one. `prev`: the previous snapshot taken of this machine (or NULL): RAM pages
 * not written since it are shared with it (refcounted), so a snapshot costs the pages
 * written since plus a small table. NULL if out of host memory. */
struct machine_snapshot *machine_snapshot_take(struct machine *m,
                                               const struct machine_snapshot *prev);
/* Puts m back exactly as it was when s was taken (s stays valid). 0, or -1 with a reason. */
int machine_snapshot_restore(struct machine *m, const struct machine_snapshot *s, char *err,
                             unsigned errlen);
uint64_t machine_snapshot_time(const struct machine_snapshot *s); /* machine_now then */
size_t machine_snapshot_bytes(const struct machine_snapshot *s); /* host memory it alone holds */
void machine_snapshot_free(struct machine_snapshot *s);           /* any order */

#endif
