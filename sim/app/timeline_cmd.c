/* space timeline: replays a recorded trace and writes its timeline
 * (sim/timeline/timeline.h) as Chrome Trace Event JSON. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sim/host/platform.h"
#include "sim/replay/replayer.h"
#include "sim/timeline/timeline.h"
#include "sim/util/parse.h"

#define EXIT_DIVERGED 1

enum { TL_OUTPUT, TL_FROM, TL_TO, TL_INTERVAL };

static const struct cmd_option timeline_options[] = {
    {"output", 'o', "FILE", "write the JSON into FILE (default: TRACE with .json for .trc)",
     TL_OUTPUT},
    {"from", 0, "T", "only what happens from virtual time T on", TL_FROM},
    {"to", 0, "T", "only what happens before virtual time T", TL_TO},
    {"interval", 0, "N", "counters: one sample per N instructions at most (default 10000)",
     TL_INTERVAL},
    {0},
};

static void describe(FILE *out)
{
    struct options o;
    options_init(&o, 0, NULL);
    options_add(&o, timeline_options);
    fputs("space timeline replays a recorded trace (its console output discarded) and\n"
          "writes a timeline of the run - which CONTEXT/MODE ran on each CPU, traps,\n"
          "interrupts, DMA, IPIs, counters - as Chrome Trace Event JSON, which Perfetto\n"
          "(ui.perfetto.dev) opens; 1 us in the file is one instruction of virtual time\n"
          "(docs/instrumentation.md). The same trace always gives the same bytes.\n"
          "A multicomputer's recording (space run --nodes N --record TRACE) is\n"
          "TRACE.0 .. TRACE.N-1: space timeline TRACE puts every node in one file, a\n"
          "process \"node K\" each, with its frames' fates and arrows as the live run\n"
          "draws them.\n"
          "options for timeline:\n",
          out);
    options_print(&o, out);
    fputs("exit status of timeline: 0 written, 1 the replay diverged (the file is still\n"
          "written, up to the end of the run), 2 bad command line, 3 the trace is missing\n"
          "or corrupt, 4 the output cannot be written.\n",
          out);
    options_free(&o);
}

const struct cmd_help timeline_help = {
    "space timeline TRACE [-o FILE.json] [--from T] [--to T] [--interval N]",
    describe,
};

/* TRACE.trc -> TRACE.json (any other name: NAME.json). */
static char *default_output(const char *trace)
{
    size_t n = strlen(trace);
    if (n > 4 && !strcmp(trace + n - 4, ".trc"))
        n -= 4;
    char *out = malloc(n + 6);
    if (out)
        snprintf(out, n + 6, "%.*s.json", (int)n, trace);
    return out;
}

static bool readable(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f)
        fclose(f);
    return f != NULL;
}

static int time_option(const char *val, uint64_t *t, const char *what)
{
    return parse_u64(val, t) != 0 ? cli_usage_error(what, val) : 0;
}

/* A frame's fate the node's recording kept, drawn as live. */
static void frame_event(void *arg, const struct net_event *e)
{
    timeline_net(arg, e);
}

/* Replays rp to its end with a timeline written into out. */
static int write_timeline(struct replay *rp, FILE *out, const struct timeline_options *to,
                          const char *trace)
{
    struct machine *m = replay_machine(rp);
    struct timeline *t = timeline_create(m, out, to);
    if (!t) {
        fprintf(stderr, "space: timeline: out of host memory\n");
        return EXIT_BAD_INPUT;
    }
    replay_observe_net(rp, frame_event, t);
    machine_ctrl_c_target(m, false);
    replay_run(rp, false);
    replay_observe_net(rp, NULL, NULL);
    machine_ctrl_c_target(NULL, false);
    timeline_finish(t);
    timeline_free(t);
    if (machine_interrupted(m)) {
        fprintf(stderr, "space: timeline interrupted at virtual time %llu\n",
                (unsigned long long)machine_now(m));
        return EXIT_INTERRUPTED;
    }
    char report[1200];
    if (!replay_verdict(rp, report, sizeof report)) {
        fprintf(stderr, "space: replay of %s diverged: %s\n", trace, report);
        return EXIT_DIVERGED;
    }
    return 0;
}

int cmd_timeline(int argc, char **argv)
{
    const char *trace = NULL, *output = NULL;
    struct timeline_options to = {0};
    struct options o;
    options_init(&o, argc, argv);
    options_add(&o, timeline_options);
    const char *val;
    int id, status = 0;
    while (!status && (id = options_next(&o, &val)) != OPTIONS_END) {
        switch (id) {
        case OPTIONS_HELP: status = -1; break;
        case OPTIONS_ERROR: status = EXIT_USAGE; break;
        case OPTIONS_OPERAND:
            if (trace)
                status = cli_usage_error("more than one trace given ('%s')", val);
            trace = val;
            break;
        case TL_OUTPUT: output = val; break;
        case TL_FROM:
            status = time_option(val, &to.from, "--from needs a virtual time, not '%s'");
            break;
        case TL_TO: status = time_option(val, &to.to, "--to needs a virtual time, not '%s'"); break;
        case TL_INTERVAL:
            if (parse_u64(val, &to.interval) != 0 || !to.interval)
                status = cli_usage_error("--interval needs a positive count, not '%s'", val);
            break;
        }
    }
    options_free(&o);
    if (status)
        return status < 0 ? cli_help(&timeline_help) : status;
    if (!trace)
        return cli_usage_error("%s", "timeline needs a trace file (space timeline FILE)");
    if (to.to && to.to <= to.from)
        return cli_usage_error("%s", "--to must be after --from");
    FILE *discard = platform_open_null();
    if (!discard) {
        fprintf(stderr, "space: cannot open the null device to discard console output\n");
        return EXIT_BAD_INPUT;
    }
    /* A multicomputer's recording: TRACE.0 .. TRACE.N-1, each node's
     * tracks in one file as the live run writes them. */
    char node_path[4096];
    snprintf(node_path, sizeof node_path, "%s.0", trace);
    bool nodes = !readable(trace) && readable(node_path);
    char err[512];
    struct replay *rp =
        replay_open(nodes ? node_path : trace, &(struct replay_options){.console_output = discard},
                    err, sizeof err);
    if (!rp) {
        fprintf(stderr, "space: %s\n", err);
        fclose(discard);
        return EXIT_BAD_IMAGE;
    }
    char *path = output ? NULL : default_output(trace);
    const char *name = output ? output : path;
    FILE *out = name ? fopen(name, "wb") : NULL;
    if (!out) {
        fprintf(stderr, "space: timeline: cannot create %s: %s\n", name ? name : "the output",
                strerror(errno));
        status = EXIT_BAD_INPUT;
    } else {
        timeline_json_begin(out);
        char title[32];
        for (unsigned k = 0; rp; k++) {
            if (nodes) {
                snprintf(title, sizeof title, "node %u", k);
                to.node = k;
                to.title = title;
            }
            int st = write_timeline(rp, out, &to, nodes ? node_path : trace);
            if (st > status)
                status = st;
            replay_close(rp);
            rp = NULL;
            if (!nodes || status == EXIT_INTERRUPTED)
                break;
            snprintf(node_path, sizeof node_path, "%s.%u", trace, k + 1);
            if (readable(node_path) &&
                !(rp = replay_open(node_path, &(struct replay_options){.console_output = discard},
                                   err, sizeof err))) {
                fprintf(stderr, "space: %s\n", err);
                status = EXIT_BAD_IMAGE;
            }
        }
        if (timeline_json_end(out) | fclose(out)) {
            fprintf(stderr, "space: timeline: cannot write %s\n", name);
            status = EXIT_BAD_INPUT;
        }
    }
    free(path);
    replay_close(rp);
    fclose(discard);
    return status;
}
