/* dev_console: console input. The command line picks:
 *   norx  the guest never enables the receive interrupt: it polls the
 *         registers (no input, nothing to read) and waits for 20 timer
 *         ticks; the console must not read its input meanwhile, so an
 *         input that never ends (a pipe kept open) does not block the run.
 *         Prints "norx: start"/"norx: done" through the console.
 *   spin  like norx, then polls STATUS forever (ended by --max-insns).
 *   echo  with the receive interrupt on, copies every input byte to the
 *         console as it arrives (so the output must equal the input, lines
 *         over 4 KiB and a last line without newline included), and then
 *         prints on the debug port "rx:" and the RX_COUNT seen at each
 *         console interrupt, "eof" for the end-of-input one (RX_COUNT 0,
 *         RX_EOF); after it, a wait must bring the timer, not the console.
 *   echobit  the same, but the guest prints nothing: CONTROL.ECHO copies
 *         each delivered line to the output.
 *   delay  (input "ab\ncd\nef\ngh\n") input without a wait, INPUT_DELAY
 *         instructions after the console starts wanting it (the CONTROL
 *         write setting RX_INTERRUPT, or the DATA read taking a line's last
 *         byte): exact to the instruction; INPUT_DELAY 0 = only on waits; a
 *         new INPUT_DELAY applies from the next start; CONTROL = 0 cancels;
 *         nothing after the end of input. */
#include <space.h>

#include "devtest.h"

char kstack[16384] __attribute__((aligned(16)));
void irq_entry(void);
__asm__(".text\n.globl irq_entry\nirq_entry:\n mov $kstack+16384, %esp\n cld\n call irq_c\n");
static volatile uint32_t console_irqs, timer_irqs, eof_irq;
static uint32_t rx_at_irq[64];
static struct space_pcb irq_pcb[64];
uint32_t got_line[3];
uint32_t c_arm(uint32_t control), c_drain(void), c_drain_newdelay(void), c_drain_cancel(void);
extern char c_arm_seq[], c_drain_seq[], c_drain_newdelay_seq[];

void irq_c(void)
{
    struct space_pcb p;
    CHECK_EQ(space_pcb_read(&p), SPACE_OK);
    if (p.trap == 33) {
        timer_irqs++;
    } else {
        CHECK_EQ(p.trap, 32);
        CHECK(!eof_irq); /* nothing after the end of input */
        uint32_t n = REG(CONSOLE_VA, SPACE_CONSOLE_RX_COUNT);
        uint32_t st = REG(CONSOLE_VA, SPACE_CONSOLE_STATUS);
        if (n == 0) {
            CHECK_EQ(st, SPACE_CONSOLE_RX_EOF | SPACE_CONSOLE_TX_READY);
            eof_irq = 1;
        } else {
            CHECK(st & SPACE_CONSOLE_RX_READY);
        }
        if (console_irqs < 64) {
            rx_at_irq[console_irqs] = n;
            irq_pcb[console_irqs] = p;
        }
        console_irqs++;
    }
    space_resume();
}

static void no_input(void)
{
    for (int i = 0; i < 1000; i++) {
        CHECK_EQ(REG(CONSOLE_VA, SPACE_CONSOLE_STATUS), SPACE_CONSOLE_TX_READY);
        CHECK_EQ(REG(CONSOLE_VA, SPACE_CONSOLE_RX_COUNT), 0);
    }
    CHECK_EQ(REG(CONSOLE_VA, SPACE_CONSOLE_DATA), 0);
    CHECK_EQ(REG(CONSOLE_VA, SPACE_CONSOLE_CONTROL), 0);
}

/* checks console interrupt i: EAX = eax at pc, RX_COUNT then = rx */
static void check_irq(uint32_t i, uint32_t eax, uint32_t pc, uint32_t rx)
{
    CHECK(i < console_irqs);
    CHECK_EQ(irq_pcb[i].trap, 32);
    CHECK_EQ(irq_pcb[i].eax, eax);
    CHECK_EQ(irq_pcb[i].pc, pc);
    CHECK_EQ(rx_at_irq[i], rx);
}

static void check_line(const char *s)
{
    for (int i = 0; i < 3; i++)
        CHECK_EQ(got_line[i], (uint8_t)s[i]);
}

static void delay_test(void)
{
    no_input(); /* (also makes the run long enough for the determinism harness) */
    CHECK_EQ(REG(CONSOLE_VA, SPACE_CONSOLE_INPUT_DELAY), 200000); /* the default */
    space_interrupts(1);
    /* INPUT_DELAY 0: only a wait brings input */
    REG(CONSOLE_VA, SPACE_CONSOLE_INPUT_DELAY) = 0;
    CHECK_EQ(c_arm(SPACE_CONSOLE_RX_INTERRUPT), 1000);
    CHECK_EQ(console_irqs, 0);
    REG(CONSOLE_VA, SPACE_CONSOLE_CONTROL) = 0;
    /* 100: the line comes 100 instructions after the CONTROL write */
    REG(CONSOLE_VA, SPACE_CONSOLE_INPUT_DELAY) = 100;
    CHECK_EQ(c_arm(SPACE_CONSOLE_RX_INTERRUPT), 1000);
    CHECK_EQ(console_irqs, 1);
    check_irq(0, 100, (uint32_t)c_arm_seq + 100, 3);
    /* ... and the next 100 after the read of the last byte */
    CHECK_EQ(c_drain(), 1000);
    check_line("ab\n");
    CHECK_EQ(console_irqs, 2);
    check_irq(1, 100, (uint32_t)c_drain_seq + 100, 3);
    /* a new INPUT_DELAY applies from the next start, not to the one scheduled */
    REG(CONSOLE_VA, SPACE_CONSOLE_INPUT_DELAY) = 300;
    CHECK_EQ(c_drain_newdelay(), 1010);
    check_line("cd\n");
    CHECK_EQ(console_irqs, 3);
    check_irq(2, 299, (uint32_t)c_drain_newdelay_seq + 10 + 7 + 289, 3);
    CHECK_EQ(REG(CONSOLE_VA, SPACE_CONSOLE_INPUT_DELAY), 50);
    /* CONTROL without RX_INTERRUPT cancels the delivery */
    CHECK_EQ(c_drain_cancel(), 1020);
    check_line("ef\n");
    CHECK_EQ(console_irqs, 3);
    CHECK_EQ(REG(CONSOLE_VA, SPACE_CONSOLE_RX_COUNT), 0);
    CHECK_EQ(c_arm(SPACE_CONSOLE_RX_INTERRUPT), 1000);
    CHECK_EQ(console_irqs, 4);
    check_irq(3, 50, (uint32_t)c_arm_seq + 50, 3);
    /* the end of input, reported once, the same way */
    CHECK_EQ(c_drain(), 1000);
    check_line("gh\n");
    CHECK_EQ(console_irqs, 5);
    check_irq(4, 50, (uint32_t)c_drain_seq + 50, 0);
    CHECK(eof_irq);
    CHECK_EQ(c_arm(SPACE_CONSOLE_RX_INTERRUPT), 1000);
    CHECK_EQ(console_irqs, 5);
    space_interrupts(0);
    out_str("dev_console delay passed\n");
    space_halt(0);
}

void kmain(const struct space_bootinfo *boot)
{
    struct devinfo d;
    dev_setup(boot, &d);
    const char *cmd = boot->cmdline;
    CHECK_EQ(space_map_portal(0, 32, 0, 0, (uint32_t)irq_entry, 0), SPACE_OK);
    CHECK_EQ(space_map_portal(0, 33, 0, 0, (uint32_t)irq_entry, 0), SPACE_OK);
    if (dev_has_word(cmd, "norx") || dev_has_word(cmd, "spin")) {
        con_puts("norx: start\n");
        no_input();
        REG(TIMER_VA, SPACE_TIMER_INTERVAL) = 10000;
        REG(TIMER_VA, SPACE_TIMER_CONTROL) = SPACE_TIMER_ENABLE | SPACE_TIMER_PERIODIC;
        space_interrupts(1);
        while (timer_irqs < 20)
            space_wait();
        space_interrupts(0);
        REG(TIMER_VA, SPACE_TIMER_CONTROL) = 0;
        CHECK_EQ(console_irqs, 0);
        no_input();
        if (dev_has_word(cmd, "spin"))
            for (;;)
                CHECK_EQ(REG(CONSOLE_VA, SPACE_CONSOLE_STATUS), SPACE_CONSOLE_TX_READY);
        con_puts("norx: done\n");
        space_halt(0);
    }
    if (dev_has_word(cmd, "delay"))
        delay_test();
    int echobit = dev_has_word(cmd, "echobit");
    if (!echobit && !dev_has_word(cmd, "echo")) {
        out_str("dev_console: say norx, spin, echo, echobit or delay\n");
        space_halt(2);
    }
    uint32_t ctl = SPACE_CONSOLE_RX_INTERRUPT | (echobit ? SPACE_CONSOLE_ECHO : 0);
    REG(CONSOLE_VA, SPACE_CONSOLE_CONTROL) = ctl;
    CHECK_EQ(REG(CONSOLE_VA, SPACE_CONSOLE_CONTROL), ctl);
    while (!eof_irq) {
        space_interrupts(1);
        space_wait();
        space_interrupts(0);
        while (REG(CONSOLE_VA, SPACE_CONSOLE_STATUS) & SPACE_CONSOLE_RX_READY) {
            uint32_t c = REG(CONSOLE_VA, SPACE_CONSOLE_DATA);
            if (!echobit)
                REG(CONSOLE_VA, SPACE_CONSOLE_DATA) = c;
        }
        CHECK_EQ(REG(CONSOLE_VA, SPACE_CONSOLE_RX_COUNT), 0);
    }
    /* the end of input was reported once: the next interrupt is the timer's */
    uint32_t n = console_irqs;
    REG(TIMER_VA, SPACE_TIMER_INTERVAL) = 5000;
    REG(TIMER_VA, SPACE_TIMER_CONTROL) = SPACE_TIMER_ENABLE;
    space_interrupts(1);
    space_wait();
    space_interrupts(0);
    CHECK_EQ(timer_irqs, 1);
    CHECK_EQ(console_irqs, n);
    CHECK_EQ(REG(CONSOLE_VA, SPACE_CONSOLE_STATUS), SPACE_CONSOLE_RX_EOF | SPACE_CONSOLE_TX_READY);
    out_str("rx:");
    for (uint32_t i = 0; i < n && i < 64; i++) {
        if (rx_at_irq[i]) {
            out_dec(rx_at_irq[i]);
            out_str(",");
        } else {
            out_str("eof");
        }
    }
    out_str("\n");
    space_halt(0);
}
