/* travel_io: a live session's backends made exact toward the outside when
 * time travel puts the machine back (sim/core/snapshot.h). It wraps the
 * session's backend provider (as inputs.h's record_* wrappers do) and keeps
 * what going back needs:
 * - a character source: every input taken (a line, or the end) is logged
 *   with its virtual time; after going back to time T the inputs logged at
 *   times >= T are given back again at their times (not read again; at
 *   once if the guest waits), to the log's end; then live input resumes
 *   (and is logged);
 * - a character sink: what was written once is not written again when the
 *   machine runs through the same output a second time (a byte count
 *   high-water mark per sink);
 * - a block store: each write keeps the sectors' old and new contents with
 *   its time; going back to T undoes, newest first, the writes made at
 *   times >= T, and going forward (to a later snapshot) makes the undone
 *   ones before T again, so the image always matches the machine's present
 *   (nothing is lost on exit, nothing from an undone future stays). A write
 *   that differs from the logged one at that point (the guest was changed
 *   by a debugger) drops the logged future.
 *
 * Going back and forward again is assumed to follow the same path (it
 * does: runs are deterministic given their inputs), so output marks and
 * input are kept for the whole path, and "at time T" works both ways.
 *
 * Times are machine_now's. A snapshot must be taken before anything at its
 * time happened - at a deadline of machine_run_until or from an alarm -
 * so that what was done at time T is after it (time travel takes them so).
 *
 * The driver creates it, wraps the provider the machine is created with,
 * attaches the machine, calls travel_io_rewound after each
 * machine_snapshot_restore, and frees it after machine_destroy (which
 * closes the wrapped backends). */
#ifndef SPACE_TRAVEL_IO_H
#define SPACE_TRAVEL_IO_H

#include <stddef.h>
#include <stdint.h>

#include "devices/backend.h"

struct machine;
struct travel_io;

/* NULL if out of host memory. */
struct travel_io *travel_io_create(void);
/* Wrap the session's backends (once per travel_io). */
struct backend_provider travel_io_wrap(struct travel_io *io, struct backend_provider inner);
/* The machine whose virtual time (machine_now) stamps the logs (after
 * machine_create). */
void travel_io_attach(struct travel_io *io, const struct machine *m);
/* Or any clock (a unit test's). */
void travel_io_set_clock(struct travel_io *io, uint64_t (*now)(void *arg), void *arg);
/* The machine was put back to virtual time t (call after
 * machine_snapshot_restore with machine_snapshot_time). */
void travel_io_rewound(struct travel_io *io, uint64_t t);
/* Host memory the logs hold. */
size_t travel_io_bytes(const struct travel_io *io);
/* After machine_destroy. NULL: nothing. */
void travel_io_free(struct travel_io *io);

#endif
