/* console: a character device - output to the host's standard output,
 * input from a script file, the host's standard input, a console_source
 * (the GUI's keyboard) or, in a replay, the recording. Output may also go to
 * a console_sink (the GUI's screen).
 *
 * Input arrives a line at a time, and only when the guest waits for it:
 * when the CPU idles (space_wait) with the receive interrupt enabled and
 * the receive buffer empty, the next line is read and delivered at that
 * virtual time, with an interrupt. So a
 * run with scripted input is the same every time, however fast the host or
 * the typist; a typist is simply waited for. End of input (end of the file,
 * a closed standard input) is reported once, as a status bit with an
 * interrupt, and never blocks. Every line and the end of input are
 * reported as inputs from outside (device_input_taken), so a recorded run
 * replays exactly. Registers: docs/devices.md. */
#include <stdlib.h>
#include <string.h>

#include "sim/host/platform.h"
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
/* Recorded inputs (docs/trace-format.md). */
enum { CONSOLE_INPUT_LINE = 1, CONSOLE_INPUT_END = 2 };
enum input { INPUT_NONE, INPUT_LINE, INPUT_END };
#define DEFAULT_INPUT_DELAY 200000u

struct console {
    FILE *in; /* NULL with a source, or in a replay */
    bool close_in;
    const struct console_source *source;
    bool source_ended; /* the file has no more (the guest is told at delivery) */
    FILE *out;
    const struct console_sink *sink;
    char *line; /* received, not yet read by the guest */
    size_t len, pos, cap;
    bool eof;              /* the guest has been told the input ended */
    bool terminal;         /* input from an interactive terminal: polled */
    bool person_echoes;    /* the terminal shows what is typed: no ECHO */
    bool read_interrupted; /* a blocking read was interrupted: only poll now */
    uint32_t control, input_delay;
    uint64_t bytes_in, bytes_out;
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
    c->sink = opt->console_sink;
    if (opt->replaying) {
        /* input comes from the recording */
    } else if (opt->console_source) {
        c->source = opt->console_source; /* it shows a line until it is taken */
    } else if (opt->console_input) {
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
    c->terminal = c->in && platform_is_terminal(c->in);
    c->person_echoes = c->terminal;
    c->input_delay = DEFAULT_INPUT_DELAY;
    d->state = c;
    if (!grow_line(c, 256)) {
        snprintf(err, errlen, "out of host memory");
        console_destroy(d);
        d->state = NULL;
        return -1;
    }
    return 0;
}

static void console_destroy(struct device *d)
{
    struct console *c = d->state;
    if (!c)
        return;
    if (c->close_in && c->in)
        fclose(c->in);
    fflush(c->out);
    free(c->line);
    free(c);
}

/* Output: the host stream, and the sink (the window) if there is one. */
static void put(struct console *c, const char *buf, size_t len)
{
    fwrite(buf, 1, len, c->out);
    if (c->sink)
        c->sink->write(c->sink->arg, buf, len);
}

/* The guest may get more input INPUT_DELAY instructions from now. */
static void expect_input(struct device *d, struct console *c)
{
    if ((c->control & CONTROL_RX_INTERRUPT) && c->pos >= c->len && !c->eof && c->input_delay)
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
    case CONSOLE_DATA: {
        char ch = (char)(value & 0xff);
        put(c, &ch, 1);
        if (ch == '\n')
            fflush(c->out);
        c->bytes_out++;
        break;
    }
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

/* Reads the next line (with its newline, if any) from the input file. */
static enum input read_line(struct console *c)
{
    c->len = c->pos = 0;
    int ch = 0;
    while (c->len < c->cap || grow_line(c, c->len + 1)) {
        if ((ch = fgetc(c->in)) == EOF)
            break;
        c->line[c->len++] = (char)ch;
        if (ch == '\n')
            break;
    }
    if (ch == EOF) {
        if (ferror(c->in)) {
            /* Interrupted (Ctrl-C while waiting for a person): not the end
             * of input; the machine is stopping, and must not block here
             * again on its way. */
            clearerr(c->in);
            c->read_interrupted = true;
            return c->len ? INPUT_LINE : INPUT_NONE;
        }
        c->source_ended = true;
    }
    return c->len ? INPUT_LINE : c->source_ended ? INPUT_END : INPUT_NONE;
}

/* The next line from a replay's recording. */
static enum input replay_line(struct device *d, struct console *c)
{
    uint32_t kind, len;
    const void *data;
    if (!device_input_replay(d, &kind, &data, &len))
        return INPUT_NONE;
    if (kind == CONSOLE_INPUT_END)
        return INPUT_END;
    if (kind != CONSOLE_INPUT_LINE || !grow_line(c, len)) {
        device_input_diverged(d, "has a recorded input it does not understand");
        return INPUT_NONE;
    }
    memcpy(c->line, data, len);
    c->len = len;
    c->pos = 0;
    return INPUT_LINE;
}

/* Takes the next line, or the end of input, from wherever input comes
 * from, if there is one now. `waiting`: the CPU waits for it, so a typist
 * at a terminal may be waited for. */
static enum input take_input(struct device *d, struct console *c, bool waiting)
{
    if (device_replaying(d))
        return replay_line(d, c); /* (nothing now: the recorded run had nothing either) */
    if (device_stopping(d))
        return INPUT_NONE;
    enum input got;
    if (c->source) {
        long n = c->source->take_line(c->source->arg, c->line, c->cap);
        if (n == 0 && waiting)
            device_awaiting_input(d);
        got = n > 0 ? INPUT_LINE : n < 0 ? INPUT_END : INPUT_NONE;
        c->len = n > 0 ? (size_t)n : 0;
        c->pos = 0;
    } else if (c->source_ended) {
        got = INPUT_END;
    } else if ((c->read_interrupted || (c->terminal && !waiting)) && !platform_input_ready(c->in)) {
        got = INPUT_NONE;
    } else {
        got = read_line(c);
    }
    if (got == INPUT_LINE)
        device_input_taken(d, CONSOLE_INPUT_LINE, c->line, (uint32_t)c->len);
    else if (got == INPUT_END)
        device_input_taken(d, CONSOLE_INPUT_END, NULL, 0);
    return got;
}

/* Delivers the next line, or the end of input, if the guest wants input
 * and there is some now. */
static bool deliver(struct device *d, struct console *c, bool waiting)
{
    if (!(c->control & CONTROL_RX_INTERRUPT) || c->pos < c->len || c->eof)
        return false; /* the guest does not want input now */
    device_cancel(d, FETCH);
    fflush(c->out); /* a person may be waiting to see the prompt */
    switch (take_input(d, c, waiting)) {
    case INPUT_LINE:
        c->bytes_in += c->len;
        if ((c->control & CONTROL_ECHO) && !c->person_echoes) {
            put(c, c->line, c->len);
            fflush(c->out);
        }
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
