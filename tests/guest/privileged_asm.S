/* The MODE 2 portal target of privileged.c: passes the trap on to the
 * kernel with int $0x43 (registers untouched). */
    .text
    .globl mode2_handler, mode2_handler_after
mode2_handler:
    int $0x43
mode2_handler_after:
    ud2

    .section .note.GNU-stack, "", @progbits
