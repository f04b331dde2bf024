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
    enum grade_op op;       /* of a "stat"/"lines" line */
    uint64_t number;
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
 * comment; then trailing blanks go. */
static char *value_end(char *s)
{
    char *e = s;
    while (*e && !(*e == '#' && (e == s || is_space(e[-1]))))
        e += e[0] == '\\' && e[1] ? 2 : 1;
    while (e > s && is_space(e[-1]))
        e--;
    return e;
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

static bool add_check(struct parser *p, struct grade_case *c, enum grade_check_kind kind,
                      const char *key, const char *v)
{
    struct grade_check *n = realloc(c->checks, (c->nchecks + 1) * sizeof *n);
    if (!n) {
        p->oom = true;
        return false;
    }
    c->checks = n;
    char source[300], q[200];
    spec_quote(v, q, sizeof q);
    if (kind == CHECK_LINES || kind == CHECK_STAT)
        snprintf(source, sizeof source, "%s %s %s %llu", key, q, grade_op_name(p->op),
                 (unsigned long long)p->number);
    else
        snprintf(source, sizeof source, "%s = %s", key, q);
    c->checks[c->nchecks++] = (struct grade_check){
        .kind = kind, .text = v, .op = p->op, .value = p->number, .line = p->line};
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

static bool add_lines(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    return add_check(p, c, CHECK_LINES, key, v);
}

static bool add_stat(struct parser *p, struct grade_case *c, const char *key, const char *v)
{
    char why[300];
    if (statpath_check(v, why, sizeof why) != 0)
        return fail(p, "%s: %s", key, why);
    return add_check(p, c, CHECK_STAT, key, v);
}

enum key_form {
    FORM_VALUE, /* key = value */
    FORM_TEXT,  /* key = value, or key <<MARK and lines up to MARK */
    FORM_BOUND, /* key OPERAND OP NUMBER */
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
} keys[] = {
    {"title", set_title, FORM_VALUE, false, true, 0},
    {"kernel", set_kernel, FORM_VALUE, false, false, 0},
    {"max-insns", set_max_insns, FORM_VALUE, false, false, 0},
    {"mem", set_mem, FORM_VALUE, false, false, 0},
    {"cpus", set_cpus, FORM_VALUE, false, false, 0},
    {"seed", set_seed, FORM_VALUE, false, false, 0},
    {"nodes", set_nodes, FORM_VALUE, false, false, 0},
    {"net", set_net, FORM_VALUE, false, false, 0},
    {"cmdline", set_cmdline, FORM_VALUE, false, false, 0},
    {"disk", set_disk, FORM_VALUE, false, false, 1},
    {"disk-size", set_disk_size, FORM_VALUE, false, false, 1},
    {"points", set_points, FORM_VALUE, false, false, 0},
    {"visibility", set_visibility, FORM_VALUE, false, false, 0},
    {"input", set_input, FORM_TEXT, false, false, 2},
    {"input-file", set_input_file, FORM_VALUE, false, false, 2},
    {"exit", set_exit, FORM_VALUE, false, false, 3},
    {"end", set_end, FORM_VALUE, false, false, 3},
    {"expect", add_expect, FORM_VALUE, true, false, 0},
    {"expect-line", add_expect_line, FORM_VALUE, true, false, 0},
    {"reject", add_reject, FORM_VALUE, true, false, 0},
    {"reject-line", add_reject_line, FORM_VALUE, true, false, 0},
    {"lines", add_lines, FORM_BOUND, true, false, 0},
    {"stat", add_stat, FORM_BOUND, true, false, 0},
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

/* OPERAND OP NUMBER [# comment]: sets p->op and p->number. */
static const char *parse_bound(struct parser *p, const char *key, char *s)
{
    const char *what = strcmp(key, "lines") ? "a statistic" : "a pattern";
    char *rest;
    const char *operand;
    s = skip_space(s);
    if (*s == '"') {
        if (!(operand = parse_text(p, s, &rest)))
            return NULL;
        *value_end(rest) = 0;
    } else {
        /* the last two words are OP and NUMBER */
        char *end = value_end(s);
        *end = 0;
        char *num = end;
        while (num > s && !is_space(num[-1]))
            num--;
        char *op_end = num;
        while (op_end > s && is_space(op_end[-1]))
            op_end--;
        char *op = op_end;
        while (op > s && !is_space(op[-1]))
            op--;
        char *operand_end = op;
        while (operand_end > s && is_space(operand_end[-1]))
            operand_end--;
        if (operand_end == s)
            return fail(p,
                        "expected '%s OPERAND OP NUMBER' with %s, an operator (< <= > >= == "
                        "!=) and a number, not '%s %s'",
                        key, what, key, s),
                   NULL;
        char *buf = malloc((size_t)(operand_end - s) + 1);
        if (!buf) {
            p->oom = true;
            return NULL;
        }
        operand = unescape(p, s, operand_end, buf) ? copy(p, buf) : NULL;
        free(buf);
        if (!operand)
            return NULL;
        rest = op;
    }
    /* rest: "OP NUMBER" */
    char *op = skip_space(rest), *op_end = op;
    while (*op_end && !is_space(*op_end))
        op_end++;
    char *num = skip_space(op_end);
    *op_end = 0;
    size_t i = 0;
    while (i < sizeof op_names / sizeof op_names[0] && strcmp(op, op_names[i]) != 0)
        i++;
    if (i == sizeof op_names / sizeof op_names[0])
        return fail(p, "%s: expected an operator < <= > >= == or !=, not '%s'", key, op), NULL;
    p->op = (enum grade_op)i;
    if (!spec_u64(p, key, num, &p->number, "a number (a non-negative integer)"))
        return NULL;
    return operand;
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
    c->checks = NULL;
    if (p->defaults.nchecks && !(c->checks = malloc(p->defaults.nchecks * sizeof *c->checks))) {
        c->nchecks = 0;
        p->oom = true;
        return false;
    }
    if (c->checks)
        memcpy(c->checks, p->defaults.checks, p->defaults.nchecks * sizeof *c->checks);
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
    return key->set(p, p->cur, key->name, v);
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
            if (c->checks[k].kind == CHECK_STAT)
                return fail(p, "case '%s': stat checks are not available with nodes (yet; line %u)",
                            c->name, c->checks[k].line);
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
        ok = dir && sp->title;
        if (!ok)
            snprintf(err, errlen, "%s: out of host memory", path);
        else
            ok = parse(&p) && check_nodes(&p);
    } else {
        snprintf(err, errlen, "%s: out of host memory", path);
    }
    free(p.defaults.checks);
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
        free(sp->cases[i].checks);
    free(sp->cases);
    while (sp->arena) {
        struct grade_arena *a = sp->arena;
        sp->arena = a->next;
        free(a);
    }
    free(sp);
}
