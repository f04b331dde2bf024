/* nested: a fault inside a fault handler chains another PCB.
 *
 * The user (CONTEXT 1 MODE 3) loads from unmapped U. Its fault portal
 * enters handler L1 in CONTEXT 3 MODE 0, which stores to unmapped K1 (in
 * CONTEXT 3): that fault enters L2 in CONTEXT 4, which stores to unmapped
 * K2: that enters L3 in CONTEXT 0. L3 checks the chain is exactly three
 * PCBs deep and what each holds (popping them and pushing them back),
 * then maps K2 and resumes; L2's store completes, it maps K1 and resumes;
 * L1's store completes, it maps U and resumes; the user's load completes
 * with the value L1 prepared. */
#include "kit.h"

#define U  0x60000000u
#define K1 0x70000000u
#define K2 0x71000000u

extern void l1_entry(void), l2_entry(void), l3_entry(void);
extern void touch(uint32_t addr, uint32_t v);
extern char touch_at[], l1_stack[], l2_stack[];

static uint32_t fu, fk1, fk2;
static volatile uint32_t order[8], norder;
static struct space_pcb seen1, seen2, chain[3];

static int same(const struct space_pcb *a, const struct space_pcb *b)
{
    const uint32_t *x = (const uint32_t *)a, *y = (const uint32_t *)b;
    for (unsigned i = 0; i < sizeof *a / 4; i++)
        if (x[i] != y[i])
            return 0;
    return 1;
}

void l1_c(void)
{
    order[norder++] = 1;
    CHECK_EQ(space_pcb_read(&seen1), SPACE_OK);
    touch(K1 + 8, 0x1111); /* faults: L2 */
    order[norder++] = 11;
    CHECK_EQ(*(volatile uint32_t *)(K1 + 8), 0x1111);
    CHECK_EQ(space_map_memory(1, U, fu, SPACE_ACCESS(3, SPACE_R)), SPACE_OK);
    space_resume();
    space_halt(1);
}

void l2_c(void)
{
    order[norder++] = 2;
    CHECK_EQ(space_pcb_read(&seen2), SPACE_OK);
    touch(K2 + 12, 0x2222); /* faults: L3 */
    order[norder++] = 12;
    CHECK_EQ(*(volatile uint32_t *)(K2 + 12), 0x2222);
    CHECK_EQ(space_map_memory(3, K1, fk1, SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
    space_resume();
    space_halt(1);
}

void l3_c(void)
{
    order[norder++] = 3;
    /* newest first: L2's fault, L1's fault, the user's fault */
    for (int i = 2; i >= 0; i--) {
        CHECK_EQ(space_pcb_read(&chain[i]), SPACE_OK);
        CHECK_EQ(space_pcb_pop(), SPACE_OK);
    }
    CHECK_EQ(space_pcb_pop(), SPACE_ERR_EMPTY);
    struct space_pcb tmp;
    CHECK_EQ(space_pcb_read(&tmp), SPACE_ERR_EMPTY);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(space_pcb_push(&chain[i]), SPACE_OK);
    CHECK_EQ(space_map_memory(4, K2, fk2, SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
    space_resume();
    space_halt(1);
}

static uint32_t user(uint32_t a)
{
    return *(volatile uint32_t *)a;
}

void kmain(const struct space_bootinfo *boot)
{
    kit_init(boot);
    fu = kit_frame();
    fk1 = kit_frame();
    fk2 = kit_frame();
    *(volatile uint32_t *)(fu + 0x44) = 0xc0ffee;
    uint32_t m0 = SPACE_ACCESS(0, SPACE_RWX);
    kit_map_image(1, SPACE_ACCESS(3, SPACE_RWX));
    kit_map_image(3, m0);
    kit_map_image(4, m0);
    kit_portals_std(1);
    CHECK_EQ(space_map_portal(1, 14, 3, 0, (uint32_t)l1_entry, 0), SPACE_OK);
    CHECK_EQ(space_map_portal(3, 14, 4, 0, (uint32_t)l2_entry, 0), SPACE_OK);
    CHECK_EQ(space_map_portal(4, 14, 0, 0, (uint32_t)l3_entry, 0), SPACE_OK);

    struct space_pcb p = kit_pcb_for(1, 3, (uint32_t)kit_user_tramp, kit_stack_top(0));
    p.eax = (uint32_t)user;
    p.ebx = U + 0x44;
    p.ie = 1;
    CHECK_EQ(kit_start(&p), 0xc0ffee);

    CHECK_EQ(norder, 5);
    CHECK_EQ(order[0], 1);
    CHECK_EQ(order[1], 2);
    CHECK_EQ(order[2], 3);
    CHECK_EQ(order[3], 12);
    CHECK_EQ(order[4], 11);
    /* the user's fault */
    CHECK_EQ(chain[0].trap, 14);
    CHECK_EQ(chain[0].ctx, 1);
    CHECK_EQ(chain[0].mode, 3);
    CHECK_EQ(chain[0].addr, U + 0x44);
    CHECK_EQ(chain[0].access, SPACE_FAULT_READ);
    CHECK_EQ(chain[0].ie, 1);
    CHECK_EQ(chain[0].ebx, U + 0x44);
    CHECK(same(&chain[0], &seen1));
    /* L1's fault */
    CHECK_EQ(chain[1].trap, 14);
    CHECK_EQ(chain[1].ctx, 3);
    CHECK_EQ(chain[1].mode, 0);
    CHECK_EQ(chain[1].pc, (uint32_t)touch_at);
    CHECK_EQ(chain[1].addr, K1 + 8);
    CHECK_EQ(chain[1].access, SPACE_FAULT_WRITE);
    CHECK_EQ(chain[1].ie, 0);
    CHECK(chain[1].esp > (uint32_t)l1_stack && chain[1].esp < (uint32_t)l1_stack + 8192);
    CHECK(same(&chain[1], &seen2));
    /* L2's fault */
    CHECK_EQ(chain[2].ctx, 4);
    CHECK_EQ(chain[2].pc, (uint32_t)touch_at);
    CHECK_EQ(chain[2].addr, K2 + 12);
    CHECK_EQ(chain[2].access, SPACE_FAULT_WRITE);
    CHECK(chain[2].esp > (uint32_t)l2_stack && chain[2].esp < (uint32_t)l2_stack + 8192);
    CHECK_EQ(chain[2].edx, 0x2222);
    /* everything resumed: the chain is empty again */
    struct space_pcb tmp;
    CHECK_EQ(space_pcb_read(&tmp), SPACE_ERR_EMPTY);
    CHECK_EQ(*(volatile uint32_t *)(fk1 + 8), 0x1111);
    CHECK_EQ(*(volatile uint32_t *)(fk2 + 12), 0x2222);
    out_str("nested passed\n");
}
