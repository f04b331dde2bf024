/* statpath: one statistic, named by its path in the JSON report of
 * docs/instrumentation.md - "virtual_time", "cpus[0].by_mode[3]" (or
 * "cpus.0.by_mode.3"), "traps.by_number.14.count",
 * "operations.by_kind.MAP_MEMORY", "devices[1].interrupts_delivered" - read
 * from a struct space_stats. Only the numbers: not "format", "state",
 * "exit_code" or a device's "name". A count the JSON leaves out because it
 * is 0 (a trap never raised, a CONTEXT that never ran) reads as 0. */
#ifndef SPACE_STATPATH_H
#define SPACE_STATPATH_H

#include <stdint.h>

#include "stats.h"

/* Is `path` the name of a statistic (whatever machine it is asked of)?
 * 0, or -1 with a one-line reason in err. */
int statpath_check(const char *path, char *err, unsigned errlen);

/* Its value in s. 0, or -1 with a reason (not a statistic, or one this
 * machine does not have: device 5 of 3). */
int statpath_get(const struct space_stats *s, const char *path, uint64_t *value, char *err,
                 unsigned errlen);

#endif
