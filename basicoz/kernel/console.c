/* console.c - the console driver: output a byte at a time, input a line at
 * a time through interrupts into a buffer that read() drains. The device's
 * registers and the buffer are console_lock's (klib.c): the functions here
 * take it, except console_putc, whose caller holds it for a whole piece of
 * output. The console interrupts CPU 0 only; any CPU may read and write. */
#include "kernel.h"

#define REG(r) regs[(r) / 4]

static volatile uint32_t *regs;
static uint32_t trap;
static char buf[4096]; /* input received, not yet read */
static uint32_t head, count;
static int at_eof;

void console_init(const struct space_bootinfo *boot)
{
    regs = device_map(boot, SPACE_DEVICE_CONSOLE, 0, &trap);
    if (!regs)
        space_halt(254); /* no console: nothing to say it with */
    console_want_input(0);
}

/* Input is wanted only while someone waits in read(): the console then
 * delivers the next line (with an interrupt), as a person would type it
 * when asked. Echo makes a transcript of scripted input show the commands. */
void console_want_input(int on)
{
    acquire(&console_lock);
    REG(SPACE_CONSOLE_CONTROL) = SPACE_CONSOLE_ECHO | (on ? SPACE_CONSOLE_RX_INTERRUPT : 0);
    release(&console_lock);
}

uint32_t console_trap(void)
{
    return trap;
}

void console_putc(char c)
{
    REG(SPACE_CONSOLE_DATA) = (uint8_t)c;
}

/* Moves what the device received into the buffer. */
void console_interrupt(void)
{
    acquire(&console_lock);
    while (space_reg_read(&REG(SPACE_CONSOLE_STATUS)) & SPACE_CONSOLE_RX_READY) {
        char c = (char)space_reg_read(&REG(SPACE_CONSOLE_DATA));
        if (count < sizeof buf)
            buf[(head + count++) % sizeof buf] = c;
    }
    if (space_reg_read(&REG(SPACE_CONSOLE_STATUS)) & SPACE_CONSOLE_RX_EOF)
        at_eof = 1;
    release(&console_lock);
}

/* Up to len bytes, never past the end of a line; 0 at end of input; -1 if
 * nothing has arrived yet (the reader must wait). */
int console_read(char *dst, int len)
{
    acquire(&console_lock);
    if (!count) {
        release(&console_lock);
        return at_eof ? 0 : -1;
    }
    int n = 0;
    while (n < len && count) {
        char c = buf[head];
        head = (head + 1) % sizeof buf;
        count--;
        dst[n++] = c;
        if (c == '\n')
            break;
    }
    release(&console_lock);
    return n;
}
