/* dev_prio.S - for dev_prio.c: an interrupt handler of known length
 * (IRQ_K = 12 instructions) that records each delivery, the code that
 * enables interrupts with several lines pending, the landing pad of a
 * Resume, and a user program that spins. */
#include "devtest.h"

    .text
    .globl irq_entry
irq_entry:
    mov $OP_TIME, %eax                  /* 1 */
    int $0xff                           /* 2  EAX = delivery time + 2 */
    mov irq_n, %ecx                     /* 3 */
    mov %eax, irq_time(,%ecx,4)         /* 4 */
    imul $80, %ecx, %ebx                /* 5 */
    add $irq_pcb, %ebx                  /* 6 */
    mov $OP_PCB_READ, %eax              /* 7 */
    int $0xff                           /* 8 */
    inc %ecx                            /* 9 */
    mov %ecx, irq_n                     /* 10 */
    mov $OP_RESUME, %eax                /* 11 */
    int $0xff                           /* 12 */

/* enables interrupts; every pending line must be delivered before the
 * `inc %esi` at prio_after runs. Returns ESI (1). */
    .globl prio_enable, prio_after
prio_enable:
    push %ebx
    push %esi
    xor %esi, %esi
    mov $OP_INTERRUPTS, %eax
    mov $1, %ebx
    int $0xff
prio_after:
    inc %esi
    mov $OP_INTERRUPTS, %eax
    xor %ebx, %ebx
    int $0xff
    mov %esi, %eax
    pop %esi
    pop %ebx
    ret

/* where a Resume with ie = 1 lands: the pending interrupt must come first */
    .globl resume_target
resume_target:
    mov $kstack2+16384, %esp
    call after_resume
    ud2

/* user program (CONTEXT 1, MODE 3): spins until interrupted */
    .globl user_spin, user_spin_loop
user_spin:
    xor %eax, %eax
user_spin_loop:
    inc %eax
    jmp user_spin_loop

    .section .note.GNU-stack, "", @progbits
