/* netmodel: the simulated network between the nodes of a multicomputer -
 * what happens to each frame a node sends: when it leaves (bandwidth: a
 * node's frames leave one after another), when it arrives (latency), and
 * its faults (loss, duplication, reordering, links cut and healed at
 * virtual times), all decided from --seed. Used by cluster.c, which moves
 * frames to their nodes at its barriers; docs/multicomputer.md describes
 * the model and the --net syntax.
 *
 * Guarantees: a frame's fate depends only on (seed, source, the source's
 * sequence number, destination) and the spec, never on the order in which
 * nodes are simulated; a node's arrivals are ordered by (time, source,
 * sequence, copy), so several processes each simulating some nodes would
 * produce the same arrivals. No frame arrives sooner than `latency` after
 * it was sent, which is what lets nodes run `latency` ahead of each other. */
#ifndef SPACE_NETMODEL_H
#define SPACE_NETMODEL_H

#include <stdbool.h>
#include <stdint.h>

/* One entry of the fault schedule: links between a and b (either may be
 * NET_ANY: every node) are cut, or healed, from virtual time `at` on. */
#define NET_ANY UINT32_MAX
struct net_cut {
    uint32_t a, b;
    uint64_t at;
    bool heal;
};

/* The model (--net SPEC); probabilities in parts of 2^32. */
struct net_spec {
    uint64_t latency;   /* instructions from leaving to arriving (>= 1) */
    uint64_t bandwidth; /* bytes per 1000 instructions; 0: no limit */
    uint64_t spread;    /* a reordered frame arrives up to this much later */
    uint32_t loss, dup, reorder;
    struct net_cut *cuts; /* in time order (stable) */
    unsigned ncuts;
};

#define NET_DEFAULT_LATENCY 10000u

/* Parses a spec ("latency=2000,loss=0.1,cut=0-1@5000,..."; NULL or "":
 * the defaults) for `nodes` nodes. 0, or -1 with a one-line reason. */
int net_spec_parse(const char *text, uint32_t nodes, struct net_spec *spec, char *err,
                   unsigned errlen);
void net_spec_free(struct net_spec *spec);

/* What the network counts (over all nodes). */
struct net_stats {
    uint64_t sent;       /* frames sent (a broadcast: one per destination) */
    uint64_t bytes;      /* their payload bytes */
    uint64_t delivered;  /* frames that arrived at their node */
    uint64_t lost;       /* dropped by the loss probability */
    uint64_t cut;        /* dropped because their link was cut */
    uint64_t duplicated; /* extra copies made */
    uint64_t reordered;  /* delayed by the reordering spread */
};

/* A frame on its way. */
struct net_frame {
    uint64_t at;  /* arrival time */
    uint64_t seq; /* the source's sequence number */
    uint32_t src, dst, copy, len;
    uint8_t *data;
};

/* What an observer is told of each copy of a frame (a timeline draws
 * them): sent (a copy on its way), lost or cut off (sent, dropped), a
 * duplicate made (copy 1 on its way), delivered (taken by its node).
 * `sent` is when the source handed it over; `at` its arrival time (for
 * lost and cut: when it would have left). */
enum net_event_kind { NET_SENT, NET_LOST, NET_CUT, NET_DUPLICATED, NET_DELIVERED };
struct net_event {
    enum net_event_kind kind;
    uint64_t sent, at, seq;
    uint32_t src, dst, copy, len;
};
typedef void net_observer(void *arg, const struct net_event *e);

struct netmodel;

/* NULL when out of host memory. The spec is copied. */
struct netmodel *netmodel_create(const struct net_spec *spec, uint32_t nodes, uint64_t seed);
void netmodel_free(struct netmodel *n);

/* Node src sends len bytes to dst (or SPACE_NET_BROADCAST) at time `at`:
 * the copies that will arrive are kept for netmodel_flush. 0, or -1: no
 * such destination (or out of host memory). */
int netmodel_send(struct netmodel *n, uint32_t src, uint64_t at, uint32_t dst, const void *data,
                  uint32_t len);
/* Hands every frame sent since the last flush to its destination's queue
 * and calls arrived(arg, node) once for each node that got some. */
void netmodel_flush(struct netmodel *n, void (*arrived)(void *arg, uint32_t node), void *arg);
/* The next frame of node's queue (NULL: none). */
const struct net_frame *netmodel_peek(const struct netmodel *n, uint32_t node);
/* Removes it (counted delivered); its data stay valid until the next call. */
const struct net_frame *netmodel_pop(struct netmodel *n, uint32_t node);
/* Frames sent and not yet delivered (in flight, or queued at a node). */
uint64_t netmodel_in_flight(const struct netmodel *n);
const struct net_stats *netmodel_stats(const struct netmodel *n);
/* fn(arg, e) for each copy's fate from now on (fn NULL: nobody). Sent,
 * lost, cut and duplicated are told from netmodel_send, delivered from
 * netmodel_pop (with `sent` unknown: 0). */
void netmodel_observe(struct netmodel *n, net_observer *fn, void *arg);

#endif
