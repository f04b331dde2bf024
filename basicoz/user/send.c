/* send NODE PORT WORD...: one datagram holding the words (separated by
 * spaces) to PORT of NODE (-1: every other node). */
#include "ulib.h"

int main(int argc, char **argv)
{
    if (argc < 3) {
        printf("usage: send NODE PORT [WORD...]\n");
        return 2;
    }
    char text[256];
    int len = 0;
    for (int i = 3; i < argc; i++) {
        int n = (int)strlen(argv[i]);
        if (len + n + 1 > (int)sizeof text)
            break;
        if (i > 3)
            text[len++] = ' ';
        memcpy(text + len, argv[i], (size_t)n);
        len += n;
    }
    if (net_send(atoi(argv[1]), atoi(argv[2]), text, len) < 0) {
        printf("send: cannot send to node %s port %s\n", argv[1], argv[2]);
        return 1;
    }
    return 0;
}
