/* fsbench.c - a file-system workload (project (c), docs/projects.md).
 *
 *     fsbench [FILES [KB]]       default 40 files and a 200 KiB file
 *     fsbench -c [FILES [KB]]    only check what an earlier run left
 *
 * Creates FILES small files f0, f1, ... of different sizes, reads them back,
 * removes the odd ones (and checks they are gone), writes a big file of KB
 * KiB in pieces that do not line up with disk blocks, re-creates the odd
 * files (which reuses the freed space) and checks everything again. The
 * files stay, so that "fsbench -c" after a reboot checks they survived.
 * The contents come from a formula, so the output is the same on every
 * kernel; only the time line depends on the kernel. */
#include "projsys.h"

static char buf[8192];

static int small_size(int i)
{
    return (i * 397) % 3000 + 1;
}
static char byte_of(int file, int at)
{
    return (char)(file * 7 + at * 13 + (at >> 9));
}

static void name_of(char *name, int i)
{
    name[0] = 'f';
    int n = 1, d = 1;
    while (d * 10 <= i)
        d *= 10;
    for (; d; d /= 10)
        name[n++] = (char)('0' + i / d % 10);
    name[n] = '\0';
}

static int fail(const char *what, const char *name)
{
    printf("fsbench: %s %s failed\n", what, name);
    exit(1);
}

/* Writes `size` bytes of file number `id` as `name`, `chunk` bytes at a time. */
static void make(const char *name, int id, int size, int chunk)
{
    int fd = sc_open(name, O_WRITE);
    if (fd < 3)
        fail("creating", name);
    for (int at = 0; at < size;) {
        int n = size - at < chunk ? size - at : chunk;
        for (int k = 0; k < n; k++)
            buf[k] = byte_of(id, at + k);
        if (write(fd, buf, n) != n)
            fail("writing", name);
        at += n;
    }
    if (sc_close(fd) != 0)
        fail("closing", name);
}

/* Reads it back `chunk` bytes at a time and compares. */
static void verify(const char *name, int id, int size, int chunk)
{
    int fd = sc_open(name, O_READ), at = 0, n;
    if (fd < 3)
        fail("opening", name);
    while ((n = read(fd, buf, chunk)) > 0) {
        for (int k = 0; k < n; k++)
            if (at + k >= size || buf[k] != byte_of(id, at + k))
                fail("checking the contents of", name);
        at += n;
    }
    if (n < 0 || at != size)
        fail("reading", name);
    sc_close(fd);
}

int main(int argc, char **argv)
{
    int check_only = argc > 1 && !strcmp(argv[1], "-c");
    int a = check_only ? 2 : 1;
    int files = argc > a ? atoi(argv[a]) : 40;
    int kb = argc > a + 1 ? atoi(argv[a + 1]) : 200;
    if (files < 1 || files > 200 || kb < 1 || kb > 4096) {
        dprintf(2, "usage: fsbench [-c] [FILES (1..200) [KB (1..4096)]]\n");
        return 2;
    }
    char name[8];
    unsigned t0 = now32();
    if (!check_only) {
        for (int i = 0; i < files; i++) {
            name_of(name, i);
            make(name, i, small_size(i), 100 + i);
        }
        for (int i = 0; i < files; i++) {
            name_of(name, i);
            verify(name, i, small_size(i), 512);
        }
        for (int i = 1; i < files; i += 2) {
            name_of(name, i);
            if (sc_unlink(name) != 0)
                fail("removing", name);
            if (sc_open(name, O_READ) >= 0)
                fail("(it is still there) removing", name);
        }
        make("big", 1000, kb * 1024, 1000);
        for (int i = 1; i < files; i += 2) {
            name_of(name, i);
            make(name, i, small_size(i), 4096);
        }
    }
    for (int i = 0; i < files; i++) {
        name_of(name, i);
        verify(name, i, small_size(i), 333);
    }
    verify("big", 1000, kb * 1024, 8192);
    unsigned t = now32() - t0;
    printf("fsbench: %d files and %d KiB %s, ok\n", files, kb,
           check_only ? "still there" : "written and read back");
    printf("fsbench: time %u instructions\n", t);
    /* stat guest.fsbench_check_time or guest.fsbench_time */
    publish_metric(check_only ? "fsbench_check_time" : "fsbench_time", t);
    return 0;
}
