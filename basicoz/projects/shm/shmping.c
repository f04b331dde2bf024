/* shmping.c - two processes talk through shared memory (project (d),
 * docs/projects.md). Runs shmpong as its partner.
 *
 *     shmping [N [PAGES [y|f]]]    default 1000 round trips, 1 page, y
 *
 * Both map segment 1 (PAGES pages). Word 0 is a turn counter: shmping
 * writes odd numbers, shmpong answers with the next even one. Waiting is
 * by yield() ("y"), or by futex_wait/futex_wake ("f", if the kernel has
 * them). Before the game shmpong writes a marker into every page, and at
 * the end shmping checks them all: both really share the same frames. */
#include "projsys.h"

#define KEY 1

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1000;
    int pages = argc > 2 ? atoi(argv[2]) : 1;
    int futex = argc > 3 && argv[3][0] == 'f';
    if (n < 1 || pages < 1 || pages > 1024) {
        dprintf(2, "usage: shmping [N [PAGES (1..1024) [y|f]]]\n");
        return 2;
    }
    volatile int *shm = sc_shm_map(KEY, pages);
    if (shm == (void *)-1) {
        printf("shmping: shm_map failed\n");
        return 1;
    }
    if (futex && sc_futex_wake(&shm[2], 1) != 0) { /* nobody waits there: 0 */
        printf("shmping: futex_wake failed\n");
        return 1;
    }
    for (int p = 0; p < pages; p++)
        if (shm[p * 1024 + 1] != 0) {
            printf("shmping: a new segment is not zero-filled\n");
            return 1;
        }
    char count[12], npages[12];
    /* decimal strings for the partner's argv */
    int len = 0;
    for (int v = n; v; v /= 10)
        len++;
    for (int i = len - 1, v = n; i >= 0; i--, v /= 10)
        count[i] = (char)('0' + v % 10);
    count[len] = '\0';
    len = 0;
    for (int v = pages; v; v /= 10)
        len++;
    for (int i = len - 1, v = pages; i >= 0; i--, v /= 10)
        npages[i] = (char)('0' + v % 10);
    npages[len] = '\0';
    char *av[] = {"shmpong", count, npages, futex ? "f" : "y", NULL};
    int pid = spawn("shmpong", av);
    if (pid < 0) {
        printf("shmping: cannot start shmpong\n");
        return 1;
    }
    while (shm[1] != 1) /* shmpong is ready once it has marked every page */
        yield();
    unsigned t0 = now32();
    for (int i = 0; i < n; i++) {
        shm[0] = 2 * i + 1;
        if (futex)
            sc_futex_wake(&shm[0], 1);
        while (shm[0] != 2 * i + 2) {
            if (futex)
                sc_futex_wait(&shm[0], 2 * i + 1);
            else
                yield();
        }
    }
    unsigned t = now32() - t0;
    int status = -1;
    wait(pid, &status, 0);
    for (int p = 1; p < pages; p++)
        if (shm[p * 1024 + 1] != p + 1000) {
            printf("shmping: page %d is not shared\n", p);
            return 1;
        }
    if (status != 0) {
        printf("shmping: shmpong failed (status %d)\n", status);
        return 1;
    }
    sc_shm_unmap((void *)shm);
    printf("shmping: %d round trips, %d pages shared, ok\n", n, pages);
    printf("shmping: time %u instructions per round trip\n", t / (unsigned)n);
    /* stat guest.shmping_yield or guest.shmping_futex */
    publish_metric(futex ? "shmping_futex" : "shmping_yield", t / (unsigned)n);
    return 0;
}
