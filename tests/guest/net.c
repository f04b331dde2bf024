/* net: the network device driven directly, on every node of a
 * multicomputer (space run --nodes N). The command line picks the scenario:
 *   ping         node 0 sends node 1 three frames (1, 100 and 1500 bytes),
 *                node 1 sends each back; both wait with interrupts (RX and
 *                TX-done) and check every byte, source and counter
 *   flood N GAP  every node but the last sends it N frames, one every GAP
 *                instructions or so; the last polls its receive ring and
 *                reports, per run: frames received, duplicates, frames
 *                overtaken (a higher sequence number came first) and the
 *                first and last sequence numbers missing from node 0
 * Results go to the debug port: "[K] " is the node's prefix. */
#include <space.h>

#include "check.h"

#define NULL ((void *)0)

#define NET_VA   0x30000000
#define REG(off) (((volatile uint32_t *)NET_VA)[(off) / 4])
#define RING     64

static struct space_net_desc tx[RING] __attribute__((aligned(16)));
static struct space_net_desc rx[RING] __attribute__((aligned(16)));
static uint8_t rxbuf[RING][SPACE_NET_MTU];
static uint8_t frame[SPACE_NET_MTU];

char kstack[16384] __attribute__((aligned(16)));
void irq_entry(void);
__asm__(".text\n.globl irq_entry\nirq_entry:\n mov $kstack+16384, %esp\n cld\n call irq_c\n");
static volatile uint32_t rx_irqs, tx_irqs;

void irq_c(void)
{
    uint32_t cause = REG(SPACE_NET_CAUSE);
    REG(SPACE_NET_CAUSE) = cause;
    if (cause & SPACE_NET_RX_INTERRUPT)
        rx_irqs++;
    if (cause & SPACE_NET_TX_INTERRUPT)
        tx_irqs++;
    space_resume();
}

static uint32_t me, nodes;

static void give_back(uint32_t i)
{
    rx[i] = (struct space_net_desc){.addr = (uint32_t)rxbuf[i]};
}

static void setup(const struct space_bootinfo *boot, uint32_t control)
{
    const struct space_device_info *d = NULL;
    for (uint32_t i = 0; i < boot->ndevices; i++)
        if (space_boot_device(boot, i)->type == SPACE_DEVICE_NET)
            d = space_boot_device(boot, i);
    CHECK(d != NULL);
    CHECK_EQ(space_map_memory(0, NET_VA, d->regs, SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
    CHECK_EQ(space_map_portal(0, d->trap, 0, 0, (uint32_t)irq_entry, 0), SPACE_OK);
    me = REG(SPACE_NET_ADDRESS);
    nodes = REG(SPACE_NET_NODES);
    CHECK_EQ(me, boot->node);
    CHECK_EQ(nodes, boot->nodes);
    CHECK_EQ(REG(SPACE_NET_RING_SIZE), 1);
    REG(SPACE_NET_RING_SIZE) = 48; /* not a power of two: ignored */
    CHECK_EQ(REG(SPACE_NET_RING_SIZE), 1);
    REG(SPACE_NET_RING_SIZE) = RING;
    REG(SPACE_NET_TX_RING) = (uint32_t)tx;
    REG(SPACE_NET_RX_RING) = (uint32_t)rx;
    for (uint32_t i = 0; i < RING; i++)
        give_back(i);
    REG(SPACE_NET_RX_TAIL) = RING - 1;
    REG(SPACE_NET_CONTROL) = SPACE_NET_ENABLE | control;
}

static uint32_t tx_head;

static void send(uint32_t peer, const void *data, uint32_t len)
{
    tx[tx_head] = (struct space_net_desc){.addr = (uint32_t)data, .len = len, .peer = peer};
    tx_head = (tx_head + 1) % RING;
    REG(SPACE_NET_TX_HEAD) = tx_head;
    CHECK_EQ(REG(SPACE_NET_TX_TAIL), tx_head); /* taken at once */
}

static uint32_t rx_next, rx_tail = RING - 1;

/* The next frame received, or NULL. Each call gives a buffer back for the
 * frame the last call returned: the slot at the tail, one behind it. */
static const struct space_net_desc *receive(void)
{
    static int holding;
    if (holding) {
        give_back(rx_tail);
        rx_tail = (rx_tail + 1) % RING;
        REG(SPACE_NET_RX_TAIL) = rx_tail;
        holding = 0;
    }
    if (rx_next == REG(SPACE_NET_RX_HEAD))
        return NULL;
    const struct space_net_desc *d = &rx[rx_next];
    rx_next = (rx_next + 1) % RING;
    holding = 1;
    CHECK_EQ(d->status, SPACE_NET_DESC_DONE);
    return d;
}

static const struct space_net_desc *wait_frame(void)
{
    const struct space_net_desc *d;
    while (!(d = receive())) {
        space_interrupts(1);
        space_wait();
        space_interrupts(0);
    }
    return d;
}

static void fill(uint32_t len, uint32_t salt)
{
    for (uint32_t i = 0; i < len; i++)
        frame[i] = (uint8_t)(i * 7 + salt);
}

static void check_frame(const struct space_net_desc *d, uint32_t peer, uint32_t len, uint32_t salt)
{
    CHECK_EQ(d->peer, peer);
    CHECK_EQ(d->len, len);
    const uint8_t *b = (const uint8_t *)d->addr;
    for (uint32_t i = 0; i < len; i++)
        CHECK_EQ(b[i], (uint8_t)(i * 7 + salt));
}

static const uint32_t lens[3] = {1, 100, SPACE_NET_MTU};

static void ping(void)
{
    CHECK(nodes >= 2);
    if (me == 0) {
        for (uint32_t k = 0; k < 3; k++) {
            fill(lens[k], k);
            send(1, frame, lens[k]);
            CHECK_EQ(tx[(tx_head + RING - 1) % RING].status, SPACE_NET_DESC_DONE);
        }
        /* refused: too long, no such node */
        send(1, frame, SPACE_NET_MTU + 1);
        send(nodes, frame, 4);
        CHECK_EQ(REG(SPACE_NET_TX_ERRORS), 2);
        CHECK_EQ(REG(SPACE_NET_TX_FRAMES), 3);
        for (uint32_t k = 0; k < 3; k++)
            check_frame(wait_frame(), 1, lens[k], k + 100);
        CHECK(tx_irqs >= 1);
        out_str("ping passed\n");
    } else if (me == 1) {
        for (uint32_t k = 0; k < 3; k++) {
            check_frame(wait_frame(), 0, lens[k], k);
            fill(lens[k], k + 100);
            send(0, frame, lens[k]);
        }
        CHECK(rx_irqs >= 1);
        CHECK_EQ(REG(SPACE_NET_RX_FRAMES), 3);
        out_str("pong passed\n");
    }
    space_halt(0);
}

static uint32_t number(const char **s)
{
    uint32_t v = 0;
    while (**s == ' ')
        (*s)++;
    while (**s >= '0' && **s <= '9')
        v = v * 10 + (uint32_t)(*(*s)++ - '0');
    return v;
}

static void spin(uint32_t n)
{
    for (volatile uint32_t i = 0; i < n; i++)
        ;
}

#define MAX_FLOOD 4096
static uint8_t seen[MAX_FLOOD];

static void flood(const char *args)
{
    uint32_t n = number(&args), gap = number(&args);
    CHECK(n <= MAX_FLOOD);
    if (me != nodes - 1) {
        for (uint32_t s = 0; s < n; s++) {
            uint32_t payload[4] = {s, me, (uint32_t)space_time(), 0};
            send(nodes - 1, payload, sizeof payload);
            spin(gap / 4);
        }
        space_halt(0);
    }
    uint64_t end = (uint64_t)n * gap * 2 + 4000000;
    uint32_t received = 0, dups = 0, overtaken = 0, top = 0, any = 0;
    while (space_time() < end) {
        const struct space_net_desc *d;
        while ((d = receive())) {
            const uint32_t *p = (const uint32_t *)d->addr;
            CHECK_EQ(d->peer, p[1]);
            received++;
            if (p[1] != 0)
                continue;
            if (seen[p[0]]++)
                dups++;
            else if (any && p[0] < top)
                overtaken++;
            if (p[0] >= top)
                top = p[0];
            any = 1;
        }
        spin(100);
    }
    uint32_t first = n, last = n;
    for (uint32_t s = 0; s < n; s++)
        if (!seen[s]) {
            if (first == n)
                first = s;
            last = s;
        }
    out_str("received ");
    out_dec(received);
    out_str(" dups ");
    out_dec(dups);
    out_str(" overtaken ");
    out_dec(overtaken);
    out_str(" missing ");
    out_dec(first);
    out_str("..");
    out_dec(last);
    out_str(" drops ");
    out_dec(REG(SPACE_NET_RX_DROPS));
    out_str("\n");
    space_halt(0);
}

void kmain(const struct space_bootinfo *boot)
{
    CHECK_EQ(boot->version, SPACE_BOOT_VERSION);
    const char *cmd = boot->cmdline;
    if (cmd[0] == 'p') {
        setup(boot, SPACE_NET_RX_INTERRUPT | SPACE_NET_TX_INTERRUPT);
        ping();
    }
    setup(boot, 0);
    flood(cmd + 5);
}
