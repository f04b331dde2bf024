#include "cluster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A node: its machine, and its port on the network (the frame port its
 * network device was given). */
struct node {
    struct cluster *c;
    uint32_t k;
    struct machine *m;
    struct backend_provider inner; /* the backends the caller gave */
    struct frame_port port;
    void (*arrived)(void *arg); /* the device's, told at each barrier */
    void *arrived_arg;
    net_observer *fates; /* the port's fates' listener (a recording) */
    void *fates_arg;
};

struct cluster {
    uint32_t n;
    struct node *node;
    struct netmodel *net;
    uint64_t window;        /* the lookahead: the network's latency */
    uint64_t now;           /* the last barrier */
    unsigned stuck;         /* barriers in a row at which nothing could happen */
    struct machine *leader; /* cluster_lead's, or NULL */
    net_observer *observer; /* cluster_observe's */
    void *observer_arg;
};

/* ---- A node's frame port ---- */

static int port_send(void *opaque, uint64_t at, uint32_t peer, const void *data, uint32_t len)
{
    struct node *nd = opaque;
    return netmodel_send(nd->c->net, nd->k, at, peer, data, len);
}

static uint64_t port_next(void *opaque)
{
    struct node *nd = opaque;
    const struct net_frame *f = netmodel_peek(nd->c->net, nd->k);
    return f ? f->at : FRAME_PORT_NONE;
}

static long port_take(void *opaque, uint64_t now, uint32_t *peer, void *buf)
{
    struct node *nd = opaque;
    const struct net_frame *f = netmodel_peek(nd->c->net, nd->k);
    if (!f || f->at > now)
        return -1;
    f = netmodel_pop(nd->c->net, nd->k);
    *peer = f->src;
    memcpy(buf, f->data, f->len);
    return (long)f->len;
}

static void port_on_arrival(void *opaque, void (*fn)(void *arg), void *arg)
{
    struct node *nd = opaque;
    nd->arrived = fn;
    nd->arrived_arg = arg;
}

static void port_fates(void *opaque, net_observer *fn, void *arg)
{
    struct node *nd = opaque;
    nd->fates = fn;
    nd->fates_arg = arg;
}

/* The network's observer: each fate goes to cluster_observe's observer
 * and to the port of the node where it happens. */
static void fate(void *arg, const struct net_event *e)
{
    struct cluster *c = arg;
    if (c->observer)
        c->observer(c->observer_arg, e);
    struct node *nd = &c->node[e->kind == NET_DELIVERED ? e->dst : e->src];
    if (nd->fates)
        nd->fates(nd->fates_arg, e);
}

/* ---- A node's backends: the caller's, and its port ---- */

static struct char_source *node_char_source(void *arg, unsigned device, char *err, unsigned errlen)
{
    struct node *nd = arg;
    if (!nd->inner.char_source) {
        snprintf(err, errlen, "node %u has no console input", nd->k);
        return NULL;
    }
    return nd->inner.char_source(nd->inner.arg, device, err, errlen);
}

static struct char_sink *node_char_sink(void *arg, unsigned device, char *err, unsigned errlen)
{
    struct node *nd = arg;
    if (!nd->inner.char_sink) {
        snprintf(err, errlen, "node %u has no console output", nd->k);
        return NULL;
    }
    return nd->inner.char_sink(nd->inner.arg, device, err, errlen);
}

static struct block_store *node_block_store(void *arg, unsigned device, const char *name,
                                            uint64_t create_size, bool readonly, char *err,
                                            unsigned errlen)
{
    struct node *nd = arg;
    if (!nd->inner.block_store) {
        snprintf(err, errlen, "node %u has no disk images", nd->k);
        return NULL;
    }
    return nd->inner.block_store(nd->inner.arg, device, name, create_size, readonly, err, errlen);
}

static struct frame_port *node_frame_port(void *arg, unsigned device, char *err, unsigned errlen)
{
    struct node *nd = arg;
    (void)device;
    if (nd->port.opaque) {
        snprintf(err, errlen, "node %u has one network port, and it is taken", nd->k);
        return NULL;
    }
    nd->port = (struct frame_port){.opaque = nd,
                                   .node = nd->k,
                                   .nodes = nd->c->n,
                                   .send = port_send,
                                   .next = port_next,
                                   .take = port_take,
                                   .on_arrival = port_on_arrival,
                                   .fates = port_fates};
    return &nd->port;
}

/* ---- The cluster ---- */

struct cluster *cluster_create(uint32_t nodes, const struct machine_config *cfg,
                               const struct net_spec *spec, uint64_t seed,
                               const struct cluster_wrap *wrap, char *err, unsigned errlen)
{
    struct cluster *c = calloc(1, sizeof *c);
    if (!c || !(c->node = calloc(nodes, sizeof *c->node)) ||
        !(c->net = netmodel_create(spec, nodes, seed))) {
        snprintf(err, errlen, "out of host memory");
        if (c)
            free(c->node);
        free(c);
        return NULL;
    }
    c->n = nodes;
    c->window = spec->latency;
    netmodel_observe(c->net, fate, c);
    for (uint32_t k = 0; k < nodes; k++) {
        struct node *nd = &c->node[k];
        *nd = (struct node){.c = c, .k = k, .inner = cfg[k].backends};
        struct machine_config mc = cfg[k];
        mc.node = k;
        mc.nodes = nodes;
        mc.backends = (struct backend_provider){.arg = nd,
                                                .char_source = node_char_source,
                                                .char_sink = node_char_sink,
                                                .block_store = node_block_store,
                                                .frame_port = node_frame_port};
        if (wrap)
            mc.backends = wrap->wrap(wrap->arg, k, mc.backends);
        char why[400];
        if (!(nd->m = machine_create(&mc, why, sizeof why))) {
            snprintf(err, errlen, "node %u: %s", k, why);
            cluster_destroy(c);
            return NULL;
        }
    }
    return c;
}

void cluster_destroy(struct cluster *c)
{
    if (!c)
        return;
    for (uint32_t k = 0; k < c->n; k++)
        if (c->node[k].m)
            machine_destroy(c->node[k].m);
    netmodel_free(c->net);
    free(c->node);
    free(c);
}

int cluster_boot(struct cluster *c, const char *name, const uint8_t *image, size_t size, char *err,
                 unsigned errlen)
{
    for (uint32_t k = 0; k < c->n; k++) {
        char why[400];
        if (machine_boot_image(c->node[k].m, name, image, size, why, sizeof why) != 0) {
            snprintf(err, errlen, "node %u: %s", k, why);
            return -1;
        }
    }
    return 0;
}

static void tell_arrival(void *arg, uint32_t k)
{
    struct cluster *c = arg;
    struct node *nd = &c->node[k];
    if (nd->arrived && machine_state(nd->m) == MACHINE_RUNNING)
        nd->arrived(nd->arrived_arg);
}

/* Every running node waits for an interrupt, none has an event before its
 * network device's horizon and no frame is on its way: nothing will ever
 * happen again. */
static bool stuck(const struct cluster *c)
{
    if (netmodel_in_flight(c->net))
        return false;
    bool any = false;
    for (uint32_t k = 0; k < c->n; k++) {
        struct machine *m = c->node[k].m;
        if (machine_state(m) != MACHINE_RUNNING)
            continue;
        any = true;
        for (unsigned i = 0; i < machine_ncpus(m); i++)
            if (!machine_cpu_waiting(m, i) && !machine_cpu_halted(m, i))
                return false;
        if (machine_next_event(m) < FRAME_PORT_HORIZON)
            return false;
    }
    return any;
}

/* One window: every running node but the leader (if any) runs to its end,
 * then the barrier. False once every node has ended. */
static bool cluster_step(struct cluster *c)
{
    uint64_t end = c->now + c->window;
    bool any = false, interrupted = false;
    for (uint32_t k = 0; k < c->n; k++) {
        struct machine *m = c->node[k].m;
        if (m == c->leader) {
            any |= machine_state(m) == MACHINE_RUNNING;
            continue;
        }
        if (machine_state(m) != MACHINE_RUNNING)
            continue;
        if (k == 0 && !c->leader)
            machine_ctrl_c_target(m, true);
        enum machine_state st = machine_run_until(m, end);
        if (k == 0 && !c->leader)
            machine_ctrl_c_target(NULL, true);
        interrupted |= st == MACHINE_INTERRUPTED;
        any |= st == MACHINE_RUNNING;
    }
    c->now = end;
    netmodel_flush(c->net, tell_arrival, c);
    if (interrupted)
        for (uint32_t k = 0; k < c->n; k++)
            if (machine_state(c->node[k].m) == MACHINE_RUNNING)
                machine_end(c->node[k].m, MACHINE_INTERRUPTED);
    if (c->leader)
        return any; /* (the debugger says how its machine ends) */
    /* Twice in a row: a waiting node's console may still hand it input
     * when it goes on (bus_idle), which only running it shows. */
    c->stuck = !interrupted && any && stuck(c) ? c->stuck + 1 : 0;
    if (c->stuck >= 2) {
        for (uint32_t k = 0; k < c->n; k++)
            if (machine_state(c->node[k].m) == MACHINE_RUNNING)
                machine_stop(c->node[k].m,
                             "every node waits for an interrupt that cannot come: no device "
                             "has anything scheduled and no frame is on its way");
        return false;
    }
    return any && !interrupted;
}

enum machine_state cluster_run(struct cluster *c)
{
    while (cluster_step(c))
        ;
    return machine_state(c->node[0].m);
}

/* The leader reached the window's end: the barrier, then the next. */
static void barrier(struct machine *m, void *arg)
{
    struct cluster *c = arg;
    cluster_step(c);
    machine_set_alarm(m, c->now + c->window, barrier, c);
}

struct machine *cluster_lead(struct cluster *c, uint32_t k)
{
    if (c->leader)
        machine_set_alarm(c->leader, UINT64_MAX, NULL, c);
    c->leader = c->node[k].m;
    machine_set_alarm(c->leader, c->now + c->window, barrier, c);
    return c->leader;
}

uint32_t cluster_nodes(const struct cluster *c)
{
    return c->n;
}

struct machine *cluster_node(struct cluster *c, uint32_t k)
{
    return k < c->n ? c->node[k].m : NULL;
}

uint64_t cluster_window(const struct cluster *c)
{
    return c->window;
}

const struct net_stats *cluster_net_stats(const struct cluster *c)
{
    return netmodel_stats(c->net);
}

uint64_t cluster_in_flight(const struct cluster *c)
{
    return netmodel_in_flight(c->net);
}

void cluster_observe(struct cluster *c, net_observer *fn, void *arg)
{
    c->observer = fn;
    c->observer_arg = arg;
}
