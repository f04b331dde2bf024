/* travel: time travel over one machine - going back to any virtual time
 * since the start of a run, and forward again along the same path.
 *
 * It keeps machine snapshots (sim/core/snapshot.h) taken by a machine
 * alarm every TRAVEL_INTERVAL units of machine_now, within a memory budget:
 * when the snapshots and the logged inputs (travel_io.h) reach it, every
 * other snapshot of the older half of those that may go is dropped (the
 * first one, the start, and the 8 newest are always kept), so coverage
 * stays spread over the whole run and dense near the present. Going to a time restores the nearest
 * snapshot at or before it and runs forward exactly to it; the inputs from
 * outside are given back by travel_io, so the path is the one taken before
 * until the furthest point reached, where the run goes on live.
 *
 * Reverse-continue scans back snapshot interval by snapshot interval: the
 * driver's scan runs forward through the interval stopping where the
 * driver would (breakpoints, watchpoints, catchpoints: the driver decides,
 * ui/debugger), the hits are counted, and the machine lands on the last
 * one by running the same scan again.
 *
 * Called by the debugger layer (ui/debugger/dbg_reverse.c), which sdb, the
 * GDB stub and the window share; created by the session (sim/app) for
 * --debug, --gdb and --gui, and by `space replay --debug`.
 *
 * Guarantees: after travel_goto(T) the machine is exactly as an
 * undisturbed run from the start left it at machine_now T (registers, RAM,
 * devices, every CPU's time), as long as nobody changed the guest from
 * outside (travel_forget_future after a debugger's write). */
#ifndef SPACE_TRAVEL_H
#define SPACE_TRAVEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/machine.h"

struct travel_io;
struct travel;

/* The default --reverse-budget: 256 MiB holds a 100-million-instruction
 * BasicOZ run at full density (docs/debugging.md gives the figures). */
#define TRAVEL_DEFAULT_BUDGET (256u * 1024 * 1024)
/* Units of machine_now between snapshots: a reverse step re-runs at most
 * this many instructions (a few milliseconds). */
#define TRAVEL_INTERVAL 5000000u

/* Starts keeping snapshots of m, the first one now. io: m's backends'
 * wrapper (NULL if the machine takes no input from outside that needs
 * replaying, e.g. a replay's). NULL with a reason if out of host memory. */
struct travel *travel_create(struct machine *m, struct travel_io *io, size_t budget_bytes,
                             char *err, unsigned errlen);
void travel_free(struct travel *t);

/* While the engine runs the machine to a time (travel_goto), the driver's
 * breakpoints, watchpoints and observer must not stop it: hold(arg, true)
 * before, hold(arg, false) after. */
void travel_set_hold(struct travel *t, void (*hold)(void *arg, bool on), void *arg);

/* The earliest virtual time reachable (the oldest snapshot's). */
uint64_t travel_start(const struct travel *t);
/* Snapshots kept and the host memory they and the input log hold. */
unsigned travel_snapshots(const struct travel *t);
size_t travel_bytes(const struct travel *t);
size_t travel_budget(const struct travel *t);

/* Puts the machine at virtual time `time` (past or future; the future by
 * running on). 0; 1 if the machine ended, or waits for a person's input,
 * before reaching it (it stands there); -1 with a reason (before the
 * start, a snapshot could not be restored). */
int travel_goto(struct travel *t, uint64_t time, char *err, unsigned errlen);

/* The driver's stops, for reverse-continue. */
struct travel_scan {
    void *arg;
    /* Runs the machine on from where it stands, stopping where the driver
     * would, until a stop (true: it stands there) or virtual time `until`
     * or the machine's end (false). `fresh`: the machine was just put back
     * (a breakpoint at the pc counts). */
    bool (*next)(void *arg, uint64_t until, bool fresh);
    /* The driver gave up (Ctrl-C during `next`)? NULL: never. */
    bool (*cancelled)(void *arg);
};
/* Goes back to the last stop strictly before the present: 1 (the machine
 * stands where `next` stopped), 0 (none: it stands at the start), -1 with
 * a reason (cancelled: then back at the present). */
int travel_back_to_stop(struct travel *t, const struct travel_scan *scan, char *err,
                        unsigned errlen);

/* The guest was changed from outside (a debugger wrote memory or
 * registers): the snapshots after the present no longer describe its
 * future; they are dropped. */
void travel_forget_future(struct travel *t);

#endif
