/* statpath: one statistic, named by its path in the statistics tree
 * (stats_tree; the keys of the JSON report of docs/instrumentation.md) -
 * "virtual_time", "cpus[0].by_mode[3]" (or "cpus.0.by_mode.3"),
 * "traps.by_number.14.count", "operations.by_kind.MAP_MEMORY",
 * "devices[1].interrupts_delivered", "contexts.3.faults", "guest.ready_wait".
 * Only the numbers: not "format",
 * "state", "exit_code" or a device's "name". The tree is complete, so a
 * count the report leaves out because it is 0 (a trap never raised, a
 * CONTEXT that never ran) is there, and reads as 0 - except guest.NAME:
 * any name the guest may publish is a statistic, but one it never
 * published has no value ("the guest never published metric NAME"). The grader checks its
 * spec's names with statpath_check and reads a run's numbers with
 * statpath_get; the names are nowhere but in the tree. */
#ifndef SPACE_STATPATH_H
#define SPACE_STATPATH_H

#include <stdint.h>

#include <jansson.h>

/* Is `path` the name of a statistic (whatever machine it is asked of: it
 * is looked up in the tree of the largest machine)? 0, or -1 with a
 * one-line reason in err. */
int statpath_check(const char *path, char *err, unsigned errlen);

/* Its value in the tree. 0, or -1 with a reason (not a statistic, or one
 * this machine does not have: device 5 of 3). */
int statpath_get(const json_t *tree, const char *path, uint64_t *value, char *err, unsigned errlen);

#endif
