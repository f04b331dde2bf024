/* space replay: runs a recorded trace again and checks it (sim/replay/replayer.h). */
#include <stdio.h>
#include <string.h>

#include "ui/sdb/debug_cli.h"
#include "cli.h"
#include "sim/host/platform.h"
#include "sim/replay/replayer.h"
#include "sim/core/tracer.h"

#define EXIT_DIVERGED 1

static struct machine *volatile replaying;

static void on_ctrl_c(void)
{
    if (replaying)
        machine_interrupt(replaying);
}

int cmd_replay(int argc, char **argv)
{
    const char *trace = NULL;
    struct replay_options opt = {0};
    bool single_step = false, quiet = false, debug = false;
    struct cli_trace tracing = {0};
    int took;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--kernel")) {
            if (!val)
                return cli_usage_error("%s needs a kernel ELF file", a);
            opt.kernel_path = val;
            i++;
        } else if ((took = cli_trace_option(a, val, &tracing)) >= 0) {
            if (took != 0)
                return took;
            i++;
        } else if (!strcmp(a, "--single-step")) {
            single_step = true;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            quiet = true;
        } else if (!strcmp(a, "--debug")) {
            debug = true;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("unknown replay option '%s'", a);
        } else if (!trace) {
            trace = a;
        } else {
            return cli_usage_error("more than one trace given ('%s')", a);
        }
    }
    if (!trace)
        return cli_usage_error("%s", "replay needs a trace file (space replay FILE)");
    if (tracing.path && !tracing.flags)
        return cli_usage_error("%s", "--trace-file needs --trace FLAGS");
    if (debug && single_step)
        return cli_usage_error("%s", "--debug and --single-step cannot be used together");
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
    int status = cli_attach_trace(m, tracing.flags, tracing.path);
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
        replaying = m;
        platform_on_interrupt(on_ctrl_c);
        replay_run(rp, single_step);
        replaying = NULL;
    }
    fflush(stdout);
    char report[1200];
    unsigned checked, total;
    replay_progress(rp, &checked, &total);
    bool left_early = m->interrupted || (debug && m->state == MACHINE_RUNNING);
    bool same = left_early || replay_verdict(rp, report, sizeof report);
    if (left_early) {
        fprintf(stderr,
                "space: replay %s at virtual time %llu; %u of %u checkpoints verified so far, "
                "all matching\n",
                m->interrupted ? "interrupted" : "left", (unsigned long long)cpu_time(m->cpu),
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
                checked + 1, (unsigned long long)cpu_time(m->cpu));
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
