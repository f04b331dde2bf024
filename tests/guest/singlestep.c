/* singlestep: EFLAGS.TF in a PCB single-steps the resumed code. Each
 * completed instruction raises DEBUG with pc = the next instruction; an
 * instruction that traps itself (int $0x40, ud2) reports that trap
 * instead; the handler runs without TF; Resume keeps stepping until the
 * kernel clears TF in the PCB; pushf sees the guest's own TF.
 * Part 2: the simulator's own single-stepping (used to find the precise
 * instruction of a fetch fault) is invisible: pushf in the code it steps
 * pushes no TF. */
#include "kit.h"

extern char ss_code[], ss_1[], ss_2[], ss_3[], ss_4[], ss_5[], ss_6[], ss_7[], ss_8[], ss_9[];

struct ev {
    uint32_t trap, pc, tf;
};
static struct ev log[32];
static unsigned nlog;

static int handler(struct space_pcb *p)
{
    uint32_t fl;
    __asm__ volatile("pushf\n\tpop %0" : "=r"(fl));
    CHECK_EQ(fl & 0x100, 0); /* the handler is not stepped */
    if (nlog < 32)
        log[nlog] = (struct ev){p->trap, p->pc, p->eflags & 0x100};
    nlog++;
    if (p->trap == SPACE_TRAP_INVALID_OPCODE)
        p->pc += 2;
    if (p->trap == SPACE_TRAP_DEBUG && p->pc == (uint32_t)ss_9)
        p->eflags &= ~0x100u;
    if (p->trap == SPACE_TRAP_MEMORY_FAULT) {
        uint32_t f = kit_frame();
        static const uint8_t tail[] = {0xcd, 0xf0}; /* int $0xf0 (EBX = the pushed flags) */
        ((uint8_t *)f)[0] = tail[0];
        ((uint8_t *)f)[1] = tail[1];
        CHECK_EQ(space_map_memory(p->ctx, p->addr, f, SPACE_ACCESS(p->mode, SPACE_RX)), SPACE_OK);
    }
    return KIT_RESUME;
}

static void expect(unsigned i, uint32_t trap, const char *pc)
{
    if (i >= nlog || log[i].trap != trap || log[i].pc != (uint32_t)pc || !log[i].tf) {
        out_str("FAIL event ");
        out_dec(i);
        out_str(": want trap ");
        out_dec(trap);
        out_str(" pc ");
        out_hex((uint32_t)pc);
        if (i < nlog) {
            out_str(", got trap ");
            out_dec(log[i].trap);
            out_str(" pc ");
            out_hex(log[i].pc);
            out_str(" tf ");
            out_hex(log[i].tf);
        }
        out_str("\n");
        space_halt(1);
    }
}

void kmain(const struct space_bootinfo *boot)
{
    kit_init(boot);
    kit_portals_std(0);
    kit_portals_std(1);
    kit_portal(1, 0x40);
    kit_map_image(1, SPACE_ACCESS(3, SPACE_RWX));
    kit_hook = handler;

    struct space_pcb p = kit_pcb_for(1, 3, (uint32_t)ss_code, kit_stack_top(0));
    p.eflags = 0x102;
    uint32_t pushed = kit_start(&p);
    CHECK_EQ(pushed & 0x100, 0x100); /* pushf saw the guest's TF */
    expect(0, 1, ss_1);
    expect(1, 1, ss_2);
    expect(2, 1, ss_3);
    expect(3, 0x40, ss_4);
    expect(4, 1, ss_5);
    expect(5, 1, ss_6);
    expect(6, 1, ss_7);
    expect(7, 6, ss_7);
    expect(8, 1, ss_9);
    CHECK_EQ(nlog, 9);
    out_str("single-step ok\n");

    /* part 2: pushf; pop %ebx; 6 x inc %eax at the end of a page whose next
     * page is unmapped, in CONTEXT 0 MODE 0 and CONTEXT 1 MODE 3 */
    static const uint8_t code[] = {0x9c, 0x5b, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40};
    for (uint32_t c = 0; c <= 1; c++) {
        uint32_t mode = c ? 3 : 0, f = kit_frame();
        for (unsigned i = 0; i < sizeof code; i++)
            ((uint8_t *)f)[4096 - sizeof code + i] = code[i];
        CHECK_EQ(space_map_memory(c, 0x40000000, f, SPACE_ACCESS(mode, SPACE_RX)), SPACE_OK);
        nlog = 0;
        p = kit_pcb_for(c, mode, 0x40001000 - sizeof code, kit_stack_top(1));
        if (c == 0)
            kit_map_range(0, kit_stack_top(1) - 4096, kit_stack_top(1) - 4096, 4096,
                          SPACE_ACCESS(0, SPACE_RW));
        pushed = kit_start(&p);
        CHECK_EQ(nlog, 1);
        CHECK_EQ(log[0].trap, SPACE_TRAP_MEMORY_FAULT);
        CHECK_EQ(log[0].pc, 0x40001000);
        CHECK_EQ(pushed & 0x100, 0);
    }
    out_str("internal stepping invisible ok\n");
    out_str("singlestep passed\n");
}
