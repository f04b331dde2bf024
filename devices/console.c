/* console: a character device - output to a character sink, input a line
 * at a time from a character source (backend.h: a file, the host's
 * terminal, the window's keyboard: the console cannot tell which).
 *
 * Input arrives only when the guest waits for it: when the CPU idles
 * (space_wait) with the receive interrupt enabled and the receive buffer
 * empty, the next line is taken and delivered at that virtual time, with
 * an interrupt; or INPUT_DELAY instructions after the guest asked, if a
 * line is there by then. So a run with scripted input is the same every
 * time, however fast the host or the typist; a typist is simply waited
 * for. End of input is reported once, as a status bit with an interrupt,
 * and never blocks. Registers: docs/devices.md. */
#include <stdlib.h>
#include <string.h>

#include "device.h"

static const struct device_reg console_registers[] = {
    {SPACE_CONSOLE_DATA, "DATA", "write: output a byte; read: take the next input byte (0: none)"},
    {SPACE_CONSOLE_STATUS, "STATUS", "RX_READY (1) | RX_EOF (2) | TX_READY (4, always)"},
    {SPACE_CONSOLE_CONTROL, "CONTROL", "RX_INTERRUPT (1): input wanted | ECHO (2)"},
    {SPACE_CONSOLE_RX_COUNT, "RX_COUNT", "bytes of the received line not yet read"},
    {SPACE_CONSOLE_INPUT_DELAY, "INPUT_DELAY", "instructions until more input may arrive"},
    {0, NULL, NULL},
};

enum { FETCH = 0 };
enum input { INPUT_NONE, INPUT_LINE, INPUT_END };
#define DEFAULT_INPUT_DELAY 200000u

struct console {
    struct char_source *in;
    struct char_sink *out;
    char *line; /* received, not yet read by the guest */
    size_t len, pos, cap;
    bool eof; /* the guest has been told the input ended */
    uint32_t control, input_delay;
};

/* Makes room for a line of `need` bytes. */
static bool grow_line(struct console *c, size_t need)
{
    if (need <= c->cap)
        return true;
    size_t cap = c->cap ? c->cap : 256;
    while (cap < need)
        cap *= 2;
    char *l = realloc(c->line, cap);
    if (!l)
        return false;
    c->line = l;
    c->cap = cap;
    return true;
}

static void console_destroy(struct device *d);

static unsigned console_units(const struct device_config *c, unsigned ncpus)
{
    (void)c;
    (void)ncpus;
    return 1;
}

static int console_create(struct device *d, const struct device_config *cfg,
                          const struct device_backends *b, char *err, unsigned errlen)
{
    (void)cfg;
    struct console *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    d->state = c;
    c->input_delay = DEFAULT_INPUT_DELAY;
    if (!(c->in = b->char_source(b->opaque, err, errlen)) ||
        !(c->out = b->char_sink(b->opaque, err, errlen))) {
        console_destroy(d);
        return -1;
    }
    if (!grow_line(c, 256)) {
        snprintf(err, errlen, "out of host memory");
        console_destroy(d);
        return -1;
    }
    return 0;
}

static void flush(struct console *c)
{
    if (c->out->flush)
        c->out->flush(c->out->opaque);
}

static void console_destroy(struct device *d)
{
    struct console *c = d->state;
    if (!c)
        return;
    if (c->out)
        flush(c);
    free(c->line);
    free(c);
    d->state = NULL;
}

static void put(struct console *c, const char *buf, size_t len)
{
    c->out->write(c->out->opaque, buf, len);
}

/* The guest may get more input INPUT_DELAY instructions from now. */
static void expect_input(struct device *d, struct console *c)
{
    if ((c->control & SPACE_CONSOLE_RX_INTERRUPT) && c->pos >= c->len && !c->eof && c->input_delay)
        device_schedule(d, c->input_delay, FETCH);
}

static uint32_t console_read(struct device *d, uint32_t reg)
{
    struct console *c = d->state;
    switch (reg) {
    case SPACE_CONSOLE_DATA:
        if (c->pos < c->len) {
            uint8_t ch = (uint8_t)c->line[c->pos++];
            if (c->pos == c->len)
                expect_input(d, c);
            return ch;
        }
        return 0;
    case SPACE_CONSOLE_STATUS:
        return (c->pos < c->len ? SPACE_CONSOLE_RX_READY : 0) |
               (c->eof && c->pos >= c->len ? SPACE_CONSOLE_RX_EOF : 0) | SPACE_CONSOLE_TX_READY;
    case SPACE_CONSOLE_CONTROL: return c->control;
    case SPACE_CONSOLE_RX_COUNT: return (uint32_t)(c->len - c->pos);
    case SPACE_CONSOLE_INPUT_DELAY: return c->input_delay;
    default: return 0;
    }
}

/* As console_read, but DATA shows the next byte without taking it. */
static uint32_t console_peek(struct device *d, uint32_t reg)
{
    struct console *c = d->state;
    if (reg == SPACE_CONSOLE_DATA)
        return c->pos < c->len ? (uint8_t)c->line[c->pos] : 0;
    return console_read(d, reg);
}

static void console_write(struct device *d, uint32_t reg, uint32_t value)
{
    struct console *c = d->state;
    switch (reg) {
    case SPACE_CONSOLE_DATA: {
        char ch = (char)(value & 0xff);
        put(c, &ch, 1);
        if (ch == '\n')
            flush(c);
        break;
    }
    case SPACE_CONSOLE_CONTROL:
        c->control = value & (SPACE_CONSOLE_RX_INTERRUPT | SPACE_CONSOLE_ECHO);
        if ((c->control & SPACE_CONSOLE_RX_INTERRUPT) && c->pos >= c->len && !c->eof)
            device_note(d, DEVICE_NOTE_INPUT_WANTED);
        if (c->control & SPACE_CONSOLE_RX_INTERRUPT)
            expect_input(d, c);
        else
            device_cancel(d, FETCH);
        break;
    case SPACE_CONSOLE_INPUT_DELAY: c->input_delay = value; break;
    default: break;
    }
}

/* Takes the next line, or the end of input, if there is one now.
 * `waiting`: the CPU waits for it. */
static enum input take_input(struct console *c, bool waiting)
{
    const char *line;
    long n = c->in->take_line(c->in->opaque, waiting, &line);
    c->len = c->pos = 0;
    if (n < 0)
        return INPUT_END;
    if (n == 0)
        return INPUT_NONE;
    if (!grow_line(c, (size_t)n))
        return INPUT_NONE; /* (out of host memory: the line is lost) */
    memcpy(c->line, line, (size_t)n);
    c->len = (size_t)n;
    return INPUT_LINE;
}

/* Delivers the next line, or the end of input, if the guest wants input
 * and there is some now. */
static bool deliver(struct device *d, struct console *c, bool waiting)
{
    if (!(c->control & SPACE_CONSOLE_RX_INTERRUPT) || c->pos < c->len || c->eof)
        return false; /* the guest does not want input now */
    device_cancel(d, FETCH);
    flush(c); /* a person may be waiting to see the prompt */
    switch (take_input(c, waiting)) {
    case INPUT_LINE:
        if ((c->control & SPACE_CONSOLE_ECHO) && !c->in->echoes) {
            put(c, c->line, c->len);
            flush(c);
        }
        device_note(d, DEVICE_NOTE_INPUT_LINE);
        device_interrupt(d);
        return true;
    case INPUT_END:
        c->eof = true;
        device_interrupt(d);
        return true;
    case INPUT_NONE: break;
    }
    expect_input(d, c); /* nothing typed yet: look again later */
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
    flush(d->state);
}

/* The state: control, input delay, eof, then the bytes of the received
 * line the guest has not read yet. */
struct console_saved {
    uint32_t control, input_delay, eof, unread;
};

static size_t console_save(struct device *d, void *buf, size_t cap)
{
    struct console *c = d->state;
    struct console_saved h = {c->control, c->input_delay, c->eof, (uint32_t)(c->len - c->pos)};
    size_t size = sizeof h + h.unread;
    if (size <= cap) {
        memcpy(buf, &h, sizeof h);
        memcpy((char *)buf + sizeof h, c->line + c->pos, h.unread);
    }
    return size;
}

static int console_load(struct device *d, const void *buf, size_t len)
{
    struct console *c = d->state;
    struct console_saved h;
    if (len < sizeof h)
        return -1;
    memcpy(&h, buf, sizeof h);
    if (len != sizeof h + h.unread || (h.unread && !grow_line(c, h.unread)))
        return -1;
    memcpy(c->line, (const char *)buf + sizeof h, h.unread);
    c->pos = 0;
    c->len = h.unread;
    c->control = h.control;
    c->input_delay = h.input_delay;
    c->eof = h.eof != 0;
    return 0;
}

const struct device_kind console_device = {
    .name = "console",
    .type = SPACE_DEVICE_CONSOLE,
    .registers = console_registers,
    .units = console_units,
    .create = console_create,
    .destroy = console_destroy,
    .read = console_read,
    .write = console_write,
    .peek = console_peek,
    .event = console_event,
    .idle = console_idle,
    .shutdown = console_shutdown,
    .save = console_save,
    .load = console_load,
};
