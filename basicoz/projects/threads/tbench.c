/* tbench.c - what threads cost (project (e), docs/projects.md).
 *
 *     tbench switch [N]   two threads hand the CPU to each other N times (yield)
 *     tbench create [N]   create and join N threads, one after another
 *
 * Default N = 1000. Prints a result line and the time per switch/thread. */
#include "projsys.h"

#define STACK 16384

static volatile int turn, rounds;

static void partner(void *arg)
{
    (void)arg;
    for (int i = 0; i < rounds; i++) {
        while (turn != 1)
            yield();
        turn = 0;
    }
    sc_thread_exit(0);
}

static void nothing(void *arg)
{
    sc_thread_exit((int)arg);
}

int main(int argc, char **argv)
{
    int create = argc > 1 && !strcmp(argv[1], "create");
    int n = argc > 2 ? atoi(argv[2]) : 1000;
    char *stack = malloc(STACK);
    if (n < 1 || !stack)
        return 2;
    unsigned t0 = now32();
    if (create) {
        for (int i = 0; i < n; i++) {
            int status = -1, id = sc_thread_create(nothing, (void *)(i & 0xff), stack + STACK);
            if (id <= 0 || sc_thread_join(id, &status) != id || status != (i & 0xff)) {
                printf("tbench: thread %d: create/join failed\n", i);
                return 1;
            }
        }
    } else {
        rounds = n;
        int id = sc_thread_create(partner, 0, stack + STACK);
        if (id <= 0) {
            printf("tbench: thread_create failed\n");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            turn = 1;
            while (turn != 0)
                yield();
        }
        if (sc_thread_join(id, 0) != id) {
            printf("tbench: thread_join failed\n");
            return 1;
        }
    }
    unsigned t = now32() - t0;
    printf("tbench: %d %s, ok\n", n,
           create ? "threads created and joined" : "round trips between two threads");
    printf("tbench: time %u instructions per %s\n", t / (unsigned)n,
           create ? "thread" : "round trip");
    /* stat guest.tbench_create or guest.tbench_switch */
    publish_metric(create ? "tbench_create" : "tbench_switch", t / (unsigned)n);
    return 0;
}
