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

/* The last lines of the console output. */
static void console_tail(struct text *t, const struct grade_result *res)
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
    if (total > TAIL_LINES)
        addf(t, "Console output, the last %u of %u lines (all of it: %s):\n", TAIL_LINES, total,
             res->console);
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
 * replay it, and (if it failed) the end of its console output. */
static void case_text(struct text *t, const struct grade_result *res)
{
    if (!res->ran) {
        addf(t, "FAILED: the case could not run: %s\n", res->error);
        return;
    }
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
    }
    addf(t, "The run: %s.\n", res->run.end_line);
    if (res->error[0])
        addf(t, "Error: %s\n", res->error);
    if (res->note[0])
        addf(t, "Note: %s\n", res->note);
    if (res->trace)
        addf(t,
             "Replay this run exactly: " GRADE_REPLAY_COMMAND "%s\n"
             "  (space replay --debug %s steps through it in sdb; docs/trace-format.md)\n",
             res->trace, res->trace);
    if (!res->passed)
        console_tail(t, res);
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

/* A JSON string; bytes that are not UTF-8 become U+FFFD. */
static void json_textn(FILE *f, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    fputc('"', f);
    for (size_t i = 0; i < n;) {
        unsigned char ch = u[i];
        size_t len = utf8_len(u + i, n - i);
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch == '\n')
            fputs("\\n", f);
        else if (ch == '\t')
            fputs("\\t", f);
        else if (ch < 0x20 || ch == 0x7f)
            fprintf(f, "\\u%04x", ch);
        else if (!len)
            fputs("\\ufffd", f);
        else
            fwrite(u + i, 1, len, f);
        i += len ? len : 1;
    }
    fputc('"', f);
}

static void json_text(FILE *f, const char *s)
{
    if (s)
        json_textn(f, s, strlen(s));
    else
        fputs("null", f);
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

static void write_gradescope(FILE *f, const struct grade_report *r)
{
    double total, max;
    unsigned passed;
    char a[32], b[32], line[512];
    count(r, &total, &max, &passed);
    fprintf(f,
            "{\n  \"score\": %s,\n  \"max_score\": %s,\n  \"output\": ", points(total, a, sizeof a),
            points(max, b, sizeof b));
    snprintf(line, sizeof line, "%s: %u of %u cases passed, score %s/%s", r->spec->title, passed,
             r->n, a, b);
    json_text(f, line);
    fputs(",\n  \"tests\": [", f);
    for (unsigned i = 0; i < r->n; i++) {
        const struct grade_result *res = &r->results[i];
        struct text t = {0};
        case_text(&t, res);
        fprintf(f, "%s\n    {\n      \"name\": ", i ? "," : "");
        json_text(f, res->c->name);
        fprintf(f, ",\n      \"score\": %s,\n      \"max_score\": %s,\n      \"status\": \"%s\",",
                points(score(res), a, sizeof a), points(res->c->points, b, sizeof b),
                res->passed ? "passed" : "failed");
        if (res->c->visibility)
            fprintf(f, "\n      \"visibility\": \"%s\",", res->c->visibility);
        fputs("\n      \"output_format\": \"text\",\n      \"output\": ", f);
        json_textn(f, t.s ? t.s : "", t.n);
        fputs("\n    }", f);
        free(t.s);
    }
    fputs("\n  ]\n}\n", f);
}

/* ---- junit.xml ---- */

static void write_junit(FILE *f, const struct grade_report *r)
{
    double total, max;
    unsigned passed;
    char a[32], b[32];
    count(r, &total, &max, &passed);
    const char *title = r->spec->title;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"", f);
    xml_text(f, title, true);
    fprintf(f, "\" tests=\"%u\" failures=\"%u\" errors=\"0\">\n  <testsuite name=\"", r->n,
            r->n - passed);
    xml_text(f, title, true);
    fprintf(f, "\" tests=\"%u\" failures=\"%u\" errors=\"0\" skipped=\"0\">\n", r->n,
            r->n - passed);
    fputs("    <properties>\n      <property name=\"spec\" value=\"", f);
    xml_text(f, r->spec->path, true);
    fprintf(f,
            "\"/>\n      <property name=\"score\" value=\"%s\"/>\n      <property "
            "name=\"max_score\" value=\"%s\"/>\n    </properties>\n",
            points(total, a, sizeof a), points(max, b, sizeof b));
    for (unsigned i = 0; i < r->n; i++) {
        const struct grade_result *res = &r->results[i];
        struct text t = {0};
        case_text(&t, res);
        fputs("    <testcase name=\"", f);
        xml_text(f, res->c->name, true);
        fputs("\" classname=\"", f);
        xml_text(f, title, true);
        fputs("\">\n", f);
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
}

/* ---- grade.json (SPACE's own) ---- */

static void json_key(FILE *f, int indent, const char *key)
{
    fprintf(f, ",\n%*s\"%s\": ", indent, "", key);
}

static void write_case_json(FILE *f, const struct grade_result *res)
{
    const struct grade_case *c = res->c;
    char a[32], b[32];
    fputs("\n    {\n      \"name\": ", f);
    json_text(f, c->name);
    fprintf(f,
            ",\n      \"spec_line\": %u,\n      \"passed\": %s,\n      \"points\": %s,\n"
            "      \"max_points\": %s",
            c->line, res->passed ? "true" : "false", points(score(res), a, sizeof a),
            points(c->points, b, sizeof b));
    json_key(f, 6, "kernel");
    json_text(f, res->kernel);
    json_key(f, 6, "input");
    json_text(f, res->input);
    json_key(f, 6, "max_insns");
    fprintf(f, "%llu", (unsigned long long)c->max_insns);
    json_key(f, 6, "error");
    json_text(f, res->error[0] ? res->error : NULL);
    json_key(f, 6, "note");
    json_text(f, res->note[0] ? res->note : NULL);
    json_key(f, 6, "end");
    if (res->ran) {
        fprintf(f, "{\"state\": \"%s\", \"exit_code\": ", grade_end_name(res->run.state));
        if (res->run.state == MACHINE_HALTED)
            fprintf(f, "%u", res->run.exit_code);
        else
            fputs("null", f);
        fprintf(f, ", \"virtual_time\": %llu, \"message\": ",
                (unsigned long long)res->run.virtual_time);
        json_text(f, res->run.end_line);
        fputc('}', f);
    } else {
        fputs("null", f);
    }
    json_key(f, 6, "checks");
    fputc('[', f);
    for (unsigned i = 0; i < res->noutcomes; i++) {
        const struct grade_outcome *o = &res->outcomes[i];
        fprintf(f, "%s\n        {\"check\": ", i ? "," : "");
        json_text(f, o->what);
        fputs(", \"spec_line\": ", f);
        if (o->line)
            fprintf(f, "%u", o->line);
        else
            fputs("null", f);
        fprintf(f, ", \"passed\": %s, \"expected\": ", o->passed ? "true" : "false");
        json_text(f, o->expected);
        fputs(", \"actual\": ", f);
        json_text(f, o->actual);
        fputc('}', f);
    }
    fputs(res->noutcomes ? "\n      ]" : "]", f);
    json_key(f, 6, "console_output");
    json_text(f, res->console);
    json_key(f, 6, "trace");
    json_text(f, res->trace);
    json_key(f, 6, "replay");
    if (res->trace) {
        char cmd[1200];
        snprintf(cmd, sizeof cmd, GRADE_REPLAY_COMMAND "%s", res->trace);
        json_text(f, cmd);
    } else {
        fputs("null", f);
    }
    json_key(f, 6, "disk_image");
    json_text(f, res->disk);
    struct text t = {0};
    case_text(&t, res);
    json_key(f, 6, "output");
    json_textn(f, t.s ? t.s : "", t.n);
    free(t.s);
    json_key(f, 6, "stats");
    if (res->stats)
        stats_write_json(f, res->stats); /* (its own layout; ends with a newline) */
    else
        fputs("null", f);
    fputs("    }", f);
}

static void write_grade_json(FILE *f, const struct grade_report *r)
{
    double total, max;
    unsigned passed;
    char a[32], b[32];
    count(r, &total, &max, &passed);
    fputs("{\n  \"format\": \"space-grade\",\n  \"version\": 1,\n  \"spec\": ", f);
    json_text(f, r->spec->path);
    json_key(f, 2, "title");
    json_text(f, r->spec->title);
    json_key(f, 2, "out");
    json_text(f, r->out_dir);
    fprintf(f,
            ",\n  \"score\": %s,\n  \"max_score\": %s,\n  \"cases_passed\": %u,\n"
            "  \"cases_failed\": %u,\n  \"cases\": [",
            points(total, a, sizeof a), points(max, b, sizeof b), passed, r->n - passed);
    for (unsigned i = 0; i < r->n; i++) {
        if (i)
            fputc(',', f);
        write_case_json(f, &r->results[i]);
    }
    fputs("\n  ]\n}\n", f);
}

/* ---- Files ---- */

int grade_report_write(const struct grade_report *r, char *err, unsigned errlen)
{
    static const struct {
        const char *name;
        void (*write)(FILE *f, const struct grade_report *r);
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
        files[i].write(f, r);
        bool bad = ferror(f) != 0;
        if (fclose(f) != 0 || bad) {
            snprintf(err, errlen, "%s: writing failed: %s", path, strerror(errno));
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

void grade_report_row(FILE *out, const struct grade_report *r, const struct grade_result *res)
{
    char a[32], b[32], pts[70];
    snprintf(pts, sizeof pts, "%s/%s", points(score(res), a, sizeof a),
             points(res->c->points, b, sizeof b));
    fprintf(out, "  %s  %-*s  %7s  %s\n", res->passed ? "PASS" : "FAIL", name_width(r),
            res->c->name, pts, res->ran ? res->run.end_line : "did not run");
    int indent = name_width(r) + 17;
    if (!res->ran)
        fprintf(out, "%*s%s\n", indent, "", res->error);
    for (unsigned i = 0; i < res->noutcomes; i++) {
        const struct grade_outcome *o = &res->outcomes[i];
        if (!o->passed)
            fprintf(out, "%*sFAIL %s: expected %s; actual %s\n", indent, "", o->what, o->expected,
                    o->actual);
    }
    if (res->ran && res->error[0])
        fprintf(out, "%*serror: %s\n", indent, "", res->error);
    if (res->note[0])
        fprintf(out, "%*snote: %s\n", indent, "", res->note);
    if (res->trace && !res->passed)
        fprintf(out, "%*sreplay: " GRADE_REPLAY_COMMAND "%s\n", indent, "", res->trace);
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
