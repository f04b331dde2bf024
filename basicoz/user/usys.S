/* usys.S - the system call stubs: the only way a user program talks to the
 * kernel. Each stub is an ordinary cdecl function (arguments on the stack)
 * that moves its arguments into registers and executes `int $0x80`:
 *
 *     EAX = call number, arguments in EBX, ECX, EDX, ESI, result in EAX
 *     (uptime returns 64 bits in EDX:EAX - exactly where cdecl expects a
 *     64-bit result, so that stub needs nothing special)
 *
 * cdecl lets a function clobber EAX, ECX and EDX but it must give back EBX,
 * ESI, EDI and EBP unchanged, so the stubs save the EBX/ESI they load. */

/* SYSCALL name, number, nargs: defines `name` taking nargs int-sized args. */
.macro SYSCALL name, number, nargs
    .text
    .globl \name
    .type \name, @function
\name:
    push %ebx
    push %esi
    /* the caller's arguments start at 12(%esp): above the return address
     * and the two registers just pushed */
    .if \nargs >= 1
    mov 12(%esp), %ebx
    .endif
    .if \nargs >= 2
    mov 16(%esp), %ecx
    .endif
    .if \nargs >= 3
    mov 20(%esp), %edx
    .endif
    .if \nargs >= 4
    mov 24(%esp), %esi
    .endif
    mov $\number, %eax
    int $0x80
    pop %esi
    pop %ebx
    ret
    .size \name, . - \name
.endm

/* exit(status) never returns, so it saves nothing. Should the kernel ever
 * come back, we simply ask again. */
    .text
    .globl exit
    .type exit, @function
exit:
    mov 4(%esp), %ebx
1:  mov $1, %eax
    int $0x80
    jmp 1b
    .size exit, . - exit

    SYSCALL write,  2, 3    /* write(fd, buf, len) */
    SYSCALL read,   3, 3    /* read(fd, buf, len) */
    SYSCALL spawn,  4, 2    /* spawn(name, argv) */
    SYSCALL wait,   5, 3    /* wait(pid, &status, flags) */
    SYSCALL yield,  6, 0
    SYSCALL sleep,  7, 1    /* sleep(instructions) */
    SYSCALL getpid, 8, 0
    SYSCALL sbrk,   9, 1    /* sbrk(increment) */
    SYSCALL progs, 10, 2    /* progs(buf, len) */
    SYSCALL procs, 11, 2    /* procs(procinfo array, max) */
    SYSCALL uptime,12, 0    /* 64-bit result in EDX:EAX */
    SYSCALL ncpus, 28, 0
    SYSCALL net_open,    29, 1 /* net_open(port) */
    SYSCALL net_send,    30, 4 /* net_send(node, port, buf, len) */
    SYSCALL net_recv,    31, 2 /* net_recv(msg, timeout) */
    SYSCALL net_address, 32, 0
    SYSCALL net_nodes,   33, 0
    SYSCALL net_stats,   34, 1 /* net_stats(stats) */

    .section .note.GNU-stack, "", @progbits
