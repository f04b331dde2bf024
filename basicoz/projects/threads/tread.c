/* tread.c - a blocked thread does not block its process (project (e),
 * docs/projects.md).
 *
 *     tread       then type a line
 *
 * One thread waits in read() for a line; another computes for a while and
 * prints. The console delivers the line only when the CPU idles (or
 * 200000 instructions after the reader started waiting), so with real
 * threads the worker's line comes first; a kernel that blocks the whole
 * process while one thread reads prints the line first. */
#include "projsys.h"

#define STACK 16384

static char line[64];
static volatile int got = -1;

static void reader(void *arg)
{
    (void)arg;
    got = read(0, line, sizeof line - 1);
    if (got > 0 && line[got - 1] == '\n')
        got--;
    line[got > 0 ? got : 0] = '\0';
    printf("tread: got '%s'\n", line);
    sc_thread_exit(0);
}

static void worker(void *arg)
{
    (void)arg;
    volatile int x = 0;
    for (int i = 0; i < 20000; i++)
        x++;
    printf("tread: worker done\n");
    sc_thread_exit(0);
}

int main(void)
{
    char *s1 = malloc(STACK), *s2 = malloc(STACK);
    int r = s1 ? sc_thread_create(reader, 0, s1 + STACK) : -1;
    int w = s2 ? sc_thread_create(worker, 0, s2 + STACK) : -1;
    if (r <= 0 || w <= 0) {
        printf("tread: thread_create failed\n");
        return 1;
    }
    if (sc_thread_join(r, 0) != r || sc_thread_join(w, 0) != w) {
        printf("tread: thread_join failed\n");
        return 1;
    }
    printf("tread: ok\n");
    return 0;
}
