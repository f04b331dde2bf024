/* cli: what the space commands (run, replay, grade) share - exit statuses,
 * the usage error, the --trace and window options, and each command's entry
 * and help.
 * The parsing itself is sim/app/options.h's. */
#ifndef SPACE_CLI_H
#define SPACE_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "options.h"

#define EXIT_USAGE        2
#define EXIT_BAD_IMAGE    3
#define EXIT_BAD_INPUT    4
#define EXIT_LIMIT        124
#define EXIT_MACHINE_STOP 125
#define EXIT_INTERRUPTED  130

/* Prints "space: <fmt with arg> (see space --help)" and returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, const char *arg);

/* An option of o (id >= 0) given an empty value (--out=): the usage
 * error "--NAME needs a value", EXIT_USAGE; else 0. */
int cli_empty_value(const struct options *o, int id, const char *val);

struct machine;

/* --trace FLAGS and --trace-file FILE, as `space run` and `space replay`
 * take them: their table (ids CLI_TRACE and CLI_TRACE_FILE), and
 * cli_trace_option, which returns -1 if `id` is neither (nothing done), 0
 * when it took `val` into *flags or *path (checked), or EXIT_USAGE after a
 * one-line message. */
enum { CLI_TRACE = 1000, CLI_TRACE_FILE };
extern const struct cmd_option cli_trace_options[];
struct cli_trace {
    const char *flags, *path;
};
int cli_trace_option(int id, const char *val, struct cli_trace *t);
/* Attaches the tracer to a booted machine: 0, or EXIT_BAD_INPUT after a
 * one-line message (FILE cannot be created). NULL flags: nothing. */
int cli_attach_trace(struct machine *m, const char *flags, const char *path);

/* What shapes the window of --gui, as `space run` and `space replay` take
 * it (--gui-paused, --gui-exit, --screenshot, --screenshot-at, --gui-dump):
 * their table, and cli_window_option, which returns -1 if `id` is none of
 * them (nothing done), 0 when it took `val` (and --screenshot-at's file
 * from o) into *go, or EXIT_USAGE after a one-line message. */
enum { CLI_GUI_PAUSED = 1100, CLI_GUI_EXIT, CLI_SCREENSHOT, CLI_SCREENSHOT_AT, CLI_GUI_DUMP };
extern const struct cmd_option cli_window_options[];
struct gui_options;
int cli_window_option(int id, const char *val, struct options *o, struct gui_options *go);
/* Whether any of them was given (each needs --gui). */
bool cli_window_options_given(const struct gui_options *go);
#define CLI_WINDOW_OPTIONS_NEED_GUI                                                                \
    "--gui-paused, --gui-exit, --gui-dump and --screenshot need --gui"

/* The commands (sim/app/main.c, sim/app/replay_cmd.c, sim/app/grade_cmd.c,
 * sim/app/bench_kernel_cmd.c):
 * argv[0] is the command's name. */
int cmd_replay(int argc, char **argv);
int cmd_timeline(int argc, char **argv);
int cmd_grade(int argc, char **argv);
int cmd_bench_kernel(int argc, char **argv);

/* A command's help: its usage lines ("space replay ...", one a line),
 * then what it does, its options and its exit statuses (describe).
 * `space CMD --help` prints the command's; `space --help` all of them. */
struct cmd_help {
    const char *usage;
    void (*describe)(FILE *out);
};
extern const struct cmd_help run_help, replay_help, grade_help, bench_kernel_help, timeline_help;
/* Prints usage lines, the first after "usage: ", the others under it. */
void cli_print_usage(FILE *out, const char *lines);
/* `space CMD --help`: the usage lines, a blank line, the description. */
int cli_help(const struct cmd_help *h);

#endif
