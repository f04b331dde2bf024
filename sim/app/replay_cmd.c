/* space replay: runs a recorded trace again and checks it (sim/replay/replayer.h). */
#include <stdio.h>

#include "ui/sdb/debug_cli.h"
#include "cli.h"
#include "sim/host/platform.h"
#include "sim/replay/replayer.h"
#include "sim/core/tracer.h"

#define EXIT_DIVERGED 1

enum { REPLAY_KERNEL, REPLAY_SINGLE_STEP, REPLAY_QUIET, REPLAY_DEBUG };

static const struct cmd_option replay_options[] = {
    {"kernel", 0, "FILE", "replay with this kernel instead of the recorded one", REPLAY_KERNEL},
    {"single-step", 0, NULL, "run one instruction at a time (it must be the same run)",
     REPLAY_SINGLE_STEP},
    {"quiet", 'q', NULL, "discard the guest's console output", REPLAY_QUIET},
    {"debug", 0, NULL, "replay under sdb (commands on standard input)", REPLAY_DEBUG},
    {0},
};

static void describe(FILE *out)
{
    struct options o;
    options_init(&o, 0, NULL);
    options_add(&o, replay_options);
    options_add(&o, cli_trace_options);
    fputs("space replay runs a recorded trace again, with the inputs it holds, and checks\n"
          "every checkpoint (docs/trace-format.md). A multicomputer's recording\n"
          "(space run --nodes N --record TRACE) is TRACE.0 .. TRACE.N-1: space replay\n"
          "TRACE replays every node's in turn, space replay TRACE.K node K's alone.\n"
          "options for replay:\n",
          out);
    options_print(&o, out);
    fputs("exit status of replay: 0 the same run, 1 it diverged (the first difference on\n"
          "stderr), 2 bad command line, 3 the trace is missing, truncated, corrupt or of\n"
          "another format version, 130 interrupted.\n",
          out);
    options_free(&o);
}

static int replay_one(const char *trace, struct replay_options opt, bool single_step, bool quiet,
                      bool debug, struct cli_trace tracing);

static bool readable(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f)
        fclose(f);
    return f != NULL;
}

const struct cmd_help replay_help = {
    "space replay [--debug | --single-step] [-q] [--kernel FILE] [--trace FLAGS] TRACE",
    describe,
};

int cmd_replay(int argc, char **argv)
{
    const char *trace = NULL;
    struct replay_options opt = {0};
    bool single_step = false, quiet = false, debug = false;
    struct cli_trace tracing = {0};
    struct options o;
    options_init(&o, argc, argv);
    options_add(&o, replay_options);
    options_add(&o, cli_trace_options);
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
        case REPLAY_KERNEL: opt.kernel_path = val; break;
        case REPLAY_SINGLE_STEP: single_step = true; break;
        case REPLAY_QUIET: quiet = true; break;
        case REPLAY_DEBUG: debug = true; break;
        default: status = cli_trace_option(id, val, &tracing); break;
        }
    }
    options_free(&o);
    if (status)
        return status < 0 ? cli_help(&replay_help) : status;
    if (!trace)
        return cli_usage_error("%s", "replay needs a trace file (space replay FILE)");
    if (tracing.path && !tracing.flags)
        return cli_usage_error("%s", "--trace-file needs --trace FLAGS");
    if (debug && single_step)
        return cli_usage_error("%s", "--debug and --single-step cannot be used together");
    /* A multicomputer's recording: TRACE.0, TRACE.1, ..., each node's. */
    char path[4096];
    snprintf(path, sizeof path, "%s.0", trace);
    if (!readable(trace) && readable(path)) {
        if (debug)
            return cli_usage_error("--debug replays one node's trace: give %s.K", trace);
        int worst = 0;
        for (unsigned k = 0; snprintf(path, sizeof path, "%s.%u", trace, k) > 0 && readable(path);
             k++) {
            fprintf(stderr, "space: node %u (%s):\n", k, path);
            int st = replay_one(path, opt, single_step, quiet, false, tracing);
            if (st > worst)
                worst = st;
        }
        return worst;
    }
    return replay_one(trace, opt, single_step, quiet, debug, tracing);
}

/* Replays one trace: replay's exit status. */
static int replay_one(const char *trace, struct replay_options opt, bool single_step, bool quiet,
                      bool debug, struct cli_trace tracing)
{
    int status = 0;
    FILE *discard = NULL;
    if (quiet && !(discard = platform_open_null())) {
        fprintf(stderr, "space: cannot open the null device to discard console output\n");
        return EXIT_BAD_INPUT;
    }
    opt.console_output = discard;

    char err[512];
    struct replay *rp = replay_open(trace, &opt, err, sizeof err);
    if (!rp) {
        fprintf(stderr, "space: %s\n", err);
        if (discard)
            fclose(discard);
        return EXIT_BAD_IMAGE;
    }
    if (replay_note(rp)[0])
        fprintf(stderr, "space: note: %s\n", replay_note(rp));
    struct machine *m = replay_machine(rp);
    status = cli_attach_trace(m, tracing.flags, tracing.path);
    if (status != 0) {
        replay_close(rp);
        if (discard)
            fclose(discard);
        return status;
    }
    if (debug) {
        struct debug_cli_config dc = {.in = stdin, .out = stdout};
        replay_image(rp, &dc.image_name, &dc.image, &dc.image_size);
        status = debug_cli_run(m, &dc);
    } else {
        machine_ctrl_c_target(m, false);
        replay_run(rp, single_step);
        machine_ctrl_c_target(NULL, false);
    }
    fflush(stdout);
    char report[1200];
    unsigned checked, total;
    replay_progress(rp, &checked, &total);
    bool left_early = machine_interrupted(m) || (debug && machine_state(m) == MACHINE_RUNNING);
    bool same = left_early || replay_verdict(rp, report, sizeof report);
    if (left_early) {
        fprintf(stderr,
                "space: replay %s at virtual time %llu; %u of %u checkpoints verified so far, "
                "all matching\n",
                machine_interrupted(m) ? "interrupted" : "left", (unsigned long long)machine_now(m),
                checked, total + 1);
        tracer_detach(m);
        replay_close(rp);
        if (discard)
            fclose(discard);
        return debug ? status : EXIT_INTERRUPTED;
    }
    if (same)
        fprintf(stderr,
                "space: replay matches the recording: %u checkpoints verified, ended at "
                "virtual time %llu\n",
                checked + 1, (unsigned long long)machine_now(m));
    else
        fprintf(stderr, "space: replay of %s diverged: %s\n", trace, report);
    if (!debug)
        status = same ? 0 : EXIT_DIVERGED;
    tracer_detach(m);
    replay_close(rp);
    if (discard)
        fclose(discard);
    return status;
}
