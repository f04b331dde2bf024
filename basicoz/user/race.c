/* race.c - the preemption demo: two CPU-bound children at the same time.
 * Both are spawned before we wait for either, so both are runnable at once
 * and the kernel's scheduler has to share the CPU between them. */
#include "ulib.h"

static int start(char *letter)
{
    char *argv[] = {"tick", letter, "30", NULL};
    int pid = spawn("tick", argv);
    if (pid < 0)
        dprintf(2, "race: cannot spawn tick\n");
    return pid;
}

int main(void)
{
    int a = start("a");
    int b = start("b");
    int status;
    if (a > 0)
        wait(a, &status, 0);
    if (b > 0)
        wait(b, &status, 0);
    if (a < 0 || b < 0)
        return 1;
    printf("race: both children done\n");
    return 0;
}
