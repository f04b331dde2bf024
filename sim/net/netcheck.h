/* netcheck: the network's checkpoint in a multicomputer's recording.
 * `space run --nodes N --record FILE` (sim/app/nodes.c) writes FILE.net
 * at the end of the run: the --net spec, the seed, the last barrier's
 * time, the network's counters there and a hash of them and of every frame
 * still on its way. `space replay FILE` (sim/app/replay_cmd.c) gives this
 * module what each replayed node sent and when it took a frame, then
 * builds the network again from them - the same spec, seed and windows -
 * and compares it with the recording at that barrier.
 *
 * Guarantees: the network rebuilt is the recorded one whenever the nodes
 * sent and took the same frames at the same times and the model decides as
 * it did (a frame's fate depends only on the seed, its source, sequence
 * number and destination: netmodel.h), so a report names the network only
 * when it, and not a node, departed from the recording. */
#ifndef SPACE_NETCHECK_H
#define SPACE_NETCHECK_H
#include <stdbool.h>
#include <stdint.h>

#include "netmodel.h"

/* The hash of the network's state: its counters, the frames on their way
 * (queued at each of the `nodes` nodes, in order of delivery). */
uint64_t netcheck_hash(const struct netmodel *n, uint32_t nodes);

/* Writes the network's checkpoint at barrier time `at` into `path`.
 * 0, or -1 with a one-line reason. */
int netcheck_write(const char *path, const char *spec, uint64_t seed, uint32_t nodes, uint64_t at,
                   const struct netmodel *n, char *err, unsigned errlen);

struct netcheck;
/* Reads a checkpoint netcheck_write wrote. NULL with a reason. */
struct netcheck *netcheck_open(const char *path, char *err, unsigned errlen);
/* What the replayed node did, in its order of virtual time: sent a frame
 * at `at`; took the next frame of its queue at `at`. */
void netcheck_sent(struct netcheck *nc, uint32_t node, uint64_t at, uint32_t peer, const void *data,
                   uint32_t len);
void netcheck_took(struct netcheck *nc, uint32_t node, uint64_t at);
/* Rebuilds the network from what the nodes did and compares it with the
 * recording. True if they agree; otherwise the report says what differs
 * first ("at virtual time T: 23 frames lost recorded, 24 replayed"). */
bool netcheck_verdict(struct netcheck *nc, char *report, unsigned len);
void netcheck_close(struct netcheck *nc);

#endif
