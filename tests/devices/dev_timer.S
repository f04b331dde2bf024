/* dev_timer.S - straight-line code of known length for dev_timer.c, and an
 * interrupt handler of a known length (TICK_K instructions).
 *
 * Each test function is cdecl, keeps EBX/ESI/EDI/EBP, runs with EBX =
 * TIMER_VA and EAX counting the `inc %eax` instructions it has executed,
 * and returns EAX. The handler records, per tick, the interrupted EAX, the
 * virtual time 3 instructions after delivery, and the whole PCB; Resume
 * restores every register, so the interrupted code never notices it. */
#include "devtest.h"

    .text
.macro INCS n
    .rept \n
    inc %eax
    .endr
.endm
.macro ENTER
    push %ebx
    push %esi
    push %edi
    push %ebp
    mov $TIMER_VA, %ebx
    xor %eax, %eax
.endm
.macro LEAVE
    pop %ebp
    pop %edi
    pop %esi
    pop %ebx
    ret
.endm
/* NOW register read into `now_before`, then arm with CONTROL = \ctl: the
 * arming write retires at now_before + 2 */
.macro ARM ctl
    mov R_TIMER_NOW_LO(%ebx), %ecx
    mov %ecx, now_before
    movl $\ctl, R_TIMER_CONTROL(%ebx)
.endm

/* ---- the interrupt handler: exactly 14 instructions ---- */
    .globl tick_entry
tick_entry:
    mov %eax, %esi                      /* 1  the interrupted EAX */
    mov $OP_TIME, %eax                  /* 2 */
    int $0xff                           /* 3  EAX = delivery time + 3 */
    mov tick_n, %ecx                    /* 4 */
    mov %eax, tick_time(,%ecx,4)        /* 5 */
    mov %esi, tick_eax(,%ecx,4)         /* 6 */
    imul $80, %ecx, %ebx                /* 7 */
    add $tick_pcb, %ebx                 /* 8 */
    mov $OP_PCB_READ, %eax              /* 9 */
    int $0xff                           /* 10 */
    inc %ecx                            /* 11 */
    mov %ecx, tick_n                    /* 12 */
    mov $OP_RESUME, %eax                /* 13 */
    int $0xff                           /* 14 */

/* one-shot, INTERVAL = arg: the tick must interrupt the incs after exactly
 * INTERVAL of them */
    .globl t_oneshot, t_oneshot_seq
t_oneshot:
    ENTER
    mov 20(%esp), %ecx
    mov %ecx, R_TIMER_INTERVAL(%ebx)
    ARM 1
t_oneshot_seq:
    INCS 3000
    LEAVE

/* periodic, INTERVAL 300, disarmed after 3000 incs */
    .globl t_periodic, t_periodic_seq
t_periodic:
    ENTER
    movl $300, R_TIMER_INTERVAL(%ebx)
    ARM 3
t_periodic_seq:
    INCS 3000
    movl $0, R_TIMER_CONTROL(%ebx)
    INCS 1000
    LEAVE

/* periodic, INTERVAL 300, changed to 200 after 100 incs (the next period
 * takes the new interval; the schedule in progress is kept) */
    .globl t_period_change, t_period_change_seq
t_period_change:
    ENTER
    movl $300, R_TIMER_INTERVAL(%ebx)
    ARM 3
t_period_change_seq:
    INCS 100
    movl $200, R_TIMER_INTERVAL(%ebx)
    INCS 500
    movl $0, R_TIMER_CONTROL(%ebx)
    INCS 1000
    LEAVE

/* disarm before the tick: nothing comes */
    .globl t_disarm
t_disarm:
    ENTER
    movl $100, R_TIMER_INTERVAL(%ebx)
    ARM 1
    INCS 50
    movl $0, R_TIMER_CONTROL(%ebx)
    INCS 300
    LEAVE

/* re-arming replaces the schedule: the tick comes INTERVAL after the
 * second arming write */
    .globl t_rearm, t_rearm_seq
t_rearm:
    ENTER
    movl $100, R_TIMER_INTERVAL(%ebx)
    ARM 1
t_rearm_seq:
    INCS 30
    movl $1, R_TIMER_CONTROL(%ebx)
    INCS 300
    LEAVE

/* re-arming with a new interval */
    .globl t_rearm_new, t_rearm_new_seq
t_rearm_new:
    ENTER
    movl $100, R_TIMER_INTERVAL(%ebx)
    ARM 1
t_rearm_new_seq:
    INCS 30
    movl $40, R_TIMER_INTERVAL(%ebx)
    movl $1, R_TIMER_CONTROL(%ebx)
    INCS 300
    LEAVE

/* writing INTERVAL alone changes nothing already scheduled */
    .globl t_interval_only, t_interval_only_seq
t_interval_only:
    ENTER
    movl $100, R_TIMER_INTERVAL(%ebx)
    ARM 1
t_interval_only_seq:
    INCS 10
    movl $20, R_TIMER_INTERVAL(%ebx)
    INCS 300
    LEAVE

/* ENABLE with INTERVAL 0 arms nothing */
    .globl t_zero
t_zero:
    ENTER
    movl $0, R_TIMER_INTERVAL(%ebx)
    ARM 1
    INCS 300
    LEAVE

/* the tick interrupts a rep stosl (ECX = 1000, into arg) after exactly
 * INTERVAL iterations; Resume completes it. Armed at now_before + 3. */
    .globl t_rep, t_rep_insn
t_rep:
    ENTER
    mov 20(%esp), %edi
    mov $1000, %ecx
    movl $100, R_TIMER_INTERVAL(%ebx)
    mov R_TIMER_NOW_LO(%ebx), %edx
    mov %edx, now_before
    cld
    movl $1, R_TIMER_CONTROL(%ebx)
t_rep_insn:
    rep stosl
    mov %ecx, %eax
    LEAVE

/* NOW against space_time(): out[0] = time, out[1] = NOW_LO just after,
 * out[2] = NOW_HI, out[3] = NOW_LO two instructions later, out[4] = NOW_LO,
 * out[5] = time just after it */
    .globl t_now
t_now:
    ENTER
    mov 20(%esp), %edi
    mov $OP_TIME, %eax
    int $0xff
    mov R_TIMER_NOW_LO(%ebx), %ecx
    mov R_TIMER_NOW_HI(%ebx), %edx
    mov R_TIMER_NOW_LO(%ebx), %esi
    mov %eax, 0(%edi)
    mov %ecx, 4(%edi)
    mov %edx, 8(%edi)
    mov %esi, 12(%edi)
    mov R_TIMER_NOW_LO(%ebx), %ecx
    mov $OP_TIME, %eax
    int $0xff
    mov %ecx, 16(%edi)
    mov %eax, 20(%edi)
    LEAVE

/* NEXT just after arming with INTERVAL = arg1: out[0] = NEXT_LO,
 * out[1] = NEXT_HI, out[2] = NOW_LO read right after them */
    .globl t_next
t_next:
    ENTER
    mov 24(%esp), %edi
    mov 20(%esp), %ecx
    mov %ecx, R_TIMER_INTERVAL(%ebx)
    movl $1, R_TIMER_CONTROL(%ebx)
    mov R_TIMER_NEXT_LO(%ebx), %ecx
    mov R_TIMER_NEXT_HI(%ebx), %edx
    mov R_TIMER_NOW_LO(%ebx), %esi
    movl $0, R_TIMER_CONTROL(%ebx)
    mov %ecx, 0(%edi)
    mov %edx, 4(%edi)
    mov %esi, 8(%edi)
    LEAVE

/* space_wait skips idle time to the tick: arm (INTERVAL = arg), wait,
 * then read the time; returns it */
    .globl t_wait, t_wait_after
t_wait:
    ENTER
    mov 20(%esp), %ecx
    mov %ecx, R_TIMER_INTERVAL(%ebx)
    ARM 1
    mov $OP_WAIT, %eax
    int $0xff
t_wait_after:
    mov $OP_TIME, %eax
    int $0xff
    LEAVE

/* periodic, INTERVAL 100, set to 0 after 10 incs: the tick already
 * scheduled comes (at EAX 99), then the timer disarms itself */
    .globl t_interval_zero, t_interval_zero_seq
t_interval_zero:
    ENTER
    movl $100, R_TIMER_INTERVAL(%ebx)
    ARM 3
t_interval_zero_seq:
    INCS 10
    movl $0, R_TIMER_INTERVAL(%ebx)
    INCS 1000
    LEAVE

/* a wait with a line already pending returns at once: out[0] = time
 * before, out[1] = time after = out[0] + 5 if no time passed */
    .globl t_wait_pending
t_wait_pending:
    ENTER
    mov 20(%esp), %edi
    mov $OP_TIME, %eax
    int $0xff                   /* T */
    mov %eax, 0(%edi)           /* T + 1 */
    mov $OP_WAIT, %eax          /* T + 2 */
    int $0xff                   /* T + 3 */
    mov $OP_TIME, %eax          /* T + 4 */
    int $0xff                   /* T + 5 */
    mov %eax, 4(%edi)
    LEAVE

    .section .note.GNU-stack, "", @progbits
