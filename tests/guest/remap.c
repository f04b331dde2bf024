/* remap: changing the code behind a virtual address.
 *  - X -> frame A (returns 1), call; X -> B (returns 2), call; back to A;
 *  - A's code rewritten through another mapping (its identity mapping),
 *    then through X itself (mapped RWX); call sees the new code each time;
 *  - an instruction rewriting the very next instruction (x86 SMC);
 *  - the same X in CONTEXT 1 maps B while CONTEXT 0 maps A: alternate;
 *  - X without execute permission, then with it; X unmapped.
 * Each call is made many times so the code is translated and hot first. */
#include "kit.h"

#define X 0x30000000u

/* mov $imm32, %eax; ret */
static void put_ret(uint32_t frame, uint32_t off, uint32_t v)
{
    volatile uint8_t *p = (volatile uint8_t *)(frame + off);
    p[0] = 0xb8;
    p[1] = (uint8_t)v;
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)(v >> 16);
    p[4] = (uint8_t)(v >> 24);
    p[5] = 0xc3;
}

static uint32_t call_many(uint32_t addr)
{
    uint32_t first = kit_exec(addr);
    for (int i = 0; i < 50; i++)
        if (kit_exec(addr) != first)
            return 0xbadbad;
    return first;
}

/* movb $7, X+0x108 (the immediate of the next instruction); mov $6, %eax; ret */
static const uint8_t smc[] = {0xc6, 0x05, 0x08, 0x01, 0x00, 0x30, 0x07,
                              0xb8, 0x06, 0x00, 0x00, 0x00, 0xc3};

void kmain(const struct space_bootinfo *boot)
{
    kit_init(boot);
    kit_portals_std(0);
    kit_portals_std(1);
    kit_map_image(1, SPACE_ACCESS(0, SPACE_RWX));
    uint32_t a = kit_frame(), b = kit_frame();
    put_ret(a, 0, 1);
    put_ret(b, 0, 2);
    uint32_t rx = SPACE_ACCESS(0, SPACE_RX);

    CHECK_EQ(space_map_memory(0, X, a, rx), SPACE_OK);
    CHECK_EQ(call_many(X), 1);
    CHECK_EQ(space_map_memory(0, X, b, rx), SPACE_OK);
    CHECK_EQ(call_many(X), 2);
    CHECK_EQ(space_map_memory(0, X, a, rx), SPACE_OK);
    CHECK_EQ(call_many(X), 1);
    out_str("remap ok\n");

    /* rewrite A through its identity mapping, while X maps it */
    put_ret(a, 0, 3);
    CHECK_EQ(call_many(X), 3);
    /* ... and while X maps B: then back */
    CHECK_EQ(space_map_memory(0, X, b, rx), SPACE_OK);
    CHECK_EQ(call_many(X), 2);
    put_ret(a, 0, 33);
    CHECK_EQ(space_map_memory(0, X, a, rx), SPACE_OK);
    CHECK_EQ(call_many(X), 33);
    /* through X itself */
    CHECK_EQ(space_map_memory(0, X, a, SPACE_ACCESS(0, SPACE_RWX)), SPACE_OK);
    put_ret(X, 0, 4);
    CHECK_EQ(call_many(X), 4);
    CHECK_EQ(*(volatile uint8_t *)(a + 1), 4);
    out_str("rewrite ok\n");

    /* an instruction that rewrites the next one */
    for (unsigned i = 0; i < sizeof smc; i++)
        *(volatile uint8_t *)(a + 0x100 + i) = smc[i];
    uint32_t before = kit_ntraps;
    uint32_t r = kit_exec(X + 0x100);
    if (kit_ntraps != before)
        kit_out_pcb("self-modifying code trapped", &kit_pcb);
    CHECK_EQ(r, 7);
    *(volatile uint8_t *)(a + 0x108) = 6;
    CHECK_EQ(kit_exec(X + 0x100), 7);
    out_str("self-modifying ok\n");

    /* the same address, different contexts (fresh frames: rewriting code
     * through an alias is smc_alias's subject) */
    uint32_t c = kit_frame(), d = kit_frame();
    put_ret(c, 0, 11);
    put_ret(d, 0, 12);
    CHECK_EQ(space_map_memory(0, X, c, rx), SPACE_OK);
    CHECK_EQ(space_map_memory(1, X, d, rx), SPACE_OK);
    for (int i = 0; i < 5; i++) {
        CHECK_EQ(call_many(X), 11);
        CHECK_EQ(kit_call(1, 0, call_many, X, 0), 12);
    }
    out_str("contexts ok\n");

    /* permission and presence */
    before = kit_ntraps;
    CHECK_EQ(space_map_memory(0, X, c, SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
    CHECK_EQ(kit_exec(X), KIT_FAULTED);
    CHECK_EQ(kit_ntraps, before + 1);
    CHECK_EQ(kit_pcb.pc, X);
    CHECK_EQ(kit_pcb.addr, X);
    CHECK_EQ(kit_pcb.access, SPACE_FAULT_EXECUTE | SPACE_FAULT_PROTECTION);
    CHECK_EQ(space_map_memory(0, X, c, rx), SPACE_OK);
    CHECK_EQ(call_many(X), 11);
    CHECK_EQ(space_map_memory(0, X, 0, 0), SPACE_OK);
    CHECK_EQ(kit_exec(X), KIT_FAULTED);
    CHECK_EQ(kit_ntraps, before + 2);
    CHECK_EQ(kit_pcb.access, SPACE_FAULT_EXECUTE);
    CHECK_EQ(kit_pcb.addr, X);
    CHECK_EQ(space_map_memory(0, X, d, rx), SPACE_OK);
    CHECK_EQ(call_many(X), 12);

    /* remapping the page that is running: the instruction after the
     * int $0xff comes from the new frame */
    uint32_t e = kit_frame(), g = kit_frame();
    static const uint8_t head[] = {
        0x53, 0x56,                   /* push %ebx; push %esi */
        0xb8, 0x01, 0x00, 0x00, 0x00, /* mov $1, %eax (MAP_MEMORY) */
        0xbb, 0x00, 0x00, 0x00, 0x00, /* mov $0, %ebx (ctx) */
        0xb9, 0x00, 0x00, 0x00, 0x30, /* mov $X, %ecx */
        0xba, 0,    0,    0,    0,    /* mov $g, %edx (patched) */
        0xbe, 0x05, 0x00, 0x00, 0x00, /* mov $RX, %esi */
        0xcd, 0xff,                   /* int $0xff */
    };
    static const uint8_t tail_e[] = {0xb8, 0xaa, 0xaa, 0x00, 0x00, 0x5e, 0x5b, 0xc3};
    static const uint8_t tail_g[] = {0xb8, 0xbb, 0xbb, 0x00, 0x00, 0x5e, 0x5b, 0xc3};
    for (unsigned i = 0; i < sizeof head; i++)
        ((volatile uint8_t *)e)[i] = head[i];
    *(volatile uint32_t *)(e + 18) = g;
    for (unsigned i = 0; i < sizeof tail_e; i++) {
        ((volatile uint8_t *)e)[sizeof head + i] = tail_e[i];
        ((volatile uint8_t *)g)[sizeof head + i] = tail_g[i];
    }
    CHECK_EQ(space_map_memory(0, X, e, rx), SPACE_OK);
    CHECK_EQ(kit_exec(X), 0xbbbb);
    uint32_t pa;
    CHECK_EQ(space_mapping(0, X, &pa), rx);
    CHECK_EQ(pa, g);
    out_str("remapping the running page ok\n");
    out_str("remap passed\n");
}
