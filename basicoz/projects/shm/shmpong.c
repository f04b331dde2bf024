/* shmpong.c - shmping's partner (project (d), docs/projects.md).
 *
 *     shmpong N PAGES y|f      (started by shmping) */
#include "projsys.h"

int main(int argc, char **argv)
{
    if (argc < 4)
        return 2;
    int n = atoi(argv[1]), pages = atoi(argv[2]), futex = argv[3][0] == 'f';
    volatile int *shm = sc_shm_map(1, 0); /* 0: the existing segment */
    if (shm == (void *)-1) {
        printf("shmpong: shm_map failed\n");
        return 1;
    }
    for (int p = 1; p < pages; p++) /* a marker in every other page */
        shm[p * 1024 + 1] = p + 1000;
    shm[1] = 1; /* ready */
    for (int i = 0; i < n; i++) {
        while (shm[0] != 2 * i + 1) {
            if (futex)
                sc_futex_wait(&shm[0], 2 * i);
            else
                yield();
        }
        shm[0] = 2 * i + 2;
        if (futex)
            sc_futex_wake(&shm[0], 1);
    }
    return 0;
}
