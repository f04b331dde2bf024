/* netstat: this node's network counters: the device's (frames) and the
 * kernel's (datagrams). */
#include "ulib.h"

int main(void)
{
    struct net_stats s;
    if (net_stats(&s) < 0) {
        printf("netstat: cannot read the counters\n");
        return 1;
    }
    if (!s.present) {
        printf("netstat: no network (space run --nodes N)\n");
        return 1;
    }
    printf("node %u of %u\n", s.address, s.nodes);
    printf("device: %u frames sent, %u received, %u dropped (no buffer), %u refused\n", s.tx_frames,
           s.rx_frames, s.rx_drops, s.tx_errors);
    printf("kernel: %u datagrams sent, %u received, %u dropped, %u timeouts, %u echoes\n", s.sent,
           s.received, s.dropped, s.timeouts, s.echoes);
    return 0;
}
