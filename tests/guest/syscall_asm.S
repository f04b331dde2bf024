/* A user program for syscall.c: position-independent, copied to a fresh
 * frame and run at 0x40000000 in CONTEXT 1 MODE 3. System calls are
 * int $0x80 with EAX = number, arguments in EBX ECX EDX ESI EDI EBP:
 *   1 putc(EBX)   2 weighted sum of the six arguments   3 poke(EBX, ECX)
 * It exits with int $0xf0, EBX = 0x5a on success, else the failing step. */
    .text
    .globl sys_user_start, sys_user_end, sys_user_int_sum, sys_user_load_kernel, sys_user_store_code
sys_user_start:
    call 1f
    .asciz "user says hi\n"
1:  pop %esi
2:  movzbl (%esi), %ebx
    test %ebx, %ebx
    jz 3f
    mov $1, %eax
    int $0x80
    cmp $0, %eax
    jne fail1
    inc %esi
    jmp 2b
3:  mov $2, %eax
    mov $1, %ebx
    mov $2, %ecx
    mov $3, %edx
    mov $4, %esi
    mov $5, %edi
    mov $6, %ebp
    int $0x80
sys_user_int_sum:
    cmp $91, %eax
    jne fail2
    cmp $1, %ebx
    jne fail3
    cmp $2, %ecx
    jne fail3
    cmp $3, %edx
    jne fail3
    cmp $4, %esi
    jne fail3
    cmp $5, %edi
    jne fail3
    cmp $6, %ebp
    jne fail3
    mov $3, %eax
    mov $0x40020010, %ebx
    mov $0xfeedf00d, %ecx
    int $0x80
    cmpl $0xfeedf00d, 0x40020010
    jne fail4
    /* the kernel is not mapped here; the code page is not writable */
sys_user_load_kernel:
    mov 0x00100000, %eax
sys_user_store_code:
    mov %eax, 0x40000000
    /* the stack works */
    push $0x1234
    pop %eax
    cmp $0x1234, %eax
    jne fail5
    mov $0x5a, %ebx
    int $0xf0
fail1:
    mov $1, %ebx
    int $0xf0
fail2:
    mov $2, %ebx
    int $0xf0
fail3:
    mov $3, %ebx
    int $0xf0
fail4:
    mov $4, %ebx
    int $0xf0
fail5:
    mov $5, %ebx
    int $0xf0
sys_user_end:

    .section .note.GNU-stack, "", @progbits
