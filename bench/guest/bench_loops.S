/* The benchmark loops, shared byte for byte by the SPACE guest and the
 * bare-Unicorn runs of space-bench (which copies them out of this ELF by
 * symbol, so both run the very same machine code at the same addresses).
 *
 * Each loop is entered at its first instruction with
 *   ECX = iterations (1 .. 2^32-1), EDI = bench_buffer, ESI = 0
 * and leaves through `int $0x80` at its *_exit label after exactly
 * ECX * bench_*_insns instructions (the int itself not included). The
 * loops use no stack and no absolute addresses.
 *
 * They sit on pages of their own (page-aligned, padded to a page), so the
 * kernel can map exactly these pages into the user CONTEXT. */

    .section .text.bench, "ax"
    .balign 4096
    .globl bench_loops_start
bench_loops_start:

/* ALU only: 8 register operations + dec + jnz = 10 instructions. */
    .globl bench_alu_loop, bench_alu_exit, bench_alu_insns
    .set bench_alu_insns, 10
bench_alu_loop:
1:  add  %ebx, %eax
    xor  %eax, %edx
    lea  1(%edx,%eax), %ebx
    rol  $3, %eax
    sub  %edx, %esi
    or   %esi, %ebp
    and  $0x7fffffff, %ebx
    shr  $1, %edx
    dec  %ecx
    jnz  1b
bench_alu_exit:
    int  $0x80

/* Memory: one store and one load per 9 instructions, walking the 4 pages
 * of bench_buffer with a 0x444-byte stride (every word of every page is
 * eventually touched). */
    .globl bench_mem_loop, bench_mem_exit, bench_mem_insns
    .set bench_mem_insns, 9
    .balign 16
bench_mem_loop:
2:  mov  %eax, (%edi,%esi)
    add  $0x444, %esi
    and  $0x3ffc, %esi
    mov  (%edi,%esi), %edx
    add  %edx, %eax
    rol  $5, %eax
    xor  %ecx, %eax
    dec  %ecx
    jnz  2b
bench_mem_exit:
    int  $0x80

    .balign 4096
    .globl bench_loops_end
bench_loops_end:

/* The data the memory loop walks: 4 pages of its own. */
    .section .bss.bench, "aw", @nobits
    .balign 4096
    .globl bench_buffer, bench_buffer_end, bench_buffer_size
    .set bench_buffer_size, 0x4000
bench_buffer:
    .skip 0x4000
bench_buffer_end:

    .section .note.GNU-stack, "", @progbits
