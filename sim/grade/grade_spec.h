/* grade_spec: the workload spec `space grade` runs - a line-based text
 * file a TA writes by hand (docs/grading.md): defaults, then [case NAME]
 * sections with the machine's configuration, console input, how the run
 * must end, checks of its console output and statistics (bounded by
 * numbers or by a reference kernel's run of the same case), and the
 * metrics and leaderboard entries each run yields. Loading
 * checks everything that can be checked before a run (every key, number,
 * pattern, statistic name and file), so a bad spec fails at once with one
 * line naming the file, the line and what was expected. */
#ifndef SPACE_GRADE_SPEC_H
#define SPACE_GRADE_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/machine.h"

#define GRADE_DEFAULT_MAX_INSNS 500000000ull /* virtual: a few seconds of host time */
#define GRADE_DEFAULT_MEM       (64u << 20)

enum grade_check_kind {
    CHECK_EXPECT,      /* the output contains text */
    CHECK_EXPECT_LINE, /* some line matches a pattern */
    CHECK_REJECT,      /* the output does not contain text */
    CHECK_REJECT_LINE, /* no line matches a pattern */
    CHECK_LINES,       /* how many lines match a pattern */
    CHECK_STAT,        /* a statistic's value */
    CHECK_LINE_TIME,   /* when the Nth line matching a pattern was completed */
};

enum grade_op { OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE };

/* A number a run yields: `stat NAME`, `lines PATTERN` or
 * `line-time PATTERN [#N]`. */
struct grade_measure {
    enum grade_check_kind kind; /* CHECK_STAT, CHECK_LINES or CHECK_LINE_TIME */
    const char *text;           /* the statistic's name or the pattern */
    unsigned nth;               /* CHECK_LINE_TIME: which matching line, from 1 */
};

/* What a measure is compared with: N, or F * ref + N (F = num / den, den a
 * power of ten; the result rounded down), ref being the same measure on
 * the reference kernel's run of the case. */
struct grade_bound {
    bool ref;
    uint64_t num, den; /* F; 1/1 if none is written */
    bool minus;        /* ref - N */
    uint64_t n;
    const char *text; /* as written: "0.5 * ref + 100" */
};

struct grade_check {
    enum grade_check_kind kind;
    const char *text; /* text, pattern (* and ?) or statistic name */
    unsigned nth;     /* CHECK_LINE_TIME: which matching line, from 1 */
    enum grade_op op; /* CHECK_LINES, CHECK_STAT, CHECK_LINE_TIME */
    struct grade_bound bound;
    const char *source;      /* the spec line, for reports */
    const char *description; /* why the check is there (`description =` after it); NULL: none */
    unsigned line;
};

/* `metric LABEL = MEASURE [lower-better|higher-better]` and
 * `leaderboard LABEL = MEASURE [asc|desc]`. */
struct grade_metric {
    const char *label;
    struct grade_measure m;
    bool higher; /* higher-better; for a leaderboard entry: desc */
    const char *source;
    unsigned line;
};

struct grade_case {
    const char *name;
    unsigned line;
    double points;
    const char *visibility; /* Gradescope's; NULL: its default */
    const char *kernel;     /* path; NULL: the built-in BasicOZ */
    uint64_t max_insns;
    uint32_t mem;
    uint32_t ncpus; /* space run --cpus */
    uint64_t seed;  /* space run --seed, if seeded */
    bool seeded;
    uint32_t nodes;  /* space run --nodes N: a multicomputer; 0: one machine */
    const char *net; /* space run --net SPEC (with nodes); NULL: the defaults */
    const char *cmdline;
    const char *input;      /* console input text; NULL: none (or input_file) */
    const char *input_file; /* path */
    const char *disk;       /* image copied for the run; NULL: none (or disk_size) */
    uint32_t disk_size;     /* a fresh zero-filled image of this size */
    enum machine_state end; /* how the run must end */
    bool exit_set;          /* ... and with this halt code */
    uint32_t exit_code;
    unsigned end_at; /* the spec line saying so (0: the default, end = halted) */
    struct grade_check *checks;
    unsigned nchecks;
    const char *description;      /* the case's; NULL: none */
    const char *reference;        /* the reference kernel's path; NULL: the built-in BasicOZ */
    struct grade_metric *metrics; /* the spec's metrics, then the case's */
    unsigned nmetrics;
    struct grade_metric *board; /* leaderboard entries */
    unsigned nboard;
};

/* Does a check of the case need the reference kernel's run? */
bool grade_case_needs_ref(const struct grade_case *c);

struct grade_spec {
    const char *path;
    const char *title;       /* the test suite's name: `title`, or the file name */
    const char *description; /* the spec's; NULL: none */
    uint64_t version;        /* the workload's `version`; 0: none given */
    struct grade_case *cases;
    unsigned ncases;
    struct grade_arena *arena; /* every string */
};

/* Reads and checks the spec. Returns NULL with one line in err
 * ("FILE:LINE: what was expected, and what was found"). */
struct grade_spec *grade_spec_load(const char *path, char *err, unsigned errlen);
void grade_spec_free(struct grade_spec *spec);

/* Copies s into buf (n > 0 bytes, always terminated, cut if it is too
 * long) with each control character written as an escape (\n, \r, \t,
 * \e, or \xNN), so that no text from a spec or a guest reaches a terminal
 * raw. Returns buf. */
const char *grade_escape(const char *s, char *buf, size_t n);

/* Names for reports: "<", "halted", ... */
const char *grade_op_name(enum grade_op op);
const char *grade_end_name(enum machine_state st);

#endif
