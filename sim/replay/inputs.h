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
#include "sim/net/netmodel.h"

/* Input kinds (INPUT records): of a character source ... */
enum { INPUT_LINE = 1, INPUT_END = 2 };
/* ... and of a block store: u32 little-endian sector number, then its
 * bytes - the first read of a sector the run had not written. */
enum { INPUT_SECTOR = 1 };
/* ... and of a frame port, each answer the network gave the device, in
 * the order it asked: a frame taken (little-endian u32 source node, u64
 * the source's sequence number, u32 copy, u64 arrival time, then its
 * bytes), no frame due, the next arrival time (u64), frames handed over at
 * a barrier (empty; the device is told), and a frame the network accepted
 * from the device: the fate of each copy (FATE_RECORD bytes each: u32
 * net_event_kind, u32 destination, u32 copy, u32 length, u64 handed over,
 * u64 arrival or leaving time, u64 sequence number). */
enum { INPUT_FRAME = 1, INPUT_NO_FRAME = 2, INPUT_NEXT = 3, INPUT_ARRIVAL = 4, INPUT_SENT = 5 };
#define FRAME_RECORD_HEAD 24u
#define FATE_RECORD       40u

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
/* (inner is not closed: a network port belongs to its network.) */
struct frame_port *record_frame_port(struct frame_port *inner, unsigned device,
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
    /* A frame port's device wants fn(fn_arg) called at each recorded
     * INPUT_ARRIVAL, at its time, before anything else then. */
    void (*listen)(void *arg, unsigned device, void (*fn)(void *), void *fn_arg);
    /* A frame port tells each recorded fate of a frame (NULL: nobody). */
    void (*fate)(void *arg, const struct net_event *e);
};

/* NULL if out of host memory. */
struct char_source *replay_char_source(unsigned device, const struct input_feed *feed);
struct block_store *replay_block_store(unsigned device, uint32_t sectors, bool readonly,
                                       const struct input_feed *feed);
/* Node `node` of `nodes`: its frames arrive as recorded; what it sends goes
 * nowhere (the recording holds what the others received). The fates the
 * recording kept (what became of each frame sent, each frame taken) are
 * told to feed->fate as the device sends and takes. */
struct frame_port *replay_frame_port(unsigned device, uint32_t node, uint32_t nodes,
                                     const struct input_feed *feed);

#endif
