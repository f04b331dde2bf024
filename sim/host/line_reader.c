/* line_reader: platform.h's platform_reader - console input read a line at
 * a time on a thread of its own, on the primitives of platform_os.h, the
 * same on every host.
 *
 * The reader and its thread share one monitor. The thread sleeps until a
 * line is asked for, reads it (blocking, without the lock), hands it over
 * and sleeps again; so it reads at most one line ahead of the guest, and
 * only once the guest wants input. A take without wait only looks; a take
 * with wait sleeps on the monitor in short slices, watching Ctrl-C's count.
 * The reader is freed by whichever of its two users (the owner's stop, the
 * thread's end) lets go last: a thread blocked in a read cannot be
 * cancelled portably, and may outlive the owner's interest. */
#include <stdlib.h>
#include <string.h>

#include "platform.h"
#include "platform_os.h"

/* How long a waiting take sleeps between looks at Ctrl-C's count. */
#define WAIT_SLICE_MS 50
/* Reads that fail in a row (not at the end of input) before the input is
 * taken as ended: a console read that Ctrl-C aborted fails once; a broken
 * stream fails forever. */
#define MAX_READ_ERRORS 20

struct buffer {
    char *text;
    size_t len, cap;
};

struct platform_reader {
    struct os_monitor *mon;
    FILE *in;
    bool close_in;
    /* under mon: */
    bool wanted;    /* the owner asks for a line */
    bool have_line; /* `ready` holds one, not yet taken */
    bool ended;     /* no more lines: end of input, or a broken stream */
    bool stopped;   /* the owner let go */
    int users;      /* owner and thread: whoever ends last frees */
    struct buffer ready, taken;
};

bool platform_reader_wanted(void)
{
    const char *e = getenv("SPACE_CONSOLE_READER");
    if (e && *e)
        return strcmp(e, "0") != 0;
    return os_terminal_needs_reader();
}

static void free_reader(struct platform_reader *r)
{
    if (r->close_in)
        fclose(r->in);
    os_monitor_free(r->mon);
    free(r->ready.text);
    free(r->taken.text);
    free(r);
}

/* Lets go of r (locked); frees it if the other user has already. */
static void let_go(struct platform_reader *r)
{
    bool last = --r->users == 0;
    os_monitor_unlock(r->mon);
    if (last)
        free_reader(r);
}

static bool append(struct buffer *b, char c)
{
    if (b->len == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        char *t = realloc(b->text, cap);
        if (!t)
            return false;
        b->text = t;
        b->cap = cap;
    }
    b->text[b->len++] = c;
    return true;
}

/* One line into b (the thread's own until handed over). True if the input
 * goes on after it. */
static bool read_line(struct platform_reader *r, struct buffer *b)
{
    int errors = 0;
    b->len = 0;
    for (;;) {
        int ch = fgetc(r->in);
        if (ch == EOF) {
            if (ferror(r->in) && ++errors < MAX_READ_ERRORS) {
                clearerr(r->in); /* (Windows: Ctrl-C aborts a console read) */
                continue;
            }
            return false;
        }
        errors = 0;
        if (!append(b, (char)ch))
            return true; /* (out of host memory: the line is cut here) */
        if (ch == '\n')
            return true;
    }
}

static void reader_thread(void *arg)
{
    struct platform_reader *r = arg;
    struct buffer line = {0};
    os_monitor_lock(r->mon);
    for (;;) {
        while (!r->stopped && !(r->wanted && !r->have_line))
            os_monitor_wait(r->mon, 1000);
        if (r->stopped)
            break;
        os_monitor_unlock(r->mon);
        bool more = read_line(r, &line);
        os_monitor_lock(r->mon);
        if (line.len) {
            struct buffer t = r->ready; /* hand the line over, keep the old buffer */
            r->ready = line;
            line = t;
            r->have_line = true;
        }
        r->wanted = false;
        if (!more)
            r->ended = true;
        os_monitor_notify(r->mon);
        if (!more)
            break;
    }
    free(line.text);
    let_go(r);
}

struct platform_reader *platform_reader_start(FILE *f, bool close_f)
{
    struct platform_reader *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->in = f;
    r->users = 2;
    if (!(r->mon = os_monitor_new())) {
        free(r);
        return NULL;
    }
    if (os_thread_start(reader_thread, r) != 0) {
        os_monitor_free(r->mon);
        free(r);
        return NULL;
    }
    os_monitor_lock(r->mon);
    r->close_in = close_f; /* (only now: until here the caller keeps f) */
    os_monitor_unlock(r->mon);
    return r;
}

long platform_reader_take(struct platform_reader *r, bool wait, const char **line)
{
    unsigned long presses = os_interrupts();
    long n = 0;
    os_monitor_lock(r->mon);
    for (;;) {
        if (r->have_line) {
            struct buffer t = r->taken; /* the line becomes the owner's */
            r->taken = r->ready;
            r->ready = t;
            r->have_line = false;
            *line = r->taken.text;
            n = (long)r->taken.len;
            break;
        }
        if (r->ended) {
            n = -1;
            break;
        }
        if (!r->wanted) {
            r->wanted = true;
            os_monitor_notify(r->mon);
        }
        if (!wait)
            break;
        if (os_interrupts() != presses) {
            n = PLATFORM_READER_INTERRUPTED;
            break;
        }
        os_monitor_wait(r->mon, WAIT_SLICE_MS);
    }
    os_monitor_unlock(r->mon);
    return n;
}

void platform_reader_stop(struct platform_reader *r)
{
    if (!r)
        return;
    os_monitor_lock(r->mon);
    r->stopped = true;
    os_monitor_notify(r->mon);
    let_go(r);
}
