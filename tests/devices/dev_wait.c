/* dev_wait: space_wait() when no interrupt can come stops the machine
 * (exit 125, "the CPU waits for an interrupt that cannot come"); the
 * command line picks the situation:
 *   idle        nothing scheduled, interrupts masked
 *   idle-ie     the same with interrupts enabled
 *   after-tick  a one-shot tick was waited for and handled; wait again
 *   after-eof   console input (RX interrupt on) read to its end, and the
 *               end-of-input interrupt taken (a line interrupt each, then
 *               one for the end): the next wait stops
 *   disk-noirq  (with --disk) a disk read with its interrupt off: the wait
 *               outlives the command's completion, then stops
 * It prints "waiting" (debug port) just before the last wait and
 * "FAIL: woke up" if that wait ever returns. */
#include <space.h>

#include "devtest.h"

char kstack[16384] __attribute__((aligned(16)));
void irq_entry(void);
__asm__(".text\n.globl irq_entry\nirq_entry:\n mov $kstack+16384, %esp\n cld\n call irq_c\n");
static volatile uint32_t irqs, eof_irq;

void irq_c(void)
{
    struct space_pcb p;
    CHECK_EQ(space_pcb_read(&p), SPACE_OK);
    irqs++;
    if (p.trap == 32 && REG(CONSOLE_VA, SPACE_CONSOLE_RX_COUNT) == 0 &&
        REG(CONSOLE_VA, SPACE_CONSOLE_STATUS) == (SPACE_CONSOLE_RX_EOF | SPACE_CONSOLE_TX_READY))
        eof_irq = 1;
    out_str("interrupt ");
    out_dec(p.trap);
    out_str("\n");
    space_resume();
}

static void last_wait(void)
{
    out_str("waiting\n");
    space_wait();
    out_str("FAIL: woke up\n");
    space_halt(1);
}

void kmain(const struct space_bootinfo *boot)
{
    struct devinfo d;
    dev_setup(boot, &d);
    const char *cmd = boot->cmdline;
    for (uint32_t t = 32; t < 32 + boot->ndevices; t++)
        CHECK_EQ(space_map_portal(0, t, 0, 0, (uint32_t)irq_entry, 0), SPACE_OK);
    if (dev_has_word(cmd, "idle")) {
        last_wait();
    } else if (dev_has_word(cmd, "idle-ie")) {
        space_interrupts(1);
        last_wait();
    } else if (dev_has_word(cmd, "after-tick")) {
        REG(TIMER_VA, SPACE_TIMER_INTERVAL) = 1000;
        REG(TIMER_VA, SPACE_TIMER_CONTROL) = SPACE_TIMER_ENABLE;
        space_interrupts(1);
        space_wait();
        CHECK_EQ(irqs, 1);
        last_wait();
    } else if (dev_has_word(cmd, "after-eof")) {
        REG(CONSOLE_VA, SPACE_CONSOLE_CONTROL) = SPACE_CONSOLE_RX_INTERRUPT;
        space_interrupts(1);
        while (!eof_irq) {
            space_wait();
            while (REG(CONSOLE_VA, SPACE_CONSOLE_STATUS) & SPACE_CONSOLE_RX_READY)
                (void)REG(CONSOLE_VA, SPACE_CONSOLE_DATA);
        }
        last_wait();
    } else if (dev_has_word(cmd, "disk-noirq")) {
        CHECK(d.disk != 0);
        REG(DISK_VA, SPACE_DISK_SECTOR) = 0;
        REG(DISK_VA, SPACE_DISK_COUNT) = 1;
        REG(DISK_VA, SPACE_DISK_ADDR) = boot->kernel_end;
        REG(DISK_VA, SPACE_DISK_COMMAND) = SPACE_DISK_READ;
        space_interrupts(1);
        last_wait();
    } else {
        out_str("dev_wait: say idle, idle-ie, after-tick, after-eof or disk-noirq\n");
        space_halt(2);
    }
}
