/* dev_console.S - straight-line code for the INPUT_DELAY cases of
 * dev_console.c: EBX = CONSOLE_VA, EAX counts executed `inc %eax`, so the
 * EAX an interrupt shows is the number of instructions since the write or
 * read that made the console want input (when that is the last
 * instruction before the incs). */
#include "devtest.h"

#define R_CONSOLE_INPUT_DELAY 0x10
    .text
.macro INCS n
    .rept \n
    inc %eax
    .endr
.endm
.macro ENTER
    push %ebx
    push %esi
    push %edi
    mov $CONSOLE_VA, %ebx
    xor %eax, %eax
.endm
.macro LEAVE
    pop %edi
    pop %esi
    pop %ebx
    ret
.endm
/* reads the 3 bytes of a line into got_line[0..2]; the last read retires
 * just before the first inc */
.macro DRAIN3
    mov R_CONSOLE_DATA(%ebx), %ecx
    mov %ecx, got_line
    mov R_CONSOLE_DATA(%ebx), %ecx
    mov %ecx, got_line+4
    mov R_CONSOLE_DATA(%ebx), %ecx
.endm

/* c_arm(control): writes CONTROL, then 1000 incs */
    .globl c_arm, c_arm_seq
c_arm:
    ENTER
    mov 16(%esp), %ecx
    mov %ecx, R_CONSOLE_CONTROL(%ebx)
c_arm_seq:
    INCS 1000
    LEAVE

/* c_drain: reads a 3-byte line, then 1000 incs */
    .globl c_drain, c_drain_seq
c_drain:
    ENTER
    DRAIN3
c_drain_seq:
    INCS 1000
    mov %ecx, got_line+8
    LEAVE

/* c_drain_newdelay: reads a 3-byte line, 10 incs, INPUT_DELAY = 50 (does
 * not move the delivery already scheduled), 1000 incs */
    .globl c_drain_newdelay, c_drain_newdelay_seq
c_drain_newdelay:
    ENTER
    DRAIN3
c_drain_newdelay_seq:
    INCS 10
    movl $50, R_CONSOLE_INPUT_DELAY(%ebx)
    INCS 1000
    mov %ecx, got_line+8
    LEAVE

/* c_drain_cancel: reads a 3-byte line, 20 incs, CONTROL = 0 (cancels the
 * delivery), 1000 incs */
    .globl c_drain_cancel
c_drain_cancel:
    ENTER
    DRAIN3
    INCS 20
    movl $0, R_CONSOLE_CONTROL(%ebx)
    INCS 1000
    mov %ecx, got_line+8
    LEAVE

    .section .note.GNU-stack, "", @progbits
