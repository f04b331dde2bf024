/* perms: read/write/execute permission per MODE.
 *  - matrix: for every MODE m and every rwx combination b, page V is mapped
 *    with b for MODE m and RWX for the next MODE; code in MODE m loads,
 *    stores, read-modify-writes and calls into V. Each access succeeds iff
 *    b allows it; a refused one is a MEMORY_FAULT with pc = the instruction,
 *    addr = the exact address, access = READ/WRITE/EXECUTE | PROTECTION;
 *  - unmapped V: the same faults without PROTECTION;
 *  - MODE 0 and MODE 3 differ on the same page, each time the MODE changes
 *    within one CONTEXT (a portal from MODE 0 into MODE 3 of CONTEXT 2);
 *  - changing a mapping of the running CONTEXT takes effect at once:
 *    RW -> R (stores fault), R -> RW, -> another frame, -> unmapped. */
#include "kit.h"

#define V   0x50000000u
#define OFF 0x124u /* data offset within V */

extern uint32_t mode3_reader(void);
extern void mode3_reader_entry(void);
extern char mode3_reader_at[];

/* the code in V: mov $0x1234abcd, %eax; ret */
static const uint8_t code[] = {0xb8, 0xcd, 0xab, 0x34, 0x12, 0xc3};

struct fault {
    uint32_t trap, pc, addr, access, mode;
};
static struct fault log[8];
static unsigned nlog;

static int log_fault(struct space_pcb *p)
{
    if (nlog < 8)
        log[nlog] = (struct fault){p->trap, p->pc, p->addr, p->access, p->mode};
    nlog++;
    return KIT_DEFAULT; /* recover the probe */
}

/* results of the probes, filled in by the code running in MODE m */
static uint32_t res[4];

static uint32_t probes(uint32_t unused)
{
    (void)unused;
    res[0] = kit_read32(V + OFF);
    res[1] = kit_write32(V + OFF, 0x77777777);
    res[2] = kit_rmw32(V + OFF + 4);
    res[3] = kit_exec(V);
    return 0;
}

static unsigned failures;

static void fail(const char *what, uint32_t mode, uint32_t bits)
{
    out_str("FAIL mode ");
    out_dec(mode);
    out_str(" bits ");
    out_dec(bits);
    out_str(": ");
    out_str(what);
    out_str("\n");
    failures++;
}

/* checks the next logged fault */
static unsigned next;
static void expect_fault(uint32_t mode, uint32_t bits, const char *pc, uint32_t addr,
                         uint32_t access)
{
    if (next >= nlog) {
        fail("missing fault", mode, bits);
        return;
    }
    struct fault *f = &log[next++];
    if (f->trap != 14 || f->pc != (uint32_t)pc || f->addr != addr || f->access != access ||
        f->mode != mode) {
        fail("wrong fault:", mode, bits);
        out_str("  want pc ");
        out_hex((uint32_t)pc);
        out_str(" addr ");
        out_hex(addr);
        out_str(" access ");
        out_hex(access);
        out_str("; got trap ");
        out_dec(f->trap);
        out_str(" pc ");
        out_hex(f->pc);
        out_str(" addr ");
        out_hex(f->addr);
        out_str(" access ");
        out_hex(f->access);
        out_str(" mode ");
        out_dec(f->mode);
        out_str("\n");
    }
}

static void run_matrix_case(uint32_t frame, uint32_t mode, uint32_t bits, int mapped)
{
    uint32_t other = (mode + 1) % 4;
    uint32_t ma = mapped ? SPACE_ACCESS(mode, bits) | SPACE_ACCESS(other, SPACE_RWX) : 0;
    CHECK_EQ(space_map_memory(2, V, frame, ma), SPACE_OK);
    volatile uint32_t *data = (volatile uint32_t *)(frame + OFF);
    data[0] = 0x11111111;
    data[1] = 0x22222222;
    nlog = next = 0;
    kit_call(2, mode, probes, 0, 0);
    uint32_t prot = mapped ? SPACE_FAULT_PROTECTION : 0;
    int r = (bits & SPACE_R) != 0, w = (bits & SPACE_W) != 0, x = (bits & SPACE_X) != 0;
    /* load */
    if (r) {
        if (res[0] != 0x11111111)
            fail("load gave the wrong value", mode, bits);
    } else {
        if (res[0] != KIT_FAULTED)
            fail("load did not fault", mode, bits);
        expect_fault(mode, bits, kit_read32_at, V + OFF, SPACE_FAULT_READ | prot);
    }
    /* store */
    if (w) {
        if (res[1] != 0 || data[0] != 0x77777777)
            fail("store did not store", mode, bits);
    } else {
        if (res[1] != KIT_FAULTED || data[0] != 0x11111111)
            fail("store did not fault (or stored)", mode, bits);
        expect_fault(mode, bits, kit_write32_at, V + OFF, SPACE_FAULT_WRITE | prot);
    }
    /* read-modify-write: needs both */
    if (r && w) {
        if (res[2] != 0 || data[1] != 0x22222223)
            fail("add to memory failed", mode, bits);
    } else {
        if (res[2] != KIT_FAULTED || data[1] != 0x22222222)
            fail("add to memory did not fault (or stored)", mode, bits);
        expect_fault(mode, bits, kit_rmw32_at, V + OFF + 4,
                     (r ? SPACE_FAULT_WRITE : SPACE_FAULT_READ) | prot);
    }
    /* call */
    if (x) {
        if (res[3] != 0x1234abcd)
            fail("call into the page failed", mode, bits);
    } else {
        if (res[3] != KIT_FAULTED)
            fail("call into the page did not fault", mode, bits);
        expect_fault(mode, bits, (const char *)V, V, SPACE_FAULT_EXECUTE | prot);
    }
    if (next != nlog)
        fail("extra faults", mode, bits);
}

static int mode_switch_hook(struct space_pcb *p)
{
    return log_fault(p);
}

static int finish_hook(struct space_pcb *p)
{
    log_fault(p);
    kit_finish(KIT_FAULTED);
}

void kmain(const struct space_bootinfo *boot)
{
    kit_init(boot);
    kit_portals_std(0);
    kit_portals_std(2);
    kit_map_image(2, SPACE_ACCESS(0, SPACE_RWX) | SPACE_ACCESS(1, SPACE_RWX) |
                         SPACE_ACCESS(2, SPACE_RWX) | SPACE_ACCESS(3, SPACE_RWX));
    uint32_t frame = kit_frame();
    for (unsigned i = 0; i < sizeof code; i++)
        ((uint8_t *)frame)[i] = code[i];
    kit_hook = log_fault;

    for (uint32_t mode = 0; mode < 4; mode++)
        for (uint32_t bits = 0; bits < 8; bits++)
            run_matrix_case(frame, mode, bits, 1);
    for (uint32_t mode = 0; mode < 4; mode++)
        run_matrix_case(frame, mode, 0, 0);
    CHECK_EQ(failures, 0);
    out_str("matrix ok\n");

    /* MODE 0 may read V, MODE 3 may not; switch MODE without switching
     * CONTEXT: MODE 0 code in CONTEXT 2 reads V, then int $0x46 enters
     * MODE 3 of CONTEXT 2 (portal), which reads V again. */
    CHECK_EQ(space_map_memory(2, V, frame, SPACE_ACCESS(0, SPACE_R) | SPACE_ACCESS(3, SPACE_X)),
             SPACE_OK);
    CHECK_EQ(space_map_portal(2, 0x46, 2, 3, (uint32_t)mode3_reader_entry, SPACE_PORTAL_FROM(0)),
             SPACE_OK);
    kit_hook = mode_switch_hook;
    nlog = next = 0;
    CHECK_EQ(kit_call(2, 0, (uint32_t(*)(uint32_t))kit_read32, V + OFF, 0),
             *(uint32_t *)(frame + OFF));
    CHECK_EQ(nlog, 0);
    struct space_pcb p = kit_pcb_for(2, 0, (uint32_t)kit_user_tramp, kit_stack_top(0));
    p.eax = (uint32_t)mode3_reader; /* called in MODE 0; it int $0x46's into MODE 3 */
    CHECK_EQ(kit_start(&p), KIT_FAULTED);
    CHECK_EQ(nlog, 1);
    expect_fault(3, SPACE_X, mode3_reader_at, V + OFF, SPACE_FAULT_READ | SPACE_FAULT_PROTECTION);
    CHECK_EQ(failures, 0);
    out_str("mode switch ok\n");

    /* remapping the running CONTEXT (0, MODE 0) */
    kit_hook = log_fault;
    nlog = next = 0;
    uint32_t frame2 = kit_frame();
    *(volatile uint32_t *)(frame2 + OFF) = 0x0f0f0f0f;
    CHECK_EQ(space_map_memory(0, V, frame, SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(kit_write32(V + OFF, 0xabc0 + i), 0);
    CHECK_EQ(kit_read32(V + OFF), 0xabc2);
    CHECK_EQ(space_map_memory(0, V, frame, SPACE_ACCESS(0, SPACE_R)), SPACE_OK);
    CHECK_EQ(kit_write32(V + OFF, 1), KIT_FAULTED);
    expect_fault(0, SPACE_R, kit_write32_at, V + OFF, SPACE_FAULT_WRITE | SPACE_FAULT_PROTECTION);
    CHECK_EQ(kit_read32(V + OFF), 0xabc2);
    CHECK_EQ(space_map_memory(0, V, frame, SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
    CHECK_EQ(kit_write32(V + OFF, 2), 0);
    CHECK_EQ(kit_read32(V + OFF), 2);
    CHECK_EQ(space_map_memory(0, V, frame2, SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
    CHECK_EQ(kit_read32(V + OFF), 0x0f0f0f0f);
    CHECK_EQ(space_map_memory(0, V, 0, 0), SPACE_OK);
    CHECK_EQ(kit_read32(V + OFF), KIT_FAULTED);
    expect_fault(0, 0, kit_read32_at, V + OFF, SPACE_FAULT_READ);
    CHECK_EQ(space_map_memory(0, V, frame, SPACE_ACCESS(3, SPACE_RWX)), SPACE_OK);
    CHECK_EQ(kit_read32(V + OFF), KIT_FAULTED); /* mapped, but not for MODE 0 */
    expect_fault(0, 0, kit_read32_at, V + OFF, SPACE_FAULT_READ | SPACE_FAULT_PROTECTION);
    CHECK_EQ(next, nlog);
    CHECK_EQ(failures, 0);
    out_str("remap ok\n");

    /* straight-line code crossing from P1 into P2 (16 incs on each side,
     * then ret), P2 executable for MODE 0 only: run in MODE 0 first (so
     * the code is translated across the boundary), then in MODE 3, then in
     * MODE 0 again */
    uint32_t p1 = kit_frame(), p2 = kit_frame();
    for (int i = 0; i < 16; i++) {
        ((volatile uint8_t *)p1)[4096 - 16 + i] = 0x40;
        ((volatile uint8_t *)p2)[i] = 0x40;
    }
    ((volatile uint8_t *)p2)[16] = 0xc3;
    const uint32_t P1 = 0x58000000, P2 = P1 + 4096;
    uint32_t x03 = SPACE_ACCESS(0, SPACE_RX) | SPACE_ACCESS(3, SPACE_RX);
    CHECK_EQ(space_map_memory(2, P1, p1, x03), SPACE_OK);
    CHECK_EQ(space_map_memory(2, P2, p2, SPACE_ACCESS(0, SPACE_RX) | SPACE_ACCESS(3, SPACE_R)),
             SPACE_OK);
    struct space_pcb q;
    kit_hook = finish_hook;
    for (int round = 0; round < 2; round++) {
        nlog = next = 0;
        q = kit_pcb_for(2, 0, P2 - 16, kit_stack_top(0) - 64);
        q.eax = 0;
        *(uint32_t *)(kit_stack_top(0) - 64) = (uint32_t)kit_user_tramp_ret;
        CHECK_EQ(kit_start(&q), 32);
        CHECK_EQ(nlog, 0);
        nlog = next = 0;
        q.mode = 3;
        CHECK_EQ(kit_start(&q), KIT_FAULTED);
        CHECK_EQ(nlog, 1);
        expect_fault(3, SPACE_R, (const char *)P2, P2,
                     SPACE_FAULT_EXECUTE | SPACE_FAULT_PROTECTION);
    }
    CHECK_EQ(failures, 0);
    out_str("code across a page boundary, per MODE ok\n");
    out_str("perms passed\n");
}
