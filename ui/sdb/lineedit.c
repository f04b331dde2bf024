#include "lineedit.h"

#include <stdlib.h>
#include <string.h>

#include "sim/host/platform.h"

#define HISTORY_MAX 500

struct lineedit {
    FILE *in, *out;
    bool terminal; /* both ends are a terminal: edit lines */
    bool echo;     /* the input is not a terminal (nothing echoes it) */
    char *buf;     /* the line being edited (NUL-terminated) */
    size_t len, cap, cursor;
    char **hist;
    size_t nhist;
    char *scratch; /* the new line, while browsing the history */
};

struct lineedit *lineedit_create(FILE *in, FILE *out)
{
    struct lineedit *le = calloc(1, sizeof *le);
    if (!le)
        return NULL;
    le->in = in;
    le->out = out;
    le->terminal = platform_is_terminal(in) && platform_is_terminal(out);
    le->echo = !platform_is_terminal(in);
    le->cap = 256;
    le->buf = malloc(le->cap);
    le->hist = calloc(HISTORY_MAX, sizeof *le->hist);
    if (!le->buf || !le->hist) {
        lineedit_destroy(le);
        return NULL;
    }
    le->buf[0] = 0;
    return le;
}

void lineedit_destroy(struct lineedit *le)
{
    if (!le)
        return;
    for (size_t i = 0; i < le->nhist; i++)
        free(le->hist[i]);
    free(le->hist);
    free(le->scratch);
    free(le->buf);
    free(le);
}

bool lineedit_interactive(const struct lineedit *le)
{
    return le->terminal;
}

void lineedit_history_add(struct lineedit *le, const char *line)
{
    if (!line[0] || (le->nhist && !strcmp(le->hist[le->nhist - 1], line)))
        return;
    size_t n = strlen(line) + 1;
    char *copy = malloc(n);
    if (!copy)
        return;
    memcpy(copy, line, n);
    if (le->nhist == HISTORY_MAX) {
        free(le->hist[0]);
        memmove(le->hist, le->hist + 1, (HISTORY_MAX - 1) * sizeof *le->hist);
        le->nhist--;
    }
    le->hist[le->nhist++] = copy;
}

static bool reserve(struct lineedit *le, size_t need)
{
    if (need < le->cap)
        return true;
    size_t cap = le->cap;
    while (cap <= need)
        cap *= 2;
    char *b = realloc(le->buf, cap);
    if (!b)
        return false;
    le->buf = b;
    le->cap = cap;
    return true;
}

static void set_text(struct lineedit *le, const char *s)
{
    size_t n = strlen(s);
    if (!reserve(le, n + 1))
        return;
    memcpy(le->buf, s, n + 1);
    le->len = le->cursor = n;
}

/* ---- Plain lines (a pipe or a file) ---- */

static enum lineedit_result read_plain(struct lineedit *le, const char *prompt)
{
    fputs(prompt, le->out);
    fflush(le->out);
    le->len = 0;
    int ch;
    while ((ch = fgetc(le->in)) != EOF && ch != '\n') {
        if (!reserve(le, le->len + 1))
            break;
        le->buf[le->len++] = (char)ch;
    }
    if (le->len && le->buf[le->len - 1] == '\r')
        le->len--;
    le->buf[le->len] = 0;
    if (ch == EOF && ferror(le->in)) {
        clearerr(le->in); /* a signal (Ctrl-C) interrupted the read */
        fputc('\n', le->out);
        return LINEEDIT_CANCEL;
    }
    if (ch == EOF && !le->len) {
        fputc('\n', le->out);
        return LINEEDIT_EOF;
    }
    if (le->echo)
        fprintf(le->out, "%s\n", le->buf); /* the transcript shows the command */
    return LINEEDIT_LINE;
}

/* ---- Editing on a terminal ---- */

static void redraw(struct lineedit *le, const char *prompt)
{
    fprintf(le->out, "\r%s%s\x1b[K", prompt, le->buf);
    if (le->cursor < le->len)
        fprintf(le->out, "\x1b[%uD", (unsigned)(le->len - le->cursor));
    fflush(le->out);
}

static void insert(struct lineedit *le, char c)
{
    if (!reserve(le, le->len + 1))
        return;
    memmove(le->buf + le->cursor + 1, le->buf + le->cursor, le->len - le->cursor + 1);
    le->buf[le->cursor++] = c;
    le->len++;
}

static void delete_at(struct lineedit *le, size_t at)
{
    if (at >= le->len)
        return;
    memmove(le->buf + at, le->buf + at + 1, le->len - at);
    le->len--;
}

/* Moves through the history: dir -1 older, +1 newer. */
static void browse(struct lineedit *le, size_t *pos, int dir)
{
    if (dir < 0 && *pos == 0)
        return;
    if (dir > 0 && *pos >= le->nhist)
        return;
    if (*pos == le->nhist) { /* leaving the new line: keep it */
        free(le->scratch);
        le->scratch = malloc(le->len + 1);
        if (le->scratch)
            memcpy(le->scratch, le->buf, le->len + 1);
    }
    *pos = dir < 0 ? *pos - 1 : *pos + 1;
    set_text(le, *pos < le->nhist ? le->hist[*pos] : (le->scratch ? le->scratch : ""));
}

/* An escape sequence after ESC: the final byte, and a number parameter. */
static int read_escape(struct lineedit *le, int *param)
{
    *param = 0;
    int c = fgetc(le->in);
    if (c != '[' && c != 'O')
        return c == EOF ? EOF : 0;
    while ((c = fgetc(le->in)) != EOF) {
        if (c >= '0' && c <= '9')
            *param = *param * 10 + (c - '0');
        else if (c >= 0x40 && c <= 0x7e)
            return c;
    }
    return EOF;
}

static enum lineedit_result read_edit(struct lineedit *le, const char *prompt)
{
    le->len = le->cursor = 0;
    le->buf[0] = 0;
    size_t pos = le->nhist;
    fputs(prompt, le->out);
    fflush(le->out);
    enum lineedit_result result;
    for (;;) {
        int c = fgetc(le->in);
        if (c == EOF) {
            clearerr(le->in);
            if (le->len) {
                result = LINEEDIT_LINE;
                break;
            }
            result = LINEEDIT_EOF;
            break;
        }
        if (c == '\r' || c == '\n') {
            result = LINEEDIT_LINE;
            break;
        }
        int param;
        switch (c) {
        case 1: /* Ctrl-A */ le->cursor = 0; break;
        case 5: /* Ctrl-E */ le->cursor = le->len; break;
        case 2: /* Ctrl-B */
            if (le->cursor)
                le->cursor--;
            break;
        case 6: /* Ctrl-F */
            if (le->cursor < le->len)
                le->cursor++;
            break;
        case 3: /* Ctrl-C */
            fputs("^C", le->out);
            le->len = 0;
            le->buf[0] = 0;
            result = LINEEDIT_CANCEL;
            goto done;
        case 4: /* Ctrl-D */
            if (!le->len) {
                result = LINEEDIT_EOF;
                goto done;
            }
            delete_at(le, le->cursor);
            break;
        case 8:
        case 127: /* backspace */
            if (le->cursor)
                delete_at(le, --le->cursor);
            break;
        case 11: /* Ctrl-K */
            le->len = le->cursor;
            le->buf[le->len] = 0;
            break;
        case 21: /* Ctrl-U */
            le->len = le->cursor = 0;
            le->buf[0] = 0;
            break;
        case 16: /* Ctrl-P */ browse(le, &pos, -1); break;
        case 14: /* Ctrl-N */ browse(le, &pos, +1); break;
        case 27: /* ESC: arrows, Home, End, Delete */
            switch (read_escape(le, &param)) {
            case 'A': browse(le, &pos, -1); break;
            case 'B': browse(le, &pos, +1); break;
            case 'C':
                if (le->cursor < le->len)
                    le->cursor++;
                break;
            case 'D':
                if (le->cursor)
                    le->cursor--;
                break;
            case 'H': le->cursor = 0; break;
            case 'F': le->cursor = le->len; break;
            case '~':
                if (param == 1 || param == 7)
                    le->cursor = 0;
                else if (param == 4 || param == 8)
                    le->cursor = le->len;
                else if (param == 3)
                    delete_at(le, le->cursor);
                break;
            default: break;
            }
            break;
        default:
            if (c >= 32 && c != 127)
                insert(le, (char)c);
            break;
        }
        redraw(le, prompt);
    }
done:
    fputs("\r\n", le->out);
    fflush(le->out);
    return result;
}

enum lineedit_result lineedit_read(struct lineedit *le, const char *prompt, const char **line)
{
    enum lineedit_result r;
    if (le->terminal && platform_terminal_raw(le->in)) {
        r = read_edit(le, prompt);
        platform_terminal_restore(le->in);
    } else {
        r = read_plain(le, prompt);
    }
    *line = le->buf;
    return r;
}
