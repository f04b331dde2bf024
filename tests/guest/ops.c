/* ops: every SPACE operation from MODE 0, with its error codes. */
#include "kit.h"

uint32_t ops_regs_probe(uint32_t op, uint32_t out[7]);
void flags_probe(void); /* pushf; pop %ebx; int $0xf0 */
__asm__(".text\nflags_probe:\n  pushf\n  pop %ebx\n  cld\n  int $0xf0\n");

static struct space_pcb sample(uint32_t seed)
{
    struct space_pcb p;
    uint32_t *w = (uint32_t *)&p;
    for (unsigned i = 0; i < sizeof p / 4; i++)
        w[i] = seed * 0x01010101u + i;
    p.ctx = seed & 0xff;
    p.mode = seed & 3;
    p.ie = 1;
    return p;
}

static int pcb_equal(const struct space_pcb *a, const struct space_pcb *b)
{
    const uint32_t *x = (const uint32_t *)a, *y = (const uint32_t *)b;
    for (unsigned i = 0; i < sizeof *a / 4; i++)
        if (x[i] != y[i])
            return 0;
    return 1;
}

static void test_map_memory(const struct space_bootinfo *boot)
{
    uint32_t fa = kit_frame(), fb = kit_frame(), pa = 0;
    const uint32_t v = 0x30000000;
    CHECK_EQ(space_map_memory(256, v, fa, SPACE_ACCESS(0, SPACE_RW)), SPACE_ERR_CONTEXT);
    CHECK_EQ(space_map_memory(0xffffffffu, v, fa, SPACE_ACCESS(0, SPACE_RW)), SPACE_ERR_CONTEXT);
    CHECK_EQ(space_map_memory(0, v + 4, fa, SPACE_ACCESS(0, SPACE_RW)), SPACE_ERR_ALIGN);
    CHECK_EQ(space_map_memory(0, v, fa + 0x800, SPACE_ACCESS(0, SPACE_RW)), SPACE_ERR_ALIGN);
    CHECK_EQ(space_map_memory(0, v, boot->ram_size, SPACE_ACCESS(0, SPACE_RW)), SPACE_ERR_PADDR);
    CHECK_EQ(space_map_memory(0, v, 0xfffff000u, SPACE_ACCESS(0, SPACE_RW)), SPACE_ERR_PADDR);
    CHECK_EQ(space_map_memory(0, v, fa, 0x2000), SPACE_ERR_ACCESS); /* (0x1000: SPACE_MAP_64K) */
    CHECK_EQ(space_map_memory(0, v, fa, 0x80000000u), SPACE_ERR_ACCESS);
    /* none of the failures mapped anything */
    CHECK_EQ(space_mapping(0, v, &pa), 0);

    /* the last page of RAM is mappable */
    CHECK_EQ(space_map_memory(0, v, boot->ram_size - 4096, SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
    CHECK_EQ(space_mapping(0, v, &pa), SPACE_ACCESS(0, SPACE_RW));
    CHECK_EQ(pa, boot->ram_size - 4096);
    *(volatile uint32_t *)(v + 4092) = 0x5a5a1234;
    CHECK_EQ(*(volatile uint32_t *)(v + 4092), 0x5a5a1234);

    /* map, alias, remap, unmap; space_mapping follows each step */
    CHECK_EQ(space_map_memory(0, v, fa, SPACE_ACCESS(0, SPACE_RW) | SPACE_ACCESS(3, SPACE_R)),
             SPACE_OK);
    CHECK_EQ(space_mapping(0, v, &pa), SPACE_ACCESS(0, SPACE_RW) | SPACE_ACCESS(3, SPACE_R));
    CHECK_EQ(pa, fa);
    CHECK_EQ(space_mapping(0, v + 0xabc, &pa),
             SPACE_ACCESS(0, SPACE_RW) | SPACE_ACCESS(3, SPACE_R));
    CHECK_EQ(pa, fa);
    *(volatile uint32_t *)(v + 8) = 0x11112222;
    CHECK_EQ(*(volatile uint32_t *)(fa + 8), 0x11112222);
    CHECK_EQ(space_map_memory(0, v, fb, SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
    CHECK_EQ(*(volatile uint32_t *)(v + 8), 0);
    *(volatile uint32_t *)(v + 8) = 0x33334444;
    CHECK_EQ(*(volatile uint32_t *)(fb + 8), 0x33334444);
    CHECK_EQ(*(volatile uint32_t *)(fa + 8), 0x11112222);
    CHECK_EQ(space_map_memory(0, v, 0, 0), SPACE_OK);
    CHECK_EQ(space_mapping(0, v, &pa), 0);
    /* unmapping ignores the physical address */
    CHECK_EQ(space_map_memory(0, v, 0xfffff000u, 0), SPACE_OK);
    /* another context is independent */
    CHECK_EQ(space_map_memory(7, v, fa, SPACE_ACCESS(2, SPACE_X)), SPACE_OK);
    CHECK_EQ(space_mapping(7, v, &pa), SPACE_ACCESS(2, SPACE_X));
    CHECK_EQ(pa, fa);
    CHECK_EQ(space_mapping(0, v, &pa), 0);
    CHECK_EQ(space_mapping(255, v, &pa), 0);

    /* space_mapping: bad context; the kernel image and boot page as loaded */
    CHECK_EQ(space_mapping(256, v, &pa), SPACE_ERR_CONTEXT);
    CHECK_EQ(space_mapping(0, (uint32_t)kit_read32, &pa), SPACE_ACCESS(0, SPACE_RX));
    CHECK_EQ(pa, (uint32_t)kit_read32 & ~0xfffu);
    CHECK_EQ(space_mapping(0, (uint32_t)&kit_ntraps, &pa), SPACE_ACCESS(0, SPACE_RW));
    CHECK_EQ(space_mapping(0, 0x1000, &pa), SPACE_ACCESS(0, SPACE_R));
    CHECK_EQ(pa, 0x1000);
    CHECK_EQ(space_mapping(0, 0, &pa), 0);
    out_str("map_memory ok\n");
}

static void test_map_portal(void)
{
    uint32_t pc = (uint32_t)kit_trap_entry;
    CHECK_EQ(space_map_portal(256, 64, 0, 0, pc, SPACE_PORTAL_FROM_ALL), SPACE_ERR_CONTEXT);
    CHECK_EQ(space_map_portal(0, 64, 256, 0, pc, SPACE_PORTAL_FROM_ALL), SPACE_ERR_CONTEXT);
    CHECK_EQ(space_map_portal(0, 255, 0, 0, pc, SPACE_PORTAL_FROM_ALL), SPACE_ERR_TRAP);
    CHECK_EQ(space_map_portal(0, 256, 0, 0, pc, SPACE_PORTAL_FROM_ALL), SPACE_ERR_TRAP);
    CHECK_EQ(space_map_portal(0, 64, 0, 4, pc, SPACE_PORTAL_FROM_ALL), SPACE_ERR_MODE);
    CHECK_EQ(space_map_portal(0, 64, 0, 0, pc, 0x1000), SPACE_ERR_ACCESS);
    CHECK_EQ(space_map_portal(0, 0, 0, 0, pc, 0), SPACE_OK);
    CHECK_EQ(space_map_portal(0, 254, 0, 3, pc, SPACE_PORTAL_FROM_ALL), SPACE_OK);
    CHECK_EQ(space_map_portal(255, 64, 255, 3, pc, SPACE_PORTAL_FROM(3)), SPACE_OK);
    out_str("map_portal ok\n");
}

static void test_chain_ops(void)
{
    struct space_pcb a = sample(1), b = sample(2), r;

    /* empty chain */
    CHECK_EQ(space_pcb_read(&r), SPACE_ERR_EMPTY);
    CHECK_EQ(space_pcb_write(&a), SPACE_ERR_EMPTY);
    CHECK_EQ(space_pcb_pop(), SPACE_ERR_EMPTY);
    CHECK_EQ(space_resume(), SPACE_ERR_EMPTY);
    CHECK_EQ(space_suspend(), SPACE_ERR_EMPTY);

    /* push checks its PCB */
    r = a;
    r.ctx = 256;
    CHECK_EQ(space_pcb_push(&r), SPACE_ERR_CONTEXT);
    r = a;
    r.mode = 4;
    CHECK_EQ(space_pcb_push(&r), SPACE_ERR_MODE);
    CHECK_EQ(space_pcb_push((const struct space_pcb *)0x30001000), SPACE_ERR_ACCESS);
    CHECK_EQ(space_pcb_read(&r), SPACE_ERR_EMPTY);

    /* push, read (ie normalised to 0/1), write, pop */
    a.ie = 7;
    CHECK_EQ(space_pcb_push(&a), SPACE_OK);
    a.ie = 1;
    CHECK_EQ(space_pcb_read(&r), SPACE_OK);
    CHECK(pcb_equal(&r, &a));
    CHECK_EQ(space_pcb_push(&b), SPACE_OK);
    CHECK_EQ(space_pcb_read(&r), SPACE_OK);
    CHECK(pcb_equal(&r, &b));
    b.eax = 0xabcdef01;
    b.ie = 0;
    CHECK_EQ(space_pcb_write(&b), SPACE_OK);
    CHECK_EQ(space_pcb_read(&r), SPACE_OK);
    CHECK(pcb_equal(&r, &b));
    r.mode = 9;
    CHECK_EQ(space_pcb_write(&r), SPACE_ERR_MODE);
    r.mode = 0;
    r.ctx = 1000;
    CHECK_EQ(space_pcb_write(&r), SPACE_ERR_CONTEXT);
    CHECK_EQ(space_pcb_read(&r), SPACE_OK);
    CHECK(pcb_equal(&r, &b)); /* failed writes changed nothing */

    /* pcb_read into memory MODE 0 cannot write: nothing is written */
    CHECK_EQ(space_pcb_read((struct space_pcb *)0x30001000), SPACE_ERR_ACCESS); /* unmapped */
    CHECK_EQ(space_pcb_read((struct space_pcb *)0x1000), SPACE_ERR_ACCESS);     /* read-only */
    uint32_t f = kit_frame();
    CHECK_EQ(space_map_memory(0, 0x30000000, f, SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
    volatile uint32_t *tail = (volatile uint32_t *)(0x30000000 + 4096 - 8);
    tail[0] = 0x77777777;
    tail[1] = 0x88888888;
    CHECK_EQ(space_pcb_read((struct space_pcb *)tail),
             SPACE_ERR_ACCESS); /* straddles into unmapped */
    CHECK_EQ(tail[0], 0x77777777);
    CHECK_EQ(tail[1], 0x88888888);
    CHECK_EQ(space_pcb_push((const struct space_pcb *)tail), SPACE_ERR_ACCESS);
    /* a mapped straddling buffer works */
    CHECK_EQ(space_map_memory(0, 0x30001000, kit_frame(), SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
    CHECK_EQ(space_pcb_read((struct space_pcb *)tail), SPACE_OK);
    CHECK(pcb_equal((struct space_pcb *)tail, &b));
    /* a buffer MODE 0 may read but another mode may not: MODE 0 rules */
    CHECK_EQ(space_map_memory(0, 0x30001000, 0, 0), SPACE_OK);
    CHECK_EQ(space_map_memory(0, 0x30000000, f, SPACE_ACCESS(3, SPACE_RW)), SPACE_OK);
    CHECK_EQ(space_pcb_read((struct space_pcb *)0x30000000), SPACE_ERR_ACCESS);
    CHECK_EQ(space_pcb_push((const struct space_pcb *)0x30000000), SPACE_ERR_ACCESS);
    CHECK_EQ(space_map_memory(0, 0x30000000, 0, 0), SPACE_OK);

    CHECK_EQ(space_pcb_pop(), SPACE_OK);
    CHECK_EQ(space_pcb_read(&r), SPACE_OK);
    CHECK(pcb_equal(&r, &a));
    CHECK_EQ(space_pcb_pop(), SPACE_OK);
    CHECK_EQ(space_pcb_pop(), SPACE_ERR_EMPTY);

    /* the chain holds SPACE_CHAIN_MAX PCBs */
    for (uint32_t i = 0; i < SPACE_CHAIN_MAX; i++) {
        r = sample(i);
        CHECK_EQ(space_pcb_push(&r), SPACE_OK);
    }
    CHECK_EQ(space_pcb_push(&a), SPACE_ERR_FULL);
    for (uint32_t i = SPACE_CHAIN_MAX; i-- > 0;) {
        struct space_pcb want = sample(i);
        CHECK_EQ(space_pcb_read(&r), SPACE_OK);
        CHECK(pcb_equal(&r, &want));
        CHECK_EQ(space_pcb_pop(), SPACE_OK);
    }
    CHECK_EQ(space_pcb_read(&r), SPACE_ERR_EMPTY);
    out_str("chain ops ok\n");
}

static void test_suspend(void)
{
    struct space_pcb a = sample(3), b = sample(4), c = sample(5), r;

    CHECK_EQ(space_unsuspend(0), SPACE_ERR_TOKEN);
    CHECK_EQ(space_unsuspend(-1), SPACE_ERR_TOKEN);
    CHECK_EQ(space_unsuspend(1), SPACE_ERR_TOKEN);
    CHECK_EQ(space_unsuspend(0x7fffffff), SPACE_ERR_TOKEN);

    /* chain {a, b} -> token 1; chain {c} -> token 2 */
    CHECK_EQ(space_pcb_push(&a), SPACE_OK);
    CHECK_EQ(space_pcb_push(&b), SPACE_OK);
    int t1 = space_suspend();
    CHECK(t1 > 0);
    CHECK_EQ(space_pcb_read(&r), SPACE_ERR_EMPTY);
    CHECK_EQ(space_suspend(), SPACE_ERR_EMPTY);
    CHECK_EQ(space_pcb_push(&c), SPACE_OK);
    int t2 = space_suspend();
    CHECK(t2 > 0);
    CHECK(t2 != t1);
    CHECK_EQ(space_unsuspend(t1 + 0x1000), SPACE_ERR_TOKEN); /* right slot, wrong generation */

    /* unsuspend needs an empty chain; a failed attempt keeps the token */
    CHECK_EQ(space_pcb_push(&a), SPACE_OK);
    CHECK_EQ(space_unsuspend(t1), SPACE_ERR_BUSY);
    CHECK_EQ(space_pcb_pop(), SPACE_OK);

    CHECK_EQ(space_unsuspend(t1), SPACE_OK);
    CHECK_EQ(space_pcb_read(&r), SPACE_OK);
    CHECK(pcb_equal(&r, &b));
    CHECK_EQ(space_pcb_pop(), SPACE_OK);
    CHECK_EQ(space_pcb_read(&r), SPACE_OK);
    CHECK(pcb_equal(&r, &a));
    CHECK_EQ(space_pcb_pop(), SPACE_OK);
    CHECK_EQ(space_unsuspend(t1), SPACE_ERR_TOKEN); /* one-shot */

    /* the slot is reused with a new token; the old one stays dead */
    CHECK_EQ(space_pcb_push(&a), SPACE_OK);
    int t3 = space_suspend();
    CHECK(t3 > 0);
    CHECK(t3 != t1);
    CHECK_EQ(space_unsuspend(t1), SPACE_ERR_TOKEN);

    CHECK_EQ(space_unsuspend(t2), SPACE_OK);
    CHECK_EQ(space_unsuspend(t3), SPACE_ERR_BUSY);
    CHECK_EQ(space_pcb_read(&r), SPACE_OK);
    CHECK(pcb_equal(&r, &c));
    CHECK_EQ(space_pcb_pop(), SPACE_OK);
    CHECK_EQ(space_unsuspend(t2), SPACE_ERR_TOKEN);
    CHECK_EQ(space_unsuspend(t3), SPACE_OK);
    CHECK_EQ(space_pcb_read(&r), SPACE_OK);
    CHECK(pcb_equal(&r, &a));
    CHECK_EQ(space_pcb_pop(), SPACE_OK);
    CHECK_EQ(space_pcb_pop(), SPACE_ERR_EMPTY);

    out_str("suspend ok\n");
}

/* --cmdline full: the suspend table holds SPACE_SUSPENDED_MAX chains,
 * each with a token that brings it back */
static void test_suspend_full(void)
{
    struct space_pcb a = sample(3), r;
    /* the suspend table holds SPACE_SUSPENDED_MAX chains */
    static int toks[SPACE_SUSPENDED_MAX];
    for (uint32_t i = 0; i < SPACE_SUSPENDED_MAX; i++) {
        struct space_pcb x = sample(i & 0xff);
        x.eax = i;
        CHECK_EQ(space_pcb_push(&x), SPACE_OK);
        toks[i] = space_suspend();
        CHECK(toks[i] > 0);
    }
    CHECK_EQ(space_pcb_push(&a), SPACE_OK);
    CHECK_EQ(space_suspend(), SPACE_ERR_FULL);
    CHECK_EQ(space_pcb_read(&r), SPACE_OK); /* the chain stayed current */
    CHECK(pcb_equal(&r, &a));
    CHECK_EQ(space_pcb_pop(), SPACE_OK);
    for (uint32_t i = SPACE_SUSPENDED_MAX; i-- > 0;) {
        int rc = space_unsuspend(toks[i]);
        if (rc != SPACE_OK) {
            out_str("FAIL: unsuspend of suspended chain #");
            out_dec(i);
            out_str(" (token ");
            out_hex((uint32_t)toks[i]);
            out_str(", the previous one ");
            out_hex((uint32_t)toks[i - 1]);
            out_str("): ");
            out_dec((uint32_t)-rc);
            out_str("\n");
            space_halt(1);
        }
        CHECK_EQ(space_pcb_read(&r), SPACE_OK);
        CHECK_EQ(r.eax, i);
        CHECK_EQ(space_pcb_pop(), SPACE_OK);
    }
    for (uint32_t i = 0; i < SPACE_SUSPENDED_MAX; i += 97)
        CHECK_EQ(space_unsuspend(toks[i]), SPACE_ERR_TOKEN);
    out_str("suspend table ok\n");
}

static void test_misc(void)
{
    /* interrupts: disabled at boot; returns the old bit */
    CHECK_EQ(space_interrupts(1), 0);
    CHECK_EQ(space_interrupts(5), 1);
    CHECK_EQ(space_interrupts(0), 1);
    CHECK_EQ(space_interrupts(0), 0);

    /* naming CONTEXTs: any CONTEXT, a long name cut, errors */
    CHECK_EQ(space_context_name(0, "ops test"), 0);
    CHECK_EQ(space_context_name(255, "a name longer than thirty-one bytes is cut"), 0);
    CHECK_EQ(space_context_name(3, ""), 0);
    CHECK_EQ(space_context_name(SPACE_CONTEXTS, "x"), SPACE_ERR_CONTEXT);
    CHECK_EQ(space_context_name(1, (const char *)0x30001000), SPACE_ERR_ACCESS); /* unmapped */

    /* time moves forward */
    uint64_t t0 = space_time(), t1 = space_time();
    CHECK(t0 > 0);
    CHECK(t1 > t0);

    /* unknown operations: SPACE_ERR_OP, registers kept */
    static const uint32_t ops[] = {0,   SPACE_OP_COUNT, SPACE_OP_COUNT + 1,
                                   255, 0x80000000u,    0xffffffffu};
    for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        uint32_t a[6] = {1, 2, 3, 4, 5, 6};
        CHECK_EQ(kit_raw_op(ops[i], a), (uint32_t)SPACE_ERR_OP);
    }
    /* every register but EAX survives an unknown op or pcb_pop; EDX too
     * is a result register of time */
    uint32_t out[7];
    CHECK_EQ(ops_regs_probe(99, out), (uint32_t)SPACE_ERR_OP);
    CHECK_EQ(out[0], 0x11111111);
    CHECK_EQ(out[1], 0x22222222);
    CHECK_EQ(out[2], 0x33333333);
    CHECK_EQ(out[3], 0x44444444);
    CHECK_EQ(out[4], 0x55555555);
    CHECK_EQ(out[5], 0x66666666);
    CHECK_EQ(out[6], 0x8d5); /* the arithmetic flags set before the op */
    CHECK_EQ(ops_regs_probe(SPACE_OP_PCB_POP, out), (uint32_t)SPACE_ERR_EMPTY);
    CHECK_EQ(out[0], 0x11111111);
    CHECK_EQ(out[1], 0x22222222);
    CHECK_EQ(out[2], 0x33333333);
    CHECK_EQ(out[3], 0x44444444);
    CHECK_EQ(out[4], 0x55555555);
    CHECK_EQ(out[5], 0x66666666);
    uint32_t lo = ops_regs_probe(SPACE_OP_TIME, out);
    CHECK(lo > (uint32_t)t1);
    CHECK_EQ(out[2], 0); /* EDX: high word of the time */
    CHECK_EQ(out[0], 0x11111111);
    CHECK_EQ(out[1], 0x22222222);
    CHECK_EQ(out[3], 0x44444444);
    CHECK_EQ(out[4], 0x55555555);
    CHECK_EQ(out[5], 0x66666666);

    /* Resume restores only CF PF AF ZF SF TF DF OF (here all but TF) */
    struct space_pcb p = kit_pcb_for(0, 0, (uint32_t)flags_probe, kit_stack_top(0));
    p.eflags = 0xfffffeffu;
    CHECK_EQ(kit_start(&p), 0xcd7);

    /* debug_putc returns 0 */
    uint32_t a[6] = {'.', 0, 0, 0, 0, 0};
    CHECK_EQ(kit_raw_op(SPACE_OP_DEBUG_PUTC, a), 0);
    space_debug_putc('\n');
    out_str("misc ok\n");
}

void kmain(const struct space_bootinfo *boot)
{
    kit_init(boot);
    kit_portals_std(0);
    if (boot->cmdline[0] == 'f') {
        test_suspend_full();
        out_str("ops passed\n");
        space_halt(0);
    }
    test_map_memory(boot);
    test_map_portal();
    test_chain_ops();
    test_suspend();
    test_misc();
    out_str("ops passed\n");
    space_halt(0);
}
