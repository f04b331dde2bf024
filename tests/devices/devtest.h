/* devtest.h - shared definitions for the focused device test guests in
 * tests/devices/ (dev_*.c / dev_*.S). The C side includes tests/guest/check.h
 * for CHECK / CHECK_EQ (results go through the debug print port, so they do
 * not disturb what the console device itself prints).
 *
 * Fixed virtual addresses (CONTEXT 0 unless said otherwise) are shared with
 * the assembly files, so this header is also valid in a .S file. */
#ifndef DEVTEST_H
#define DEVTEST_H

#define CONSOLE_VA 0x30000000 /* console registers, MODE 0 RW */
#define TIMER_VA   0x30001000 /* timer registers, MODE 0 RW */
#define DISK_VA    0x30002000 /* disk registers, MODE 0 RW (when there is a disk) */
#define WIN_VA     0x40000000 /* identity-free window onto free RAM frames */

/* register offsets, duplicated from space.h for the assembler */
#define R_CONSOLE_DATA     0x00
#define R_CONSOLE_STATUS   0x04
#define R_CONSOLE_CONTROL  0x08
#define R_CONSOLE_RX_COUNT 0x0c
#define R_TIMER_NOW_LO     0x00
#define R_TIMER_NOW_HI     0x04
#define R_TIMER_INTERVAL   0x08
#define R_TIMER_CONTROL    0x0c
#define R_TIMER_TICKS      0x10
#define R_TIMER_NEXT_LO    0x14
#define R_TIMER_NEXT_HI    0x18

#define OP_RESUME     3
#define OP_PCB_READ   6
#define OP_HALT       10
#define OP_TIME       11
#define OP_INTERRUPTS 12
#define OP_WAIT       15

#ifndef __ASSEMBLER__
#include "check.h"

#define REG(va, off) (((volatile uint32_t *)(va))[(off) / 4])

struct devinfo {
    uint32_t console, timer, disk; /* register pages (physical), 0 if absent */
    uint32_t console_trap, timer_trap, disk_trap;
};

/* Finds the devices in the boot information and maps each one's register
 * page at its fixed virtual address for MODE 0 (read/write). */
static inline void dev_setup(const struct space_bootinfo *b, struct devinfo *d)
{
    *d = (struct devinfo){0};
    for (uint32_t i = 0; i < b->ndevices; i++) {
        const struct space_device_info *x = space_boot_device(b, i);
        if (x->type == SPACE_DEVICE_CONSOLE && !d->console) {
            d->console = x->regs;
            d->console_trap = x->trap;
        } else if (x->type == SPACE_DEVICE_TIMER && !d->timer) {
            d->timer = x->regs;
            d->timer_trap = x->trap;
        } else if (x->type == SPACE_DEVICE_DISK && !d->disk) {
            d->disk = x->regs;
            d->disk_trap = x->trap;
        }
    }
    for (uint32_t i = 0; i < b->ndevices; i++)
        CHECK_EQ(space_boot_device(b, i)->unit, 0);
    CHECK_EQ(b->ndevices, d->disk ? 3 : 2);
    CHECK_EQ(d->console, 0xf0000000u);
    CHECK_EQ(d->console_trap, 32);
    CHECK_EQ(d->timer, 0xf0001000u);
    CHECK_EQ(d->timer_trap, 33);
    CHECK_EQ(space_map_memory(0, CONSOLE_VA, d->console, SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
    CHECK_EQ(space_map_memory(0, TIMER_VA, d->timer, SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
    if (d->disk) {
        CHECK_EQ(d->disk, 0xf0002000u);
        CHECK_EQ(d->disk_trap, 34);
        CHECK_EQ(space_map_memory(0, DISK_VA, d->disk, SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
    }
}

/* Maps `pages` free RAM frames (from kernel_end) at WIN_VA + 4096*i with
 * `access`; returns the physical address of the first. Frames are zero. */
static inline uint32_t dev_window(const struct space_bootinfo *b, uint32_t first_page,
                                  uint32_t pages, uint32_t access)
{
    uint32_t pa = b->kernel_end + first_page * SPACE_PAGE_SIZE;
    for (uint32_t i = 0; i < pages; i++)
        CHECK_EQ(space_map_memory(0, WIN_VA + (first_page + i) * SPACE_PAGE_SIZE,
                                  pa + i * SPACE_PAGE_SIZE, access),
                 SPACE_OK);
    return pa;
}

static inline int dev_has_word(const char *s, const char *w)
{
    for (; *s; s++) {
        const char *a = s, *b = w;
        while (*b && *a == *b)
            a++, b++;
        if (!*b && (*a == 0 || *a == ' '))
            return 1;
    }
    return 0;
}

/* Prints through the console device (not the debug port). */
static inline void con_puts(const char *s)
{
    while (*s)
        REG(CONSOLE_VA, SPACE_CONSOLE_DATA) = (uint8_t)*s++;
}
#endif

#endif
