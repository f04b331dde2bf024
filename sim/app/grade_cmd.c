/* space grade: runs a workload spec's cases with grade_run.h (each on a
 * machine set up as `space run` would, always recorded, judged, with the
 * reference kernel's run first where a check needs it) and writes the
 * results (sim/grade/grade_report.h). A failing case keeps its trace, so a
 * TA can replay the very run, and its timeline, to look at it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "grade_run.h"
#include "sim/grade/grade_report.h"
#include "sim/grade/grade_spec.h"
#include "sim/host/platform.h"

#define EXIT_FAILED   1 /* a case failed */
#define EXIT_BAD_SPEC 3
#define DEFAULT_OUT   "grade-results"

struct grader {
    struct grade_runner run;
    const char *const *only; /* --case NAME...: only these */
    unsigned nonly;
};

static bool selected(const struct grader *g, const char *name)
{
    for (unsigned i = 0; i < g->nonly; i++)
        if (!strcmp(g->only[i], name))
            return true;
    return !g->nonly;
}

/* If `out` (a file grading would write or remove) is one of the inputs,
 * says so in err and returns -1. */
static int check_output(const char *out, const char *const *inputs, const char *const *whats,
                        unsigned ninputs, char *err, unsigned errlen)
{
    for (unsigned i = 0; out && i < ninputs; i++)
        if (inputs[i] && platform_same_file(out, inputs[i])) {
            snprintf(err, errlen,
                     "%s: grading would overwrite it, but it is %s %s (choose another --out)", out,
                     whats[i], inputs[i]);
            return -1;
        }
    return out ? 0 : (snprintf(err, errlen, "out of host memory"), -1);
}

/* Grading never removes or overwrites an input: the spec, a kernel, an
 * input file or a disk image (a disk `disks/a.img` beside the spec, with
 * --out the spec's directory, is where case a's copy would go). Checked
 * before anything is written; an output that does not exist yet cannot be
 * an input. */
static int check_outputs(const struct grader *g, const struct grade_spec *spec,
                         const char *spec_path, char *err, unsigned errlen)
{
    unsigned max = 4 + 3 * spec->ncases, n = 0;
    const char **inputs = calloc(max, sizeof *inputs), **whats = calloc(max, sizeof *whats);
    int rc = -1;
    if (!inputs || !whats) {
        snprintf(err, errlen, "out of host memory");
        goto out;
    }
    inputs[n] = spec_path, whats[n++] = "the spec";
    inputs[n] = g->run.kernel, whats[n++] = "the kernel";
    inputs[n] = g->run.reference, whats[n++] = "the reference kernel";
    for (unsigned i = 0; i < spec->ncases; i++) {
        const struct grade_case *c = &spec->cases[i];
        inputs[n] = c->kernel, whats[n++] = "a case's kernel";
        inputs[n] = c->input_file, whats[n++] = "a case's input file";
        inputs[n] = c->disk, whats[n++] = "a case's disk image";
    }
    if (spec->ncases)
        inputs[n] = spec->cases[0].reference, whats[n++] = "the reference kernel";
    static const char *const reports[] = {"results.json", "junit.xml", "grade.json"};
    for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++) {
        char *path = grade_path(g->run.out, NULL, reports[i]);
        int bad = check_output(path, inputs, whats, n, err, errlen);
        free(path);
        if (bad)
            goto out;
    }
    for (unsigned i = 0; i < spec->ncases; i++) {
        const struct grade_case *c = &spec->cases[i];
        if (!selected(g, c->name))
            continue;
        const struct {
            bool used;
            const char *sub, *ext;
        } files[] = {
            {true, "traces", ".trc"},
            {true, "timelines", ".json"},
            {true, "console", ".txt"},
            {!c->input_file, "input", ".txt"},
            {c->disk || c->disk_size, "disks", ".img"},
        };
        char *ref = grade_run_ref_dir(g->run.out);
        for (size_t k = 0; k < 2 * sizeof files / sizeof files[0]; k++) {
            size_t f = k % (sizeof files / sizeof files[0]);
            bool in_ref = k >= sizeof files / sizeof files[0];
            if (!files[f].used || (in_ref && !grade_case_needs_ref(c)))
                continue;
            char *path =
                ref ? grade_run_file(in_ref ? ref : g->run.out, files[f].sub, c->name, files[f].ext)
                    : NULL;
            int bad = check_output(path, inputs, whats, n, err, errlen);
            free(path);
            if (bad) {
                free(ref);
                goto out;
            }
        }
        free(ref);
    }
    rc = 0;
out:
    free(inputs);
    free(whats);
    return rc;
}

/* Does a selected case bound the built-in BasicOZ by its own numbers? (A
 * student who builds space from a changed tree has changed the built-in
 * kernel: its ref bounds then measure nothing.) */
static bool compares_builtin_with_itself(const struct grader *g, const struct grade_spec *spec)
{
    for (unsigned i = 0; i < spec->ncases; i++) {
        const struct grade_case *c = &spec->cases[i];
        if (selected(g, c->name) && grade_case_needs_ref(c) && !c->kernel && !c->reference)
            return true;
    }
    return false;
}

enum { GRADE_OUT, GRADE_KERNEL, GRADE_REFERENCE, GRADE_CASE, GRADE_KEEP_TRACES };

static const struct cmd_option grade_options[] = {
    {"out", 0, "DIR", "the results directory (default " DEFAULT_OUT ")", GRADE_OUT},
    {"kernel", 0, "FILE",
     "run every case on this kernel instead of the spec's (the\n"
     "submission: if it is missing or bad, every case fails)",
     GRADE_KERNEL},
    {"reference", 0, "FILE",
     "the reference kernel of `ref` bounds instead of the spec's (by\n"
     "default the BasicOZ built into this space)",
     GRADE_REFERENCE},
    {"case", 0, "NAME", "run only this case (may be given more than once)", GRADE_CASE},
    {"keep-traces", 0, NULL, "keep the traces of passing cases too", GRADE_KEEP_TRACES},
    {0},
};

static void describe(FILE *out)
{
    struct options o;
    options_init(&o, 0, NULL);
    options_add(&o, grade_options);
    fputs("space grade runs the cases of the workload spec SPEC (docs/grading.md), each\n"
          "recorded, checks their console output, end and statistics, and writes\n"
          "DIR/results.json (Gradescope), DIR/junit.xml and DIR/grade.json, and the\n"
          "trace of every failing case as DIR/traces/CASE.trc and its timeline as\n"
          "DIR/timelines/CASE.json (for Perfetto; docs/instrumentation.md).\n"
          "options for grade:\n",
          out);
    options_print(&o, out);
    fputs("exit status of grade: 0 every case passed, 1 a case failed, 2 bad command\n"
          "line, 3 bad spec (one line: 'space: FILE:LINE: ...'), 4 the results cannot be\n"
          "written, 130 interrupted.\n",
          out);
    options_free(&o);
}

const struct cmd_help grade_help = {
    "space grade SPEC [--out DIR] [--kernel FILE] [--reference FILE] [--case NAME]...\n"
    "            [--keep-traces]",
    describe,
};

int cmd_grade(int argc, char **argv)
{
    struct grader g = {.run = {.out = DEFAULT_OUT}};
    const char *spec_path = NULL;
    const char **only = calloc((size_t)argc + 1, sizeof *only);
    if (!only) {
        fprintf(stderr, "space: out of host memory\n");
        return EXIT_BAD_INPUT;
    }
    g.only = only;
    struct options o;
    options_init(&o, argc, argv);
    options_add(&o, grade_options);
    const char *val;
    int id, status = 0;
    while (!status && (id = options_next(&o, &val)) != OPTIONS_END) {
        if ((status = cli_empty_value(&o, id, val)) != 0)
            break;
        switch (id) {
        case OPTIONS_HELP: status = -1; break;
        case OPTIONS_ERROR: status = EXIT_USAGE; break;
        case OPTIONS_OPERAND:
            if (spec_path)
                status = cli_usage_error("more than one spec given ('%s')", val);
            spec_path = val;
            break;
        case GRADE_OUT: g.run.out = val; break;
        case GRADE_KERNEL: g.run.kernel = val; break;
        case GRADE_REFERENCE: g.run.reference = val; break;
        case GRADE_CASE: only[g.nonly++] = val; break;
        case GRADE_KEEP_TRACES: g.run.keep_traces = true; break;
        }
    }
    options_free(&o);
    if (!status && !spec_path)
        status = cli_usage_error("%s", "grade needs a spec file (space grade SPEC)");
    if (status) {
        free(only);
        return status < 0 ? cli_help(&grade_help) : status;
    }

    if (g.run.reference) {
        FILE *f = fopen(g.run.reference, "rb");
        if (!f) {
            fprintf(stderr, "space: --reference %s: cannot read the reference kernel: %s\n",
                    g.run.reference, strerror(errno));
            free(only);
            return EXIT_USAGE;
        }
        fclose(f);
    }
    char err[1024];
    struct grade_spec *spec = grade_spec_load(spec_path, err, sizeof err);
    if (!spec) {
        fprintf(stderr, "space: %s\n", err);
        free(only);
        return EXIT_BAD_SPEC;
    }
    for (unsigned i = 0; i < g.nonly; i++) {
        unsigned k = 0;
        while (k < spec->ncases && strcmp(spec->cases[k].name, g.only[i]) != 0)
            k++;
        if (k == spec->ncases) {
            fprintf(stderr, "space: --case %s: %s has no such case\n", g.only[i], spec_path);
            grade_spec_free(spec);
            free(only);
            return EXIT_USAGE;
        }
    }
    if (check_outputs(&g, spec, spec_path, err, sizeof err) != 0) {
        fprintf(stderr, "space: %s\n", err);
        grade_spec_free(spec);
        free(only);
        return EXIT_BAD_INPUT;
    }
    status = grade_run_dirs(g.run.out, err, sizeof err);
    struct grade_result *results = calloc(spec->ncases, sizeof *results);
    struct grade_result *refs = calloc(spec->ncases, sizeof *refs);
    if (!status && (!results || !refs)) {
        snprintf(err, sizeof err, "out of host memory");
        status = -1;
    }
    if (status) {
        fprintf(stderr, "space: %s\n", err);
        free(results);
        free(refs);
        grade_spec_free(spec);
        free(only);
        return EXIT_BAD_INPUT;
    }

    struct grade_report rep = {.spec = spec, .out_dir = g.run.out, .results = results};
    char title[256];
    printf("space grade %s: %s, kernel %s\n", spec_path,
           grade_escape(spec->title, title, sizeof title),
           g.run.kernel ? g.run.kernel : "as the spec says");
    if (g.run.reference)
        printf("  reference kernel of ref bounds: %s\n", g.run.reference);
    else if (!g.run.kernel && compares_builtin_with_itself(&g, spec))
        printf("  note: the kernel graded is the reference kernel, the BasicOZ built into this\n"
               "  space: every ref bound compares it with itself. Grade your kernel with\n"
               "  --kernel FILE, or name the reference with --reference FILE.\n");
    fflush(stdout);
    bool interrupted = false;
    for (unsigned i = 0; i < spec->ncases && !interrupted; i++) {
        if (!selected(&g, spec->cases[i].name))
            continue;
        interrupted = !grade_run_case(&g.run, &spec->cases[i], &refs[i], &results[rep.n]);
        if (!interrupted)
            grade_report_row(stdout, &rep, &results[rep.n++]);
        else
            grade_result_free(&results[rep.n]);
    }
    if (interrupted) {
        fprintf(stderr, "space: grading interrupted; no results written\n");
        status = EXIT_INTERRUPTED;
    } else if (grade_report_write(&rep, err, sizeof err) != 0) {
        fprintf(stderr, "space: %s\n", err);
        status = EXIT_BAD_INPUT;
    } else {
        grade_report_total(stdout, &rep);
        status = 0;
        for (unsigned i = 0; i < rep.n; i++)
            if (!results[i].passed)
                status = EXIT_FAILED;
    }
    for (unsigned i = 0; i < rep.n; i++)
        grade_result_free(&results[i]);
    for (unsigned i = 0; i < spec->ncases; i++)
        if (refs[i].c)
            grade_result_free(&refs[i]);
    free(results);
    free(refs);
    grade_spec_free(spec);
    free(only);
    return status;
}
