/* tick.c - prints a character again and again, slowly.
 *
 *     tick [CHAR [COUNT]]      default: x, 20 times
 *
 * Each character is followed by a busy loop, so the process is still
 * running when the timer fires: with two ticks running ("race") the
 * kernel's preemption shows up as interleaved letters, e.g. aabababbab. */
#include "ulib.h"

#define DELAY 50000

int main(int argc, char **argv)
{
    char c = argc > 1 && argv[1][0] ? argv[1][0] : 'x';
    int count = argc > 2 ? atoi(argv[2]) : 20;
    for (int i = 0; i < count; i++) {
        write(1, &c, 1);
        /* the empty asm tells the compiler the loop has an effect, so it
         * cannot delete it */
        for (int j = 0; j < DELAY; j++)
            __asm__ volatile("");
    }
    write(1, "\n", 1);
    return 0;
}
