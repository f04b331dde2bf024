/* timing.c: code of known length between two time operations. Each
 * function returns T1 - T0 (low words), where T0 and T1 are the values of
 * two "mov $11,%eax; int $0xff" (space_time) operations. */
    .text
.macro t0
    mov $11, %eax
    int $0xff
    mov %eax, t0_low            /* 1 */
.endm
.macro t1
    mov $11, %eax               /* 1 */
    int $0xff                   /* 1 */
    sub t0_low, %eax
.endm

/* n >= 1: 1 + 2n + 2 */
    .globl t_loop
t_loop:
    mov 4(%esp), %ecx
    t0
1:  dec %ecx
    jnz 1b
    t1
    ret

/* 1 + 10 + 2 */
    .globl t_nops
t_nops:
    t0
    .rept 10
    nop
    .endr
    t1
    ret

/* int3, its handler resumes: 1 + 1 (int3) + 2 (handler) + 2 */
    .globl t_int3, h_resume
t_int3:
    t0
    int3
    t1
    ret
h_resume:
    mov $3, %eax
    int $0xff

/* a fault, its handler pops the PCB and jumps on: 1 + 0 + 3 + 2 */
    .globl t_ud2, h_ud2
t_ud2:
    t0
    ud2
t_ud2_after:
    t1
    ret
h_ud2:
    mov $9, %eax
    int $0xff
    jmp t_ud2_after

    .globl t_load, h_load
t_load:
    t0
    mov 0x70000000, %eax
t_load_after:
    t1
    ret
h_load:
    mov $9, %eax
    int $0xff
    jmp t_load_after

/* a fetch fault after a jump (the jump retires): 1 + 1 + 0 + 3 + 2 */
    .globl t_fetch, h_fetch
t_fetch:
    t0
    jmp *fetch_target
t_fetch_after:
    t1
    ret
h_fetch:
    mov $9, %eax
    int $0xff
    jmp t_fetch_after

/* rep movsb of n bytes: 1 + 3 + (n + 1) + 2 */
    .globl t_rep
t_rep:
    push %esi
    push %edi
    t0
    mov 12(%esp), %ecx
    mov $buf_a, %esi
    mov $buf_b, %edi
    rep movsb
    t1
    pop %edi
    pop %esi
    ret

/* repe cmpsb that stops at the first difference, index k-1: 1 + 3 + k + 2 */
    .globl t_repe
t_repe:
    push %esi
    push %edi
    t0
    mov $64, %ecx
    mov $buf_a, %esi
    mov $buf_c, %edi
    repe cmpsb
    t1
    pop %edi
    pop %esi
    ret

/* a user program for the portal-entry measurements (CONTEXT 1 MODE 3):
 * each int $0x40 lands in tlog_entry, which logs the time at its second
 * instruction and resumes (7 instructions). */
    .globl u_timed, tlog_entry
u_timed:
    int $0x40
    nop
    nop
    nop
    int $0x40
    mov $5, %ecx
1:  dec %ecx
    jnz 1b
    int $0x40
    mov $0x600d, %ebx
    int $0xf0
tlog_entry:
    mov $11, %eax
    int $0xff
    mov tidx, %ecx
    mov %eax, tlog(,%ecx,4)
    incl tidx
    mov $3, %eax
    int $0xff

    .data
    .globl fetch_target, tidx, tlog, buf_c
fetch_target: .long 0x70000000
t0_low: .long 0
tidx: .long 0
tlog: .long 0, 0, 0, 0, 0, 0, 0, 0
buf_a: .fill 64, 1, 0x55
buf_b: .fill 64, 1, 0
buf_c: .fill 64, 1, 0x55

    .section .note.GNU-stack, "", @progbits
