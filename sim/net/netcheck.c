#include "netcheck.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/util/hash.h"

#define NETCHECK_MAGIC "space-network 1"

/* The counters compared, in order, with the words a report uses. */
#define NCOUNTERS 8
static const char *const counter_name[NCOUNTERS] = {
    "frames sent",    "bytes sent",        "frames delivered", "frames lost",
    "frames cut off", "frames duplicated", "frames reordered", "frames on their way"};

static void counters(const struct netmodel *n, uint64_t v[NCOUNTERS])
{
    const struct net_stats *s = netmodel_stats(n);
    uint64_t all[NCOUNTERS] = {s->sent, s->bytes,      s->delivered, s->lost,
                               s->cut,  s->duplicated, s->reordered, netmodel_in_flight(n)};
    memcpy(v, all, sizeof all);
}

uint64_t netcheck_hash(const struct netmodel *n, uint32_t nodes)
{
    uint64_t v[NCOUNTERS];
    counters(n, v);
    uint64_t h = hash64(v, sizeof v, 0);
    for (uint32_t k = 0; k < nodes; k++)
        h = netmodel_hash_queue(n, k, h);
    return h;
}

int netcheck_write(const char *path, const char *spec, uint64_t seed, uint32_t nodes, uint64_t at,
                   const struct netmodel *n, char *err, unsigned errlen)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "cannot create %s", path);
        return -1;
    }
    uint64_t v[NCOUNTERS];
    counters(n, v);
    fprintf(f, NETCHECK_MAGIC "\nnodes %" PRIu32 "\nseed %" PRIu64 "\nnet %s\nat %" PRIu64 "\n",
            nodes, seed, spec ? spec : "", at);
    fprintf(f, "counters");
    for (unsigned i = 0; i < NCOUNTERS; i++)
        fprintf(f, " %" PRIu64, v[i]);
    fprintf(f, "\nhash %016" PRIx64 "\n", netcheck_hash(n, nodes));
    if (fclose(f) != 0) {
        snprintf(err, errlen, "cannot write %s", path);
        return -1;
    }
    return 0;
}

/* What a replayed node did: sent a frame (data != NULL) or took one. */
struct act {
    uint64_t at;
    uint32_t peer, len;
    uint8_t *data;
};

struct acts {
    struct act *a;
    size_t n, cap;
};

struct netcheck {
    uint32_t nodes;
    uint64_t seed, at, hash, counters[NCOUNTERS];
    char *spec;
    struct acts *node;
    bool short_of_memory;
};

static char *line_after(char *line, const char *word)
{
    size_t n = strlen(word);
    if (strncmp(line, word, n) != 0 || line[n] != ' ')
        return NULL;
    line[strcspn(line, "\n")] = 0;
    return line + n + 1;
}

struct netcheck *netcheck_open(const char *path, char *err, unsigned errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot open %s", path);
        return NULL;
    }
    struct netcheck *nc = calloc(1, sizeof *nc);
    char l[6][4096], *v[6];
    static const char *const word[6] = {"nodes", "seed", "net", "at", "counters", "hash"};
    bool ok = nc && fgets(l[0], sizeof l[0], f) && strcmp(l[0], NETCHECK_MAGIC "\n") == 0;
    for (unsigned i = 0; ok && i < 6; i++)
        ok = fgets(l[i], sizeof l[i], f) && (v[i] = line_after(l[i], word[i]));
    int used = 0;
    ok = ok && sscanf(v[0], "%" SCNu32 "%n", &nc->nodes, &used) == 1 && !v[0][used] &&
         nc->nodes > 0 && sscanf(v[1], "%" SCNu64 "%n", &nc->seed, &used) == 1 && !v[1][used] &&
         sscanf(v[3], "%" SCNu64 "%n", &nc->at, &used) == 1 && !v[3][used] &&
         sscanf(v[5], "%" SCNx64 "%n", &nc->hash, &used) == 1 && !v[5][used];
    for (unsigned i = 0, at = 0; ok && i < NCOUNTERS; i++, at += used)
        ok = sscanf(v[4] + at, "%" SCNu64 "%n", &nc->counters[i], &used) == 1;
    fclose(f);
    if (!ok) {
        snprintf(err, errlen,
                 "%s: not the network's checkpoint (%s then nodes, seed, net, at, "
                 "counters, hash)",
                 path, NETCHECK_MAGIC);
        free(nc);
        return NULL;
    }
    size_t speclen = strlen(v[2]) + 1;
    if ((nc->spec = malloc(speclen)))
        memcpy(nc->spec, v[2], speclen);
    nc->node = calloc(nc->nodes, sizeof *nc->node);
    if (!nc->spec || !nc->node) {
        snprintf(err, errlen, "out of host memory");
        netcheck_close(nc);
        return NULL;
    }
    return nc;
}

static void add(struct netcheck *nc, uint32_t node, struct act a)
{
    if (node >= nc->nodes) /* (a trace of another run: the counters will say) */
        return;
    struct acts *s = &nc->node[node];
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        struct act *p = realloc(s->a, cap * sizeof *p);
        if (!p) {
            nc->short_of_memory = true;
            free(a.data);
            return;
        }
        s->a = p;
        s->cap = cap;
    }
    s->a[s->n++] = a;
}

void netcheck_sent(struct netcheck *nc, uint32_t node, uint64_t at, uint32_t peer, const void *data,
                   uint32_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy) {
        nc->short_of_memory = true;
        return;
    }
    memcpy(copy, data, len);
    add(nc, node, (struct act){at, peer, len, copy});
}

void netcheck_took(struct netcheck *nc, uint32_t node, uint64_t at)
{
    add(nc, node, (struct act){at, 0, 0, NULL});
}

static void no_one(void *arg, uint32_t node)
{
    (void)arg, (void)node;
}

bool netcheck_verdict(struct netcheck *nc, char *report, unsigned len)
{
    struct net_spec spec;
    char why[300];
    if (nc->short_of_memory) {
        snprintf(report, len, "out of host memory");
        return false;
    }
    if (net_spec_parse(nc->spec, nc->nodes, &spec, why, sizeof why) != 0) {
        snprintf(report, len, "the recorded --net spec: %s", why);
        return false;
    }
    struct netmodel *n = netmodel_create(&spec, nc->nodes, nc->seed);
    uint64_t window = spec.latency;
    net_spec_free(&spec);
    if (!n) {
        snprintf(report, len, "out of host memory");
        return false;
    }
    /* The windows as the run had them: what the nodes did before each
     * barrier, then the barrier. */
    size_t *next = calloc(nc->nodes, sizeof *next);
    for (uint64_t end = window; next && end <= nc->at; end += window) {
        for (uint32_t k = 0; k < nc->nodes; k++) {
            const struct acts *s = &nc->node[k];
            for (; next[k] < s->n && s->a[next[k]].at < end; next[k]++) {
                const struct act *a = &s->a[next[k]];
                if (a->data)
                    netmodel_send(n, k, a->at, a->peer, a->data, a->len);
                else
                    netmodel_pop(n, k);
            }
        }
        netmodel_flush(n, no_one, NULL);
    }
    uint64_t v[NCOUNTERS];
    counters(n, v);
    bool same = next != NULL;
    for (unsigned i = 0; same && i < NCOUNTERS; i++)
        if (v[i] != nc->counters[i]) {
            snprintf(report, len,
                     "at virtual time %" PRIu64 " (the last barrier): %" PRIu64 " %s recorded, "
                     "%" PRIu64 " replayed",
                     nc->at, nc->counters[i], counter_name[i], v[i]);
            same = false;
        }
    uint64_t h = netcheck_hash(n, nc->nodes);
    if (same && h != nc->hash) {
        snprintf(report, len,
                 "at virtual time %" PRIu64 " (the last barrier): the frames on their way differ "
                 "(hash %016" PRIx64 " recorded, %016" PRIx64 " replayed)",
                 nc->at, nc->hash, h);
        same = false;
    }
    if (!next)
        snprintf(report, len, "out of host memory");
    free(next);
    netmodel_free(n);
    return same;
}

void netcheck_close(struct netcheck *nc)
{
    if (!nc)
        return;
    for (uint32_t k = 0; nc->node && k < nc->nodes; k++) {
        for (size_t i = 0; i < nc->node[k].n; i++)
            free(nc->node[k].a[i].data);
        free(nc->node[k].a);
    }
    free(nc->node);
    free(nc->spec);
    free(nc);
}
