/* test_devdocs: every device kind has its section in docs/devices.md
 * ("## N. Name"), and that section has a table row for every register of
 * the kind's descriptor (| `0xOFF` | `NAME` |) and mentions every option it
 * declares (`--name`). usage: test_devdocs docs/devices.md */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/device.h"

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) == (size_t)n)
        s[n] = 0;
    else {
        free(s);
        s = NULL;
    }
    fclose(f);
    return s;
}

static bool starts_with_nocase(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++)
        if (tolower((unsigned char)*s) != tolower((unsigned char)*prefix))
            return false;
    return true;
}

/* The section "## N. Name" whose Name starts with the kind's name (any
 * case), up to the next "## "; NULL if there is none. */
static char *section(const char *doc, const char *kind)
{
    for (const char *p = doc; (p = strstr(p, "\n## ")); p++) {
        const char *t = p + 4;
        while (isdigit((unsigned char)*t) || *t == '.' || *t == ' ')
            t++;
        if (!starts_with_nocase(t, kind))
            continue;
        const char *end = strstr(t, "\n## ");
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char *s = malloc(len + 1);
        memcpy(s, p, len);
        s[len] = 0;
        return s;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    char *doc = argc == 2 ? read_all(argv[1]) : NULL;
    if (!doc) {
        fprintf(stderr, "usage: test_devdocs docs/devices.md (readable)\n");
        return 2;
    }
    int bad = 0, regs = 0;
    for (unsigned k = 0; device_kinds[k]; k++) {
        const struct device_kind *kind = device_kinds[k];
        char *sec = section(doc, kind->name);
        if (!sec) {
            printf("FAIL: %s: no section '## N. %s' in docs/devices.md\n", kind->name, kind->name);
            bad++;
            continue;
        }
        for (const struct device_reg *r = kind->registers; r && r->name; r++, regs++) {
            char row[96];
            snprintf(row, sizeof row, "| `0x%02x` | `%s` |", r->offset, r->name);
            if (!strstr(sec, row)) {
                printf("FAIL: %s: register %s at 0x%02x has no row '%s'\n", kind->name, r->name,
                       r->offset, row);
                bad++;
            }
        }
        for (const struct device_option *o = kind->options; o && o->name; o++) {
            char opt[64];
            snprintf(opt, sizeof opt, "`--%s", o->name);
            if (!strstr(sec, opt)) {
                printf("FAIL: %s: option --%s is not in its section\n", kind->name, o->name);
                bad++;
            }
        }
        free(sec);
    }
    free(doc);
    if (!bad)
        printf("every register (%d) and option of every device is documented\n", regs);
    return bad ? 1 : 0;
}
