/* entry.S - where portals lead. A traversal does not change registers, so
 * each entry first moves to the kernel stack (one is enough: the kernel runs
 * with interrupts off and never returns into a handler), clears DF as C
 * code expects, and calls the C handler, which never returns. */
    .text
.macro entry name, handler
    .globl \name
\name:
    mov $kernel_stack_top, %esp
    cld
    call \handler
1:  jmp 1b
.endm

    entry syscall_entry, syscall_handler
    entry fault_entry, fault_handler
    entry exception_entry, exception_handler
    entry irq_entry, irq_handler
    entry kernel_trap_entry, kernel_trap_handler

    .bss
    .balign 16
kernel_stack:
    .skip 16384
kernel_stack_top:

    .section .note.GNU-stack, "", @progbits
