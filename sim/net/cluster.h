/* cluster: a multicomputer - N SPACE machines (nodes), each with its own
 * RAM, CPUs and devices, joined by the network of netmodel.h and run
 * under one global virtual clock (space run --nodes N; sim/app drives it).
 *
 * Time: the nodes run in windows as long as the network's latency L, the
 * least time any frame takes: every node runs up to the window's end, then
 * at the barrier the frames sent in the window are handed to their
 * destinations - none arrives before the window's end, so none arrives in
 * a node's past. Everything a node sees (frames and their times) is thus
 * fixed by the seed, the spec and the inputs, not by the order in which
 * nodes are run: same inputs and seed, bit-identical runs.
 * docs/multicomputer.md states the model. */
#ifndef SPACE_CLUSTER_H
#define SPACE_CLUSTER_H

#include <stddef.h>
#include <stdint.h>

#include "sim/core/machine.h"
#include "netmodel.h"

#define CLUSTER_MAX_NODES 256

struct cluster;

/* What a node's machine is given as its backends: the caller's and its
 * frame port, wrapped (a recording wraps them all). */
struct cluster_wrap {
    void *arg;
    struct backend_provider (*wrap)(void *arg, uint32_t k, struct backend_provider p);
};

/* Creates `nodes` powered-on machines of one CPU each (a machine's
 * several CPUs keep lockstep rounds of their own, which the windows do not
 * follow yet): node k from cfg[k] (its node,
 * nodes and frame port set here; its other backends as given, wrapped by
 * `wrap` unless NULL), on a network `spec` seeded with `seed`. NULL with a
 * reason naming the node. */
struct cluster *cluster_create(uint32_t nodes, const struct machine_config *cfg,
                               const struct net_spec *spec, uint64_t seed,
                               const struct cluster_wrap *wrap, char *err, unsigned errlen);
void cluster_destroy(struct cluster *c);

/* Boots every node with the same kernel image. 0, or -1 with a reason. */
int cluster_boot(struct cluster *c, const char *name, const uint8_t *image, size_t size, char *err,
                 unsigned errlen);

/* Runs until every node has ended (halted, stopped, at its limit) or one
 * was interrupted (Ctrl-C reaches node 0; the others then end where they
 * stand). Returns node 0's state. If every node waits for an interrupt
 * that nothing can raise any more (no frame on its way), they are stopped. */
enum machine_state cluster_run(struct cluster *c);

/* For a debugger, which drives one machine: node k leads, and whoever runs
 * it (machine_run_until, stepping, breakpoints) runs the cluster - as the
 * leader reaches each window's end, its alarm runs the other nodes there
 * and holds the barrier. Returns node k's machine. Once the leader has
 * ended, the others stand still until another leads. The alarm is the
 * cluster's then (no recording). */
struct machine *cluster_lead(struct cluster *c, uint32_t k);

uint32_t cluster_nodes(const struct cluster *c);
struct machine *cluster_node(struct cluster *c, uint32_t k);
uint64_t cluster_window(const struct cluster *c);
const struct net_stats *cluster_net_stats(const struct cluster *c);
/* fn(arg, e) for each frame's fate (netmodel_observe; a timeline). */
void cluster_observe(struct cluster *c, net_observer *fn, void *arg);
/* Frames on their way now. */
uint64_t cluster_in_flight(const struct cluster *c);

#endif
