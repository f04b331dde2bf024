/* echo.c - prints its arguments separated by spaces. The kernel copied
 * argv onto our stack page when it spawned us (see ucrt0.S). */
#include "ulib.h"

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        printf(i > 1 ? " %s" : "%s", argv[i]);
    printf("\n");
    return 0;
}
