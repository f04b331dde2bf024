/* The machine's metrics (metrics.h): where the run loop, traps and
 * operations tell them what happened. */
#include "metrics.h"

#include <string.h>

#include "machine_internal.h"

void metrics_init(struct machine_metrics *mm)
{
    memset(mm, 0, sizeof *mm);
    for (unsigned i = 0; i < SPACE_MAX_CPUS; i++)
        mm->cpu[i].user_ctx = METRICS_NO_CONTEXT;
    mm->asker = METRICS_NO_CONTEXT;
}

/* CPU i's entry into user code counts once an instruction has retired
 * there (`busy`: its cpu_busy_time now): a CONTEXT switch if another
 * CONTEXT's user code ran last, and the end of a console line's wakeup if
 * this is the CONTEXT that asked for it. */
static void settle(struct machine_metrics *mm, unsigned i, uint64_t busy)
{
    struct metrics_cpu *c = &mm->cpu[i];
    if (!c->entered || busy <= c->busy_at)
        return;
    c->entered = false;
    if (c->entered_ctx != c->user_ctx) {
        c->switches++;
        mm->ctx[c->entered_ctx].dispatches++;
        c->user_ctx = c->entered_ctx;
    }
    if (mm->wakeup_open && c->entered_ctx == mm->wakeup_ctx && c->at >= mm->delivered_at) {
        uint64_t w = c->at - mm->delivered_at;
        mm->console.wakeup_total += w;
        if (w > mm->console.wakeup_max)
            mm->console.wakeup_max = w;
        mm->wakeup_open = false;
    }
}

void metrics_space(struct machine *m, unsigned i, uint32_t ctx, uint32_t mode)
{
    struct metrics_cpu *c = &m->metrics.cpu[i];
    const struct cpu *cpu = m->cpus[i].cpu;
    settle(&m->metrics, i, cpu_busy_time(cpu));
    c->entered = mode != 0 && ctx < SPACE_CONTEXTS;
    c->entered_ctx = ctx;
    c->at = cpu_time(cpu);
    c->busy_at = cpu_busy_time(cpu);
}

void metrics_fault(struct machine *m)
{
    m->metrics.ctx[cpu_context(m->cpu) % SPACE_CONTEXTS].faults++;
}

void metrics_input_wanted(struct machine *m)
{
    struct machine_metrics *mm = &m->metrics;
    settle(mm, m->cur, cpu_busy_time(m->cpu));
    mm->asker = mm->cpu[m->cur].user_ctx;
    if (!mm->response_open)
        return;
    uint64_t r = cpu_time(m->cpu) - mm->delivered_at;
    mm->console.response_total += r;
    if (r > mm->console.response_max)
        mm->console.response_max = r;
    mm->response_open = false;
}

void metrics_line(struct machine *m)
{
    struct machine_metrics *mm = &m->metrics;
    mm->console.lines++;
    mm->delivered_at = cpu_time(m->cpu);
    mm->response_open = true;
    mm->wakeup_open = mm->asker != METRICS_NO_CONTEXT;
    mm->wakeup_ctx = mm->asker;
}

bool metrics_name_ok(const char *name)
{
    size_t n = strlen(name);
    return n >= 1 && n <= METRICS_NAME_MAX &&
           strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

int metrics_publish(struct machine_metrics *mm, const char *name, uint32_t how, uint32_t value)
{
    if (!metrics_name_ok(name) || how > SPACE_METRIC_MAX)
        return SPACE_ERR_ARG;
    /* The names stay sorted, so that every report lists them alike. */
    unsigned i = 0;
    int cmp = 1;
    while (i < mm->nguest && (cmp = strcmp(mm->guest[i].name, name)) < 0)
        i++;
    if (i == mm->nguest || cmp != 0) {
        if (mm->nguest == METRICS_GUEST_MAX)
            return SPACE_ERR_FULL;
        memmove(&mm->guest[i + 1], &mm->guest[i], (mm->nguest - i) * sizeof mm->guest[0]);
        mm->nguest++;
        memset(&mm->guest[i], 0, sizeof mm->guest[i]);
        strcpy(mm->guest[i].name, name);
    }
    uint64_t *v = &mm->guest[i].value;
    if (how == SPACE_METRIC_SET)
        *v = value;
    else if (how == SPACE_METRIC_ADD)
        *v += value;
    else if (value > *v)
        *v = value;
    return SPACE_OK;
}

void machine_metrics(const struct machine *m, struct machine_metrics *out)
{
    *out = m->metrics;
    for (unsigned i = 0; i < m->ncpus; i++)
        settle(out, i, cpu_busy_time(m->cpus[i].cpu));
}
