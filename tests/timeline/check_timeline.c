/* check_timeline TIMELINE.json STATS.json: what docs/instrumentation.md
 * promises of a timeline, against the run's --stats json report: every
 * event well-formed; per CPU, "run" and "idle" slices never overlap, the
 * run slices add up to the CPU's instructions (its busy time), by CONTEXT
 * too, and the idle slices to its idle time; one "trap" event per trap
 * counted, by number; no arrow ends that did not start. Exit 0 or 1 with the
 * first thing wrong. */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CPUS 32

static int fail(const char *what, long long a, long long b)
{
    fprintf(stderr, "check_timeline: %s (%lld, expected %lld)\n", what, a, b);
    return 1;
}

struct span {
    uint64_t ts, end;
};

static int by_ts(const void *a, const void *b)
{
    const struct span *x = a, *y = b;
    return x->ts < y->ts ? -1 : x->ts > y->ts;
}

static uint64_t num(json_t *o, const char *key)
{
    return (uint64_t)json_integer_value(json_object_get(o, key));
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: check_timeline TIMELINE.json STATS.json\n");
        return 2;
    }
    json_error_t e;
    json_t *tl = json_load_file(argv[1], 0, &e), *st = json_load_file(argv[2], 0, &e);
    if (!tl || !st) {
        fprintf(stderr, "check_timeline: %s: %s (line %d)\n", tl ? argv[2] : argv[1], e.text,
                e.line);
        return 1;
    }
    json_t *events = json_object_get(tl, "traceEvents");
    if (!json_is_array(events))
        return fail("no traceEvents array", 0, 0);
    size_t n = json_array_size(events), nspans[MAX_CPUS] = {0};
    struct span *spans[MAX_CPUS];
    for (int i = 0; i < MAX_CPUS; i++)
        spans[i] = malloc((n + 1) * sizeof *spans[i]);
    uint64_t run[MAX_CPUS] = {0}, idle[MAX_CPUS] = {0}, traps[256] = {0}, ctx_run[256] = {0};
    long long flows = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *ev = json_array_get(events, i);
        const char *ph = json_string_value(json_object_get(ev, "ph"));
        const char *name = json_string_value(json_object_get(ev, "name"));
        if (!ph || !name || !json_is_integer(json_object_get(ev, "pid")) ||
            !json_is_integer(json_object_get(ev, "tid")))
            return fail("an event without ph, name, pid or tid: index", (long long)i, 0);
        if (!strcmp(ph, "M"))
            continue;
        const char *cat = json_string_value(json_object_get(ev, "cat"));
        if (!cat || !json_is_integer(json_object_get(ev, "ts")) ||
            json_integer_value(json_object_get(ev, "ts")) < 0)
            return fail("an event without cat or ts: index", (long long)i, 0);
        uint64_t ts = num(ev, "ts"), tid = num(ev, "tid");
        if (!strcmp(ph, "X")) {
            if (!json_is_integer(json_object_get(ev, "dur")))
                return fail("a slice without dur: index", (long long)i, 0);
            bool is_run = !strcmp(cat, "run"), is_idle = !strcmp(cat, "idle");
            if (!is_run && !is_idle)
                continue;
            if (tid >= MAX_CPUS || num(ev, "dur") == 0)
                return fail("a CPU slice of a bad CPU or empty: index", (long long)i, 0);
            spans[tid][nspans[tid]++] = (struct span){ts, ts + num(ev, "dur")};
            (is_run ? run : idle)[tid] += num(ev, "dur");
            if (is_run)
                ctx_run[num(json_object_get(ev, "args"), "ctx") & 255] += num(ev, "dur");
        } else if (!strcmp(ph, "i")) {
            if (!strcmp(cat, "trap"))
                traps[num(json_object_get(ev, "args"), "cause") & 255]++;
        } else if (!strcmp(ph, "s") || !strcmp(ph, "f")) {
            if (!json_is_integer(json_object_get(ev, "id")))
                return fail("an arrow without id: index", (long long)i, 0);
            flows += ph[0] == 's' ? 1 : -1;
        } else if (strcmp(ph, "C")) {
            return fail("an event of an unknown phase: index", (long long)i, 0);
        }
    }
    json_t *cpus = json_object_get(st, "cpus");
    for (size_t c = 0; c < json_array_size(cpus); c++) {
        json_t *cpu = json_array_get(cpus, c);
        qsort(spans[c], nspans[c], sizeof *spans[c], by_ts);
        for (size_t k = 1; k < nspans[c]; k++)
            if (spans[c][k].ts < spans[c][k - 1].end)
                return fail("two slices of a CPU overlap at", (long long)spans[c][k].ts,
                            (long long)spans[c][k - 1].end);
        if (run[c] != num(cpu, "instructions"))
            return fail("a CPU's run slices do not add up to its instructions", (long long)run[c],
                        (long long)num(cpu, "instructions"));
        if (idle[c] != num(cpu, "idle"))
            return fail("a CPU's idle slices do not add up to its idle time", (long long)idle[c],
                        (long long)num(cpu, "idle"));
    }
    /* by CONTEXT, over all CPUs */
    uint64_t want_ctx[256] = {0};
    for (size_t c = 0; c < json_array_size(cpus); c++) {
        const char *key;
        json_t *v;
        json_object_foreach(json_object_get(json_array_get(cpus, c), "by_context"), key, v)
            want_ctx[atoi(key) & 255] += (uint64_t)json_integer_value(v);
    }
    for (int k = 0; k < 256; k++)
        if (ctx_run[k] != want_ctx[k])
            return fail("a CONTEXT's run slices do not add up to its instructions", k,
                        (long long)want_ctx[k]);
    const char *key;
    json_t *v;
    uint64_t want_traps[256] = {0};
    json_object_foreach(json_object_get(json_object_get(st, "traps"), "by_number"), key, v)
        want_traps[atoi(key) & 255] = num(v, "count");
    for (int k = 0; k < 256; k++)
        if (traps[k] != want_traps[k])
            return fail("trap events of a number differ from the traps counted", k,
                        (long long)traps[k]);
    if (flows < 0) /* (an arrow may start just before the run ends) */
        return fail("more arrows end than start: by", -flows, 0);
    printf("check_timeline: %zu events, %zu CPUs: all well\n", n, json_array_size(cpus));
    for (int i = 0; i < MAX_CPUS; i++)
        free(spans[i]);
    json_decref(tl);
    json_decref(st);
    return 0;
}
