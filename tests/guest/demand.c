/* demand: demand paging. A MODE 3 program in CONTEXT 1 touches pages that
 * are not mapped; the kernel's fault handler maps a zeroed frame and
 * resumes, and the faulting instruction completes. Checks, per page: the
 * number of faults (one per page for plain stores and loads; READ then
 * WRITE|PROTECTION for a page first read, mapped read-only, then written),
 * the fault address and access bits, and the values stored and loaded,
 * including for rep stosl / rep movsl interrupted at each new page and for
 * a stack growing down over three unmapped pages. */
#include "kit.h"

#define ZERO      0x60000000u /* plain demand-zero region, 16 pages */
#define COW       0x61000000u /* read -> mapped read-only; write -> upgraded */
#define STACK     0x62100000u /* stack top; grows down over unmapped pages */
#define DST       0x63000000u /* target of rep movsl */
#define REGION(a) ((a) >> 24)

uint32_t stack_fill(uint32_t new_top, uint32_t n);
void copy_words(void *dst, const void *src, uint32_t n);
void fill_words(void *dst, uint32_t v, uint32_t n);

static uint8_t faults[4][64]; /* per region, per page */
static uint32_t last_addr[4][64], last_access[4][64];
static uint32_t frames[4][64];
static unsigned total;

static int handler(struct space_pcb *p)
{
    uint32_t a = p->addr, r = REGION(a) - REGION(ZERO), page = (a >> 12) & 0xfff;
    if (p->trap != SPACE_TRAP_MEMORY_FAULT || p->ctx != 1 || p->mode != 3 || r > 3)
        return KIT_DEFAULT;
    if (r == 2) /* the stack region ends at STACK: pages below it */
        page = (STACK - (a & ~0xfffu)) >> 12;
    CHECK(page < 64);
    faults[r][page]++;
    last_addr[r][page] = a;
    last_access[r][page] = p->access;
    total++;
    uint32_t vpage = a & ~0xfffu;
    if (r == 1 && p->access == SPACE_FAULT_READ) {
        frames[r][page] = kit_frame();
        CHECK_EQ(space_map_memory(1, vpage, frames[r][page], SPACE_ACCESS(3, SPACE_R)), SPACE_OK);
    } else if (r == 1 && p->access == (SPACE_FAULT_WRITE | SPACE_FAULT_PROTECTION)) {
        CHECK_EQ(space_map_memory(1, vpage, frames[r][page], SPACE_ACCESS(3, SPACE_RW)), SPACE_OK);
    } else {
        CHECK_EQ(p->access & SPACE_FAULT_PROTECTION, 0);
        frames[r][page] = kit_frame();
        CHECK_EQ(space_map_memory(1, vpage, frames[r][page], SPACE_ACCESS(3, SPACE_RW)), SPACE_OK);
    }
    return KIT_RESUME; /* the PCB as it was: the instruction again */
}

static uint32_t user(uint32_t unused)
{
    (void)unused;
    volatile uint32_t *z = (volatile uint32_t *)ZERO;
    /* pages 0..3: a store first, then loads */
    for (uint32_t pg = 0; pg < 4; pg++)
        z[pg * 1024 + 5] = 0x1000 + pg;
    for (uint32_t pg = 0; pg < 4; pg++) {
        CHECK_EQ(z[pg * 1024 + 5], 0x1000 + pg);
        CHECK_EQ(z[pg * 1024 + 6], 0);
        z[pg * 1024 + 6] = pg;
    }
    /* pages 4..5: a load first */
    CHECK_EQ(z[4 * 1024 + 1023], 0);
    CHECK_EQ(z[5 * 1024], 0);
    /* pages 6..8: rep stosl starting mid-page 6 */
    fill_words((void *)(ZERO + 6 * 4096 + 2048), 0xa5a5a5a5, 512 + 1024 + 10);
    CHECK_EQ(z[6 * 1024 + 511], 0);
    CHECK_EQ(z[6 * 1024 + 512], 0xa5a5a5a5);
    CHECK_EQ(z[8 * 1024 + 9], 0xa5a5a5a5);
    CHECK_EQ(z[8 * 1024 + 10], 0);
    /* rep movsl from pages 6..8 to unmapped DST pages 0..2 */
    copy_words((void *)(DST + 2048), (const void *)(ZERO + 6 * 4096 + 2048), 512 + 1024 + 10);
    volatile uint32_t *d = (volatile uint32_t *)DST;
    CHECK_EQ(d[512], 0xa5a5a5a5);
    CHECK_EQ(d[2 * 1024 + 9], 0xa5a5a5a5);
    CHECK_EQ(d[2 * 1024 + 10], 0);
    /* copy-on-write style: read (read-only map), then write (upgrade) */
    volatile uint32_t *c = (volatile uint32_t *)COW;
    CHECK_EQ(c[100], 0);
    c[100] = 77;
    CHECK_EQ(c[100], 77);
    c[1024 + 3] = 88; /* page 1: written first */
    CHECK_EQ(c[1024 + 3], 88);
    /* a stack growing over three unmapped pages */
    CHECK_EQ(stack_fill(STACK, 3000), 3000 * 3001 / 2);
    return 0x600d;
}

void kmain(const struct space_bootinfo *boot)
{
    kit_init(boot);
    kit_portals_std(1);
    kit_map_image(1, SPACE_ACCESS(3, SPACE_RWX));
    kit_hook = handler;
    CHECK_EQ(kit_call(1, 3, user, 0, 0), 0x600d);

    /* ZERO: one WRITE fault on each of pages 0..3, READ on 4 and 5, WRITE
     * on 6..8 (rep stosl), exact first addresses */
    for (int pg = 0; pg < 4; pg++) {
        CHECK_EQ(faults[0][pg], 1);
        CHECK_EQ(last_addr[0][pg], ZERO + pg * 4096 + 20);
        CHECK_EQ(last_access[0][pg], SPACE_FAULT_WRITE);
    }
    CHECK_EQ(faults[0][4], 1);
    CHECK_EQ(last_access[0][4], SPACE_FAULT_READ);
    CHECK_EQ(last_addr[0][4], ZERO + 4 * 4096 + 4092);
    CHECK_EQ(faults[0][5], 1);
    CHECK_EQ(last_addr[0][5], ZERO + 5 * 4096);
    CHECK_EQ(last_addr[0][6], ZERO + 6 * 4096 + 2048);
    CHECK_EQ(last_addr[0][7], ZERO + 7 * 4096);
    CHECK_EQ(last_addr[0][8], ZERO + 8 * 4096);
    for (int pg = 6; pg <= 8; pg++) {
        CHECK_EQ(faults[0][pg], 1);
        CHECK_EQ(last_access[0][pg], SPACE_FAULT_WRITE);
    }
    CHECK_EQ(faults[0][9], 0);
    /* DST: one WRITE fault per page at the first byte rep movsl writes */
    CHECK_EQ(faults[3][0], 1);
    CHECK_EQ(last_addr[3][0], DST + 2048);
    CHECK_EQ(faults[3][1], 1);
    CHECK_EQ(last_addr[3][1], DST + 4096);
    CHECK_EQ(faults[3][2], 1);
    CHECK_EQ(last_addr[3][2], DST + 8192);
    CHECK_EQ(last_access[3][2], SPACE_FAULT_WRITE);
    /* COW: page 0 read then write; page 1 write only */
    CHECK_EQ(faults[1][0], 2);
    CHECK_EQ(last_access[1][0], SPACE_FAULT_WRITE | SPACE_FAULT_PROTECTION);
    CHECK_EQ(last_addr[1][0], COW + 400);
    CHECK_EQ(faults[1][1], 1);
    CHECK_EQ(last_access[1][1], SPACE_FAULT_WRITE);
    /* STACK: pages just below STACK, each first touched by a push at the
     * top word of the page */
    for (int pg = 1; pg <= 3; pg++) {
        CHECK_EQ(faults[2][pg], 1);
        CHECK_EQ(last_addr[2][pg], STACK - (pg - 1) * 4096 - 4);
        CHECK_EQ(last_access[2][pg], SPACE_FAULT_WRITE);
    }
    CHECK_EQ(faults[2][4], 0);
    CHECK_EQ(total, 4 + 2 + 3 + 3 + 3 + 3);
    out_str("demand passed\n");
}
