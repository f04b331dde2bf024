/* cli: what the space commands (run, replay, grade) share - exit statuses
 * and the parsing of option values. */
#ifndef SPACE_CLI_H
#define SPACE_CLI_H

#include <stdint.h>

#define EXIT_USAGE        2
#define EXIT_BAD_IMAGE    3
#define EXIT_BAD_INPUT    4
#define EXIT_LIMIT        124
#define EXIT_MACHINE_STOP 125
#define EXIT_INTERRUPTED  130

/* Prints "space: <fmt with arg> (see space --help)" and returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, const char *arg);

struct machine;
/* --trace FLAGS and --trace-file FILE, as `space run` and `space replay`
 * take them. Returns -1 if `opt` is neither (nothing done), 0 when it took
 * `val` into *flags or *path (checked), or EXIT_USAGE after a one-line
 * message. */
struct cli_trace {
    const char *flags, *path;
};
int cli_trace_option(const char *opt, const char *val, struct cli_trace *t);
/* Attaches the tracer to a booted machine: 0, or EXIT_BAD_INPUT after a
 * one-line message (FILE cannot be created). NULL flags: nothing. */
int cli_attach_trace(struct machine *m, const char *flags, const char *path);

/* The commands (sim/app/main.c, sim/app/replay_cmd.c, sim/app/grade_cmd.c). */
int cmd_replay(int argc, char **argv);
int cmd_grade(int argc, char **argv);

#endif
