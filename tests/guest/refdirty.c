/* refdirty: the reference and dirty bits of mappings (docs §3 "Reference
 * and dirty bits"), through SPACE_OP_REFDIRTY and SPACE_OP_MAPPING (ECX).
 *
 * In the running CONTEXT 0: a fresh mapping has no bits; a read sets REF, a
 * write REF|DIRTY, an instruction fetch REF; a page left alone keeps 0.
 * Clearing makes the next access visible again, whatever the CPU has
 * cached: a read after clearing REF, a write after clearing DIRTY (also when
 * the page was read first), a fetch after clearing REF. Operations that
 * copy to or from guest memory count as accesses; so do device register
 * accesses. A remap to another frame or an unmap clears the bits; a
 * permission change or the same mapping again keeps them. The bits belong
 * to one CONTEXT's mapping: CONTEXT 1 mapping the same frame at the same
 * address has its own. Errors: CONTEXT, ACCESS (mask), ARG (unmapped). */
#include "kit.h"

/* Unicorn's TLB is direct-mapped (64 to 256 entries, indexed by the page
 * number): these pages are at indexes the image's and the frames' pages
 * do not use, so that no other access evicts them by chance. */
#define VA   0x30028000u /* read */
#define VB   0x30029000u /* written */
#define VC   0x3002a000u /* executed */
#define VD   0x3002b000u /* left alone, then written by pcb_read */
#define VE   0x3002c000u /* read by pcb_push */
#define VDEV 0x30030000u /* the timer's register page */
#define REF  SPACE_REF
#define DRT  SPACE_DIRTY

uint32_t rd_clr_rd(uint32_t va, uint32_t mask), wr_clr_wr(uint32_t va, uint32_t mask),
    wr_clr_rd_wr(uint32_t va), x_clr_x(uint32_t va);

static uint32_t bits(uint32_t ctx, uint32_t va)
{
    return (uint32_t)space_refdirty(ctx, va, 0);
}

static uint32_t clear(uint32_t ctx, uint32_t va, uint32_t mask)
{
    return (uint32_t)space_refdirty(ctx, va, mask);
}

/* SPACE_OP_MAPPING with its third result, the bits in ECX. */
static uint32_t mapping_bits(uint32_t ctx, uint32_t va)
{
    uint32_t eax = SPACE_OP_MAPPING, ecx = va, edx;
    __asm__ volatile("int $0xff" : "+a"(eax), "+c"(ecx), "=d"(edx) : "b"(ctx) : "memory");
    return ecx;
}

static uint32_t rd(uint32_t va)
{
    return *(volatile uint32_t *)va;
}

static void wr(uint32_t va, uint32_t v)
{
    *(volatile uint32_t *)va = v;
}

static uint32_t run_code(void)
{
    return ((uint32_t(*)(void))VC)();
}

static uint32_t u_read(uint32_t va)
{
    return rd(va);
}

static uint32_t u_write(uint32_t va)
{
    wr(va, 0x77);
    return 0;
}

static uint32_t timer_regs(const struct space_bootinfo *boot)
{
    for (uint32_t i = 0; i < boot->ndevices; i++)
        if (space_boot_device(boot, i)->type == SPACE_DEVICE_TIMER)
            return space_boot_device(boot, i)->regs;
    CHECK(0);
    return 0;
}

/* A read, a write, a fetch; untouched stays 0; MAPPING agrees. */
static void first_accesses(void)
{
    CHECK_EQ(bits(0, VA), 0);
    CHECK_EQ(bits(0, VB), 0);
    CHECK_EQ(bits(0, VC), 0);
    CHECK_EQ(bits(0, VD), 0);
    CHECK_EQ(rd(VA + 8), 0);
    wr(VB + 12, 0x1234);
    CHECK_EQ(run_code(), 0x1234);
    CHECK_EQ(bits(0, VA), REF);
    CHECK_EQ(bits(0, VB), REF | DRT);
    CHECK_EQ(bits(0, VC), REF);
    CHECK_EQ(bits(0, VD), 0);
    CHECK_EQ(bits(0, VB + 0xfff), REF | DRT); /* any address in the page */
    CHECK_EQ(mapping_bits(0, VA), REF);
    CHECK_EQ(mapping_bits(0, VB), REF | DRT);
    CHECK_EQ(mapping_bits(0, VD), 0);
    uint32_t pa;
    CHECK_EQ(space_mapping(0, VB, &pa), SPACE_ACCESS(0, SPACE_RW)); /* wrapper unchanged */
    /* the code running now, and its data */
    CHECK_EQ(bits(0, (uint32_t)first_accesses), REF);
    static volatile uint32_t scratch;
    scratch = 1;
    CHECK_EQ(bits(0, (uint32_t)&scratch), REF | DRT);
}

/* Clearing: the next access of each kind sets the bits again. */
static void clear_and_touch(void)
{
    CHECK_EQ(clear(0, VA, REF), REF); /* returns the bits before */
    CHECK_EQ(bits(0, VA), 0);
    CHECK_EQ(bits(0, VA), 0);
    rd(VA); /* Unicorn held a translation for VA: it must be gone */
    CHECK_EQ(bits(0, VA), REF);

    /* DIRTY only: REF stays; a read does not dirty; the next write does */
    CHECK_EQ(clear(0, VB, DRT), REF | DRT);
    CHECK_EQ(bits(0, VB), REF);
    CHECK_EQ(rd(VB + 12), 0x1234);
    CHECK_EQ(bits(0, VB), REF);
    wr(VB + 12, 0x5678);
    CHECK_EQ(bits(0, VB), REF | DRT);

    /* REF only on a dirty page: DIRTY stays, a write sets REF again */
    CHECK_EQ(clear(0, VB, REF), REF | DRT);
    CHECK_EQ(bits(0, VB), DRT);
    wr(VB, 1);
    CHECK_EQ(bits(0, VB), REF | DRT);
    CHECK_EQ(clear(0, VB, REF), REF | DRT);
    rd(VB);
    CHECK_EQ(bits(0, VB), REF | DRT);

    /* both, then a write first */
    CHECK_EQ(clear(0, VB, REF | DRT), REF | DRT);
    CHECK_EQ(bits(0, VB), 0);
    wr(VB, 2);
    CHECK_EQ(bits(0, VB), REF | DRT);
    /* both, then a read, then a write */
    CHECK_EQ(clear(0, VB, REF | DRT), REF | DRT);
    rd(VB);
    CHECK_EQ(bits(0, VB), REF);
    wr(VB, 3);
    CHECK_EQ(bits(0, VB), REF | DRT);

    /* code: the block is translated and cached; the fetch is seen again */
    CHECK_EQ(clear(0, VC, REF), REF);
    CHECK_EQ(bits(0, VC), 0);
    CHECK_EQ(run_code(), 0x5678);
    CHECK_EQ(bits(0, VC), REF);
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(clear(0, VC, REF), REF);
        CHECK_EQ(run_code(), 0x5678);
    }
    CHECK_EQ(bits(0, VC), REF);
    /* the same with nothing in between that could evict the translation */
    CHECK_EQ(rd_clr_rd(VA, REF), REF);
    CHECK_EQ(rd_clr_rd(VA, REF | DRT), REF);
    CHECK_EQ(wr_clr_wr(VB, DRT), REF | DRT);
    CHECK_EQ(wr_clr_wr(VB, REF), REF | DRT);
    CHECK_EQ(wr_clr_wr(VB, REF | DRT), REF | DRT);
    CHECK_EQ(wr_clr_rd_wr(VB), (REF << 16) | REF | DRT);
    CHECK_EQ(x_clr_x(VC), REF);
    /* clearing a clear bit changes nothing */
    CHECK_EQ(clear(0, VD, REF | DRT), 0);
    CHECK_EQ(bits(0, VD), 0);
}

/* Operations reading or writing guest memory for the guest: PCB_READ
 * writes its buffer (REF|DIRTY), PCB_PUSH reads it (REF), page by page;
 * an operation that fails on its buffer touches nothing. */
static void operation_accesses(uint32_t fe)
{
    struct space_pcb p = kit_pcb_for(3, 2, 0x1234, 0x5678);
    *(struct space_pcb *)fe = p; /* through CONTEXT 0's identity mapping of the frame */
    CHECK_EQ(bits(0, VD), 0);
    CHECK_EQ(bits(0, VE), 0);
    CHECK_EQ(space_pcb_push((const struct space_pcb *)VE), SPACE_OK);
    CHECK_EQ(bits(0, VE), REF);
    CHECK_EQ(space_pcb_read((struct space_pcb *)VD), SPACE_OK);
    CHECK_EQ(bits(0, VD), REF | DRT);
    CHECK_EQ(((struct space_pcb *)VD)->pc, 0x1234);
    /* straddling VD (writable) and VE (read-only) */
    uint32_t across = VE - 40;
    CHECK_EQ(clear(0, VD, REF | DRT), REF | DRT);
    CHECK_EQ(clear(0, VE, REF), REF);
    CHECK_EQ(space_pcb_read((struct space_pcb *)across), SPACE_ERR_ACCESS);
    CHECK_EQ(bits(0, VD), 0);
    CHECK_EQ(bits(0, VE), 0);
    CHECK_EQ(space_pcb_push((const struct space_pcb *)across), SPACE_OK);
    CHECK_EQ(bits(0, VD), REF);
    CHECK_EQ(bits(0, VE), REF);
    CHECK_EQ(space_pcb_pop(), SPACE_OK);
    CHECK_EQ(space_pcb_pop(), SPACE_OK);
    CHECK_EQ(clear(0, VD, REF), REF);
}

/* Device registers are reached through a mapping too. */
static void device_accesses(const struct space_bootinfo *boot)
{
    CHECK_EQ(space_map_memory(0, VDEV, timer_regs(boot), SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
    CHECK_EQ(bits(0, VDEV), 0);
    CHECK(rd(VDEV + SPACE_TIMER_NOW_LO) > 0);
    CHECK_EQ(bits(0, VDEV), REF);
    CHECK_EQ(rd(VDEV + SPACE_TIMER_INTERVAL), 0);
    CHECK_EQ(bits(0, VDEV), REF);
    wr(VDEV + SPACE_TIMER_TICKS, 0);
    CHECK_EQ(bits(0, VDEV), REF | DRT);
    CHECK_EQ(clear(0, VDEV, REF | DRT), REF | DRT);
    wr(VDEV + SPACE_TIMER_TICKS, 0);
    CHECK_EQ(bits(0, VDEV), REF | DRT);
    CHECK_EQ(space_map_memory(0, VDEV, 0, 0), SPACE_OK);
}

/* What MapMemory does to the bits. */
static void remapping(uint32_t fa, uint32_t fb)
{
    rd(VA);
    CHECK_EQ(bits(0, VA), REF);
    /* the same mapping again, then new permissions on the same frame: kept */
    CHECK_EQ(space_map_memory(0, VA, fa, SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
    CHECK_EQ(bits(0, VA), REF);
    CHECK_EQ(space_map_memory(0, VA, fa, SPACE_ACCESS(0, SPACE_RW) | SPACE_ACCESS(3, SPACE_R)),
             SPACE_OK);
    CHECK_EQ(bits(0, VA), REF);
    wr(VA, 9);
    CHECK_EQ(space_map_memory(0, VA, fa, SPACE_ACCESS(0, SPACE_R)), SPACE_OK);
    CHECK_EQ(bits(0, VA), REF | DRT);
    /* another frame: cleared */
    CHECK_EQ(space_map_memory(0, VA, fb, SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
    CHECK_EQ(bits(0, VA), 0);
    CHECK_EQ(mapping_bits(0, VA), 0);
    CHECK_EQ(rd(VA), 4); /* what clear_and_touch last wrote into VB's frame */
    CHECK_EQ(bits(0, VA), REF);
    /* unmapped: no bits, and an error from REFDIRTY */
    CHECK_EQ(space_map_memory(0, VA, 0, 0), SPACE_OK);
    CHECK_EQ(space_refdirty(0, VA, 0), SPACE_ERR_ARG);
    CHECK_EQ(space_refdirty(0, VA, REF), SPACE_ERR_ARG);
    CHECK_EQ(mapping_bits(0, VA), 0);
    /* mapped again, even to the same frame: a fresh start */
    CHECK_EQ(space_map_memory(0, VA, fb, SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
    CHECK_EQ(bits(0, VA), 0);
    wr(VA, 3);
    CHECK_EQ(bits(0, VA), REF | DRT);
}

/* CONTEXT 1 maps VA's frame at the same address: its own bits. */
static void per_context(void)
{
    uint32_t pa;
    CHECK_EQ(space_mapping(0, VA, &pa), SPACE_ACCESS(0, SPACE_RW));
    kit_portals_std(1);
    kit_map_image(1, SPACE_ACCESS(3, SPACE_RWX));
    CHECK_EQ(space_map_memory(1, VA, pa, SPACE_ACCESS(3, SPACE_RW)), SPACE_OK);
    CHECK_EQ(clear(0, VA, REF | DRT), REF | DRT);
    CHECK_EQ(bits(1, VA), 0);
    CHECK_EQ(kit_call(1, 3, u_write, VA, 0), 0);
    CHECK_EQ(bits(1, VA), REF | DRT);
    CHECK_EQ(bits(0, VA), 0);
    CHECK_EQ(rd(VA), 0x77);
    CHECK_EQ(bits(0, VA), REF);
    CHECK_EQ(bits(1, VA), REF | DRT);
    /* cleared while CONTEXT 0 runs; CONTEXT 1's next access is seen */
    CHECK_EQ(clear(1, VA, REF | DRT), REF | DRT);
    CHECK_EQ(kit_call(1, 3, u_read, VA, 0), 0x77);
    CHECK_EQ(bits(1, VA), REF);
    CHECK_EQ(bits(0, VA), REF);
    CHECK_EQ(bits(1, (uint32_t)u_read), REF); /* its code, fetched in CONTEXT 1 */
    CHECK_EQ(bits(1, VB), SPACE_ERR_ARG);     /* not mapped in CONTEXT 1 */
}

static void errors(void)
{
    CHECK_EQ(space_refdirty(256, VB, 0), SPACE_ERR_CONTEXT);
    CHECK_EQ(space_refdirty(0xffffffffu, VB, 0), SPACE_ERR_CONTEXT);
    CHECK_EQ(space_refdirty(0, VB, 4), SPACE_ERR_ACCESS);
    CHECK_EQ(space_refdirty(0, VB, 0x80000003u), SPACE_ERR_ACCESS);
    CHECK_EQ(space_refdirty(0, 0x7ff00000u, 0), SPACE_ERR_ARG);
    CHECK_EQ(bits(0, VB), REF | DRT); /* none of these cleared anything */
}

void kmain(const struct space_bootinfo *boot)
{
    kit_init(boot);
    uint32_t fa = kit_frame(), fb = kit_frame(), fc = kit_frame(), fd = kit_frame(),
             fe = kit_frame();
    /* VC's code: mov 12(VB), %eax; ret */
    static const uint8_t code[] = {0xa1, 0x0c, 0x90, 0x02, 0x30, 0xc3};
    for (unsigned i = 0; i < sizeof code; i++)
        ((uint8_t *)fc)[i] = code[i];
    CHECK_EQ(space_map_memory(0, VA, fa, SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
    CHECK_EQ(space_map_memory(0, VB, fb, SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
    CHECK_EQ(space_map_memory(0, VC, fc, SPACE_ACCESS(0, SPACE_RX)), SPACE_OK);
    CHECK_EQ(space_map_memory(0, VD, fd, SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
    CHECK_EQ(space_map_memory(0, VE, fe, SPACE_ACCESS(0, SPACE_R)), SPACE_OK);
    first_accesses();
    clear_and_touch();
    operation_accesses(fe);
    device_accesses(boot);
    remapping(fa, fb);
    per_context();
    errors();
    out_str("refdirty passed\n");
}
