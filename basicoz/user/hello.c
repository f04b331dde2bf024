/* hello.c - the smallest BasicOZ program. printf builds the text in user
 * memory and makes one write() system call; the kernel copies the bytes
 * out of our CONTEXT to the console. */
#include "ulib.h"

int main(void)
{
    printf("hello, world\n");
    return 0; /* ucrt0 passes this to exit() */
}
