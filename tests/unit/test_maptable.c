/* Unit tests for the two-level mapping table. */
#include "unit.h"
#include <stdio.h>

#include "mmu/maptable.h"

static int count_visit(uint32_t vaddr, map_entry e, void *arg)
{
    (void)vaddr;
    (void)e;
    (*(int *)arg)++;
    return 0;
}

int main(void)
{
    struct maptable t;
    map_entry old;
    maptable_init(&t);
    EXPECT(maptable_get(&t, 0x1234) == 0);
    EXPECT(maptable_set(&t, 0x00400000, MAP_ENTRY(0x5000, 0x7), &old) == 0 && old == 0);
    EXPECT(maptable_get(&t, 0x00400abc) == MAP_ENTRY(0x5000, 0x7));
    EXPECT(maptable_get(&t, 0x00401000) == 0);
    EXPECT(maptable_get(&t, 0x00000000) == 0);
    EXPECT(t.mapped == 1);
    /* top and bottom of the address space */
    EXPECT(maptable_set(&t, 0xfffff000, MAP_ENTRY(0x6000, 0x1), &old) == 0 && old == 0);
    EXPECT(maptable_set(&t, 0x0, MAP_ENTRY(0x7000, 0x2), &old) == 0);
    EXPECT(maptable_get(&t, 0xffffffff) == MAP_ENTRY(0x6000, 0x1));
    EXPECT(maptable_get(&t, 0x00000fff) == MAP_ENTRY(0x7000, 0x2));
    EXPECT(t.mapped == 3);
    /* remap returns the old entry */
    EXPECT(maptable_set(&t, 0x00400000, MAP_ENTRY(0x9000, 0x3), &old) == 0);
    EXPECT(old == MAP_ENTRY(0x5000, 0x7) && t.mapped == 3);
    /* unmap */
    EXPECT(maptable_set(&t, 0x00400000, 0, &old) == 0 && old == MAP_ENTRY(0x9000, 0x3));
    EXPECT(maptable_get(&t, 0x00400000) == 0 && t.mapped == 2);
    /* unmapping where no second level exists allocates nothing */
    EXPECT(maptable_set(&t, 0x80000000, 0, &old) == 0 && old == 0 && t.dir[0x200] == NULL);
    /* reference and dirty bits: set only on mapped pages, kept across a
     * permission change, cleared by a new frame or an unmap */
    EXPECT(maptable_bits(&t, 0x0) == 0);
    EXPECT(maptable_mark(&t, 0x0, MAP_REF) == MAP_REF);
    EXPECT(maptable_mark(&t, 0x00000fff, MAP_DIRTY) == (MAP_REF | MAP_DIRTY));
    EXPECT(maptable_mark(&t, 0x00001000, MAP_REF) == 0 && maptable_bits(&t, 0x1000) == 0);
    EXPECT(maptable_mark(&t, 0x90000000, MAP_REF) == 0 && t.dir[0x240] == NULL);
    EXPECT(maptable_set(&t, 0x0, MAP_ENTRY(0x7000, 0x3), &old) == 0);
    EXPECT(maptable_bits(&t, 0x0) == (MAP_REF | MAP_DIRTY));
    EXPECT(maptable_clear(&t, 0x0, MAP_REF) == (MAP_REF | MAP_DIRTY));
    EXPECT(maptable_bits(&t, 0x0) == MAP_DIRTY);
    EXPECT(maptable_set(&t, 0x0, MAP_ENTRY(0x8000, 0x3), &old) == 0);
    EXPECT(maptable_bits(&t, 0x0) == 0);
    EXPECT(maptable_mark(&t, 0x0, MAP_REF) == MAP_REF);
    EXPECT(maptable_set(&t, 0x0, 0, &old) == 0 && maptable_bits(&t, 0x0) == 0);
    EXPECT(maptable_set(&t, 0x0, MAP_ENTRY(0x8000, 0x3), &old) == 0 && maptable_bits(&t, 0) == 0);
    EXPECT(maptable_set(&t, 0x0, MAP_ENTRY(0x7000, 0x2), &old) == 0);
    int n = 0;
    maptable_each(&t, count_visit, &n);
    EXPECT(n == 2);
    EXPECT(MAP_MODE_BITS(MAP_ENTRY(0, 0x7 << 9), 3) == 7 &&
           MAP_MODE_BITS(MAP_ENTRY(0, 0x7 << 9), 0) == 0);
    maptable_free(&t);
    puts("maptable: ok");
    return 0;
}
