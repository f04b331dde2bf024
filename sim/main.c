/* space: the command-line front end of the SPACE simulator. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ui/gdbstub.h"
#include "../ui/debug_cli.h"
#include "../ui/gui.h"
#include "machine.h"
#include "platform.h"

#define EXIT_USAGE        2
#define EXIT_BAD_IMAGE    3
#define EXIT_BAD_INPUT    4
#define EXIT_LIMIT        124
#define EXIT_MACHINE_STOP 125
#define EXIT_INTERRUPTED  130

static const char usage_text[] =
    "usage: space run [KERNEL.elf] [options]\n"
    "       space run --debug [KERNEL.elf] [options]\n"
    "       space run --gui [KERNEL.elf] [options]\n"
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
    "                   or at the latest 200000 instructions after it asked\n"
    "  --disk FILE      attach a disk backed by the image FILE (a multiple of 512 bytes)\n"
    "  --disk-size SIZE create the --disk image with SIZE bytes if it does not exist\n"
    "  --disk-readonly  attach the image read-only (writes fail with a device error)\n"
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
    "\n"
    "exit status:\n"
    "  the guest's space_halt code (0..255; larger codes are reduced mod 256)\n"
    "  2    bad command line\n"
    "  3    the kernel image is missing, unreadable or not a valid SPACE ELF\n"
    "  4    a device could not be set up (missing --input file, bad disk image,\n"
    "       --gui without a display, ...)\n"
    "  124  the --max-insns limit was reached\n"
    "  125  machine stop: a trap with no portal, a PCB chain overflow, an engine error\n"
    "  130  interrupted (Ctrl-C), killed by gdb, or the --gui window was closed\n"
    "       before the machine ended\n"
    "Every non-zero status other than a guest's own is explained on stderr in one\n"
    "line starting with 'space:'.\n";

/* The BasicOZ kernel the build produced (cmake/embed.cmake). */
extern const unsigned char basicoz_image[];
extern const unsigned long basicoz_image_size;

static struct machine *volatile running;
static volatile int ctrl_c_early; /* before the machine existed */

static void on_ctrl_c(void)
{
    if (running)
        machine_interrupt(running);
    else
        ctrl_c_early = 1;
}

static int parse_size(const char *s, uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || s[0] == '-')
        return -1;
    unsigned long long mult = 1;
    if (*end == 'K' || *end == 'k')
        mult = 1ull << 10, end++;
    else if (*end == 'M' || *end == 'm')
        mult = 1ull << 20, end++;
    else if (*end == 'G' || *end == 'g')
        mult = 1ull << 30, end++;
    if (*end || v > (1ull << 34) / mult)
        return -1;
    v *= mult;
    if (v > UINT32_MAX)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (s[0] == '-')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end)
        return -1;
    *out = v;
    return 0;
}

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "space: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see space --help)\n");
    return EXIT_USAGE;
}

static int cmd_run(int argc, char **argv)
{
    struct machine_config cfg = {.ram_size = 64u << 20};
    const char *kernel = NULL;
    bool verbose = false;
    bool debug = false; /* --debug */
    int gdb_port = -1;  /* --gdb */
    bool gui = false;   /* --gui */
    struct gui_options go = {0};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--mem")) {
            if (!val || parse_size(val, &cfg.ram_size) != 0)
                return usage_error("--mem needs a size such as 64M, not '%s'", val ? val : "");
            if (cfg.ram_size < PHYSMEM_MIN_SIZE || cfg.ram_size > PHYSMEM_MAX_SIZE ||
                cfg.ram_size % 4096)
                return usage_error("--mem %s: RAM must be 1M..3G and a multiple of 4K", val);
            i++;
        } else if (!strcmp(a, "--max-insns")) {
            if (!val || parse_u64(val, &cfg.max_insns) != 0 || cfg.max_insns == 0)
                return usage_error("--max-insns needs a positive instruction count, not '%s'",
                                   val ? val : "");
            i++;
        } else if (!strcmp(a, "--input") || !strcmp(a, "--disk")) {
            if (!val)
                return usage_error("%s needs a file name", a);
            if (a[2] == 'i')
                cfg.devices.console_input = val;
            else
                cfg.devices.disk_path = val;
            i++;
        } else if (!strcmp(a, "--disk-size")) {
            uint32_t size;
            if (!val || parse_size(val, &size) != 0 || size == 0 || size % 512)
                return usage_error(
                    "--disk-size needs a size that is a multiple of 512, such as 16M, not '%s'",
                    val ? val : "");
            cfg.devices.disk_create_size = size;
            i++;
        } else if (!strcmp(a, "--cmdline")) {
            if (!val)
                return usage_error("%s needs a value", a);
            cfg.cmdline = val;
            i++;
        } else if (!strcmp(a, "--disk-readonly")) {
            cfg.devices.disk_readonly = true;
        } else if (!strcmp(a, "--gdb")) {
            if ((gdb_port = gdbstub_parse_port(val)) < 0)
                return usage_error("--gdb needs a TCP port number (0..65535), not '%s'",
                                   val ? val : "");
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
                return usage_error("%s needs a file name", a);
            go.screenshot = val;
            i++;
        } else if (!strcmp(a, "--screenshot-at")) {
            if (!val || parse_u64(val, &go.shot_at) != 0 || i + 2 >= argc)
                return usage_error("--screenshot-at needs a virtual time and a file name, not '%s'",
                                   val ? val : "");
            go.shot_at_path = argv[i + 2];
            i += 2;
        } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            verbose = true;
        } else if (a[0] == '-' && a[1]) {
            return usage_error("unknown option '%s'", a);
        } else if (!kernel) {
            kernel = a;
        } else {
            return usage_error("more than one kernel given ('%s')", a);
        }
    }
    if ((cfg.devices.disk_create_size || cfg.devices.disk_readonly) && !cfg.devices.disk_path)
        return usage_error("%s", "--disk-size and --disk-readonly need --disk FILE");
    if (cfg.devices.disk_create_size && cfg.devices.disk_readonly)
        return usage_error("%s", "--disk-size cannot create an image attached --disk-readonly");
    if (debug && gdb_port >= 0)
        return usage_error("%s", "--debug and --gdb cannot be used together");
    if (gui && (debug || gdb_port >= 0))
        return usage_error("%s", "--gui cannot be used with --debug or --gdb");
    if (!gui && (go.start_paused || go.exit_at_end || go.dump || go.screenshot || go.shot_at_path))
        return usage_error("%s",
                           "--gui-paused, --gui-exit, --gui-dump and --screenshot need --gui");
    cfg.devices.console_output = stdout;
    cfg.devices.ncpus = 1;

    char err[512];
    struct gui *window = NULL;
    if (gui) {
        go.keyboard = !cfg.devices.console_input;
        go.input_name = cfg.devices.console_input;
        go.kernel_path = kernel;
        go.image = basicoz_image;
        go.image_size = basicoz_image_size;
        go.image_name = "built-in BasicOZ";
        if (!(window = gui_open(&go, err, sizeof err))) {
            fprintf(stderr, "space: --gui: %s\n", err);
            return EXIT_BAD_INPUT;
        }
        if (go.keyboard)
            cfg.devices.console_source = gui_console_source_of(window);
        cfg.devices.console_sink = gui_console_sink_of(window);
    }
    platform_on_interrupt(on_ctrl_c);
    struct machine *m = machine_create(&cfg, err, sizeof err);
    if (!m) {
        fprintf(stderr, "space: %s\n", err);
        gui_close(window);
        return EXIT_BAD_INPUT;
    }
    int booted = kernel ? machine_boot(m, kernel, err, sizeof err)
                        : machine_boot_image(m, "built-in BasicOZ", basicoz_image,
                                             basicoz_image_size, err, sizeof err);
    if (booted != 0) {
        fprintf(stderr, "space: %s\n", err);
        machine_destroy(m);
        gui_close(window);
        return EXIT_BAD_IMAGE;
    }
    if (debug) {
        struct debug_cli_config dc = {.kernel_path = kernel,
                                      .image = basicoz_image,
                                      .image_size = basicoz_image_size,
                                      .image_name = "built-in BasicOZ",
                                      .in = stdin,
                                      .out = stdout};
        int status = debug_cli_run(m, &dc);
        machine_destroy(m);
        return status;
    }
    struct gdbstub *gdb = NULL;
    const char *end_why = NULL; /* how gdb or the window ended the machine */
    if (gdb_port >= 0 && !(gdb = gdbstub_listen(gdb_port, err, sizeof err))) {
        fprintf(stderr, "space: --gdb %d: %s\n", gdb_port, err);
        machine_destroy(m);
        return EXIT_USAGE;
    }
    running = m;
    if (ctrl_c_early)
        machine_interrupt(m);
    enum machine_state st = gdb      ? gdbstub_serve(gdb, m, &end_why)
                            : window ? gui_run(window, m, &end_why)
                                     : machine_run(m);
    gdbstub_close(gdb);
    running = NULL;
    fflush(stdout);

    int status;
    uint64_t t = cpu_time(m->cpu);
    struct cpu_regs r;
    cpu_get_regs(m->cpu, &r);
    switch (st) {
    case MACHINE_HALTED:
        status = (int)(m->exit_code & 0xff);
        if (verbose)
            fprintf(stderr, "space: guest halted with code %u after %llu instructions\n",
                    m->exit_code, (unsigned long long)t);
        break;
    case MACHINE_LIMIT:
        fprintf(stderr,
                "space: instruction limit reached: %llu instructions, CONTEXT %u MODE %u pc %#x\n",
                (unsigned long long)t, cpu_context(m->cpu), cpu_mode(m->cpu), r.eip);
        status = EXIT_LIMIT;
        break;
    case MACHINE_INTERRUPTED:
        fprintf(stderr, "space: %s after %llu instructions, CONTEXT %u MODE %u pc %#x\n",
                end_why ? end_why : "interrupted", (unsigned long long)t, cpu_context(m->cpu),
                cpu_mode(m->cpu), r.eip);
        status = EXIT_INTERRUPTED;
        break;
    default:
        fprintf(stderr, "space: machine stop after %llu instructions: %s\n", (unsigned long long)t,
                m->reason);
        machine_describe_chain(m, stderr);
        status = EXIT_MACHINE_STOP;
        break;
    }
    machine_destroy(m);
    gui_close(window); /* (after the machine: its devices used the window's console) */
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("space %s\n", SPACE_VERSION);
        return 0;
    }
    if (!strcmp(argv[1], "run"))
        return cmd_run(argc - 2, argv + 2);
    return usage_error("unknown command '%s'", argv[1]);
}
