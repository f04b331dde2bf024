/* metrics: what the machine measures about the guest's scheduling, memory
 * and console use, from what it observes (sim/core's run loop, traps,
 * operations and the console's notes), plus the numbers the guest
 * publishes itself (SPACE_OP_METRIC). The statistics (sim/stats) read them
 * through machine_metrics; docs/instrumentation.md defines every one.
 * Everything here counts virtual time and guest events only, so a replay
 * counts the same, and a machine snapshot keeps it (plain data). */
#ifndef SPACE_METRICS_H
#define SPACE_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#define SPACE_HOST
#include "basicoz/include/space.h"

#define METRICS_GUEST_MAX  64 /* names a machine keeps */
#define METRICS_NAME_MAX   31 /* bytes of a guest metric's name */
#define METRICS_NO_CONTEXT UINT32_MAX

struct metrics_context {
    uint64_t dispatches; /* times a CPU began running its user code after another CONTEXT's */
    uint64_t faults;     /* MEMORY_FAULTs raised while it was the current CONTEXT */
};

struct metrics_console {
    uint64_t lines;
    uint64_t response_total, response_max; /* delivery -> the guest asks for input again */
    uint64_t wakeup_total, wakeup_max;     /* delivery -> the asker's next user instruction */
};

struct metrics_guest {
    char name[METRICS_NAME_MAX + 1];
    uint64_t value;
};

/* A CPU that went into user code of a CONTEXT: it has begun running it
 * only once an instruction retires there (an interrupt may be taken first). */
struct metrics_cpu {
    uint64_t switches;
    uint32_t user_ctx; /* whose user code it ran last (METRICS_NO_CONTEXT: none yet) */
    bool entered;      /* it went into user code at `at` and has not left it */
    uint32_t entered_ctx;
    uint64_t at, busy_at; /* cpu_time and cpu_busy_time then */
};

struct machine_metrics {
    struct metrics_cpu cpu[SPACE_MAX_CPUS];
    struct metrics_context ctx[SPACE_CONTEXTS];
    struct metrics_console console;
    unsigned nguest;
    struct metrics_guest guest[METRICS_GUEST_MAX];
    /* The console line in flight. */
    uint32_t asker;     /* the CONTEXT that last asked for input */
    bool response_open; /* a line was delivered; the guest has not asked again */
    bool wakeup_open;   /* ... its asker has not run user code since */
    uint32_t wakeup_ctx;
    uint64_t delivered_at;
};

/* Nothing counted yet. */
void metrics_init(struct machine_metrics *mm);
/* A guest name: 1..METRICS_NAME_MAX of [a-z0-9_]? */
bool metrics_name_ok(const char *name);
/* SPACE_OP_METRIC: sets, adds to or raises (how: SPACE_METRIC_*) the named
 * metric, created at 0. SPACE_OK, SPACE_ERR_ARG (a bad name or how) or
 * SPACE_ERR_FULL (METRICS_GUEST_MAX names already). */
int metrics_publish(struct machine_metrics *mm, const char *name, uint32_t how, uint32_t value);

#endif
