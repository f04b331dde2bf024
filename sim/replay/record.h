/* record: recording a run into a trace, and replaying a trace exactly
 * (docs/trace-format.md).
 *
 * A recording holds everything a run depends on: the machine's
 * configuration, the kernel image itself, a hash of the disk image, every
 * input from outside with its virtual time (console lines, the sectors the
 * run read from the disk image) and a checkpoint of the machine's state
 * every `interval` instructions and at the end. A replay rebuilds the
 * machine from the trace alone, feeds the inputs back at their virtual
 * times and compares every checkpoint; the first difference stops it with
 * a report of what differs. Inputs are recorded and given back at the
 * backend boundary (inputs.h); checkpoints through the machine's alarm, so
 * any driver - a plain run, the debugger, the GUI - can run a recorded or
 * replayed machine. */
#ifndef SPACE_RECORD_H
#define SPACE_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "devices/backend.h"
#include "sim/core/machine.h"

#define RECORD_DEFAULT_INTERVAL 10000000ull /* instructions between checkpoints */

struct record_setup {
    const char *image_name; /* the kernel's path, or the built-in's name */
    const uint8_t *image;
    size_t image_size;
};

struct recorder;

/* A recording into the trace `path`, a checkpoint every `interval`
 * instructions (0: RECORD_DEFAULT_INTERVAL), of a machine about to be
 * created with recorder_backends(r): the backends of `host`, each input
 * from outside they give reported. NULL if out of host memory. */
struct recorder *recorder_open(const char *path, uint64_t interval,
                               const struct backend_provider *host);
const struct backend_provider *recorder_backends(struct recorder *r);
/* Starts recording the machine, created with recorder_backends(r) and
 * booted from `setup`'s image, before it runs: creates the trace. 0, or
 * -1 with a one-line reason in err (then discard r). */
int recorder_start(struct recorder *r, struct machine *m, const struct record_setup *setup,
                   char *err, unsigned errlen);
/* After the run, before the machine is destroyed: writes the final
 * checkpoint and how the run ended, closes the file and frees r. 0, or -1
 * with a reason (the trace is incomplete). */
int recorder_finish(struct recorder *r, char *err, unsigned errlen);
/* Frees a recorder that was not started (or whose start failed). */
void recorder_discard(struct recorder *r);

struct replay_options {
    const char *kernel_path; /* replay with this kernel instead of the recorded one */
    FILE *console_output;    /* the guest's console output (NULL: standard output) */
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
/* The recorded kernel image (for a debugger's symbols). */
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

#endif
