/* ops: the SPACE operations - what "int 0xff" does in MODE 0 (a table of
 * handlers indexed by the operation number in EAX). */
#ifndef SPACE_OPS_H
#define SPACE_OPS_H

#include "machine.h"

/* Carries out the operation the CPU's registers describe. The CPU's eip is
 * already past the operation instruction. */
void ops_execute(struct machine *m);

/* The operation's name, for statistics and traces: its SPACE_OP_ name
 * without the prefix ("MAP_MEMORY"), or "UNKNOWN". */
const char *ops_name(uint32_t op);

#endif
