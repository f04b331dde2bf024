/* space: the command-line front end of the SPACE simulator - `space run`
 * here, `space replay` and `space grade` in their own files (cli.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nodes.h"
#include "options.h"
#include "session.h"
#include "sim/core/machine.h"
#include "sim/core/tracer.h"
#include "sim/replay/travel.h"
#include "sim/stats/stats.h"
#include "sim/timeline/timeline.h"
#include "sim/util/parse.h"
#include "ui/gdb/gdbstub.h"
#include "ui/gui/gui.h"
#include "ui/sdb/debug_cli.h"

/* --stats FORMAT: the writers, by name. */
static const struct {
    const char *name;
    void (*write)(FILE *out, const json_t *stats);
} stats_formats[] = {
    {"text", stats_write_text},
    {"json", stats_write_json},
};

/* Writes the statistics of the machine (however its run ended). */
static void write_stats(struct machine *m, int format, FILE *out)
{
    if (format < 0)
        return;
    json_t *stats = stats_machine(m);
    if (!stats) {
        fprintf(stderr, "space: out of host memory for the statistics\n");
        return;
    }
    stats_formats[format].write(out, stats);
    fflush(out);
    json_decref(stats);
}

static void close_stats(FILE *out)
{
    if (out == stderr || out == stdout)
        fflush(out);
    else if (fclose(out) != 0)
        fprintf(stderr, "space: --stats-file: writing failed: %s\n", strerror(errno));
}

/* Says how a run ended (on stderr) and returns space's exit status. */
static int report_end(struct machine *m, enum machine_state st, bool verbose, const char *gdb_end)
{
    char line[768];
    int status = session_describe_end(m, st, gdb_end, line, sizeof line);
    if (st != MACHINE_HALTED || verbose)
        fprintf(stderr, "space: %s\n", line);
    if (st != MACHINE_HALTED && st != MACHINE_LIMIT && st != MACHINE_INTERRUPTED)
        machine_describe_chain(m, stderr);
    return status;
}

/* ---- space run: its options ---- */

enum {
    RUN_MEM,
    RUN_MAX_INSNS,
    RUN_CMDLINE,
    RUN_INPUT,
    RUN_VERBOSE,
    RUN_DEBUG,
    RUN_GDB,
    RUN_GDB_NODE,
    RUN_GUI,
    RUN_STATS,
    RUN_STATS_FILE,
    RUN_RECORD,
    RUN_CHECKPOINT_INTERVAL,
    RUN_CPUS,
    RUN_QUANTUM,
    RUN_SEED,
    RUN_CONSOLE_DIR,
    RUN_FINAL_HASH,
    RUN_TIMELINE,
    RUN_REVERSE_BUDGET,
    RUN_DEVICE = 2000, /* + the option's position over all device kinds */
};

static const struct cmd_option run_options[] = {
    {"mem", 0, "SIZE", "RAM size: bytes, or with K, M or G (default 64M; 1M..3G)", RUN_MEM},
    {"max-insns", 0, "N", "stop after exactly N guest instructions (default: no limit)",
     RUN_MAX_INSNS},
    {"cmdline", 0, "TEXT", "command line passed to the kernel in the boot information",
     RUN_CMDLINE},
    {"cpus", 0, "N", "CPUs (1..32, default 1): CPU 0 boots, the others wait for space_cpu_start",
     RUN_CPUS},
    {"quantum", 0, "INSNS",
     "with --cpus: each round every CPU runs INSNS instructions in turn\n"
     "(default 100000; see docs/space-architecture.md)",
     RUN_QUANTUM},
    {"seed", 0, "N",
     "with --cpus: vary where the CPUs switch, from seed N, the same\n"
     "way on every run with that seed (to shake out races); with\n"
     "--nodes: the network's faults too",
     RUN_SEED},
    {"input", 0, "FILE",
     "console input comes from FILE (default, or '-': standard input);\n"
     "a line is delivered when the guest asks for input and waits,\n"
     "or at the latest 200000 instructions after it asked;\n"
     "with --nodes every node reads FILE, and K=FILE is node K's",
     RUN_INPUT},
    {"console-dir", 0, "DIR",
     "with --nodes: node K's console goes to DIR/nodeK.txt instead\n"
     "of standard output with a '[K] ' prefix",
     RUN_CONSOLE_DIR},
    {"final-hash", 0, NULL,
     "with --nodes: at the end, each node's state hash (registers, RAM,\n"
     "devices, frames queued at it) on standard error, to compare runs",
     RUN_FINAL_HASH},
    {0},
};

/* (then each device's options, from the devices' own tables) */

static const struct cmd_option run_options_after_devices[] = {
    {"verbose", 'v', NULL, "say how the run ended and how long it took, on stderr", RUN_VERBOSE},
    {"debug", 0, NULL,
     "start stopped at the first instruction under sdb, the\n"
     "command-line debugger (commands on standard input; see\n"
     "docs/debugging.md); without --input the guest's console\n"
     "input shares standard input",
     RUN_DEBUG},
    {"gdb", 0, "PORT",
     "wait for gdb on 127.0.0.1:PORT (0: any free port) and let it\n"
     "control the machine, stopped at its first instruction",
     RUN_GDB},
    {"gdb-node", 0, "K",
     "with --nodes and --gdb: gdb drives node K (default 0); the\n"
     "others follow it window by window",
     RUN_GDB_NODE},
    {"gui", 0, NULL,
     "open a window: the console as a text screen (type there\n"
     "without --input) and an inspector of the machine, with\n"
     "F5 run/pause, F10 step over, F11 step, F9 breakpoint, F4 run\n"
     "to cursor, F12 screenshot; backwards: Shift+F5 reverse\n"
     "continue, Shift+F10 reverse next, Shift+F11 reverse step,\n"
     "Shift+F4 back to cursor, Ctrl+G go to a virtual time\n"
     "(docs/gui.md); console output still goes to standard\n"
     "output too",
     RUN_GUI},
    {0},
};

/* (then the window's own options, cli_window_options) */

static const struct cmd_option run_options_after_window[] = {
    {"stats", 0, "FORMAT",
     "when the run ends, however it ends, write the machine's\n"
     "statistics on standard error as 'text' or 'json'\n"
     "(docs/instrumentation.md)",
     RUN_STATS},
    {"stats-file", 0, "FILE",
     "write them into FILE instead (created or truncated;\n'-': standard output)", RUN_STATS_FILE},
    {"record", 0, "FILE",
     "record the run into the trace FILE, for space replay\n"
     "(docs/trace-format.md)",
     RUN_RECORD},
    {"checkpoint-interval", 0, "N",
     "with --record: a checkpoint every N instructions\n"
     "(default 10000000)",
     RUN_CHECKPOINT_INTERVAL},
    {"timeline", 0, "FILE",
     "write a timeline of the run (which CONTEXT/MODE ran on each\n"
     "CPU, traps, interrupts, DMA, IPIs) into FILE as Chrome Trace\n"
     "Event JSON for Perfetto (docs/instrumentation.md)",
     RUN_TIMELINE},
    {"reverse-budget", 0, "SIZE",
     "with --debug, --gdb or --gui: host memory for time travel's\n"
     "snapshots (default 256M; 0: no time travel; docs/debugging.md)",
     RUN_REVERSE_BUDGET},
    {0},
};

/* The device option with this id (RUN_DEVICE + its position over all
 * kinds), or NULL. */
static const struct device_option *device_option_by_id(int id)
{
    int n = RUN_DEVICE;
    for (unsigned k = 0; device_kinds[k]; k++)
        for (const struct device_option *d = device_kinds[k]->options; d && d->name; d++)
            if (n++ == id)
                return d;
    return NULL;
}

/* The options of `space run`: its own, and every device's
 * (devices/device.h), which the devices declare themselves. */
static void declare_run_options(struct options *o)
{
    options_add(o, run_options);
    const struct device_option *d;
    for (int id = RUN_DEVICE; (d = device_option_by_id(id)); id++)
        options_add(o, (const struct cmd_option[]){{d->name, 0, d->metavar, d->help, id}, {0}});
    options_add(o, run_options_after_devices);
    options_add(o, cli_window_options);
    options_add(o, run_options_after_window);
    options_add(o, cli_trace_options);
}

static void describe_run(FILE *out)
{
    struct options o;
    options_init(&o, 0, NULL);
    declare_run_options(&o);
    fputs("Boots KERNEL.elf (a 32-bit x86 ELF built with space-cc), or without it the\n"
          "BasicOZ kernel built into space, on a simulated SPACE machine: CONTEXT 0,\n"
          "MODE 0, at the ELF entry point. Virtual time counts guest instructions\n"
          "retired, so every run with the same inputs is identical. Options and the\n"
          "kernel come in any order; an option's value follows it (--mem 8M) or is\n"
          "joined to it with '=' (--mem=8M).\n"
          "\n"
          "options for run:\n",
          out);
    options_print(&o, out);
    fputs("\n"
          "exit status:\n"
          "  the guest's space_halt code (0..255; larger codes are reduced mod 256)\n"
          "  2    bad command line\n"
          "  3    the kernel image is missing, unreadable or not a valid SPACE ELF\n"
          "  4    a device could not be set up (missing --input file, bad disk image, ...),\n"
          "       or the --stats-file or --record file cannot be created\n"
          "  124  the --max-insns limit was reached\n"
          "  125  machine stop: a trap with no portal, a PCB chain overflow, an engine error\n"
          "  130  interrupted (Ctrl-C), killed by gdb, or the --gui window was closed\n"
          "       before the machine ended\n"
          "Every non-zero status other than a guest's own is explained on stderr in one\n"
          "line starting with 'space:'.\n",
          out);
    options_free(&o);
}

const struct cmd_help run_help = {
    "space run [KERNEL.elf] [options]\n"
    "space run --debug [KERNEL.elf] [options]\n"
    "space run --gui [KERNEL.elf] [options]",
    describe_run,
};

/* ---- space run ---- */

/* A `space run`: what its command line asks for, then what is set up. */
struct run {
    struct session_config sc;      /* the machine, the kernel, the recording */
    struct device_config *devices; /* the devices' options */
    bool verbose, debug, gui;
    int gdb_port;     /* -1: no --gdb */
    int64_t gdb_node; /* --gdb-node K; -1: not given */
    struct gui_options go;
    int stats; /* --stats: index in stats_formats; -1: none */
    const char *stats_path;
    struct cli_trace trace;
    const char *timeline_path;
    int64_t reverse_budget; /* --reverse-budget; -1: not given */

    struct gui *window;
    FILE *timeline_out;
    struct timeline *timeline; /* --timeline, or the window's strip */
    struct session ses;
    FILE *stats_out;
    struct gdbstub *gdb;

    /* --nodes: what nodes.c needs besides the above */
    const char *inputs[64];
    unsigned ninputs;
    struct nodes_option devopts[64];
    unsigned ndevopts;
    const char *console_dir;
    bool final_hash;
};

/* A positive count for `what` (a message with %s for the value). */
static int positive(const char *val, uint64_t *out, const char *what)
{
    if (parse_u64(val, out) != 0 || *out == 0)
        return cli_usage_error(what, val);
    return 0;
}

/* One option and its value: 0, or EXIT_USAGE after a one-line message. */
static int take_run_option(struct run *r, struct options *o, int id, const char *val)
{
    struct machine_config *cfg = &r->sc.machine;
    switch (id) {
    case RUN_MEM:
        if (parse_size(val, &cfg->ram_size) != 0)
            return cli_usage_error("--mem needs a size such as 64M, not '%s'", val);
        if (cfg->ram_size < PHYSMEM_MIN_SIZE || cfg->ram_size > PHYSMEM_MAX_SIZE ||
            cfg->ram_size % 4096)
            return cli_usage_error("--mem %s: RAM must be 1M..3G and a multiple of 4K", val);
        return 0;
    case RUN_MAX_INSNS:
        return positive(val, &cfg->max_insns,
                        "--max-insns needs a positive instruction count, not '%s'");
    case RUN_CMDLINE: cfg->cmdline = val; return 0;
    case RUN_CPUS: {
        uint64_t n;
        if (parse_u64(val, &n) != 0 || n < 1 || n > SPACE_MAX_CPUS)
            return cli_usage_error("--cpus needs a CPU count, 1..32, not '%s'", val);
        cfg->ncpus = (uint32_t)n;
        return 0;
    }
    case RUN_QUANTUM:
        return positive(val, &cfg->quantum,
                        "--quantum needs a positive instruction count, not '%s'");
    case RUN_SEED:
        if (parse_u64(val, &cfg->seed) != 0)
            return cli_usage_error("--seed needs a number, not '%s'", val);
        cfg->jitter = true;
        return 0;
    case RUN_INPUT:
        r->sc.host.input = val;
        if (r->ninputs == sizeof r->inputs / sizeof r->inputs[0])
            return cli_usage_error("too many --input options (at most %s)", "64");
        r->inputs[r->ninputs++] = val;
        return 0;
    case RUN_CONSOLE_DIR: r->console_dir = val; return 0;
    case RUN_FINAL_HASH: r->final_hash = true; return 0;
    case RUN_VERBOSE: r->verbose = true; return 0;
    case RUN_DEBUG: r->debug = true; return 0;
    case RUN_GDB:
        if ((r->gdb_port = gdbstub_parse_port(val)) < 0)
            return cli_usage_error("--gdb needs a TCP port number (0..65535), not '%s'", val);
        return 0;
    case RUN_GDB_NODE: {
        uint64_t k;
        if (parse_u64(val, &k) != 0 || k > UINT32_MAX)
            return cli_usage_error("--gdb-node needs a node number, not '%s'", val);
        r->gdb_node = (int64_t)k;
        return 0;
    }
    case RUN_GUI: r->gui = true; return 0;
    case RUN_STATS:
        r->stats = -1;
        for (int f = 0; f < (int)(sizeof stats_formats / sizeof stats_formats[0]); f++)
            if (!strcmp(val, stats_formats[f].name))
                r->stats = f;
        if (r->stats < 0)
            return cli_usage_error("--stats needs a format, text or json, not '%s'", val);
        return 0;
    case RUN_STATS_FILE: r->stats_path = val; return 0;
    case RUN_RECORD: r->sc.record_path = val; return 0;
    case RUN_TIMELINE: r->timeline_path = val; return 0;
    case RUN_REVERSE_BUDGET: {
        uint32_t size;
        if (parse_size(val, &size) != 0)
            return cli_usage_error("--reverse-budget needs a size such as 256M or 0, not '%s'",
                                   val);
        r->reverse_budget = size;
        return 0;
    }
    case RUN_CHECKPOINT_INTERVAL:
        return positive(val, &r->sc.checkpoint_interval,
                        "--checkpoint-interval needs a positive instruction count, not '%s'");
    default: break;
    }
    int window = cli_window_option(id, val, o, &r->go);
    if (window >= 0)
        return window;
    const struct device_option *d = device_option_by_id(id);
    if (!d)
        return cli_trace_option(id, val, &r->trace);
    char err[256];
    if (device_config_set(r->devices, d->name, val, err, sizeof err) != 0)
        return cli_usage_error("%s", err);
    if (r->ndevopts == sizeof r->devopts / sizeof r->devopts[0])
        return cli_usage_error("too many device options (at most %s)", "64");
    r->devopts[r->ndevopts++] = (struct nodes_option){d->name, val};
    return 0;
}

/* What nodes.c is asked to run (nodes 0: no --nodes). */
static struct nodes_run nodes_of(const struct run *r)
{
    const char *n = device_config_get(r->devices, "nodes");
    return (struct nodes_run){.nodes = n ? (uint32_t)strtoul(n, NULL, 10) : 0,
                              .net = device_config_get(r->devices, "net"),
                              .seed = r->sc.machine.seed,
                              .machine = r->sc.machine,
                              .kernel_path = r->sc.kernel_path,
                              .devopts = r->devopts,
                              .ndevopts = r->ndevopts,
                              .inputs = r->inputs,
                              .ninputs = r->ninputs,
                              .console_dir = r->console_dir,
                              .verbose = r->verbose,
                              .debug = r->debug,
                              .gui_or_gdb = r->gui || r->gdb_port >= 0,
                              .gdb_port = r->gdb_port,
                              .gdb_node = r->gdb_node > 0 ? (uint32_t)r->gdb_node : 0,
                              .final_hash = r->final_hash,
                              .record_path = r->sc.record_path,
                              .checkpoint_interval = r->sc.checkpoint_interval,
                              .trace_flags = r->trace.flags,
                              .trace_path = r->trace.path,
                              .timeline_path = r->timeline_path,
                              .write_stats = r->stats >= 0 ? stats_formats[r->stats].write : NULL};
}

/* Reads `space run`'s command line into *r: 0, -1 for --help, or
 * EXIT_USAGE after a one-line message. */
static int parse_run(struct run *r, int argc, char **argv)
{
    *r = (struct run){.sc.machine = {.ram_size = 64u << 20, .ncpus = 1},
                      .sc.host.output = stdout,
                      .gdb_port = -1,
                      .gdb_node = -1,
                      .stats = -1,
                      .reverse_budget = -1};
    if (!(r->devices = device_config_new())) {
        fprintf(stderr, "space: out of host memory\n");
        return EXIT_BAD_INPUT;
    }
    r->sc.machine.devices = r->devices;
    struct options o;
    options_init(&o, argc, argv);
    declare_run_options(&o);
    const char *val;
    int id, status = 0;
    while (!status && (id = options_next(&o, &val)) != OPTIONS_END) {
        if (id == OPTIONS_HELP)
            status = -1;
        else if (id == OPTIONS_ERROR)
            status = EXIT_USAGE;
        else if (id == OPTIONS_OPERAND && r->sc.kernel_path)
            status = cli_usage_error("more than one kernel given ('%s')", val);
        else if (id == OPTIONS_OPERAND)
            r->sc.kernel_path = val;
        else
            status = take_run_option(r, &o, id, val);
    }
    options_free(&o);
    if (status)
        return status;

    /* options that need, or exclude, each other */
    char err[256];
    if (device_config_check(r->devices, err, sizeof err) != 0)
        return cli_usage_error("%s", err);
    struct nodes_run nr = nodes_of(r);
    if ((status = nodes_check(&nr)) != 0)
        return status;
    const struct gui_options *go = &r->go;
    const struct {
        bool wrong;
        const char *why;
    } rules[] = {
        {r->debug && r->gdb_port >= 0, "--debug and --gdb cannot be used together"},
        {r->gui && (r->debug || r->gdb_port >= 0), "--gui cannot be used with --debug or --gdb"},
        {!r->gui && cli_window_options_given(go), CLI_WINDOW_OPTIONS_NEED_GUI},
        {r->trace.path && !r->trace.flags, "--trace-file needs --trace FLAGS"},
        {r->stats_path && r->stats < 0, "--stats-file needs --stats text or --stats json"},
        {r->sc.checkpoint_interval && !r->sc.record_path,
         "--checkpoint-interval needs --record FILE"},
        {nr.nodes && r->gui && r->sc.record_path,
         "--nodes with --gui cannot --record (the window holds the barriers)"},
        {nr.nodes && r->gui && r->reverse_budget > 0,
         "--reverse-budget cannot be used with --nodes (time travel is one machine's)"},
        {r->gdb_node >= 0 && (!nr.nodes || r->gdb_port < 0), "--gdb-node needs --nodes and --gdb"},
        {r->gdb_node >= 0 && nr.nodes && r->gdb_node >= nr.nodes,
         "--gdb-node needs a node of --nodes (0 .. N-1)"},
        {nr.nodes && r->gdb_port >= 0 && r->sc.record_path,
         "--nodes with --gdb cannot --record (gdb holds the barriers)"},
        {nr.nodes && r->gdb_port >= 0 && r->reverse_budget > 0,
         "--reverse-budget cannot be used with --nodes (time travel is one machine's)"},
        {nr.nodes && r->debug && r->sc.record_path,
         "--nodes with --debug cannot --record (the debugger holds the barriers)"},
        {r->reverse_budget > 0 && !r->debug && !r->gui && r->gdb_port < 0,
         "--reverse-budget needs --debug, --gdb or --gui"},
        {r->reverse_budget > 0 && r->sc.record_path,
         "--reverse-budget cannot be used with --record (a trace holds one straight run)"},
    };
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (rules[i].wrong)
            return cli_usage_error("%s", rules[i].why);
    /* Time travel: on by default under a debugger, never while recording. */
    bool debugged = r->debug || r->gui || r->gdb_port >= 0;
    if (debugged && !r->sc.record_path)
        r->sc.reverse_budget =
            r->reverse_budget >= 0 ? (size_t)r->reverse_budget : TRAVEL_DEFAULT_BUDGET;
    return 0;
}

/* The window (before the machine: a host without a display is found out
 * first, and the window is the machine's console). */
static int open_window(struct run *r, char *err, unsigned errlen)
{
    struct host_backends *host = &r->sc.host;
    struct gui_options *go = &r->go;
    bool nodes = nodes_of(r).nodes != 0; /* (each node's input is its own) */
    go->keyboard = !host->input && !nodes;
    go->input_name = nodes ? "each node's --input" : host->input;
    go->kernel_path = r->sc.kernel_path;
    go->image = basicoz_image;
    go->image_size = basicoz_image_size;
    go->image_name = SESSION_BUILTIN_NAME;
    if (!(r->window = gui_open(go, err, errlen))) {
        fprintf(stderr, "space: --gui: %s\n", err);
        return EXIT_BAD_INPUT;
    }
    if (go->keyboard)
        host->keyboard = gui_console_source_of(r->window);
    if (!nodes)
        host->also = r->sc.machine.debug_sink = gui_console_sink_of(r->window);
    return 0;
}

/* Everything the run needs, in order - the window, the machine booted
 * (and recorded), tracing, the statistics file, gdb's port - or nothing
 * of it: 0, or the exit status after a one-line message. */
static int set_up(struct run *r)
{
    char err[512];
    int status;
    if (r->gui && (status = open_window(r, err, sizeof err)) != 0)
        return status;
    /* the exit status and message prefix of each step that can fail */
    static const struct {
        int status;
        const char *prefix;
    } failures[] = {
        [SESSION_MACHINE] = {EXIT_BAD_INPUT, ""},
        [SESSION_KERNEL] = {EXIT_BAD_IMAGE, ""},
        [SESSION_RECORD] = {EXIT_BAD_INPUT, "--record: "},
        [SESSION_TRAVEL] = {EXIT_BAD_INPUT, "--reverse-budget: "},
    };
    enum session_failure failed = session_start(&r->ses, &r->sc, err, sizeof err);
    if (failed != SESSION_OK) {
        fprintf(stderr, "space: %s%s\n", failures[failed].prefix, err);
        gui_close(r->window);
        return failures[failed].status;
    }
    struct machine *m = r->ses.m;
    if ((status = cli_attach_trace(m, r->trace.flags, r->trace.path)) != 0)
        goto no_trace;
    r->stats_out = stderr;
    if (r->stats_path && !strcmp(r->stats_path, "-"))
        r->stats_out = stdout;
    else if (r->stats_path && !(r->stats_out = fopen(r->stats_path, "w"))) {
        fprintf(stderr, "space: --stats-file %s: cannot create it: %s\n", r->stats_path,
                strerror(errno));
        status = EXIT_BAD_INPUT;
        goto no_stats;
    }
    if (r->timeline_path && !(r->timeline_out = fopen(r->timeline_path, "wb"))) {
        fprintf(stderr, "space: --timeline %s: cannot create it: %s\n", r->timeline_path,
                strerror(errno));
        status = EXIT_BAD_INPUT;
        close_stats(r->stats_out);
        goto no_stats;
    }
    if (r->timeline_out)
        timeline_json_begin(r->timeline_out);
    if ((r->timeline_out || r->window) &&
        !(r->timeline = timeline_create(m, r->timeline_out, &(struct timeline_options){0}))) {
        fprintf(stderr, "space: --timeline: out of host memory\n");
        status = EXIT_BAD_INPUT;
        goto no_timeline;
    }
    if (r->window)
        gui_set_timeline(r->window, r->timeline);
    if (r->gdb_port >= 0 && !(r->gdb = gdbstub_listen(r->gdb_port, err, sizeof err))) {
        fprintf(stderr, "space: --gdb %d: %s\n", r->gdb_port, err);
        status = EXIT_USAGE;
        goto no_timeline;
    }
    if (r->gdb)
        gdbstub_set_travel(r->gdb, r->ses.travel);
    if (r->window)
        gui_set_travel(r->window, r->ses.travel);
    return 0;
no_timeline:
    timeline_free(r->timeline);
    if (r->timeline_out)
        fclose(r->timeline_out);
    close_stats(r->stats_out);
no_stats:
    tracer_detach(m);
no_trace:
    session_finish(&r->ses, err, sizeof err);
    gui_close(r->window);
    return status;
}

/* Who drives the machine instead of machine_run: gdb or the window. */
struct driver {
    struct run *r;
    const char *end; /* how gdb or the window ended the machine */
};

static enum machine_state drive_by_gdb(void *arg, struct machine *m)
{
    struct driver *d = arg;
    return gdbstub_serve(d->r->gdb, m, &d->end);
}

static enum machine_state drive_by_gui(void *arg, struct machine *m)
{
    struct driver *d = arg;
    return gui_run(d->r->window, m, &d->end);
}

/* Runs the machine to its end under gdb, the window or nobody; says how
 * it ended and returns the exit status. */
static int drive(struct run *r)
{
    struct driver d = {.r = r};
    enum machine_state st = session_run(&r->ses,
                                        r->gdb      ? drive_by_gdb
                                        : r->window ? drive_by_gui
                                                    : NULL,
                                        &d);
    gdbstub_close(r->gdb);
    fflush(stdout);
    return report_end(r->ses.m, st, r->verbose, d.end);
}

/* Under sdb, which runs the machine as it is told: sdb's exit status. */
static int run_under_sdb(struct run *r)
{
    struct debug_cli_config dc = {.kernel_path = r->sc.kernel_path,
                                  .image = basicoz_image,
                                  .image_size = basicoz_image_size,
                                  .image_name = SESSION_BUILTIN_NAME,
                                  .in = stdin,
                                  .out = stdout,
                                  .travel = r->ses.travel};
    return debug_cli_run(r->ses.m, &dc);
}

/* The statistics, the end of the recording, the window: the exit status
 * (a recording that could not be finished fails a run that succeeded). */
static int finish(struct run *r, int status)
{
    char err[512];
    write_stats(r->ses.m, r->stats, r->stats_out);
    close_stats(r->stats_out);
    if (r->timeline)
        timeline_finish(r->timeline);
    timeline_free(r->timeline);
    if (r->timeline_out && (timeline_json_end(r->timeline_out) | fclose(r->timeline_out))) {
        fprintf(stderr, "space: --timeline %s: cannot write it\n", r->timeline_path);
        if (status == 0)
            status = EXIT_BAD_INPUT;
    }
    tracer_detach(r->ses.m);
    if (session_finish(&r->ses, err, sizeof err) != 0) {
        fprintf(stderr, "space: --record: %s\n", err);
        if (status == 0)
            status = EXIT_BAD_INPUT;
    }
    gui_close(r->window); /* (after the machine: its devices used the window's console) */
    return status;
}

static int cmd_run(int argc, char **argv)
{
    struct run r;
    /* What the command line asks for. */
    int status = parse_run(&r, argc, argv);
    if (status) {
        device_config_free(r.devices);
        return status < 0 ? cli_help(&run_help) : status;
    }
    struct nodes_run nr = nodes_of(&r);
    if (nr.nodes) {
        /* A multicomputer: nodes.c sets it up and runs it. */
        nr.stats_out = stderr;
        if (r.stats_path && !(nr.stats_out = fopen(r.stats_path, "w"))) {
            fprintf(stderr, "space: --stats-file %s: cannot create it: %s\n", r.stats_path,
                    strerror(errno));
            device_config_free(r.devices);
            return EXIT_BAD_INPUT;
        }
        char err[512];
        if (r.gui && (status = open_window(&r, err, sizeof err)) != 0) {
            if (nr.stats_out != stderr)
                close_stats(nr.stats_out);
            device_config_free(r.devices);
            return status;
        }
        nr.window = r.window;
        status = nodes_run(&nr);
        gui_close(r.window);
        if (nr.stats_out != stderr)
            close_stats(nr.stats_out);
        device_config_free(r.devices);
        return status;
    }
    /* The machine, booted, with what watches it. */
    if ((status = set_up(&r)) == 0) {
        /* Run it to its end, and say how it ended. */
        status = r.debug ? run_under_sdb(&r) : drive(&r);
        /* Statistics, the recording's end. */
        status = finish(&r, status);
    }
    device_config_free(r.devices);
    return status;
}

/* ---- space ---- */

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const struct cmd_help *help;
} commands[] = {
    {"run", cmd_run, &run_help},
    {"replay", cmd_replay, &replay_help},
    {"grade", cmd_grade, &grade_help},
    {"bench-kernel", cmd_bench_kernel, &bench_kernel_help},
    {"timeline", cmd_timeline, &timeline_help},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* space --help: every command's usage, then each one's description. */
static void help(FILE *out)
{
    char usage[1024] = "";
    for (size_t i = 0; i < NCOMMANDS; i++)
        snprintf(usage + strlen(usage), sizeof usage - strlen(usage), "%s\n",
                 commands[i].help->usage);
    snprintf(usage + strlen(usage), sizeof usage - strlen(usage), "%s",
             "space CMD --help\nspace --help | --version");
    cli_print_usage(out, usage);
    for (size_t i = 0; i < NCOMMANDS; i++) {
        fputc('\n', out);
        commands[i].help->describe(out);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        help(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        help(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        char engines[96];
        cpu_engine_versions(engines, sizeof engines);
        printf("space %s (%s)\n", SPACE_VERSION, engines);
        return 0;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    return cli_usage_error("unknown command '%s'", argv[1]);
}
