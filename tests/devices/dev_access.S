/* dev_access.S - instructions that must not reach a device register, for
 * dev_access.c. FAULT / FAULTR emit one instruction and record in
 * fault_table: the pc the MEMORY_FAULT must report (the instruction, or
 * for FAULTX an explicit pc), where the kernel resumes it (just after it),
 * the access bits and address the PCB must hold, the test group, and the
 * ECX / ESI / EDI / ESP values the PCB must hold (ANY: not checked). */
#include "devtest.h"
#include "dev_access.h"

    .section .rodata.faults, "a"
    .balign 4
    .globl fault_table
fault_table:
    .text

.macro RECORD pc, resume, grp, access, addr, ecx, esi, edi, esp
    .pushsection .rodata.faults, "a"
    .long \pc, \resume, \access, \addr, \grp, \ecx, \esi, \edi, \esp
    .popsection
.endm
.macro FAULTR grp, access, addr, ecx, esi, edi, esp, insn:vararg
.Lf\@:  \insn
.Le\@:
    RECORD .Lf\@, .Le\@, \grp, \access, \addr, \ecx, \esi, \edi, \esp
.endm
.macro FAULT grp, access, addr, insn:vararg
    FAULTR \grp, \access, \addr, ANY, ANY, ANY, ANY, \insn
.endm
/* a fault reported at an explicit pc (execute faults: the jump target) */
.macro FAULTX grp, access, addr, pc, insn:vararg
    \insn
.Le\@:
    RECORD \pc, .Le\@, \grp, \access, \addr, ANY, ANY, ANY, ANY
.endm

#define RD 0x201 /* SPACE_FAULT_READ | SPACE_FAULT_DEVICE */
#define WR 0x202 /* SPACE_FAULT_WRITE | SPACE_FAULT_DEVICE */
#define XP 0x104 /* SPACE_FAULT_EXECUTE | SPACE_FAULT_PROTECTION */

.macro ENTER
    push %ebx
    push %esi
    push %edi
    push %ebp
    mov %esp, %ebp
    mov $A_STACK_TOP, %esp
    mov $CONSOLE_VA, %ebx
    cld
.endm
.macro LEAVE
    mov %ebp, %esp
    pop %ebp
    pop %edi
    pop %esi
    pop %ebx
    ret
.endm

/* group 1: permitted page, aligned register, but not a 32-bit mov.
 * Returns the STATUS register read with a moffs-form mov. */
    .globl group_nonmov
group_nonmov:
    ENTER
    mov $0x23232323, %eax
    FAULT 1, WR, CONSOLE_VA, movb $0x23, (%ebx)
    FAULT 1, WR, CONSOLE_VA, movw $0x2323, (%ebx)
    FAULT 1, WR, CONSOLE_VA, movb %al, (%ebx)
    FAULT 1, WR, CONSOLE_VA, movw %ax, (%ebx)
    FAULT 1, RD, CONSOLE_VA+4, movw 4(%ebx), %ax
    FAULT 1, RD, CONSOLE_VA+4, movb 4(%ebx), %al
    FAULT 1, RD, CONSOLE_VA+4, movzbl 4(%ebx), %eax
    FAULT 1, RD, CONSOLE_VA+4, movswl 4(%ebx), %eax
    FAULT 1, RD, CONSOLE_VA, addl $1, (%ebx)
    FAULT 1, RD, CONSOLE_VA, orl $0x23, (%ebx)
    FAULT 1, RD, CONSOLE_VA+4, cmpl $0, 4(%ebx)
    FAULT 1, RD, CONSOLE_VA+4, testl %eax, 4(%ebx)
    FAULT 1, RD, CONSOLE_VA, xchg %eax, (%ebx)
    FAULT 1, RD, CONSOLE_VA+4, addl 4(%ebx), %eax
    FAULTR 1, RD, CONSOLE_VA+4, ANY, ANY, ANY, A_STACK_TOP, push 4(%ebx)
    FAULTR 1, RD, CONSOLE_VA+4, ANY, ANY, ANY, A_STACK_TOP, call *4(%ebx)
    push $0x23
    FAULTR 1, WR, CONSOLE_VA, ANY, ANY, ANY, (A_STACK_TOP-4), pop (%ebx)
    add $4, %esp
    /* string instructions, with and without rep: nothing done, ECX kept */
    mov %ebx, %esi
    mov $A_BUF, %edi
    mov $2, %ecx
    FAULTR 1, RD, CONSOLE_VA, 2, CONSOLE_VA, A_BUF, ANY, rep movsl
    mov $A_BUF, %esi
    mov %ebx, %edi
    FAULTR 1, WR, CONSOLE_VA, 2, A_BUF, CONSOLE_VA, ANY, rep movsl
    mov $3, %ecx
    FAULTR 1, WR, CONSOLE_VA, 3, A_BUF, CONSOLE_VA, ANY, rep stosl
    mov %ebx, %esi
    mov $1, %ecx
    FAULTR 1, RD, CONSOLE_VA, 1, CONSOLE_VA, CONSOLE_VA, ANY, rep lodsl
    mov $A_BUF, %edi
    FAULTR 1, RD, CONSOLE_VA, 1, CONSOLE_VA, A_BUF, ANY, movsl
    FAULTR 1, RD, CONSOLE_VA, 1, CONSOLE_VA, A_BUF, ANY, lodsl
    mov %ebx, %edi
    FAULTR 1, WR, CONSOLE_VA, 1, CONSOLE_VA, CONSOLE_VA, ANY, stosl
    FAULTR 1, RD, CONSOLE_VA, 1, CONSOLE_VA, CONSOLE_VA, ANY, scasl
    /* rep stosl from RAM into the register page: two iterations complete */
    mov $(A_CON1-8), %edi
    mov $4, %ecx
    FAULTR 1, WR, A_CON1, 2, ANY, A_CON1, ANY, rep stosl
    /* the permitted forms: mov reg/imm, moffs, any register */
    mov $0x6f, %eax
    mov %eax, CONSOLE_VA              /* 'o' (moffs form) */
    movl $0x6b, (%ebx)                /* 'k' */
    mov $0x30a, %edx
    mov %edx, (%ebx)                  /* '\n': only the low byte is output */
    mov CONSOLE_VA+4, %eax            /* STATUS, moffs form */
    LEAVE

/* group 2: 32-bit movs that are not aligned */
    .globl group_unaligned
group_unaligned:
    ENTER
    mov $0x23232323, %eax
    FAULT 2, WR, CONSOLE_VA+1, movl $0x23232323, 1(%ebx)
    FAULT 2, WR, CONSOLE_VA+2, mov %eax, 2(%ebx)
    FAULT 2, WR, CONSOLE_VA+3, mov %eax, CONSOLE_VA+3
    FAULT 2, RD, CONSOLE_VA+6, movl 6(%ebx), %eax
    FAULT 2, RD, CONSOLE_VA+5, mov CONSOLE_VA+5, %eax
    /* straddling into the next page, which holds the timer registers */
    FAULT 2, RD, CONSOLE_VA+0xffd, movl 0xffd(%ebx), %eax
    FAULT 2, WR, CONSOLE_VA+0xffe, movl $0x23232323, 0xffe(%ebx)
    FAULT 2, WR, CONSOLE_VA+0xfff, mov %eax, 0xfff(%ebx)
    LEAVE

/* group 3: 32-bit movs straddling RAM and a register page */
    .globl group_straddle
group_straddle:
    ENTER
    mov $0x40404040, %eax
    FAULT 3, WR, A_CON1, movl $0x40404040, (A_CON1-2)
    FAULT 3, WR, A_CON1, mov %eax, (A_CON1-1)
    FAULT 3, RD, A_CON1, mov (A_CON1-3), %eax
    FAULT 3, WR, (A_RAM2-2), movl $0x40404040, (A_RAM2-2)
    FAULT 3, RD, (A_RAM2-1), mov (A_RAM2-1), %eax
    LEAVE

/* group 4: executing a register page */
    .globl group_exec
group_exec:
    ENTER
    mov $A_XCON, %eax
    FAULTX 4, XP, A_XCON, A_XCON, jmp *%eax
    mov $A_XCON+0x10, %eax
    FAULTX 4, XP, A_XCON+0x10, A_XCON+0x10, jmp *%eax
    mov $CONSOLE_VA, %eax               /* mapped without X */
    FAULTX 4, XP, CONSOLE_VA, CONSOLE_VA, jmp *%eax
    /* an instruction in RAM that runs on into the register page */
    mov $(A_XCON-2), %eax
    FAULTX 4, XP, A_XCON, (A_XCON-2), jmp *%eax
    /* the RAM page itself runs: A_XRAM starts with mov $7, %eax; ret */
    mov $A_XRAM, %eax
    call *%eax
    LEAVE

/* group 5: with an input line waiting, no faulting read consumes a byte */
    .globl group_rx
group_rx:
    ENTER
    FAULT 5, RD, CONSOLE_VA, movb (%ebx), %al
    FAULT 5, RD, CONSOLE_VA, movw (%ebx), %ax
    FAULT 5, RD, CONSOLE_VA, movzbl (%ebx), %eax
    FAULT 5, RD, CONSOLE_VA, push (%ebx)
    FAULT 5, RD, CONSOLE_VA, addl $0, (%ebx)
    FAULT 5, RD, CONSOLE_VA, cmpl $0, (%ebx)
    FAULT 5, RD, CONSOLE_VA+1, movl 1(%ebx), %eax
    mov %ebx, %esi
    mov $1, %ecx
    FAULTR 5, RD, CONSOLE_VA, 1, CONSOLE_VA, ANY, ANY, rep lodsl
    LEAVE

/* group 7: a stack in the register page (push, call, pop, ret, leave) */
    .globl group_stack
group_stack:
    ENTER
    mov $0x23232323, %eax
    mov $CONSOLE_VA+8, %esp
    FAULTR 7, WR, CONSOLE_VA+4, ANY, ANY, ANY, CONSOLE_VA+8, push $0x23
    FAULTR 7, WR, CONSOLE_VA+4, ANY, ANY, ANY, CONSOLE_VA+8, push %eax
    FAULTR 7, WR, CONSOLE_VA+4, ANY, ANY, ANY, CONSOLE_VA+8, call group_stack
    mov $CONSOLE_VA+4, %esp
    FAULTR 7, RD, CONSOLE_VA+4, ANY, ANY, ANY, CONSOLE_VA+4, pop %eax
    FAULTR 7, RD, CONSOLE_VA+4, ANY, ANY, ANY, CONSOLE_VA+4, ret
    mov %ebp, %esi
    mov $CONSOLE_VA+4, %ebp
    /* (".byte 0xc9" is leave: GAS macro names ignore case, and LEAVE is ours) */
    FAULTR 7, RD, CONSOLE_VA+4, ANY, ANY, ANY, CONSOLE_VA+4, .byte 0xc9
    mov %esi, %ebp
    mov $A_STACK_TOP, %esp
    LEAVE

/* group 6: single-stepping (TF) over register accesses. Entered through a
 * PCB with TF set and EBX = CONSOLE_VA; every instruction must be followed
 * by a DEBUG trap at the next one. */
    .globl step_code, step_1, step_2, step_3, step_4, step_5
step_code:
    nop
step_1: movl R_CONSOLE_STATUS(%ebx), %eax
step_2: movl $0x53, R_CONSOLE_DATA(%ebx)       /* 'S' */
step_3: mov %eax, %ecx
step_4: movl $0x0a, R_CONSOLE_DATA(%ebx)       /* '\n' */
step_5: int $65

    .section .rodata.faults, "a"
    .globl fault_table_end
fault_table_end:

    .section .note.GNU-stack, "", @progbits
