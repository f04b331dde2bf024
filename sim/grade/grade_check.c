#include "grade_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim/stats/statpath.h"

#define QUOTED 200 /* a quoted text in a sentence: room for the sentence around it */

bool grade_glob(const char *pattern, const char *s, size_t n)
{
    const char *p = pattern, *star = NULL;
    size_t i = 0, resume = 0;
    while (i < n) {
        if (*p == '*') {
            star = p++; /* try matching nothing first, then one more each time */
            resume = i;
        } else if (*p && (*p == '?' || *p == s[i])) {
            p++;
            i++;
        } else if (star) {
            p = star + 1;
            i = ++resume;
        } else {
            return false;
        }
    }
    while (*p == '*')
        p++;
    return !*p;
}

/* snprintf for sentences that may be cut to fit (a long pattern). */
static void textf(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void textf(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}

/* Writes text as a quoted, printable string into buf, cut to fit. */
static void quote(char *buf, size_t len, const char *text, size_t n)
{
    size_t o = 0;
    const size_t room = len - 6; /* closing quote, "...", NUL */
    buf[o++] = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)text[i];
        char e[8];
        if (ch == '\n')
            strcpy(e, "\\n");
        else if (ch == '\t')
            strcpy(e, "\\t");
        else if (ch == '"' || ch == '\\')
            snprintf(e, sizeof e, "\\%c", ch);
        else if (ch < 0x20 || ch == 0x7f)
            snprintf(e, sizeof e, "\\x%02x", ch);
        else
            e[0] = (char)ch, e[1] = 0;
        size_t el = strlen(e);
        if (o + el > room) {
            strcpy(buf + o, "...");
            o += 3;
            break;
        }
        memcpy(buf + o, e, el);
        o += el;
    }
    buf[o++] = '"';
    buf[o] = 0;
}

static void quote_str(char *buf, size_t len, const char *text)
{
    quote(buf, len, text, strlen(text));
}

/* ---- The output, line by line ---- */

struct line {
    const char *s;
    size_t n;
    unsigned number; /* from 1 */
};

/* The next line after l (l->s NULL: the first); false after the last. A
 * final line without a newline counts; the empty text after a final
 * newline does not. A '\r' before the newline is not part of the line. */
static bool next_line(const struct grade_run *run, struct line *l)
{
    const char *end = run->output + run->output_len;
    const char *s = l->s ? l->s + l->n : run->output;
    if (l->s) {
        while (s < end && *s != '\n')
            s++; /* (past a '\r' cut off) */
        if (s < end)
            s++;
    }
    if (s >= end)
        return false;
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
    if (n && s[n - 1] == '\r')
        n--;
    l->s = s;
    l->n = n;
    l->number++;
    return true;
}

/* The first line matching the pattern at or after *l; false if none. */
static bool find_line(const struct grade_run *run, const char *pattern, struct line *l)
{
    while (next_line(run, l))
        if (grade_glob(pattern, l->s, l->n))
            return true;
    return false;
}

/* The line number at which text first occurs in the output; 0 if never. */
static unsigned find_text(const struct grade_run *run, const char *text, struct line *at)
{
    size_t n = strlen(text);
    const char *o = run->output;
    for (size_t i = 0; n <= run->output_len && i <= run->output_len - n; i++)
        if (o[i] == text[0] && !memcmp(o + i, text, n)) {
            *at = (struct line){0};
            while (next_line(run, at) && at->s + at->n < o + i)
                ;
            return at->number;
        }
    return 0;
}

static void line_actual(char *buf, size_t len, const struct line *l)
{
    char q[QUOTED];
    quote(q, sizeof q, l->s, l->n);
    snprintf(buf, len, "line %u: %s", l->number, q);
}

/* ---- The checks, by kind ---- */

typedef bool (*judge_fn)(const struct grade_check *k, const struct grade_run *run,
                         const struct grade_ref *ref, struct grade_outcome *o);

static bool judge_expect(const struct grade_check *k, const struct grade_run *run,
                         const struct grade_ref *ref, struct grade_outcome *o)
{
    (void)ref;
    char q[QUOTED];
    struct line at;
    quote_str(q, sizeof q, k->text);
    snprintf(o->expected, sizeof o->expected, "the console output contains %s", q);
    if (!find_text(run, k->text, &at)) {
        snprintf(o->actual, sizeof o->actual, "not found");
        return false;
    }
    line_actual(o->actual, sizeof o->actual, &at);
    return true;
}

static bool judge_reject(const struct grade_check *k, const struct grade_run *run,
                         const struct grade_ref *ref, struct grade_outcome *o)
{
    (void)ref;
    char q[QUOTED];
    struct line at;
    quote_str(q, sizeof q, k->text);
    snprintf(o->expected, sizeof o->expected, "the console output does not contain %s", q);
    if (!find_text(run, k->text, &at)) {
        snprintf(o->actual, sizeof o->actual, "not found");
        return true;
    }
    line_actual(o->actual, sizeof o->actual, &at);
    return false;
}

static bool judge_expect_line(const struct grade_check *k, const struct grade_run *run,
                              const struct grade_ref *ref, struct grade_outcome *o)
{
    (void)ref;
    char q[QUOTED];
    struct line l = {0};
    quote_str(q, sizeof q, k->text);
    snprintf(o->expected, sizeof o->expected, "a line matching %s", q);
    if (!find_line(run, k->text, &l)) {
        snprintf(o->actual, sizeof o->actual, "no line matches");
        return false;
    }
    line_actual(o->actual, sizeof o->actual, &l);
    return true;
}

static bool judge_reject_line(const struct grade_check *k, const struct grade_run *run,
                              const struct grade_ref *ref, struct grade_outcome *o)
{
    (void)ref;
    char q[QUOTED];
    struct line l = {0};
    quote_str(q, sizeof q, k->text);
    snprintf(o->expected, sizeof o->expected, "no line matching %s", q);
    if (!find_line(run, k->text, &l)) {
        snprintf(o->actual, sizeof o->actual, "no line matches");
        return true;
    }
    line_actual(o->actual, sizeof o->actual, &l);
    return false;
}

static bool compare(uint64_t a, enum grade_op op, uint64_t b)
{
    switch (op) {
    case OP_LT: return a < b;
    case OP_LE: return a <= b;
    case OP_GT: return a > b;
    case OP_GE: return a >= b;
    case OP_EQ: return a == b;
    default: return a != b;
    }
}

int grade_measure(const struct grade_measure *m, const struct grade_run *run, uint64_t *v,
                  char *why, unsigned whylen)
{
    char q[QUOTED];
    struct line l = {0};
    uint64_t n = 0;
    switch (m->kind) {
    case CHECK_STAT:
        if (!run->stats) {
            snprintf(why, whylen, "the run has no statistics");
            return -1;
        }
        return statpath_get(run->stats, m->text, v, why, whylen) == 0 ? 0 : -1;
    case CHECK_LINES:
        while (find_line(run, m->text, &l))
            n++;
        *v = n;
        return 0;
    default: /* CHECK_LINE_TIME */
        while (n < m->nth && find_line(run, m->text, &l))
            n++;
        if (n == m->nth && l.number <= run->nline_times) {
            *v = run->line_times[l.number - 1];
            return 0;
        }
        quote_str(q, sizeof q, m->text);
        if (n == m->nth)
            snprintf(why, whylen, "line %u matches %s but was never completed (no newline)",
                     l.number, q);
        else
            snprintf(why, whylen, "%llu line%s match%s %s, fewer than %u", (unsigned long long)n,
                     n == 1 ? "" : "s", n == 1 ? "es" : "", q, m->nth);
        return -1;
    }
}

uint64_t grade_bound_value(const struct grade_bound *b, uint64_t r)
{
    /* F * r exactly, rounded down: r = q * den + rest */
    uint64_t q = r / b->den, rest = r % b->den;
    uint64_t scaled = rest * b->num / b->den; /* (rest, num < 10^13 / den) */
    if (q && b->num > (UINT64_MAX - scaled) / q)
        return UINT64_MAX;
    scaled += q * b->num;
    if (b->minus)
        return scaled > b->n ? scaled - b->n : 0;
    return scaled > UINT64_MAX - b->n ? UINT64_MAX : scaled + b->n;
}

/* The measure's name in sentences: "stat X", "lines matching "P"", ... */
static void measure_name(const struct grade_check *k, char *buf, size_t len)
{
    char q[QUOTED];
    quote_str(q, sizeof q, k->text);
    if (k->kind == CHECK_STAT)
        snprintf(buf, len, "%s", k->text);
    else if (k->kind == CHECK_LINES)
        snprintf(buf, len, "lines matching %s", q);
    else if (k->nth == 1)
        snprintf(buf, len, "the time of the first line matching %s", q);
    else
        snprintf(buf, len, "the time of line #%u matching %s", k->nth, q);
}

static bool judge_measured(const struct grade_check *k, const struct grade_run *run,
                           const struct grade_ref *ref, struct grade_outcome *o)
{
    char name[QUOTED + 64];
    measure_name(k, name, sizeof name);
    const struct grade_measure m = {.kind = k->kind, .text = k->text, .nth = k->nth};
    uint64_t bound = k->bound.n, v;
    bool usable = true;
    if (!k->bound.ref) {
        textf(o->expected, sizeof o->expected, "%s %s %llu", name, grade_op_name(k->op),
              (unsigned long long)bound);
    } else {
        char why[GRADE_TEXT];
        if (!ref || !ref->run || ref->why) {
            textf(o->expected, sizeof o->expected,
                  "%s %s %s, but the reference kernel gave no value: %s", name,
                  grade_op_name(k->op), k->bound.text,
                  ref && ref->why ? ref->why : "it did not run");
            usable = false;
        } else if (grade_measure(&m, ref->run, &o->ref_value, why, sizeof why) != 0) {
            textf(o->expected, sizeof o->expected,
                  "%s %s %s, but the reference kernel gave no value: %s", name,
                  grade_op_name(k->op), k->bound.text, why);
            usable = false;
        } else {
            bound = o->bound = grade_bound_value(&k->bound, o->ref_value);
            o->has_ref = true;
            textf(o->expected, sizeof o->expected,
                  "%s %s %s = %llu (ref %llu, the reference kernel on this case)", name,
                  grade_op_name(k->op), k->bound.text, (unsigned long long)bound,
                  (unsigned long long)o->ref_value);
        }
    }
    if (grade_measure(&m, run, &v, o->actual, sizeof o->actual) != 0)
        return false;
    if (k->kind == CHECK_LINES)
        snprintf(o->actual, sizeof o->actual, "%llu line%s", (unsigned long long)v,
                 v == 1 ? "" : "s");
    else
        snprintf(o->actual, sizeof o->actual, "%llu", (unsigned long long)v);
    return usable && compare(v, k->op, bound);
}

static const judge_fn judges[] = {
    [CHECK_EXPECT] = judge_expect,      [CHECK_EXPECT_LINE] = judge_expect_line,
    [CHECK_REJECT] = judge_reject,      [CHECK_REJECT_LINE] = judge_reject_line,
    [CHECK_LINES] = judge_measured,     [CHECK_STAT] = judge_measured,
    [CHECK_LINE_TIME] = judge_measured,
};

/* What the end should be, for a person. */
static const char *const end_wanted[] = {
    [MACHINE_HALTED] = "the guest halts (space_halt)",
    [MACHINE_STOPPED] = "a machine stop",
    [MACHINE_LIMIT] = "the instruction limit is reached",
};

static bool judge_end(const struct grade_case *c, const struct grade_run *run,
                      struct grade_outcome *o)
{
    if (c->exit_set) {
        snprintf(o->what, sizeof o->what, "exit = %u", c->exit_code);
        snprintf(o->expected, sizeof o->expected, "the guest halts with code %u", c->exit_code);
    } else {
        snprintf(o->what, sizeof o->what, "end = %s", grade_end_name(c->end));
        snprintf(o->expected, sizeof o->expected, "%s", end_wanted[c->end]);
    }
    snprintf(o->actual, sizeof o->actual, "%s", run->end_line);
    return run->state == c->end && (!c->exit_set || run->exit_code == c->exit_code);
}

unsigned grade_check_run(const struct grade_case *c, const struct grade_run *run,
                         const struct grade_ref *ref, struct grade_outcome *out)
{
    unsigned failed = 0;
    out[0] = (struct grade_outcome){.line = c->end_at};
    out[0].passed = judge_end(c, run, &out[0]);
    failed += !out[0].passed;
    for (unsigned i = 0; i < c->nchecks; i++) {
        const struct grade_check *k = &c->checks[i];
        struct grade_outcome *o = &out[i + 1];
        *o = (struct grade_outcome){.check = k, .line = k->line};
        snprintf(o->what, sizeof o->what, "%s", k->source);
        o->passed = judges[k->kind](k, run, ref, o);
        failed += !o->passed;
    }
    return failed;
}
