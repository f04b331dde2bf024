/* listen PORT [COUNT [TIMEOUT]]: prints the datagrams that arrive at PORT,
 * COUNT of them (default 1), giving up after TIMEOUT instructions of
 * virtual time without one (default: wait for ever). */
#include "ulib.h"

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 4) {
        printf("usage: listen PORT [COUNT [TIMEOUT]]\n");
        return 2;
    }
    int count = argc > 2 ? atoi(argv[2]) : 1;
    unsigned timeout = argc > 3 ? (unsigned)atoi(argv[3]) : NET_FOREVER;
    if (net_open(atoi(argv[1])) < 0) {
        printf("listen: cannot open port %s\n", argv[1]);
        return 1;
    }
    static struct net_msg m;
    for (int i = 0; i < count; i++) {
        int n = net_recv(&m, timeout);
        if (n == NET_TIMEOUT) {
            printf("listen: nothing more after %d datagrams\n", i);
            return 1;
        }
        if (n < 0)
            return 1;
        printf("listen: from node %d port %d: %d bytes: ", m.from, m.port, n);
        write(1, m.data, n);
        printf("\n");
    }
    return 0;
}
