/* hash now lives in sim/util/hash.h; sim/replay/record.c and ui/screen/png.c
 * include it through this name until they are converted. */
#ifndef SPACE_REPLAY_HASH_H
#define SPACE_REPLAY_HASH_H
#include "sim/util/hash.h"
#endif
