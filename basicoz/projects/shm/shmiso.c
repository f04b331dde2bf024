/* shmiso.c - what is shared and what is not (project (d), docs/projects.md).
 *
 *     shmiso          the test; prints "shmiso: ok"
 *     shmiso child    (started by the test)
 *
 * Segments 7 and 8 are distinct; a child sees what the parent wrote into 7,
 * a zero-filled 8, and none of the parent's private memory. After both are
 * unmapped everywhere the segments are gone: running shmiso again finds
 * them zero-filled again. */
#include "projsys.h"

static volatile int private_word = 0;

static int fail(const char *why)
{
    printf("shmiso: %s\n", why);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "child")) {
        volatile int *a = sc_shm_map(7, 0), *b = sc_shm_map(8, 0);
        if (a == (void *)-1 || b == (void *)-1)
            return fail("child: shm_map failed");
        if (a[0] != 0x1234 || a[1023] != 0x5678)
            return fail("child does not see what the parent wrote into segment 7");
        if (b[0] != 0)
            return fail("child sees segment 7's data in segment 8");
        if (private_word != 0)
            return fail("child sees the parent's private memory");
        b[0] = 0x4321; /* for the parent */
        return 0;
    }
    volatile int *a = sc_shm_map(7, 1), *b = sc_shm_map(8, 1);
    if (a == (void *)-1 || b == (void *)-1)
        return fail("shm_map failed");
    if (a == b)
        return fail("two segments at the same address");
    if (a[0] != 0 || a[1023] != 0 || b[0] != 0)
        return fail("new segments are not zero-filled (or a freed one came back)");
    a[0] = 0x1234;
    a[1023] = 0x5678;
    private_word = 99;
    char *av[] = {"shmiso", "child", NULL};
    int status = -1, pid = spawn("shmiso", av);
    if (pid < 0 || wait(pid, &status, 0) != pid || status != 0)
        return fail("the child failed");
    if (b[0] != 0x4321)
        return fail("the parent does not see what the child wrote into segment 8");
    if (sc_shm_unmap((void *)a) != 0 || sc_shm_unmap((void *)b) != 0)
        return fail("shm_unmap failed");
    printf("shmiso: ok\n");
    return 0;
}
