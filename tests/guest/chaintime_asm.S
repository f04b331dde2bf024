/* chaintime_asm.S: code of known length around SPACE_OP_CHAIN_TIME (17).
 * The counts in the comments are what each check in chaintime.c expects. */
    .text
/* chain_time of token EBX into EDX:EAX */
.macro chain_time
    mov $17, %eax
    int $0xff
.endm

/* uint32_t ct_loop(uint32_t n): current chain's time across a loop of n
 * (n >= 1): 1 + 2n + 2, as for space_time */
    .globl ct_loop
ct_loop:
    push %ebx
    push %esi
    mov 12(%esp), %ecx
    xor %ebx, %ebx
    chain_time
    mov %eax, %esi              /* 1 */
1:  dec %ecx
    jnz 1b                      /* 2n */
    chain_time                  /* 2 */
    sub %esi, %eax
    pop %esi
    pop %ebx
    ret

/* void ct_vs_time(uint32_t out[2]): out[0] = space_time(), out[1] = the
 * current chain's time 4 instructions later */
    .globl ct_vs_time
ct_vs_time:
    push %ebx
    mov 8(%esp), %ecx
    mov $11, %eax
    int $0xff
    mov %eax, 0(%ecx)           /* 1 */
    xor %ebx, %ebx              /* 2 */
    chain_time                  /* 3, 4 */
    mov %eax, 4(%ecx)
    pop %ebx
    ret

/* void ct_switch(uint32_t r[9]): the current chain (holding a PCB) is
 * suspended and unsuspended again, its time read around it:
 *   r[0] = X, its time             r[1] = the token
 *   r[2] = the fresh chain's time 4 instructions after the Suspend
 *   r[3], r[4] = chain_time(token) (X + 3: the Suspend is the old chain's)
 *   r[5] = Unsuspend's result      r[6] = the time 4 instructions later (X + 3 + 4)
 *   r[7], r[8] = chain_time(the used token) */
    .globl ct_switch
ct_switch:
    push %ebx
    push %esi
    mov 12(%esp), %esi
    xor %ebx, %ebx
    chain_time                  /* X */
    mov %eax, 0(%esi)           /* X + 1 */
    mov $4, %eax                /* X + 2 */
    int $0xff                   /* X + 3: Suspend */
    mov %eax, 4(%esi)           /* fresh: 1 */
    xor %ebx, %ebx              /* 2 */
    chain_time                  /* 3, 4 */
    mov %eax, 8(%esi)
    mov 4(%esi), %ebx
    chain_time
    mov %eax, 12(%esi)
    mov %edx, 16(%esi)
    mov 4(%esi), %ebx
    mov $5, %eax
    int $0xff                   /* Unsuspend: the fresh chain's last */
    mov %eax, 20(%esi)          /* X + 3 + 1 */
    xor %ebx, %ebx              /* + 2 */
    chain_time                  /* + 3, + 4 */
    mov %eax, 24(%esi)
    mov 4(%esi), %ebx
    chain_time
    mov %eax, 28(%esi)
    mov %edx, 32(%esi)
    pop %esi
    pop %ebx
    ret

/* void ct_wait(uint32_t r[4]): r[0] = chain time C0, r[1] = space_time
 * T0, space_wait, r[2] = space_time T1, r[3] = chain time C1. The chain is
 * charged the 11 instructions after C0, not the idle time. */
    .globl ct_wait
ct_wait:
    push %ebx
    mov 8(%esp), %ecx
    xor %ebx, %ebx
    chain_time                  /* C0 */
    mov %eax, 0(%ecx)           /* 1 */
    mov $11, %eax               /* 2 */
    int $0xff                   /* 3: T0 */
    mov %eax, 4(%ecx)           /* 4 */
    mov $15, %eax               /* 5 */
    int $0xff                   /* 6: wait, then idle */
    mov $11, %eax               /* 7 */
    int $0xff                   /* 8: T1 */
    mov %eax, 8(%ecx)           /* 9 */
    chain_time                  /* 10, 11: C1 */
    mov %eax, 12(%ecx)
    pop %ebx
    ret

/* A user thread (CONTEXT 1, MODE 3); EDX points at its loop count. Each
 * time it runs: [jmp] + mov + 2n, then int $0x41 (yield). */
    .globl thr_code
thr_code:
1:  mov (%edx), %ecx
2:  dec %ecx
    jnz 2b
    int $0x41
    jmp 1b

/* ct_dispatch(token): Unsuspend it and Resume; the thread's chain is
 * charged from the mov after the Unsuspend: 2 instructions. */
    .globl ct_dispatch
ct_dispatch:
    mov 4(%esp), %ebx
    mov $5, %eax
    int $0xff
    mov $3, %eax
    int $0xff
    ud2

/* Portal 0x41: the thread's int (1), then mov and Suspend (2) are its
 * chain's; the kernel goes on in ct_yield_c on a fresh chain. */
    .globl yield_entry
yield_entry:
    mov $4, %eax
    int $0xff
    mov %eax, ct_ytoken
    mov $ct_kstack+8192, %esp
    cld
    call ct_yield_c
    ud2

    .section .note.GNU-stack, "", @progbits
