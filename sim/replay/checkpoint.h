/* checkpoint (file form): how a recording writes a checkpoint
 * (sim/core/checkpoint.h) into its --record file and a replay reads it
 * back, field by field in the file's byte order. */
#ifndef SPACE_REPLAY_CHECKPOINT_H
#define SPACE_REPLAY_CHECKPOINT_H

#include "recfile.h"
#include "sim/core/checkpoint.h"

void checkpoint_encode(const struct checkpoint *cp, struct tbuf *b);
/* 0, or -1 if the payload is not a whole checkpoint. */
int checkpoint_decode(const uint8_t *p, uint32_t len, struct checkpoint *cp);

#endif
