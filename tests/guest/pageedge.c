/* pageedge: code at the end of a page whose next page is not mapped (yet),
 * in CONTEXT 0 MODE 0 and CONTEXT 1 MODE 3. C = 0x40000000 is mapped
 * executable, C+4096 is not.
 *  int_end      int $0x40 in the last two bytes of C: the int traps (pc =
 *               C+4096) before anything is fetched from C+4096; the
 *               handler maps C+4096 and resumes: the code there runs
 *  int_end_nx   the same, but the handler resumes without mapping: then a
 *               fetch fault at C+4096; map, resume, the code runs
 *  runoff N     N one-byte incs end at the boundary: a fetch fault with
 *               pc = addr = C+4096, access EXECUTE, EAX = N (all retired);
 *               mapped, 4 more incs run: EAX = N + 4. Virtual time: from
 *               an int $0x41 just before the incs to the fault's portal
 *               entry is exactly 5 + N + 4 instructions
 *  straddle     a 5-byte mov whose last 3 bytes are on C+4096: fault with
 *               pc = the mov (C+4094), addr = C+4096
 *  nx           C+4096 mapped, but not executable for the MODE: the
 *               run-off fault has EXECUTE|PROTECTION */
#include "kit.h"

#define C    0x40000000u
#define NEXT (C + 4096)

extern void edge_tlog_entry(void);
extern uint64_t edge_tlog;

static uint32_t ctx, mode, fc, fn;
static int map_on_int, nint, nfault;
static struct space_pcb int_pcb, fault_pcb;
static uint64_t fault_entry_time;

static uint32_t ax(uint32_t bits)
{
    return SPACE_ACCESS(mode, bits);
}

static void put(uint32_t frame, uint32_t off, const uint8_t *b, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        ((volatile uint8_t *)frame)[off + i] = b[i];
}

static int handler(struct space_pcb *p)
{
    if (p->trap == 0x40) {
        nint++;
        int_pcb = *p;
        if (map_on_int)
            CHECK_EQ(space_map_memory(ctx, NEXT, fn, ax(SPACE_RX)), SPACE_OK);
        return KIT_RESUME;
    }
    if (p->trap == SPACE_TRAP_MEMORY_FAULT) {
        nfault++;
        fault_pcb = *p;
        fault_entry_time = kit_entry_time;
        CHECK_EQ(space_map_memory(ctx, NEXT, fn, ax(SPACE_RX)), SPACE_OK);
        return KIT_RESUME;
    }
    return KIT_DEFAULT;
}

/* page 2: 4 x inc %eax; mov %eax, %ebx; int $0xf0 */
static const uint8_t tail[] = {0x40, 0x40, 0x40, 0x40, 0x89, 0xc3, 0xcd, 0xf0};

static uint32_t start(uint32_t pc)
{
    struct space_pcb p = kit_pcb_for(ctx, mode, pc, 0);
    nint = nfault = 0;
    return kit_start(&p);
}

static void setup(void)
{
    fc = kit_frame();
    fn = kit_frame();
    put(fn, 0, tail, sizeof tail);
    CHECK_EQ(space_map_memory(ctx, C, fc, ax(SPACE_RX)), SPACE_OK);
    CHECK_EQ(space_map_memory(ctx, NEXT, 0, 0), SPACE_OK);
}

static void expect_fetch_fault(uint32_t pc, uint32_t access)
{
    CHECK_EQ(nfault, 1);
    CHECK_EQ(fault_pcb.trap, SPACE_TRAP_MEMORY_FAULT);
    CHECK_EQ(fault_pcb.pc, pc);
    CHECK_EQ(fault_pcb.addr, NEXT);
    CHECK_EQ(fault_pcb.access, access);
    CHECK_EQ(fault_pcb.ctx, ctx);
    CHECK_EQ(fault_pcb.mode, mode);
}

static void run_all(void)
{
    static const uint8_t int40[] = {0xcd, 0x40};
    /* int_end */
    setup();
    put(fc, 4094, int40, 2);
    map_on_int = 1;
    CHECK_EQ(start(C + 4094), 4);
    CHECK_EQ(nint, 1);
    CHECK_EQ(nfault, 0);
    CHECK_EQ(int_pcb.pc, NEXT);
    /* int_end_nx */
    setup();
    put(fc, 4094, int40, 2);
    map_on_int = 0;
    CHECK_EQ(start(C + 4094), 4);
    CHECK_EQ(nint, 1);
    CHECK_EQ(int_pcb.pc, NEXT);
    expect_fetch_fault(NEXT, SPACE_FAULT_EXECUTE);
    out_str("int at the end of a page ok\n");

    /* runoff: int $0x41 (timed), N incs, boundary */
    static const uint32_t ns[] = {1, 2, 16, 96, 1000};
    for (unsigned k = 0; k < 5; k++) {
        uint32_t n = ns[k];
        setup();
        static const uint8_t int41[] = {0xcd, 0x41};
        put(fc, 4096 - n - 2, int41, 2);
        for (uint32_t i = 0; i < n; i++)
            ((volatile uint8_t *)fc)[4096 - n + i] = 0x40;
        CHECK_EQ(start(C + 4096 - n - 2), n + 4);
        expect_fetch_fault(NEXT, SPACE_FAULT_EXECUTE);
        CHECK_EQ(fault_pcb.eax, n);
        if (fault_entry_time - edge_tlog != 5 + n + KIT_ENTRY_TIME_INSNS) {
            out_str("FAIL: run-off of ");
            out_dec(n);
            out_str(" incs: time from int $0x41 to the fault's portal entry ");
            out_dec(fault_entry_time - edge_tlog);
            out_str(", expected ");
            out_dec(5 + n + KIT_ENTRY_TIME_INSNS);
            out_str("\n");
            space_halt(1);
        }
    }
    out_str("run-off ok\n");

    /* straddle: mov $0x12345678, %eax at C+4094 */
    setup();
    static const uint8_t mov_head[] = {0xb8, 0x78};
    static const uint8_t mov_rest[] = {0x56, 0x34, 0x12, 0x89, 0xc3, 0xcd, 0xf0};
    put(fc, 4094, mov_head, 2);
    put(fn, 0, mov_rest, sizeof mov_rest);
    CHECK_EQ(start(C + 4094), 0x12345678);
    expect_fetch_fault(C + 4094, SPACE_FAULT_EXECUTE);
    /* the same, entered by a jump from the start of the page */
    setup();
    static const uint8_t jmp_end[] = {0xe9, 0xf9, 0x0f, 0x00,
                                      0x00}; /* jmp C+4094 (rel32 = 4094-5) */
    put(fc, 0, jmp_end, 5);
    put(fc, 4094, mov_head, 2);
    put(fn, 0, mov_rest, sizeof mov_rest);
    CHECK_EQ(start(C), 0x12345678);
    expect_fetch_fault(C + 4094, SPACE_FAULT_EXECUTE);
    out_str("straddling instruction ok\n");

    /* nx: the next page mapped, readable but not executable */
    setup();
    for (uint32_t i = 0; i < 8; i++)
        ((volatile uint8_t *)fc)[4088 + i] = 0x40;
    CHECK_EQ(space_map_memory(ctx, NEXT, fn, ax(SPACE_RW)), SPACE_OK);
    CHECK_EQ(start(C + 4088), 12);
    expect_fetch_fault(NEXT, SPACE_FAULT_EXECUTE | SPACE_FAULT_PROTECTION);
    CHECK_EQ(fault_pcb.eax, 8);
    out_str("non-executable next page ok\n");
}

void kmain(const struct space_bootinfo *boot)
{
    kit_init(boot);
    kit_hook = handler;
    for (uint32_t c = 0; c <= 1; c++) {
        kit_portals_std(c);
        CHECK_EQ(space_map_portal(c, 0x40, 0, 0, (uint32_t)kit_trap_entry, SPACE_PORTAL_FROM_ALL),
                 SPACE_OK);
        CHECK_EQ(space_map_portal(c, 0x41, 0, 0, (uint32_t)edge_tlog_entry, SPACE_PORTAL_FROM_ALL),
                 SPACE_OK);
    }
    ctx = 0;
    mode = 0;
    run_all();
    out_str("ctx 0 mode 0 done\n");
    ctx = 1;
    mode = 3;
    run_all();
    out_str("ctx 1 mode 3 done\n");
    out_str("pageedge passed\n");
}
