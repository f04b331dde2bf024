#include "netmodel.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPACE_HOST
#include "basicoz/include/space.h"
#include "sim/util/hash.h"
#include "sim/util/parse.h"

/* ---- The spec ---- */

enum setting_kind { COUNT, PROBABILITY, LINK };

static const struct setting {
    const char *name;
    enum setting_kind kind;
    size_t field; /* COUNT: a uint64_t, PROBABILITY: a uint32_t; LINK: heal or not */
} settings[] = {
    {"latency", COUNT, offsetof(struct net_spec, latency)},
    {"bandwidth", COUNT, offsetof(struct net_spec, bandwidth)},
    {"spread", COUNT, offsetof(struct net_spec, spread)},
    {"loss", PROBABILITY, offsetof(struct net_spec, loss)},
    {"dup", PROBABILITY, offsetof(struct net_spec, dup)},
    {"reorder", PROBABILITY, offsetof(struct net_spec, reorder)},
    {"cut", LINK, 0},
    {"heal", LINK, 1},
};
#define NSETTINGS (sizeof settings / sizeof settings[0])

/* A probability 0..1 written in decimal, as parts of 2^32 (1 is 2^32-1:
 * certain, but for one draw in 2^32). Decimal digits only, so every host
 * reads it alike. */
static int parse_probability(const char *s, uint32_t *out)
{
    uint64_t whole = 0, frac = 0, scale = 1;
    const char *p = s;
    if (*p < '0' || *p > '9')
        return -1;
    while (*p >= '0' && *p <= '9')
        whole = whole * 10 + (uint64_t)(*p++ - '0');
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            if (scale < 1000000000u) {
                frac = frac * 10 + (uint64_t)(*p - '0');
                scale *= 10;
            }
    if (*p || whole > 1 || (whole == 1 && frac))
        return -1;
    uint64_t v = whole ? UINT32_MAX : (frac << 32) / scale;
    *out = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
    return 0;
}

/* A node number below `nodes`, or '*'. */
static int parse_node(const char *s, size_t len, uint32_t nodes, uint32_t *out)
{
    char buf[24];
    uint64_t v;
    if (len == 1 && *s == '*') {
        *out = NET_ANY;
        return 0;
    }
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = 0;
    if (parse_u64(buf, &v) != 0 || v >= nodes)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

/* "A-B@T" */
static int parse_link(const char *s, uint32_t nodes, struct net_cut *c)
{
    const char *dash = strchr(s, '-'), *at = strchr(s, '@');
    if (!dash || !at || dash > at)
        return -1;
    return parse_node(s, (size_t)(dash - s), nodes, &c->a) != 0 ||
                   parse_node(dash + 1, (size_t)(at - dash - 1), nodes, &c->b) != 0 ||
                   parse_u64(at + 1, &c->at) != 0
               ? -1
               : 0;
}

static int add_cut(struct net_spec *spec, const struct net_cut *c)
{
    struct net_cut *more = realloc(spec->cuts, (spec->ncuts + 1) * sizeof *more);
    if (!more)
        return -1;
    spec->cuts = more;
    /* keep time order, stable: after every entry at the same time */
    unsigned i = spec->ncuts;
    while (i > 0 && more[i - 1].at > c->at) {
        more[i] = more[i - 1];
        i--;
    }
    more[i] = *c;
    spec->ncuts++;
    return 0;
}

/* One "name=value": 0, or -1 with a reason. */
static int parse_setting(char *item, uint32_t nodes, struct net_spec *spec, char *err,
                         unsigned errlen)
{
    char *eq = strchr(item, '=');
    const char *value = eq ? eq + 1 : "";
    if (eq)
        *eq = 0;
    const struct setting *st = NULL;
    for (size_t i = 0; i < NSETTINGS; i++)
        if (!strcmp(item, settings[i].name))
            st = &settings[i];
    if (!st) {
        snprintf(err, errlen,
                 "--net: '%s' is not a setting (latency, bandwidth, spread, loss, dup, reorder, "
                 "cut, heal)",
                 item);
        return -1;
    }
    struct net_cut cut = {.heal = st->field == 1};
    switch (st->kind) {
    case COUNT:
        if (parse_u64(value, (uint64_t *)((char *)spec + st->field)) == 0)
            return 0;
        snprintf(err, errlen, "--net: %s needs a number of instructions, not '%s'", item, value);
        return -1;
    case PROBABILITY:
        if (parse_probability(value, (uint32_t *)((char *)spec + st->field)) == 0)
            return 0;
        snprintf(err, errlen, "--net: %s needs a probability 0..1 such as 0.05, not '%s'", item,
                 value);
        return -1;
    case LINK:
        if (parse_link(value, nodes, &cut) != 0) {
            snprintf(err, errlen,
                     "--net: %s needs A-B@TIME (nodes 0..%u or *, TIME in instructions), not '%s'",
                     item, nodes - 1, value);
            return -1;
        }
        if (add_cut(spec, &cut) != 0) {
            snprintf(err, errlen, "out of host memory");
            return -1;
        }
        return 0;
    }
    return -1;
}

int net_spec_parse(const char *text, uint32_t nodes, struct net_spec *spec, char *err,
                   unsigned errlen)
{
    *spec = (struct net_spec){.latency = NET_DEFAULT_LATENCY, .spread = UINT64_MAX};
    char *copy = malloc(strlen(text ? text : "") + 1);
    if (!copy) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    strcpy(copy, text ? text : "");
    int rc = 0;
    for (char *item = copy, *next; rc == 0 && item && *item; item = next) {
        if ((next = strchr(item, ',')))
            *next++ = 0;
        rc = parse_setting(item, nodes, spec, err, errlen);
    }
    free(copy);
    if (rc == 0 && spec->latency == 0) {
        snprintf(err, errlen, "--net: latency must be at least 1 instruction");
        rc = -1;
    }
    if (rc != 0) {
        net_spec_free(spec);
        return -1;
    }
    if (spec->spread == UINT64_MAX)
        spec->spread = spec->latency;
    return 0;
}

void net_spec_free(struct net_spec *spec)
{
    free(spec->cuts);
    spec->cuts = NULL;
    spec->ncuts = 0;
}

/* ---- The network ---- */

/* A node's queue of arriving frames: a binary heap by (at, src, seq, copy). */
struct queue {
    struct net_frame *f;
    unsigned n, cap;
};

struct netmodel {
    struct net_spec spec;
    uint32_t nodes;
    uint64_t seed;
    uint64_t *seq;           /* by source: frames sent so far */
    uint64_t *tx_free;       /* by source: when its link is free to send the next */
    struct queue outbox;     /* sent since the last flush, in sending order */
    struct queue *inbox;     /* by destination */
    struct net_frame popped; /* the frame popped last (its data are ours) */
    struct net_stats stats;
    net_observer *observer;
    void *observer_arg;
};

static bool before(const struct net_frame *x, const struct net_frame *y)
{
    if (x->at != y->at)
        return x->at < y->at;
    if (x->src != y->src)
        return x->src < y->src;
    if (x->seq != y->seq)
        return x->seq < y->seq;
    return x->copy < y->copy;
}

static int queue_push(struct queue *q, const struct net_frame *f, bool heap)
{
    if (q->n == q->cap) {
        unsigned cap = q->cap ? q->cap * 2 : 16;
        struct net_frame *more = realloc(q->f, cap * sizeof *more);
        if (!more)
            return -1;
        q->f = more;
        q->cap = cap;
    }
    unsigned i = q->n++;
    q->f[i] = *f;
    while (heap && i > 0 && before(&q->f[i], &q->f[(i - 1) / 2])) {
        struct net_frame t = q->f[i];
        q->f[i] = q->f[(i - 1) / 2];
        q->f[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
    return 0;
}

static struct net_frame heap_pop(struct queue *q)
{
    struct net_frame top = q->f[0];
    q->f[0] = q->f[--q->n];
    for (unsigned i = 0;;) {
        unsigned l = 2 * i + 1, r = l + 1, m = i;
        if (l < q->n && before(&q->f[l], &q->f[m]))
            m = l;
        if (r < q->n && before(&q->f[r], &q->f[m]))
            m = r;
        if (m == i)
            break;
        struct net_frame t = q->f[i];
        q->f[i] = q->f[m];
        q->f[m] = t;
        i = m;
    }
    return top;
}

struct netmodel *netmodel_create(const struct net_spec *spec, uint32_t nodes, uint64_t seed)
{
    struct netmodel *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->spec = *spec;
    n->spec.cuts = NULL;
    n->nodes = nodes;
    n->seed = seed;
    n->seq = calloc(nodes, sizeof *n->seq);
    n->tx_free = calloc(nodes, sizeof *n->tx_free);
    n->inbox = calloc(nodes, sizeof *n->inbox);
    if (spec->ncuts && (n->spec.cuts = malloc(spec->ncuts * sizeof *spec->cuts)))
        memcpy(n->spec.cuts, spec->cuts, spec->ncuts * sizeof *spec->cuts);
    if (!n->seq || !n->tx_free || !n->inbox || (spec->ncuts && !n->spec.cuts)) {
        netmodel_free(n);
        return NULL;
    }
    return n;
}

static void queue_free(struct queue *q)
{
    for (unsigned i = 0; i < q->n; i++)
        free(q->f[i].data);
    free(q->f);
}

void netmodel_free(struct netmodel *n)
{
    if (!n)
        return;
    queue_free(&n->outbox);
    for (uint32_t i = 0; n->inbox && i < n->nodes; i++)
        queue_free(&n->inbox[i]);
    free(n->inbox);
    free(n->seq);
    free(n->tx_free);
    free(n->popped.data);
    free(n->spec.cuts);
    free(n);
}

/* One SplitMix64 step: the draws of a frame's fate. */
static uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Draw k (0, 1, ...) of frame (src, seq) to dst. */
static uint64_t draw(const struct netmodel *n, uint32_t src, uint64_t seq, uint32_t dst, unsigned k)
{
    return mix(mix(mix(mix(n->seed) ^ src) ^ seq) ^ ((uint64_t)dst << 8 | k));
}

static bool chance(uint64_t d, uint32_t p)
{
    return p && (uint32_t)(d >> 32) < p;
}

static bool link_matches(const struct net_cut *c, uint32_t a, uint32_t b)
{
    bool ab = (c->a == NET_ANY || c->a == a) && (c->b == NET_ANY || c->b == b);
    bool ba = (c->a == NET_ANY || c->a == b) && (c->b == NET_ANY || c->b == a);
    return ab || ba;
}

/* Is the link between a and b cut at time t? The last entry naming it
 * at or before t says. */
static bool link_cut(const struct netmodel *n, uint32_t a, uint32_t b, uint64_t t)
{
    bool cut = false;
    for (unsigned i = 0; i < n->spec.ncuts && n->spec.cuts[i].at <= t; i++)
        if (link_matches(&n->spec.cuts[i], a, b))
            cut = !n->spec.cuts[i].heal;
    return cut;
}

static int keep(struct netmodel *n, struct net_frame *f, const void *data)
{
    if (!(f->data = malloc(f->len ? f->len : 1)))
        return -1;
    memcpy(f->data, data, f->len);
    if (queue_push(&n->outbox, f, false) != 0) {
        free(f->data);
        return -1;
    }
    return 0;
}

static void tell(const struct netmodel *n, enum net_event_kind kind, uint64_t sent,
                 const struct net_frame *f)
{
    if (n->observer)
        n->observer(n->observer_arg, &(struct net_event){kind, sent, f->at, f->seq, f->src, f->dst,
                                                         f->copy, f->len});
}

/* One copy of a frame handed over at `sent` that left at `left`, to dst. */
static int send_to(struct netmodel *n, uint32_t src, uint64_t seq, uint64_t sent, uint64_t left,
                   uint32_t dst, const void *data, uint32_t len)
{
    const struct net_spec *s = &n->spec;
    n->stats.sent++;
    n->stats.bytes += len;
    struct net_frame dropped = {.at = left, .seq = seq, .src = src, .dst = dst, .len = len};
    if (link_cut(n, src, dst, left)) {
        n->stats.cut++;
        tell(n, NET_CUT, sent, &dropped);
        return 0;
    }
    if (chance(draw(n, src, seq, dst, 0), s->loss)) {
        n->stats.lost++;
        tell(n, NET_LOST, sent, &dropped);
        return 0;
    }
    struct net_frame f = {
        .at = left + s->latency, .seq = seq, .src = src, .dst = dst, .copy = 0, .len = len};
    if (s->spread && chance(draw(n, src, seq, dst, 1), s->reorder)) {
        f.at += 1 + draw(n, src, seq, dst, 2) % s->spread;
        n->stats.reordered++;
    }
    if (keep(n, &f, data) != 0)
        return -1;
    tell(n, NET_SENT, sent, &f);
    if (chance(draw(n, src, seq, dst, 3), s->dup)) {
        f.copy = 1;
        f.at += 1 + draw(n, src, seq, dst, 4) % (s->spread ? s->spread : 1);
        n->stats.duplicated++;
        if (keep(n, &f, data) != 0)
            return -1;
        tell(n, NET_DUPLICATED, sent, &f);
    }
    return 0;
}

int netmodel_send(struct netmodel *n, uint32_t src, uint64_t at, uint32_t dst, const void *data,
                  uint32_t len)
{
    if (dst != SPACE_NET_BROADCAST && dst >= n->nodes)
        return -1;
    /* The node's frames leave one after another, each taking its
     * serialisation time. */
    uint64_t left = at > n->tx_free[src] ? at : n->tx_free[src];
    if (n->spec.bandwidth)
        left += ((uint64_t)len * 1000 + n->spec.bandwidth - 1) / n->spec.bandwidth;
    n->tx_free[src] = left;
    uint64_t seq = n->seq[src]++;
    if (dst != SPACE_NET_BROADCAST)
        return send_to(n, src, seq, at, left, dst, data, len);
    for (uint32_t d = 0; d < n->nodes; d++)
        if (d != src && send_to(n, src, seq, at, left, d, data, len) != 0)
            return -1;
    return 0;
}

void netmodel_flush(struct netmodel *n, void (*arrived)(void *arg, uint32_t node), void *arg)
{
    if (!n->outbox.n)
        return;
    bool *got = calloc(n->nodes, sizeof *got);
    for (unsigned i = 0; i < n->outbox.n; i++) {
        struct net_frame *f = &n->outbox.f[i];
        if (queue_push(&n->inbox[f->dst], f, true) != 0) {
            free(f->data); /* out of host memory: the frame is lost */
            n->stats.lost++;
            continue;
        }
        if (got)
            got[f->dst] = true;
    }
    n->outbox.n = 0;
    for (uint32_t d = 0; d < n->nodes; d++)
        if (!got || got[d])
            arrived(arg, d);
    free(got);
}

const struct net_frame *netmodel_peek(const struct netmodel *n, uint32_t node)
{
    return n->inbox[node].n ? &n->inbox[node].f[0] : NULL;
}

const struct net_frame *netmodel_pop(struct netmodel *n, uint32_t node)
{
    if (!n->inbox[node].n)
        return NULL;
    free(n->popped.data);
    n->popped = heap_pop(&n->inbox[node]);
    n->stats.delivered++;
    tell(n, NET_DELIVERED, 0, &n->popped);
    return &n->popped;
}

uint64_t netmodel_in_flight(const struct netmodel *n)
{
    uint64_t k = n->outbox.n;
    for (uint32_t d = 0; d < n->nodes; d++)
        k += n->inbox[d].n;
    return k;
}

const struct net_stats *netmodel_stats(const struct netmodel *n)
{
    return &n->stats;
}

void netmodel_observe(struct netmodel *n, net_observer *fn, void *arg)
{
    n->observer = fn;
    n->observer_arg = arg;
}

void netmodel_export(struct netmodel *n, bool (*away)(void *arg, const struct net_frame *f),
                     void *arg)
{
    unsigned kept = 0;
    for (unsigned i = 0; i < n->outbox.n; i++) {
        struct net_frame *f = &n->outbox.f[i];
        if (away(arg, f))
            free(f->data);
        else
            n->outbox.f[kept++] = *f;
    }
    n->outbox.n = kept;
}

int netmodel_import(struct netmodel *n, const struct net_frame *f)
{
    struct net_frame copy = *f;
    return keep(n, &copy, f->data);
}

static int by_delivery(const void *x, const void *y)
{
    return before(x, y) ? -1 : before(y, x) ? 1 : 0;
}

uint64_t netmodel_hash_queue(const struct netmodel *n, uint32_t node, uint64_t seed)
{
    const struct queue *q = &n->inbox[node];
    struct net_frame *f = malloc((q->n ? q->n : 1) * sizeof *f);
    if (!f)
        return hash64(&q->n, sizeof q->n, seed);
    if (q->n) { /* (an empty queue may have no array) */
        memcpy(f, q->f, q->n * sizeof *f);
        qsort(f, q->n, sizeof *f, by_delivery);
    }
    uint64_t h = seed;
    for (unsigned i = 0; i < q->n; i++) {
        uint64_t head[4] = {f[i].at, f[i].seq, (uint64_t)f[i].src << 32 | f[i].copy, f[i].len};
        h = hash64(f[i].data, f[i].len, hash64(head, sizeof head, h));
    }
    free(f);
    return h;
}
