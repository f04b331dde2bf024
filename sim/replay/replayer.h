/* replayer: replaying a trace exactly (docs/trace-format.md).
 *
 * A replay rebuilds the machine from the trace alone - its devices from
 * the recorded options, their backends from the recorded inputs (inputs.h:
 * no console, no disk image) - feeds the inputs back at their virtual
 * times and compares every checkpoint; the first difference stops the
 * machine with a report of what differs. Checkpoints are compared by the
 * machine's alarm, so any driver (a plain replay, the debugger) can run a
 * replayed machine. Another kernel is run on the recorded inputs instead
 * (replay_cross). Used by sim/app/replay_cmd.c. */
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
struct frame_watch;

struct replay_options {
    const char *kernel_path;      /* replay with this kernel instead of the recorded one (kept
                                   * as given: it must outlive the replay) */
    FILE *console_output;         /* the guest's console output (NULL: standard output) */
    const struct char_sink *also; /* ... and a copy of it (the window's screen), or NULL */
    /* Time travel's wrapper for the replayed backends (travel_io.h; NULL:
     * none): going back gives the inputs taken again. */
    struct travel_io *travel_io;
    /* Told what a node's network device sends and takes (inputs.h; NULL:
     * no one): the network's checkpoint is rebuilt from it. */
    const struct frame_watch *frames;
};

struct replay;

/* Reads and checks the whole trace, then builds and boots the machine it
 * describes, ready to run with its inputs and checkpoints attached.
 * Returns NULL with a one-line reason in err. A kernel_path whose image
 * differs from the recorded one is allowed (to find where a changed
 * kernel's behaviour departs): replay_note says so, and the replay is a
 * cross-kernel one (replay_cross) - but for a node of a multicomputer,
 * whose network answers hold the other nodes' timing: it replays exactly
 * and departs at its first checkpoint. */
struct replay *replay_open(const char *path, const struct replay_options *opt, char *err,
                           unsigned errlen);
struct machine *replay_machine(struct replay *rp);
/* A remark about the replay's set-up ("" if none). */
const char *replay_note(const struct replay *rp);
/* The kernel image the replay booted (for a debugger's symbols): the
 * recorded one, or the kernel_path file's, named as errors name it. */
void replay_image(const struct replay *rp, const char **name, const uint8_t **image, size_t *size);

/* Another kernel against the recorded inputs: each device gets its
 * recorded inputs in their order whenever it asks (console lines as a
 * file's would come; the disk every sector the recording read, in any
 * order), not at their recorded times, and no checkpoint is compared
 * (another kernel's state cannot match). The run ends as the kernel ends
 * it, when it waits for input after the recorded input ran out (no END
 * recorded), at the recorded --max-insns, or - none recorded - at
 * REPLAY_CROSS_MIN_BUDGET plus four times the recorded run's length. A
 * sector the recording never read stops it (replay_verdict says so). */
bool replay_cross(const struct replay *rp);
#define REPLAY_CROSS_MIN_BUDGET 10000000u

/* The console input: recorded, and taken by the replayed kernel. */
struct replay_inputs {
    unsigned lines, lines_taken;  /* recorded lines; how many the kernel took */
    bool end_recorded, end_taken; /* the end of input */
    bool asked_past_end;          /* it asked for more than the recording has */
};
void replay_inputs_taken(const struct replay *rp, struct replay_inputs *in);

/* Runs the machine to where the recording ended - one instruction at a
 * time if single_step - then checks the end. */
void replay_run(struct replay *rp, bool single_step);
/* After the machine stopped (however it was driven): compares how it
 * ended with the recording. Returns true if the replay matched in every
 * checkpoint and the end; otherwise the report says what differed first.
 * A cross-kernel replay: false only if it stopped for an input the trace
 * does not have (its end and output are the caller's to compare). */
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
