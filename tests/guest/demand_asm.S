/* demand.c helpers, run in MODE 3. */
    .text
/* uint32_t stack_fill(uint32_t new_top, uint32_t n): switches to a stack
 * at new_top, pushes n words (n..1), pops them back summing, returns the
 * sum (n*(n+1)/2 when every push and pop worked). */
    .globl stack_fill
stack_fill:
    push %ebx
    push %ebp
    mov %esp, %ebp
    mov 12(%ebp), %eax
    mov 16(%ebp), %ecx
    mov %eax, %esp
    mov %ecx, %edx
1:  push %ecx
    loop 1b
    xor %eax, %eax
2:  pop %ebx
    add %ebx, %eax
    dec %edx
    jnz 2b
    mov %ebp, %esp
    pop %ebp
    pop %ebx
    ret

/* void copy_words(void *dst, const void *src, uint32_t n): rep movsl */
    .globl copy_words
copy_words:
    push %esi
    push %edi
    mov 12(%esp), %edi
    mov 16(%esp), %esi
    mov 20(%esp), %ecx
    cld
    rep movsl
    pop %edi
    pop %esi
    ret

/* void fill_words(void *dst, uint32_t v, uint32_t n): rep stosl */
    .globl fill_words
fill_words:
    push %edi
    mov 8(%esp), %edi
    mov 12(%esp), %eax
    mov 16(%esp), %ecx
    cld
    rep stosl
    pop %edi
    ret

    .section .note.GNU-stack, "", @progbits
