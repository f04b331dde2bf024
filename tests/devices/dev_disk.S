/* dev_disk.S - for dev_disk.c: starts a disk command and measures, with
 * the timer's NOW register, how long until it completes. */
#include "devtest.h"

#define R_DISK_COMMAND 0x10
#define R_DISK_STATUS 0x14
    .text
/* uint32_t d_latency(uint32_t command): with SECTOR/COUNT/ADDR set, disk
 * CONTROL = INTERRUPT and interrupts masked, issues `command`, waits for the
 * interrupt to be pending and returns NOW(after) - NOW(before) = L + 2 for
 * a command that completes L instructions after its write retires. */
    .globl d_latency
d_latency:
    push %ebx
    push %esi
    mov $DISK_VA, %ebx
    mov 12(%esp), %ecx
    mov TIMER_VA+R_TIMER_NOW_LO, %esi   /* R */
    mov %ecx, R_DISK_COMMAND(%ebx)      /* R + 1: the command starts */
    mov $OP_WAIT, %eax
    int $0xff                           /* idle until it completes */
    mov TIMER_VA+R_TIMER_NOW_LO, %eax   /* completion + 1 */
    sub %esi, %eax
    pop %esi
    pop %ebx
    ret

/* uint32_t d_bad_status(void): writes an unknown command (latency 1) and
 * reads STATUS twice: the read retiring at the completion time still sees
 * BUSY, the next one the result. Returns first | second << 8. */
    .globl d_bad_status
d_bad_status:
    push %ebx
    mov $DISK_VA, %ebx
    movl $99, R_DISK_COMMAND(%ebx)      /* C */
    mov R_DISK_STATUS(%ebx), %eax       /* C + 1 = completion */
    mov R_DISK_STATUS(%ebx), %edx       /* after it */
    shl $8, %edx
    or %edx, %eax
    pop %ebx
    ret

    .section .note.GNU-stack, "", @progbits
