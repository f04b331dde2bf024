/* qemu_boot: a multiboot entry that runs one loop of bench_loops.S on a
 * bare PC under qemu-system-i386, for space-bench's QEMU columns.
 *
 * QEMU loads bench_qemu.elf with -kernel (multiboot) and the job with
 * -append "JOB ITERATIONS" (JOB alu, mem, sys or tlb). This file sets up a
 * flat GDT and an IDT whose vector 0x81 returns at once (the sys loop's
 * "system call") and whose vector 0x80 ends the run: it writes to the
 * isa-debug-exit port 0xf4, so QEMU exits with status 33 when ECX is 0
 * (the loop ran to its end) and 35 otherwise. Paging stays off: QEMU's
 * softmmu TLB still sits in front of every access, as Unicorn's does. */

#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x00000003 /* align modules, memory info */

    .section .multiboot, "a"
    .balign 4
    .long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

    .text
    .globl qemu_start
qemu_start:
    cli
    lgdt gdt_desc
    ljmp $0x08, $1f
1:  mov  $0x10, %ax
    mov  %ax, %ds
    mov  %ax, %es
    mov  %ax, %ss
    mov  %ax, %fs
    mov  %ax, %gs
    mov  $qemu_stack_top, %esp
    /* IDT gates 0x80 and 0x81: 32-bit interrupt gates, selector 0x08. */
    mov  $done_handler, %eax
    mov  $idt + 0x80 * 8, %edi
    call set_gate
    mov  $sys_handler, %eax
    mov  $idt + 0x81 * 8, %edi
    call set_gate
    lidt idt_desc
    push %ebx            /* the multiboot information */
    call qemu_main       /* returns only on a bad command line */
    mov  $2, %al
    out  %al, $0xf4
2:  hlt
    jmp  2b

set_gate:
    mov  %ax, (%edi)
    movw $0x08, 2(%edi)
    movw $0x8e00, 4(%edi)
    shr  $16, %eax
    mov  %ax, 6(%edi)
    ret

sys_handler:
    iret

done_handler:
    xor  %eax, %eax
    test %ecx, %ecx
    setnz %al
    or   $0x10, %al
    out  %al, $0xf4
3:  hlt
    jmp  3b

/* qemu_run(entry, iterations, buffer): the loop's registers, then jump. */
    .globl qemu_run
qemu_run:
    mov  4(%esp), %eax
    mov  8(%esp), %ecx
    mov  12(%esp), %edi
    mov  %eax, %ebp
    xor  %eax, %eax
    xor  %ebx, %ebx
    xor  %edx, %edx
    xor  %esi, %esi
    mov  $qemu_stack_top, %esp
    jmp  *%ebp

    .section .rodata
    .balign 8
gdt:
    .quad 0
    .quad 0x00cf9a000000ffff /* 0x08: code, flat, 32-bit */
    .quad 0x00cf92000000ffff /* 0x10: data, flat */
gdt_desc:
    .word 3 * 8 - 1
    .long gdt
    .balign 4
idt_desc:
    .word 256 * 8 - 1
    .long idt

    .bss
    .balign 8
idt:
    .skip 256 * 8
    .balign 16
    .skip 8192
qemu_stack_top:

    .section .note.GNU-stack, "", @progbits
