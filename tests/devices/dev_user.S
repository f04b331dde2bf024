/* dev_user.S - the user program of dev_user.c: runs in CONTEXT 1, MODE 3
 * with EBX = CONSOLE_VA, and touches the console registers under three
 * different mappings, asking the kernel (int $64, EAX = phase) to change
 * the mapping between phases. Each access expected to fault has a label
 * (the faulting pc) and a "_end" label (where the kernel resumes it). */
#include "devtest.h"

    .text
    .globl user_prog
    .globl u_st1, u_st1_end, u_ld1, u_ld1_end
    .globl u_st2, u_st2_end, u_ld2, u_ld2_end
    .globl u_ld3, u_st3, u_st3_end, u_b3, u_b3_end
    .globl u_b4, u_b4_end
.macro putc ch
    movl $\ch, R_CONSOLE_DATA(%ebx)
.endm
user_prog:
    /* phase 0: the console is not mapped in CONTEXT 1 at all */
u_st1:  movl $0x23, R_CONSOLE_DATA(%ebx)        /* '#' */
u_st1_end:
u_ld1:  movl R_CONSOLE_STATUS(%ebx), %ecx
u_ld1_end:
    mov $1, %eax
    int $64
    /* phase 1: mapped, but for MODE 0 only */
u_st2:  movl $0x23, R_CONSOLE_DATA(%ebx)
u_st2_end:
u_ld2:  movl R_CONSOLE_STATUS(%ebx), %ecx
u_ld2_end:
    mov $2, %eax
    int $64
    /* phase 2: MODE 3 may read but not write */
    xor %ecx, %ecx
u_ld3:  movl R_CONSOLE_STATUS(%ebx), %ecx       /* allowed: TX_READY */
u_st3:  movl $0x23, R_CONSOLE_DATA(%ebx)        /* no W for MODE 3 */
u_st3_end:
u_b3:   movb $0x23, R_CONSOLE_DATA(%ebx)        /* no W: protection, not DEVICE */
u_b3_end:
    mov $3, %eax
    int $64
    /* phase 3: MODE 3 may read and write */
    putc 0x75   /* u */
    putc 0x73   /* s */
    putc 0x65   /* e */
    putc 0x72   /* r */
    putc 0x3a   /* : */
    putc 0x6f   /* o */
    putc 0x6b   /* k */
    putc 0x0a   /* \n */
u_b4:   movb $0x23, R_CONSOLE_DATA(%ebx)        /* permitted, but not a 32-bit mov */
u_b4_end:
    xor %ecx, %ecx
    movl R_CONSOLE_STATUS(%ebx), %ecx
    mov $4, %eax
    int $64
    ud2

    .section .note.GNU-stack, "", @progbits
