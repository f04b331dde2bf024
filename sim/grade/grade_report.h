/* grade_report: what `space grade` writes - Gradescope's results.json,
 * JUnit XML, SPACE's own grade.json, and the summary table - from the
 * results of a spec's cases (docs/grading.md). Every text is escaped for
 * its format whatever bytes a guest printed. */
#ifndef SPACE_GRADE_REPORT_H
#define SPACE_GRADE_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "grade_check.h"
#include "grade_spec.h"

/* A measure's value for a run (a metric's, a leaderboard entry's). */
struct grade_value {
    bool ok;
    uint64_t v;
    char why[GRADE_TEXT]; /* !ok: why there is none */
};

/* One case's result. */
struct grade_result {
    const struct grade_case *c;
    bool ran;        /* the machine ran (else `error` says why not) */
    char error[640]; /* the case could not run or be judged ("" if it was): it failed */
    char note[640];  /* the trace is incomplete: said, but no fault of the kernel's */
    struct grade_run run;
    char end_line[768]; /* (run.end_line) */
    json_t *stats;      /* the statistics tree; NULL if it did not run */
    struct grade_outcome *outcomes;
    unsigned noutcomes, failed; /* failed: outcomes that failed */
    bool passed;
    char *kernel;         /* the kernel's path or name */
    char *input;          /* the console input file */
    char *console;        /* the file with the console output */
    char *trace;          /* the trace, if it is kept; else NULL */
    char *timeline;       /* the run's timeline (Perfetto JSON), if it is kept; else NULL */
    char *disk;           /* the disk image after the run, if it is kept; else NULL */
    char *output_buffer;  /* (run.output) */
    double wall_seconds;  /* the host time the case took: JUnit's `time`, never in grade.json */
    uint64_t *line_times; /* (run.line_times) */
    size_t line_times_cap;
    struct grade_value *metrics; /* c->nmetrics of them */
    struct grade_value *board;   /* c->nboard */
    /* The reference kernel's run of the case (ref bounds), or NULL. Its
     * checks are judged against itself; `ref_why` says why its numbers
     * cannot be used ("" if they can). */
    struct grade_result *ref;
    char ref_why[GRADE_TEXT];
};

struct grade_report {
    const struct grade_spec *spec;
    const char *out_dir;
    struct grade_result *results;
    unsigned n;
};

/* Writes DIR/results.json, DIR/junit.xml and DIR/grade.json. 0, or -1
 * with a one-line reason. */
int grade_report_write(const struct grade_report *r, char *err, unsigned errlen);

/* The summary table, one row per case as it is done, then the total. */
void grade_report_row(FILE *out, const struct grade_report *r, const struct grade_result *res);
void grade_report_total(FILE *out, const struct grade_report *r);

/* The exact command that replays a kept trace (with its path after it). */
#define GRADE_REPLAY_COMMAND "space replay "

/* DIR/SUB/NAME (SUB may be NULL), malloc'ed; NULL if out of memory. */
char *grade_path(const char *dir, const char *sub, const char *name);

#endif
