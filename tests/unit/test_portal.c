/* Unit tests for portal tables (sim/core/portal.h): mapping, lookup,
 * removal, the modeaccess check of deliberate traps, and every error. */
#include "unit.h"

#include "sim/core/portal.h"

static void map_and_get(void)
{
    struct portal_tables t;
    portal_init(&t);
    EXPECT(portal_get(&t, 0, 0x40) == NULL);
    EXPECT(portal_map(&t, 3, 0x40, 5, 2, 0x8000, SPACE_PORTAL_FROM(3)) == SPACE_OK);
    const struct portal *p = portal_get(&t, 3, 0x40);
    EXPECT(p && p->ctx == 5 && p->mode == 2 && p->pc == 0x8000 &&
           p->modeaccess == SPACE_PORTAL_FROM(3) && p->valid);
    /* per CONTEXT and per trap */
    EXPECT(portal_get(&t, 2, 0x40) == NULL && portal_get(&t, 3, 0x41) == NULL);
    /* the edges: CONTEXT 255, trap 0 and 254 */
    EXPECT(portal_map(&t, 255, 0, 255, 3, 0x10, 0) == SPACE_OK);
    EXPECT(portal_map(&t, 255, 254, 0, 0, 0x20, SPACE_PORTAL_FROM_ALL) == SPACE_OK);
    EXPECT(portal_get(&t, 255, 0) && portal_get(&t, 255, 0)->pc == 0x10);
    EXPECT(portal_get(&t, 255, 254) && portal_get(&t, 255, 254)->ctx == 0);
    /* lookups out of range are no portal */
    EXPECT(portal_get(&t, 256, 0x40) == NULL && portal_get(&t, 3, 256) == NULL);
    /* mapping again replaces */
    EXPECT(portal_map(&t, 3, 0x40, 6, 1, 0x9000, 0) == SPACE_OK);
    p = portal_get(&t, 3, 0x40);
    EXPECT(p && p->ctx == 6 && p->mode == 1 && p->pc == 0x9000 && p->modeaccess == 0);
    /* pc 0 with modeaccess 0 removes; pc 0 with access does not */
    EXPECT(portal_map(&t, 3, 0x40, 0, 0, 0, 0) == SPACE_OK && portal_get(&t, 3, 0x40) == NULL);
    EXPECT(portal_map(&t, 3, 0x42, 0, 0, 0, SPACE_PORTAL_FROM(0)) == SPACE_OK);
    EXPECT(portal_get(&t, 3, 0x42) && portal_get(&t, 3, 0x42)->pc == 0);
    /* removing what was never there is fine */
    EXPECT(portal_map(&t, 9, 0x50, 0, 0, 0, 0) == SPACE_OK && portal_get(&t, 9, 0x50) == NULL);
    portal_free(&t);
    for (int i = 0; i < SPACE_CONTEXTS; i++)
        EXPECT(t.table[i] == NULL);
}

static void errors(void)
{
    struct portal_tables t;
    portal_init(&t);
    EXPECT(portal_map(&t, 256, 0x40, 0, 0, 0x1000, 0) == SPACE_ERR_CONTEXT);
    EXPECT(portal_map(&t, 0, 0x40, 256, 0, 0x1000, 0) == SPACE_ERR_CONTEXT);
    EXPECT(portal_map(&t, 0, SPACE_TRAP_OPERATION, 0, 0, 0x1000, 0) == SPACE_ERR_TRAP);
    EXPECT(portal_map(&t, 0, 256, 0, 0, 0x1000, 0) == SPACE_ERR_TRAP);
    EXPECT(portal_map(&t, 0, 0x40, 0, 4, 0x1000, 0) == SPACE_ERR_MODE);
    EXPECT(portal_map(&t, 0, 0x40, 0, 0, 0x1000, 0x1000) == SPACE_ERR_ACCESS);
    EXPECT(portal_map(&t, 0, 0x40, 0, 0, 0x1000, 0xffffffff) == SPACE_ERR_ACCESS);
    /* the CONTEXT is checked before the trap, the trap before the MODE */
    EXPECT(portal_map(&t, 300, 255, 0, 9, 0, 0x1000) == SPACE_ERR_CONTEXT);
    EXPECT(portal_map(&t, 0, 255, 0, 9, 0, 0x1000) == SPACE_ERR_TRAP);
    EXPECT(portal_map(&t, 0, 0x40, 0, 9, 0, 0x1000) == SPACE_ERR_MODE);
    /* nothing was mapped, nor a table made */
    for (int i = 0; i < SPACE_CONTEXTS; i++)
        EXPECT(t.table[i] == NULL);
    portal_free(&t);
}

/* A deliberate trap from MODE m may take the portal if any of m's three
 * bits is set (docs/space-architecture.md, section 5). */
static void modeaccess(void)
{
    struct portal_tables t;
    portal_init(&t);
    EXPECT(portal_map(&t, 0, 0x80, 0, 0, 0x1000, SPACE_PORTAL_FROM(3)) == SPACE_OK);
    const struct portal *p = portal_get(&t, 0, 0x80);
    EXPECT(p && portal_allows(p, 3));
    EXPECT(!portal_allows(p, 0) && !portal_allows(p, 1) && !portal_allows(p, 2));
    EXPECT(portal_map(&t, 0, 0x81, 0, 0, 0x1000, SPACE_PORTAL_FROM_ALL) == SPACE_OK);
    p = portal_get(&t, 0, 0x81);
    for (uint32_t m = 0; m < SPACE_MODES; m++)
        EXPECT(portal_allows(p, m));
    EXPECT(SPACE_PORTAL_FROM_ALL == 0x924);
    /* any bit of the MODE counts, not only X */
    EXPECT(portal_map(&t, 0, 0x82, 0, 0, 0x1000, SPACE_ACCESS(1, SPACE_R)) == SPACE_OK);
    p = portal_get(&t, 0, 0x82);
    EXPECT(portal_allows(p, 1) && !portal_allows(p, 0) && !portal_allows(p, 2));
    /* modeaccess 0 (a fault portal): no deliberate trap takes it */
    EXPECT(portal_map(&t, 0, 14, 0, 0, 0x2000, 0) == SPACE_OK);
    p = portal_get(&t, 0, 14);
    for (uint32_t m = 0; m < SPACE_MODES; m++)
        EXPECT(!portal_allows(p, m));
    portal_free(&t);
}

int main(void)
{
    map_and_get();
    errors();
    modeaccess();
    puts("portal: ok");
    return 0;
}
