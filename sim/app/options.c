/* options: command lines through getopt_long (options.h). */
#include "options.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* getopt_long's val of option i: above every short option's character. */
#define LONG_VAL(i) (256 + (int)(i))
#define HELP_COLUMN 19 /* where the help of an option starts in --help */

static const struct cmd_option help_option[] = {
    {"help", 'h', NULL, "print this help and exit", OPTIONS_HELP},
    {0},
};

void options_init(struct options *o, int argc, char **argv)
{
    *o = (struct options){.argc = argc, .argv = argv};
    options_add(o, help_option);
}

void options_add(struct options *o, const struct cmd_option *table)
{
    for (; table->name; table++) {
        if (o->n == o->cap) {
            unsigned cap = o->cap ? 2 * o->cap : 32;
            struct cmd_option *opt = realloc(o->opt, cap * sizeof *opt);
            if (!opt) {
                o->failed = true;
                return;
            }
            o->opt = opt;
            o->cap = cap;
        }
        o->opt[o->n++] = *table;
    }
}

void options_free(struct options *o)
{
    free(o->opt);
    free(o->longopts);
    free(o->shortopts);
    *o = (struct options){0};
}

/* The getopt_long tables: "-" returns operands in order (no permuting),
 * ":" reports a missing value apart from an unknown option. */
static bool build(struct options *o)
{
    o->longopts = calloc(o->n + 1, sizeof *o->longopts);
    o->shortopts = malloc(3 + 2 * (size_t)o->n + 1);
    if (!o->longopts || !o->shortopts)
        return false;
    char *s = o->shortopts;
    *s++ = '-';
    *s++ = ':';
    for (unsigned i = 0; i < o->n; i++) {
        const struct cmd_option *c = &o->opt[i];
        o->longopts[i] = (struct option){c->name, c->metavar ? required_argument : no_argument,
                                         NULL, LONG_VAL(i)};
        if (c->short_name) {
            *s++ = c->short_name;
            if (c->metavar)
                *s++ = ':';
        }
    }
    *s = 0;
    opterr = 0; /* (the messages are ours) */
    return true;
}

/* The option getopt_long's val names, or NULL. */
static const struct cmd_option *option_of(const struct options *o, int val)
{
    if (val >= LONG_VAL(0) && val < LONG_VAL(o->n))
        return &o->opt[val - LONG_VAL(0)];
    for (unsigned i = 0; val > 0 && i < o->n; i++)
        if (o->opt[i].short_name == val)
            return &o->opt[i];
    return NULL;
}

/* An option getopt_long did not take: unknown, ambiguous, a flag given a
 * value, or a value missing. */
static int reject(struct options *o, int got)
{
    const struct cmd_option *c = option_of(o, optopt);
    char what[200];
    if (got == ':' && c) {
        snprintf(what, sizeof what, "--%s needs a value: --%s %s", c->name, c->name, c->metavar);
        return cli_usage_error("%s", what), OPTIONS_ERROR;
    }
    if (c && optopt >= LONG_VAL(0)) {
        snprintf(what, sizeof what, "--%s", c->name);
        return cli_usage_error("%s takes no value", what), OPTIONS_ERROR;
    }
    if (optopt) {
        char arg[3] = {'-', (char)optopt, 0};
        return cli_usage_error("unknown option '%s'", arg), OPTIONS_ERROR;
    }
    /* an unknown or ambiguous long option: the argument itself, to its '=' */
    const char *a = o->argv[optind - 1];
    size_t len = strcspn(a + 2, "=");
    unsigned matches = 0;
    for (unsigned i = 0; i < o->n; i++)
        matches += !strncmp(o->opt[i].name, a + 2, len);
    char arg[120];
    snprintf(arg, sizeof arg, "%.*s", (int)(len + 2 < 100 ? len + 2 : 100), a);
    return cli_usage_error(matches > 1 ? "ambiguous option '%s'" : "unknown option '%s'", arg),
           OPTIONS_ERROR;
}

int options_next(struct options *o, const char **value)
{
    *value = NULL;
    if (!o->longopts && (o->failed || !build(o))) {
        fprintf(stderr, "space: out of host memory\n");
        return OPTIONS_ERROR;
    }
    /* getopt_long is done at the end or at "--": the rest are operands */
    int got = o->rest ? -1 : getopt_long(o->argc, o->argv, o->shortopts, o->longopts, NULL);
    if (got == -1) {
        o->rest = true;
        if (optind < o->argc) {
            *value = o->argv[optind++];
            return OPTIONS_OPERAND;
        }
        return OPTIONS_END;
    }
    if (got == 1) {
        *value = optarg;
        return OPTIONS_OPERAND;
    }
    if (got == '?' || got == ':')
        return reject(o, got);
    o->last = option_of(o, got);
    *value = o->last->metavar ? optarg : NULL;
    return o->last->id;
}

const char *options_extra(struct options *o)
{
    return optind < o->argc ? o->argv[optind++] : NULL;
}

void options_print(const struct options *o, FILE *out)
{
    for (unsigned i = 0; i < o->n; i++) {
        const struct cmd_option *c = &o->opt[i];
        char head[120], shortname[8] = "";
        if (c->short_name)
            snprintf(shortname, sizeof shortname, "-%c, ", c->short_name);
        int col = snprintf(head, sizeof head, "  %s--%s%s%s", shortname, c->name,
                           c->metavar ? " " : "", c->metavar ? c->metavar : "");
        fputs(head, out);
        /* the help beside the option if it fits, each further line under it */
        for (const char *h = c->help; *h;) {
            int n = (int)strcspn(h, "\n");
            if (col >= HELP_COLUMN) {
                fputc('\n', out);
                col = 0;
            }
            fprintf(out, "%*s%.*s", HELP_COLUMN - col, "", n, h);
            col = HELP_COLUMN;
            h += n + (h[n] == '\n');
        }
        fputc('\n', out);
    }
}
