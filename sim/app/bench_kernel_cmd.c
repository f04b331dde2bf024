/* space bench-kernel: runs every case of one or more workload specs
 * (basicoz/workloads, docs/workloads.md) on one or more kernels with
 * grade_run.h - the runs `space grade` makes - and sets the metrics side
 * by side: a text table (each value, and its ratio to the first kernel's),
 * JSON (format "space-bench-kernel" version 1, the same bytes for the same
 * runs) and a bar chart PNG (ui/screen/barchart.h). A kernel whose case
 * failed its checks is marked, with the first failure in one line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "grade_run.h"
#include "session.h"
#include "sim/grade/grade_spec.h"
#include "ui/screen/barchart.h"

#define EXIT_BAD_SPEC 3
#define DEFAULT_OUT   "bench-results"
#define BUILTIN_LABEL "builtin"
#define MAX_KERNELS   BARCHART_MAX_SERIES
#define LABEL_CHARS   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-"
#define MAX_LABEL     48

struct kernel {
    char label[MAX_LABEL + 1];
    const char *file; /* NULL: the built-in BasicOZ */
};

struct workload {
    const char *path;
    char name[MAX_LABEL + 1]; /* the file's name without extension: its results' directory */
    struct grade_spec *spec;
    struct grade_result *results; /* [case * nkernels + kernel] */
    struct grade_result *refs;    /* [case]: the reference runs, shared by the kernels */
    bool *ran;                    /* [case]: selected and run */
};

struct bench {
    struct kernel kernels[MAX_KERNELS];
    unsigned nkernels;
    struct workload *w;
    unsigned nw;
    const char *out, *json, *png;
    const char **only;
    unsigned nonly;
};

/* `[LABEL=]FILE`; FILE `builtin` is the built-in BasicOZ. The label
 * defaults to the file's name without its extension. */
static int add_kernel(struct bench *b, const char *val)
{
    if (b->nkernels == MAX_KERNELS)
        return cli_usage_error("--kernel %s: at most 16 kernels", val);
    struct kernel *k = &b->kernels[b->nkernels];
    const char *eq = strchr(val, '=');
    const char *file = val, *label = val;
    size_t n;
    if (eq && strspn(val, LABEL_CHARS) == (size_t)(eq - val)) {
        file = eq + 1;
        n = (size_t)(eq - val);
    } else {
        for (const char *c = val; *c; c++)
            if (*c == '/' || *c == '\\')
                label = c + 1;
        const char *dot = strrchr(label, '.');
        n = dot && dot != label ? (size_t)(dot - label) : strlen(label);
    }
    if (!*file)
        return cli_usage_error("--kernel %s: expected [LABEL=]FILE", val);
    if (!n || n > MAX_LABEL || strspn(label, LABEL_CHARS) < n || label[0] == '.')
        return cli_usage_error("--kernel %s: expected a label of 1..48 letters, digits, '_', '.' "
                               "and '-' (LABEL=FILE)",
                               val);
    snprintf(k->label, sizeof k->label, "%.*s", (int)n, label);
    k->file = strcmp(file, BUILTIN_LABEL) ? file : NULL;
    for (unsigned i = 0; i < b->nkernels; i++)
        if (!strcmp(b->kernels[i].label, k->label))
            return cli_usage_error("--kernel %s: the label is taken (name it: LABEL=FILE)", val);
    b->nkernels++;
    return 0;
}

static bool selected(const struct bench *b, const char *name)
{
    for (unsigned i = 0; i < b->nonly; i++)
        if (!strcmp(b->only[i], name))
            return true;
    return !b->nonly;
}

/* The first reason a run failed, in one line. */
static void failure_line(const struct grade_result *r, char *buf, size_t len)
{
    if (!r->ran || !r->outcomes) {
        snprintf(buf, len, "could not run: %s", r->error);
        return;
    }
    for (unsigned i = 0; i < r->noutcomes; i++) {
        const struct grade_outcome *o = &r->outcomes[i];
        if (o->passed)
            continue;
        char esc[3 * GRADE_TEXT];
        char line[4 * GRADE_TEXT];
        snprintf(line, sizeof line, "%s: expected %s; actual %s%s", o->what, o->expected, o->actual,
                 r->failed > 1 ? " (and more)" : "");
        snprintf(buf, len, "%s", grade_escape(line, esc, sizeof esc));
        return;
    }
    snprintf(buf, len, "%s", r->error[0] ? r->error : "failed");
}

/* ---- Running ---- */

static int load(struct bench *b, char **paths, unsigned n)
{
    char err[1024];
    for (unsigned i = 0; i < n; i++) {
        struct workload *w = &b->w[b->nw];
        w->path = paths[i];
        if (!(w->spec = grade_spec_load(paths[i], err, sizeof err))) {
            fprintf(stderr, "space: %s\n", err);
            return EXIT_BAD_SPEC;
        }
        b->nw++;
        const char *base = paths[i];
        for (const char *c = paths[i]; *c; c++)
            if (*c == '/' || *c == '\\')
                base = c + 1;
        size_t len = strspn(base, LABEL_CHARS);
        const char *dot = strrchr(base, '.');
        if (dot && dot > base && (size_t)(dot - base) < len)
            len = (size_t)(dot - base);
        snprintf(w->name, sizeof w->name, "%.*s", (int)(len ? len : 1), len ? base : "w");
        for (unsigned k = 0; k < i; k++)
            if (!strcmp(b->w[k].name, w->name)) {
                fprintf(stderr,
                        "space: %s and %s: two workloads named %s (their results would "
                        "share a directory)\n",
                        b->w[k].path, w->path, w->name);
                return EXIT_USAGE;
            }
        unsigned nc = w->spec->ncases;
        w->results = calloc((size_t)nc * b->nkernels, sizeof *w->results);
        w->refs = calloc(nc, sizeof *w->refs);
        w->ran = calloc(nc, sizeof *w->ran);
        if (!w->results || !w->refs || !w->ran) {
            fprintf(stderr, "space: out of host memory\n");
            return EXIT_BAD_INPUT;
        }
    }
    for (unsigned i = 0; i < b->nonly; i++) {
        bool found = false;
        for (unsigned k = 0; k < b->nw; k++)
            for (unsigned c = 0; c < b->w[k].spec->ncases; c++)
                found |= !strcmp(b->w[k].spec->cases[c].name, b->only[i]);
        if (!found) {
            fprintf(stderr, "space: --case %s: no workload has such a case\n", b->only[i]);
            return EXIT_USAGE;
        }
    }
    return 0;
}

/* Every selected case on every kernel; false if interrupted. */
static bool run_all(struct bench *b, int *status)
{
    char err[1024];
    for (unsigned i = 0; i < b->nw; i++) {
        struct workload *w = &b->w[i];
        for (unsigned k = 0; k < b->nkernels; k++) {
            char *wdir = grade_path(b->out, NULL, w->name);
            char *dir = wdir ? grade_path(wdir, NULL, b->kernels[k].label) : NULL;
            free(wdir);
            if (!dir || grade_run_dirs(dir, err, sizeof err) != 0) {
                fprintf(stderr, "space: %s\n", dir ? err : "out of host memory");
                free(dir);
                *status = EXIT_BAD_INPUT;
                return true;
            }
            struct grade_runner g = {
                .out = dir, .kernel = b->kernels[k].file, .builtin = !b->kernels[k].file};
            for (unsigned c = 0; c < w->spec->ncases; c++) {
                if (!selected(b, w->spec->cases[c].name))
                    continue;
                struct grade_result *r = &w->results[c * b->nkernels + k];
                fprintf(stderr, "space bench-kernel: %s: case %s on %s\n", w->name,
                        w->spec->cases[c].name, b->kernels[k].label);
                bool done = grade_run_case(&g, &w->spec->cases[c], &w->refs[c], r);
                w->ran[c] = true;
                if (!done) {
                    free(dir);
                    return false;
                }
            }
            free(dir);
        }
    }
    return true;
}

/* ---- The table ---- */

static const struct grade_result *result(const struct bench *b, const struct workload *w,
                                         unsigned c, unsigned k)
{
    return &w->results[c * b->nkernels + k];
}

static void print_table(const struct bench *b, FILE *out)
{
    for (unsigned i = 0; i < b->nw; i++) {
        const struct workload *w = &b->w[i];
        char title[256];
        fprintf(out, "%s: %s", w->path, grade_escape(w->spec->title, title, sizeof title));
        if (w->spec->version)
            fprintf(out, ", version %llu", (unsigned long long)w->spec->version);
        fputc('\n', out);
        fprintf(out, "  %-12s %-22s", "case", "metric");
        for (unsigned k = 0; k < b->nkernels; k++)
            fprintf(out, " %22s", b->kernels[k].label);
        fputc('\n', out);
        for (unsigned c = 0; c < w->spec->ncases; c++) {
            const struct grade_case *gc = &w->spec->cases[c];
            if (!w->ran[c])
                continue;
            for (unsigned m = 0; m < gc->nmetrics; m++) {
                char label[80];
                snprintf(label, sizeof label, "%s%s", gc->metrics[m].label,
                         gc->metrics[m].higher ? " (higher)" : "");
                fprintf(out, "  %-12s %-22s", m ? "" : gc->name, label);
                const struct grade_value *base = &result(b, w, c, 0)->metrics[m];
                for (unsigned k = 0; k < b->nkernels; k++) {
                    const struct grade_result *r = result(b, w, c, k);
                    const struct grade_value *v = r->metrics ? &r->metrics[m] : NULL;
                    char cell[64] = "n/a";
                    if (v && v->ok)
                        snprintf(cell, sizeof cell, "%llu", (unsigned long long)v->v);
                    if (k && v && v->ok && base->ok && base->v)
                        snprintf(cell + strlen(cell), sizeof cell - strlen(cell), " (x%.2f)",
                                 (double)v->v / (double)base->v);
                    if (!r->passed)
                        strcat(cell, " !");
                    fprintf(out, " %22s", cell);
                }
                fputc('\n', out);
            }
            if (!gc->nmetrics) {
                fprintf(out, "  %-12s %-22s", gc->name, "(no metrics)");
                for (unsigned k = 0; k < b->nkernels; k++)
                    fprintf(out, " %22s", result(b, w, c, k)->passed ? "passed" : "failed !");
                fputc('\n', out);
            }
        }
        for (unsigned c = 0; c < w->spec->ncases; c++)
            for (unsigned k = 0; w->ran[c] && k < b->nkernels; k++) {
                const struct grade_result *r = result(b, w, c, k);
                if (r->passed)
                    continue;
                char why[1600];
                failure_line(r, why, sizeof why);
                fprintf(out, "  ! %s on case %s failed its checks: %s\n", b->kernels[k].label,
                        w->spec->cases[c].name, why);
            }
    }
    fprintf(out, "(xR: the ratio to %s's value; lower is better unless the metric says (higher))\n",
            b->kernels[0].label);
}

/* ---- JSON ---- */

static json_t *string_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *bench_json(const struct bench *b)
{
    json_t *kernels = json_array(), *workloads = json_array();
    for (unsigned k = 0; k < b->nkernels; k++)
        json_array_append_new(kernels, json_pack("{s:s, s:o}", "label", b->kernels[k].label, "file",
                                                 string_or_null(b->kernels[k].file)));
    for (unsigned i = 0; i < b->nw; i++) {
        const struct workload *w = &b->w[i];
        json_t *cases = json_array();
        for (unsigned c = 0; c < w->spec->ncases; c++) {
            const struct grade_case *gc = &w->spec->cases[c];
            if (!w->ran[c])
                continue;
            json_t *runs = json_array(), *metrics = json_array();
            for (unsigned k = 0; k < b->nkernels; k++) {
                const struct grade_result *r = result(b, w, c, k);
                char why[1600];
                failure_line(r, why, sizeof why);
                json_array_append_new(runs,
                                      json_pack("{s:s, s:b, s:o}", "kernel", b->kernels[k].label,
                                                "passed", r->passed, "failure",
                                                r->passed ? json_null() : json_string(why)));
            }
            for (unsigned m = 0; m < gc->nmetrics; m++) {
                json_t *values = json_array();
                for (unsigned k = 0; k < b->nkernels; k++) {
                    const struct grade_result *r = result(b, w, c, k);
                    json_array_append_new(values, r->metrics && r->metrics[m].ok
                                                      ? json_integer((json_int_t)r->metrics[m].v)
                                                      : json_null());
                }
                json_array_append_new(metrics, json_pack("{s:s, s:s, s:s, s:o}", "label",
                                                         gc->metrics[m].label, "measure",
                                                         gc->metrics[m].source, "better",
                                                         gc->metrics[m].higher ? "higher" : "lower",
                                                         "values", values));
            }
            json_array_append_new(cases, json_pack("{s:s, s:o, s:o}", "name", gc->name, "runs",
                                                   runs, "metrics", metrics));
        }
        json_array_append_new(
            workloads,
            json_pack("{s:s, s:s, s:o, s:o}", "spec", w->path, "title", w->spec->title, "version",
                      w->spec->version ? json_integer((json_int_t)w->spec->version) : json_null(),
                      "cases", cases));
    }
    return json_pack("{s:s, s:i, s:o, s:o}", "format", "space-bench-kernel", "version", 1,
                     "kernels", kernels, "workloads", workloads);
}

static int write_json(const struct bench *b, char *err, unsigned errlen)
{
    json_t *j = bench_json(b);
    FILE *f = fopen(b->json, "wb");
    int rc = j && f && json_dumpf(j, f, JSON_INDENT(2)) == 0 && fputc('\n', f) != EOF ? 0 : -1;
    if (f && fclose(f) != 0)
        rc = -1;
    json_decref(j);
    if (rc)
        snprintf(err, errlen, "%s: cannot write the JSON", b->json);
    return rc;
}

/* ---- The chart: one group per (case, metric), one bar per kernel, each
 * value relative to the first kernel's ---- */

static int write_png(const struct bench *b, char *err, unsigned errlen)
{
    unsigned ng = 0;
    for (unsigned i = 0; i < b->nw; i++)
        for (unsigned c = 0; c < b->w[i].spec->ncases; c++)
            ng += b->w[i].ran[c] ? b->w[i].spec->cases[c].nmetrics : 0;
    if (!ng) {
        snprintf(err, errlen, "%s: no metric to draw (the workloads have no `metric` lines)",
                 b->png);
        return -1;
    }
    char **labels = calloc(ng, sizeof *labels),
         **texts = calloc((size_t)ng * b->nkernels, sizeof *texts);
    double *values = calloc((size_t)ng * b->nkernels, sizeof *values);
    const char *series[MAX_KERNELS];
    int rc = -1;
    if (!labels || !texts || !values) {
        snprintf(err, errlen, "out of host memory");
        goto out;
    }
    unsigned g = 0;
    for (unsigned i = 0; i < b->nw; i++) {
        const struct workload *w = &b->w[i];
        for (unsigned c = 0; c < w->spec->ncases; c++) {
            const struct grade_case *gc = &w->spec->cases[c];
            for (unsigned m = 0; w->ran[c] && m < gc->nmetrics; m++, g++) {
                char label[200];
                snprintf(label, sizeof label, "%s%s%s %s", b->nw > 1 ? w->name : "",
                         b->nw > 1 ? "/" : "", gc->name, gc->metrics[m].label);
                if (!(labels[g] = malloc(strlen(label) + 1)))
                    goto oom;
                strcpy(labels[g], label);
                const struct grade_value *base = &result(b, w, c, 0)->metrics[m];
                for (unsigned k = 0; k < b->nkernels; k++) {
                    const struct grade_result *r = result(b, w, c, k);
                    const struct grade_value *v = r->metrics ? &r->metrics[m] : NULL;
                    size_t at = (size_t)g * b->nkernels + k;
                    values[at] =
                        v && v->ok && base->ok && base->v ? (double)v->v / (double)base->v : NAN;
                    char t[48];
                    snprintf(t, sizeof t, "%llu%s", v && v->ok ? (unsigned long long)v->v : 0ull,
                             r->passed ? "" : " !");
                    if (v && v->ok && !(texts[at] = malloc(strlen(t) + 1)))
                        goto oom;
                    if (texts[at])
                        strcpy(texts[at], t);
                }
            }
        }
    }
    for (unsigned k = 0; k < b->nkernels; k++)
        series[k] = b->kernels[k].label;
    char title[300], note[200];
    snprintf(title, sizeof title, "space bench-kernel: %s%s", b->w[0].spec->title,
             b->nw > 1 ? " and more" : "");
    snprintf(note, sizeof note,
             "each metric relative to %s = 1.00; values above the bars; ! failed",
             b->kernels[0].label);
    struct barchart chart = {.title = title,
                             .note = note,
                             .ngroups = ng,
                             .group_labels = (const char *const *)labels,
                             .nseries = b->nkernels,
                             .series_labels = series,
                             .values = values,
                             .value_labels = (const char *const *)texts};
    rc = barchart_write_png(&chart, b->png, err, errlen);
    goto out;
oom:
    snprintf(err, errlen, "out of host memory");
out:
    for (unsigned i = 0; labels && i < ng; i++)
        free(labels[i]);
    for (size_t i = 0; texts && i < (size_t)ng * b->nkernels; i++)
        free(texts[i]);
    free(labels);
    free(texts);
    free(values);
    return rc;
}

/* ---- The command ---- */

enum { BENCH_KERNEL, BENCH_CASE, BENCH_JSON, BENCH_PNG, BENCH_OUT };

static const struct cmd_option bench_options[] = {
    {"kernel", 0, "[LABEL=]FILE",
     "a kernel to run (more than once: side by side; the first is the\n"
     "baseline); FILE builtin is the BasicOZ built into space (the\n"
     "default); LABEL defaults to the file's name",
     BENCH_KERNEL},
    {"case", 0, "NAME", "run only this case (may be given more than once)", BENCH_CASE},
    {"json", 0, "FILE", "write the table as JSON (format space-bench-kernel 1)", BENCH_JSON},
    {"png", 0, "FILE", "draw the metrics as a bar chart, relative to the first kernel", BENCH_PNG},
    {"out", 0, "DIR",
     "the runs' files (traces of failing runs, console output; default\n" DEFAULT_OUT ")",
     BENCH_OUT},
    {0},
};

static void describe(FILE *out)
{
    struct options o;
    options_init(&o, 0, NULL);
    options_add(&o, bench_options);
    fputs("space bench-kernel runs every case of each workload spec (basicoz/workloads,\n"
          "docs/workloads.md) on each kernel, as space grade runs them, and prints every\n"
          "`metric` of each case side by side: the value per kernel and its ratio to the\n"
          "first kernel's; ! marks a kernel whose case failed its checks, with the first\n"
          "failure below the table.\n"
          "options for bench-kernel:\n",
          out);
    options_print(&o, out);
    fputs("exit status of bench-kernel: 0 the table was made (failed checks are marked),\n"
          "2 bad command line, 3 bad spec, 4 a file cannot be written, 130 interrupted.\n",
          out);
    options_free(&o);
}

const struct cmd_help bench_kernel_help = {
    "space bench-kernel WORKLOAD.spec... [--kernel [LABEL=]FILE]... [--case NAME]...\n"
    "                   [--json FILE] [--png FILE] [--out DIR]",
    describe,
};

static void bench_free(struct bench *b)
{
    for (unsigned i = 0; i < b->nw; i++) {
        struct workload *w = &b->w[i];
        for (unsigned c = 0; w->spec && c < w->spec->ncases; c++) {
            for (unsigned k = 0; w->results && k < b->nkernels; k++)
                grade_result_free(&w->results[c * b->nkernels + k]);
            if (w->refs && w->refs[c].c)
                grade_result_free(&w->refs[c]);
        }
        free(w->results);
        free(w->refs);
        free(w->ran);
        grade_spec_free(w->spec);
    }
    free(b->w);
    free(b->only);
}

int cmd_bench_kernel(int argc, char **argv)
{
    struct bench b = {.out = DEFAULT_OUT};
    char **paths = calloc((size_t)argc + 1, sizeof *paths);
    b.only = calloc((size_t)argc + 1, sizeof *b.only);
    b.w = calloc((size_t)argc + 1, sizeof *b.w);
    if (!paths || !b.only || !b.w) {
        fprintf(stderr, "space: out of host memory\n");
        free(paths);
        bench_free(&b);
        return EXIT_BAD_INPUT;
    }
    unsigned npaths = 0;
    struct options o;
    options_init(&o, argc, argv);
    options_add(&o, bench_options);
    const char *val;
    int id, status = 0;
    while (!status && (id = options_next(&o, &val)) != OPTIONS_END) {
        if ((status = cli_empty_value(&o, id, val)) != 0)
            break;
        switch (id) {
        case OPTIONS_HELP: status = -1; break;
        case OPTIONS_ERROR: status = EXIT_USAGE; break;
        case OPTIONS_OPERAND: paths[npaths++] = (char *)val; break;
        case BENCH_KERNEL: status = add_kernel(&b, val); break;
        case BENCH_CASE: b.only[b.nonly++] = val; break;
        case BENCH_JSON: b.json = val; break;
        case BENCH_PNG: b.png = val; break;
        case BENCH_OUT: b.out = val; break;
        }
    }
    options_free(&o);
    if (!status && !npaths)
        status = cli_usage_error("%s", "bench-kernel needs a workload spec (space bench-kernel "
                                       "WORKLOAD.spec)");
    if (!status && !b.nkernels)
        status = add_kernel(&b, BUILTIN_LABEL);
    if (!status)
        status = load(&b, paths, npaths);
    free(paths);
    if (status) {
        bench_free(&b);
        return status < 0 ? cli_help(&bench_kernel_help) : status;
    }
    char err[1024];
    if (!run_all(&b, &status)) {
        fprintf(stderr, "space: bench-kernel interrupted; no results written\n");
        status = EXIT_INTERRUPTED;
    } else if (!status) {
        print_table(&b, stdout);
        if (b.json && write_json(&b, err, sizeof err) != 0)
            status = EXIT_BAD_INPUT;
        else if (b.png && write_png(&b, err, sizeof err) != 0)
            status = EXIT_BAD_INPUT;
        if (status)
            fprintf(stderr, "space: %s\n", err);
    }
    bench_free(&b);
    return status;
}
