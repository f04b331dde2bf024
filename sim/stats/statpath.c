#include "statpath.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

#define MAX_PATH     128
#define MAX_SEGMENTS 16
#define LISTED_KEYS  5 /* member names an error lists */

/* What the members of a container are called in an error, by the
 * container's key ("KEY.#": a container under a number in KEY). Their range
 * or names come from the tree. */
static const struct {
    const char *container, *member;
} member_words[] = {
    {"cpus", "a CPU number"},         {"by_mode", "a MODE"},
    {"by_context", "a CONTEXT"},      {"by_context_mode", "a CONTEXT"},
    {"by_context_mode.#", "a MODE"},  {"by_number", "a trap number"},
    {"by_kind", "an operation name"}, {"devices", "a device index"},
    {"contexts", "a CONTEXT"},
};

/* "guest.NAME" with a name the guest may publish (SPACE_OP_METRIC): a
 * statistic of every machine, which one that never published it lacks. */
static const char *guest_name(const char *path)
{
    static const char prefix[] = "guest.";
    if (strncmp(path, prefix, sizeof prefix - 1) != 0)
        return NULL;
    return metrics_name_ok(path + sizeof prefix - 1) ? path + sizeof prefix - 1 : NULL;
}

static bool is_number(const char *s)
{
    return *s && strlen(s) <= 9 && strspn(s, "0123456789") == strlen(s);
}

/* Splits a copy of `path` (buf) into segments, "[n]" read as ".n"; 0 if
 * there are too many. */
static unsigned split(const char *path, char *buf, char **seg)
{
    size_t n = 0;
    for (const char *p = path; *p && n + 1 < MAX_PATH; p++)
        if (*p != ']')
            buf[n++] = *p == '[' ? '.' : *p;
    buf[n] = 0;
    unsigned count = 0;
    for (char *p = buf;;) {
        if (count == MAX_SEGMENTS)
            return 0;
        seg[count++] = p;
        char *dot = strchr(p, '.');
        if (!dot)
            return count;
        *dot = 0;
        p = dot + 1;
    }
}

/* Where a walk down the tree got to. */
struct walk {
    char buf[MAX_PATH]; /* the path's segments (the keys point into it) */
    const json_t *node; /* the value found; or the one that has no such member */
    unsigned seg;       /* segments walked */
    const char *key;    /* node's key ("" for the whole tree) */
    const char *parent; /* the key of the container holding node */
};

static bool walk(const json_t *tree, char **seg, unsigned nseg, struct walk *w)
{
    w->node = tree;
    w->seg = 0;
    w->key = w->parent = "";
    for (; w->seg < nseg; w->seg++) {
        const char *s = seg[w->seg];
        const json_t *next = NULL;
        if (json_is_object(w->node))
            next = json_object_get(w->node, s);
        else if (json_is_array(w->node) && is_number(s))
            next = json_array_get(w->node, strtoul(s, NULL, 10));
        if (!next)
            return false;
        w->parent = w->key;
        w->key = s;
        w->node = next;
    }
    return true;
}

/* What the members of the container w->node are: "a MODE (0..3)", "one of
 * total, unmapped, ...". */
static void describe_members(const struct walk *w, char *buf, size_t len)
{
    char name[64], range[160] = "";
    if (is_number(w->key))
        snprintf(name, sizeof name, "%s.#", w->parent);
    else
        snprintf(name, sizeof name, "%s", w->key);
    const char *word = NULL;
    for (size_t i = 0; i < sizeof member_words / sizeof member_words[0]; i++)
        if (!strcmp(member_words[i].container, name))
            word = member_words[i].member;

    const char *key, *first = NULL, *last = NULL;
    json_t *m;
    size_t n = 0, o = 0;
    bool numbers = true;
    if (json_is_array(w->node)) {
        n = json_array_size(w->node);
        snprintf(range, sizeof range, n ? "0..%zu" : "none", n - 1);
    } else {
        json_object_foreach((json_t *)w->node, key, m) {
            numbers = numbers && is_number(key);
            first = first ? first : key;
            last = key;
            if (n++ < LISTED_KEYS && o < sizeof range)
                o += (size_t)snprintf(range + o, sizeof range - o, "%s%s", n > 1 ? ", " : "", key);
        }
        if (numbers && n)
            snprintf(range, sizeof range, "%s..%s", first, last);
        else if (n > LISTED_KEYS && o < sizeof range)
            snprintf(range + o, sizeof range - o, ", ...");
    }
    if (word)
        snprintf(buf, len, "%s (%s)", word, range);
    else
        snprintf(buf, len, "one of %s", range);
}

/* The value at path: 0, or -1 with why not in err (w says where the walk
 * stopped). */
static int lookup(const json_t *tree, const char *path, uint64_t *value, struct walk *w, char *err,
                  unsigned errlen)
{
    char *seg[MAX_SEGMENTS], what[200];
    unsigned nseg = *path && strlen(path) < MAX_PATH ? split(path, w->buf, seg) : 0;
    bool found = walk(tree, seg, nseg, w);
    if (nseg && found && json_is_integer(w->node)) {
        *value = (uint64_t)json_integer_value(w->node);
        return 0;
    }
    bool container = json_is_object(w->node) || json_is_array(w->node);
    if (container)
        describe_members(w, what, sizeof what);
    if (!nseg || w->seg == 0)
        snprintf(err, errlen,
                 "'%s' is not a statistic (the names are the number keys of "
                 "docs/instrumentation.md, e.g. virtual_time, cpus[0].by_mode[3])",
                 path);
    else if (w->seg < nseg && container)
        snprintf(err, errlen, "'%s' is not a statistic: segment %u should be %s", path, w->seg + 1,
                 what);
    else if (w->seg < nseg)
        snprintf(err, errlen, "'%s' is not a statistic: %s is a number, with nothing under it",
                 path, w->key);
    else if (container)
        snprintf(err, errlen, "'%s' is not a statistic but a group of them: add %s", path, what);
    else
        snprintf(err, errlen, "'%s' is not a statistic: it is not a number", path);
    return -1;
}

/* The tree of the largest machine: every name there is. */
static json_t *largest_tree(void)
{
    struct space_stats *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->ncpus = STATS_MAX_CPUS;
    s->ndevices = BUS_MAX_DEVICES;
    json_t *t = stats_tree(s);
    free(s);
    return t;
}

int statpath_check(const char *path, char *err, unsigned errlen)
{
    if (guest_name(path))
        return 0;
    if (!strncmp(path, "guest.", 6)) {
        snprintf(err, errlen,
                 "'%s' is not a statistic: a guest metric's name is 1..31 of a-z, 0-9 and _", path);
        return -1;
    }
    json_t *t = largest_tree();
    if (!t) {
        snprintf(err, errlen, "out of host memory for the statistics");
        return -1;
    }
    uint64_t v;
    struct walk w;
    int r = lookup(t, path, &v, &w, err, errlen);
    json_decref(t);
    return r;
}

int statpath_get(const json_t *tree, const char *path, uint64_t *value, char *err, unsigned errlen)
{
    struct walk w;
    if (lookup(tree, path, value, &w, err, errlen) == 0)
        return 0;
    if (guest_name(path)) {
        snprintf(err, errlen, "the guest never published metric %s", guest_name(path));
        return -1;
    }
    /* a name of the largest machine that this one lacks: a CPU or device
     * beyond its last */
    char why[8], has[64];
    size_t n = json_array_size(w.node);
    if (!json_is_array(w.node) || statpath_check(path, why, sizeof why) != 0)
        return -1;
    if (n)
        snprintf(has, sizeof has, "%s 0..%zu", w.key, n - 1);
    else
        snprintf(has, sizeof has, "no %s", w.key);
    snprintf(err, errlen, "%s: no such CPU or device in this machine (%s)", path, has);
    return -1;
}
