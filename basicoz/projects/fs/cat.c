/* cat.c - prints files (project (c), docs/projects.md).
 *
 *     cat NAME...
 *
 * Reads with a small odd-sized buffer, so reads that stop in the middle of
 * a disk block are exercised. */
#include "projsys.h"

int main(int argc, char **argv)
{
    int status = 0;
    for (int i = 1; i < argc; i++) {
        int fd = sc_open(argv[i], O_READ);
        if (fd < 3) {
            printf("cat: %s: cannot open\n", argv[i]);
            status = 1;
            continue;
        }
        char buf[100];
        int n;
        while ((n = read(fd, buf, sizeof buf)) > 0)
            write(1, buf, n);
        if (n < 0) {
            printf("cat: %s: read failed\n", argv[i]);
            status = 1;
        }
        sc_close(fd);
    }
    return status;
}
