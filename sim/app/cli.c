#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/machine.h"
#include "sim/core/tracer.h"

int cli_usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "space: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see space --help)\n");
    return EXIT_USAGE;
}

int cli_trace_option(const char *opt, const char *val, struct cli_trace *t)
{
    bool file = !strcmp(opt, "--trace-file");
    if (!file && strcmp(opt, "--trace"))
        return -1;
    if (!val)
        return cli_usage_error(file ? "%s needs a file name" : "%s needs flags (e.g. trap,op)",
                               opt);
    if (file) {
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
