/* The SPACE operation wrappers of space.h.
 * Encoding (docs/space-architecture.md): EAX = operation number, arguments in
 * EBX, ECX, EDX, ESI, EDI, EBP (in that order), then "int $0xff" (bytes CD FF).
 * The result comes back in EAX (EDX:EAX for 64-bit results). Every other
 * register is preserved by the simulator. */
    .text

/* op0: operation with no argument */
.macro op0 name, num
    .globl \name
    .type \name, @function
\name:
    mov $\num, %eax
    int $0xff
    ret
.endm

/* opn: up to six cdecl arguments loaded into EBX, ECX, EDX, ESI, EDI, EBP */
.macro opn name, num
    .globl \name
    .type \name, @function
\name:
    push %ebp
    push %edi
    push %esi
    push %ebx
    mov 20(%esp), %ebx
    mov 24(%esp), %ecx
    mov 28(%esp), %edx
    mov 32(%esp), %esi
    mov 36(%esp), %edi
    mov 40(%esp), %ebp
    mov $\num, %eax
    int $0xff
    pop %ebx
    pop %esi
    pop %edi
    pop %ebp
    ret
.endm

    opn space_map_memory, 1
    opn space_map_portal, 2
    op0 space_resume, 3
    op0 space_suspend, 4
    opn space_unsuspend, 5
    opn space_pcb_read, 6
    opn space_pcb_write, 7
    opn space_pcb_push, 8
    op0 space_pcb_pop, 9
    opn space_halt, 10
    op0 space_time, 11
    opn space_interrupts, 12
    opn space_debug_putc, 13

/* int space_mapping(ctx, vaddr, uint32_t *paddr): the op returns the
 * modeaccess in EAX and the physical page in EDX. */
    .globl space_mapping
    .type space_mapping, @function
space_mapping:
    push %ebx
    mov 8(%esp), %ebx
    mov 12(%esp), %ecx
    mov $14, %eax
    int $0xff
    mov 16(%esp), %ecx
    test %ecx, %ecx
    jz 1f
    test %eax, %eax
    js 1f
    mov %edx, (%ecx)
1:  pop %ebx
    ret

    .section .note.GNU-stack, "", @progbits
