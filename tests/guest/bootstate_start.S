/* bootstate: its own _start (space-cc --no-start) records the machine
 * state at the first instruction before anything changes it. */
    .section .text.start, "ax"
    .globl _start
_start:
    mov %eax, boot_regs+0
    mov %ebx, boot_regs+4
    mov %ecx, boot_regs+8
    mov %edx, boot_regs+12
    mov %esi, boot_regs+16
    mov %edi, boot_regs+20
    mov %ebp, boot_regs+24
    mov %esp, boot_regs+28
    mov $boot_stack+8192, %esp
    pushf
    popl boot_regs+32
    fnstcw boot_regs+36
    stmxcsr boot_regs+40
    mov %cs, boot_regs+44
    mov %ds, boot_regs+48
    mov %es, boot_regs+52
    mov %fs, boot_regs+56
    mov %gs, boot_regs+60
    mov %ss, boot_regs+64
    push %ebx
    call kmain
    push $0
    call space_halt

    .bss
    .balign 16
    .globl boot_regs
boot_regs: .skip 80
boot_stack: .skip 8192
    .skip 64

    .section .note.GNU-stack, "", @progbits
