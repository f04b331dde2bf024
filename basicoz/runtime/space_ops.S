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

/* opn: an operation with `argc` (1..6) cdecl arguments, loaded into EBX,
 * ECX, EDX, ESI, EDI, EBP in that order. Only the caller's own argument
 * words are read: a wrapper must never touch the stack beyond them. */
.macro opn name, num, argc
    .globl \name
    .type \name, @function
\name:
    push %ebp
    push %edi
    push %esi
    push %ebx
    mov 20(%esp), %ebx
    .if \argc >= 2
    mov 24(%esp), %ecx
    .endif
    .if \argc >= 3
    mov 28(%esp), %edx
    .endif
    .if \argc >= 4
    mov 32(%esp), %esi
    .endif
    .if \argc >= 5
    mov 36(%esp), %edi
    .endif
    .if \argc >= 6
    mov 40(%esp), %ebp
    .endif
    mov $\num, %eax
    int $0xff
    pop %ebx
    pop %esi
    pop %edi
    pop %ebp
    ret
.endm

    opn space_map_memory, 1, 4
    opn space_map_portal, 2, 6
    op0 space_resume, 3
    op0 space_suspend, 4
    opn space_unsuspend, 5, 1
    opn space_pcb_read, 6, 1
    opn space_pcb_write, 7, 1
    opn space_pcb_push, 8, 1
    op0 space_pcb_pop, 9
    opn space_halt, 10, 1
    op0 space_time, 11
    opn space_interrupts, 12, 1
    opn space_debug_putc, 13, 1
    op0 space_wait, 15
    opn space_refdirty, 16, 3
    opn space_chain_time, 17, 1 /* EDX:EAX, EDX = -1 with an error in EAX */
    opn space_trace, 18, 1
    op0 space_cpu_id, 19
    opn space_cpu_start, 20, 2
    opn space_ipi, 21, 2
    opn space_context_name, 22, 2
    opn space_metric, 23, 3

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
