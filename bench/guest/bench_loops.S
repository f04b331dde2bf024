/* The benchmark loops, shared byte for byte by the SPACE guest and the
 * bare-Unicorn runs of space-bench (which copies them out of this ELF by
 * symbol, so both run the very same machine code at the same addresses)
 * and the QEMU image bench_qemu.elf (linked from this file too).
 *
 * Each loop is entered at its first instruction with
 *   ECX = iterations (1 .. 2^32-1), ESI = 0, EDI = bench_buffer
 *   (bench_big for the walk loop)
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

/* System call: a deliberate trap to the kernel and back, 3 instructions
 * (the int counted) per iteration. */
    .globl bench_sys_loop, bench_sys_exit, bench_sys_insns
    .set bench_sys_insns, 3
    .balign 16
bench_sys_loop:
3:  int  $0x81
    dec  %ecx
    jnz  3b
bench_sys_exit:
    int  $0x80

/* Yield: the same shape with trap 0x82, which the kernel answers by
 * switching to the other user thread (Suspend / Unsuspend / Resume). */
    .globl bench_yield_loop, bench_yield_exit, bench_yield_insns
    .set bench_yield_insns, 3
    .balign 16
bench_yield_loop:
4:  int  $0x82
    dec  %ecx
    jnz  4b
bench_yield_exit:
    int  $0x80

/* Page walk: one store per iteration, each on the next of the 1024 pages
 * of bench_big (4 MiB), 4 bytes further into the page each time round.
 * More pages than any TLB in front of it holds (SPACE's 64 entries,
 * Unicorn's and QEMU's 256 direct-mapped ones), so every store misses.
 * With the pages mapped it measures TLB refills; with none mapped and a
 * kernel that maps each on demand (and unmaps the last), demand faults. */
    .globl bench_walk_loop, bench_walk_exit, bench_walk_insns
    .set bench_walk_insns, 5
    .balign 16
bench_walk_loop:
5:  mov  %eax, (%edi,%esi)
    add  $0x1004, %esi
    and  $0x3ffffc, %esi
    dec  %ecx
    jnz  5b
bench_walk_exit:
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

/* The pages the walk loop touches: 1024 pages (4 MiB) of their own. */
    .balign 4096
    .globl bench_big, bench_big_end, bench_big_pages
    .set bench_big_pages, 1024
bench_big:
    .skip 0x400000
bench_big_end:

    .section .note.GNU-stack, "", @progbits
