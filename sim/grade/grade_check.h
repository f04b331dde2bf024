/* grade_check: how one run measures up to its case of a grade spec - how
 * it ended, and each check of its console output and statistics - with
 * what was expected and what was found, for people to read. */
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
    const json_t *stats;  /* the statistics tree (stats_tree) */
};

#define GRADE_TEXT 320 /* longer texts are cut, with "..." */

struct grade_outcome {
    const struct grade_check *check; /* NULL: how the run ended */
    unsigned line;                   /* the spec line it comes from; 0: a default */
    bool passed;
    char what[GRADE_TEXT]; /* the check as the spec has it: "expect = hello" */
    char expected[GRADE_TEXT];
    char actual[GRADE_TEXT];
};

/* Judges the run: out[0] is how it ended, out[1..c->nchecks] the checks
 * in spec order. Returns how many failed. */
unsigned grade_check_run(const struct grade_case *c, const struct grade_run *run,
                         struct grade_outcome *out);

/* Does the text [s, s+n) match the pattern ('*' any run of characters,
 * '?' any one character, everything else itself)? */
bool grade_glob(const char *pattern, const char *s, size_t n);

#endif
