/* kit_asm.S - assembly parts of the test kit (see kit.h). */
    .text

/* Portal entry: registers are the trapping code's; save a few, take the
 * time, switch to the kit's kernel stack and run kit_trap_c. */
    .globl kit_trap_entry
    .type kit_trap_entry, @function
kit_trap_entry:
    mov %eax, kit_stub_regs+0
    mov %edx, kit_stub_regs+12
    mov $11, %eax                   /* time: the 4th instruction */
    int $0xff
    mov %eax, kit_stub_time
    mov %edx, kit_stub_time+4
    mov %ebx, kit_stub_regs+4
    mov %ecx, kit_stub_regs+8
    mov %esi, kit_stub_regs+16
    mov %edi, kit_stub_regs+20
    mov %ebp, kit_stub_regs+24
    mov %esp, kit_stub_regs+28
    mov $kit_kstack+16384, %esp
    cld                             /* the trapping code may have left DF set */
    xor %ebp, %ebp
    call kit_trap_c
    push $3
    call space_halt

/* Start of a kit_call callee: EAX = fn, EBX = arg. */
    .globl kit_user_tramp, kit_user_tramp_ret
    .type kit_user_tramp, @function
kit_user_tramp:
    push %ebx
    call *%eax
kit_user_tramp_ret:
    mov %eax, %ebx
    int $0xf0
    ud2

    .globl kit_setjmp
    .type kit_setjmp, @function
kit_setjmp:
    mov 4(%esp), %eax
    mov %ebx, 0(%eax)
    mov %esi, 4(%eax)
    mov %edi, 8(%eax)
    mov %ebp, 12(%eax)
    lea 4(%esp), %ecx
    mov %ecx, 16(%eax)
    mov (%esp), %ecx
    mov %ecx, 20(%eax)
    xor %eax, %eax
    ret

    .globl kit_longjmp
    .type kit_longjmp, @function
kit_longjmp:
    mov 4(%esp), %edx
    mov 8(%esp), %eax
    mov 0(%edx), %ebx
    mov 4(%edx), %esi
    mov 8(%edx), %edi
    mov 12(%edx), %ebp
    mov 16(%edx), %esp
    jmp *20(%edx)

/* Probes: set the recovery point, touch memory, clear it. A fault resumes
 * at 9: with the stack pointer as it was on entry. */
.macro probe_begin
    mov %esp, kit_recover_esp
    movl $9f, kit_recover_pc
.endm
.macro probe_end
    movl $0, kit_recover_pc
    ret
9:  mov $0xfa17fa17, %eax
    ret
.endm

    .globl kit_read32, kit_read32_at
kit_read32:
    mov 4(%esp), %ecx
    probe_begin
kit_read32_at:
    mov (%ecx), %eax
    probe_end

    .globl kit_read8, kit_read8_at
kit_read8:
    mov 4(%esp), %ecx
    probe_begin
kit_read8_at:
    movzbl (%ecx), %eax
    probe_end

    .globl kit_write32, kit_write32_at
kit_write32:
    mov 4(%esp), %ecx
    mov 8(%esp), %edx
    probe_begin
kit_write32_at:
    mov %edx, (%ecx)
    xor %eax, %eax
    probe_end

    .globl kit_rmw32, kit_rmw32_at
kit_rmw32:
    mov 4(%esp), %ecx
    probe_begin
kit_rmw32_at:
    addl $1, (%ecx)
    xor %eax, %eax
    probe_end

    .globl kit_exec, kit_exec_at
kit_exec:
    mov 4(%esp), %ecx
    probe_begin
kit_exec_at:
    call *%ecx
    probe_end

/* uint32_t kit_raw_op(uint32_t op, const uint32_t a[6]) */
    .globl kit_raw_op
kit_raw_op:
    push %ebp
    push %edi
    push %esi
    push %ebx
    mov 24(%esp), %eax
    mov 0(%eax), %ebx
    mov 4(%eax), %ecx
    mov 8(%eax), %edx
    mov 12(%eax), %esi
    mov 16(%eax), %edi
    mov 20(%eax), %ebp
    mov 20(%esp), %eax
    int $0xff
    pop %ebx
    pop %esi
    pop %edi
    pop %ebp
    ret

    .section .note.GNU-stack, "", @progbits
