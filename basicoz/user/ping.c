/* ping NODE [COUNT]: echo requests to NODE's port 7, which its kernel
 * answers from the network interrupt; prints each round trip in virtual
 * time (instructions) and a summary. With a fixed network latency every
 * round trip is the same, to the instruction. */
#include "ulib.h"

#define WAIT 20000000u /* instructions to wait for an answer */

struct echo {
    unsigned seq;
    unsigned pad[13]; /* 64 bytes of data in all, with the 4-byte header */
    unsigned long long sent;
};

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        printf("usage: ping NODE [COUNT]\n");
        return 2;
    }
    int node = atoi(argv[1]), count = argc == 3 ? atoi(argv[2]) : 4;
    if (node < 0 || node >= net_nodes() || node == net_address() || count < 1) {
        printf("ping: no node %s to ping (this is node %d of %d)\n", argv[1], net_address(),
               net_nodes());
        return 2;
    }
    if (net_open(0) < 0) {
        printf("ping: cannot open a port\n");
        return 1;
    }
    static struct net_msg m;
    unsigned answered = 0, min = 0xffffffffu, max = 0;
    unsigned long long total = 0;
    for (int seq = 1; seq <= count; seq++) {
        struct echo e = {.seq = (unsigned)seq, .sent = uptime()};
        if (net_send(node, NET_ECHO_PORT, &e, sizeof e) < 0) {
            printf("ping: cannot send to node %d\n", node);
            return 1;
        }
        for (;;) {
            unsigned long long waited = uptime() - e.sent;
            int n = waited >= WAIT ? NET_TIMEOUT : net_recv(&m, WAIT - (unsigned)waited);
            if (n == NET_TIMEOUT) {
                printf("ping: no answer from node %d: seq=%d\n", node, seq);
                break;
            }
            struct echo back;
            if (n != (int)sizeof back || m.from != node || m.port != NET_ECHO_PORT)
                continue;
            memcpy(&back, m.data, sizeof back);
            if (back.seq != (unsigned)seq)
                continue; /* a late answer to an earlier one */
            unsigned rtt = (unsigned)(uptime() - back.sent);
            printf("ping: %d bytes from node %d: seq=%d time=%u instructions\n", n, node, seq, rtt);
            answered++;
            total += rtt;
            min = rtt < min ? rtt : min;
            max = rtt > max ? rtt : max;
            break;
        }
    }
    printf("ping: %d sent, %u answered", count, answered);
    if (answered)
        printf(", round trip min/avg/max = %u/%u/%u instructions", min,
               (unsigned)(total / answered), max);
    printf("\n");
    return answered == (unsigned)count ? 0 : 1;
}
