/* pcbcopy: operations that copy between a buffer in guest memory and a PCB
 * copy all of it or nothing (docs/space-architecture.md §6). The buffer
 * straddles a RAM page and a device register page (the timer's), which
 * MODE 0 may read and write: a device page is not memory an operation can
 * copy through, so each operation fails with SPACE_ERR_ACCESS, changes no
 * byte, sets no reference or dirty bit, and leaves the chain as it was.
 * The RAM page holds code the CPU has already run, at the very bytes the
 * failed PCB_READ would have written: it still runs as it is. Both orders:
 * RAM then device page, and device page then RAM. */
#include "kit.h"

#define VRAM1 0x50000000u /* RAM (code), then VDEV1 */
#define VDEV1 0x50001000u
#define VDEV2 0x50002000u /* a device page, then VRAM2 */
#define VRAM2 0x50003000u
#define HALF  40u /* bytes of the 76-byte PCB on the first page */

static uint32_t timer_regs(const struct space_bootinfo *boot)
{
    for (uint32_t i = 0; i < boot->ndevices; i++)
        if (space_boot_device(boot, i)->type == SPACE_DEVICE_TIMER)
            return space_boot_device(boot, i)->regs;
    CHECK(0);
    return 0;
}

static uint32_t bits(uint32_t va)
{
    return (uint32_t)space_refdirty(0, va, 0);
}

/* mov $7, %eax; ret - then filler the PCB would cover */
static const uint8_t code[] = {0xb8, 7, 0, 0, 0, 0xc3};

static void fill(uint32_t frame, uint32_t off)
{
    volatile uint8_t *p = (volatile uint8_t *)frame;
    for (uint32_t i = 0; i < HALF; i++)
        p[off + i] = i < sizeof code ? code[i] : (uint8_t)(0xa0 + i);
}

static void unchanged(uint32_t frame, uint32_t off)
{
    volatile uint8_t *p = (volatile uint8_t *)frame;
    for (uint32_t i = 0; i < HALF; i++)
        CHECK_EQ(p[off + i], i < sizeof code ? code[i] : (uint8_t)(0xa0 + i));
}

/* Every copying operation on buffer `buf`, whose RAM part is at `ram` in
 * frame `frame` at offset `off`; `runs` is that code's address (0: none). */
static void all_or_nothing(uint32_t buf, uint32_t ram, uint32_t frame, uint32_t off, uint32_t runs)
{
    struct space_pcb top = kit_pcb_for(1, 3, 0x1111, 0x2222);
    top.eax = 0x01010101;
    CHECK_EQ(space_pcb_push(&top), SPACE_OK);
    if (runs)
        CHECK_EQ(((uint32_t(*)(void))runs)(), 7); /* translated before the copy */
    CHECK_EQ(space_refdirty(0, ram, SPACE_REF | SPACE_DIRTY) >= 0, 1);
    CHECK_EQ(bits(ram), 0);

    CHECK_EQ(space_pcb_read((struct space_pcb *)buf), SPACE_ERR_ACCESS);
    unchanged(frame, off);
    CHECK_EQ(bits(ram), 0);
    if (runs)
        CHECK_EQ(((uint32_t(*)(void))runs)(), 7);

    CHECK_EQ(space_refdirty(0, ram, SPACE_REF | SPACE_DIRTY) >= 0, 1);
    CHECK_EQ(space_pcb_write((const struct space_pcb *)buf), SPACE_ERR_ACCESS);
    CHECK_EQ(bits(ram), 0);
    CHECK_EQ(space_pcb_push((const struct space_pcb *)buf), SPACE_ERR_ACCESS);
    CHECK_EQ(bits(ram), 0);
    /* the chain: the one PCB pushed above, as it was */
    struct space_pcb back;
    CHECK_EQ(space_pcb_read(&back), SPACE_OK);
    CHECK_EQ(back.eax, 0x01010101);
    CHECK_EQ(back.pc, 0x1111);
    CHECK_EQ(space_pcb_pop(), SPACE_OK);
    CHECK_EQ(space_pcb_pop(), SPACE_ERR_EMPTY);
}

void kmain(const struct space_bootinfo *boot)
{
    kit_init(boot);
    kit_portals_std(0);
    uint32_t f1 = kit_frame(), f2 = kit_frame(), regs = timer_regs(boot);
    CHECK_EQ(space_map_memory(0, VRAM1, f1, SPACE_ACCESS(0, SPACE_RWX)), SPACE_OK);
    CHECK_EQ(space_map_memory(0, VDEV1, regs, SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
    CHECK_EQ(space_map_memory(0, VDEV2, regs, SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
    CHECK_EQ(space_map_memory(0, VRAM2, f2, SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);

    fill(f1, 4096 - HALF);
    all_or_nothing(VDEV1 - HALF, VRAM1, f1, 4096 - HALF, VDEV1 - HALF);
    out_str("RAM then device page: nothing copied\n");

    fill(f2, 0);
    all_or_nothing(VRAM2 - (76 - HALF), VRAM2, f2, 0, 0);
    out_str("device page then RAM: nothing copied\n");
    out_str("pcbcopy passed\n");
}
