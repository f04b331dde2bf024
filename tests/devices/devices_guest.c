/* A kernel that uses every device through interrupts: it checks the boot
 * information's device list, prints through the console, measures timer
 * ticks to the instruction, holds a masked interrupt pending and sees it
 * arrive on enable, round-trips sectors through the disk by DMA, and echoes
 * console input (upper-cased) until the input ends. With a disk, argument
 * "write" in the command line writes a pattern, "check" verifies it (for
 * the persistence test across two runs). Halts 0 on success. */
#include <space.h>

#define CONSOLE_VA 0x30000000u
#define TIMER_VA   0x30001000u
#define DISK_VA    0x30002000u
#define BUF_VA     0x30010000u /* 8 pages of DMA buffer, virtual = kernel window */

static volatile uint32_t *const console = (uint32_t *)CONSOLE_VA;
static volatile uint32_t *const timer = (uint32_t *)TIMER_VA;
static volatile uint32_t *const disk = (uint32_t *)DISK_VA;

#define REG(dev, off) ((dev)[(off) / 4])

static void put(char c)
{
    REG(console, SPACE_CONSOLE_DATA) = (uint8_t)c;
}

static void puts_(const char *s)
{
    while (*s)
        put(*s++);
}

static void putn(uint64_t v)
{
    char b[24];
    int n = 0;
    do
        b[n++] = (char)('0' + v % 10);
    while (v /= 10);
    while (n)
        put(b[--n]);
}

static void fail(const char *what, uint64_t got)
{
    puts_("FAIL: ");
    puts_(what);
    puts_(" (got ");
    putn(got);
    puts_(")\n");
    space_halt(1);
}

#define EXPECT(cond, what, got)                                                                    \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fail(what, got);                                                                       \
    } while (0)

/* ---- interrupt handling ---- */
static uint32_t trap_console, trap_timer, trap_disk;
static volatile uint32_t ticks_seen, disk_done, input_events;
static uint64_t tick_time[8];
static uint32_t last_pc;
char istack[8192] __attribute__((used));
void irq_entry(void);
__asm__(".text\nirq_entry: mov $istack+8192, %esp\n call irq_c\n");

void irq_c(void)
{
    struct space_pcb p;
    space_pcb_read(&p);
    last_pc = p.pc;
    if (p.trap == trap_timer) {
        if (ticks_seen < 8)
            tick_time[ticks_seen] = space_time();
        ticks_seen++;
    } else if (p.trap == trap_disk) {
        disk_done++;
    } else if (p.trap == trap_console) {
        input_events++;
    } else {
        fail("unexpected trap", p.trap);
    }
    space_resume();
}

static uint32_t find(const struct space_bootinfo *b, uint32_t type, uint32_t *trap)
{
    for (uint32_t i = 0; i < b->ndevices; i++)
        if (space_boot_device(b, i)->type == type) {
            *trap = space_boot_device(b, i)->trap;
            return space_boot_device(b, i)->regs;
        }
    return 0;
}

static void wait_for(volatile uint32_t *counter, uint32_t value)
{
    while (*counter < value) {
        space_interrupts(1);
        space_wait();
        space_interrupts(0);
    }
}

static int has_word(const char *s, const char *w)
{
    for (; *s; s++) {
        const char *a = s, *b = w;
        while (*b && *a == *b)
            a++, b++;
        if (!*b)
            return 1;
    }
    return 0;
}

static void disk_op(uint32_t cmd, uint32_t sector, uint32_t count, uint32_t paddr)
{
    uint32_t before = disk_done;
    REG(disk, SPACE_DISK_SECTOR) = sector;
    REG(disk, SPACE_DISK_COUNT) = count;
    REG(disk, SPACE_DISK_ADDR) = paddr;
    REG(disk, SPACE_DISK_COMMAND) = cmd;
    EXPECT(REG(disk, SPACE_DISK_STATUS) == SPACE_DISK_BUSY, "disk busy after command",
           REG(disk, SPACE_DISK_STATUS));
    wait_for(&disk_done, before + 1);
}

void kmain(const struct space_bootinfo *boot)
{
    uint32_t c_regs = find(boot, SPACE_DEVICE_CONSOLE, &trap_console);
    uint32_t t_regs = find(boot, SPACE_DEVICE_TIMER, &trap_timer);
    uint32_t d_regs = find(boot, SPACE_DEVICE_DISK, &trap_disk);
    if (!c_regs || !t_regs)
        space_halt(2);
    space_map_memory(0, CONSOLE_VA, c_regs, SPACE_ACCESS(0, SPACE_RW));
    space_map_memory(0, TIMER_VA, t_regs, SPACE_ACCESS(0, SPACE_RW));
    space_map_portal(0, trap_console, 0, 0, (uint32_t)irq_entry, 0);
    space_map_portal(0, trap_timer, 0, 0, (uint32_t)irq_entry, 0);
    puts_("devices:");
    for (uint32_t i = 0; i < boot->ndevices; i++) {
        puts_(" type ");
        putn(space_boot_device(boot, i)->type);
        puts_(" trap ");
        putn(space_boot_device(boot, i)->trap);
    }
    puts_("\n");
    EXPECT(c_regs == 0xf0000000 && trap_console == 32, "console at 0xf0000000, trap 32", c_regs);
    EXPECT(t_regs == 0xf0001000 && trap_timer == 33, "timer at 0xf0001000, trap 33", t_regs);

    /* Timer: periodic ticks exactly INTERVAL apart. */
    REG(timer, SPACE_TIMER_INTERVAL) = 5000;
    REG(timer, SPACE_TIMER_CONTROL) = SPACE_TIMER_ENABLE | SPACE_TIMER_PERIODIC;
    uint64_t armed =
        ((uint64_t)REG(timer, SPACE_TIMER_NEXT_HI) << 32 | REG(timer, SPACE_TIMER_NEXT_LO)) - 5000;
    wait_for(&ticks_seen, 5);
    REG(timer, SPACE_TIMER_CONTROL) = 0;
    for (int i = 1; i < 5; i++)
        EXPECT(tick_time[i] - tick_time[i - 1] == 5000, "periodic ticks 5000 apart",
               tick_time[i] - tick_time[i - 1]);
    EXPECT(REG(timer, SPACE_TIMER_TICKS) == 5, "TICKS register", REG(timer, SPACE_TIMER_TICKS));
    puts_("timer: 5 ticks exactly 5000 instructions apart, first ");
    putn(tick_time[0] - armed);
    puts_(" after arming\n");

    /* A masked interrupt stays pending and arrives when enabled. */
    uint32_t before = ticks_seen;
    REG(timer, SPACE_TIMER_INTERVAL) = 100;
    REG(timer, SPACE_TIMER_CONTROL) = SPACE_TIMER_ENABLE; /* one-shot */
    for (volatile int i = 0; i < 200; i++)
        ;
    EXPECT(ticks_seen == before, "no delivery while disabled", ticks_seen);
    EXPECT(REG(timer, SPACE_TIMER_TICKS) == 6, "the tick happened", REG(timer, SPACE_TIMER_TICKS));
    EXPECT((REG(timer, SPACE_TIMER_CONTROL) & SPACE_TIMER_ENABLE) == 0, "one-shot disarms", 1);
    space_interrupts(1);
    uint32_t after = ticks_seen;
    space_interrupts(0);
    EXPECT(after == before + 1, "pending tick delivered on enable", after);
    puts_("masked tick held pending, delivered on enable\n");

    /* Disk: DMA round trip. */
    if (d_regs) {
        space_map_memory(0, DISK_VA, d_regs, SPACE_ACCESS(0, SPACE_RW));
        space_map_portal(0, trap_disk, 0, 0, (uint32_t)irq_entry, 0);
        REG(disk, SPACE_DISK_CONTROL) = SPACE_DISK_INTERRUPT;
        uint32_t frame = boot->kernel_end; /* 2 free frames for DMA */
        space_map_memory(0, BUF_VA, frame, SPACE_ACCESS(0, SPACE_RW));
        space_map_memory(0, BUF_VA + 4096, frame + 4096, SPACE_ACCESS(0, SPACE_RW));
        volatile uint8_t *buf = (uint8_t *)BUF_VA;
        puts_("disk: ");
        putn(REG(disk, SPACE_DISK_SECTORS));
        puts_(" sectors\n");
        if (has_word(boot->cmdline, "write")) {
            for (int i = 0; i < 1024; i++)
                buf[i] = (uint8_t)(i * 7 + 3);
            disk_op(SPACE_DISK_WRITE, 3, 2, frame);
            EXPECT(REG(disk, SPACE_DISK_STATUS) == SPACE_DISK_OK ||
                       REG(disk, SPACE_DISK_STATUS) == SPACE_DISK_ERR_READONLY,
                   "write status", REG(disk, SPACE_DISK_STATUS));
            if (REG(disk, SPACE_DISK_STATUS) == SPACE_DISK_ERR_READONLY) {
                puts_("disk: write refused, image is read-only\n");
            } else {
                disk_op(SPACE_DISK_FLUSH, 0, 0, 0);
                EXPECT(REG(disk, SPACE_DISK_STATUS) == SPACE_DISK_OK, "flush status",
                       REG(disk, SPACE_DISK_STATUS));
                puts_("disk: wrote sectors 3-4 and flushed\n");
            }
        }
        for (int i = 0; i < 1024; i++)
            buf[4096 + i] = 0;
        disk_op(SPACE_DISK_READ, 3, 2, frame + 4096);
        EXPECT(REG(disk, SPACE_DISK_STATUS) == SPACE_DISK_OK, "read status",
               REG(disk, SPACE_DISK_STATUS));
        if (has_word(boot->cmdline, "check") || has_word(boot->cmdline, "write")) {
            for (int i = 0; i < 1024; i++)
                EXPECT(buf[4096 + i] == (uint8_t)(i * 7 + 3), "sector contents", i);
            puts_("disk: sectors 3-4 read back as written\n");
        }
        disk_op(SPACE_DISK_READ, REG(disk, SPACE_DISK_SECTORS) - 1, 2, frame);
        EXPECT(REG(disk, SPACE_DISK_STATUS) == SPACE_DISK_ERR_RANGE, "read past the end",
               REG(disk, SPACE_DISK_STATUS));
        disk_op(SPACE_DISK_READ, 0, 1, 0xfffff000);
        EXPECT(REG(disk, SPACE_DISK_STATUS) == SPACE_DISK_ERR_DMA, "DMA outside RAM",
               REG(disk, SPACE_DISK_STATUS));
        puts_("disk: range and DMA errors reported\n");
    }

    /* Console: echo input lines upper-cased until the input ends. Input
     * arrives while the CPU waits; a periodic timer keeps running. */
    REG(console, SPACE_CONSOLE_CONTROL) = SPACE_CONSOLE_RX_INTERRUPT;
    REG(timer, SPACE_TIMER_INTERVAL) = 7777;
    REG(timer, SPACE_TIMER_CONTROL) = SPACE_TIMER_ENABLE | SPACE_TIMER_PERIODIC;
    uint32_t lines = 0;
    for (;;) {
        uint32_t st = REG(console, SPACE_CONSOLE_STATUS);
        if (st & SPACE_CONSOLE_RX_READY) {
            char ch = (char)REG(console, SPACE_CONSOLE_DATA);
            put(ch >= 'a' && ch <= 'z' ? (char)(ch - 32) : ch);
            if (ch == '\n')
                lines++;
            continue;
        }
        if (st & SPACE_CONSOLE_RX_EOF)
            break;
        space_interrupts(1);
        space_wait();
        space_interrupts(0);
    }
    REG(timer, SPACE_TIMER_CONTROL) = 0;
    puts_("echoed ");
    putn(lines);
    puts_(" lines, ");
    putn(input_events);
    puts_(" input interrupts, at time ");
    putn(space_time());
    puts_("\n");
    space_halt(0);
}
