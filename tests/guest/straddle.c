/* straddle: 4-byte accesses across a page boundary.
 *  - second page unmapped: a load, a store, a push and a movsl fault with
 *    addr = the second page's first byte; nothing was stored in the first
 *    page when the fault is taken; after the handler maps the page the
 *    instruction completes with all four bytes right;
 *  - first page unmapped, second mapped: addr = the access's own address;
 *  - second page mapped read-only: WRITE|PROTECTION at the second page;
 *  - both pages mapped: no fault.
 * All of it in CONTEXT 0 MODE 0 and in CONTEXT 1 MODE 3. */
#include "kit.h"

extern void push_at(uint32_t esp_value, uint32_t v);
extern uint32_t movs_at(uint32_t src);
extern char push_at_insn[], movs_at_insn[];

static uint32_t ctx, base, nfault, fault_addr[4], fault_access[4], fault_pc[4];
static uint32_t frame_of[64];  /* frame for page i of the test region */
static uint32_t ro_page = ~0u; /* page index mapped read-only at first */
static uint32_t
    first_bytes_at_fault;    /* the two bytes before the boundary, when the store faulted */
static uint32_t watch = ~0u; /* address whose 2 bytes the handler samples */

static uint32_t access_for_mode(uint32_t bits)
{
    return ctx == 0 ? SPACE_ACCESS(0, bits) : SPACE_ACCESS(3, bits);
}

static int handler(struct space_pcb *p)
{
    if (p->trap != SPACE_TRAP_MEMORY_FAULT || p->addr < base || p->addr >= base + 64 * 4096)
        return KIT_DEFAULT;
    CHECK(nfault < 4);
    fault_addr[nfault] = p->addr;
    fault_access[nfault] = p->access;
    fault_pc[nfault] = p->pc;
    nfault++;
    if (watch != ~0u)
        first_bytes_at_fault =
            *(volatile uint16_t *)(frame_of[(watch - base) >> 12] + (watch & 0xfff));
    uint32_t i = (p->addr - base) >> 12;
    CHECK_EQ(space_map_memory(ctx, base + i * 4096, frame_of[i], access_for_mode(SPACE_RW)),
             SPACE_OK);
    return KIT_RESUME;
}

static uint32_t page(uint32_t i)
{
    return base + i * 4096;
}

static void map(uint32_t i, uint32_t bits)
{
    CHECK_EQ(space_map_memory(ctx, page(i), frame_of[i], access_for_mode(bits)), SPACE_OK);
}

static void expect1(uint32_t addr, uint32_t access, uint32_t pc)
{
    CHECK_EQ(nfault, 1);
    CHECK_EQ(fault_addr[0], addr);
    CHECK_EQ(fault_access[0], access);
    CHECK_EQ(fault_pc[0], pc);
    nfault = 0;
    watch = ~0u;
}

static uint32_t cases(uint32_t unused)
{
    (void)unused;
    uint32_t v;
    /* load, second page unmapped (pages 0 mapped, 1 not) */
    v = kit_read32(page(1) - 2);
    CHECK_EQ(v, 0x4433bbaa);
    expect1(page(1), SPACE_FAULT_READ, (uint32_t)kit_read32_at);
    /* store, second page unmapped (2 mapped, 3 not) */
    watch = page(3) - 2;
    CHECK_EQ(kit_write32(page(3) - 2, 0x11223344), 0);
    CHECK_EQ(first_bytes_at_fault, 0); /* nothing stored before the fault */
    expect1(page(3), SPACE_FAULT_WRITE, (uint32_t)kit_write32_at);
    CHECK_EQ(kit_read32(page(3) - 2), 0x11223344);
    /* load, first page unmapped (4 not, 5 mapped) */
    v = kit_read32(page(5) - 2);
    CHECK_EQ(v, 0x6655eedd);
    expect1(page(5) - 2, SPACE_FAULT_READ, (uint32_t)kit_read32_at);
    /* store, second page read-only (6 RW, 7 R) */
    watch = page(7) - 2;
    CHECK_EQ(kit_write32(page(7) - 2, 0xa1b2c3d4), 0);
    CHECK_EQ(first_bytes_at_fault, 0);
    expect1(page(7), SPACE_FAULT_WRITE | SPACE_FAULT_PROTECTION, (uint32_t)kit_write32_at);
    CHECK_EQ(kit_read32(page(7) - 2), 0xa1b2c3d4);
    /* push across the boundary, the lower page unmapped (8 not, 9 mapped):
     * ESP = page(9) + 2, the push writes page(9) - 2 .. page(9) + 1 */
    push_at(page(9) + 2, 0x99887766);
    expect1(page(9) - 2, SPACE_FAULT_WRITE, (uint32_t)push_at_insn);
    CHECK_EQ(kit_read32(page(9) - 2), 0x99887766);
    /* movsl reading across the boundary (10 mapped, 11 not) */
    v = movs_at(page(11) - 1);
    CHECK_EQ(v, 0x030201f0);
    expect1(page(11), SPACE_FAULT_READ, (uint32_t)movs_at_insn);
    /* both pages mapped (12, 13): no fault */
    CHECK_EQ(kit_write32(page(13) - 1, 0xcafef00d), 0);
    CHECK_EQ(kit_read32(page(13) - 1), 0xcafef00d);
    CHECK_EQ(kit_read8(page(13) + 2), 0xca);
    CHECK_EQ(nfault, 0);
    return 0x600d;
}

static void run(uint32_t c, uint32_t b)
{
    ctx = c;
    base = b;
    for (uint32_t i = 0; i < 14; i++)
        frame_of[i] = kit_frame();
    /* known bytes around the boundaries */
    *(volatile uint16_t *)(frame_of[0] + 4094) = 0xbbaa;
    *(volatile uint16_t *)(frame_of[1]) = 0x4433;
    *(volatile uint16_t *)(frame_of[4] + 4094) = 0xeedd;
    *(volatile uint16_t *)(frame_of[5]) = 0x6655;
    *(volatile uint8_t *)(frame_of[10] + 4095) = 0xf0;
    *(volatile uint32_t *)(frame_of[11]) = 0x00030201;
    map(0, SPACE_RW);
    map(2, SPACE_RW);
    map(5, SPACE_RW);
    map(6, SPACE_RW);
    map(7, SPACE_R);
    ro_page = 7;
    map(9, SPACE_RW);
    map(10, SPACE_RW);
    map(12, SPACE_RW);
    map(13, SPACE_RW);
    nfault = 0;
    uint32_t r = c == 0 ? cases(0) : kit_call(c, 3, cases, 0, 0);
    CHECK_EQ(r, 0x600d);
    /* the bytes landed in the right frames */
    CHECK_EQ(*(volatile uint16_t *)(frame_of[2] + 4094), 0x3344);
    CHECK_EQ(*(volatile uint16_t *)(frame_of[3]), 0x1122);
    CHECK_EQ(*(volatile uint16_t *)(frame_of[8] + 4094), 0x7766);
    CHECK_EQ(*(volatile uint16_t *)(frame_of[9]), 0x9988);
    CHECK_EQ(*(volatile uint8_t *)(frame_of[12] + 4095), 0x0d);
    CHECK_EQ(*(volatile uint8_t *)(frame_of[13] + 2), 0xca);
}

void kmain(const struct space_bootinfo *boot)
{
    kit_init(boot);
    kit_portals_std(0);
    kit_portals_std(1);
    kit_map_image(1, SPACE_ACCESS(3, SPACE_RWX));
    kit_hook = handler;
    run(0, 0x60000000);
    out_str("ctx 0 mode 0 ok\n");
    run(1, 0x60000000);
    out_str("ctx 1 mode 3 ok\n");
    out_str("straddle passed\n");
}
