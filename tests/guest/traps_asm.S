/* traps_asm.S - one function per trapping instruction.
 *
 * tc_NAME: saves the callee-saved registers, sets the kit recovery point,
 * loads ESI/EDI/EBP with markers, does its set-up, then at tc_NAME_at the
 * instruction under test; tc_NAME_end follows it. If the instruction does
 * not trap (or its trap resumes at tc_NAME_end) the function returns 0; a
 * recovered trap returns KIT_FAULTED. */
    .text

.macro tc_begin name
    .globl \name, \name\()_at, \name\()_end
    .type \name, @function
\name:
    push %ebp
    push %edi
    push %esi
    push %ebx
    mov %esp, kit_recover_esp
    movl $8f, kit_recover_pc
    mov $0x5e5e5e5e, %esi
    mov $0xd1d1d1d1, %edi
    mov $0xb0b0b0b0, %ebp
.endm
.macro tc_at name
\name\()_at:
.endm
.macro tc_end name
\name\()_end:
    movl $0, kit_recover_pc
    xor %eax, %eax
    jmp 7f
8:  mov $0xfa17fa17, %eax
7:  pop %ebx
    pop %esi
    pop %edi
    pop %ebp
    ret
.endm

/* tc NAME, SETUP..., then the instruction is given by tc_at/tc_end */

tc_begin tc_div
    mov $1, %eax
    xor %edx, %edx
    xor %ecx, %ecx
tc_at tc_div
    div %ecx
tc_end tc_div

tc_begin tc_idiv
    mov $0x80000000, %eax
    cdq
    mov $-1, %ecx
tc_at tc_idiv
    idiv %ecx
tc_end tc_idiv

tc_begin tc_int3
tc_at tc_int3
    int3
tc_end tc_int3

tc_begin tc_int_3
tc_at tc_int_3
    .byte 0xcd, 0x03
tc_end tc_int_3

tc_begin tc_into
    mov $0x7fffffff, %eax
    add $1, %eax
tc_at tc_into
    into
tc_end tc_into

tc_begin tc_bound
    mov $5, %eax
    mov $bound_limits, %ecx
tc_at tc_bound
    bound %eax, (%ecx)
tc_end tc_bound

tc_begin tc_ud2
tc_at tc_ud2
    ud2
tc_end tc_ud2

tc_begin tc_locknop
tc_at tc_locknop
    .byte 0xf0, 0x90
tc_end tc_locknop

tc_begin tc_cli
tc_at tc_cli
    cli
tc_end tc_cli

tc_begin tc_sti
tc_at tc_sti
    sti
tc_end tc_sti

tc_begin tc_hlt
tc_at tc_hlt
    hlt
tc_end tc_hlt

tc_begin tc_in
tc_at tc_in
    in $0x60, %al
tc_end tc_in

tc_begin tc_in_dx
    mov $0x3f8, %edx
tc_at tc_in_dx
    in (%dx), %al
tc_end tc_in_dx

tc_begin tc_out
    mov $0x41, %eax
tc_at tc_out
    out %al, $0x80
tc_end tc_out

tc_begin tc_outsb
    mov $0x3f8, %edx
    mov $bound_limits, %esi
tc_at tc_outsb
    outsb
tc_end tc_outsb

tc_begin tc_mov_ds
    mov $0x13, %eax
tc_at tc_mov_ds
    mov %ax, %ds
tc_end tc_mov_ds

tc_begin tc_mov_ss
    mov $0x13, %eax
tc_at tc_mov_ss
    mov %ax, %ss
tc_end tc_mov_ss

tc_begin tc_mov_ds_null
    xor %eax, %eax
tc_at tc_mov_ds_null
    mov %ax, %ds
tc_end tc_mov_ds_null

tc_begin tc_mov_es_null
    xor %eax, %eax
tc_at tc_mov_es_null
    mov %ax, %es
tc_end tc_mov_es_null

tc_begin tc_mov_fs_null
    xor %eax, %eax
tc_at tc_mov_fs_null
    mov %ax, %fs
tc_end tc_mov_fs_null

tc_begin tc_pop_ds
    push $0x13
tc_at tc_pop_ds
    pop %ds
tc_end tc_pop_ds

tc_begin tc_rdtsc
tc_at tc_rdtsc
    rdtsc
tc_end tc_rdtsc

tc_begin tc_rdpmc
    xor %ecx, %ecx
tc_at tc_rdpmc
    rdpmc
tc_end tc_rdpmc

tc_begin tc_lgdt
    mov $bound_limits, %eax
tc_at tc_lgdt
    lgdt (%eax)
tc_end tc_lgdt

tc_begin tc_sgdt
    mov $scratch, %eax
tc_at tc_sgdt
    sgdt (%eax)
tc_end tc_sgdt

tc_begin tc_smsw
tc_at tc_smsw
    smsw %ax
tc_end tc_smsw

tc_begin tc_mov_cr0
tc_at tc_mov_cr0
    mov %cr0, %eax
tc_end tc_mov_cr0

tc_begin tc_mov_cr3
    xor %eax, %eax
tc_at tc_mov_cr3
    mov %eax, %cr3
tc_end tc_mov_cr3

tc_begin tc_wbinvd
tc_at tc_wbinvd
    wbinvd
tc_end tc_wbinvd

tc_begin tc_rdmsr
    xor %ecx, %ecx
tc_at tc_rdmsr
    rdmsr
tc_end tc_rdmsr

tc_begin tc_iret
    pushf
    push %cs
    push $tc_iret_end
tc_at tc_iret
    iret
tc_end tc_iret

tc_begin tc_lret
    push %cs
    push $tc_lret_end
tc_at tc_lret
    lret
tc_end tc_lret

tc_begin tc_ljmp
tc_at tc_ljmp
    ljmp $0x0b, $tc_ljmp_end
tc_end tc_ljmp

tc_begin tc_int_0e
tc_at tc_int_0e
    int $0x0e
tc_end tc_int_0e

tc_begin tc_int_02
tc_at tc_int_02
    int $0x02
tc_end tc_int_02

tc_begin tc_int_1f
tc_at tc_int_1f
    int $0x1f
tc_end tc_int_1f

/* int n on the vectors of genuine exceptions */
tc_begin tc_int_00
tc_at tc_int_00
    int $0x00
tc_end tc_int_00

tc_begin tc_int_06
tc_at tc_int_06
    int $0x06
tc_end tc_int_06

tc_begin tc_int_0d
tc_at tc_int_0d
    int $0x0d
tc_end tc_int_0d

/* deliberate traps and the operation instruction */
tc_begin tc_int_40
    mov $0x12345678, %eax
tc_at tc_int_40
    int $0x40
tc_end tc_int_40

tc_begin tc_int_41
tc_at tc_int_41
    int $0x41
tc_end tc_int_41

tc_begin tc_int_42
    mov $0x4242, %eax
tc_at tc_int_42
    int $0x42
tc_end tc_int_42

/* tc_op: operation number in EBX (from the C argument) */
    .globl tc_op, tc_op_at
tc_op:
    push %ebp
    push %edi
    push %esi
    push %ebx
    mov %esp, kit_recover_esp
    movl $8f, kit_recover_pc
    mov 20(%esp), %eax
tc_op_at:
    int $0xff
    movl $0, kit_recover_pc
    jmp 7f
8:  mov $0xfa17fa17, %eax
7:  pop %ebx
    pop %esi
    pop %edi
    pop %ebp
    ret

/* tc_load: load from the address in the C argument */
    .globl tc_load, tc_load_at
tc_load:
    push %ebp
    push %edi
    push %esi
    push %ebx
    mov %esp, kit_recover_esp
    movl $8f, kit_recover_pc
    mov 20(%esp), %ecx
tc_load_at:
    mov (%ecx), %eax
    movl $0, kit_recover_pc
    jmp 7f
8:  mov $0xfa17fa17, %eax
7:  pop %ebx
    pop %esi
    pop %edi
    pop %ebp
    ret

tc_begin tc_int_fe
tc_at tc_int_fe
    int $0xfe
tc_end tc_int_fe

tc_begin tc_op_time
    mov $11, %eax
tc_at tc_op_time
    int $0xff
tc_end tc_op_time

tc_begin tc_op_halt
    mov $10, %eax
    mov $77, %ebx
tc_at tc_op_halt
    int $0xff
tc_end tc_op_halt

tc_begin tc_sidt
    mov $scratch, %eax
tc_at tc_sidt
    sidt (%eax)
tc_end tc_sidt

tc_begin tc_sldt
tc_at tc_sldt
    sldt %ax
tc_end tc_sldt

tc_begin tc_str
tc_at tc_str
    str %ax
tc_end tc_str

tc_begin tc_insb
    mov $0x3f8, %edx
    mov $scratch, %edi
tc_at tc_insb
    insb
tc_end tc_insb

tc_begin tc_outl
    mov $0xcf8, %edx
    mov $0x80000000, %eax
tc_at tc_outl
    out %eax, (%dx)
tc_end tc_outl

tc_begin tc_mov_gs_null
    xor %eax, %eax
tc_at tc_mov_gs_null
    mov %ax, %gs
tc_end tc_mov_gs_null

tc_begin tc_clts
tc_at tc_clts
    clts
tc_end tc_clts

tc_begin tc_invlpg
    mov $scratch, %eax
tc_at tc_invlpg
    invlpg (%eax)
tc_end tc_invlpg

tc_begin tc_lidt
    mov $bound_limits, %eax
tc_at tc_lidt
    lidt (%eax)
tc_end tc_lidt

tc_begin tc_wrmsr
    xor %ecx, %ecx
    xor %eax, %eax
    xor %edx, %edx
tc_at tc_wrmsr
    wrmsr
tc_end tc_wrmsr

tc_begin tc_lds
    mov $lds_ptr, %eax
tc_at tc_lds
    lds (%eax), %ecx
tc_end tc_lds

tc_begin tc_lcall
tc_at tc_lcall
    lcall $0x0b, $tc_lcall_end
tc_end tc_lcall

tc_begin tc_sysenter
tc_at tc_sysenter
    sysenter
tc_end tc_sysenter

tc_begin tc_syscall
tc_at tc_syscall
    syscall
tc_end tc_syscall

tc_begin tc_int_08
tc_at tc_int_08
    int $0x08
tc_end tc_int_08

tc_begin tc_int_18
tc_at tc_int_18
    int $0x18
tc_end tc_int_18

tc_begin tc_int_19
tc_at tc_int_19
    int $0x19
tc_end tc_int_19

tc_begin tc_icebp
tc_at tc_icebp
    .byte 0xf1
tc_end tc_icebp

tc_begin tc_rdtscp
tc_at tc_rdtscp
    rdtscp
tc_end tc_rdtscp

tc_begin tc_rdrand
tc_at tc_rdrand
    rdrand %eax
tc_end tc_rdrand

tc_begin tc_sse
tc_at tc_sse
    xorps %xmm0, %xmm0
tc_end tc_sse

/* uint32_t read_segs(void): DS ES FS GS low bytes packed, DS lowest */
    .globl read_segs
read_segs:
    mov %gs, %eax
    shl $8, %eax
    mov %fs, %ecx
    mov %cl, %al
    shl $8, %eax
    mov %es, %ecx
    mov %cl, %al
    shl $8, %eax
    mov %ds, %ecx
    mov %cl, %al
    ret

tc_begin tc_int_01
tc_at tc_int_01
    int $0x01
tc_end tc_int_01

tc_begin tc_int_04
tc_at tc_int_04
    int $0x04
tc_end tc_int_04

    .data
    .balign 8
bound_limits:
    .long 0, 1, 0, 0
scratch:
    .long 0, 0, 0, 0
lds_ptr:
    .long 0
    .word 0x13, 0

    .section .note.GNU-stack, "", @progbits
