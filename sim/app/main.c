/* space: the command-line front end of the SPACE simulator. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/gdb/gdbstub.h"
#include "ui/sdb/debug_cli.h"
#include "ui/gui/gui.h"
#include "cli.h"
#include "sim/util/parse.h"
#include "sim/core/machine.h"
#include "session.h"
#include "sim/stats/stats.h"
#include "sim/core/tracer.h"

static const char usage_head[] =
    "usage: space run [KERNEL.elf] [options]\n"
    "       space run --debug [KERNEL.elf] [options]\n"
    "       space run --gui [KERNEL.elf] [options]\n"
    "       space replay [--debug | --single-step] [-q] [--kernel FILE] [--trace FLAGS] TRACE\n"
    "       space grade SPEC [--out DIR] [--kernel FILE] [--case NAME]... [--keep-traces]\n"
    "       space --help | --version\n"
    "\n"
    "Boots KERNEL.elf (a 32-bit x86 ELF built with space-cc), or without it the\n"
    "BasicOZ kernel built into space, on a simulated SPACE machine: CONTEXT 0,\n"
    "MODE 0, at the ELF entry point. Virtual time counts guest instructions\n"
    "retired, so every run with the same inputs is identical.\n"
    "\n"
    "options for run:\n"
    "  --mem SIZE       RAM size: bytes, or with K, M or G (default 64M; 1M..3G)\n"
    "  --max-insns N    stop after exactly N guest instructions (default: no limit)\n"
    "  --cmdline TEXT   command line passed to the kernel in the boot information\n"
    "  --input FILE     console input comes from FILE (default: standard input);\n"
    "                   a line is delivered when the guest asks for input and waits,\n"
    "                   or at the latest 200000 instructions after it asked\n";
/* (then each device's options, from the devices' tables) */
static const char usage_tail[] =
    "  -v, --verbose    say how the run ended and how long it took, on stderr\n"
    "  --debug          start stopped at the first instruction under sdb, the\n"
    "                   command-line debugger (commands on standard input; see\n"
    "                   docs/debugging.md); without --input the guest's console\n"
    "                   input shares standard input\n"
    "  --gdb PORT       wait for gdb on 127.0.0.1:PORT (0: any free port) and let it\n"
    "                   control the machine, stopped at its first instruction\n"
    "  --gui            open a window: the console as a text screen (type there\n"
    "                   without --input) and an inspector of the machine, with\n"
    "                   F5 run/pause, F10 step over, F11 step, F9 breakpoint, F4 run\n"
    "                   to cursor, F12 screenshot (docs/gui.md); console output\n"
    "                   still goes to standard output too\n"
    "  --gui-paused     with --gui: start paused at the first instruction\n"
    "  --gui-exit       with --gui: close the window and exit when the machine ends\n"
    "                   (without it the window stays open until you close it)\n"
    "  --screenshot FILE       with --gui: write the window as PNG when space exits\n"
    "  --screenshot-at N FILE  with --gui: ... when virtual time reaches N\n"
    "  --gui-dump       with --gui: also write each screenshot's text as FILE.txt\n"
    "  --stats FORMAT   when the run ends, however it ends, write the machine's\n"
    "                   statistics on standard error as 'text' or 'json'\n"
    "                   (docs/instrumentation.md)\n"
    "  --stats-file FILE\n"
    "                   write them into FILE instead (created or truncated)\n"
    "  --trace FLAGS    write a line per event on standard error: insn (i; insn0..3:\n"
    "                   one MODE), trap (t), tlb (l), fault (f), reg (r), irq (n),\n"
    "                   dma (d), op (o), all (a); guest (g): only where the guest\n"
    "                   switches tracing on (space_trace); e.g. --trace trap,op\n"
    "  --trace-file FILE\n"
    "                   write the trace into FILE instead\n"
    "  --record FILE    record the run into the trace FILE, for space replay\n"
    "                   (docs/trace-format.md)\n"
    "  --checkpoint-interval N\n"
    "                   with --record: a checkpoint every N instructions\n"
    "                   (default 10000000)\n"
    "\n"
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
    "line starting with 'space:'.\n"
    "\n"
    "space replay runs a recorded trace again, with the inputs it holds, and checks\n"
    "every checkpoint (docs/trace-format.md).\n"
    "options for replay:\n"
    "  --kernel FILE    replay with this kernel instead of the recorded one\n"
    "  --single-step    run one instruction at a time (it must be the same run)\n"
    "  -q, --quiet      discard the guest's console output\n"
    "  --debug          replay under sdb (commands on standard input)\n"
    "  --trace FLAGS, --trace-file FILE   trace the replay, as for run\n"
    "exit status of replay: 0 the same run, 1 it diverged (the first difference on\n"
    "stderr), 2 bad command line, 3 the trace is missing, truncated, corrupt or of\n"
    "another format version, 130 interrupted.\n"
    "\n"
    "space grade runs the cases of the workload spec SPEC (docs/grading.md), each\n"
    "recorded, checks their console output, end and statistics, and writes\n"
    "DIR/results.json (Gradescope), DIR/junit.xml and DIR/grade.json, and the\n"
    "trace of every failing case as DIR/traces/CASE.trc.\n"
    "options for grade:\n"
    "  --out DIR        the results directory (default grade-results)\n"
    "  --kernel FILE    run every case on this kernel instead of the spec's (the\n"
    "                   submission: if it is missing or bad, every case fails)\n"
    "  --case NAME      run only this case (may be given more than once)\n"
    "  --keep-traces    keep the traces of passing cases too\n"
    "exit status of grade: 0 every case passed, 1 a case failed, 2 bad command\n"
    "line, 3 bad spec (one line: 'space: FILE:LINE: ...'), 4 the results cannot be\n"
    "written, 130 interrupted.\n";

static void usage(FILE *out)
{
    fputs(usage_head, out);
    for (unsigned k = 0; device_kinds[k]; k++)
        for (const struct device_option *o = device_kinds[k]->options; o && o->name; o++) {
            int n = fprintf(out, "  --%s%s%s", o->name, o->metavar ? " " : "",
                            o->metavar ? o->metavar : "");
            fprintf(out, "%*s%s\n", n < 19 ? 19 - n : 1, "", o->help);
        }
    fputs(usage_tail, out);
}

/* --stats FORMAT: the writers, by name. */
static const struct {
    const char *name;
    void (*write)(FILE *out, const struct space_stats *s);
} stats_formats[] = {
    {"text", stats_write_text},
    {"json", stats_write_json},
};

/* Writes the statistics of the machine (however its run ended). */
static void write_stats(struct machine *m, int format, FILE *out)
{
    if (format < 0)
        return;
    struct space_stats *s = malloc(sizeof *s);
    if (!s) {
        fprintf(stderr, "space: out of host memory for the statistics\n");
        return;
    }
    stats_collect(m, s);
    stats_formats[format].write(out, s);
    fflush(out);
    free(s);
}

static void close_stats(FILE *out)
{
    if (out != stderr && fclose(out) != 0)
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

/* --gdb: gdb drives the machine. */
/* Who drives the machine instead of machine_run: gdb or the window. */
struct gdb_drive {
    struct gdbstub *gdb;
    struct gui *window;
    const char *end; /* how gdb or the window ended the machine */
};

static enum machine_state drive_by_gdb(void *arg, struct machine *m)
{
    struct gdb_drive *g = arg;
    return gdbstub_serve(g->gdb, m, &g->end);
}

static enum machine_state drive_by_gui(void *arg, struct machine *m)
{
    struct gdb_drive *g = arg;
    return gui_run(g->window, m, &g->end);
}

static int run_machine(int argc, char **argv, struct device_config *devices)
{
    struct machine_config cfg = {.ram_size = 64u << 20, .ncpus = 1, .devices = devices};
    struct host_backends host = {.output = stdout};
    const struct device_option *dopt;
    char err[512];
    const char *kernel = NULL;
    bool verbose = false;
    bool debug = false; /* --debug */
    int gdb_port = -1;  /* --gdb */
    bool gui = false;   /* --gui */
    struct gui_options go = {0};
    const char *record_path = NULL;
    uint64_t interval = 0;
    int stats = -1; /* --stats: index in stats_formats */
    const char *stats_path = NULL;
    struct cli_trace trace = {0};
    int took;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--mem")) {
            if (!val || parse_size(val, &cfg.ram_size) != 0)
                return cli_usage_error("--mem needs a size such as 64M, not '%s'", val ? val : "");
            if (cfg.ram_size < PHYSMEM_MIN_SIZE || cfg.ram_size > PHYSMEM_MAX_SIZE ||
                cfg.ram_size % 4096)
                return cli_usage_error("--mem %s: RAM must be 1M..3G and a multiple of 4K", val);
            i++;
        } else if (!strcmp(a, "--max-insns")) {
            if (!val || parse_u64(val, &cfg.max_insns) != 0 || cfg.max_insns == 0)
                return cli_usage_error("--max-insns needs a positive instruction count, not '%s'",
                                       val ? val : "");
            i++;
        } else if (!strcmp(a, "--input")) {
            if (!val)
                return cli_usage_error("%s needs a file name", a);
            host.input = val;
            i++;
        } else if (!strncmp(a, "--", 2) && (dopt = device_option_find(a + 2))) {
            /* a device's own option (devices/device.h) */
            if (device_config_set(devices, dopt->name, dopt->metavar ? val : NULL, err,
                                  sizeof err) != 0)
                return cli_usage_error("%s", err);
            i += dopt->metavar != NULL;
        } else if (!strcmp(a, "--cmdline")) {
            if (!val)
                return cli_usage_error("%s needs a value", a);
            cfg.cmdline = val;
            i++;
        } else if (!strcmp(a, "--gdb")) {
            if ((gdb_port = gdbstub_parse_port(val)) < 0)
                return cli_usage_error("--gdb needs a TCP port number (0..65535), not '%s'",
                                       val ? val : "");
            i++;
        } else if (!strcmp(a, "--record")) {
            if (!val)
                return cli_usage_error("%s needs a file name", a);
            record_path = val;
            i++;
        } else if (!strcmp(a, "--checkpoint-interval")) {
            if (!val || parse_u64(val, &interval) != 0 || interval == 0)
                return cli_usage_error(
                    "--checkpoint-interval needs a positive instruction count, not '%s'",
                    val ? val : "");
            i++;
        } else if ((took = cli_trace_option(a, val, &trace)) >= 0) {
            if (took != 0)
                return took;
            i++;
        } else if (!strcmp(a, "--stats")) {
            stats = -1;
            for (int f = 0; val && f < (int)(sizeof stats_formats / sizeof stats_formats[0]); f++)
                if (!strcmp(val, stats_formats[f].name))
                    stats = f;
            if (stats < 0)
                return cli_usage_error("--stats needs a format, text or json, not '%s'",
                                       val ? val : "");
            i++;
        } else if (!strcmp(a, "--stats-file")) {
            if (!val)
                return cli_usage_error("%s needs a file name", a);
            stats_path = val;
            i++;
        } else if (!strcmp(a, "--debug")) {
            debug = true;
        } else if (!strcmp(a, "--gui")) {
            gui = true;
        } else if (!strcmp(a, "--gui-paused")) {
            go.start_paused = true;
        } else if (!strcmp(a, "--gui-exit")) {
            go.exit_at_end = true;
        } else if (!strcmp(a, "--gui-dump")) {
            go.dump = true;
        } else if (!strcmp(a, "--screenshot")) {
            if (!val)
                return cli_usage_error("%s needs a file name", a);
            go.screenshot = val;
            i++;
        } else if (!strcmp(a, "--screenshot-at")) {
            if (!val || parse_u64(val, &go.shot_at) != 0 || i + 2 >= argc)
                return cli_usage_error(
                    "--screenshot-at needs a virtual time and a file name, not '%s'",
                    val ? val : "");
            go.shot_at_path = argv[i + 2];
            i += 2;
        } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            verbose = true;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("unknown option '%s'", a);
        } else if (!kernel) {
            kernel = a;
        } else {
            return cli_usage_error("more than one kernel given ('%s')", a);
        }
    }
    if (device_config_check(devices, err, sizeof err) != 0)
        return cli_usage_error("%s", err);
    if (debug && gdb_port >= 0)
        return cli_usage_error("%s", "--debug and --gdb cannot be used together");
    if (gui && (debug || gdb_port >= 0))
        return cli_usage_error("%s", "--gui cannot be used with --debug or --gdb");
    if (!gui && (go.start_paused || go.exit_at_end || go.dump || go.screenshot || go.shot_at_path))
        return cli_usage_error("%s",
                               "--gui-paused, --gui-exit, --gui-dump and --screenshot need --gui");
    if (trace.path && !trace.flags)
        return cli_usage_error("%s", "--trace-file needs --trace FLAGS");
    if (stats_path && stats < 0)
        return cli_usage_error("%s", "--stats-file needs --stats text or --stats json");
    if (interval && !record_path)
        return cli_usage_error("%s", "--checkpoint-interval needs --record FILE");

    struct gui *window = NULL;
    if (gui) {
        go.keyboard = !host.input;
        go.input_name = host.input;
        go.kernel_path = kernel;
        go.image = basicoz_image;
        go.image_size = basicoz_image_size;
        go.image_name = SESSION_BUILTIN_NAME;
        if (!(window = gui_open(&go, err, sizeof err))) {
            fprintf(stderr, "space: --gui: %s\n", err);
            return EXIT_BAD_INPUT;
        }
        if (go.keyboard)
            host.keyboard = gui_console_source_of(window);
        host.also = cfg.debug_sink = gui_console_sink_of(window);
    }
    struct session_config sc = {.machine = cfg,
                                .host = host,
                                .kernel_path = kernel,
                                .record_path = record_path,
                                .checkpoint_interval = interval};
    struct session ses;
    /* the exit status and message prefix of each step that can fail */
    static const struct {
        int status;
        const char *prefix;
    } failures[] = {
        [SESSION_MACHINE] = {EXIT_BAD_INPUT, ""},
        [SESSION_KERNEL] = {EXIT_BAD_IMAGE, ""},
        [SESSION_RECORD] = {EXIT_BAD_INPUT, "--record: "},
    };
    enum session_failure failed = session_start(&ses, &sc, err, sizeof err);
    if (failed != SESSION_OK) {
        fprintf(stderr, "space: %s%s\n", failures[failed].prefix, err);
        gui_close(window);
        return failures[failed].status;
    }
    struct machine *m = ses.m;
    int traced = cli_attach_trace(m, trace.flags, trace.path);
    if (traced != 0) {
        session_finish(&ses, err, sizeof err);
        gui_close(window);
        return traced;
    }
    FILE *stats_out = stderr;
    if (stats_path && !(stats_out = fopen(stats_path, "w"))) {
        fprintf(stderr, "space: --stats-file %s: cannot create it: %s\n", stats_path,
                strerror(errno));
        tracer_detach(m);
        session_finish(&ses, err, sizeof err);
        gui_close(window);
        return EXIT_BAD_INPUT;
    }
    int status;
    if (debug) {
        struct debug_cli_config dc = {.kernel_path = kernel,
                                      .image = basicoz_image,
                                      .image_size = basicoz_image_size,
                                      .image_name = SESSION_BUILTIN_NAME,
                                      .in = stdin,
                                      .out = stdout};
        status = debug_cli_run(m, &dc);
    } else {
        struct gdb_drive gd = {0};
        if (gdb_port >= 0 && !(gd.gdb = gdbstub_listen(gdb_port, err, sizeof err))) {
            fprintf(stderr, "space: --gdb %d: %s\n", gdb_port, err);
            close_stats(stats_out);
            tracer_detach(m);
            session_finish(&ses, err, sizeof err);
            return EXIT_USAGE;
        }
        gd.window = window;
        enum machine_state st = session_run(&ses,
                                            gd.gdb   ? drive_by_gdb
                                            : window ? drive_by_gui
                                                     : NULL,
                                            &gd);
        gdbstub_close(gd.gdb);
        fflush(stdout);
        status = report_end(m, st, verbose, gd.end);
    }
    write_stats(m, stats, stats_out);
    close_stats(stats_out);
    tracer_detach(m);
    if (session_finish(&ses, err, sizeof err) != 0) {
        fprintf(stderr, "space: --record: %s\n", err);
        if (status == 0)
            status = EXIT_BAD_INPUT;
    }
    gui_close(window); /* (after the machine: its devices used the window's console) */
    return status;
}

static int cmd_run(int argc, char **argv)
{
    struct device_config *devices = device_config_new();
    if (!devices) {
        fprintf(stderr, "space: out of host memory\n");
        return EXIT_BAD_INPUT;
    }
    int status = run_machine(argc, argv, devices);
    device_config_free(devices);
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("space %s\n", SPACE_VERSION);
        return 0;
    }
    if (!strcmp(argv[1], "run"))
        return cmd_run(argc - 2, argv + 2);
    if (!strcmp(argv[1], "replay"))
        return cmd_replay(argc - 2, argv + 2);
    if (!strcmp(argv[1], "grade"))
        return cmd_grade(argc - 2, argv + 2);
    return cli_usage_error("unknown command '%s'", argv[1]);
}
