/* sysenter / syscall (selected by --cmdline): x86 system-call instructions
 * are x86 system instructions, so each must trap as ILLEGAL with pc = the
 * instruction, in every MODE, and must not transfer control anywhere. */
#include "kit.h"

extern uint32_t tc_sysenter(void), tc_syscall(void);
extern char tc_sysenter_at[], tc_syscall_at[];

static uint32_t (*fn)(void);

static uint32_t run(uint32_t unused)
{
    (void)unused;
    return fn();
}

static int on_trap(struct space_pcb *p)
{
    if (p->trap != SPACE_TRAP_ILLEGAL) {
        kit_out_pcb("FAIL: unexpected trap after the instruction", p);
        space_halt(1);
    }
    return KIT_DEFAULT;
}

void kmain(const struct space_bootinfo *boot)
{
    kit_init(boot);
    kit_emulate_ops = 0;
    kit_portals_std(0);
    kit_portals_std(1);
    kit_map_image(1, SPACE_ACCESS(3, SPACE_RWX));
    int sys = boot->cmdline[0] == 's' && boot->cmdline[3] == 'c'; /* "syscall" */
    fn = sys ? tc_syscall : tc_sysenter;
    const char *at = sys ? tc_syscall_at : tc_sysenter_at;
    kit_hook = on_trap;
    for (uint32_t mode = 0; mode < 4; mode += 3) {
        uint32_t before = kit_ntraps;
        uint32_t r = mode == 0 ? fn() : kit_call(1, 3, run, 0, 0);
        if (kit_ntraps == before) {
            out_str("FAIL: no trap\n");
            space_halt(1);
        }
        kit_out_pcb("got", &kit_pcb);
        CHECK_EQ(r, KIT_FAULTED);
        CHECK_EQ(kit_ntraps, before + 1);
        CHECK_EQ(kit_pcb.trap, SPACE_TRAP_ILLEGAL);
        CHECK_EQ(kit_pcb.pc, (uint32_t)at);
        CHECK_EQ(kit_pcb.mode, mode);
    }
    out_str(sys ? "syscall" : "sysenter");
    out_str(" passed\n");
}
