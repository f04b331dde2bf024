/* inputs: record and replay at the backend boundary - the one place where
 * inputs from outside are recorded and given back (docs/trace-format.md).
 *
 * A recording wraps a live backend: each input the device takes through it
 * is reported (recorder.c adds the virtual time and writes an INPUT
 * record). A replay replaces the backends: a source gives back the
 * recorded lines at their virtual times, a block store the recorded
 * sectors, keeping what the guest writes in memory (no image needed).
 * Devices cannot tell any of these from the host's own backends. */
#ifndef SPACE_INPUTS_H
#define SPACE_INPUTS_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/backend.h"

/* Input kinds (INPUT records): of a character source ... */
enum { INPUT_LINE = 1, INPUT_END = 2 };
/* ... and of a block store: u32 little-endian sector number, then its
 * bytes - the first read of a sector the run had not written. */
enum { INPUT_SECTOR = 1 };

/* Where a recording reports each input taken through device `device`. */
struct input_report {
    void *arg;
    void (*taken)(void *arg, unsigned device, uint32_t kind, const void *data, uint32_t len);
};

/* Wrap `inner` (closed with the wrapper). NULL if out of host memory
 * (then inner is closed). */
struct char_source *record_char_source(struct char_source *inner, unsigned device,
                                       const struct input_report *report);
struct block_store *record_block_store(struct block_store *inner, unsigned device,
                                       const struct input_report *report);

/* Where a replay gets each recorded input back. */
struct input_feed {
    void *arg;
    /* The device's next recorded input, if the recording took it at the
     * current virtual time (then it is consumed). *data stays valid while
     * the replay exists. */
    bool (*next)(void *arg, unsigned device, uint32_t *kind, const void **data, uint32_t *len);
    /* The guest asked for input the recording does not have. */
    void (*diverged)(void *arg, unsigned device, const char *what);
};

/* NULL if out of host memory. */
struct char_source *replay_char_source(unsigned device, const struct input_feed *feed);
struct block_store *replay_block_store(unsigned device, uint32_t sectors, bool readonly,
                                       const struct input_feed *feed);

#endif
