/* straddle.c helpers */
    .text
/* void push_at(uint32_t esp_value, uint32_t v): pushes v with ESP set to
 * esp_value (so the store goes to esp_value - 4), then restores ESP. */
    .globl push_at, push_at_insn
push_at:
    mov 4(%esp), %eax
    mov 8(%esp), %edx
    mov %esp, %ecx
    mov %eax, %esp
push_at_insn:
    push %edx
    mov %ecx, %esp
    ret

/* uint32_t movs_at(const void *src): one movsl from src to a local */
    .globl movs_at, movs_at_insn
movs_at:
    push %esi
    push %edi
    push $0
    mov 16(%esp), %esi
    mov %esp, %edi
    cld
movs_at_insn:
    movsl
    pop %eax
    pop %edi
    pop %esi
    ret

    .section .note.GNU-stack, "", @progbits
