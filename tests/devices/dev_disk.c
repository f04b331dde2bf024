/* dev_disk: the disk's registers and commands. Run with a fresh 1 MiB image
 * (--disk IMG --disk-size 1M: 2048 sectors).
 *   - polling STATUS with the disk interrupt off works (no interrupt comes);
 *   - a 256-sector (maximum) write and read round-trip a pattern;
 *   - latency: exactly 2000 + 200*COUNT instructions for read/write, 20000
 *     for flush, measured from the command write to the interrupt; 1 for an
 *     unknown command, 2000 for a bad COUNT; a STATUS read retiring at the
 *     completion time still sees BUSY;
 *   - while BUSY, SECTOR/COUNT/ADDR/COMMAND are frozen (a second command
 *     is ignored, not queued or counted); CONTROL stays writable;
 *   - an unknown command gives STATUS_ERR_COMMAND; COUNT 0 or > 256 or a
 *     range past the end gives ERR_RANGE; DMA outside RAM gives ERR_DMA;
 *     failed commands transfer nothing;
 *   - COMPLETED counts every command that completed (failed ones too).
 * Halts 0 on success; also run through the determinism harness. */
#include <space.h>

#include "devtest.h"

#define NSECT     2048u
#define BUF_A     0  /* window pages 0..31: 128 KiB */
#define BUF_B     32 /* window pages 32..63 */
#define BUF_C     64 /* window page 64 */
#define WIN(page) ((volatile uint32_t *)(WIN_VA + (page)*4096u))

uint32_t d_latency(uint32_t command), d_bad_status(void);

char kstack[16384] __attribute__((aligned(16)));
void irq_entry(void);
__asm__(".text\n.globl irq_entry\nirq_entry:\n mov $kstack+16384, %esp\n cld\n call irq_c\n");
static volatile uint32_t disk_irqs;
static uint32_t frame, completed;

void irq_c(void)
{
    struct space_pcb p;
    CHECK_EQ(space_pcb_read(&p), SPACE_OK);
    CHECK_EQ(p.trap, 34);
    disk_irqs++;
    space_resume();
}

static uint32_t pattern(uint32_t sector, uint32_t word, uint32_t salt)
{
    return (sector << 16 | word) ^ salt;
}

static void set(uint32_t sector, uint32_t count, uint32_t paddr)
{
    REG(DISK_VA, SPACE_DISK_SECTOR) = sector;
    REG(DISK_VA, SPACE_DISK_COUNT) = count;
    REG(DISK_VA, SPACE_DISK_ADDR) = paddr;
}

/* issues a command with the interrupt off and polls it to completion */
static uint32_t polled(uint32_t cmd, uint32_t sector, uint32_t count, uint32_t paddr)
{
    set(sector, count, paddr);
    REG(DISK_VA, SPACE_DISK_COMMAND) = cmd;
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_STATUS), SPACE_DISK_BUSY);
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_COMMAND), cmd);
    uint32_t st;
    while ((st = REG(DISK_VA, SPACE_DISK_STATUS)) == SPACE_DISK_BUSY)
        ;
    completed++;
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_COMPLETED), completed);
    return st;
}

/* delivers the pending disk interrupt, which must be there */
static void take_irq(void)
{
    uint32_t before = disk_irqs;
    space_interrupts(1);
    space_interrupts(0);
    CHECK_EQ(disk_irqs, before + 1);
}

static uint32_t latency(uint32_t cmd, uint32_t sector, uint32_t count, uint32_t paddr)
{
    set(sector, count, paddr);
    uint32_t l = d_latency(cmd) - 2;
    completed++;
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_COMPLETED), completed);
    take_irq();
    return l;
}

static void fill(uint32_t page, uint32_t sectors, uint32_t first_sector, uint32_t salt)
{
    volatile uint32_t *w = WIN(page);
    for (uint32_t s = 0; s < sectors; s++)
        for (uint32_t i = 0; i < 128; i++)
            w[s * 128 + i] = pattern(first_sector + s, i, salt);
}

static void expect_w(volatile uint32_t *w, uint32_t sectors, uint32_t first_sector, uint32_t salt)
{
    for (uint32_t s = 0; s < sectors; s++)
        for (uint32_t i = 0; i < 128; i++)
            if (w[s * 128 + i] != pattern(first_sector + s, i, salt)) {
                out_str("FAIL: sector ");
                out_dec(first_sector + s);
                out_str(" word ");
                out_dec(i);
                out_str(": ");
                out_hex(w[s * 128 + i]);
                out_str(" != ");
                out_hex(pattern(first_sector + s, i, salt));
                out_str("\n");
                space_halt(1);
            }
}

static void expect(uint32_t page, uint32_t sectors, uint32_t first_sector, uint32_t salt)
{
    expect_w(WIN(page), sectors, first_sector, salt);
}

static void expect_fill(uint32_t page, uint32_t words, uint32_t value)
{
    volatile uint32_t *w = WIN(page);
    for (uint32_t i = 0; i < words; i++)
        CHECK_EQ(w[i], value);
}

void kmain(const struct space_bootinfo *boot)
{
    struct devinfo d;
    dev_setup(boot, &d);
    CHECK(d.disk != 0);
    frame = dev_window(boot, 0, 65, SPACE_ACCESS(0, SPACE_RW));
    const uint32_t pa_a = frame + BUF_A * 4096, pa_b = frame + BUF_B * 4096,
                   pa_c = frame + BUF_C * 4096;
    CHECK_EQ(space_map_portal(0, d.disk_trap, 0, 0, (uint32_t)irq_entry, 0), SPACE_OK);

    /* the state after power-on */
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_SECTORS), NSECT);
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_STATUS), SPACE_DISK_OK);
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_COMPLETED), 0);
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_CONTROL), 0);
    REG(DISK_VA, SPACE_DISK_SECTORS) = 5; /* read-only */
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_SECTORS), NSECT);

    /* polling, interrupt off: 256 sectors (the maximum) out and back */
    fill(BUF_A, 256, 0, 0x5a5a0000);
    CHECK_EQ(polled(SPACE_DISK_WRITE, 0, 256, pa_a), SPACE_DISK_OK);
    fill(BUF_A, 256, NSECT - 256, 0xa5a50000);
    CHECK_EQ(polled(SPACE_DISK_WRITE, NSECT - 256, 256, pa_a), SPACE_DISK_OK);
    CHECK_EQ(polled(SPACE_DISK_READ, 0, 256, pa_b), SPACE_DISK_OK);
    expect(BUF_B, 256, 0, 0x5a5a0000);
    CHECK_EQ(polled(SPACE_DISK_READ, NSECT - 256, 256, pa_b), SPACE_DISK_OK);
    expect(BUF_B, 256, NSECT - 256, 0xa5a50000);
    CHECK_EQ(polled(SPACE_DISK_READ, NSECT - 1, 1, pa_c), SPACE_DISK_OK); /* the last sector */
    expect(BUF_C, 1, NSECT - 1, 0xa5a50000);
    /* part of a transfer: sectors 3..5 land at the start of C */
    CHECK_EQ(polled(SPACE_DISK_READ, 3, 3, pa_c), SPACE_DISK_OK);
    expect(BUF_C, 3, 3, 0x5a5a0000);
    CHECK_EQ(disk_irqs, 0);
    space_interrupts(1); /* nothing is pending: CONTROL was 0 */
    space_interrupts(0);
    CHECK_EQ(disk_irqs, 0);
    out_str("polling: 256-sector round trips, no interrupts\n");

    /* latency, to the instruction */
    REG(DISK_VA, SPACE_DISK_CONTROL) = SPACE_DISK_INTERRUPT;
    CHECK_EQ(latency(SPACE_DISK_READ, 7, 1, pa_c), 2000 + 200 * 1);
    expect(BUF_C, 1, 7, 0x5a5a0000);
    fill(BUF_A, 8, 7, 0x12340000); /* sectors 7..14 get new contents */
    CHECK_EQ(latency(SPACE_DISK_WRITE, 7, 8, pa_a), 2000 + 200 * 8);
    CHECK_EQ(latency(SPACE_DISK_READ, 0, 256, pa_b), 2000 + 200 * 256);
    CHECK_EQ(latency(SPACE_DISK_FLUSH, 0, 0, 0), 20000);
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_STATUS), SPACE_DISK_OK);
    expect(BUF_B, 7, 0, 0x5a5a0000);
    expect_w(WIN(BUF_B) + 7 * 128, 8, 7, 0x12340000);
    expect_w(WIN(BUF_B) + 15 * 128, 256 - 15, 15, 0x5a5a0000);
    /* failures: an unknown command after 1, a bad COUNT after the base 2000 */
    CHECK_EQ(latency(SPACE_DISK_READ, 0, 0, pa_c), 2000);
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_STATUS), SPACE_DISK_ERR_RANGE);
    CHECK_EQ(latency(SPACE_DISK_READ, 0, 257, pa_c), 2000);
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_STATUS), SPACE_DISK_ERR_RANGE);
    CHECK_EQ(latency(SPACE_DISK_WRITE, 0, 0x80000000u, pa_c), 2000);
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_STATUS), SPACE_DISK_ERR_RANGE);
    /* an unknown command completes 1 instruction after its write: the STATUS
     * read retiring exactly then still sees BUSY, the next one the error */
    CHECK_EQ(d_bad_status(), SPACE_DISK_BUSY | SPACE_DISK_ERR_COMMAND << 8);
    completed++;
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_COMPLETED), completed);
    take_irq();
    out_str("latency: 2000 + 200 per sector, flush 20000\n");

    /* registers frozen while busy */
    REG(DISK_VA, SPACE_DISK_CONTROL) = 0;
    for (uint32_t i = 0; i < 1024; i++)
        WIN(BUF_C)[i] = 0xeeeeeeee;
    set(10, 1, pa_b);
    REG(DISK_VA, SPACE_DISK_COMMAND) = SPACE_DISK_READ;
    set(1000, 2, pa_c);
    REG(DISK_VA, SPACE_DISK_COMMAND) = SPACE_DISK_WRITE;
    REG(DISK_VA, SPACE_DISK_COMMAND) = 99;
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_SECTOR), 10);
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_COUNT), 1);
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_ADDR), pa_b);
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_COMMAND), SPACE_DISK_READ);
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_STATUS), SPACE_DISK_BUSY);
    REG(DISK_VA, SPACE_DISK_STATUS) = SPACE_DISK_OK; /* STATUS is read-only */
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_STATUS), SPACE_DISK_BUSY);
    REG(DISK_VA, SPACE_DISK_CONTROL) = SPACE_DISK_INTERRUPT; /* CONTROL is not frozen */
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_CONTROL), SPACE_DISK_INTERRUPT);
    REG(DISK_VA, SPACE_DISK_CONTROL) = 0;
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_CONTROL), 0);
    while (REG(DISK_VA, SPACE_DISK_STATUS) == SPACE_DISK_BUSY)
        ;
    completed++;
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_STATUS), SPACE_DISK_OK);
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_COMPLETED), completed); /* one command, not three */
    expect(BUF_B, 1, 10, 0x12340000);
    expect_fill(BUF_C, 1024, 0xeeeeeeee);
    /* the ignored write did not happen: sectors 1000-1001 are still zero */
    CHECK_EQ(polled(SPACE_DISK_READ, 1000, 2, pa_c), SPACE_DISK_OK);
    expect_fill(BUF_C, 256, 0);
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_SECTOR), 1000); /* writable again */
    out_str("busy: registers frozen, second command ignored\n");

    /* errors */
    static const uint32_t bad_cmds[] = {0, 4, 7, 0x101, 0xffffffff};
    for (unsigned i = 0; i < sizeof bad_cmds / sizeof bad_cmds[0]; i++)
        CHECK_EQ(polled(bad_cmds[i], 0, 1, pa_c), SPACE_DISK_ERR_COMMAND);
    for (uint32_t i = 0; i < 1024; i++)
        WIN(BUF_C)[i] = 0xeeeeeeee;
    CHECK_EQ(polled(SPACE_DISK_READ, 0, 0, pa_c), SPACE_DISK_ERR_RANGE);
    CHECK_EQ(polled(SPACE_DISK_READ, 0, 257, pa_a), SPACE_DISK_ERR_RANGE);
    CHECK_EQ(polled(SPACE_DISK_READ, NSECT, 1, pa_c), SPACE_DISK_ERR_RANGE);
    CHECK_EQ(polled(SPACE_DISK_READ, NSECT - 1, 2, pa_c), SPACE_DISK_ERR_RANGE);
    CHECK_EQ(polled(SPACE_DISK_READ, NSECT - 255, 256, pa_a), SPACE_DISK_ERR_RANGE);
    CHECK_EQ(polled(SPACE_DISK_READ, 0xffffffff, 2, pa_c), SPACE_DISK_ERR_RANGE);
    expect_fill(BUF_C, 1024, 0xeeeeeeee);
    CHECK_EQ(polled(SPACE_DISK_WRITE, 0, 0, pa_c), SPACE_DISK_ERR_RANGE);
    CHECK_EQ(polled(SPACE_DISK_WRITE, NSECT - 1, 2, pa_c), SPACE_DISK_ERR_RANGE);
    /* DMA must stay inside RAM */
    uint32_t ram = boot->ram_size;
    CHECK_EQ(polled(SPACE_DISK_READ, 0, 2, ram - 512), SPACE_DISK_ERR_DMA);
    CHECK_EQ(polled(SPACE_DISK_READ, 0, 1, ram), SPACE_DISK_ERR_DMA);
    CHECK_EQ(polled(SPACE_DISK_READ, 0, 1, 0xf0000000u), SPACE_DISK_ERR_DMA);
    CHECK_EQ(polled(SPACE_DISK_READ, 0, 1, 0xfffffe00u), SPACE_DISK_ERR_DMA);
    CHECK_EQ(polled(SPACE_DISK_WRITE, 20, 2, ram - 512), SPACE_DISK_ERR_DMA);
    CHECK_EQ(polled(SPACE_DISK_WRITE, 20, 1, 0xf0001000u), SPACE_DISK_ERR_DMA);
    /* the failed writes wrote nothing: the first sectors still hold the pattern */
    CHECK_EQ(polled(SPACE_DISK_READ, 0, 32, pa_b), SPACE_DISK_OK);
    expect(BUF_B, 7, 0, 0x5a5a0000);
    expect_w(WIN(BUF_B) + 7 * 128, 8, 7, 0x12340000);
    expect_w(WIN(BUF_B) + 15 * 128, 32 - 15, 15, 0x5a5a0000);
    /* the last sector of RAM is a valid DMA target */
    CHECK_EQ(space_map_memory(0, WIN_VA + 100 * 4096, ram - 4096, SPACE_ACCESS(0, SPACE_RW)),
             SPACE_OK);
    CHECK_EQ(polled(SPACE_DISK_READ, 5, 1, ram - 512), SPACE_DISK_OK);
    volatile uint32_t *last = (uint32_t *)(WIN_VA + 100 * 4096 + 4096 - 512);
    for (uint32_t i = 0; i < 128; i++)
        CHECK_EQ(last[i], pattern(5, i, 0x5a5a0000));
    CHECK_EQ(disk_irqs, 8);
    out_str("errors: command, range, DMA\n");

    out_str("dev_disk passed\n");
    space_halt(0);
}
