/* hostile: a seeded random-operation guest (issue 18). Seed from the
 * command line (--cmdline SEED). It does, in random order: operations with
 * junk arguments (every number, unknown ones too), random PCBs pushed and
 * resumed, forged suspend tokens, pokes at random device registers, and
 * short random code - system, segment, x87 and SSE instructions among
 * random bytes - in every MODE. Whatever it does, the run must end in a
 * documented way: halted, the instruction limit, or a machine stop; never
 * a signal, a sanitizer report or a hang (tests/guest/hostile.sh checks). */
#include "kit.h"

static uint32_t rng_state;

static uint32_t rnd(void)
{
    uint32_t x = rng_state; /* xorshift32 */
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

/* A number a kernel might pass, or might pass by mistake. */
static uint32_t junk(void)
{
    static const uint32_t edges[] = {0,          1,          0xfff,      0x1000,     0xfffff000,
                                     0xffffffff, 0x80000000, 0x7fffffff, 0x00100000, 0x3ff};
    return rnd() & 1 ? edges[rnd() % (sizeof edges / sizeof edges[0])] : rnd();
}

/* Instructions a program has no business running, each then a ret. */
static const uint8_t sys_insns[][8] = {
    {3, 0x0f, 0x22, 0xc0},       /* mov %eax,%cr0 */
    {3, 0x0f, 0x20, 0xd8},       /* mov %cr3,%eax */
    {2, 0x8e, 0xd8},             /* mov %eax,%ds */
    {2, 0x8e, 0xd0},             /* mov %eax,%ss */
    {3, 0x0f, 0x01, 0x10},       /* lgdt (%eax) */
    {3, 0x0f, 0x00, 0xd8},       /* ltr %ax */
    {2, 0x0f, 0x34},             /* sysenter */
    {2, 0x0f, 0x05},             /* syscall */
    {2, 0x0f, 0xa2},             /* cpuid */
    {2, 0x0f, 0x31},             /* rdtsc */
    {1, 0xf4},                   /* hlt */
    {1, 0xfa},                   /* cli */
    {2, 0xe4, 0x40},             /* in $0x40,%al */
    {2, 0xcd, 0x80},             /* int $0x80 */
    {1, 0xcc},                   /* int3 */
    {2, 0x0f, 0x0b},             /* ud2 */
    {2, 0xd9, 0xeb},             /* fldpi */
    {2, 0xd9, 0xfa},             /* fsqrt */
    {2, 0xdb, 0xe3},             /* fninit */
    {3, 0x0f, 0x28, 0xc8},       /* movaps %xmm0,%xmm1 */
    {3, 0x0f, 0x58, 0xc1},       /* addps %xmm1,%xmm0 */
    {4, 0x66, 0x0f, 0xef, 0xc0}, /* pxor %xmm0,%xmm0 */
    {3, 0x0f, 0xae, 0xf8},       /* sfence */
    {2, 0xcd, 0xff},             /* int $0xff (an operation) */
    {1, 0xce},                   /* into */
    {2, 0xf7, 0xf1},             /* div %ecx */
};

static uint32_t code_frame, dev_va = 0x40000000u;
static const struct space_bootinfo *boot;

static void write_code(void)
{
    volatile uint8_t *p = (volatile uint8_t *)code_frame;
    unsigned n = 0;
    for (unsigned k = 0, parts = 1 + rnd() % 4; k < parts; k++) {
        if (rnd() % 3) {
            const uint8_t *s = sys_insns[rnd() % (sizeof sys_insns / sizeof sys_insns[0])];
            for (unsigned i = 0; i < s[0]; i++)
                p[n++] = s[1 + i];
        } else {
            for (unsigned i = 0, len = rnd() % 12; i < len; i++)
                p[n++] = (uint8_t)rnd();
        }
    }
    p[n] = 0xc3; /* ret */
}

static volatile int in_call;

/* A fault in code run by kit_call ends that call. */
static int on_trap(struct space_pcb *p)
{
    (void)p;
    if (in_call) {
        in_call = 0;
        kit_finish(KIT_FAULTED);
    }
    return KIT_DEFAULT;
}

static void random_op(void)
{
    uint32_t op = rnd() % (SPACE_OP_COUNT + 3);
    if (op == SPACE_OP_HALT && rnd() % 16)
        return; /* (now and then only: the run ends there) */
    uint32_t a[6];
    for (int i = 0; i < 6; i++)
        a[i] = junk();
    kit_raw_op(op, a);
}

static void random_pcb(void)
{
    struct space_pcb p;
    uint32_t *w = (uint32_t *)&p;
    for (unsigned i = 0; i < sizeof p / 4; i++)
        w[i] = junk();
    if (space_pcb_push(&p) == SPACE_OK && rnd() % 4 == 0)
        space_resume(); /* (anywhere: where it lands ends the run, or traps back) */
    else
        space_pcb_pop();
}

static void poke_device(void)
{
    if (!boot->ndevices)
        return;
    const struct space_device_info *d = &boot->devices[rnd() % boot->ndevices];
    if (space_map_memory(0, dev_va, d->regs, SPACE_ACCESS(0, SPACE_RW)) != SPACE_OK)
        return;
    uint32_t off = (rnd() % 64) * 4;
    if (rnd() & 1)
        kit_write32(dev_va + off, junk());
    else
        kit_read32(dev_va + off);
}

static void random_code(void)
{
    write_code();
    uint32_t mode = rnd() % 4;
    if (mode == 0) {
        kit_exec(code_frame);
        return;
    }
    in_call = 1;
    kit_call(1, mode, (uint32_t(*)(uint32_t))code_frame, junk(), 0);
    in_call = 0;
}

void kmain(const struct space_bootinfo *b)
{
    boot = b;
    kit_init(b);
    for (const char *s = b->cmdline; *s >= '0' && *s <= '9'; s++)
        rng_state = rng_state * 10 + (uint32_t)(*s - '0');
    rng_state = rng_state * 2654435761u + 1;
    kit_portals_std(0);
    kit_portals_std(1);
    uint32_t all = 0;
    for (uint32_t m = 0; m < 4; m++)
        all |= SPACE_ACCESS(m, SPACE_RWX);
    kit_map_image(1, all);
    code_frame = kit_frame();
    kit_map_range(1, code_frame, code_frame, 4096, all);
    kit_hook = on_trap;
    for (unsigned i = 0; i < 400; i++) {
        kit_recover_pc = 0;
        switch (rnd() % 6) {
        case 0:
        case 1: random_op(); break;
        case 2: random_pcb(); break;
        case 3: space_unsuspend((int)junk()); break;
        case 4: poke_device(); break;
        default: random_code(); break;
        }
    }
    out_str("hostile: survived\n");
    space_halt(0);
}
