/* refdirty_asm.S: an access, a clearing REFDIRTY operation and the same
 * access again, with nothing else touched in between but this code and
 * the stack, so that Unicorn's TLB still holds the page's translation
 * unless the clearing dropped it. Each returns the page's bits at the end
 * (a second REFDIRTY with mask 0). Page va in CONTEXT 0. */
    .text
/* ECX = va, EDX = mask: the bits before, in EAX */
.macro refdirty
    mov $16, %eax
    xor %ebx, %ebx
    int $0xff
.endm

/* uint32_t rd_clr_rd(uint32_t va, uint32_t mask) */
    .globl rd_clr_rd
rd_clr_rd:
    push %ebx
    push %esi
    mov 12(%esp), %esi
    mov 16(%esp), %edx
    mov (%esi), %eax
    mov %esi, %ecx
    refdirty
    mov (%esi), %eax
    mov %esi, %ecx
    xor %edx, %edx
    refdirty
    pop %esi
    pop %ebx
    ret

/* uint32_t wr_clr_wr(uint32_t va, uint32_t mask) */
    .globl wr_clr_wr
wr_clr_wr:
    push %ebx
    push %esi
    mov 12(%esp), %esi
    mov 16(%esp), %edx
    movl $1, (%esi)
    mov %esi, %ecx
    refdirty
    movl $2, (%esi)
    mov %esi, %ecx
    xor %edx, %edx
    refdirty
    pop %esi
    pop %ebx
    ret

/* uint32_t wr_clr_rd_wr(uint32_t va): write, clear both bits, read (the
 * bits are REF), write (now REF|DIRTY). Returns bits after the read in
 * the high half, at the end in the low half. */
    .globl wr_clr_rd_wr
wr_clr_rd_wr:
    push %ebx
    push %esi
    push %edi
    mov 16(%esp), %esi
    movl $3, (%esi)
    mov %esi, %ecx
    mov $3, %edx
    refdirty
    mov (%esi), %eax
    mov %esi, %ecx
    xor %edx, %edx
    refdirty
    mov %eax, %edi
    movl $4, (%esi)
    mov %esi, %ecx
    xor %edx, %edx
    refdirty
    shl $16, %edi
    or %edi, %eax
    pop %edi
    pop %esi
    pop %ebx
    ret

/* uint32_t x_clr_x(uint32_t va): call va, clear REF, call va again */
    .globl x_clr_x
x_clr_x:
    push %ebx
    push %esi
    mov 12(%esp), %esi
    call *%esi
    mov %esi, %ecx
    mov $1, %edx
    refdirty
    call *%esi
    mov %esi, %ecx
    xor %edx, %edx
    refdirty
    pop %esi
    pop %ebx
    ret

    .section .note.GNU-stack, "", @progbits
