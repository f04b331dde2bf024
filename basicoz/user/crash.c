/* crash.c - faults on purpose, to show that the kernel survives a broken
 * program: the memory fault goes to the kernel, which kills only us.
 *
 *     crash          read from 0xdeadbeef (nothing is mapped there)
 *     crash write    write to address 0
 *     crash exec     jump to 0x12345678
 *
 * The addresses go through volatile variables so the compiler emits the
 * plain load, store or jump instead of reasoning about undefined behaviour. */
#include "ulib.h"

int main(int argc, char **argv)
{
    const char *how = argc > 1 ? argv[1] : "read";
    if (strcmp(how, "read") == 0) {
        volatile int *volatile p = (int *)0xdeadbeef;
        printf("crash: about to dereference 0xdeadbeef\n");
        (void)*p;
    } else if (strcmp(how, "write") == 0) {
        volatile int *volatile p = (int *)0;
        printf("crash: about to write to address 0\n");
        *p = 42;
    } else if (strcmp(how, "exec") == 0) {
        void (*volatile f)(void) = (void (*)(void))0x12345678;
        printf("crash: about to jump to 0x12345678\n");
        f();
    } else {
        dprintf(2, "usage: crash [read|write|exec]\n");
        return 2;
    }
    printf("crash: still alive?!\n"); /* only if the kernel let us go on */
    return 1;
}
