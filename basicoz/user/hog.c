/* hog.c - a memory-hungry program that exercises demand paging.
 *
 *     hog [MB]      default 8 MiB
 *
 * sbrk only moves the end of the heap; no memory is behind it yet. Each
 * first touch of a page faults, and the kernel maps a fresh zero-filled
 * page and runs the instruction again. We check that every new page reads
 * as zero, write a value into it, and at the end check that every page
 * still holds its value (i.e. the kernel gave each page its own frame). */
#include "ulib.h"

#define PAGE 4096

int main(int argc, char **argv)
{
    int mb = argc > 1 ? atoi(argv[1]) : 8;
    if (mb <= 0 || mb > 1024) {
        dprintf(2, "hog: bad size %d (1..1024 MB)\n", mb);
        return 2;
    }
    int pages = mb * (1024 * 1024 / PAGE);
    /* volatile: really read and write memory every time, instead of letting
     * the compiler "know" what it wrote and skip the checks. */
    volatile unsigned char *heap = sbrk(mb * 1024 * 1024);
    if (heap == (void *)-1) {
        dprintf(2, "hog: sbrk(%d MB) failed\n", mb);
        return 1;
    }
    for (int i = 0; i < pages; i++) {
        if (heap[i * PAGE] != 0) { /* first touch: a read fault */
            dprintf(2, "hog: page %d is not zero-filled\n", i);
            return 1;
        }
        heap[i * PAGE] = (unsigned char)(i % 251 + 1); /* never 0 */
    }
    for (int i = 0; i < pages; i++) {
        if (heap[i * PAGE] != (unsigned char)(i % 251 + 1)) {
            dprintf(2, "hog: page %d lost its value\n", i);
            return 1;
        }
    }
    printf("hog: %d pages touched, all zero-filled, verified\n", pages);
    return 0;
}
