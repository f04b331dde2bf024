#include "stdio_console.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"

struct stdio_source {
    struct char_source src;
    FILE *in;
    bool close_in;
    bool terminal;                  /* an interactive terminal: polled unless the guest waits */
    bool ended;                     /* the file has no more */
    bool interrupted;               /* a blocking read was interrupted: only poll now */
    struct platform_reader *reader; /* a terminal read on a thread (platform.h) */
    char *line;
    size_t cap;
};

/* Reads the next line (with its newline, if any) into s->line. */
static long read_line(struct stdio_source *s)
{
    size_t len = 0;
    int ch = 0;
    errno = 0;
    for (;;) {
        if (len == s->cap) {
            size_t cap = s->cap ? s->cap * 2 : 256;
            char *l = realloc(s->line, cap);
            if (!l)
                break; /* (out of host memory: the line is cut here) */
            s->line = l;
            s->cap = cap;
        }
        if ((ch = fgetc(s->in)) == EOF)
            break;
        s->line[len++] = (char)ch;
        if (ch == '\n')
            break;
    }
    if (ch == EOF) {
        if (ferror(s->in) && errno == EINTR) {
            /* Interrupted (Ctrl-C while waiting for a person): not the end
             * of input; the machine is stopping, and must not block here
             * again on its way. Any other error ends the input: a read
             * that failed once would fail forever. */
            clearerr(s->in);
            s->interrupted = true;
            return (long)len;
        }
        s->ended = true;
    }
    return len ? (long)len : s->ended ? -1 : 0;
}

static long take_line(void *opaque, bool wait, const char **line)
{
    struct stdio_source *s = opaque;
    if (s->ended)
        return -1;
    if (s->reader) {
        long n = platform_reader_take(s->reader, wait && !s->interrupted, line);
        if (n == PLATFORM_READER_INTERRUPTED) {
            s->interrupted = true;
            return 0;
        }
        s->ended = n < 0;
        return n;
    }
    if ((s->interrupted || (s->terminal && !wait)) && !platform_input_ready(s->in))
        return 0;
    long n = read_line(s);
    *line = s->line;
    return n;
}

static void close_source(void *opaque)
{
    struct stdio_source *s = opaque;
    platform_reader_stop(s->reader);
    if (s->close_in)
        fclose(s->in);
    free(s->line);
    free(s);
}

struct char_source *stdio_source_open(const char *path, char *err, unsigned errlen)
{
    struct stdio_source *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    if (path && !strcmp(path, "-"))
        path = NULL; /* the usual name of standard input */
    s->in = path ? fopen(path, "rb") : stdin;
    if (!s->in) {
        snprintf(err, errlen, "%s: cannot open console input script: %s", path, strerror(errno));
        free(s);
        return NULL;
    }
    if (!platform_is_stream_input(s->in)) {
        snprintf(err, errlen, "%s: console input must be a readable file, pipe or terminal",
                 path ? path : "standard input");
        if (path)
            fclose(s->in);
        free(s);
        return NULL;
    }
    s->close_in = path != NULL;
    s->terminal = platform_is_terminal(s->in);
    if (!s->terminal)
        platform_stream_binary(s->in); /* (a script's bytes as they are) */
    else if (platform_reader_wanted() && (s->reader = platform_reader_start(s->in, s->close_in)))
        s->close_in = false; /* (the reader's thread closes it) */
    s->src = (struct char_source){.opaque = s,
                                  .take_line = take_line,
                                  .echoes = s->terminal, /* the terminal shows what is typed */
                                  .close = close_source};
    return &s->src;
}

struct stdio_sink {
    struct char_sink sink;
    FILE *out;
    const struct char_sink *also;
};

static void sink_write(void *opaque, const char *buf, unsigned long len)
{
    struct stdio_sink *s = opaque;
    fwrite(buf, 1, len, s->out);
    if (s->also)
        s->also->write(s->also->opaque, buf, len);
}

static void sink_flush(void *opaque)
{
    struct stdio_sink *s = opaque;
    fflush(s->out);
}

static void close_sink(void *opaque)
{
    sink_flush(opaque);
    free(opaque);
}

struct char_sink *stdio_sink_open(FILE *out, const struct char_sink *also)
{
    struct stdio_sink *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    platform_stream_binary(out); /* (the guest's bytes as they are) */
    s->out = out;
    s->also = also;
    s->sink = (struct char_sink){
        .opaque = s, .write = sink_write, .flush = sink_flush, .close = close_sink};
    return &s->sink;
}
