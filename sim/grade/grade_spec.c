#include "grade_spec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/util/parse.h"
#include "sim/core/loader.h"
#include "sim/net/cluster.h"
#include "sim/stats/statpath.h"

#define MAX_NAME 64

/* ---- Strings live in an arena freed with the spec ---- */

struct grade_arena {
    struct grade_arena *next;
    size_t used, cap;
    char data[];
};

static char *arena_copy(struct grade_spec *sp, const char *s, size_t n)
{
    struct grade_arena *a = sp->arena;
    if (!a || a->cap - a->used < n + 1) {
        size_t cap = n + 1 > 4096 ? n + 1 : 4096;
        if (!(a = malloc(sizeof *a + cap)))
            return NULL;
        *a = (struct grade_arena){.next = sp->arena, .cap = cap};
        sp->arena = a;
    }
    char *p = a->data + a->used;
    memcpy(p, s, n);
    p[n] = 0;
    a->used += n + 1;
    return p;
}

/* ---- The parser ---- */

struct parser {
    const char *path; /* the spec file, as given */
    const char *dir;  /* its directory with a separator, or "" */
    unsigned line;
    char *next; /* the rest of the file, from the next line */
    struct grade_spec *spec;
    struct grade_case defaults;
    struct grade_case *cur; /* &defaults before the first [case] */
    unsigned *set_at;       /* by key: the line that set it in this section (0: none) */
    unsigned own_from;      /* the section's first own check (the defaults' come first) */
    int last_check;         /* the check the previous setting added; -1: none */
    enum grade_op op;       /* of a check's line */
    struct grade_bound bound;
    struct grade_measure measure;
    char *err;
    unsigned errlen;
    bool oom;
};

static bool fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Control characters with a short escape; the others are \xNN. */
static const struct {
    char c;
    const char *escape;
} named_controls[] = {{'\n', "\\n"}, {'\r', "\\r"}, {'\t', "\\t"}, {0x1b, "\\e"}};

const char *grade_escape(const char *s, char *buf, size_t n)
{
    size_t k = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char e[8] = {(char)c, 0};
        if (c < 0x20 || c == 0x7f) {
            snprintf(e, sizeof e, "\\x%02x", c);
            for (size_t i = 0; i < sizeof named_controls / sizeof named_controls[0]; i++)
                if (named_controls[i].c == (char)c)
                    snprintf(e, sizeof e, "%s", named_controls[i].escape);
        }
        size_t len = strlen(e);
        if (k + len >= n)
            break;
        memcpy(buf + k, e, len);
        k += len;
    }
    buf[k] = 0;
    return buf;
}

/* Sets the one-line error "FILE:LINE: ..."; returns false. Control
 * characters of the spec's text come out escaped. */
static bool fail(struct parser *p, const char *fmt, ...)
{
    char raw[1024];
    int n = snprintf(raw, sizeof raw, "%s:%u: ", p->path, p->line);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (unsigned)n < sizeof raw)
        vsnprintf(raw + n, sizeof raw - (unsigned)n, fmt, ap);
    va_end(ap);
    grade_escape(raw, p->err, p->errlen);
    return false;
}

static const char *copy(struct parser *p, const char *s)
{
    const char *c = arena_copy(p->spec, s, strlen(s));
    if (!c)
        p->oom = true;
    return c;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

static char *skip_space(char *s)
{
    while (is_space(*s))
        s++;
    return s;
}

/* The escapes a value may use, and what they stand for. */
static const char escapes[][2] = {{'n', '\n'},  {'t', '\t'}, {'r', '\r'},
                                  {'\\', '\\'}, {'"', '"'},  {'#', '#'}};

/* Decodes [s, end) into out (at most as long); false at a bad escape. */
static bool unescape(struct parser *p, const char *s, const char *end, char *out)
{
    size_t n = 0;
    while (s < end) {
        if (*s != '\\') {
            out[n++] = *s++;
            continue;
        }
        size_t i = 0;
        while (s + 1 < end && i < sizeof escapes / sizeof escapes[0] && escapes[i][0] != s[1])
            i++;
        if (s + 1 >= end || i == sizeof escapes / sizeof escapes[0])
            return fail(p,
                        "expected an escape \\n, \\t, \\r, \\\\, \\\" or \\# after '\\', not "
                        "'\\%.1s'",
                        s + 1);
        out[n++] = escapes[i][1];
        s += 2;
    }
    out[n] = 0;
    return true;
}

/* The end of an unquoted value: a '#' after a blank (or first) starts a
 * comment, except '#' and a digit where `numbered` (line-time's #N); then
 * trailing blanks go. */
static char *value_end_numbered(char *s, bool numbered)
{
    char *e = s;
    while (*e &&
           !(*e == '#' && (e == s || is_space(e[-1])) && !(numbered && e[1] >= '0' && e[1] <= '9')))
        e += e[0] == '\\' && e[1] ? 2 : 1;
    while (e > s && is_space(e[-1]))
        e--;
    return e;
}

/* The end of an unquoted value (above), '#' always starting a comment. */
static char *value_end(char *s)
{
    return value_end_numbered(s, false);
}

/* A value: "quoted" (kept as it is, with escapes) or unquoted (trimmed,
 * with escapes, up to a comment). *rest: what follows a quoted value. */
static const char *parse_text(struct parser *p, char *s, char **rest)
{
    s = skip_space(s);
    char *end;
    if (*s == '"') {
        s++;
        for (end = s; *end && *end != '"'; end += end[0] == '\\' && end[1] ? 2 : 1)
            ;
        if (!*end)
            return fail(p, "expected a closing '\"' at the end of the quoted value"), NULL;
        *rest = skip_space(end + 1);
    } else {
        end = value_end(s);
        *rest = end;
    }
    char *buf = malloc((size_t)(end - s) + 1);
    if (!buf) {
        p->oom = true;
        return NULL;
    }
    const char *v = unescape(p, s, end, buf) ? copy(p, buf) : NULL;
    free(buf);
    return v;
}

/* The value after '=': text, then only a comment. */
static const char *parse_value(struct parser *p, char *s)
{
    char *rest;
    const char *v = parse_text(p, s, &rest);
    if (!v)
        return NULL;
    rest = skip_space(rest);
    if (*rest && *rest != '#')
        return fail(p, "expected the end of the line after the closing '\"', not '%s'", rest), NULL;
    return v;
}

static bool spec_u64(struct parser *p, const char *key, const char *v, uint64_t *out,
                     const char *what)
{
    if (parse_u64(v, out) != 0)
        return fail(p, "%s: expected %s, not '%s'", key, what, v);
    return true;
}

static bool is_absolute(const char *path)
{
    return path[0] == '/' || path[0] == '\\' ||
           (((path[0] | 0x20) >= 'a' && (path[0] | 0x20) <= 'z') && path[1] == ':');
}

/* A file the spec names: relative to the spec's directory; must be
 * readable now. */
static const char *spec_file(struct parser *p, const char *key, const char *v)
{
    if (!*v)
        return fail(p, "%s: expected a file name", key), NULL;
    size_t n = is_absolute(v) ? 0 : strlen(p->dir);
    char *path = malloc(n + strlen(v) + 1);
    if (!path) {
        p->oom = true;
        return NULL;
    }
    memcpy(path, p->dir, n);
    strcpy(path + n, v);
    FILE *f = fopen(path, "rb");
    if (f && fgetc(f) == EOF && ferror(f)) { /* (a directory opens, but cannot be read) */
        int e = errno;
        fclose(f);
        f = NULL;
        errno = e;
    }
    const char *c = NULL;
    if (!f)
        fail(p, "%s: cannot read '%s'%s%s%s: %s", key, v, n ? " (" : "", n ? path : "",
             n ? ")" : "", strerror(errno));
    else
        c = copy(p, path);
    if (f)
        fclose(f);
    free(path);
    return c;
}

/* ---- Keys ---- */

typedef bool (*set_fn)(struct parser *p, struct grade_case *c, const char *key, const char *v);

static bool set_title(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    (void)c;
    if (!*v)
        return fail(p, "%s: expected a name for the test suite", key);
    p->spec->title = v;
    return true;
}

static bool set_kernel(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    return (c->kernel = spec_file(p, key, v)) != NULL;
}

static bool set_max_insns(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    if (!spec_u64(p, key, v, &c->max_insns, "a positive instruction count"))
        return false;
    return c->max_insns ? true : fail(p, "%s: expected a positive instruction count, not 0", key);
}

static bool set_mem(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    if (parse_size(v, &c->mem) != 0 || c->mem < PHYSMEM_MIN_SIZE || c->mem > PHYSMEM_MAX_SIZE ||
        c->mem % 4096)
        return fail(p, "%s: expected a RAM size of 1M..3G, a multiple of 4K, not '%s'", key, v);
    return true;
}

static bool set_cpus(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    uint64_t n;
    if (parse_u64(v, &n) != 0 || n < 1 || n > SPACE_MAX_CPUS)
        return fail(p, "%s: expected a CPU count, 1..%u, not '%s'", key, SPACE_MAX_CPUS, v);
    c->ncpus = (uint32_t)n;
    return true;
}

static bool set_seed(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    if (parse_u64(v, &c->seed) != 0)
        return fail(p, "%s: expected a number, not '%s'", key, v);
    c->seeded = true;
    return true;
}

static bool set_nodes(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    uint64_t n;
    if (parse_u64(v, &n) != 0 || n < 1 || n > CLUSTER_MAX_NODES)
        return fail(p, "%s: expected a node count, 1..%u, not '%s'", key, CLUSTER_MAX_NODES, v);
    c->nodes = (uint32_t)n;
    return true;
}

static bool set_net(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    (void)p, (void)key;
    c->net = v; /* (checked with the case's node count once the file is read) */
    return true;
}

static bool set_cmdline(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    (void)p, (void)key;
    c->cmdline = v;
    return true;
}

static bool set_disk(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    c->disk_size = 0;
    return (c->disk = spec_file(p, key, v)) != NULL;
}

static bool set_disk_size(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    c->disk = NULL;
    if (parse_size(v, &c->disk_size) != 0 || c->disk_size == 0 || c->disk_size % 512)
        return fail(p, "%s: expected a size that is a multiple of 512, such as 16M, not '%s'", key,
                    v);
    return true;
}

static bool set_points(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    /* digits, optionally a fraction: no strtod, whose decimal point
     * depends on the locale */
    double x = 0, scale = 1;
    const char *s = v;
    bool digits = false, point = false;
    for (; *s; s++) {
        if (*s == '.' && !point) {
            point = true;
        } else if (*s >= '0' && *s <= '9') {
            digits = true;
            if (point)
                x += (*s - '0') * (scale /= 10);
            else
                x = x * 10 + (*s - '0');
        } else {
            break;
        }
    }
    if (*s || !digits || x > 1e9)
        return fail(p, "%s: expected a number of points such as 2 or 0.5, not '%s'", key, v);
    c->points = x;
    return true;
}

static const char *const visibilities[] = {"hidden", "after_due_date", "after_published",
                                           "visible"};

static bool set_visibility(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    for (size_t i = 0; i < sizeof visibilities / sizeof visibilities[0]; i++)
        if (!strcmp(v, visibilities[i])) {
            c->visibility = visibilities[i];
            return true;
        }
    return fail(p, "%s: expected hidden, after_due_date, after_published or visible, not '%s'", key,
                v);
}

static bool set_input(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    (void)p, (void)key;
    c->input = v;
    c->input_file = NULL;
    return true;
}

static bool set_input_file(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    c->input = NULL;
    return (c->input_file = spec_file(p, key, v)) != NULL;
}

static bool set_exit(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    uint64_t code;
    if (!spec_u64(p, key, v, &code, "a halt code (0..4294967295)"))
        return false;
    if (code > UINT32_MAX)
        return fail(p, "%s: expected a halt code (0..4294967295), not '%s'", key, v);
    c->end = MACHINE_HALTED;
    c->end_at = p->line;
    c->exit_set = true;
    c->exit_code = (uint32_t)code;
    return true;
}

/* How a run can end, by the names of the statistics' "state" (and "stop"). */
static const struct {
    const char *name;
    enum machine_state state;
} ends[] = {
    {"halted", MACHINE_HALTED},
    {"stopped", MACHINE_STOPPED},
    {"stop", MACHINE_STOPPED},
    {"limit", MACHINE_LIMIT},
};

static bool set_end(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
        if (!strcmp(v, ends[i].name)) {
            c->end = ends[i].state;
            c->end_at = p->line;
            c->exit_set = false;
            return true;
        }
    return fail(p, "%s: expected halted, stopped or limit, not '%s'", key, v);
}

/* The value as a spec would write it (for reports): quoted, with escapes,
 * if it would not read back the same unquoted; cut to fit. */
static void spec_quote(const char *v, char *buf, size_t len)
{
    size_t n = strlen(v);
    bool plain = n && !is_space(v[0]) && !is_space(v[n - 1]) && v[0] != '"' && v[0] != '#' &&
                 !strstr(v, " #") && !strstr(v, "\t#") && !strpbrk(v, "\\\n\r\t");
    if (plain) {
        snprintf(buf, len, "%s", v);
        return;
    }
    size_t o = 0;
    buf[o++] = '"';
    for (; *v && o + 6 < len; v++) {
        size_t e = 0;
        while (e < sizeof escapes / sizeof escapes[0] && (escapes[e][1] != *v || *v == '#'))
            e++;
        if (e < sizeof escapes / sizeof escapes[0])
            buf[o++] = '\\', buf[o++] = escapes[e][0];
        else
            buf[o++] = *v;
    }
    if (*v)
        buf[o++] = '.', buf[o++] = '.', buf[o++] = '.';
    buf[o++] = '"';
    buf[o] = 0;
}

/* The key of each measure, as a spec writes it. */
static const char *const measure_keys[] = {
    [CHECK_STAT] = "stat", [CHECK_LINES] = "lines", [CHECK_LINE_TIME] = "line-time"};

/* The measure as a spec writes it: `stat NAME`, `lines "PATTERN"`,
 * `line-time "PATTERN" #N`. */
static void measure_source(const struct grade_measure *m, char *buf, size_t len)
{
    char q[200];
    spec_quote(m->text, q, sizeof q);
    snprintf(buf, len, "%s %s", measure_keys[m->kind], q);
    if (m->kind == CHECK_LINE_TIME && m->nth != 1)
        snprintf(buf + strlen(buf), len - strlen(buf), " #%u", m->nth);
}

static bool add_check(struct parser *p, struct grade_case *c, enum grade_check_kind kind,
                      const char *key, const char *v)
{
    struct grade_check *n = realloc(c->checks, (c->nchecks + 1) * sizeof *n);
    if (!n) {
        p->oom = true;
        return false;
    }
    c->checks = n;
    char source[400], q[200];
    struct grade_check k = {.kind = kind, .text = v, .nth = 1, .op = p->op, .line = p->line};
    if (kind == CHECK_LINES || kind == CHECK_STAT || kind == CHECK_LINE_TIME) {
        k.nth = p->measure.nth;
        k.bound = p->bound;
        measure_source(&p->measure, q, sizeof q);
        snprintf(source, sizeof source, "%s %s %s", q, grade_op_name(p->op), p->bound.text);
    } else {
        spec_quote(v, q, sizeof q);
        snprintf(source, sizeof source, "%s = %s", key, q);
    }
    c->checks[c->nchecks++] = k;
    return (c->checks[c->nchecks - 1].source = copy(p, source)) != NULL;
}

static bool add_text(struct parser *p, struct grade_case *c, const char *key, const char *v,
                     enum grade_check_kind kind)
{
    if (!*v)
        return fail(p, "%s: expected the text to look for", key);
    return add_check(p, c, kind, key, v);
}

static bool add_expect(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    return add_text(p, c, key, v, CHECK_EXPECT);
}

static bool add_reject(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    return add_text(p, c, key, v, CHECK_REJECT);
}

/* (an empty pattern is an empty line) */
static bool add_expect_line(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    return add_check(p, c, CHECK_EXPECT_LINE, key, v);
}

static bool add_reject_line(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    return add_check(p, c, CHECK_REJECT_LINE, key, v);
}

static bool add_measured(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    return add_check(p, c, p->measure.kind, key, v);
}

/* ---- Measures and bounds ---- */

/* "F" of a bound: digits with at most 6 after a point, as num / den. */
static bool parse_factor(const char *s, uint64_t *num, uint64_t *den)
{
    *num = 0;
    *den = 1;
    bool digits = false, point = false;
    for (; *s; s++) {
        if (*s == '.' && !point) {
            point = true;
        } else if (*s >= '0' && *s <= '9' && *num < 1000000000000ull && *den < 1000000) {
            *num = *num * 10 + (uint64_t)(*s - '0');
            *den *= point ? 10 : 1;
            digits = true;
        } else {
            return false;
        }
    }
    return digits;
}

#define BOUND_FORMS "N, ref, F * ref, ref + N, ref - N or F * ref + N"

/* BOUND: N | ref | F * ref | ref +/- N | F * ref +/- N, its words apart
 * (or not: "0.5*ref+100" reads the same). */
static bool parse_bound_text(struct parser *p, const char *key, char *s, struct grade_bound *b)
{
    char *w[6], buf[200];
    unsigned nw = 0;
    size_t o = 0;
    s = skip_space(s);
    if (!strstr(s, "ref") && !strchr(s, '*')) {
        *b = (struct grade_bound){.num = 1, .den = 1};
        char text[32];
        if (!spec_u64(p, key, s, &b->n, "a number (a non-negative integer)"))
            return false;
        snprintf(text, sizeof text, "%llu", (unsigned long long)b->n);
        return (b->text = copy(p, text)) != NULL;
    }
    for (char *c = s; *c && o + 4 < sizeof buf;) {
        if (is_space(*c)) {
            c = skip_space(c);
        } else if (*c == '*' || *c == '+' || *c == '-') {
            if (nw == 6)
                goto bad;
            w[nw++] = buf + o;
            buf[o++] = *c++;
            buf[o++] = 0;
        } else {
            if (nw == 6)
                goto bad;
            w[nw++] = buf + o;
            while (*c && !is_space(*c) && *c != '*' && *c != '+' && *c != '-' && o + 2 < sizeof buf)
                buf[o++] = *c++;
            buf[o++] = 0;
        }
    }
    *b = (struct grade_bound){.num = 1, .den = 1};
    char text[200];
    unsigned i = 0;
    char factor[40] = "";
    if (nw >= 3 && !strcmp(w[1], "*")) {
        if (!parse_factor(w[0], &b->num, &b->den))
            return fail(p, "%s: expected a factor such as 0.5 or 1.05 before '* ref', not '%s'",
                        key, w[0]);
        snprintf(factor, sizeof factor, "%s * ", w[0]);
        i = 2;
    }
    if (i >= nw || strcmp(w[i], "ref") != 0)
        goto bad;
    b->ref = true;
    i++;
    if (i + 2 == nw && (!strcmp(w[i], "+") || !strcmp(w[i], "-"))) {
        b->minus = w[i][0] == '-';
        if (!spec_u64(p, key, w[i + 1], &b->n, "a number (a non-negative integer) after ref +/-"))
            return false;
        i += 2;
    }
    if (i != nw)
        goto bad;
    snprintf(text, sizeof text, "%sref", factor);
    if (b->n || b->minus)
        snprintf(text + strlen(text), sizeof text - strlen(text), " %c %llu", b->minus ? '-' : '+',
                 (unsigned long long)b->n);
    return (b->text = copy(p, text)) != NULL;
bad:
    return fail(p, "%s: expected a bound " BOUND_FORMS " (F a decimal such as 0.5), not '%s'", key,
                skip_space(s));
}

/* A malloc'ed copy of the n items of `size` at src; NULL for none, and
 * NULL with p->oom set when out of host memory. */
static void *copy_items(struct parser *p, const void *src, size_t n, size_t size)
{
    if (!n)
        return NULL;
    void *d = malloc(n * size);
    if (!d) {
        p->oom = true;
        return NULL;
    }
    return memcpy(d, src, n * size);
}

/* The closing quote of the quoted text at s ('"'); NULL if none. */
static char *closing_quote(char *s)
{
    for (s++; *s && *s != '"'; s += s[0] == '\\' && s[1] ? 2 : 1)
        ;
    return *s ? s : NULL;
}

/* OPERAND [#N] in [s, end) (no comment): into p->measure of `kind`. */
static bool parse_measure(struct parser *p, const char *key, enum grade_check_kind kind, char *s,
                          char *end)
{
    static const char *const what[] = {
        [CHECK_STAT] = "a statistic", [CHECK_LINES] = "a pattern", [CHECK_LINE_TIME] = "a pattern"};
    while (s < end && is_space(*s)) /* (the caller's end may be before trailing blanks) */
        s++;
    while (end > s && is_space(end[-1]))
        end--;
    p->measure = (struct grade_measure){.kind = kind, .nth = 1};
    if (kind == CHECK_LINE_TIME) {
        char *w = end;
        while (w > s && !is_space(w[-1]))
            w--;
        if (w > s && w < end && *w == '#') {
            uint64_t nth;
            char saved = *end;
            *end = 0;
            bool ok = parse_u64(w + 1, &nth) == 0 && nth >= 1 && nth <= 1000000;
            *end = saved;
            if (!ok)
                return fail(p, "%s: expected #N, the matching line's number 1..1000000, not '%.*s'",
                            key, (int)(end - w), w);
            p->measure.nth = (unsigned)nth;
            end = w;
            while (end > s && is_space(end[-1]))
                end--;
        }
    }
    if (s == end)
        return fail(p, "%s: expected %s", key, what[kind]);
    if (*s == '"') {
        char *q = closing_quote(s);
        if (!q || q >= end)
            return fail(p, "expected a closing '\"' at the end of the quoted value");
        if (q + 1 != end)
            return fail(p, "%s: expected nothing but %s after the closing '\"', not '%.*s'", key,
                        kind == CHECK_LINE_TIME ? "#N" : "the rest of the line", (int)(end - q - 1),
                        q + 1);
        s++;
        end = q;
    }
    char *buf = malloc((size_t)(end - s) + 1);
    if (!buf) {
        p->oom = true;
        return false;
    }
    bool ok = unescape(p, s, end, buf) && (p->measure.text = copy(p, buf)) != NULL;
    free(buf);
    if (!ok)
        return false;
    char why[300];
    if (kind == CHECK_STAT && statpath_check(p->measure.text, why, sizeof why) != 0)
        return fail(p, "%s: %s", key, why);
    return true;
}

/* "stat"/"lines"/"line-time" at the start of s: its kind; s moves past it. */
static bool measure_kind(char **s, enum grade_check_kind *kind)
{
    for (size_t i = 0; i < sizeof measure_keys / sizeof measure_keys[0]; i++) {
        size_t n = measure_keys[i] ? strlen(measure_keys[i]) : 0;
        if (n && !strncmp(*s, measure_keys[i], n) && (is_space((*s)[n]) || !(*s)[n])) {
            *kind = (enum grade_check_kind)i;
            *s += n;
            return true;
        }
    }
    return false;
}

/* The words of an order after a measure, and what they mean. */
static const struct {
    const char *word;
    bool higher;
    bool board; /* a leaderboard's; else a metric's */
} orders[] = {
    {"lower-better", false, false},
    {"higher-better", true, false},
    {"asc", false, true},
    {"desc", true, true},
};

/* LABEL = MEASURE [ORDER], for `metric` and `leaderboard`. */
static bool add_metric(struct parser *p, struct grade_case *c, const char *key, char *s)
{
    bool board = !strcmp(key, "leaderboard");
    s = skip_space(s);
    size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-");
    char *eq = skip_space(s + n);
    if (!n || n > 48 || *eq != '=')
        return fail(p,
                    "%s: expected '%s LABEL = MEASURE' with a label of 1..48 letters, digits, "
                    "'_', '.' and '-', not '%s'",
                    key, key, s);
    char label[64];
    snprintf(label, sizeof label, "%.*s", (int)n, s);
    char *m = skip_space(eq + 1);
    enum grade_check_kind kind;
    if (!measure_kind(&m, &kind))
        return fail(p,
                    "%s %s: expected a measure: stat NAME, lines PATTERN or line-time PATTERN "
                    "[#N], not '%s'",
                    key, label, m);
    char *end = value_end_numbered(m, kind == CHECK_LINE_TIME);
    bool higher = board; /* (Gradescope's default order is desc) */
    char *w = end;
    while (w > m && !is_space(w[-1]))
        w--;
    for (size_t i = 0; i < sizeof orders / sizeof orders[0]; i++)
        if (orders[i].board == board && (size_t)(end - w) == strlen(orders[i].word) &&
            !strncmp(w, orders[i].word, (size_t)(end - w))) {
            higher = orders[i].higher;
            end = w;
        }
    if (!parse_measure(p, key, kind, m, end))
        return false;
    struct grade_metric **list = board ? &c->board : &c->metrics;
    unsigned *count = board ? &c->nboard : &c->nmetrics;
    for (unsigned i = 0; i < *count; i++)
        if (!strcmp((*list)[i].label, label))
            return fail(p, "%s %s: the label is taken (line %u)", key, label, (*list)[i].line);
    for (unsigned k = 0; board && k < p->spec->ncases; k++)
        for (unsigned i = 0; i < p->spec->cases[k].nboard; i++)
            if (!strcmp(p->spec->cases[k].board[i].label, label))
                return fail(p,
                            "%s %s: the label is taken (line %u): an entry names one case's "
                            "number",
                            key, label, p->spec->cases[k].board[i].line);
    struct grade_metric *nl = realloc(*list, (*count + 1) * sizeof *nl);
    if (!nl) {
        p->oom = true;
        return false;
    }
    *list = nl;
    char src[300], ms[240];
    measure_source(&p->measure, ms, sizeof ms);
    const char *order = "";
    for (size_t i = 0; i < sizeof orders / sizeof orders[0]; i++)
        if (orders[i].board == board && orders[i].higher == higher)
            order = orders[i].word;
    if (snprintf(src, sizeof src, "%s %s = %s %s", key, label, ms, order) < 0)
        src[0] = 0;
    nl[*count] = (struct grade_metric){.label = copy(p, label),
                                       .m = p->measure,
                                       .higher = higher,
                                       .source = copy(p, src),
                                       .line = p->line};
    (*count)++;
    return nl[*count - 1].label && nl[*count - 1].source;
}

static bool set_metric(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    char *s = malloc(strlen(v) + 1);
    if (!s) {
        p->oom = true;
        return false;
    }
    strcpy(s, v);
    bool ok = add_metric(p, c, key, s);
    free(s);
    return ok;
}

static bool set_description(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    size_t n = strlen(v);
    while (n && v[n - 1] == '\n')
        n--; /* (a <<MARK text's last newline: reports add their own) */
    if (!n)
        return fail(p, "%s: expected a text", key);
    if (!(v = arena_copy(p->spec, v, n))) {
        p->oom = true;
        return false;
    }
    if (p->last_check >= 0) {
        c->checks[p->last_check].description = v;
        return true;
    }
    bool spec = c == &p->defaults;
    const char **d = spec ? &p->spec->description : &c->description;
    if (c->nchecks > p->own_from || *d)
        return fail(p,
                    "%s: expected right after a check (it explains the check) or once before "
                    "the %s's first check (it describes the %s)",
                    key, spec ? "spec" : "case", spec ? "spec" : "case");
    *d = v;
    return true;
}

static bool set_version(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    (void)c;
    if (parse_u64(v, &p->spec->version) != 0 || !p->spec->version || p->spec->version > UINT32_MAX)
        return fail(p, "%s: expected the workload's version, a positive integer, not '%s'", key, v);
    return true;
}

static bool set_reference(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    return (c->reference = spec_file(p, key, v)) != NULL;
}

bool grade_case_needs_ref(const struct grade_case *c)
{
    for (unsigned i = 0; i < c->nchecks; i++)
        if (c->checks[i].bound.ref)
            return true;
    return false;
}

enum key_form {
    FORM_VALUE, /* key = value */
    FORM_TEXT,  /* key = value, or key <<MARK and lines up to MARK */
    FORM_BOUND, /* key OPERAND OP BOUND */
    FORM_LABEL, /* key LABEL = ... (the setter reads the rest of the line) */
};

/* Every key. `group`: keys of one group (not 0) exclude each other in one
 * section; a case's value of one replaces the defaults' value of another. */
static const struct key {
    const char *name;
    set_fn set;
    enum key_form form;
    bool repeatable;    /* checks add up; other keys may be given once a section */
    bool defaults_only; /* only before the first [case] */
    int group;
    bool case_only; /* only in a [case] */
} keys[] = {
    {"title", set_title, FORM_VALUE, false, true, 0, false},
    {"description", set_description, FORM_TEXT, true, false, 0, false},
    {"version", set_version, FORM_VALUE, false, true, 0, false},
    {"reference", set_reference, FORM_VALUE, false, true, 0, false},
    {"kernel", set_kernel, FORM_VALUE, false, false, 0, false},
    {"max-insns", set_max_insns, FORM_VALUE, false, false, 0, false},
    {"mem", set_mem, FORM_VALUE, false, false, 0, false},
    {"cpus", set_cpus, FORM_VALUE, false, false, 0, false},
    {"seed", set_seed, FORM_VALUE, false, false, 0, false},
    {"nodes", set_nodes, FORM_VALUE, false, false, 0, false},
    {"net", set_net, FORM_VALUE, false, false, 0, false},
    {"cmdline", set_cmdline, FORM_VALUE, false, false, 0, false},
    {"disk", set_disk, FORM_VALUE, false, false, 1, false},
    {"disk-size", set_disk_size, FORM_VALUE, false, false, 1, false},
    {"points", set_points, FORM_VALUE, false, false, 0, false},
    {"visibility", set_visibility, FORM_VALUE, false, false, 0, false},
    {"input", set_input, FORM_TEXT, false, false, 2, false},
    {"input-file", set_input_file, FORM_VALUE, false, false, 2, false},
    {"exit", set_exit, FORM_VALUE, false, false, 3, false},
    {"end", set_end, FORM_VALUE, false, false, 3, false},
    {"expect", add_expect, FORM_VALUE, true, false, 0, false},
    {"expect-line", add_expect_line, FORM_VALUE, true, false, 0, false},
    {"reject", add_reject, FORM_VALUE, true, false, 0, false},
    {"reject-line", add_reject_line, FORM_VALUE, true, false, 0, false},
    {"lines", add_measured, FORM_BOUND, true, false, 0, false},
    {"stat", add_measured, FORM_BOUND, true, false, 0, false},
    {"line-time", add_measured, FORM_BOUND, true, false, 0, false},
    {"metric", set_metric, FORM_LABEL, true, false, 0, false},
    {"leaderboard", set_metric, FORM_LABEL, true, false, 0, true},
};
#define NKEYS (sizeof keys / sizeof keys[0])

static const char *const op_names[] = {
    [OP_LT] = "<", [OP_LE] = "<=", [OP_GT] = ">", [OP_GE] = ">=", [OP_EQ] = "==", [OP_NE] = "!=",
};

const char *grade_op_name(enum grade_op op)
{
    return op_names[op];
}

const char *grade_end_name(enum machine_state st)
{
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
        if (ends[i].state == st)
            return ends[i].name;
    return "interrupted";
}

/* ---- Lines ---- */

/* The next line of the file (NULL at its end), without its end of line. */
static char *next_line(struct parser *p)
{
    if (!p->next)
        return NULL;
    char *s = p->next, *nl = strchr(s, '\n');
    if (nl) {
        *nl = 0;
        p->next = nl + 1;
    } else {
        p->next = NULL;
        if (!*s)
            return NULL;
    }
    size_t n = strlen(s);
    if (n && s[n - 1] == '\r')
        s[n - 1] = 0;
    p->line++;
    return s;
}

/* key <<MARK: the lines up to one that is MARK, each with its newline. */
static const char *parse_heredoc(struct parser *p, const char *key, char *s)
{
    char *mark = skip_space(s);
    char *e = mark;
    while (*e && !is_space(*e))
        e++;
    if (e == mark || *skip_space(e))
        return fail(p,
                    "%s: expected '%s <<MARK' (a word that ends the text on a line of its "
                    "own), not '<<%s'",
                    key, key, mark),
               NULL;
    *e = 0;
    unsigned start = p->line;
    char *text = NULL;
    size_t n = 0;
    char *l;
    while ((l = next_line(p)) && strcmp(l, mark) != 0) {
        size_t len = strlen(l);
        char *t = realloc(text, n + len + 2);
        if (!t) {
            free(text);
            p->oom = true;
            return NULL;
        }
        text = t;
        memcpy(text + n, l, len);
        n += len;
        text[n++] = '\n';
    }
    if (!l) {
        free(text);
        p->line = start;
        return fail(p, "%s <<%s: expected a line '%s' that ends the text, but the file ended", key,
                    mark, mark),
               NULL;
    }
    const char *v = arena_copy(p->spec, text ? text : "", n);
    free(text);
    if (!v)
        p->oom = true;
    return v;
}

/* OPERAND [#N] OP BOUND [# comment]: sets p->measure, p->op and p->bound;
 * returns the operand. The operator is the last word that is one (after
 * a quoted operand). */
static const char *parse_bound(struct parser *p, const char *key, char *s)
{
    enum grade_check_kind kind = CHECK_STAT;
    char *k = (char *)key;
    measure_kind(&k, &kind);
    s = skip_space(s);
    char *from = s;
    if (*s == '"' && !(from = closing_quote(s)))
        return fail(p, "expected a closing '\"' at the end of the quoted value"), NULL;
    char *end = value_end_numbered(from, kind == CHECK_LINE_TIME);
    *end = 0;
    char *op = NULL;
    size_t opn = 0;
    for (char *w = from; *w;) {
        w = skip_space(w);
        char *we = w;
        while (*we && !is_space(*we))
            we++;
        for (size_t i = 0; i < sizeof op_names / sizeof op_names[0]; i++)
            if ((size_t)(we - w) == strlen(op_names[i]) &&
                !strncmp(w, op_names[i], (size_t)(we - w)))
                op = w, opn = i;
        w = we;
    }
    if (!op) {
        /* the old message, for a line with no operator at all */
        char *last = end;
        while (last > from && !is_space(last[-1]))
            last--;
        char *prev = last;
        while (prev > from && is_space(prev[-1]))
            prev--;
        while (prev > from && !is_space(prev[-1]))
            prev--;
        if (prev < last && prev > s)
            return fail(p, "%s: expected an operator < <= > >= == or !=, not '%.*s'", key,
                        (int)strcspn(prev, " \t"), prev),
                   NULL;
        return fail(p,
                    "expected '%s OPERAND OP BOUND' with %s, an operator (< <= > >= == "
                    "!=) and a number or a bound relative to ref, not '%s %s'",
                    key, kind == CHECK_STAT ? "a statistic" : "a pattern", key, s),
               NULL;
    }
    p->op = (enum grade_op)opn;
    if (!parse_measure(p, key, kind, s, op))
        return NULL;
    if (!*skip_space(op + strlen(op_names[opn])))
        return fail(p, "%s: expected a number or a bound relative to ref after '%s'", key,
                    op_names[opn]),
               NULL;
    if (!parse_bound_text(p, key, op + strlen(op_names[opn]), &p->bound))
        return NULL;
    return p->measure.text;
}

/* [case NAME] */
static bool parse_section(struct parser *p, char *s)
{
    char *e = value_end(s);
    *e = 0;
    char *name = s + 1;
    if (strncmp(name, "case", 4) != 0 || !is_space(name[4]) || e[-1] != ']')
        return fail(p, "expected a section '[case NAME]', not '%s'", s);
    e[-1] = 0;
    name = skip_space(name + 4);
    char *ne = name + strlen(name);
    while (ne > name && is_space(ne[-1]))
        *--ne = 0;
    size_t n = strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-");
    if (!*name || name[n] || name[0] == '.' || n > MAX_NAME)
        return fail(p,
                    "expected a case name of letters, digits, '_', '-' and '.' (at most %d, not "
                    "starting with '.'), not '%s'",
                    MAX_NAME, name);
    struct grade_spec *sp = p->spec;
    for (unsigned i = 0; i < sp->ncases; i++)
        if (!strcmp(sp->cases[i].name, name))
            return fail(p, "case '%s' is defined twice (first at line %u)", name,
                        sp->cases[i].line);
    struct grade_case *cases = realloc(sp->cases, (sp->ncases + 1) * sizeof *cases);
    if (!cases) {
        p->oom = true;
        return false;
    }
    sp->cases = cases;
    struct grade_case *c = &cases[sp->ncases++];
    *c = p->defaults;
    /* the defaults' checks and metrics come first in every case: its own copies
     * (never the defaults' arrays, which are freed once) */
    if (!(c->checks = copy_items(p, p->defaults.checks, c->nchecks, sizeof *c->checks)))
        c->nchecks = 0;
    if (!(c->metrics = copy_items(p, p->defaults.metrics, c->nmetrics, sizeof *c->metrics)))
        c->nmetrics = 0;
    if (p->oom)
        return false;
    p->own_from = c->nchecks;
    p->last_check = -1;
    c->line = p->line;
    c->name = copy(p, name);
    p->cur = c;
    memset(p->set_at, 0, NKEYS * sizeof *p->set_at);
    return c->name != NULL;
}

/* key = value, key <<MARK, or key OPERAND OP NUMBER */
static bool parse_setting(struct parser *p, char *s)
{
    char *k = s;
    while ((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '-')
        k++;
    size_t klen = (size_t)(k - s);
    if (!klen || (*k && !is_space(*k) && *k != '=' && *k != '<'))
        return fail(p, "expected 'key = value', '[case NAME]' or a '#' comment, not '%s'", s);
    size_t i = 0;
    while (i < NKEYS && (strlen(keys[i].name) != klen || strncmp(keys[i].name, s, klen) != 0))
        i++;
    if (i == NKEYS)
        return fail(p, "unknown key '%.*s' (docs/grading.md lists the keys)", (int)klen, s);
    const struct key *key = &keys[i];
    if (key->defaults_only && p->cur != &p->defaults)
        return fail(p, "%s: expected before the first [case] (it is about the whole spec)",
                    key->name);
    if (key->case_only && p->cur == &p->defaults)
        return fail(p, "%s: expected in a [case] (an entry is one case's number)", key->name);
    if (!key->repeatable && p->set_at[i])
        return fail(p, "%s: given twice in one section (first at line %u)", key->name,
                    p->set_at[i]);
    for (size_t j = 0; key->group && j < NKEYS; j++)
        if (j != i && keys[j].group == key->group && p->set_at[j])
            return fail(p, "%s: cannot be given with %s (line %u) in one section", key->name,
                        keys[j].name, p->set_at[j]);
    char *rest = skip_space(k);
    const char *v;
    if (key->form == FORM_BOUND)
        v = parse_bound(p, key->name, rest);
    else if (key->form == FORM_LABEL)
        v = copy(p, rest);
    else if (key->form == FORM_TEXT && rest[0] == '<' && rest[1] == '<')
        v = parse_heredoc(p, key->name, rest + 2);
    else if (*rest != '=')
        return fail(p, "%s: expected '%s = value'%s", key->name, key->name,
                    key->form == FORM_TEXT ? " or '<<MARK'" : "");
    else
        v = parse_value(p, rest + 1);
    if (!v)
        return false;
    p->set_at[i] = p->line;
    unsigned before = p->cur->nchecks;
    bool ok = key->set(p, p->cur, key->name, v);
    p->last_check = p->cur->nchecks > before ? (int)p->cur->nchecks - 1 : -1;
    return ok;
}

static bool parse(struct parser *p)
{
    char *l;
    while ((l = next_line(p))) {
        char *s = skip_space(l);
        bool ok = !*s || *s == '#' || (*s == '[' ? parse_section(p, s) : parse_setting(p, s));
        if (p->oom)
            return fail(p, "out of host memory");
        if (!ok)
            return false;
    }
    if (!p->spec->ncases) {
        p->line++;
        return fail(p, "expected at least one '[case NAME]' section, but the file ended");
    }
    return true;
}

/* What only the whole case can tell: a network needs nodes, and its spec
 * must suit their number; a multicomputer's case has no disk and no
 * statistics to check (yet). The error names the case's line. */
static bool check_nodes(struct parser *p)
{
    for (unsigned i = 0; i < p->spec->ncases; i++) {
        const struct grade_case *c = &p->spec->cases[i];
        p->line = c->line;
        if (c->net && !c->nodes)
            return fail(p, "case '%s': net needs nodes = N", c->name);
        if (!c->nodes)
            continue;
        if (c->disk || c->disk_size)
            return fail(p, "case '%s': a case with nodes cannot have a disk (yet)", c->name);
        for (unsigned k = 0; k < c->nchecks; k++)
            if (c->checks[k].kind == CHECK_STAT || c->checks[k].kind == CHECK_LINE_TIME ||
                c->checks[k].bound.ref)
                return fail(p,
                            "case '%s': stat, line-time and ref checks are not available with "
                            "nodes (yet; line %u)",
                            c->name, c->checks[k].line);
        for (unsigned k = 0; k < c->nmetrics + c->nboard; k++) {
            const struct grade_metric *m =
                k < c->nmetrics ? &c->metrics[k] : &c->board[k - c->nmetrics];
            if (m->m.kind != CHECK_LINES)
                return fail(p,
                            "case '%s': stat and line-time measures are not available with "
                            "nodes (yet; line %u)",
                            c->name, m->line);
        }
        struct net_spec spec;
        char why[256];
        if (net_spec_parse(c->net, c->nodes, &spec, why, sizeof why) != 0)
            return fail(p, "case '%s': %s", c->name, why);
        net_spec_free(&spec);
    }
    return true;
}

struct grade_spec *grade_spec_load(const char *path, char *err, unsigned errlen)
{
    uint8_t *data;
    size_t size;
    if (loader_read_file(path, "grade spec", &data, &size, err, errlen) != 0)
        return NULL;
    struct grade_spec *sp = calloc(1, sizeof *sp);
    char *text = malloc(size + 1);
    struct parser p = {.path = path,
                       .spec = sp,
                       .err = err,
                       .errlen = errlen,
                       .set_at = calloc(NKEYS, sizeof(unsigned))};
    bool ok = sp && text && p.set_at;
    if (ok) {
        memcpy(text, data, size);
        text[size] = 0;
        p.next = text;
        if (!strncmp(text, "\xef\xbb\xbf", 3))
            p.next += 3; /* a UTF-8 byte order mark, as Windows editors write */
        sp->path = copy(&p, path);
        /* the directory relative paths start from; the title defaults to
         * the file's name without its extension */
        const char *base = path;
        for (const char *c = path; *c; c++)
            if (*c == '/' || *c == '\\')
                base = c + 1;
        char *dir = sp->path ? arena_copy(sp, path, (size_t)(base - path)) : NULL;
        const char *dot = strrchr(base, '.');
        sp->title = arena_copy(sp, base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
        p.dir = dir;
        p.defaults = (struct grade_case){.points = 1,
                                         .max_insns = GRADE_DEFAULT_MAX_INSNS,
                                         .mem = GRADE_DEFAULT_MEM,
                                         .ncpus = 1,
                                         .end = MACHINE_HALTED};
        p.cur = &p.defaults;
        p.last_check = -1;
        ok = dir && sp->title;
        if (!ok)
            snprintf(err, errlen, "%s: out of host memory", path);
        else
            ok = parse(&p) && check_nodes(&p);
    } else {
        snprintf(err, errlen, "%s: out of host memory", path);
    }
    free(p.defaults.checks);
    free(p.defaults.metrics);
    free(p.defaults.board);
    free(p.set_at);
    free(text);
    free(data);
    if (!ok) {
        grade_spec_free(sp);
        return NULL;
    }
    return sp;
}

void grade_spec_free(struct grade_spec *sp)
{
    if (!sp)
        return;
    for (unsigned i = 0; i < sp->ncases; i++)
        free(sp->cases[i].checks), free(sp->cases[i].metrics), free(sp->cases[i].board);
    free(sp->cases);
    while (sp->arena) {
        struct grade_arena *a = sp->arena;
        sp->arena = a->next;
        free(a);
    }
    free(sp);
}
