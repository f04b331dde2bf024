/* ls.c - lists the files and their sizes (project (c), docs/projects.md).
 *
 *     ls
 *
 * The kernel lists files in any order ("name size\n" each); ls sorts them
 * by name, so the output is the same for every file system layout:
 *     NAME SIZE
 * then a last line "N files". */
#include "projsys.h"

#define MAXF 256

int main(void)
{
    static char buf[16384];
    int n = sc_flist(buf, sizeof buf - 1);
    if (n < 0) {
        printf("ls: cannot list files\n");
        return 1;
    }
    buf[n] = '\0';
    char *line[MAXF];
    int count = 0;
    for (char *p = buf; *p && count < MAXF;) { /* cut into lines */
        line[count++] = p;
        while (*p && *p != '\n')
            p++;
        if (*p)
            *p++ = '\0';
    }
    for (int i = 1; i < count; i++) /* insertion sort by name */
        for (int j = i; j > 0 && strcmp(line[j - 1], line[j]) > 0; j--) {
            char *t = line[j];
            line[j] = line[j - 1];
            line[j - 1] = t;
        }
    for (int i = 0; i < count; i++)
        printf("%s\n", line[i]);
    printf("%d files\n", count);
    return 0;
}
