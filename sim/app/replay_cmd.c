/* space replay: runs a recorded trace again and checks it (sim/replay/replayer.h). */
#include <stdio.h>

#include "ui/gui/gui.h"
#include "ui/sdb/debug_cli.h"
#include "cli.h"
#include "sim/host/platform.h"
#include "sim/net/netcheck.h"
#include "sim/replay/crossrun.h"
#include "sim/replay/inputs.h"
#include "sim/replay/replayer.h"
#include "sim/replay/travel.h"
#include "sim/replay/travel_io.h"
#include "sim/core/tracer.h"
#include "sim/stats/statpath.h"
#include "sim/stats/stats.h"
#include "sim/timeline/timeline.h"
#include "sim/util/parse.h"

#define EXIT_DIVERGED 1

enum {
    REPLAY_KERNEL,
    REPLAY_SINGLE_STEP,
    REPLAY_QUIET,
    REPLAY_DEBUG,
    REPLAY_GUI,
    REPLAY_REVERSE_BUDGET,
};

static const struct cmd_option replay_options[] = {
    {"kernel", 0, "FILE",
     "run this kernel on the recorded inputs and compare it with\n"
     "the recorded run (input read, console output, end,\n"
     "statistics; docs/trace-format.md); the recorded kernel's\n"
     "bytes: the exact replay",
     REPLAY_KERNEL},
    {"single-step", 0, NULL, "run one instruction at a time (it must be the same run)",
     REPLAY_SINGLE_STEP},
    {"quiet", 'q', NULL, "discard the guest's console output", REPLAY_QUIET},
    {"debug", 0, NULL, "replay under sdb (commands on standard input)", REPLAY_DEBUG},
    {"gui", 0, NULL,
     "replay in the window (docs/gui.md): Shift+F5/F10/F11/F4 go\n"
     "backwards; Ctrl+G, or a click in its timeline strip, goes\n"
     "to a virtual time",
     REPLAY_GUI},
    {"reverse-budget", 0, "SIZE",
     "with --debug or --gui: host memory for time travel's\n"
     "snapshots (default 256M; 0: no time travel; docs/debugging.md)",
     REPLAY_REVERSE_BUDGET},
    {0},
};

static void describe(FILE *out)
{
    struct options o;
    options_init(&o, 0, NULL);
    options_add(&o, replay_options);
    options_add(&o, cli_window_options);
    options_add(&o, cli_trace_options);
    fputs("space replay runs a recorded trace again, with the inputs it holds, and checks\n"
          "every checkpoint (docs/trace-format.md). A multicomputer's recording\n"
          "(space run --nodes N --record TRACE) is TRACE.0 .. TRACE.N-1: space replay\n"
          "TRACE replays every node's in turn, space replay TRACE.K node K's alone.\n"
          "options for replay:\n",
          out);
    options_print(&o, out);
    fputs("exit status of replay: 0 the same run, 1 it diverged (the first difference on\n"
          "stderr; with --kernel of another kernel: its console output or end departs\n"
          "from the recording's), 2 bad command line (also --debug or --gui with another\n"
          "kernel), 3 the trace is missing, truncated, corrupt or of another format\n"
          "version, 4 --gui without a display, 130 interrupted (or the window closed\n"
          "before the end).\n",
          out);
    options_free(&o);
}

const struct cmd_help replay_help = {
    "space replay [--debug | --gui | --single-step] [-q] [--kernel FILE] [--trace FLAGS] TRACE",
    describe,
};

/* The window's screen as the replay's console copy: the replay is opened
 * before the window (which needs the recorded kernel for its symbols), and
 * nothing is written before the machine runs. */
static void forward_write(void *opaque, const char *buf, unsigned long len)
{
    const struct char_sink *const *to = opaque;
    if (*to)
        (*to)->write((*to)->opaque, buf, len);
}

static void forward_flush(void *opaque)
{
    const struct char_sink *const *to = opaque;
    if (*to && (*to)->flush)
        (*to)->flush((*to)->opaque);
}

/* Replays in the window, with its timeline strip: the window's exit status
 * is the verdict's, as for a plain replay. */
static void replay_in_window(struct replay *rp, struct gui_options *go, struct travel *travel,
                             const struct char_sink **screen, int *status)
{
    char err[512];
    replay_image(rp, &go->image_name, &go->image, &go->image_size);
    go->input_name = "the recording";
    struct gui *g = gui_open(go, err, sizeof err);
    if (!g) {
        fprintf(stderr, "space: --gui: %s\n", err);
        *status = EXIT_BAD_INPUT;
        return;
    }
    *screen = gui_console_sink_of(g);
    struct machine *m = replay_machine(rp);
    struct timeline *t = timeline_create(m, NULL, &(struct timeline_options){0});
    gui_set_timeline(g, t);
    gui_set_travel(g, travel);
    const char *why = NULL;
    machine_ctrl_c_target(m, false);
    gui_run(g, m, &why);
    machine_ctrl_c_target(NULL, false);
    *screen = NULL;
    gui_close(g);
    timeline_free(t);
}

/* The replay, then time travel's backends (the replayed devices used them). */
static void close_replay(struct replay *rp, struct travel_io *io)
{
    replay_close(rp);
    if (io)
        travel_io_free(io);
}

/* What the command line asks of a replay. */
struct replay_args {
    struct replay_options opt;
    struct gui_options go;
    bool single_step, quiet, debug, gui;
    int64_t budget;
    struct cli_trace tracing;
};

static void watch_sent(void *arg, uint32_t node, uint64_t at, uint32_t peer, const void *data,
                       uint32_t len)
{
    netcheck_sent(arg, node, at, peer, data, len);
}

static void watch_took(void *arg, uint32_t node, uint64_t at)
{
    netcheck_took(arg, node, at);
}

/* After every node replayed as recorded: the network rebuilt from what
 * they did, against TRACE.net. Replay's exit status. */
static int check_network(struct netcheck *net, const char *trace)
{
    char report[600];
    if (netcheck_verdict(net, report, sizeof report)) {
        fprintf(stderr, "space: the network (%s.net): the same frames on their way and counters\n",
                trace);
        return 0;
    }
    fprintf(stderr, "space: replay of %s.net diverged: the network: %s\n", trace, report);
    return EXIT_DIVERGED;
}

static int replay_one(const char *trace, const struct replay_args *a);

static bool readable(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f)
        fclose(f);
    return f != NULL;
}

int cmd_replay(int argc, char **argv)
{
    const char *trace = NULL;
    struct replay_options opt = {0};
    struct gui_options go = {0};
    bool single_step = false, quiet = false, debug = false, gui = false;
    int64_t budget = -1; /* --reverse-budget; -1: not given */
    struct cli_trace tracing = {0};
    struct options o;
    options_init(&o, argc, argv);
    options_add(&o, replay_options);
    options_add(&o, cli_window_options);
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
        case REPLAY_GUI: gui = true; break;
        case REPLAY_REVERSE_BUDGET: {
            uint32_t size;
            if (parse_size(val, &size) != 0)
                status = cli_usage_error(
                    "--reverse-budget needs a size such as 256M or 0, not '%s'", val);
            budget = size;
            break;
        }
        default:
            if ((status = cli_window_option(id, val, &o, &go)) < 0)
                status = cli_trace_option(id, val, &tracing);
            break;
        }
    }
    options_free(&o);
    if (status)
        return status < 0 ? cli_help(&replay_help) : status;
    if (!trace)
        return cli_usage_error("%s", "replay needs a trace file (space replay FILE)");
    if (tracing.path && !tracing.flags)
        return cli_usage_error("%s", "--trace-file needs --trace FLAGS");
    if ((debug || gui) && single_step)
        return cli_usage_error("%s", "--debug or --gui and --single-step cannot be used together");
    if (debug && gui)
        return cli_usage_error("%s", "--debug and --gui cannot be used together");
    if (!gui && cli_window_options_given(&go))
        return cli_usage_error("%s", CLI_WINDOW_OPTIONS_NEED_GUI);
    if (budget > 0 && !debug && !gui)
        return cli_usage_error("%s", "--reverse-budget needs --debug or --gui");
    if (budget < 0)
        budget = TRAVEL_DEFAULT_BUDGET;
    struct replay_args a = {opt, go, single_step, quiet, debug, gui, budget, tracing};
    /* A multicomputer's recording: TRACE.0, TRACE.1, ..., each node's. */
    char path[4096];
    snprintf(path, sizeof path, "%s.0", trace);
    if (!readable(trace) && readable(path)) {
        if (debug || gui)
            return cli_usage_error("--debug and --gui replay one node's trace: give %s.K", trace);
        struct netcheck *net = NULL;
        struct frame_watch watch = {.sent = watch_sent, .took = watch_took};
        char err[600];
        snprintf(path, sizeof path, "%s.net", trace);
        if (readable(path)) {
            if (!(net = netcheck_open(path, err, sizeof err))) {
                fprintf(stderr, "space: %s\n", err);
                return EXIT_BAD_INPUT;
            }
            watch.arg = net;
            a.opt.frames = &watch;
        }
        int worst = 0;
        for (unsigned k = 0; snprintf(path, sizeof path, "%s.%u", trace, k) > 0 && readable(path);
             k++) {
            fprintf(stderr, "space: node %u (%s):\n", k, path);
            int st = replay_one(path, &a);
            if (st > worst)
                worst = st;
        }
        if (net && worst == 0) /* (a node that departed is the first difference) */
            worst = check_network(net, trace);
        netcheck_close(net);
        return worst;
    }
    return replay_one(trace, &a);
}

/* The statistics a cross-kernel comparison shows first; then every number
 * in the tree's "console" and "guest" objects (the console's metrics and
 * those the kernel published, where this space and the kernels have
 * them). A name a run lacks shows as n/a. */
static const char *const compared_stats[] = {"virtual_time", "instructions", "context_switches"};
static const char *const compared_groups[] = {"console", "guest"};

static void stat_row(const char *name, const json_t *recorded, const json_t *now)
{
    uint64_t v[2];
    bool have[2];
    char err[200], text[2][24], change[24] = "";
    const json_t *tree[2] = {recorded, now};
    for (int i = 0; i < 2; i++) {
        have[i] = tree[i] && statpath_get(tree[i], name, &v[i], err, sizeof err) == 0;
        if (have[i])
            snprintf(text[i], sizeof text[i], "%llu", (unsigned long long)v[i]);
        else
            snprintf(text[i], sizeof text[i], "n/a");
    }
    if (have[0] && have[1] && v[0])
        snprintf(change, sizeof change, "%+.1f%%",
                 ((double)v[1] - (double)v[0]) * 100.0 / (double)v[0]);
    if (change[0])
        fprintf(stderr, "  %-28s %16s %16s %9s\n", name, text[0], text[1], change);
    else
        fprintf(stderr, "  %-28s %16s %16s\n", name, text[0], text[1]);
}

/* Rows for the numbers of tree's object `group` that `seen`'s lacks. */
static void group_rows(const char *group, const json_t *tree, const json_t *seen,
                       const json_t *recorded, const json_t *now)
{
    const char *key;
    json_t *v;
    json_object_foreach(json_object_get(tree, group), key, v) {
        if (!json_is_integer(v) || (seen && json_object_get(json_object_get(seen, group), key)))
            continue;
        char name[96];
        snprintf(name, sizeof name, "%s.%s", group, key);
        stat_row(name, recorded, now);
    }
}

static void print_stats(const json_t *recorded, const json_t *now)
{
    fprintf(stderr, "space: statistics:\n  %-28s %16s %16s %9s\n", "", "recorded", "new kernel",
            "change");
    for (size_t i = 0; i < sizeof compared_stats / sizeof compared_stats[0]; i++)
        stat_row(compared_stats[i], recorded, now);
    for (size_t i = 0; i < sizeof compared_groups / sizeof compared_groups[0]; i++) {
        group_rows(compared_groups[i], recorded, NULL, recorded, now);
        group_rows(compared_groups[i], now, recorded, recorded, now);
    }
}

static void print_inputs(const struct replay_inputs *in)
{
    const char *lines = in->lines == 1 ? "line" : "lines";
    if (in->lines_taken < in->lines) {
        fprintf(stderr,
                "space: input: the new kernel read %u of the %u recorded %s (in order) and never "
                "asked for line %u: it ended with %u unread\n",
                in->lines_taken, in->lines, lines, in->lines_taken + 1,
                in->lines - in->lines_taken);
        return;
    }
    fprintf(stderr, "space: input: the new kernel read the %u recorded %s, in order%s%s\n",
            in->lines, lines,
            !in->end_recorded ? ""
            : in->end_taken   ? ", and the end of input"
                              : ", but not the end of input",
            in->asked_past_end && !in->end_recorded
                ? "; then it asked for more than the recording has"
                : "");
}

/* The recorded kernel's own replay of the trace, its console output in
 * `out`: how it ended and its statistics (*stats: a new reference, or NULL
 * if out of host memory). 0, or replay's exit status with the reason
 * printed. */
static int replay_recorded(const char *trace, struct crossrun_capture *out,
                           struct crossrun_end *end, json_t **stats)
{
    char err[512], report[1200];
    struct replay_options opt = {.also = crossrun_capture_sink(out)};
    if (!(opt.console_output = platform_open_null())) {
        fprintf(stderr, "space: cannot open the null device to discard console output\n");
        return EXIT_BAD_INPUT;
    }
    struct replay *rp = replay_open(trace, &opt, err, sizeof err);
    if (!rp) {
        fprintf(stderr, "space: %s\n", err);
        fclose(opt.console_output);
        return EXIT_BAD_IMAGE;
    }
    struct machine *m = replay_machine(rp);
    crossrun_capture_clock(out, m);
    machine_ctrl_c_target(m, false);
    replay_run(rp, false);
    machine_ctrl_c_target(NULL, false);
    int status = 0;
    if (machine_interrupted(m)) {
        fprintf(stderr, "space: replay interrupted while replaying the recorded kernel\n");
        status = EXIT_INTERRUPTED;
    } else if (!replay_verdict(rp, report, sizeof report)) {
        fprintf(stderr, "space: the recording does not replay with its own kernel: %s\n", report);
        status = EXIT_DIVERGED;
    }
    crossrun_end_of(m, end);
    *stats = stats_machine(m);
    crossrun_capture_clock(out, NULL);
    replay_close(rp);
    fclose(opt.console_output);
    return status;
}

/* `space replay --kernel NEW TRACE` with another kernel: the recorded run
 * (its own kernel's exact replay) against rp's, NEW on the recorded
 * inputs. Replay's exit status. */
static int replay_across(const char *trace, struct replay *rp, bool single_step,
                         const struct char_sink **copy)
{
    struct crossrun_capture *was = crossrun_capture_new(), *now = crossrun_capture_new();
    struct crossrun_end end[2];
    json_t *stats[2] = {NULL, NULL};
    int status = was && now ? 0 : EXIT_BAD_INPUT;
    if (status)
        fprintf(stderr, "space: out of host memory\n");
    else
        status = replay_recorded(trace, was, &end[0], &stats[0]);
    struct machine *m = replay_machine(rp);
    if (!status) {
        fprintf(stderr, "space: another kernel: it gets the recorded inputs in the order it asks "
                        "for them; checkpoints are not compared (another kernel's cannot match)\n");
        *copy = crossrun_capture_sink(now);
        crossrun_capture_clock(now, m);
        machine_ctrl_c_target(m, false);
        replay_run(rp, single_step);
        machine_ctrl_c_target(NULL, false);
        *copy = NULL;
        fflush(stdout);
        if (machine_interrupted(m)) {
            fprintf(stderr, "space: replay interrupted at virtual time %llu\n",
                    (unsigned long long)machine_now(m));
            status = EXIT_INTERRUPTED;
        } else if (crossrun_capture_failed(was) || crossrun_capture_failed(now)) {
            fprintf(stderr, "space: out of host memory for the console output\n");
            status = EXIT_BAD_INPUT;
        }
    }
    if (!status) {
        char report[1200], e0[400], e1[400];
        bool stopped = !replay_verdict(rp, report, sizeof report);
        struct replay_inputs in;
        replay_inputs_taken(rp, &in);
        print_inputs(&in);
        char out_report[1200];
        bool output = crossrun_output_departs(was, now, out_report, sizeof out_report);
        fprintf(stderr, "space: console output: %s\n", out_report);
        crossrun_end_of(m, &end[1]);
        crossrun_describe_end(&end[0], e0, sizeof e0);
        crossrun_describe_end(&end[1], e1, sizeof e1);
        bool same_end = !stopped && crossrun_same_end(&end[0], &end[1]);
        fprintf(stderr, "space: end: recorded %s; new kernel %s\n", e0, e1);
        stats[1] = stats_machine(m);
        print_stats(stats[0], stats[1]);
        if (stopped)
            fprintf(stderr, "space: the new kernel departs from the recording: %s\n", report);
        else if (output || !same_end)
            fprintf(stderr, "space: the new kernel departs from the recording: %s%s%s\n",
                    output ? "its console output" : "", output && !same_end ? " and " : "",
                    same_end ? "" : "how it ended");
        else
            fprintf(stderr, "space: the new kernel matches the recording: the same console output "
                            "and end\n");
        status = stopped || output || !same_end ? EXIT_DIVERGED : 0;
    }
    json_decref(stats[0]);
    json_decref(stats[1]);
    crossrun_capture_free(was);
    crossrun_capture_free(now);
    return status;
}

/* Replays one trace: replay's exit status. */
static int replay_one(const char *trace, const struct replay_args *a)
{
    struct replay_options opt = a->opt;
    struct gui_options go = a->go;
    bool single_step = a->single_step, quiet = a->quiet, debug = a->debug, gui = a->gui;
    int64_t budget = a->budget;
    struct cli_trace tracing = a->tracing;
    const struct char_sink *screen = NULL;
    struct char_sink forward = {.opaque = &screen, .write = forward_write, .flush = forward_flush};
    int status = 0;
    FILE *discard = NULL;
    if (quiet && !(discard = platform_open_null())) {
        fprintf(stderr, "space: cannot open the null device to discard console output\n");
        return EXIT_BAD_INPUT;
    }
    opt.console_output = discard;
    opt.also = &forward; /* (the window's screen, or a cross-kernel comparison's copy) */

    char err[512];
    if ((debug || gui) && budget && !(opt.travel_io = travel_io_create())) {
        fprintf(stderr, "space: time travel: out of host memory\n");
        if (discard)
            fclose(discard);
        return EXIT_BAD_INPUT;
    }
    struct replay *rp = replay_open(trace, &opt, err, sizeof err);
    if (!rp) {
        fprintf(stderr, "space: %s\n", err);
        if (opt.travel_io)
            travel_io_free(opt.travel_io);
        if (discard)
            fclose(discard);
        return EXIT_BAD_IMAGE;
    }
    if (replay_note(rp)[0])
        fprintf(stderr, "space: note: %s\n", replay_note(rp));
    if (replay_cross(rp) && (debug || gui)) {
        fprintf(stderr,
                "space: --%s replays the recorded kernel only; to follow another kernel "
                "on the same input, run it: space run --debug --input FILE KERNEL\n",
                debug ? "debug" : "gui");
        close_replay(rp, opt.travel_io);
        if (discard)
            fclose(discard);
        return EXIT_USAGE;
    }
    struct machine *m = replay_machine(rp);
    status = cli_attach_trace(m, tracing.flags, tracing.path);
    if (status != 0) {
        close_replay(rp, opt.travel_io);
        if (discard)
            fclose(discard);
        return status;
    }
    if (replay_cross(rp)) {
        status = replay_across(trace, rp, single_step, &screen);
        tracer_detach(m);
        close_replay(rp, opt.travel_io);
        if (discard)
            fclose(discard);
        return status;
    }
    struct travel *travel = NULL;
    if (opt.travel_io &&
        !(travel = travel_create(m, opt.travel_io, (size_t)budget, err, sizeof err)))
        fprintf(stderr, "space: %s: going on without it\n", err);
    if (debug) {
        struct debug_cli_config dc = {.in = stdin, .out = stdout, .travel = travel};
        replay_image(rp, &dc.image_name, &dc.image, &dc.image_size);
        status = debug_cli_run(m, &dc);
    } else if (gui) {
        replay_in_window(rp, &go, travel, &screen, &status);
        if (status) {
            travel_free(travel);
            tracer_detach(m);
            close_replay(rp, opt.travel_io);
            if (discard)
                fclose(discard);
            return status;
        }
    } else {
        machine_ctrl_c_target(m, false);
        replay_run(rp, single_step);
        machine_ctrl_c_target(NULL, false);
    }
    travel_free(travel);
    fflush(stdout);
    char report[1200];
    unsigned checked, total;
    replay_progress(rp, &checked, &total);
    bool left_early =
        machine_interrupted(m) || ((debug || gui) && machine_state(m) == MACHINE_RUNNING);
    bool same = left_early || replay_verdict(rp, report, sizeof report);
    if (left_early) {
        fprintf(stderr,
                "space: replay %s at virtual time %llu; %u of %u checkpoints verified so far, "
                "all matching\n",
                machine_interrupted(m) ? "interrupted" : "left", (unsigned long long)machine_now(m),
                checked, total + 1);
        tracer_detach(m);
        close_replay(rp, opt.travel_io);
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
    close_replay(rp, opt.travel_io);
    if (discard)
        fclose(discard);
    return status;
}
