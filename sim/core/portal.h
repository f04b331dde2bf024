/* portal: each CONTEXT's portal table - for every trap number, where a
 * traversal goes (CONTEXT, MODE, pc) and from which MODEs a deliberate trap
 * (int n) may take it. Tables are allocated on first MapPortal. */
#ifndef SPACE_PORTAL_H
#define SPACE_PORTAL_H

#include <stdbool.h>
#include <stdint.h>

#define SPACE_HOST
#include "basicoz/include/space.h"

struct portal {
    uint32_t ctx, mode, pc;
    uint32_t modeaccess; /* SPACE_PORTAL_FROM bits */
    bool valid;
};

struct portal_tables {
    struct portal *table[SPACE_CONTEXTS];
};

void portal_init(struct portal_tables *p);
void portal_free(struct portal_tables *p);

/* MapPortal: SPACE_OK or a negative SPACE_ERR_*. A modeaccess of 0 and a pc
 * of 0 removes the portal. */
int portal_map(struct portal_tables *p, uint32_t ctx, uint32_t trap, uint32_t pctx, uint32_t pmode,
               uint32_t ppc, uint32_t modeaccess);

/* The portal for trap in ctx, or NULL. */
const struct portal *portal_get(const struct portal_tables *p, uint32_t ctx, uint32_t trap);

/* May a deliberate trap from `mode` traverse it? */
bool portal_allows(const struct portal *portal, uint32_t mode);

#endif
