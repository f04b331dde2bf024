/* pcb: PCB chains - the stack of PCBs that portal traversals push on a CPU,
 * and the table of chains that Suspend set aside under one-shot tokens.
 *
 * Each chain also keeps its thread-virtual time: the instructions retired
 * while it was the current chain. Time is passed in by the caller as the
 * CPU's busy time (cpu_busy_time: idle time excluded), so idle time is
 * charged to no chain. */
#ifndef SPACE_PCB_H
#define SPACE_PCB_H

#include <stdbool.h>
#include <stdint.h>

#define SPACE_HOST
#include "basicoz/include/space.h"

struct pcb_chain {
    struct space_pcb pcb[SPACE_CHAIN_MAX];
    uint32_t depth;
    uint64_t vtime; /* instructions run while this chain was current, up to
                     * the last switch (see pcb_state.since) */
};

struct suspended {
    struct pcb_chain *chain; /* NULL: free slot */
    uint32_t generation;
};

struct pcb_state {
    struct pcb_chain *current;
    uint64_t since; /* busy time at which current became current */
    struct suspended slot[SPACE_SUSPENDED_MAX];
    uint32_t live; /* suspended chains */
};

int pcb_init(struct pcb_state *s);
void pcb_free(struct pcb_state *s);

/* Push a copy of p on the current chain; SPACE_ERR_FULL if it is full. */
int pcb_push(struct pcb_state *s, const struct space_pcb *p);
/* The top PCB of the current chain, or NULL if it is empty. */
struct space_pcb *pcb_top(struct pcb_state *s);
int pcb_pop(struct pcb_state *s, struct space_pcb *out);

/* Suspend at busy time `now`: returns a token (> 0) or SPACE_ERR_FULL /
 * SPACE_ERR_EMPTY. The chain set aside is charged up to now; the new empty
 * chain starts at 0. No token is ever returned twice: FULL instead, once
 * the slots' generations are used up. */
int pcb_suspend(struct pcb_state *s, uint64_t now);
/* Unsuspend at busy time `now`: SPACE_OK, SPACE_ERR_TOKEN, or
 * SPACE_ERR_BUSY. The empty chain it replaces (and its time) is dropped. */
int pcb_unsuspend(struct pcb_state *s, int32_t token, uint64_t now);
/* The thread-virtual time at busy time `now` of the chain of `token` (0:
 * the current chain): SPACE_OK, or SPACE_ERR_TOKEN. */
int pcb_chain_time(const struct pcb_state *s, int32_t token, uint64_t now, uint64_t *vtime);

#endif
