/* console: a character device - output to the host's standard output,
 * input from a script file or the host's standard input.
 *
 * Input arrives a line at a time, and only when the guest waits for it:
 * when the CPU idles (space_wait) with the receive interrupt enabled and
 * the receive buffer empty, the next line is read and delivered at that
 * virtual time, with an interrupt. So a
 * run with scripted input is the same every time, however fast the host or
 * the typist; a typist is simply waited for. End of input (end of the file,
 * a closed standard input) is reported once, as a status bit with an
 * interrupt, and never blocks. Registers: docs/devices.md. */
#include <stdlib.h>
#include <string.h>

#include "../sim/platform.h"
#include "device.h"

enum {
    CONSOLE_DATA = 0x00,
    CONSOLE_STATUS = 0x04,
    CONSOLE_CONTROL = 0x08,
    CONSOLE_RX_COUNT = 0x0c,
    CONSOLE_INPUT_DELAY = 0x10,
};
enum { STATUS_RX_READY = 1, STATUS_RX_EOF = 2, STATUS_TX_READY = 4 };
enum { CONTROL_RX_INTERRUPT = 1, CONTROL_ECHO = 2 };
enum { FETCH = 0 };
#define DEFAULT_INPUT_DELAY 200000u

struct console {
    FILE *in;
    bool close_in;
    FILE *out;
    char *line; /* received, not yet read by the guest */
    size_t len, pos, cap;
    bool eof, eof_reported;
    bool terminal; /* input from an interactive terminal */
    uint32_t control, input_delay;
    uint64_t bytes_in, bytes_out;
};

static unsigned console_units(const struct device_options *opt)
{
    (void)opt;
    return 1;
}

static int console_create(struct device *d, const struct device_options *opt, char *err,
                          unsigned errlen)
{
    struct console *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    c->out = opt->console_output ? opt->console_output : stdout;
    if (opt->console_input) {
        c->in = fopen(opt->console_input, "rb");
        if (!c->in) {
            snprintf(err, errlen, "%s: cannot open console input script", opt->console_input);
            free(c);
            return -1;
        }
        c->close_in = true;
    } else {
        c->in = stdin;
    }
    c->terminal = platform_is_terminal(c->in);
    c->input_delay = DEFAULT_INPUT_DELAY;
    d->state = c;
    return 0;
}

static void console_destroy(struct device *d)
{
    struct console *c = d->state;
    if (!c)
        return;
    if (c->close_in)
        fclose(c->in);
    fflush(c->out);
    free(c->line);
    free(c);
}

/* The guest may get more input INPUT_DELAY instructions from now. */
static void expect_input(struct device *d, struct console *c)
{
    if ((c->control & CONTROL_RX_INTERRUPT) && c->pos >= c->len && !c->eof_reported &&
        c->input_delay)
        device_schedule(d, c->input_delay, FETCH);
}

static uint32_t console_read(struct device *d, uint32_t reg)
{
    struct console *c = d->state;
    switch (reg) {
    case CONSOLE_DATA:
        if (c->pos < c->len) {
            uint8_t ch = (uint8_t)c->line[c->pos++];
            if (c->pos == c->len)
                expect_input(d, c);
            return ch;
        }
        return 0;
    case CONSOLE_STATUS:
        return (c->pos < c->len ? STATUS_RX_READY : 0) |
               (c->eof && c->pos >= c->len ? STATUS_RX_EOF : 0) | STATUS_TX_READY;
    case CONSOLE_CONTROL: return c->control;
    case CONSOLE_RX_COUNT: return (uint32_t)(c->len - c->pos);
    case CONSOLE_INPUT_DELAY: return c->input_delay;
    default: return 0;
    }
}

/* As console_read, but DATA shows the next byte without taking it. */
static uint32_t console_peek(struct device *d, uint32_t reg)
{
    struct console *c = d->state;
    if (reg == CONSOLE_DATA)
        return c->pos < c->len ? (uint8_t)c->line[c->pos] : 0;
    return console_read(d, reg);
}

static void console_write(struct device *d, uint32_t reg, uint32_t value)
{
    struct console *c = d->state;
    switch (reg) {
    case CONSOLE_DATA:
        fputc((int)(value & 0xff), c->out);
        if ((value & 0xff) == '\n')
            fflush(c->out);
        c->bytes_out++;
        break;
    case CONSOLE_CONTROL:
        c->control = value & (CONTROL_RX_INTERRUPT | CONTROL_ECHO);
        if (c->control & CONTROL_RX_INTERRUPT)
            expect_input(d, c);
        else
            device_cancel(d, FETCH);
        break;
    case CONSOLE_INPUT_DELAY: c->input_delay = value; break;
    default: break;
    }
}

/* Reads the next line (with its newline, if any) from the input. */
static bool read_line(struct console *c)
{
    c->len = c->pos = 0;
    int ch;
    while ((ch = fgetc(c->in)) != EOF) {
        if (c->len == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 256;
            char *l = realloc(c->line, cap);
            if (!l)
                break;
            c->line = l;
            c->cap = cap;
        }
        c->line[c->len++] = (char)ch;
        if (ch == '\n')
            break;
    }
    c->bytes_in += c->len;
    if (ch == EOF) {
        if (ferror(c->in)) {
            /* Interrupted (Ctrl-C while waiting for a person): not the end
             * of input; the machine is stopping anyway. */
            clearerr(c->in);
            return c->len > 0;
        }
        c->eof = true;
    }
    return c->len > 0;
}

/* Delivers the next line, or the end of input, if the guest wants input.
 * `waiting`: the CPU waits for it (so a typist may be waited for). */
static bool deliver(struct device *d, struct console *c, bool waiting)
{
    if (!(c->control & CONTROL_RX_INTERRUPT) || c->pos < c->len)
        return false; /* the guest does not want input now */
    device_cancel(d, FETCH);
    fflush(c->out); /* a person may be waiting to see the prompt */
    if (!c->eof && c->terminal && !waiting && !platform_input_ready(c->in)) {
        expect_input(d, c); /* nothing typed yet: look again later */
        return false;
    }
    if (!c->eof && read_line(c)) {
        if ((c->control & CONTROL_ECHO) && !c->terminal) {
            fwrite(c->line, 1, c->len, c->out);
            fflush(c->out);
        }
        device_interrupt(d);
        return true;
    }
    if (c->eof && !c->eof_reported) {
        c->eof_reported = true;
        device_interrupt(d);
        return true;
    }
    return false;
}

static void console_event(struct device *d, uint32_t tag)
{
    (void)tag;
    deliver(d, d->state, false);
}

static bool console_idle(struct device *d)
{
    return deliver(d, d->state, true);
}

static void console_shutdown(struct device *d)
{
    struct console *c = d->state;
    fflush(c->out);
}

const struct device_kind console_device = {
    .name = "console",
    .type = DEVICE_CONSOLE,
    .units = console_units,
    .create = console_create,
    .destroy = console_destroy,
    .read = console_read,
    .write = console_write,
    .peek = console_peek,
    .event = console_event,
    .idle = console_idle,
    .shutdown = console_shutdown,
};
