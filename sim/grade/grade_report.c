#include "grade_report.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define TAIL_LINES 20  /* console lines a failing case's text shows */
#define TAIL_WIDTH 200 /* ... each cut to this many bytes */
#define TABLE_NAME 4   /* narrowest name column */

char *grade_path(const char *dir, const char *sub, const char *name)
{
    size_t n = strlen(dir) + (sub ? strlen(sub) : 0) + strlen(name) + 3;
    char *p = malloc(n);
    if (!p)
        return NULL;
    size_t dl = strlen(dir);
    const char *sep = dl && (dir[dl - 1] == '/' || dir[dl - 1] == '\\') ? "" : "/";
    snprintf(p, n, "%s%s%s%s%s", dir, sep, sub ? sub : "", sub ? "/" : "", name);
    return p;
}

/* ---- A growing string ---- */

struct text {
    char *s;
    size_t n, cap;
};

static void add(struct text *t, const char *s, size_t n)
{
    if (t->n + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 1024;
        while (cap < t->n + n + 1)
            cap *= 2;
        char *ns = realloc(t->s, cap);
        if (!ns)
            return; /* (the text is cut short) */
        t->s = ns;
        t->cap = cap;
    }
    memcpy(t->s + t->n, s, n);
    t->n += n;
    t->s[t->n] = 0;
}

static void addf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void addf(struct text *t, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0)
        add(t, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* ---- What every format says about a case ---- */

static double score(const struct grade_result *res)
{
    return res->passed ? res->c->points : 0;
}

static const char *points(double v, char *buf, size_t len)
{
    snprintf(buf, len, "%.10g", v);
    return buf;
}

/* The last lines of the console output. The student's text names no file:
 * the student cannot reach the grader's directory. */
static void console_tail(struct text *t, const struct grade_result *res, bool student)
{
    const char *o = res->run.output;
    size_t n = res->run.output_len;
    if (n && o[n - 1] == '\n')
        n--;
    unsigned total = n ? 1 : 0, shown = 0;
    for (size_t i = 0; i < n; i++)
        total += o[i] == '\n';
    size_t start = n;
    while (start > 0 && shown < TAIL_LINES) {
        start--;
        if (o[start] == '\n' && ++shown == TAIL_LINES) {
            start++;
            break;
        }
    }
    if (!total) {
        addf(t, "The console output is empty.\n");
        return;
    }
    if (total > TAIL_LINES && student)
        addf(t, "Console output, the last %u of %u lines:\n", TAIL_LINES, total);
    else if (total > TAIL_LINES)
        addf(t, "Console output, the last %u of %u lines (all of it: %s):\n", TAIL_LINES, total,
             res->console);
    else if (student)
        addf(t, "Console output:\n");
    else
        addf(t, "Console output (%s):\n", res->console);
    for (size_t i = start; i < n;) {
        const char *nl = memchr(o + i, '\n', n - i);
        size_t len = nl ? (size_t)(nl - (o + i)) : n - i;
        add(t, "  | ", 4);
        add(t, o + i, len < TAIL_WIDTH ? len : TAIL_WIDTH);
        add(t, len > TAIL_WIDTH ? "...\n" : "\n", len > TAIL_WIDTH ? 4 : 1);
        i += len + 1;
    }
}

/* The case's report for people: every check, how the run ended, how to
 * replay it, and (if it failed) the end of its console output. The
 * student's text (Gradescope's output) leaves out the grader's paths: they
 * go to extra_data, which only the course staff see. */
static void case_text(struct text *t, const struct grade_result *res, bool student)
{
    if (!res->ran) {
        if (res->c->description)
            addf(t, "%s\n", res->c->description);
        addf(t, "FAILED: the case could not run: %s\n", res->error);
        return;
    }
    if (res->c->description)
        addf(t, "%s\n", res->c->description);
    if (res->failed)
        addf(t, "FAILED: %u of %u checks failed\n", res->failed, res->noutcomes);
    else
        addf(t, "passed: all %u checks\n", res->noutcomes);
    for (unsigned i = 0; i < res->noutcomes; i++) {
        const struct grade_outcome *o = &res->outcomes[i];
        if (o->passed) {
            addf(t, "  ok    %s  (%s)\n", o->what, o->actual);
            continue;
        }
        addf(t, "  FAIL  %s", o->what);
        if (o->line)
            addf(t, "  (spec line %u)", o->line);
        addf(t, "\n        expected: %s\n        actual:   %s\n", o->expected, o->actual);
        if (o->check && o->check->description)
            addf(t, "        why:      %s\n", o->check->description);
    }
    for (unsigned i = 0; !student && i < res->c->nmetrics; i++) {
        const struct grade_value *v = &res->metrics[i];
        if (v->ok)
            addf(t, "Metric %s = %llu\n", res->c->metrics[i].label, (unsigned long long)v->v);
        else
            addf(t, "Metric %s: no value: %s\n", res->c->metrics[i].label, v->why);
    }
    if (res->ref && !student)
        addf(t, "The reference run (%s): %s.%s%s\n", res->ref->kernel,
             res->ref->ran ? res->ref->run.end_line : res->ref->error,
             res->ref_why[0] ? " Unusable: " : "", res->ref_why);
    addf(t, "The run: %s.\n", res->run.end_line);
    if (res->error[0])
        addf(t, "Error: %s\n", res->error);
    if (res->note[0])
        addf(t, "Note: %s\n", res->note);
    if (res->trace && !student)
        addf(t,
             "Replay this run exactly: " GRADE_REPLAY_COMMAND "%s\n"
             "  (space replay --debug %s steps through it in sdb; docs/trace-format.md)\n",
             res->trace, res->trace);
    if (!res->passed)
        console_tail(t, res, student);
}

/* ---- Escaping ---- */

/* The length of the valid UTF-8 character at s (1..4), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    static const struct {
        unsigned char mask, lead, bits;
        size_t len;
        unsigned min;
    } forms[] = {
        {0xe0, 0xc0, 0x1f, 2, 0x80}, {0xf0, 0xe0, 0x0f, 3, 0x800}, {0xf8, 0xf0, 0x07, 4, 0x10000}};
    if (s[0] < 0x80)
        return 1;
    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        if ((s[0] & forms[f].mask) != forms[f].lead)
            continue;
        size_t len = forms[f].len;
        if (len > n)
            return 0;
        unsigned cp = s[0] & forms[f].bits;
        for (size_t i = 1; i < len; i++) {
            if ((s[i] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i] & 0x3fu);
        }
        bool bad = cp < forms[f].min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
                   cp == 0xfffe || cp == 0xffff;
        return bad ? 0 : len;
    }
    return 0;
}

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD, for bytes that are not text */

/* A JSON text of the n bytes at s: bytes that are not UTF-8 become U+FFFD
 * (jansson holds only UTF-8); NULL if out of host memory. */
static json_t *textn(const char *s, size_t n)
{
    struct text t = {0};
    const unsigned char *u = (const unsigned char *)s;
    add(&t, "", 0); /* (an empty text is one too) */
    for (size_t i = 0; i < n;) {
        size_t len = utf8_len(u + i, n - i);
        if (len)
            add(&t, s + i, len);
        else
            add(&t, REPLACEMENT, 3);
        i += len ? len : 1;
    }
    json_t *j = t.s ? json_stringn(t.s, t.n) : NULL;
    free(t.s);
    return j;
}

/* A text, or null. */
static json_t *text(const char *s)
{
    return s ? textn(s, strlen(s)) : json_null();
}

/* Points as a number, whole ones as an integer ("2", not "2.0"). */
static json_t *number(double v)
{
    if (v > -1e15 && v < 1e15 && v == (double)(json_int_t)v)
        return json_integer((json_int_t)v);
    return json_real(v);
}

/* XML character data or an attribute value: what XML 1.0 cannot hold
 * (most control characters, bytes that are not UTF-8) becomes U+FFFD. */
static void xml_textn(FILE *f, const char *s, size_t n, bool attribute)
{
    static const struct {
        char ch;
        const char *text, *attr;
    } entities[] = {{'&', "&amp;", "&amp;"}, {'<', "&lt;", "&lt;"}, {'>', "&gt;", "&gt;"},
                    {'"', "\"", "&quot;"},   {'\n', "\n", "&#10;"}, {'\t', "\t", "&#9;"},
                    {'\r', "&#13;", "&#13;"}};
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t e = 0;
        while (e < sizeof entities / sizeof entities[0] && entities[e].ch != s[i])
            e++;
        size_t len = utf8_len(u + i, n - i);
        if (e < sizeof entities / sizeof entities[0])
            fputs(attribute ? entities[e].attr : entities[e].text, f);
        else if (u[i] < 0x20 || !len)
            fputs(REPLACEMENT, f);
        else
            fwrite(u + i, 1, len, f);
        i += len ? len : 1;
    }
}

static void xml_text(FILE *f, const char *s, bool attribute)
{
    xml_textn(f, s, strlen(s), attribute);
}

/* ---- results.json (Gradescope) ---- */

static void count(const struct grade_report *r, double *total, double *max, unsigned *passed)
{
    *total = *max = 0;
    *passed = 0;
    for (unsigned i = 0; i < r->n; i++) {
        *total += score(&r->results[i]);
        *max += r->results[i].c->points;
        *passed += r->results[i].passed;
    }
}

/* A value, or null. */
static json_t *value_json(const struct grade_value *v)
{
    return v->ok ? json_integer((json_int_t)v->v) : json_null();
}

/* The case's metrics: {LABEL: value or null}, in spec order. */
static json_t *metrics_json(const struct grade_result *res)
{
    json_t *m = json_object();
    for (unsigned i = 0; m && res->metrics && i < res->c->nmetrics; i++)
        json_object_set_new(m, res->c->metrics[i].label, value_json(&res->metrics[i]));
    return m;
}

/* The reference run of a case, for the course staff: its kernel, how it
 * ended, and every ref bound's reference value and bound. */
static json_t *end_json(const struct grade_result *res);

static json_t *reference_json(const struct grade_result *res)
{
    if (!res->ref)
        return json_null();
    json_t *values = json_array();
    for (unsigned i = 0; values && i < res->noutcomes; i++) {
        const struct grade_outcome *o = &res->outcomes[i];
        if (o->check && o->check->bound.ref)
            json_array_append_new(
                values,
                json_pack("{s:o, s:o, s:o}", "check", text(o->what), "ref",
                          o->has_ref ? json_integer((json_int_t)o->ref_value) : json_null(),
                          "bound", o->has_ref ? json_integer((json_int_t)o->bound) : json_null()));
    }
    return json_pack("{s:o, s:o, s:o, s:o, s:o}", "kernel", text(res->ref->kernel), "end",
                     end_json(res->ref), "unusable", text(res->ref_why[0] ? res->ref_why : NULL),
                     "console_output", text(res->ref->console), "values", values);
}

/* What the course staff see of a case and the student does not: the
 * grader's paths (the full report is added as "report"); NULL if out of
 * host memory. */
static json_t *staff_data(const struct grade_result *res)
{
    json_t *replay = json_null();
    if (res->trace) {
        char cmd[1200];
        snprintf(cmd, sizeof cmd, GRADE_REPLAY_COMMAND "%s", res->trace);
        replay = text(cmd);
    }
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:f, s:o, s:o}", "console_output",
                     text(res->console), "trace", text(res->trace), "replay", replay, "timeline",
                     text(res->timeline), "disk_image", text(res->disk), "wall_seconds",
                     res->wall_seconds, "metrics", metrics_json(res), "reference",
                     reference_json(res));
}

/* Gradescope's results.json, with only the fields of its specification
 * (docs/grading.md lists them): the top level has no max_score (Gradescope
 * sums the tests'), and the output the student sees names no file of the
 * grader's; those go to extra_data. */
static json_t *gradescope(const struct grade_report *r)
{
    double total, max, wall = 0;
    unsigned passed;
    char a[32], b[32], line[512];
    count(r, &total, &max, &passed);
    snprintf(line, sizeof line, "%s: %u of %u cases passed, score %s/%s", r->spec->title, passed,
             r->n, points(total, a, sizeof a), points(max, b, sizeof b));
    json_t *tests = json_array();
    bool ok = tests != NULL;
    for (unsigned i = 0; i < r->n && ok; i++) {
        const struct grade_result *res = &r->results[i];
        struct text t = {0}, staff = {0};
        char num[16];
        snprintf(num, sizeof num, "%u", i + 1);
        wall += res->wall_seconds;
        case_text(&t, res, true);
        case_text(&staff, res, false);
        json_t *test = json_pack(
            "{s:o, s:s, s:o, s:o, s:s, s:s*, s:s, s:o, s:o}", "name", text(res->c->name), "number",
            num, "score", number(score(res)), "max_score", number(res->c->points), "status",
            res->passed ? "passed" : "failed", "visibility", res->c->visibility, "output_format",
            "text", "output", textn(t.s ? t.s : "", t.n), "extra_data", staff_data(res));
        json_t *extra = test ? json_object_get(test, "extra_data") : NULL;
        if (extra)
            json_object_set_new(extra, "report", textn(staff.s ? staff.s : "", staff.n));
        free(t.s);
        free(staff.s);
        ok = test && json_array_append_new(tests, test) == 0;
    }
    /* Gradescope's leaderboard: every entry whose case passed and gave a
     * value (a run that fails early is often "fastest": it must not rank) */
    json_t *board = json_array();
    for (unsigned i = 0; ok && board && i < r->n; i++) {
        const struct grade_result *res = &r->results[i];
        for (unsigned k = 0; res->passed && res->board && k < res->c->nboard; k++)
            if (res->board[k].ok)
                json_array_append_new(board, json_pack("{s:o, s:I, s:s}", "name",
                                                       text(res->c->board[k].label), "value",
                                                       (json_int_t)res->board[k].v, "order",
                                                       res->c->board[k].higher ? "desc" : "asc"));
    }
    if (!ok || !board) {
        json_decref(tests);
        json_decref(board);
        return NULL;
    }
    if (r->spec->description) {
        size_t len = strlen(line);
        snprintf(line + len, sizeof line - len, "\n%s", r->spec->description);
    }
    json_t *j = json_pack(
        "{s:o, s:I, s:o, s:s, s:o, s:o}", "score", number(total), "execution_time",
        (json_int_t)(wall + 0.999), "output", text(line), "stdout_visibility", "hidden",
        "extra_data",
        json_pack("{s:o, s:o, s:o, s:I, s:I, s:o}", "spec", text(r->spec->path), "out",
                  text(r->out_dir), "max_score", number(max), "cases_passed", (json_int_t)passed,
                  "cases_failed", (json_int_t)(r->n - passed), "version",
                  r->spec->version ? json_integer((json_int_t)r->spec->version) : json_null()),
        "tests", tests);
    if (j && json_array_size(board))
        json_object_set_new(j, "leaderboard", board);
    else
        json_decref(board);
    return j;
}

/* ---- junit.xml ---- */

/* JUnit's time attributes are the host's seconds (wall clock) that each
 * case took, as CI tools expect; the run's virtual time is no duration on
 * the host and stays in grade.json. */
static int write_junit(FILE *f, const struct grade_report *r)
{
    double total, max, wall = 0;
    unsigned passed;
    char a[32], b[32];
    count(r, &total, &max, &passed);
    for (unsigned i = 0; i < r->n; i++)
        wall += r->results[i].wall_seconds;
    const char *title = r->spec->title;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"", f);
    xml_text(f, title, true);
    fprintf(f, "\" tests=\"%u\" failures=\"%u\" errors=\"0\" time=\"%.3f\">\n  <testsuite name=\"",
            r->n, r->n - passed, wall);
    xml_text(f, title, true);
    fprintf(f, "\" tests=\"%u\" failures=\"%u\" errors=\"0\" skipped=\"0\" time=\"%.3f\">\n", r->n,
            r->n - passed, wall);
    fputs("    <properties>\n      <property name=\"spec\" value=\"", f);
    xml_text(f, r->spec->path, true);
    fprintf(f,
            "\"/>\n      <property name=\"score\" value=\"%s\"/>\n      <property "
            "name=\"max_score\" value=\"%s\"/>\n    </properties>\n",
            points(total, a, sizeof a), points(max, b, sizeof b));
    for (unsigned i = 0; i < r->n; i++) {
        const struct grade_result *res = &r->results[i];
        struct text t = {0};
        case_text(&t, res, false);
        fputs("    <testcase name=\"", f);
        xml_text(f, res->c->name, true);
        fputs("\" classname=\"", f);
        xml_text(f, title, true);
        fprintf(f, "\" time=\"%.3f\">\n", res->wall_seconds);
        if (!res->passed) {
            char msg[800];
            if (!res->ran)
                snprintf(msg, sizeof msg, "could not run: %s", res->error);
            else
                snprintf(msg, sizeof msg, "%u of %u checks failed%s%s", res->failed, res->noutcomes,
                         res->trace ? "; replay: " GRADE_REPLAY_COMMAND : "",
                         res->trace ? res->trace : "");
            fputs("      <failure type=\"space-grade\" message=\"", f);
            xml_text(f, msg, true);
            fputs("\">", f);
            xml_textn(f, t.s ? t.s : "", t.n, false);
            fputs("</failure>\n", f);
        } else {
            fputs("      <system-out>", f);
            xml_textn(f, t.s ? t.s : "", t.n, false);
            fputs("</system-out>\n", f);
        }
        fputs("    </testcase>\n", f);
        free(t.s);
    }
    fputs("  </testsuite>\n</testsuites>\n", f);
    return 0;
}

/* ---- grade.json (SPACE's own) ---- */

static json_t *end_json(const struct grade_result *res)
{
    if (!res->ran)
        return json_null();
    const struct grade_run *run = &res->run;
    return json_pack("{s:s, s:o, s:I, s:o}", "state", grade_end_name(run->state), "exit_code",
                     run->state == MACHINE_HALTED ? json_integer(run->exit_code) : json_null(),
                     "virtual_time", (json_int_t)run->virtual_time, "message", text(run->end_line));
}

static json_t *checks_json(const struct grade_result *res)
{
    json_t *checks = json_array();
    bool ok = checks != NULL;
    for (unsigned i = 0; i < res->noutcomes && ok; i++) {
        const struct grade_outcome *o = &res->outcomes[i];
        json_t *check =
            json_pack("{s:o, s:o, s:b, s:o, s:o, s:o, s:o, s:o}", "check", text(o->what),
                      "spec_line", o->line ? json_integer(o->line) : json_null(), "passed",
                      o->passed, "expected", text(o->expected), "actual", text(o->actual),
                      "description", text(o->check ? o->check->description : NULL), "ref",
                      o->has_ref ? json_integer((json_int_t)o->ref_value) : json_null(), "bound",
                      o->has_ref ? json_integer((json_int_t)o->bound) : json_null());
        ok = check && json_array_append_new(checks, check) == 0;
    }
    if (!ok) {
        json_decref(checks);
        return NULL;
    }
    return checks;
}

static json_t *case_json(const struct grade_result *res)
{
    const struct grade_case *c = res->c;
    json_t *replay = json_null();
    if (res->trace) {
        char cmd[1200];
        snprintf(cmd, sizeof cmd, GRADE_REPLAY_COMMAND "%s", res->trace);
        replay = text(cmd);
    }
    struct text t = {0};
    case_text(&t, res, false);
    json_t *j = json_pack(
        "{s:o, s:I, s:b, s:o, s:o, s:o, s:o, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
        "s:o}",
        "name", text(c->name), "spec_line", (json_int_t)c->line, "passed", res->passed, "points",
        number(score(res)), "max_points", number(c->points), "kernel", text(res->kernel), "input",
        text(res->input), "max_insns", (json_int_t)c->max_insns, "error",
        text(res->error[0] ? res->error : NULL), "note", text(res->note[0] ? res->note : NULL),
        "end", end_json(res), "checks", checks_json(res), "console_output", text(res->console),
        "trace", text(res->trace), "replay", replay, "disk_image", text(res->disk), "output",
        textn(t.s ? t.s : "", t.n), "stats", res->stats ? stats_report(res->stats) : json_null());
    free(t.s);
    if (j) {
        json_object_set_new(j, "timeline", text(res->timeline));
        json_object_set_new(j, "description", text(c->description));
        json_object_set_new(j, "metrics", metrics_json(res));
        json_object_set_new(j, "reference", reference_json(res));
    }
    return j;
}

static json_t *grade_json(const struct grade_report *r)
{
    double total, max;
    unsigned passed;
    count(r, &total, &max, &passed);
    json_t *cases = json_array();
    bool ok = cases != NULL;
    for (unsigned i = 0; i < r->n && ok; i++) {
        json_t *c = case_json(&r->results[i]);
        ok = c && json_array_append_new(cases, c) == 0;
    }
    if (!ok) {
        json_decref(cases);
        return NULL;
    }
    return json_pack(
        "{s:s, s:i, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:o}", "format", "space-grade",
        "version", 2, "spec", text(r->spec->path), "title", text(r->spec->title), "description",
        text(r->spec->description), "workload_version",
        r->spec->version ? json_integer((json_int_t)r->spec->version) : json_null(), "out",
        text(r->out_dir), "score", number(total), "max_score", number(max), "cases_passed",
        (json_int_t)passed, "cases_failed", (json_int_t)(r->n - passed), "cases", cases);
}

/* ---- Files ---- */

/* Writes the JSON j (NULL: there was no memory to build it) and takes it.
 * 0, or -1 if out of host memory. */
static int write_json(FILE *f, json_t *j)
{
    int r = j ? json_dumpf(j, f, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) : -1;
    json_decref(j);
    if (r == 0)
        fputc('\n', f);
    return r;
}

static int write_gradescope(FILE *f, const struct grade_report *r)
{
    return write_json(f, gradescope(r));
}

static int write_grade_json(FILE *f, const struct grade_report *r)
{
    return write_json(f, grade_json(r));
}

int grade_report_write(const struct grade_report *r, char *err, unsigned errlen)
{
    static const struct {
        const char *name;
        int (*write)(FILE *f, const struct grade_report *r); /* -1: out of host memory */
    } files[] = {
        {"results.json", write_gradescope},
        {"junit.xml", write_junit},
        {"grade.json", write_grade_json},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *path = grade_path(r->out_dir, NULL, files[i].name);
        FILE *f = path ? fopen(path, "wb") : NULL;
        if (!f) {
            snprintf(err, errlen, "%s: cannot create it: %s", path ? path : files[i].name,
                     path ? strerror(errno) : "out of host memory");
            free(path);
            return -1;
        }
        bool built = files[i].write(f, r) == 0;
        bool bad = ferror(f) != 0;
        if (fclose(f) != 0 || bad || !built) {
            snprintf(err, errlen, "%s: writing failed: %s", path,
                     built || bad ? strerror(errno) : "out of host memory");
            free(path);
            return -1;
        }
        free(path);
    }
    return 0;
}

/* ---- The table ---- */

static int name_width(const struct grade_report *r)
{
    size_t w = TABLE_NAME;
    for (unsigned i = 0; i < r->spec->ncases; i++)
        if (strlen(r->spec->cases[i].name) > w)
            w = strlen(r->spec->cases[i].name);
    return (int)w;
}

/* Prints s with its control characters escaped: a spec's text and a
 * guest's output reach the terminal as visible characters. */
static void put_text(FILE *out, const char *s)
{
    size_t n = 4 * strlen(s) + 1; /* (\xNN: four characters for one) */
    char small[512], *buf = n <= sizeof small ? small : malloc(n);
    fputs(buf ? grade_escape(s, buf, n) : "(out of host memory)", out);
    if (buf != small)
        free(buf);
}

void grade_report_row(FILE *out, const struct grade_report *r, const struct grade_result *res)
{
    char a[32], b[32], pts[70];
    snprintf(pts, sizeof pts, "%s/%s", points(score(res), a, sizeof a),
             points(res->c->points, b, sizeof b));
    fprintf(out, "  %s  %-*s  %7s  ", res->passed ? "PASS" : "FAIL", name_width(r), res->c->name,
            pts);
    put_text(out, res->ran ? res->run.end_line : "did not run");
    int indent = name_width(r) + 17;
    if (!res->ran) {
        fprintf(out, "\n%*s", indent, "");
        put_text(out, res->error);
    }
    for (unsigned i = 0; i < res->noutcomes; i++) {
        const struct grade_outcome *o = &res->outcomes[i];
        if (o->passed)
            continue;
        fprintf(out, "\n%*sFAIL ", indent, "");
        put_text(out, o->what);
        fputs(": expected ", out);
        put_text(out, o->expected);
        fputs("; actual ", out);
        put_text(out, o->actual);
    }
    if (res->ran && res->error[0]) {
        fprintf(out, "\n%*serror: ", indent, "");
        put_text(out, res->error);
    }
    if (res->note[0]) {
        fprintf(out, "\n%*snote: ", indent, "");
        put_text(out, res->note);
    }
    for (unsigned i = 0; res->metrics && i < res->c->nmetrics; i++) {
        fprintf(out, i ? ", " : "\n%*smetrics: ", indent, "");
        put_text(out, res->c->metrics[i].label);
        if (res->metrics[i].ok)
            fprintf(out, " %llu", (unsigned long long)res->metrics[i].v);
        else
            fputs(" n/a", out);
    }
    fputc('\n', out);
    if (res->trace && !res->passed)
        fprintf(out, "%*sreplay: " GRADE_REPLAY_COMMAND "%s\n", indent, "", res->trace);
    if (res->timeline && !res->passed)
        fprintf(out, "%*stimeline: %s (open it in ui.perfetto.dev)\n", indent, "", res->timeline);
    fflush(out);
}

void grade_report_total(FILE *out, const struct grade_report *r)
{
    double total, max;
    unsigned passed;
    char a[32], b[32];
    count(r, &total, &max, &passed);
    fprintf(out,
            "score %s/%s: %u of %u cases passed; results in %s (results.json, junit.xml, "
            "grade.json)\n",
            points(total, a, sizeof a), points(max, b, sizeof b), passed, r->n, r->out_dir);
}
