/* grade_run: one case of a grade spec run and judged - on a machine set up
 * as `space run` would (session.h), recorded, its console lines timed in
 * virtual time, the reference kernel's run of the case first when a check
 * is bounded by it, its checks, metrics and leaderboard entries measured -
 * shared by `space grade` and `space bench-kernel`, so that a benchmarked
 * run is exactly the graded one. Its files go into a results directory's
 * traces/, console/, input/, disks/ and timelines/ (reference runs' into
 * its reference/). */
#ifndef SPACE_GRADE_RUN_H
#define SPACE_GRADE_RUN_H

#include <stdbool.h>

#include "sim/grade/grade_report.h"

struct grade_runner {
    const char *out;       /* the results directory */
    const char *kernel;    /* every case's kernel instead of the spec's; NULL: the case's */
    bool builtin;          /* every case on the built-in BasicOZ (kernel NULL) */
    const char *reference; /* the reference kernel instead of the spec's; NULL: the spec's */
    bool keep_traces;      /* keep the traces of passing cases too */
};

/* Creates the results directory and its subdirectories: 0, or -1 with a
 * one-line reason. */
int grade_run_dirs(const char *out, char *err, unsigned errlen);

/* OUT/SUB/NAME + EXT, a file of a case; malloc'ed, NULL if out of memory. */
char *grade_run_file(const char *out, const char *sub, const char *name, const char *ext);

/* The directory the reference runs of OUT go into; malloc'ed. */
char *grade_run_ref_dir(const char *out);

/* Runs case c into r, judged. `ref`: where the reference kernel's run of
 * the case is kept (the caller's, freed with grade_result_free): run into
 * it first if the case needs it and ref->c is NULL, reused if ref->c is c;
 * NULL: the case needs none. Returns false if grading was interrupted
 * (Ctrl-C); r then needs only grade_result_free. */
bool grade_run_case(const struct grade_runner *g, const struct grade_case *c,
                    struct grade_result *ref, struct grade_result *r);

void grade_result_free(struct grade_result *r);

#endif
