/* uint32_t ops_regs_probe(uint32_t op, uint32_t out[7]): loads known
 * values into EBX..EBP and the arithmetic flags, issues operation `op`,
 * stores EBX ECX EDX ESI EDI EBP and the flags (masked to CF PF AF ZF SF
 * DF OF) in out[], returns EAX. */
    .text
    .globl ops_regs_probe
ops_regs_probe:
    push %ebp
    push %edi
    push %esi
    push %ebx
    mov 20(%esp), %eax
    mov $0x11111111, %ebx
    mov $0x22222222, %ecx
    mov $0x33333333, %edx
    mov $0x44444444, %esi
    mov $0x55555555, %edi
    mov $0x66666666, %ebp
    push $0x8d5                 /* CF PF AF ZF SF OF (DF clear) */
    popf
    int $0xff
    pushf
    push %eax
    mov 32(%esp), %eax          /* out (4 saved + ret + op + flags + eax = 32) */
    mov %ebx, 0(%eax)
    mov %ecx, 4(%eax)
    mov %edx, 8(%eax)
    mov %esi, 12(%eax)
    mov %edi, 16(%eax)
    mov %ebp, 20(%eax)
    mov 4(%esp), %ebx
    and $0xcd5, %ebx
    mov %ebx, 24(%eax)
    pop %eax
    add $4, %esp
    pop %ebx
    pop %esi
    pop %edi
    pop %ebp
    ret

    .section .note.GNU-stack, "", @progbits
