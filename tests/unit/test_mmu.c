/* Unit tests for the MMU's permission decision (mmu_decide) and its
 * bookkeeping of a granted access (mmu_grant): every MODE x access x
 * permission combination on RAM and on a device register page, unmapped
 * pages against protection faults, other CONTEXTs, and the reference,
 * dirty and frame-written bits that decide when a store may be cached. */
#include "unit.h"

#include "basicoz/include/space.h"
#include "mmu/mmu.h"

#define RAM_PAGE 0x5000u
#define DEV_PAGE 0xf0001000u
#define VA       0x40000000u
#define CTX      3u

static const unsigned accesses[3] = {MMU_READ, MMU_WRITE, MMU_EXEC};

/* `perms` for `mode`, and the other MODEs the opposite, so that a decision
 * reading the wrong MODE's bits is caught. */
static uint32_t modeaccess(uint32_t mode, unsigned perms)
{
    uint32_t ma = 0;
    for (uint32_t m = 0; m < MMU_MODES; m++)
        ma |= SPACE_ACCESS(m, m == mode ? perms : ~perms & 7u);
    return ma;
}

static void map(struct mmu *mmu, uint32_t va, uint32_t pa, uint32_t ma)
{
    map_entry old;
    EXPECT(mmu_map(mmu, CTX, va, pa, ma, &old) == SPACE_OK);
}

/* Every combination on one page (RAM or device registers). */
static void every_combination(struct mmu *mmu, uint32_t pa, bool device)
{
    for (uint32_t mode = 0; mode < MMU_MODES; mode++)
        for (unsigned perms = 0; perms < 8; perms++) {
            map(mmu, VA, pa, modeaccess(mode, perms));
            for (unsigned i = 0; i < 3; i++) {
                unsigned a = accesses[i];
                enum mmu_outcome want = !(perms & a)    ? MMU_PROTECTION
                                        : !device       ? MMU_PERMITTED
                                        : a == MMU_EXEC ? MMU_PROTECTION
                                                        : MMU_DEVICE;
                struct mmu_decision d;
                EXPECT(mmu_decide(mmu, CTX, mode, VA + 0x123, a, &d) == want);
                EXPECT(d.outcome == want && d.paddr == pa && d.perms == perms);
            }
        }
    /* a decision is not an access: no reference or dirty bit */
    EXPECT(mmu_access_bits(mmu, CTX, VA) == 0);
}

static void unmapped(struct mmu *mmu)
{
    map_entry old;
    EXPECT(mmu_map(mmu, CTX, VA, 0, 0, &old) == SPACE_OK);
    for (uint32_t mode = 0; mode < MMU_MODES; mode++)
        for (unsigned i = 0; i < 3; i++) {
            struct mmu_decision d;
            EXPECT(mmu_decide(mmu, CTX, mode, VA, accesses[i], &d) == MMU_UNMAPPED);
            EXPECT(d.paddr == 0 && d.perms == 0);
        }
    /* mapped in one CONTEXT is unmapped in another */
    map(mmu, VA, RAM_PAGE, SPACE_ACCESS(0, SPACE_RWX));
    struct mmu_decision d;
    EXPECT(mmu_decide(mmu, CTX + 1, 0, VA, MMU_READ, &d) == MMU_UNMAPPED);
    EXPECT(mmu_decide(mmu, CTX, 0, VA, MMU_READ, &d) == MMU_PERMITTED);
    /* MODE 1 has nothing there: a protection fault, not an unmapped page */
    EXPECT(mmu_decide(mmu, CTX, 1, VA, MMU_READ, &d) == MMU_PROTECTION);
}

/* A store is cached only once the mapping is dirty (and, while physmem
 * tracks writes, the frame is written): until then the first store must
 * come back to set the bits. */
static void grants(struct mmu *mmu, struct physmem *pm)
{
    const unsigned rw = MMU_READ | MMU_WRITE;
    map(mmu, VA, RAM_PAGE, SPACE_ACCESS(2, SPACE_RW));
    struct mmu_decision d;
    EXPECT(mmu_decide(mmu, CTX, 2, VA, MMU_READ, &d) == MMU_PERMITTED);
    EXPECT(mmu_grant(mmu, CTX, &d, VA, MMU_READ, d.perms) == MMU_READ);
    EXPECT(mmu_access_bits(mmu, CTX, VA) == MAP_REF);
    EXPECT(mmu_grant(mmu, CTX, &d, VA, MMU_WRITE, d.perms) == rw);
    EXPECT(mmu_access_bits(mmu, CTX, VA) == (MAP_REF | MAP_DIRTY));
    EXPECT(mmu_grant(mmu, CTX, &d, VA, MMU_READ, d.perms) == rw);
    /* held-back bits stay held back (a watched page) */
    EXPECT(mmu_grant(mmu, CTX, &d, VA, MMU_READ, MMU_READ) == MMU_READ);

    EXPECT(physmem_track_writes(pm, PHYSMEM_FOR_CHECKPOINTS) == 0);
    EXPECT(mmu_grant(mmu, CTX, &d, VA, MMU_READ, d.perms) == MMU_READ);
    EXPECT(!physmem_page_written(pm, RAM_PAGE));
    EXPECT(mmu_grant(mmu, CTX, &d, VA, MMU_WRITE, d.perms) == rw);
    EXPECT(physmem_page_written(pm, RAM_PAGE));
    EXPECT(mmu_grant(mmu, CTX, &d, VA, MMU_READ, d.perms) == rw);

    /* clearing the dirty bit withholds the store again */
    EXPECT(mmu_clear_access_bits(mmu, CTX, VA, MAP_DIRTY) == (MAP_REF | MAP_DIRTY));
    EXPECT(mmu_grant(mmu, CTX, &d, VA, MMU_READ, d.perms) == MMU_READ);
}

int main(void)
{
    static struct mmu mmu;
    struct physmem pm = {0};
    EXPECT(physmem_init(&pm, PHYSMEM_MIN_SIZE) == 0);
    pm.device_base = DEV_PAGE - 4096u;
    pm.device_pages = 2;
    mmu_init(&mmu, &pm);

    every_combination(&mmu, RAM_PAGE, false);
    every_combination(&mmu, DEV_PAGE, true);
    unmapped(&mmu);
    grants(&mmu, &pm);
    /* decisions look up through the CONTEXT's TLB, like the guest's accesses */
    EXPECT(mmu.ctx[CTX].tlb.stats.hits + mmu.ctx[CTX].tlb.stats.misses > 0);

    mmu_free(&mmu);
    physmem_free(&pm);
    printf("mmu: every MODE x access x permission decided as the architecture says\n");
    return 0;
}
