/* recorder: recording a run into a trace (docs/trace-format.md).
 *
 * A recording holds everything a run depends on: the machine's
 * configuration (each device with its options and what its backend needs),
 * the kernel image itself, a hash of each disk image, every input from
 * outside with its virtual time and a checkpoint of the machine's state
 * every `interval` instructions and at the end. Inputs are caught at the
 * backend boundary (the machine is created with recorder_backends, which
 * wrap the host's: inputs.h); checkpoints are taken by the machine's
 * alarm, so any driver - a plain run, the debugger, the GUI - can run a
 * recorded machine. Used by sim/app/session.c. */
#ifndef SPACE_RECORDER_H
#define SPACE_RECORDER_H

#include <stddef.h>
#include <stdint.h>

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

#endif
