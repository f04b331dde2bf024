/* privileged: PRIVILEGED and NO_PORTAL routing.
 *  - every operation (and an unknown one) from MODEs 1..3 traps PRIVILEGED
 *    with pc = the int $0xff and addr = the operation number;
 *  - int n whose portal does not allow the MODE becomes PRIVILEGED with
 *    addr = n, cause = n, pc = after the int; allowed MODEs traverse;
 *  - faults ignore a portal's modeaccess (they are not deliberate);
 *  - without a PRIVILEGED portal these go to NO_PORTAL (cause = the
 *    original trap), as do exceptions and int n with no portal; the fault
 *    details survive the rerouting;
 *  - a removed portal is gone;
 *  - a portal may lead into a MODE other than 0: int $0x42 from MODE 3 lands
 *    in CONTEXT 1 MODE 2, which int $0x43's to the kernel: a chain of two. */
#include "kit.h"

extern uint32_t tc_int_41(void), tc_int_42(void), tc_int_fe(void), tc_ud2(void);
extern uint32_t tc_op(uint32_t op), tc_load(uint32_t addr);
extern char tc_int_41_end[], tc_int_42_end[], tc_int_fe_end[], tc_ud2_at[], tc_op_at[],
    tc_load_at[];
extern void mode2_handler(void);
extern char mode2_handler_after[];

static uint32_t arg_fn;
static uint32_t run0(uint32_t unused)
{
    (void)unused;
    return ((uint32_t(*)(void))arg_fn)();
}
static uint32_t run1(uint32_t a)
{
    return ((uint32_t(*)(uint32_t))arg_fn)(a);
}

/* fn() in ctx/mode (ctx 0 mode 0: called directly) */
static uint32_t in(uint32_t ctx, uint32_t mode, uint32_t (*fn)(void))
{
    arg_fn = (uint32_t)fn;
    return ctx == 0 && mode == 0 ? fn() : kit_call(ctx, mode, run0, 0, 0);
}
static uint32_t in1(uint32_t ctx, uint32_t mode, uint32_t (*fn)(uint32_t), uint32_t a)
{
    arg_fn = (uint32_t)fn;
    return kit_call(ctx, mode, run1, a, 0);
}

static void expect(uint32_t before, uint32_t trap, uint32_t cause, uint32_t pc, uint32_t addr,
                   uint32_t ctx, uint32_t mode)
{
    if (kit_ntraps != before + 1 || kit_pcb.trap != trap || kit_pcb.cause != cause ||
        kit_pcb.pc != pc || kit_pcb.addr != addr || kit_pcb.ctx != ctx || kit_pcb.mode != mode) {
        out_str("FAIL: want trap ");
        out_dec(trap);
        out_str(" cause ");
        out_dec(cause);
        out_str(" pc ");
        out_hex(pc);
        out_str(" addr ");
        out_hex(addr);
        out_str(" ctx ");
        out_dec(ctx);
        out_str(" mode ");
        out_dec(mode);
        out_str(", traps ");
        out_dec(kit_ntraps - before);
        out_str("\n");
        kit_out_pcb("  got", &kit_pcb);
        space_halt(1);
    }
}

static int chain_hook(struct space_pcb *p)
{
    if (p->trap != 0x43)
        return KIT_DEFAULT;
    /* top: the MODE 2 handler's int $0x43 */
    CHECK_EQ(p->ctx, 1);
    CHECK_EQ(p->mode, 2);
    CHECK_EQ(p->pc, (uint32_t)mode2_handler_after);
    CHECK_EQ(p->eax, 0x4242); /* registers pass through both traversals */
    CHECK_EQ(p->ie, 0);       /* the first traversal disabled interrupts */
    CHECK_EQ(space_pcb_pop(), SPACE_OK);
    struct space_pcb first;
    CHECK_EQ(space_pcb_read(&first), SPACE_OK);
    CHECK_EQ(first.trap, 0x42);
    CHECK_EQ(first.cause, 0x42);
    CHECK_EQ(first.ctx, 1);
    CHECK_EQ(first.mode, 3);
    CHECK_EQ(first.ie, 1);
    CHECK_EQ(first.pc, (uint32_t)tc_int_42_end);
    CHECK_EQ(space_pcb_pop(), SPACE_OK);
    CHECK_EQ(space_pcb_pop(), SPACE_ERR_EMPTY); /* the chain was two deep */
    CHECK_EQ(space_pcb_push(&first), SPACE_OK);
    *p = first;
    p->eax = 0x600d;
    return KIT_RESUME;
}

void kmain(const struct space_bootinfo *boot)
{
    kit_init(boot);
    kit_emulate_ops = 0;
    uint32_t all = SPACE_ACCESS(0, SPACE_RWX) | SPACE_ACCESS(1, SPACE_RWX) |
                   SPACE_ACCESS(2, SPACE_RWX) | SPACE_ACCESS(3, SPACE_RWX);
    kit_portals_std(0);
    for (uint32_t c = 1; c <= 2; c++)
        kit_map_image(c, all);
    kit_portals_std(1);
    /* int $0x41: MODEs 0 and 1 only */
    CHECK_EQ(space_map_portal(1, 0x41, 0, 0, (uint32_t)kit_trap_entry,
                              SPACE_PORTAL_FROM(0) | SPACE_PORTAL_FROM(1)),
             SPACE_OK);
    /* ctx 2: only NO_PORTAL, the kit exit, and int $0x41 for MODE 0 */
    kit_portal(2, SPACE_TRAP_NO_PORTAL);
    kit_portal(2, KIT_TRAP_EXIT);
    CHECK_EQ(space_map_portal(2, 0x41, 0, 0, (uint32_t)kit_trap_entry, SPACE_PORTAL_FROM(0)),
             SPACE_OK);

    /* operations outside MODE 0 */
    static const uint32_t ops[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0, 15, 99};
    for (uint32_t mode = 1; mode < 4; mode++) {
        for (unsigned i = 0; i < sizeof ops / 4; i++) {
            uint32_t before = kit_ntraps;
            CHECK_EQ(in1(1, mode, tc_op, ops[i]), KIT_FAULTED);
            expect(before, SPACE_TRAP_PRIVILEGED, SPACE_TRAP_PRIVILEGED, (uint32_t)tc_op_at, ops[i],
                   1, mode);
            CHECK_EQ(kit_pcb.eax, ops[i]);
            before = kit_ntraps;
            CHECK_EQ(in1(2, mode, tc_op, ops[i]), KIT_FAULTED);
            expect(before, SPACE_TRAP_NO_PORTAL, SPACE_TRAP_PRIVILEGED, (uint32_t)tc_op_at, ops[i],
                   2, mode);
        }
    }
    out_str("operations outside MODE 0 ok\n");

    /* int $0x41 from each MODE */
    for (uint32_t mode = 0; mode < 4; mode++) {
        uint32_t before = kit_ntraps;
        CHECK_EQ(in(1, mode, tc_int_41), KIT_FAULTED);
        if (mode <= 1)
            expect(before, 0x41, 0x41, (uint32_t)tc_int_41_end, 0, 1, mode);
        else
            expect(before, SPACE_TRAP_PRIVILEGED, 0x41, (uint32_t)tc_int_41_end, 0x41, 1, mode);
        before = kit_ntraps;
        CHECK_EQ(in(2, mode, tc_int_41), KIT_FAULTED);
        if (mode == 0)
            expect(before, 0x41, 0x41, (uint32_t)tc_int_41_end, 0, 2, mode);
        else
            expect(before, SPACE_TRAP_NO_PORTAL, 0x41, (uint32_t)tc_int_41_end, 0x41, 2, mode);
    }
    /* a portal only MODE 3 may use refuses MODE 0 too */
    CHECK_EQ(space_map_portal(0, 0x41, 0, 0, (uint32_t)kit_trap_entry, SPACE_PORTAL_FROM(3)),
             SPACE_OK);
    uint32_t before = kit_ntraps;
    CHECK_EQ(tc_int_41(), KIT_FAULTED);
    expect(before, SPACE_TRAP_PRIVILEGED, 0x41, (uint32_t)tc_int_41_end, 0x41, 0, 0);
    /* removing it: NO_PORTAL */
    CHECK_EQ(space_map_portal(0, 0x41, 0, 0, 0, 0), SPACE_OK);
    before = kit_ntraps;
    CHECK_EQ(tc_int_41(), KIT_FAULTED);
    expect(before, SPACE_TRAP_NO_PORTAL, 0x41, (uint32_t)tc_int_41_end, 0, 0, 0);
    out_str("int n modeaccess ok\n");

    /* faults ignore modeaccess: a portal for trap 6 no MODE may "use" */
    CHECK_EQ(space_map_portal(1, 6, 0, 0, (uint32_t)kit_trap_entry, 0), SPACE_OK);
    before = kit_ntraps;
    CHECK_EQ(in(1, 3, tc_ud2), KIT_FAULTED);
    expect(before, 6, 6, (uint32_t)tc_ud2_at, 0, 1, 3);

    /* exceptions and faults with no portal: NO_PORTAL keeps the details */
    before = kit_ntraps;
    CHECK_EQ(in(2, 3, tc_ud2), KIT_FAULTED);
    expect(before, SPACE_TRAP_NO_PORTAL, 6, (uint32_t)tc_ud2_at, 0, 2, 3);
    before = kit_ntraps;
    CHECK_EQ(in1(2, 3, tc_load, 0x7000abcd), KIT_FAULTED);
    expect(before, SPACE_TRAP_NO_PORTAL, 14, (uint32_t)tc_load_at, 0x7000abcd, 2, 3);
    CHECK_EQ(kit_pcb.access, SPACE_FAULT_READ);
    before = kit_ntraps;
    CHECK_EQ(in(2, 1, tc_int_fe), KIT_FAULTED);
    expect(before, SPACE_TRAP_NO_PORTAL, 0xfe, (uint32_t)tc_int_fe_end, 0, 2, 1);
    out_str("no portal ok\n");

    /* int $0x42 from MODE 3 -> CONTEXT 1 MODE 2 -> int $0x43 -> kernel */
    CHECK_EQ(space_map_portal(1, 0x42, 1, 2, (uint32_t)mode2_handler, SPACE_PORTAL_FROM(3)),
             SPACE_OK);
    kit_portal(1, 0x43);
    kit_hook = chain_hook;
    struct space_pcb p = kit_pcb_for(1, 3, (uint32_t)kit_user_tramp, kit_stack_top(0));
    p.eax = (uint32_t)tc_int_42;
    p.ie = 1;
    before = kit_ntraps;
    CHECK_EQ(kit_start(&p), 0); /* resumed after int $0x42, not recovered */
    CHECK_EQ(kit_ntraps, before + 1);
    out_str("portal into MODE 2 ok\n");
    out_str("privileged passed\n");
}
