/* rm.c - removes files (project (c), docs/projects.md).
 *
 *     rm NAME... */
#include "projsys.h"

int main(int argc, char **argv)
{
    int status = 0;
    for (int i = 1; i < argc; i++)
        if (sc_unlink(argv[i]) != 0) {
            printf("rm: %s: cannot remove\n", argv[i]);
            status = 1;
        }
    return status;
}
