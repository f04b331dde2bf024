/* replayer: replaying a trace exactly (docs/trace-format.md).
 *
 * A replay rebuilds the machine from the trace alone - its devices from
 * the recorded options, their backends from the recorded inputs (inputs.h:
 * no console, no disk image) - feeds the inputs back at their virtual
 * times and compares every checkpoint; the first difference stops the
 * machine with a report of what differs. Checkpoints are compared by the
 * machine's alarm, so any driver (a plain replay, the debugger) can run a
 * replayed machine. Used by sim/app/replay_cmd.c. */
#ifndef SPACE_REPLAYER_H
#define SPACE_REPLAYER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "devices/backend.h"
#include "sim/core/machine.h"
#include "sim/net/netmodel.h"

struct travel_io;

struct replay_options {
    const char *kernel_path;      /* replay with this kernel instead of the recorded one (kept
                                   * as given: it must outlive the replay) */
    FILE *console_output;         /* the guest's console output (NULL: standard output) */
    const struct char_sink *also; /* ... and a copy of it (the window's screen), or NULL */
    /* Time travel's wrapper for the replayed backends (travel_io.h; NULL:
     * none): going back gives the inputs taken again. */
    struct travel_io *travel_io;
};

struct replay;

/* Reads and checks the whole trace, then builds and boots the machine it
 * describes, ready to run with its inputs and checkpoints attached.
 * Returns NULL with a one-line reason in err. A kernel_path whose image
 * differs from the recorded one is allowed (to find where a changed
 * kernel's behaviour departs): replay_note says so. */
struct replay *replay_open(const char *path, const struct replay_options *opt, char *err,
                           unsigned errlen);
struct machine *replay_machine(struct replay *rp);
/* A remark about the replay's set-up ("" if none). */
const char *replay_note(const struct replay *rp);
/* The kernel image the replay booted (for a debugger's symbols): the
 * recorded one, or the kernel_path file's, named as errors name it. */
void replay_image(const struct replay *rp, const char **name, const uint8_t **image, size_t *size);

/* Runs the machine to where the recording ended - one instruction at a
 * time if single_step - then checks the end. */
void replay_run(struct replay *rp, bool single_step);
/* After the machine stopped (however it was driven): compares how it
 * ended with the recording. Returns true if the replay matched in every
 * checkpoint and the end; otherwise the report says what differed first. */
bool replay_verdict(struct replay *rp, char *report, unsigned len);
/* Checkpoints compared so far, and how many the recording has. */
void replay_progress(const struct replay *rp, unsigned *checked, unsigned *total);
void replay_close(struct replay *rp);
/* A node's recording: fn(arg, e) for each fate of a frame it kept (of
 * the frames the node sent and took, as sim/net/netmodel.h's observer
 * tells them live; `sent` of a delivered frame is 0 there too). fn NULL:
 * nobody. */
void replay_observe_net(struct replay *rp, net_observer *fn, void *arg);

#endif
