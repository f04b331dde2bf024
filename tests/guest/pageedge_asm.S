/* pageedge.c: a portal target that logs the time (at its 2nd instruction)
 * and resumes at once: 7 instructions. */
    .text
    .globl edge_tlog_entry, edge_tlog
edge_tlog_entry:
    mov $11, %eax
    int $0xff
    mov %eax, edge_tlog
    mov %edx, edge_tlog+4
    nop
    mov $3, %eax
    int $0xff
    .data
edge_tlog: .long 0, 0

    .section .note.GNU-stack, "", @progbits
