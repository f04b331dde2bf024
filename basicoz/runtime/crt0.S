/* Start-up code linked first into every guest built by space-cc.
 * The simulator enters here in CONTEXT 0, MODE 0 with EBX pointing at the
 * boot-information block (see docs/space-architecture.md, "Boot state"). */
    .section .text.start, "ax"
    .globl _start
    .type _start, @function
_start:
    mov $space_boot_stack_top, %esp
    xor %ebp, %ebp
    push %ebx                 /* const struct space_bootinfo * */
    call kmain
    push $0
    call space_halt
1:  jmp 1b

    .section .bss
    .balign 16
    .globl space_boot_stack
space_boot_stack:
    .skip 16384
space_boot_stack_top:

    .section .note.GNU-stack, "", @progbits
