/* traps: every kind of trap an instruction can raise, in CONTEXT 0 MODE 0
 * and in CONTEXT 1 MODEs 0..3: the trap number, cause, pc (the instruction
 * for faults, the next one for int3/into/int n), addr, and the registers
 * and flags the PCB records. */
#include "kit.h"

#define TC(n)                                                                                      \
    extern uint32_t tc_##n(void);                                                                  \
    extern char tc_##n##_at[], tc_##n##_end[];
// clang-format off
#define TC_LIST(X) \
    X(div) X(idiv) X(int3) X(int_3) X(into) X(bound) X(ud2) X(locknop) X(cli) X(sti) \
    X(hlt) X(in) X(in_dx) X(out) X(outsb) X(mov_ds) X(mov_ss) X(mov_ds_null) X(mov_es_null) \
    X(mov_fs_null) X(pop_ds) X(rdtsc) X(rdpmc) X(lgdt) X(sgdt) X(smsw) X(mov_cr0) X(mov_cr3) \
    X(wbinvd) X(rdmsr) X(iret) X(lret) X(ljmp) X(int_0e) X(int_02) X(int_1f) X(int_00) \
    X(int_06) X(int_0d) X(int_40) X(int_fe) X(op_time) X(op_halt) X(sidt) X(sldt) X(str) \
    X(insb) X(outl) X(mov_gs_null) X(clts) X(invlpg) X(lidt) X(wrmsr) X(lds) X(lcall) \
    X(sysenter) X(int_01) X(int_04) X(int_08) X(int_18) X(int_19) X(icebp) X(rdtscp) \
    X(rdrand) X(sse)
// clang-format on
TC_LIST(TC)

enum { AT, END };
enum { ESP_SAME = 1, IN_MODE0_OK = 2, SKIP_MODE0 = 4, NO_TRAP = 8, USES_SI_DI = 16 };

struct tcase {
    const char *group; /* selected by the --cmdline of the run */
    const char *name;
    uint32_t (*fn)(void);
    const char *at, *end;
    uint32_t trap, cause, where, addr, flags;
};

#define C(g, n, trap, cause, where, addr, flags)                                                   \
    {                                                                                              \
        g, #n, tc_##n, tc_##n##_at, tc_##n##_end, trap, cause, where, addr, flags                  \
    }
#define ILL(g, n) C(g, n, 13, 13, AT, 0, ESP_SAME)
static const struct tcase cases[] = {
    /* core: exceptions, system instructions, deliberate traps, operations */
    C("core", div, 0, 0, AT, 0, ESP_SAME),
    C("core", idiv, 0, 0, AT, 0, ESP_SAME),
    C("core", int3, 3, 3, END, 0, ESP_SAME),
    C("core", int_3, 3, 3, END, 0, ESP_SAME),
    C("core", into, 4, 4, END, 0, ESP_SAME),
    C("core", bound, 5, 5, AT, 0, ESP_SAME),
    C("core", ud2, 6, 6, AT, 0, ESP_SAME),
    C("core", locknop, 6, 6, AT, 0, ESP_SAME),
    C("core", rdpmc, 6, 6, AT, 0, ESP_SAME),
    C("core", rdtscp, 6, 6, AT, 0, ESP_SAME),
    C("core", rdrand, 6, 6, AT, 0, ESP_SAME),
    C("core", icebp, 6, 6, AT, 0, ESP_SAME),
    ILL("core", cli),
    ILL("core", sti),
    ILL("core", hlt),
    ILL("core", mov_ds),
    ILL("core", mov_ss),
    ILL("core", lds),
    ILL("core", rdtsc),
    ILL("core", lgdt),
    ILL("core", lidt),
    ILL("core", mov_cr0),
    ILL("core", mov_cr3),
    ILL("core", clts),
    ILL("core", invlpg),
    ILL("core", wbinvd),
    ILL("core", rdmsr),
    ILL("core", wrmsr),
    ILL("core", ljmp),
    C("core", pop_ds, 13, 13, AT, 0, 0),
    C("core", iret, 13, 13, AT, 0, 0),
    C("core", lret, 13, 13, AT, 0, 0),
    C("core", lcall, 13, 13, AT, 0, 0),
    /* int n on a vector below 32 that no instruction raises itself */
    C("core", int_0e, 13, 13, AT, 0x0e, ESP_SAME),
    C("core", int_02, 13, 13, AT, 0x02, ESP_SAME),
    C("core", int_1f, 13, 13, AT, 0x1f, ESP_SAME),
    C("core", int_08, 13, 13, AT, 0x08, ESP_SAME),
    /* so nothing can forge PRIVILEGED or NO_PORTAL */
    C("core", int_18, 13, 13, AT, 0x18, ESP_SAME),
    C("core", int_19, 13, 13, AT, 0x19, ESP_SAME),
    /* deliberate traps: mapped (0x40), unmapped (0xfe -> NO_PORTAL) */
    C("core", int_40, 0x40, 0x40, END, 0, ESP_SAME),
    C("core", int_fe, 25, 0xfe, END, 0, ESP_SAME),
    /* an operation outside MODE 0 (in MODE 0 it just runs) */
    C("core", op_time, 24, 24, AT, SPACE_OP_TIME, ESP_SAME | IN_MODE0_OK),
    C("core", op_halt, 24, 24, AT, SPACE_OP_HALT, ESP_SAME | SKIP_MODE0),
    /* SSE is available */
    C("core", sse, 0, 0, AT, 0, NO_TRAP),
    /* loading the null selector into DS ES FS GS is accepted (last: they
     * might leave a mark, see segnull) */
    C("core", mov_ds_null, 0, 0, AT, 0, NO_TRAP),
    C("core", mov_es_null, 0, 0, AT, 0, NO_TRAP),
    C("core", mov_fs_null, 0, 0, AT, 0, NO_TRAP),
    C("core", mov_gs_null, 0, 0, AT, 0, NO_TRAP),

    /* io: port I/O is an x86 system instruction */
    ILL("io", in),
    ILL("io", in_dx),
    ILL("io", out),
    ILL("io", outl),
    C("io", outsb, 13, 13, AT, 0, ESP_SAME | USES_SI_DI),
    C("io", insb, 13, 13, AT, 0, ESP_SAME | USES_SI_DI),
    /* umip: instructions that read descriptor tables / CR0 (cpu.c sets
     * CR4.UMIP so that they fault) */
    ILL("umip", sgdt),
    ILL("umip", sidt),
    ILL("umip", sldt),
    ILL("umip", str),
    ILL("umip", smsw),
    /* intlow: int n on the vector of an exception: a program may not fake
     * a fault, so ILLEGAL at the int, addr = n (as x86 does with kernel-only
     * gates); int $3 and int $4 are int3 and into */
    C("intlow", int_00, 13, 13, AT, 0x00, ESP_SAME),
    C("intlow", int_01, 13, 13, AT, 0x01, ESP_SAME),
    C("intlow", int_04, 4, 4, END, 0, ESP_SAME),
    C("intlow", int_06, 13, 13, AT, 0x06, ESP_SAME),
    C("intlow", int_0d, 13, 13, AT, 0x0d, ESP_SAME),
};
#define NCASES (sizeof cases / sizeof cases[0])

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static uint32_t run_case(uint32_t i)
{
    return cases[i].fn();
}

static unsigned failures;

static const char *group;
static int verbose = 0;

static void check_case(const struct tcase *c, uint32_t ctx, uint32_t mode)
{
    if (!streq(c->group, group))
        return;
    if (mode == 0 && (c->flags & SKIP_MODE0))
        return;
    if (verbose) {
        out_str("  ");
        out_str(c->name);
        out_str("\n");
    }
    uint32_t before = kit_ntraps;
    kit_recover_pc = 0;
    uint32_t r = ctx == 0 ? c->fn() : kit_call(ctx, mode, run_case, (uint32_t)(c - cases), 0);
    if ((mode == 0 && (c->flags & IN_MODE0_OK)) || (c->flags & NO_TRAP)) {
        if (kit_ntraps != before || r != 0) {
            failures++;
            out_str("FAIL case ");
            out_str(c->name);
            out_str(": trapped\n");
            kit_out_pcb("  got", &kit_pcb);
        }
        return;
    }
    if (0) {
        CHECK_EQ(kit_ntraps, before);
        CHECK_EQ(r, 0);
        return;
    }
    int ok = kit_ntraps == before + 1 && kit_pcb.trap == c->trap && kit_pcb.cause == c->cause &&
             kit_pcb.pc == (uint32_t)(c->where == AT ? c->at : c->end) && kit_pcb.addr == c->addr;
    if (ok) {
        /* everything else the PCB and the portal entry must show */
        ok = r == KIT_FAULTED && kit_pcb.ctx == ctx && kit_pcb.mode == mode &&
             kit_pcb.access == 0 && kit_pcb.ie == 0 &&
             (((c->flags & USES_SI_DI) && kit_entry_regs[4] == kit_pcb.esi &&
               kit_entry_regs[5] == kit_pcb.edi) ||
              (kit_pcb.esi == 0x5e5e5e5e && kit_pcb.edi == 0xd1d1d1d1 &&
               kit_entry_regs[4] == 0x5e5e5e5e && kit_entry_regs[5] == 0xd1d1d1d1)) &&
             kit_pcb.ebp == 0xb0b0b0b0 && (kit_pcb.eflags & ~0xdd5u) == 2 &&
             (!(c->flags & ESP_SAME) || kit_pcb.esp == kit_recover_esp) &&
             kit_entry_regs[6] == 0xb0b0b0b0 && kit_entry_regs[7] == kit_pcb.esp &&
             kit_entry_regs[0] == kit_pcb.eax && kit_pcb.reserved[0] == 0 &&
             kit_pcb.reserved[1] == 0 && kit_pcb.reserved[2] == 0;
        if (c->fn == tc_div)
            ok = ok && kit_pcb.eax == 1 && kit_pcb.ecx == 0 && kit_pcb.edx == 0;
        if (c->fn == tc_into)
            ok = ok && (kit_pcb.eflags & 0x800); /* OF */
        if (c->fn == tc_int_40)
            ok = ok && kit_pcb.eax == 0x12345678;
    }
    if (!ok) {
        failures++;
        out_str("FAIL case ");
        out_str(c->name);
        out_str(" ctx ");
        out_dec(ctx);
        out_str(" mode ");
        out_dec(mode);
        out_str(": traps ");
        out_dec(kit_ntraps - before);
        out_str(" want trap ");
        out_dec(c->trap);
        out_str(" cause ");
        out_dec(c->cause);
        out_str(" pc ");
        out_hex((uint32_t)(c->where == AT ? c->at : c->end));
        out_str(" addr ");
        out_hex(c->addr);
        out_str("\n");
        if (kit_ntraps != before)
            kit_out_pcb("  got", &kit_pcb);
    }
}

/* segnull: a null selector load "changes nothing": the segment registers
 * still read 0x13 afterwards, in this and in every other CONTEXT/MODE (no
 * state may pass between CONTEXTs outside the PCB). */
extern uint32_t read_segs(void);
static uint32_t read_segs_c(uint32_t unused)
{
    (void)unused;
    return read_segs();
}
static uint32_t null_fs_gs(uint32_t unused)
{
    (void)unused;
    return tc_mov_fs_null() | tc_mov_gs_null();
}
static void segnull(void)
{
    CHECK_EQ(read_segs(), 0x13131313);
    CHECK_EQ(kit_call(1, 3, read_segs_c, 0, 0), 0x13131313);
    CHECK_EQ(kit_call(1, 3, null_fs_gs, 0, 0), 0);
    uint32_t after = read_segs(); /* in CONTEXT 0 MODE 0 */
    out_str("segments after MODE 3 loaded null into FS and GS: ");
    out_hex(after);
    out_str("\n");
    CHECK_EQ(after, 0x13131313);
    out_str("traps passed\n");
    space_halt(0);
}

static uint32_t set_flags_then_int40(uint32_t flags)
{
    uint32_t r;
    __asm__ volatile("push %1\n\tpopf\n\tint $0x40\n\tpushf\n\tpop %0"
                     : "=r"(r)
                     : "r"(flags)
                     : "cc", "memory");
    return r;
}

static int set_pc_end(struct space_pcb *p)
{
    (void)p;
    return KIT_RESUME;
}

void kmain(const struct space_bootinfo *boot)
{
    kit_init(boot);
    kit_emulate_ops = 0;
    group = boot->cmdline[0] ? boot->cmdline : "core";
    out_str("group ");
    out_str(group);
    out_str("\n");
    kit_portals_std(0);
    kit_portal(0, 0x40);
    kit_portals_std(1);
    kit_portal(1, 0x40);
    kit_map_image(1, SPACE_ACCESS(0, SPACE_RWX) | SPACE_ACCESS(1, SPACE_RWX) |
                         SPACE_ACCESS(2, SPACE_RWX) | SPACE_ACCESS(3, SPACE_RWX));

    if (streq(group, "segnull"))
        segnull();
    for (unsigned i = 0; i < NCASES; i++)
        check_case(&cases[i], 0, 0);
    out_str("ctx 0 mode 0 done\n");
    for (uint32_t mode = 0; mode < 4; mode++) {
        for (unsigned i = 0; i < NCASES; i++)
            check_case(&cases[i], 1, mode);
        out_str("ctx 1 mode ");
        out_dec(mode);
        out_str(" done\n");
    }
    CHECK_EQ(failures, 0);
    if (!streq(group, "core")) {
        out_str("traps passed\n");
        return;
    }

    /* arithmetic flags and DF travel in the PCB; IF/IOPL never do */
    kit_hook = set_pc_end;
    uint32_t fl = set_flags_then_int40(0x0cd5);
    __asm__ volatile("cld");
    CHECK_EQ(kit_pcb.trap, 0x40);
    CHECK_EQ(kit_pcb.eflags, 0x0cd7);
    CHECK_EQ(fl & 0xcd5, 0xcd5);
    __asm__ volatile("cld");
    fl = set_flags_then_int40(0);
    CHECK_EQ(kit_pcb.eflags, 2);
    CHECK_EQ(fl & 0xcd5, 0);
    out_str("flags ok\n");
    out_str("traps passed\n");
}
