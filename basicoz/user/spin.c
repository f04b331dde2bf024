/* spin.c - a CPU-bound program: it never blocks, so only preemption (the
 * kernel's timer) lets other processes run while it computes.
 *
 *     spin [ROUNDS]      default 3 rounds of ~2 million iterations each
 *
 * The checksum depends only on ROUNDS, so it is the same on every run. */
#include "ulib.h"

#define ITERATIONS 2000000

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 3;
    unsigned x = 1, sum = 0;
    for (int r = 1; r <= rounds; r++) {
        /* A linear congruential generator: each step needs the previous
         * one, so the compiler cannot skip or shorten the loop. */
        for (int i = 0; i < ITERATIONS; i++) {
            x = x * 1103515245u + 12345u;
            sum += x >> 16;
        }
        printf("spin: round %d\n", r);
    }
    printf("spin: done, checksum %08x\n", sum);
    return 0;
}
