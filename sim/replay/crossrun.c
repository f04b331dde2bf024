#include "crossrun.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The most of a line a report shows (escaped). */
#define SHOWN 72u

struct crossrun_capture {
    struct char_sink sink;
    struct machine *m;
    char *out;
    uint64_t *time; /* when each byte was written */
    size_t len, cap;
    bool failed;
};

static void capture_write(void *opaque, const char *buf, unsigned long n)
{
    struct crossrun_capture *c = opaque;
    if (c->failed)
        return;
    if (c->len + n > c->cap) {
        size_t cap = c->cap ? c->cap : 4096;
        while (cap < c->len + n)
            cap *= 2;
        char *out = realloc(c->out, cap);
        if (out)
            c->out = out;
        uint64_t *time = realloc(c->time, cap * sizeof *time);
        if (time)
            c->time = time;
        if (!out || !time) {
            c->failed = true;
            return;
        }
        c->cap = cap;
    }
    uint64_t now = c->m ? machine_clock(c->m) : 0;
    memcpy(c->out + c->len, buf, n);
    for (unsigned long i = 0; i < n; i++)
        c->time[c->len + i] = now;
    c->len += n;
}

struct crossrun_capture *crossrun_capture_new(void)
{
    struct crossrun_capture *c = calloc(1, sizeof *c);
    if (c)
        c->sink = (struct char_sink){.opaque = c, .write = capture_write};
    return c;
}

void crossrun_capture_free(struct crossrun_capture *c)
{
    if (!c)
        return;
    free(c->out);
    free(c->time);
    free(c);
}

const struct char_sink *crossrun_capture_sink(struct crossrun_capture *c)
{
    return &c->sink;
}

void crossrun_capture_clock(struct crossrun_capture *c, struct machine *m)
{
    c->m = m;
}

bool crossrun_capture_failed(const struct crossrun_capture *c)
{
    return c->failed;
}

void crossrun_end_of(struct machine *m, struct crossrun_end *e)
{
    memset(e, 0, sizeof *e);
    e->state = machine_state(m);
    e->code = machine_exit_code(m);
    e->time = machine_now(m);
    if (e->state == MACHINE_STOPPED)
        snprintf(e->reason, sizeof e->reason, "%s", machine_stop_reason(m));
    e->waiting = e->state == MACHINE_RUNNING && machine_pause_reason(m).why == PAUSE_INPUT;
}

bool crossrun_same_end(const struct crossrun_end *recorded, const struct crossrun_end *now)
{
    if (recorded->state == MACHINE_INTERRUPTED)
        return now->waiting || now->state == MACHINE_INTERRUPTED;
    if (recorded->state != now->state || now->waiting)
        return false;
    if (now->state == MACHINE_HALTED)
        return recorded->code == now->code;
    if (now->state == MACHINE_STOPPED)
        return strcmp(recorded->reason, now->reason) == 0;
    return true;
}

void crossrun_describe_end(const struct crossrun_end *e, char *buf, unsigned len)
{
    unsigned long long t = (unsigned long long)e->time;
    if (e->waiting)
        snprintf(buf, len, "waiting for more input than the recording has, at virtual time %llu",
                 t);
    else if (e->state == MACHINE_HALTED)
        snprintf(buf, len, "halted, code %u, at virtual time %llu", e->code, t);
    else if (e->state == MACHINE_STOPPED)
        snprintf(buf, len, "machine stop at virtual time %llu: %s", t, e->reason);
    else if (e->state == MACHINE_LIMIT)
        snprintf(buf, len, "the instruction limit, at virtual time %llu", t);
    else if (e->state == MACHINE_INTERRUPTED)
        snprintf(buf, len, "interrupted at virtual time %llu", t);
    else
        snprintf(buf, len, "still running at virtual time %llu", t);
}

/* The line of out[0..len) that holds byte `at`, escaped and truncated. */
static void show_line(const char *out, size_t len, size_t at, char *buf, size_t cap)
{
    size_t start = at, n = 0;
    while (start > 0 && out[start - 1] != '\n')
        start--;
    if (at >= len && start == at) {
        snprintf(buf, cap, "(the output ended)");
        return;
    }
    buf[n++] = '"';
    for (size_t i = start; i < len && n + 8 < cap; i++) {
        unsigned char ch = (unsigned char)out[i];
        if (i - start >= SHOWN) {
            n += (size_t)snprintf(buf + n, cap - n, "...");
            break;
        }
        if (ch == '\n') {
            n += (size_t)snprintf(buf + n, cap - n, "\\n");
            break;
        }
        if (ch == '\\' || ch == '"')
            n += (size_t)snprintf(buf + n, cap - n, "\\%c", ch);
        else if (ch == '\t' || ch == '\r')
            n += (size_t)snprintf(buf + n, cap - n, "\\%c", ch == '\t' ? 't' : 'r');
        else if (ch < 0x20 || ch >= 0x7f)
            n += (size_t)snprintf(buf + n, cap - n, "\\x%02x", ch);
        else
            buf[n++] = (char)ch;
    }
    snprintf(buf + n, cap - n, "\"");
}

static void show_time(const struct crossrun_capture *c, size_t at, char *buf, size_t cap)
{
    if (at < c->len)
        snprintf(buf, cap, "virtual time %llu", (unsigned long long)c->time[at]);
    else
        snprintf(buf, cap, "no more output");
}

bool crossrun_output_departs(const struct crossrun_capture *recorded,
                             const struct crossrun_capture *now, char *report, size_t len)
{
    size_t at = 0, lines = 0, column = 0;
    size_t common = recorded->len < now->len ? recorded->len : now->len;
    while (at < common && recorded->out[at] == now->out[at]) {
        column = recorded->out[at] == '\n' ? 0 : column + 1;
        lines += recorded->out[at] == '\n';
        at++;
    }
    if (at == recorded->len && at == now->len) {
        snprintf(report, len, "the same %zu bytes (%zu lines)", at,
                 lines + (column > 0)); /* (an unfinished last line counts) */
        return false;
    }
    char want[SHOWN * 4 + 16], got[SHOWN * 4 + 16], t_want[48], t_got[48];
    show_line(recorded->out, recorded->len, at, want, sizeof want);
    show_line(now->out, now->len, at, got, sizeof got);
    show_time(recorded, at, t_want, sizeof t_want);
    show_time(now, at, t_got, sizeof t_got);
    snprintf(report, len,
             "departs at line %zu, byte %zu (column %zu):\n"
             "  recorded (%s): %s\n"
             "  new      (%s): %s",
             lines + 1, at, column + 1, t_want, want, t_got, got);
    return true;
}
