/* tkill.c - one thread ends the whole process (project (e), docs/projects.md).
 *
 *     tkill exit     a thread calls exit(7) while the main thread waits in
 *                    thread_join and two more threads compute forever
 *     tkill fault    a thread writes to address 0 while the others compute
 *
 * Either way the process must end at once, with every thread: status 7, or
 * killed by the kernel. If only one thread ended, the others would run on
 * forever and the process would never finish. */
#include "projsys.h"

#define STACK 16384

static volatile int spins;

static void forever(void *arg)
{
    (void)arg;
    for (;;)
        spins++;
}

static void ender(void *arg)
{
    for (int i = 0; i < 20000; i++)
        spins++;
    if (arg) {
        volatile int *volatile null = 0;
        *null = 1;
    }
    exit(7);
}

static int start(void (*fn)(void *), void *arg)
{
    char *stack = malloc(STACK);
    int id = stack ? sc_thread_create(fn, arg, stack + STACK) : -1;
    if (id <= 0) {
        printf("tkill: thread_create failed\n");
        exit(1);
    }
    return id;
}

int main(int argc, char **argv)
{
    int fault = argc > 1 && !strcmp(argv[1], "fault");
    printf("tkill: a thread will %s\n", fault ? "write to address 0" : "call exit(7)");
    int a = start(forever, 0);
    start(forever, 0);
    start(ender, (void *)fault);
    sc_thread_join(a, 0); /* never returns: thread a never ends */
    printf("tkill: the process survived\n");
    return 1;
}
