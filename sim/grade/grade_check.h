/* grade_check: how one run measures up to its case of a grade spec - how
 * it ended, and each check of its console output and statistics, bounded
 * by numbers or by the reference kernel's run - with what was expected
 * (the bound's formula and value) and what was found, for people to read;
 * and the measures (stat, lines, line-time) that checks, metrics and
 * leaderboard entries take from a run. */
#ifndef SPACE_GRADE_CHECK_H
#define SPACE_GRADE_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "grade_spec.h"
#include "sim/stats/stats.h"

/* What a run produced. */
struct grade_run {
    const char *output; /* the console output (any bytes) */
    size_t output_len;
    enum machine_state state;
    uint32_t exit_code; /* MACHINE_HALTED */
    uint64_t virtual_time;
    const char *end_line; /* how it ended, for a person (session_describe_end) */
    const json_t *stats;  /* the statistics tree (stats_tree); NULL: none (nodes) */
    /* When each line of the output was completed: the machine's virtual
     * time as its newline was written; line_times[k] is line k + 1's. */
    const uint64_t *line_times;
    size_t nline_times;
};

/* The reference kernel's run of the same case, for ref bounds. Reports
 * name no kernel file: the student sees them (the staff's data does). */
struct grade_ref {
    const struct grade_run *run; /* NULL: not run (then `why`) */
    const char *why;             /* why the reference's numbers cannot be used; NULL: they can */
};

/* A measure of a run: 0 and *v, or -1 with why it has none ("fewer than
 * 4 lines match ..."). */
int grade_measure(const struct grade_measure *m, const struct grade_run *run, uint64_t *v,
                  char *why, unsigned whylen);

/* A ref bound's value for the reference's value r: F * r + N, rounded
 * down, at least 0 and at most UINT64_MAX. */
uint64_t grade_bound_value(const struct grade_bound *b, uint64_t r);

#define GRADE_TEXT 320 /* longer texts are cut, with "..." */

struct grade_outcome {
    const struct grade_check *check; /* NULL: how the run ended */
    unsigned line;                   /* the spec line it comes from; 0: a default */
    bool passed;
    char what[GRADE_TEXT]; /* the check as the spec has it: "expect = hello" */
    char expected[GRADE_TEXT];
    char actual[GRADE_TEXT];
    bool has_ref;       /* a ref bound whose reference value was measured: */
    uint64_t ref_value; /* ... the reference's value */
    uint64_t bound;     /* ... and the bound computed from it */
};

/* Judges the run: out[0] is how it ended, out[1..c->nchecks] the checks
 * in spec order; ref bounds against ref (NULL: the case has none).
 * Returns how many failed. */
unsigned grade_check_run(const struct grade_case *c, const struct grade_run *run,
                         const struct grade_ref *ref, struct grade_outcome *out);

/* Does the text [s, s+n) match the pattern ('*' any run of characters,
 * '?' any one character, everything else itself)? */
bool grade_glob(const char *pattern, const char *s, size_t n);

#endif
