/* space replay: runs a recorded trace again and checks it (sim/replay/replayer.h). */
#include <stdio.h>

#include "ui/gui/gui.h"
#include "ui/sdb/debug_cli.h"
#include "cli.h"
#include "sim/host/platform.h"
#include "sim/net/netcheck.h"
#include "sim/replay/inputs.h"
#include "sim/replay/replayer.h"
#include "sim/replay/travel.h"
#include "sim/replay/travel_io.h"
#include "sim/core/tracer.h"
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
    {"kernel", 0, "FILE", "replay with this kernel instead of the recorded one", REPLAY_KERNEL},
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
          "stderr), 2 bad command line, 3 the trace is missing, truncated, corrupt or of\n"
          "another format version, 4 --gui without a display, 130 interrupted (or the\n"
          "window closed before the end).\n",
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
    if (gui)
        opt.also = &forward;

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
    struct machine *m = replay_machine(rp);
    status = cli_attach_trace(m, tracing.flags, tracing.path);
    if (status != 0) {
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
