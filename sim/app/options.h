/* options: the command-line parsing the space commands (run, replay,
 * grade) share, on getopt_long: --opt=value and --opt value alike, options
 * and operands in any order, "--" ending the options, -h/--help, and every
 * error one line "space: ... (see space --help)" for exit status 2.
 *
 * A command declares its options in tables (name, value, help, id); the
 * getopt_long table is built from them when parsing starts, so `space
 * run` can append options at run time (those the devices declare), and
 * --help prints from the same tables. getopt_long is in glibc, macOS and
 * MinGW's runtime; MSVC has none. */
#ifndef SPACE_OPTIONS_H
#define SPACE_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

struct option;

/* One option of a command. Tables of them end with {0}. */
struct cmd_option {
    const char *name;    /* the long name, without "--" */
    char short_name;     /* e.g. 'v' for -v; 0: none */
    const char *metavar; /* its value's name in --help, e.g. "SIZE"; NULL: a flag */
    const char *help;    /* lines separated by '\n' */
    int id;              /* what options_next returns for it (>= 0) */
};

/* What options_next returns besides an option's id. */
enum {
    OPTIONS_END = -1,     /* no more arguments */
    OPTIONS_OPERAND = -2, /* a non-option argument (in *value) */
    OPTIONS_HELP = -3,    /* -h or --help: print the command's help, exit 0 */
    OPTIONS_ERROR = -4,   /* said in one line: exit with status 2 */
};

struct options {
    int argc;
    char **argv; /* argv[0] is the command's name ("run") */
    struct cmd_option *opt;
    unsigned n, cap;
    const struct cmd_option *last; /* what options_next returned last */
    struct option *longopts;       /* built by the first options_next */
    char *shortopts;
    bool failed; /* out of host memory while adding */
    bool rest;   /* getopt_long has finished: only operands are left */
};

/* Starts with -h/--help declared; argv[0] is the command's name. */
void options_init(struct options *o, int argc, char **argv);
/* Appends the options of a table (in --help order). */
void options_add(struct options *o, const struct cmd_option *table);
void options_free(struct options *o);

/* The next option or operand, in the order given: an option's id with
 * *value its value (NULL for a flag), or one of OPTIONS_*. */
int options_next(struct options *o, const char **value);
/* The argument after the last option's value, taken as a second value
 * (--screenshot-at N FILE), or NULL if there is none. */
const char *options_extra(struct options *o);

/* Prints the options' lines for --help: "  -v, --verbose    help". */
void options_print(const struct options *o, FILE *out);

#endif
