/* entry.S - where portals lead, and where a started CPU begins. A traversal
 * does not change registers, so each entry first moves to its CPU's kernel
 * stack (one per CPU is enough: the kernel runs with interrupts off and
 * never returns into a handler), clears DF as C code expects, and calls the
 * C handler, which never returns. The registers it overwrites are saved in
 * the PCB the traversal pushed. The stack of CPU i is at
 * KSTACK_WINDOW + i * KSTACK_STRIDE (kernel.h), KSTACK_SIZE bytes. */
    .equ KSTACK_WINDOW, 0xd0000000
    .equ KSTACK_SIZE, 16384
    .equ KSTACK_SHIFT, 15               /* log2(KSTACK_STRIDE) */
    .equ SPACE_OP_CPU_ID, 19

    .text
.macro entry name, handler
    .globl \name
\name:
    mov $SPACE_OP_CPU_ID, %eax
    int $0xff
    shl $KSTACK_SHIFT, %eax
    lea KSTACK_WINDOW + KSTACK_SIZE(%eax), %esp
    cld
    call \handler
1:  jmp 1b
.endm

    entry syscall_entry, syscall_handler
    entry fault_entry, fault_handler
    entry exception_entry, exception_handler
    entry irq_entry, irq_handler
    entry kernel_trap_entry, kernel_trap_handler
    entry cpu_entry, cpu_main

    .section .note.GNU-stack, "", @progbits
