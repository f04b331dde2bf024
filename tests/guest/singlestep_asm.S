/* singlestep.c: the stepped user code (CONTEXT 1 MODE 3). */
    .text
    .globl ss_code, ss_1, ss_2, ss_3, ss_4, ss_5, ss_6, ss_7, ss_8, ss_9
ss_code:
    nop
ss_1:
    nop
ss_2:
    mov $5, %eax
ss_3:
    int $0x40
ss_4:
    nop
ss_5:
    pushf
ss_6:
    pop %ebx
ss_7:
    ud2
ss_8:
    nop
ss_9:
    nop
    nop
    int $0xf0

    .section .note.GNU-stack, "", @progbits
