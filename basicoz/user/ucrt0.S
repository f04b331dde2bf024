/* ucrt0.S - where every BasicOZ user program starts.
 * The kernel enters _start (the ELF entry) in MODE 3 with ESP pointing at
 *     [argc] [argv]      argv -> argc char pointers, then NULL
 * which already looks like a C call frame. We pass copies of the two words
 * to main and hand main's return value to exit, so "return 3;" from main
 * behaves like exit(3). */
    .section .text.start, "ax"
    .globl _start
    .type _start, @function
_start:
    xor %ebp, %ebp            /* outermost frame: stops debugger backtraces */
    mov (%esp), %eax          /* argc */
    mov 4(%esp), %ebx         /* argv */
    push %ebx
    push %eax
    call main                 /* int main(int argc, char **argv) */
    push %eax
    call exit                 /* never returns */
1:  jmp 1b
    .size _start, . - _start

    .section .note.GNU-stack, "", @progbits
