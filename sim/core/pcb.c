#include "pcb.h"

#include <stdlib.h>
#include <string.h>

/* A token names a slot and that slot's generation, so a used (or forged)
 * token never matches again: bits 0-12 hold slot+1 (1..4096), bits 13-30 the
 * generation (1..TOKEN_GEN_MASK). A slot that has issued its last
 * generation is worn out and never used again, so no token is issued twice
 * (Suspend is FULL once every slot is worn out or holds a chain: after
 * about 4096 x 262,143 Suspends). */
#define TOKEN_SLOT_BITS 13
#define TOKEN_GEN_MASK  0x3ffffu

static int32_t make_token(uint32_t slot, uint32_t gen)
{
    return (int32_t)(((gen & TOKEN_GEN_MASK) << TOKEN_SLOT_BITS) | (slot + 1));
}

int pcb_init(struct pcb_state *s)
{
    memset(s, 0, sizeof *s);
    s->current = calloc(1, sizeof *s->current);
    return s->current ? 0 : -1;
}

void pcb_free(struct pcb_state *s)
{
    free(s->current);
    for (int i = 0; i < SPACE_SUSPENDED_MAX; i++)
        free(s->slot[i].chain);
    memset(s, 0, sizeof *s);
}

int pcb_push(struct pcb_state *s, const struct space_pcb *p)
{
    if (s->current->depth >= SPACE_CHAIN_MAX)
        return SPACE_ERR_FULL;
    s->current->pcb[s->current->depth++] = *p;
    return SPACE_OK;
}

struct space_pcb *pcb_top(struct pcb_state *s)
{
    return s->current->depth ? &s->current->pcb[s->current->depth - 1] : NULL;
}

int pcb_pop(struct pcb_state *s, struct space_pcb *out)
{
    if (!s->current->depth)
        return SPACE_ERR_EMPTY;
    s->current->depth--;
    if (out)
        *out = s->current->pcb[s->current->depth];
    return SPACE_OK;
}

/* The slot number a live token names, or -1. */
static int token_slot(const struct pcb_state *s, int32_t token)
{
    if (token <= 0)
        return -1;
    uint32_t slot_no = ((uint32_t)token & ((1u << TOKEN_SLOT_BITS) - 1)) - 1;
    uint32_t gen = (uint32_t)token >> TOKEN_SLOT_BITS;
    if (slot_no >= SPACE_SUSPENDED_MAX)
        return -1;
    const struct suspended *slot = &s->slot[slot_no];
    return slot->chain && slot->generation == gen ? (int)slot_no : -1;
}

int pcb_suspend(struct pcb_state *s, uint64_t now)
{
    if (!s->current->depth)
        return SPACE_ERR_EMPTY;
    struct pcb_chain *fresh = calloc(1, sizeof *fresh);
    if (!fresh)
        return SPACE_ERR_FULL;
    for (uint32_t i = 0; i < SPACE_SUSPENDED_MAX; i++) {
        struct suspended *slot = &s->slot[i];
        if (slot->chain || slot->generation == TOKEN_GEN_MASK)
            continue;
        s->current->vtime += now - s->since;
        s->since = now;
        slot->chain = s->current;
        slot->generation++;
        s->current = fresh;
        s->live++;
        return make_token(i, slot->generation);
    }
    free(fresh);
    return SPACE_ERR_FULL;
}

int pcb_unsuspend(struct pcb_state *s, int32_t token, uint64_t now)
{
    int n = token_slot(s, token);
    if (n < 0)
        return SPACE_ERR_TOKEN;
    if (s->current->depth)
        return SPACE_ERR_BUSY;
    struct suspended *slot = &s->slot[n];
    free(s->current);
    s->current = slot->chain;
    s->since = now;
    slot->chain = NULL;
    s->live--;
    return SPACE_OK;
}

int pcb_chain_time(const struct pcb_state *s, int32_t token, uint64_t now, uint64_t *vtime)
{
    if (token == 0) {
        *vtime = s->current->vtime + (now - s->since);
        return SPACE_OK;
    }
    int n = token_slot(s, token);
    if (n < 0)
        return SPACE_ERR_TOKEN;
    *vtime = s->slot[n].chain->vtime;
    return SPACE_OK;
}
