/* net: a node's network device (space run --nodes N) - frames of up to
 * SPACE_NET_MTU bytes moved by DMA between guest RAM and two rings of
 * descriptors, with a receive and a transmit-done interrupt. Behind it is
 * a frame port (backend.h): the network (sim/net/) decides when a frame
 * arrives; the device takes it exactly then.
 *
 * Transmit: a write of TX_HEAD (with ENABLE set) takes every descriptor
 * from TX_TAIL up to it at once, at the time of that write: each frame is
 * copied out of RAM and handed to the port, its descriptor marked DONE (or
 * ERROR: bad length, unreadable memory, no such node). Receive: at a
 * frame's arrival time it is copied into the buffer of the descriptor at
 * RX_HEAD, if the kernel has given one back (RX_HEAD != RX_TAIL), else
 * dropped and counted. Registers: docs/devices.md. */
#include <stdlib.h>
#include <string.h>

#include "device.h"

static const struct device_reg net_registers[] = {
    {SPACE_NET_ADDRESS, "ADDRESS", "this node's address (its node number)"},
    {SPACE_NET_NODES, "NODES", "nodes on the network"},
    {SPACE_NET_TX_RING, "TX_RING", "physical address of the transmit ring (16-byte aligned)"},
    {SPACE_NET_RX_RING, "RX_RING", "physical address of the receive ring (16-byte aligned)"},
    {SPACE_NET_RING_SIZE, "RING_SIZE", "descriptors per ring: a power of two, 1..256"},
    {SPACE_NET_TX_HEAD, "TX_HEAD", "kernel: index after the last descriptor filled (sends)"},
    {SPACE_NET_TX_TAIL, "TX_TAIL", "device: index of the next descriptor it will take"},
    {SPACE_NET_RX_HEAD, "RX_HEAD", "device: index after the last descriptor it filled"},
    {SPACE_NET_RX_TAIL, "RX_TAIL", "kernel: index after the last empty buffer given back"},
    {SPACE_NET_CONTROL, "CONTROL", "ENABLE (1), RX_INTERRUPT (2), TX_INTERRUPT (4)"},
    {SPACE_NET_CAUSE, "CAUSE", "interrupts pending: RX (2), TX (4); write 1s to clear"},
    {SPACE_NET_TX_FRAMES, "TX_FRAMES", "frames sent"},
    {SPACE_NET_RX_FRAMES, "RX_FRAMES", "frames received"},
    {SPACE_NET_RX_DROPS, "RX_DROPS", "frames dropped: no empty receive buffer (or not enabled)"},
    {SPACE_NET_TX_ERRORS, "TX_ERRORS", "descriptors refused (length, address, destination)"},
    {0, NULL, NULL},
};

static const struct device_option net_options[] = {
    {"nodes", "N",
     "run N machines (1..256) on a simulated network, each with a\n"
     "network device (docs/multicomputer.md)"},
    {"net", "SPEC",
     "with --nodes: the network's latency, bandwidth, faults and\n"
     "cuts, e.g. latency=2000,loss=0.1,cut=0-1@5000000"},
    {0},
};

/* Nodes on a network at most (the boot information's node is 32-bit; the
 * limit is the host's memory, and 256 machines is far past it). */
#define NET_MAX_NODES 256

/* Event tags. */
enum { ARRIVE = 0, LISTEN = 1 };

/* The registers: the unit's whole state (what a snapshot keeps). */
struct net_regs {
    uint32_t tx_ring, rx_ring, size;
    uint32_t tx_head, tx_tail, rx_head, rx_tail;
    uint32_t control, cause;
    uint32_t tx_frames, rx_frames, rx_drops, tx_errors;
};

struct net {
    struct frame_port *port;
    struct net_regs r;
    uint8_t frame[SPACE_NET_MTU]; /* (a frame passing through) */
};

static bool nodes_of(const struct device_config *c, uint32_t *n)
{
    const char *s = device_config_get(c, "nodes");
    char *end;
    unsigned long long v = s && *s >= '0' && *s <= '9' ? strtoull(s, &end, 10) : 0;
    if (!s || *s < '0' || *s > '9' || *end || v < 1 || v > NET_MAX_NODES)
        return false;
    *n = (uint32_t)v;
    return true;
}

static int net_check(const struct device_config *c, char *err, unsigned errlen)
{
    uint32_t n;
    if (device_config_get(c, "net") && !device_config_get(c, "nodes")) {
        snprintf(err, errlen, "--net needs --nodes N");
        return -1;
    }
    if (!device_config_get(c, "nodes") || nodes_of(c, &n))
        return 0;
    snprintf(err, errlen, "--nodes needs a node count, 1..%d, not '%s'", NET_MAX_NODES,
             device_config_get(c, "nodes"));
    return -1;
}

static unsigned net_units(const struct device_config *c, unsigned ncpus)
{
    (void)ncpus;
    return device_config_get(c, "nodes") ? 1 : 0;
}

/* The next arrival, or the horizon while none is known. */
static void schedule_arrival(struct device *d)
{
    struct net *n = d->state;
    uint64_t at = n->port->next(n->port->opaque), now = device_now(d);
    if (at == FRAME_PORT_NONE) {
        device_cancel(d, ARRIVE);
        if (!device_scheduled(d, LISTEN))
            device_schedule(d, FRAME_PORT_HORIZON - now, LISTEN);
        return;
    }
    device_schedule(d, at > now ? at - now : 1, ARRIVE);
}

static void arrived(void *arg)
{
    schedule_arrival(arg);
}

static int net_create(struct device *d, const struct device_config *c,
                      const struct device_backends *b, char *err, unsigned errlen)
{
    if (net_check(c, err, errlen) != 0)
        return -1;
    struct net *n = calloc(1, sizeof *n);
    if (!n) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    if (!b->frame_port || !(n->port = b->frame_port(b->opaque, err, errlen))) {
        if (!b->frame_port)
            snprintf(err, errlen, "net%u: this machine is on no network", d->unit);
        free(n);
        return -1;
    }
    n->r.size = 1;
    d->state = n;
    n->port->on_arrival(n->port->opaque, arrived, d);
    schedule_arrival(d);
    return 0;
}

static void net_destroy(struct device *d)
{
    free(d->state);
}

static uint32_t net_read(struct device *d, uint32_t reg)
{
    const struct net *n = d->state;
    switch (reg) {
    case SPACE_NET_ADDRESS: return n->port->node;
    case SPACE_NET_NODES: return n->port->nodes;
    case SPACE_NET_TX_RING: return n->r.tx_ring;
    case SPACE_NET_RX_RING: return n->r.rx_ring;
    case SPACE_NET_RING_SIZE: return n->r.size;
    case SPACE_NET_TX_HEAD: return n->r.tx_head;
    case SPACE_NET_TX_TAIL: return n->r.tx_tail;
    case SPACE_NET_RX_HEAD: return n->r.rx_head;
    case SPACE_NET_RX_TAIL: return n->r.rx_tail;
    case SPACE_NET_CONTROL: return n->r.control;
    case SPACE_NET_CAUSE: return n->r.cause;
    case SPACE_NET_TX_FRAMES: return n->r.tx_frames;
    case SPACE_NET_RX_FRAMES: return n->r.rx_frames;
    case SPACE_NET_RX_DROPS: return n->r.rx_drops;
    case SPACE_NET_TX_ERRORS: return n->r.tx_errors;
    default: return 0;
    }
}

/* Sets cause bits; interrupts if CONTROL asks for one of them. */
static void signal_cause(struct device *d, uint32_t bits)
{
    struct net *n = d->state;
    n->r.cause |= bits;
    if (n->r.control & bits)
        device_interrupt(d);
}

static int get_desc(struct device *d, uint32_t ring, uint32_t i, struct space_net_desc *desc)
{
    return device_dma_read(d, ring + i * (uint32_t)sizeof *desc, desc, sizeof *desc);
}

static int put_desc(struct device *d, uint32_t ring, uint32_t i, const struct space_net_desc *desc)
{
    return device_dma_write(d, ring + i * (uint32_t)sizeof *desc, desc, sizeof *desc);
}

/* One transmit descriptor: its frame handed to the port, or refused. */
static void transmit_one(struct device *d, struct space_net_desc *desc)
{
    struct net *n = d->state;
    bool ok = desc->len <= SPACE_NET_MTU &&
              device_dma_read(d, desc->addr, n->frame, desc->len) == 0 &&
              n->port->send(n->port->opaque, device_now(d), desc->peer, n->frame, desc->len) == 0;
    desc->status = ok ? SPACE_NET_DESC_DONE : SPACE_NET_DESC_ERROR;
    if (ok)
        n->r.tx_frames++;
    else
        n->r.tx_errors++;
}

/* Takes every descriptor from TX_TAIL up to TX_HEAD. */
static void transmit(struct device *d)
{
    struct net *n = d->state;
    if (!(n->r.control & SPACE_NET_ENABLE) || n->r.tx_tail == n->r.tx_head)
        return;
    while (n->r.tx_tail != n->r.tx_head) {
        struct space_net_desc desc;
        if (get_desc(d, n->r.tx_ring, n->r.tx_tail, &desc) != 0) {
            n->r.tx_errors++; /* the ring itself is not RAM: nothing to mark */
        } else {
            transmit_one(d, &desc);
            if (put_desc(d, n->r.tx_ring, n->r.tx_tail, &desc) != 0)
                n->r.tx_errors++;
        }
        n->r.tx_tail = (n->r.tx_tail + 1) & (n->r.size - 1);
    }
    signal_cause(d, SPACE_NET_TX_INTERRUPT);
}

/* One arriving frame into the next empty receive buffer, or dropped. */
static bool receive_one(struct device *d, uint32_t peer, uint32_t len)
{
    struct net *n = d->state;
    if (!(n->r.control & SPACE_NET_ENABLE) || n->r.rx_head == n->r.rx_tail) {
        n->r.rx_drops++;
        return false;
    }
    struct space_net_desc desc;
    if (get_desc(d, n->r.rx_ring, n->r.rx_head, &desc) != 0 ||
        device_dma_write(d, desc.addr, n->frame, len) != 0) {
        n->r.rx_drops++;
        return false;
    }
    desc.len = len;
    desc.peer = peer;
    desc.status = SPACE_NET_DESC_DONE;
    if (put_desc(d, n->r.rx_ring, n->r.rx_head, &desc) != 0) {
        n->r.rx_drops++;
        return false;
    }
    n->r.rx_head = (n->r.rx_head + 1) & (n->r.size - 1);
    n->r.rx_frames++;
    return true;
}

static void net_event(struct device *d, uint32_t tag)
{
    struct net *n = d->state;
    if (tag == ARRIVE) {
        bool any = false;
        uint32_t peer;
        long len;
        while ((len = n->port->take(n->port->opaque, device_now(d), &peer, n->frame)) >= 0)
            any |= receive_one(d, peer, (uint32_t)len);
        if (any)
            signal_cause(d, SPACE_NET_RX_INTERRUPT);
    }
    schedule_arrival(d);
}

/* A new ring or size starts both rings empty, at index 0. */
static void reset_rings(struct net *n)
{
    n->r.tx_head = n->r.tx_tail = n->r.rx_head = n->r.rx_tail = 0;
}

static size_t net_save(struct device *d, void *buf, size_t cap)
{
    struct net *n = d->state;
    return device_save_plain(&n->r, sizeof n->r, buf, cap);
}

static int net_load(struct device *d, const void *buf, size_t len)
{
    struct net *n = d->state;
    return device_load_plain(&n->r, sizeof n->r, buf, len);
}

static void net_write(struct device *d, uint32_t reg, uint32_t value)
{
    struct net *n = d->state;
    switch (reg) {
    case SPACE_NET_TX_RING:
        n->r.tx_ring = value & ~15u;
        reset_rings(n);
        break;
    case SPACE_NET_RX_RING:
        n->r.rx_ring = value & ~15u;
        reset_rings(n);
        break;
    case SPACE_NET_RING_SIZE:
        if (value >= 1 && value <= 256 && !(value & (value - 1))) {
            n->r.size = value;
            reset_rings(n);
        }
        break;
    case SPACE_NET_TX_HEAD:
        n->r.tx_head = value & (n->r.size - 1);
        transmit(d);
        break;
    case SPACE_NET_RX_TAIL: n->r.rx_tail = value & (n->r.size - 1); break;
    case SPACE_NET_CONTROL: {
        uint32_t was = n->r.control;
        n->r.control = value & (SPACE_NET_ENABLE | SPACE_NET_RX_INTERRUPT | SPACE_NET_TX_INTERRUPT);
        if ((n->r.control & ~was & n->r.cause) != 0)
            device_interrupt(d); /* a cause already pending, newly wanted */
        if (n->r.control & ~was & SPACE_NET_ENABLE)
            transmit(d);
        break;
    }
    case SPACE_NET_CAUSE: n->r.cause &= ~value; break;
    default: break;
    }
}

const struct device_kind net_device = {
    .name = "net",
    .type = SPACE_DEVICE_NET,
    .registers = net_registers,
    .options = net_options,
    .check = net_check,
    .units = net_units,
    .create = net_create,
    .destroy = net_destroy,
    .read = net_read,
    .write = net_write,
    .event = net_event,
    .save = net_save,
    .load = net_load,
};
