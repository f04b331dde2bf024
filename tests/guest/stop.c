/* stop: traps the machine cannot deliver. --cmdline selects the scenario;
 * each ends in a machine stop (exit 125) whose stderr report the test
 * checks. Code under test sits at fixed virtual addresses so the report's
 * pc is known:
 *   ud2        ud2 at 0x40000000 in CONTEXT 0 MODE 0, no portals at all
 *   user       CONTEXT 5 MODE 2 stores to unmapped 0x50000010 (code at
 *              0x40000000); one unrelated PCB is on the chain
 *   protect    CONTEXT 0 MODE 3 reads 0x50000000, mapped for MODE 0 only
 *   exec       CONTEXT 0 MODE 0 jumps to unmapped 0x60000000
 *   overflow   trap 6's portal leads to the ud2 itself: the chain overflows
 *   noportal   only a NO_PORTAL portal whose target faults again (unmapped
 *              pc 0x70000000): NO_PORTAL of NO_PORTAL... until overflow */
#include "kit.h"

static const uint8_t ud2[] = {0x0f, 0x0b};
static const uint8_t store[] = {0xc7, 0x05, 0x10, 0x00, 0x00,
                                0x50, 0x34, 0x12, 0x00, 0x00}; /* movl $0x1234, 0x50000010 */
static const uint8_t load[] = {0xa1, 0x00, 0x00, 0x00, 0x50};  /* mov 0x50000000, %eax */

static int is(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static void code_at(uint32_t ctx, uint32_t vaddr, const uint8_t *code, unsigned n,
                    uint32_t modeaccess)
{
    uint32_t f = kit_frame();
    for (unsigned i = 0; i < n; i++)
        ((uint8_t *)f)[i] = code[i];
    CHECK_EQ(space_map_memory(ctx, vaddr, f, modeaccess), SPACE_OK);
}

static void go(uint32_t ctx, uint32_t mode, uint32_t pc)
{
    struct space_pcb p = kit_pcb_for(ctx, mode, pc, 0x7ffff000);
    CHECK_EQ(space_pcb_push(&p), SPACE_OK);
    space_resume();
    out_str("resume failed\n");
    space_halt(1);
}

void kmain(const struct space_bootinfo *boot)
{
    kit_init(boot);
    const char *s = boot->cmdline;
    if (is(s, "ud2")) {
        code_at(0, 0x40000000, ud2, sizeof ud2, SPACE_ACCESS(0, SPACE_RX));
        go(0, 0, 0x40000000);
    } else if (is(s, "user")) {
        code_at(5, 0x40000000, store, sizeof store, SPACE_ACCESS(2, SPACE_RX));
        struct space_pcb other = kit_pcb_for(9, 1, 0x12345678, 0x9abcdef0);
        other.trap = other.cause = 64;
        CHECK_EQ(space_pcb_push(&other), SPACE_OK);
        go(5, 2, 0x40000000);
    } else if (is(s, "protect")) {
        code_at(0, 0x40000000, load, sizeof load, SPACE_ACCESS(3, SPACE_RX));
        code_at(0, 0x50000000, ud2, sizeof ud2, SPACE_ACCESS(0, SPACE_RW));
        go(0, 3, 0x40000000);
    } else if (is(s, "exec")) {
        go(0, 0, 0x60000000);
    } else if (is(s, "overflow")) {
        code_at(0, 0x40000000, ud2, sizeof ud2, SPACE_ACCESS(0, SPACE_RX));
        CHECK_EQ(space_map_portal(0, 6, 0, 0, 0x40000000, 0), SPACE_OK);
        go(0, 0, 0x40000000);
    } else if (is(s, "noportal")) {
        CHECK_EQ(space_map_portal(0, SPACE_TRAP_NO_PORTAL, 0, 0, 0x70000000, 0), SPACE_OK);
        __asm__ volatile("ud2");
    }
    out_str("unknown scenario\n");
    space_halt(1);
}
