/* tcount.c - threads share one address space (project (e), docs/projects.md).
 *
 *     tcount [T [N]]      T threads (1..8, default 4), N increments each (default 50000)
 *
 * Each thread adds 1 to a shared counter N times with an atomic
 * instruction (lock incl) and ends with thread_exit(100 + its index); the
 * main thread joins them all and checks the statuses, the total and that
 * every thread had its own id. A thread that saw the counter move by more
 * than its own N while it ran was interleaved with the others - with a
 * timer, long threads are. */
#include "projsys.h"

#define STACK 16384

static volatile int shared;
static volatile int first[8], last[8], tid[8];
static int n;

static void worker(void *arg)
{
    int i = (int)arg;
    tid[i] = sc_gettid();
    first[i] = shared;
    for (int k = 0; k < n; k++)
        __asm__ volatile("lock incl %0" : "+m"(shared));
    last[i] = shared;
    sc_thread_exit(100 + i);
}

int main(int argc, char **argv)
{
    int t = argc > 1 ? atoi(argv[1]) : 4;
    n = argc > 2 ? atoi(argv[2]) : 50000;
    if (t < 1 || t > 8 || n < 1) {
        dprintf(2, "usage: tcount [T (1..8) [N]]\n");
        return 2;
    }
    int id[8];
    for (int i = 0; i < t; i++) {
        char *stack = malloc(STACK);
        id[i] = stack ? sc_thread_create(worker, (void *)i, stack + STACK) : -1;
        if (id[i] <= 0) {
            printf("tcount: thread_create failed\n");
            return 1;
        }
    }
    int interleaved = 0;
    for (int i = 0; i < t; i++) {
        int status = -1;
        if (sc_thread_join(id[i], &status) != id[i] || status != 100 + i) {
            printf("tcount: thread_join of thread %d failed (status %d)\n", i, status);
            return 1;
        }
        if (tid[i] != id[i] || tid[i] == sc_gettid()) {
            printf("tcount: thread %d has id %d, thread_create said %d\n", i, tid[i], id[i]);
            return 1;
        }
        if (last[i] - first[i] > n)
            interleaved = 1;
    }
    if (shared != t * n) {
        printf("tcount: the counter is %d, expected %d\n", shared, t * n);
        return 1;
    }
    printf("tcount: %d threads x %d = %d, ok\n", t, n, shared);
    printf("tcount: the threads ran %s\n", interleaved ? "interleaved" : "one after another");
    return 0;
}
