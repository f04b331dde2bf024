/* pages64: 64 KiB pages (MapMemory with SPACE_MAP_64K; docs §3 "64 KiB
 * pages"), every rule of them.
 *
 * Alignment of the virtual and the physical address (ALIGN), 16 frames of
 * RAM and never a device page (PADDR), no other modeaccess bits (ACCESS);
 * each 4 KiB of the page reaches its own frame, in order; MAPPING answers
 * for any address inside with SPACE_MAP_64K and the page's first frame;
 * one pair of reference/dirty bits, set by an access anywhere in it, read
 * and cleared through any address; a refused access sets nothing and
 * faults with the exact address; new permissions keep the bits, another
 * frame clears them; no mixing with 4 KiB pages in one 64 KiB region, in
 * either order, and a 4 KiB unmap inside is refused (MIXED), not a split;
 * the 64 KiB unmap takes all 16 pages at once.
 *
 * Then user code in CONTEXT 2 stores into all 16 pages of a 64 KiB page and
 * CONTEXT 3 does the same through 16 pages of 4 KiB: the run's --stats show
 * 1 TLB miss for CONTEXT 2 and 16 for CONTEXT 3 (tests/machine_tests.cmake
 * checks them). */
#include "kit.h"

#define V      0x40000000u /* the 64 KiB page */
#define V2     0x40010000u /* a region for mixing */
#define W      0x50000000u /* a 4 KiB window onto any one frame */
#define UV     0x60000000u /* the user code's page in CONTEXTs 2 and 3 */
#define PG     SPACE_PAGE_SIZE
#define P64    SPACE_PAGE64_SIZE
#define RW0    SPACE_ACCESS(0, SPACE_RW)
#define REF    SPACE_REF
#define DRT    SPACE_DIRTY
#define K64(a) ((a) | SPACE_MAP_64K)

static uint32_t bits(uint32_t va)
{
    return (uint32_t)space_refdirty(0, va, 0);
}

static uint32_t clear(uint32_t va, uint32_t mask)
{
    return (uint32_t)space_refdirty(0, va, mask);
}

static uint32_t rd(uint32_t va)
{
    return *(volatile uint32_t *)va;
}

static void wr(uint32_t va, uint32_t v)
{
    *(volatile uint32_t *)va = v;
}

/* The word at physical paddr, through the 4 KiB window. */
static uint32_t phys_word(uint32_t paddr)
{
    CHECK_EQ(space_map_memory(0, W, paddr & ~(PG - 1), RW0), SPACE_OK);
    return rd(W + (paddr & (PG - 1)));
}

static uint32_t device_regs(const struct space_bootinfo *boot)
{
    CHECK(boot->ndevices > 0);
    return space_boot_device(boot, 0)->regs;
}

static void argument_errors(const struct space_bootinfo *boot, uint32_t p)
{
    CHECK_EQ(space_map_memory(0, V + PG, p, K64(RW0)), SPACE_ERR_ALIGN);
    CHECK_EQ(space_map_memory(0, V + 0x8000, p, K64(RW0)), SPACE_ERR_ALIGN);
    CHECK_EQ(space_map_memory(0, V, p + PG, K64(RW0)), SPACE_ERR_ALIGN);
    CHECK_EQ(space_map_memory(0, V + PG, 0, K64(0)), SPACE_ERR_ALIGN); /* unmapping too */
    CHECK_EQ(space_map_memory(0, V, p, K64(RW0) | 0x2000u), SPACE_ERR_ACCESS);
    CHECK_EQ(space_map_memory(256, V, p, K64(RW0)), SPACE_ERR_CONTEXT);
    /* all 16 frames must be RAM: the last 64 KiB of RAM is, past it is not */
    CHECK_EQ(space_map_memory(0, V, boot->ram_size, K64(RW0)), SPACE_ERR_PADDR);
    CHECK_EQ(space_map_memory(0, V, boot->ram_size - P64, K64(RW0)), SPACE_OK);
    CHECK_EQ(space_map_memory(0, V, 0, K64(0)), SPACE_OK);
    /* a device register page is never part of a 64 KiB page */
    uint32_t dev = device_regs(boot);
    CHECK_EQ(space_map_memory(0, V, dev & ~(P64 - 1), K64(RW0)), SPACE_ERR_PADDR);
    CHECK_EQ(space_mapping(0, V, 0), 0); /* none of these mapped anything */
}

/* Each 4 KiB of the page is its own frame, in order; MAPPING agrees. */
static void sixteen_frames(uint32_t p)
{
    CHECK_EQ(space_map_memory(0, V, p, K64(RW0)), SPACE_OK);
    for (uint32_t k = 0; k < 16; k++)
        wr(V + k * PG + 4 * k, 0xa000 + k);
    for (uint32_t k = 0; k < 16; k++) {
        CHECK_EQ(phys_word(p + k * PG + 4 * k), 0xa000 + k);
        uint32_t pa = 0;
        CHECK_EQ(space_mapping(0, V + k * PG + 0x123, &pa), K64(RW0));
        CHECK_EQ(pa, p);
    }
    /* an access straddling two of its 4 KiB pages stays inside the page */
    wr(V + 3 * PG - 2, 0x12345678);
    CHECK_EQ(rd(V + 3 * PG - 2), 0x12345678);
    CHECK_EQ(phys_word(p + 3 * PG), 0x1234);
}

/* One pair of bits for the whole page, through any address. */
static void one_pair_of_bits(uint32_t p)
{
    CHECK_EQ(space_map_memory(0, V, p, K64(RW0)), SPACE_OK); /* the same again: kept */
    CHECK_EQ(bits(V), REF | DRT);
    CHECK_EQ(clear(V + 0x9000, REF | DRT), REF | DRT);
    for (uint32_t k = 0; k < 16; k++)
        CHECK_EQ(bits(V + k * PG), 0);
    rd(V + 0x5000);
    for (uint32_t k = 0; k < 16; k++)
        CHECK_EQ(bits(V + k * PG + 0xffc), REF);
    wr(V + 0xf000, 1);
    CHECK_EQ(bits(V), REF | DRT);
    /* after a clear, a write to a 4 KiB part the CPU has cached as written,
     * and to one it has cached as read, are both seen */
    CHECK_EQ(clear(V, DRT), REF | DRT);
    wr(V + 0xf000, 2);
    CHECK_EQ(bits(V + 0x1000), REF | DRT);
    CHECK_EQ(clear(V + 0xe000, REF | DRT), REF | DRT);
    rd(V + 0x5000);
    CHECK_EQ(bits(V), REF);
    wr(V + 0x5004, 3);
    CHECK_EQ(bits(V + 0xa000), REF | DRT);
    /* a copy on the guest's behalf counts too */
    CHECK_EQ(clear(V, REF | DRT), REF | DRT);
    CHECK_EQ(space_pcb_push(&(struct space_pcb){.eflags = 2}), SPACE_OK); /* elsewhere */
    CHECK_EQ(space_pcb_read((struct space_pcb *)(V + 0xc000)), SPACE_OK);
    CHECK_EQ(space_pcb_pop(), SPACE_OK);
    CHECK_EQ(bits(V + 0x2000), REF | DRT);
    /* MAPPING's ECX holds them too */
    uint32_t eax = SPACE_OP_MAPPING, ecx = V + 0x7777, edx;
    __asm__ volatile("int $0xff" : "+a"(eax), "+c"(ecx), "=d"(edx) : "b"(0) : "memory");
    CHECK_EQ(eax, K64(RW0));
    CHECK_EQ(edx, p);
    CHECK_EQ(ecx, REF | DRT);
}

/* Permissions: one modeaccess for all 16; a refused access faults at its
 * exact address and sets no bit; new permissions keep the bits, another
 * frame clears them. */
static void permissions_and_faults(uint32_t p, uint32_t p2)
{
    CHECK_EQ(space_map_memory(0, V, p, K64(SPACE_ACCESS(0, SPACE_R))), SPACE_OK);
    CHECK_EQ(bits(V), REF | DRT); /* kept */
    CHECK_EQ(clear(V, REF | DRT), REF | DRT);
    CHECK_EQ(kit_write32(V + 0x7004, 5), KIT_FAULTED);
    CHECK_EQ(kit_pcb.trap, SPACE_TRAP_MEMORY_FAULT);
    CHECK_EQ(kit_pcb.addr, V + 0x7004);
    CHECK_EQ(kit_pcb.access, SPACE_FAULT_WRITE | SPACE_FAULT_PROTECTION);
    CHECK_EQ(bits(V), 0);
    CHECK_EQ(kit_exec(V + 0xb000), KIT_FAULTED);
    CHECK_EQ(kit_pcb.access, SPACE_FAULT_EXECUTE | SPACE_FAULT_PROTECTION);
    CHECK_EQ(kit_read32(V + 0xd008), 0);
    CHECK_EQ(bits(V), REF);
    /* another 64 KiB of frames: the bits start afresh */
    CHECK_EQ(space_map_memory(0, V, p2, K64(RW0)), SPACE_OK);
    CHECK_EQ(bits(V + 0x4000), 0);
    CHECK_EQ(rd(V + 0xf000), 0);
    CHECK_EQ(space_map_memory(0, V, p, K64(RW0)), SPACE_OK);
    CHECK_EQ(rd(V + 0xf000), 2);
}

/* A 64 KiB region is mapped one way: as one 64 KiB page or as 4 KiB pages. */
static void no_mixing(uint32_t p, uint32_t f)
{
    /* inside a 64 KiB page: no 4 KiB map, and no 4 KiB unmap (no split) */
    CHECK_EQ(space_map_memory(0, V + 0x2000, f, RW0), SPACE_ERR_MIXED);
    CHECK_EQ(space_map_memory(0, V + 0x2000, 0, 0), SPACE_ERR_MIXED);
    CHECK_EQ(space_map_memory(0, V, f, RW0), SPACE_ERR_MIXED);
    uint32_t pa;
    CHECK_EQ(space_mapping(0, V + 0x2000, &pa), K64(RW0)); /* still whole */
    CHECK_EQ(rd(V + 0x2008), 0xa002);
    /* 4 KiB pages in a region: no 64 KiB page over them, not even an unmap */
    CHECK_EQ(space_map_memory(0, V2 + 0xf000, f, RW0), SPACE_OK);
    CHECK_EQ(space_map_memory(0, V2, p, K64(RW0)), SPACE_ERR_MIXED);
    CHECK_EQ(space_map_memory(0, V2, 0, K64(0)), SPACE_ERR_MIXED);
    CHECK_EQ(space_mapping(0, V2 + 0xf000, 0), RW0);
    CHECK_EQ(space_mapping(0, V2, 0), 0);
    /* once the region is empty, either kind is allowed */
    CHECK_EQ(space_map_memory(0, V2 + 0xf000, 0, 0), SPACE_OK);
    CHECK_EQ(space_map_memory(0, V2, p, K64(RW0)), SPACE_OK); /* p at two addresses */
    CHECK_EQ(rd(V2 + 0x1004), 0xa001);
    CHECK_EQ(bits(V2), REF); /* its own bits, not V's */
    CHECK_EQ(space_map_memory(0, V2, 0, K64(0)), SPACE_OK);
}

/* Unmapped as one: all 16 pages at once; then 4 KiB pages may come in. */
static void unmapping(uint32_t f)
{
    CHECK_EQ(space_map_memory(0, V, 0, K64(0)), SPACE_OK);
    for (uint32_t k = 0; k < 16; k++) {
        CHECK_EQ(kit_read32(V + k * PG + 0x10), KIT_FAULTED);
        CHECK_EQ(kit_pcb.addr, V + k * PG + 0x10);
        CHECK_EQ(kit_pcb.access, SPACE_FAULT_READ);
        CHECK_EQ(space_mapping(0, V + k * PG, 0), 0);
    }
    CHECK_EQ(space_refdirty(0, V + 0x3000, 0), SPACE_ERR_ARG);
    CHECK_EQ(space_map_memory(0, V, 0, K64(0)), SPACE_OK); /* nothing there: no error */
    CHECK_EQ(space_map_memory(0, V + 0x2000, f, RW0), SPACE_OK);
    CHECK_EQ(space_mapping(0, V + 0x2000, 0), RW0);
    CHECK_EQ(space_map_memory(0, V + 0x2000, 0, 0), SPACE_OK);
}

/* User code storing into each of the 16 pages at UV + 0x800 + 4 KiB * k,
 * from the first page, which it runs from:
 *     mov $UV, %eax; 1: mov %eax, 0x800(%eax); add $0x1000, %eax;
 *     cmp $UV+0x10000, %eax; jne 1b; mov $16, %ebx; int $KIT_TRAP_EXIT */
static const uint8_t user_code[] = {
    0xb8, 0x00, 0x00, 0x00, 0x60, 0x89, 0x80, 0x00, 0x08, 0x00,
    0x00, 0x05, 0x00, 0x10, 0x00, 0x00, 0x3d, 0x00, 0x00, 0x01,
    0x60, 0x75, 0xee, 0xbb, 0x10, 0x00, 0x00, 0x00, 0xcd, KIT_TRAP_EXIT,
};

/* CONTEXT ctx maps nothing but UV: one 64 KiB page, or 16 of 4 KiB. */
static void user_run(uint32_t ctx, uint32_t p, int as_64k)
{
    uint32_t user = SPACE_ACCESS(3, SPACE_RWX);
    kit_portals_std(ctx);
    if (as_64k)
        CHECK_EQ(space_map_memory(ctx, UV, p, K64(user)), SPACE_OK);
    else
        for (uint32_t k = 0; k < 16; k++)
            CHECK_EQ(space_map_memory(ctx, UV + k * PG, p + k * PG, user), SPACE_OK);
    struct space_pcb pcb = kit_pcb_for(ctx, 3, UV, UV + P64);
    CHECK_EQ(kit_start(&pcb), 16);
    for (uint32_t k = 0; k < 16; k++)
        CHECK_EQ(phys_word(p + k * PG + 0x800), UV + k * PG);
    CHECK_EQ(space_refdirty(ctx, UV + 0x6000, 0), REF | DRT);
    CHECK_EQ(space_refdirty(ctx, UV + 0x6000, REF | DRT), REF | DRT);
    CHECK_EQ(space_refdirty(ctx, UV + 0x7000, 0), as_64k ? 0 : REF | DRT);
}

/* Many remaps between two 64 KiB pages of frames, a store into a
 * different 4 KiB each time: the bits start afresh with each new frame
 * and follow the store from anywhere; every frame keeps what was stored
 * through the page. (Also long enough for snapshot.pages64 to take its
 * snapshots among them.) */
static void churn(uint32_t p, uint32_t p2)
{
    for (uint32_t i = 0; i < 192; i++) {
        uint32_t base = i & 1 ? p2 : p, k = i % 16, at = V + k * PG + 0x40 + 4 * (i / 16);
        CHECK_EQ(space_map_memory(0, V, base, K64(RW0)), SPACE_OK);
        CHECK_EQ(bits(V + ((i + 5) % 16) * PG), 0);
        wr(at, i);
        CHECK_EQ(bits(V + ((i + 9) % 16) * PG), REF | DRT);
        if (i % 4 == 3)
            CHECK_EQ(space_map_memory(0, V, 0, K64(0)), SPACE_OK);
    }
    CHECK_EQ(space_map_memory(0, V, 0, K64(0)), SPACE_OK);
    for (uint32_t i = 0; i < 192; i++) {
        uint32_t base = i & 1 ? p2 : p, k = i % 16;
        CHECK_EQ(phys_word(base + k * PG + 0x40 + 4 * (i / 16)), i);
    }
}

void kmain(const struct space_bootinfo *boot)
{
    kit_init(boot);
    kit_portals_std(0);
    /* 64 KiB-aligned frames well above the image, zero since power-on */
    uint32_t p = (boot->ram_size / 2) & ~(P64 - 1), p2 = p + P64, pu = p2 + P64;
    CHECK(boot->ram_size >= pu + 2 * P64);
    uint32_t f = kit_frame();
    argument_errors(boot, p);
    sixteen_frames(p);
    one_pair_of_bits(p);
    permissions_and_faults(p, p2);
    no_mixing(p, f);
    unmapping(f);
    for (uint32_t base = pu; base <= pu + P64; base += P64) {
        CHECK_EQ(space_map_memory(0, V, base, K64(RW0)), SPACE_OK);
        for (uint32_t i = 0; i < sizeof user_code; i++)
            ((uint8_t *)V)[i] = user_code[i];
        CHECK_EQ(space_map_memory(0, V, 0, K64(0)), SPACE_OK);
    }
    user_run(2, pu, 1);
    user_run(3, pu + P64, 0);
    churn(p, p2);
    out_str("pages64 passed\n");
}
