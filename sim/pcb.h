/* pcb: PCB chains - the stack of PCBs that portal traversals push on a CPU,
 * and the table of chains that Suspend set aside under one-shot tokens. */
#ifndef SPACE_PCB_H
#define SPACE_PCB_H

#include <stdbool.h>
#include <stdint.h>

#define SPACE_HOST
#include "../basicoz/include/space.h"

struct pcb_chain {
    struct space_pcb pcb[SPACE_CHAIN_MAX];
    uint32_t depth;
    uint64_t vtime; /* instructions run while this chain was current */
};

struct suspended {
    struct pcb_chain *chain; /* NULL: free slot */
    uint32_t generation;
};

struct pcb_state {
    struct pcb_chain *current;
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

/* Suspend: returns a token (> 0) or SPACE_ERR_FULL / SPACE_ERR_EMPTY. */
int pcb_suspend(struct pcb_state *s);
/* Unsuspend: SPACE_OK, SPACE_ERR_TOKEN, or SPACE_ERR_BUSY. */
int pcb_unsuspend(struct pcb_state *s, int32_t token);

#endif
