/* bootstate: the state at the first instruction (docs §8): EBX = 0x1000,
 * the other general registers 0, ESP 0, EFLAGS 0x2, x87 control word 0x37f,
 * MXCSR 0x1f80, CS 0x0b and data segments 0x13; then interrupts disabled,
 * an empty PCB chain, nothing suspended, CONTEXT 0 mapping exactly the
 * image (text RX, rodata R, data RW) and the boot page (R), page 0 not
 * mapped, other CONTEXTs empty; the boot information (device register
 * pages above RAM, device interrupts in 32..63). */
#include "kit.h"

extern uint32_t boot_regs[20];
extern char __image_start[], __image_end[];
extern char _start[];

static uint32_t count_mapped(uint32_t ctx, uint32_t from, uint32_t to)
{
    uint32_t n = 0, pa;
    for (uint32_t va = from; va < to; va += 4096)
        n += space_mapping(ctx, va, &pa) != 0;
    return n;
}

void kmain(const struct space_bootinfo *boot)
{
    CHECK_EQ((uint32_t)boot, 0x1000);
    CHECK_EQ(boot_regs[0], 0);
    CHECK_EQ(boot_regs[1], 0x1000);
    CHECK_EQ(boot_regs[2], 0);
    CHECK_EQ(boot_regs[3], 0);
    CHECK_EQ(boot_regs[4], 0);
    CHECK_EQ(boot_regs[5], 0);
    CHECK_EQ(boot_regs[6], 0);
    CHECK_EQ(boot_regs[7], 0);
    CHECK_EQ(boot_regs[8] & ~0x200u, 0x2); /* (IF is not guest-visible state) */
    CHECK_EQ(boot_regs[9] & 0xffff, 0x37f);
    CHECK_EQ(boot_regs[10], 0x1f80);
    CHECK_EQ(boot_regs[11] & 0xffff, 0x0b);
    for (int i = 12; i <= 16; i++)
        CHECK_EQ(boot_regs[i] & 0xffff, 0x13);

    CHECK_EQ(space_interrupts(0), 0);
    struct space_pcb p;
    CHECK_EQ(space_pcb_read(&p), SPACE_ERR_EMPTY);
    CHECK_EQ(space_suspend(), SPACE_ERR_EMPTY);
    for (int t = 1; t < 4096; t += 1)
        if (space_unsuspend(t) != SPACE_ERR_TOKEN)
            CHECK(0);

    CHECK_EQ(boot->magic, SPACE_BOOT_MAGIC);
    CHECK_EQ(boot->version, SPACE_BOOT_VERSION);
    CHECK_EQ(boot->ram_size, 16u << 20); /* run with --mem 16M */
    CHECK_EQ(boot->ncpus, 1);
    CHECK_EQ(boot->node, 0);
    CHECK_EQ(boot->kernel_start, 0x100000);
    CHECK_EQ(boot->kernel_end, (uint32_t)__image_end);
    CHECK_EQ(boot->bootinfo_paddr, 0x1000);
    /* devices: register pages above RAM, interrupts in 32..63 */
    CHECK(boot->ndevices <= SPACE_BOOT_MAX_DEVICES);
    for (uint32_t i = 0; i < boot->ndevices; i++) {
        CHECK(space_boot_device(boot, i)->regs >= boot->ram_size);
        CHECK_EQ(space_boot_device(boot, i)->regs & 0xfff, 0);
        CHECK(space_boot_device(boot, i)->trap >= 32 && space_boot_device(boot, i)->trap < 64);
    }
    /* the cmdline is cut to 255 characters */
    unsigned len = 0;
    while (boot->cmdline[len])
        len++;
    CHECK_EQ(len, 255);
    CHECK_EQ(boot->cmdline[0], 'x');

    uint32_t pa;
    CHECK_EQ(space_mapping(0, 0, &pa), 0);
    CHECK_EQ(space_mapping(0, 0x1000, &pa), SPACE_ACCESS(0, SPACE_R));
    CHECK_EQ(pa, 0x1000);
    CHECK_EQ(space_mapping(0, (uint32_t)_start, &pa), SPACE_ACCESS(0, SPACE_RX));
    CHECK_EQ(space_mapping(0, (uint32_t)&boot_regs, &pa), SPACE_ACCESS(0, SPACE_RW));
    uint32_t image_pages = ((uint32_t)__image_end - (uint32_t)__image_start) / 4096;
    CHECK_EQ(count_mapped(0, (uint32_t)__image_start, (uint32_t)__image_end), image_pages);
    /* nothing else below 16 MiB + some, in CONTEXT 0; nothing in 1 and 255 */
    CHECK_EQ(count_mapped(0, 0, 0x1800000), image_pages + 1);
    CHECK_EQ(count_mapped(1, 0, 0x1800000), 0);
    CHECK_EQ(count_mapped(255, 0, 0x1800000), 0);
    out_str("bootstate passed\n");
}
