#include "portal.h"

#include <stdlib.h>

void portal_init(struct portal_tables *p)
{
    for (int i = 0; i < SPACE_CONTEXTS; i++)
        p->table[i] = NULL;
}

void portal_free(struct portal_tables *p)
{
    for (int i = 0; i < SPACE_CONTEXTS; i++) {
        free(p->table[i]);
        p->table[i] = NULL;
    }
}

int portal_map(struct portal_tables *p, uint32_t ctx, uint32_t trap, uint32_t pctx, uint32_t pmode,
               uint32_t ppc, uint32_t modeaccess)
{
    if (ctx >= SPACE_CONTEXTS || pctx >= SPACE_CONTEXTS)
        return SPACE_ERR_CONTEXT;
    if (trap >= SPACE_TRAPS || trap == SPACE_TRAP_OPERATION)
        return SPACE_ERR_TRAP;
    if (pmode >= SPACE_MODES)
        return SPACE_ERR_MODE;
    if (modeaccess & ~SPACE_ACCESS_MASK)
        return SPACE_ERR_ACCESS;
    if (!p->table[ctx]) {
        p->table[ctx] = calloc(SPACE_TRAPS, sizeof(struct portal));
        if (!p->table[ctx])
            return SPACE_ERR_FULL;
    }
    bool remove = ppc == 0 && modeaccess == 0;
    p->table[ctx][trap] = (struct portal){
        .ctx = pctx, .mode = pmode, .pc = ppc, .modeaccess = modeaccess, .valid = !remove};
    return SPACE_OK;
}

const struct portal *portal_get(const struct portal_tables *p, uint32_t ctx, uint32_t trap)
{
    if (ctx >= SPACE_CONTEXTS || trap >= SPACE_TRAPS || !p->table[ctx])
        return NULL;
    const struct portal *portal = &p->table[ctx][trap];
    return portal->valid ? portal : NULL;
}

bool portal_allows(const struct portal *portal, uint32_t mode)
{
    return SPACE_ACCESS_BITS(portal->modeaccess, mode) != 0;
}
