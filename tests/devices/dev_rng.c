/* dev_rng: the random-number device (space run --rng SEED --cmdline SEED).
 * It is last on the bus, after the console and the timer; its numbers are
 * SplitMix64's for the seed; VALUE reads 0 and COUNT stands still while a
 * number is being made (SPACE_RNG_LATENCY instructions); its interrupt
 * comes when the next number is ready; writing SEED starts over. */
#include <space.h>

#include "check.h"

#define RNG_VA   0x30000000
#define REG(off) (((volatile uint32_t *)RNG_VA)[(off) / 4])

char kstack[16384] __attribute__((aligned(16)));
void irq_entry(void);
__asm__(".text\n.globl irq_entry\nirq_entry:\n mov $kstack+16384, %esp\n cld\n call irq_c\n");
static volatile uint32_t irqs, irq_trap;
static volatile uint64_t irq_time;

void irq_c(void)
{
    struct space_pcb p;
    CHECK_EQ(space_pcb_read(&p), SPACE_OK);
    irq_time = space_time();
    irq_trap = p.trap;
    irqs++;
    space_resume();
}

/* SplitMix64, as the device computes it. */
static uint64_t state;
static uint32_t expected(void)
{
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (uint32_t)((z ^ (z >> 31)) >> 32);
}

static uint32_t take(void)
{
    while (!(REG(SPACE_RNG_STATUS) & SPACE_RNG_READY))
        ;
    return REG(SPACE_RNG_VALUE);
}

void kmain(const struct space_bootinfo *boot)
{
    uint32_t seed = 0;
    for (const char *c = boot->cmdline; *c >= '0' && *c <= '9'; c++)
        seed = seed * 10 + (uint32_t)(*c - '0');
    uint32_t i = boot->ndevices - 1;
    const struct space_device_info *d = space_boot_device(boot, i);
    CHECK_EQ(boot->ndevices, 3); /* console, timer, rng */
    CHECK_EQ(d->type, SPACE_DEVICE_RNG);
    CHECK_EQ(d->unit, 0);
    CHECK_EQ(d->regs, 0xf0000000u + 4096 * i);
    CHECK_EQ(d->trap, 32 + i);
    CHECK_EQ(space_map_memory(0, RNG_VA, d->regs, SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
    CHECK_EQ(space_map_portal(0, d->trap, 0, 0, (uint32_t)irq_entry, 0), SPACE_OK);

    CHECK_EQ(REG(SPACE_RNG_SEED), seed);
    CHECK_EQ(REG(SPACE_RNG_COUNT), 0);
    CHECK_EQ(REG(SPACE_RNG_STATUS), SPACE_RNG_READY);
    CHECK_EQ(REG(SPACE_RNG_CONTROL), 0);
    state = seed;
    for (int n = 1; n <= 8; n++) {
        CHECK_EQ(take(), expected());
        CHECK_EQ(REG(SPACE_RNG_STATUS), 0); /* busy making the next */
        CHECK_EQ(REG(SPACE_RNG_VALUE), 0);
        CHECK_EQ(REG(SPACE_RNG_COUNT), n);
    }
    REG(SPACE_RNG_CONTROL) = SPACE_RNG_INTERRUPT; /* (still making the 9th) */
    CHECK_EQ(REG(SPACE_RNG_CONTROL), SPACE_RNG_INTERRUPT);
    out_str("the numbers of the seed\n");
    while (!(REG(SPACE_RNG_STATUS) & SPACE_RNG_READY))
        ;
    CHECK_EQ(irqs, 0); /* pending, interrupts disabled */
    space_interrupts(1);
    space_interrupts(0);
    CHECK_EQ(irqs, 1);
    uint64_t before = space_time();
    uint32_t v = REG(SPACE_RNG_VALUE);
    space_wait(); /* until the next is ready: the line is raised */
    space_interrupts(1);
    space_interrupts(0);
    CHECK_EQ(irqs, 2);
    CHECK_EQ(irq_trap, d->trap);
    CHECK_EQ(v, expected());
    /* (the handler's space_time comes a few dozen instructions after) */
    CHECK(irq_time - before >= SPACE_RNG_LATENCY && irq_time - before < 2 * SPACE_RNG_LATENCY);
    CHECK_EQ(REG(SPACE_RNG_STATUS), SPACE_RNG_READY);
    out_str("an interrupt when the next is ready\n");

    REG(SPACE_RNG_SEED) = 7;
    CHECK_EQ(REG(SPACE_RNG_SEED), 7);
    CHECK_EQ(REG(SPACE_RNG_COUNT), 0);
    state = 7;
    CHECK_EQ(take(), expected());
    CHECK_EQ(take(), expected());
    out_str("a new seed starts over\n");
    out_str("dev_rng passed\n");
    space_halt(0);
}
