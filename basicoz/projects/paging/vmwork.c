/* vmwork.c - a paging workload with locality (project (b), docs/projects.md).
 *
 *     vmwork [PAGES [ACCESSES]]      default 1024 pages (4 MiB), 200000 accesses
 *
 * Touches a heap of PAGES pages the way real programs do: 90% of the
 * accesses go to a "hot" window of 32 pages that slowly moves through the
 * heap, the rest anywhere. Half of the accesses write (increment a word),
 * half only read. A shadow table remembers what every page must hold, and
 * the end checks every page: a kernel that loses or mixes up a page that it
 * wrote to the disk and read back is caught. The random numbers come from a
 * fixed generator, so the output is the same on every kernel; only the
 * time line depends on the kernel (its page replacement and disk use). */
#include "projsys.h"

#define PAGE  4096
#define WORDS (PAGE / 4)
#define HOT   32

static unsigned seed = 12345;
static unsigned rnd(void)
{
    seed = seed * 1103515245u + 12345u;
    return seed >> 8;
}

int main(int argc, char **argv)
{
    int pages = argc > 1 ? atoi(argv[1]) : 1024;
    int accesses = argc > 2 ? atoi(argv[2]) : 200000;
    if (pages < HOT || pages > 16384 || accesses < 0) {
        dprintf(2, "vmwork: bad arguments\n");
        return 2;
    }
    unsigned *expect = malloc((size_t)pages * sizeof *expect); /* shadow: word 0 of each page */
    volatile unsigned *heap = sbrk(pages * PAGE);
    if (!expect || heap == (void *)-1) {
        dprintf(2, "vmwork: out of memory\n");
        return 1;
    }
    memset(expect, 0, (size_t)pages * sizeof *expect);
    unsigned t0 = now32(), sum = 0;
    int hot = 0;
    for (int i = 0; i < accesses; i++) {
        if (i % 1000 == 999)
            hot = (hot + 1) % (pages - HOT + 1); /* the window moves on */
        unsigned r = rnd();
        int page = r % 10 ? hot + (int)(r / 10 % HOT) : (int)(r / 10 % (unsigned)pages);
        int word = 1 + (int)(rnd() % (WORDS - 1)); /* word 0 is the counter */
        volatile unsigned *w = &heap[page * WORDS + word];
        if (rnd() & 1) {
            *w += (unsigned)word + 1; /* a write: the page is dirty now */
            heap[page * WORDS] += 1;  /* word 0 counts the writes */
            expect[page]++;
        } else {
            sum += *w; /* a read only */
        }
    }
    for (int p = 0; p < pages; p++) {
        if (heap[p * WORDS] != expect[p]) {
            printf("vmwork: page %d holds %u, expected %u\n", p, heap[p * WORDS], expect[p]);
            return 1;
        }
        sum = sum * 31 + expect[p];
    }
    unsigned t = now32() - t0;
    printf("vmwork: %d pages, %d accesses, verified, checksum %08x\n", pages, accesses, sum);
    printf("vmwork: time %u instructions\n", t);
    publish_metric("vmwork_time", t); /* stat guest.vmwork_time */
    return 0;
}
