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

#include "device.h"

enum {
    CONSOLE_DATA = 0x00,
    CONSOLE_STATUS = 0x04,
    CONSOLE_CONTROL = 0x08,
    CONSOLE_RX_COUNT = 0x0c,
};
enum { STATUS_RX_READY = 1, STATUS_RX_EOF = 2, STATUS_TX_READY = 4 };
enum { CONTROL_RX_INTERRUPT = 1 };

struct console {
    FILE *in;
    bool close_in;
    FILE *out;
    char *line; /* received, not yet read by the guest */
    size_t len, pos, cap;
    bool eof, eof_reported;
    uint32_t control;
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

static uint32_t console_read(struct device *d, uint32_t reg)
{
    struct console *c = d->state;
    switch (reg) {
    case CONSOLE_DATA:
        if (c->pos < c->len)
            return (uint8_t)c->line[c->pos++];
        return 0;
    case CONSOLE_STATUS:
        return (c->pos < c->len ? STATUS_RX_READY : 0) |
               (c->eof && c->pos >= c->len ? STATUS_RX_EOF : 0) | STATUS_TX_READY;
    case CONSOLE_CONTROL:
        return c->control;
    case CONSOLE_RX_COUNT:
        return (uint32_t)(c->len - c->pos);
    default:
        return 0;
    }
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
        c->control = value & CONTROL_RX_INTERRUPT;
        break;
    default:
        break;
    }
}

static void console_event(struct device *d, uint32_t tag)
{
    (void)d;
    (void)tag;
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

static bool console_idle(struct device *d)
{
    struct console *c = d->state;
    if (!(c->control & CONTROL_RX_INTERRUPT) || c->pos < c->len)
        return false; /* the guest does not want input now */
    fflush(c->out);   /* a person may be waiting to see the prompt */
    if (!c->eof && read_line(c)) {
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
    .event = console_event,
    .idle = console_idle,
    .shutdown = console_shutdown,
};
