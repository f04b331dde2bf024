/* net.c - the network driver and BasicOZ's datagram service.
 *
 * The device (docs/devices.md) moves frames by DMA through two rings of
 * descriptors in kernel memory: the kernel fills transmit descriptors and
 * the device takes them; the kernel gives the device empty receive buffers
 * and the device fills them. The kernel counts descriptors with free-running
 * indices; the slot is index % RING, and so is what it writes to the
 * device, whose ring is empty when its head and tail are equal: a ring
 * holds RING - 1 at most. The kernel reads each descriptor's status, not
 * the device's index registers, to see what the device has done.
 *
 * On top of it, datagrams between ports: each frame starts with a 4-byte
 * header (destination port, source port). A process opens one port; frames
 * for it go straight into its buffer if it waits in net_recv, or wait in a
 * small queue of kernel buffers until it asks. Port 7 is the kernel's echo
 * service (ping's other end): the interrupt handler sends the frame back.
 *
 * All of it is ptable_lock's: the receive interrupt (CPU 0) wakes receivers
 * and the system calls decide to block under that lock, like console input
 * (trap.c). The device interrupts CPU 0 only. Without a network device
 * (space run without --nodes) the node is node 0 of 1 and sends fail. */
#include "kernel.h"

#define REG(r) regs[(r) / 4]

#define RING       32u   /* descriptors per ring (a power of two) */
#define SLOT       2048u /* a frame buffer (two to a page): at least SPACE_NET_MTU */
#define NBUF       64u   /* datagrams waiting for their receivers, all ports together */
#define PORT_QUEUE 16u   /* ... and for one port */
#define HDR        4u    /* the frame's header: uint16 destination port, uint16 source port */

struct dgram {
    struct dgram *next;
    struct net_msg_header h; /* as the receiver gets it */
    uint8_t data[NET_DATA_MAX];
};

static volatile uint32_t *regs;
static uint32_t trap, address, nodes = 1;
static struct space_net_desc *tx, *rx;      /* the rings (kernel addresses) */
static uint32_t tx_buf[RING], rx_buf[RING]; /* their buffers (physical) */
static uint32_t tx_head, tx_done, rx_next;  /* free-running indices */
static struct proc *owner[NET_PORTS];       /* who opened each port */
static struct dgram *queue_head[NET_PORTS], *queue_tail[NET_PORTS];
static uint32_t queued[NET_PORTS];
static struct dgram *free_bufs;
static struct net_counts counts; /* the kernel's own counters */

static uint32_t alloc_or_panic(void)
{
    uint32_t f = frame_alloc();
    if (!f)
        panic("no memory for the network buffers");
    return f;
}

void net_init(const struct space_bootinfo *boot)
{
    address = boot->node;
    regs = device_map(boot, SPACE_DEVICE_NET, 0, &trap);
    if (!regs)
        return;
    address = REG(SPACE_NET_ADDRESS);
    nodes = REG(SPACE_NET_NODES);
    uint32_t rings = alloc_or_panic(); /* both rings: 2 x 512 bytes */
    tx = phys(rings);
    rx = phys(rings + RING * sizeof *tx);
    for (uint32_t i = 0; i < RING; i += SPACE_PAGE_SIZE / SLOT) {
        uint32_t t = alloc_or_panic(), r = alloc_or_panic();
        for (uint32_t j = 0; j < SPACE_PAGE_SIZE / SLOT; j++) {
            tx_buf[i + j] = t + j * SLOT;
            rx_buf[i + j] = r + j * SLOT;
            rx[i + j].addr = rx_buf[i + j];
        }
    }
    for (uint32_t i = 0; i < NBUF; i += SPACE_PAGE_SIZE / sizeof(struct dgram)) {
        uint8_t *page = phys(alloc_or_panic());
        for (uint32_t j = 0; j < SPACE_PAGE_SIZE / sizeof(struct dgram); j++) {
            struct dgram *d = (struct dgram *)(page + j * sizeof(struct dgram));
            d->next = free_bufs;
            free_bufs = d;
        }
    }
    REG(SPACE_NET_RING_SIZE) = RING;
    REG(SPACE_NET_TX_RING) = rings;
    REG(SPACE_NET_RX_RING) = rings + RING * sizeof *tx;
    REG(SPACE_NET_RX_TAIL) = RING - 1; /* every receive buffer the ring holds is the device's */
    REG(SPACE_NET_CONTROL) = SPACE_NET_ENABLE | SPACE_NET_RX_INTERRUPT;
}

int net_present(void)
{
    return regs != NULL;
}

uint32_t net_trap(void)
{
    return trap;
}

uint32_t net_address(void)
{
    return address;
}

uint32_t net_nodes(void)
{
    return nodes;
}

/* The next free transmit buffer (kernel address), or NULL while the ring
 * is full of descriptors the device has not taken yet. */
static uint8_t *tx_begin(void)
{
    while (tx_done != tx_head && tx[tx_done % RING].status != 0)
        tx_done++;
    return tx_head - tx_done < RING - 1 ? phys(tx_buf[tx_head % RING]) : NULL;
}

/* Hands the buffer tx_begin gave to the device. */
static void tx_commit(uint32_t peer, uint32_t len)
{
    struct space_net_desc *d = &tx[tx_head % RING];
    d->addr = tx_buf[tx_head % RING];
    d->len = len;
    d->peer = peer;
    d->status = 0;
    REG(SPACE_NET_TX_HEAD) = ++tx_head;
    counts.sent++;
}

static void put_header(uint8_t *frame, uint32_t dst, uint32_t src)
{
    frame[0] = (uint8_t)dst;
    frame[1] = (uint8_t)(dst >> 8);
    frame[2] = (uint8_t)src;
    frame[3] = (uint8_t)(src >> 8);
}

/* p's datagram to port `port` of `peer`, from p's user buffer: its length,
 * ERR for a bad buffer, or NET_BUSY if the transmit ring is full. */
static uint32_t transmit(struct proc *p, uint32_t peer, uint32_t port, uint32_t buf, uint32_t len)
{
    uint8_t *frame = tx_begin();
    if (!frame)
        return NET_BUSY;
    put_header(frame, port, p->net_port);
    if (copy_from_user(p, frame + HDR, buf, len) != 0)
        return (uint32_t)-1;
    tx_commit(peer, HDR + len);
    return len;
}

/* net_send (ptable_lock held): returns, or blocks while the ring is full
 * (the transmit interrupt sends it later: net_interrupt). */
uint32_t net_send(struct proc *p, uint32_t peer, uint32_t port, uint32_t buf, uint32_t len)
{
    if (!regs || (peer != SPACE_NET_BROADCAST && (peer >= nodes || peer == address)) ||
        (peer == SPACE_NET_BROADCAST && nodes < 2) || port == 0 || port >= NET_PORTS ||
        len > NET_DATA_MAX)
        return (uint32_t)-1;
    uint32_t r = transmit(p, peer, port, buf, len);
    if (r != NET_BUSY)
        return r;
    p->wait_buf = buf;
    p->wait_len = len;
    p->net_peer = peer;
    p->net_dport = port;
    REG(SPACE_NET_CONTROL) = SPACE_NET_ENABLE | SPACE_NET_RX_INTERRUPT | SPACE_NET_TX_INTERRUPT;
    block(W_NETSEND);
}

/* Gives a waiting receiver its datagram: the header, then the data. */
static uint32_t deliver(struct proc *p, uint32_t to, const struct net_msg_header *h,
                        const uint8_t *data)
{
    counts.received++;
    if (copy_to_user(p, to, h, sizeof *h) != 0 ||
        copy_to_user(p, to + sizeof *h, data, h->len) != 0)
        return (uint32_t)-1;
    return h->len;
}

/* One frame that arrived: echo it, give it to its port's waiting owner,
 * queue it, or drop it. */
static void arrived(uint32_t from, const uint8_t *frame, uint32_t len)
{
    if (len < HDR || len > SPACE_NET_MTU) {
        counts.dropped++;
        return;
    }
    uint32_t dst = frame[0] | (uint32_t)frame[1] << 8, src = frame[2] | (uint32_t)frame[3] << 8;
    struct net_msg_header h = {.from = from, .port = src, .len = len - HDR};
    if (dst == NET_ECHO_PORT) {
        uint8_t *reply = tx_begin();
        if (!reply) {
            counts.dropped++;
            return;
        }
        put_header(reply, src, NET_ECHO_PORT);
        memcpy(reply + HDR, frame + HDR, h.len);
        tx_commit(from, len);
        counts.echoes++;
        return;
    }
    struct proc *p = dst < NET_PORTS ? owner[dst] : NULL;
    if (p && p->state == P_BLOCKED && p->wait == W_NETRECV) {
        wake(p, deliver(p, p->wait_buf, &h, frame + HDR));
        return;
    }
    if (!p || queued[dst] == PORT_QUEUE || !free_bufs) {
        counts.dropped++;
        return;
    }
    struct dgram *d = free_bufs;
    free_bufs = d->next;
    d->next = NULL;
    d->h = h;
    memcpy(d->data, frame + HDR, h.len);
    if (queue_tail[dst])
        queue_tail[dst]->next = d;
    else
        queue_head[dst] = d;
    queue_tail[dst] = d;
    queued[dst]++;
}

/* The device's interrupt (ptable_lock held): frames that arrived, then
 * senders that waited for room in the transmit ring. */
void net_interrupt(void)
{
    REG(SPACE_NET_CAUSE) =
        REG(SPACE_NET_CAUSE); /* before looking: a later frame interrupts again */
    uint32_t given = 0;
    while (rx[rx_next % RING].status != 0) {
        struct space_net_desc *d = &rx[rx_next % RING];
        arrived(d->peer, phys(rx_buf[rx_next % RING]), d->len);
        d->addr = rx_buf[rx_next % RING];
        d->status = 0;
        rx_next++;
        given++;
    }
    if (given)
        REG(SPACE_NET_RX_TAIL) = rx_next + RING - 1;
    int waiting = 0;
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &procs[i];
        if (p->state != P_BLOCKED || p->wait != W_NETSEND)
            continue;
        uint32_t r = transmit(p, p->net_peer, p->net_dport, p->wait_buf, p->wait_len);
        if (r == NET_BUSY)
            waiting = 1;
        else
            wake(p, r);
    }
    REG(SPACE_NET_CONTROL) =
        SPACE_NET_ENABLE | SPACE_NET_RX_INTERRUPT | (waiting ? SPACE_NET_TX_INTERRUPT : 0);
}

/* net_recv (ptable_lock held): the oldest queued datagram for p's port, at
 * once; NET_TIMEOUT at once for timeout 0; else p blocks until a datagram
 * arrives or the timeout passes (sched_tick). */
uint32_t net_recv(struct proc *p, uint32_t msg, uint32_t timeout)
{
    uint32_t port = p->net_port;
    if (!port)
        return (uint32_t)-1;
    struct dgram *d = queue_head[port];
    if (d) {
        queue_head[port] = d->next;
        if (!d->next)
            queue_tail[port] = NULL;
        queued[port]--;
        uint32_t r = deliver(p, msg, &d->h, d->data);
        d->next = free_bufs;
        free_bufs = d;
        return r;
    }
    if (timeout == 0)
        return NET_TIMEOUT;
    p->wait_buf = msg;
    p->wake_time = timeout == NET_FOREVER ? UINT64_MAX : now() + timeout;
    block(W_NETRECV);
}

/* A receive's timeout passed (sched_tick): its result. */
uint32_t net_timed_out(void)
{
    counts.timeouts++;
    return NET_TIMEOUT;
}

/* net_open (ptable_lock held): p's port, `port` or (0) a free one from
 * NET_EPHEMERAL up; -1 if p has one, or it is taken or out of range. */
uint32_t net_open(struct proc *p, uint32_t port)
{
    if (p->net_port || port >= NET_PORTS || port == NET_ECHO_PORT)
        return (uint32_t)-1;
    if (!port)
        for (port = NET_EPHEMERAL; port < NET_PORTS && owner[port]; port++)
            ;
    if (port == NET_PORTS || owner[port])
        return (uint32_t)-1;
    owner[port] = p;
    p->net_port = port;
    return port;
}

/* p exits (ptable_lock held): its port closes, its queued datagrams go. */
void net_close(struct proc *p)
{
    uint32_t port = p->net_port;
    if (!port)
        return;
    while (queue_head[port]) {
        struct dgram *d = queue_head[port];
        queue_head[port] = d->next;
        d->next = free_bufs;
        free_bufs = d;
    }
    queue_tail[port] = NULL;
    queued[port] = 0;
    owner[port] = NULL;
    p->net_port = 0;
}

/* The device's counters and the kernel's (ptable_lock held). */
void net_stats(struct net_stats *s)
{
    *s = (struct net_stats){
        .present = regs != NULL, .address = address, .nodes = nodes, .kernel = counts};
    if (regs) {
        s->tx_frames = REG(SPACE_NET_TX_FRAMES);
        s->rx_frames = REG(SPACE_NET_RX_FRAMES);
        s->rx_drops = REG(SPACE_NET_RX_DROPS);
        s->tx_errors = REG(SPACE_NET_TX_ERRORS);
    }
}
