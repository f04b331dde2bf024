#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/machine.h"
#include "sim/core/tracer.h"
#include "sim/net/transport.h"
#include "sim/util/parse.h"
#include "ui/gui/gui.h"

int cli_usage_error(const char *fmt, const char *arg)
{
    uint32_t rank, ranks;
    if (transport_launched(&rank, &ranks) && rank != 0)
        return EXIT_USAGE; /* (under mpirun, process 0 says it, once) */
    fprintf(stderr, "space: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see space --help)\n");
    return EXIT_USAGE;
}

int cli_empty_value(const struct options *o, int id, const char *val)
{
    if (id < 0 || !val || *val)
        return 0;
    char opt[64];
    snprintf(opt, sizeof opt, "--%s", o->last->name);
    return cli_usage_error("%s needs a value", opt);
}

const struct cmd_option cli_trace_options[] = {
    {"trace", 0, "FLAGS",
     "write a line per event on standard error: insn (i; insn0..3:\n"
     "one MODE), trap (t), tlb (l), fault (f), reg (r), irq (n),\n"
     "dma (d), op (o), all (a); guest (g): only where the guest\n"
     "switches tracing on (space_trace); e.g. --trace trap,op",
     CLI_TRACE},
    {"trace-file", 0, "FILE", "write the trace into FILE instead", CLI_TRACE_FILE},
    {0},
};

int cli_trace_option(int id, const char *val, struct cli_trace *t)
{
    if (id != CLI_TRACE && id != CLI_TRACE_FILE)
        return -1;
    if (id == CLI_TRACE_FILE) {
        t->path = val;
        return 0;
    }
    struct trace_flags f;
    char err[256];
    if (tracer_parse(val, &f, err, sizeof err) != 0) {
        fprintf(stderr, "space: %s\n", err);
        return EXIT_USAGE;
    }
    t->flags = val;
    return 0;
}

const struct cmd_option cli_window_options[] = {
    {"gui-paused", 0, NULL, "with --gui: start paused at the first instruction", CLI_GUI_PAUSED},
    {"gui-exit", 0, NULL,
     "with --gui: close the window and exit when the run ends\n"
     "(without it the window stays open until you close it)",
     CLI_GUI_EXIT},
    {"screenshot", 0, "FILE", "with --gui: write the window as PNG when space exits",
     CLI_SCREENSHOT},
    {"screenshot-at", 0, "N FILE", "with --gui: ... when virtual time reaches N",
     CLI_SCREENSHOT_AT},
    {"gui-dump", 0, NULL, "with --gui: also write each screenshot's text as FILE.txt",
     CLI_GUI_DUMP},
    {0},
};

int cli_window_option(int id, const char *val, struct options *o, struct gui_options *go)
{
    switch (id) {
    case CLI_GUI_PAUSED: go->start_paused = true; return 0;
    case CLI_GUI_EXIT: go->exit_at_end = true; return 0;
    case CLI_SCREENSHOT: go->screenshot = val; return 0;
    case CLI_SCREENSHOT_AT:
        if (parse_u64(val, &go->shot_at) != 0 || !(go->shot_at_path = options_extra(o)))
            return cli_usage_error("--screenshot-at needs a virtual time and a file name, not '%s'",
                                   val);
        return 0;
    case CLI_GUI_DUMP: go->dump = true; return 0;
    default: return -1;
    }
}

bool cli_window_options_given(const struct gui_options *go)
{
    return go->start_paused || go->exit_at_end || go->dump || go->screenshot || go->shot_at_path;
}

void cli_print_usage(FILE *out, const char *lines)
{
    for (const char *l = lines, *prefix = "usage: "; *l; prefix = "       ") {
        size_t n = strcspn(l, "\n");
        fprintf(out, "%s%.*s\n", prefix, (int)n, l);
        l += n + (l[n] == '\n');
    }
}

int cli_help(const struct cmd_help *h)
{
    cli_print_usage(stdout, h->usage);
    putchar('\n');
    h->describe(stdout);
    return 0;
}

int cli_attach_trace(struct machine *m, const char *flags, const char *path)
{
    if (!flags)
        return 0;
    struct trace_flags f;
    char err[256];
    if (tracer_parse(flags, &f, err, sizeof err) != 0) {
        fprintf(stderr, "space: %s\n", err);
        return EXIT_USAGE;
    }
    FILE *out = path ? fopen(path, "w") : stderr;
    if (!out) {
        fprintf(stderr, "space: --trace-file %s: cannot create it: %s\n", path, strerror(errno));
        return EXIT_BAD_INPUT;
    }
    if (tracer_attach(m, &f, out, path != NULL, err, sizeof err) != 0) {
        fprintf(stderr, "space: %s\n", err);
        if (path)
            fclose(out);
        return EXIT_BAD_INPUT;
    }
    return 0;
}
