/* put.c - writes its words into a file (project (c), docs/projects.md).
 *
 *     put NAME WORD...      NAME holds the words, separated by spaces, and "\n"
 *
 * Each word is its own write(), so a file is built up in several pieces. */
#include "projsys.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        dprintf(2, "usage: put NAME WORD...\n");
        return 2;
    }
    int fd = sc_open(argv[1], O_WRITE);
    if (fd < 3) {
        printf("put: %s: cannot create\n", argv[1]);
        return 1;
    }
    for (int i = 2; i < argc; i++) {
        int n = (int)strlen(argv[i]);
        if ((i > 2 && write(fd, " ", 1) != 1) || write(fd, argv[i], n) != n) {
            printf("put: %s: write failed\n", argv[1]);
            return 1;
        }
    }
    if (write(fd, "\n", 1) != 1 || sc_close(fd) != 0) {
        printf("put: %s: write failed\n", argv[1]);
        return 1;
    }
    return 0;
}
