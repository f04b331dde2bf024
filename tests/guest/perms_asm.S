/* perms.c: entered in MODE 0 of CONTEXT 2, int $0x46 crosses (by portal)
 * into MODE 3 of CONTEXT 2 at mode3_reader_at... which loads from V. The
 * kit probe machinery recovers the fault and returns KIT_FAULTED. */
    .text
    .globl mode3_reader, mode3_reader_at
mode3_reader:
    int $0x46
    /* not reached: the portal enters mode3_reader_entry */
    ud2
    .globl mode3_reader_entry
mode3_reader_entry:
    mov %esp, kit_recover_esp
    movl $1f, kit_recover_pc
mode3_reader_at:
    mov 0x50000124, %eax
    movl $0, kit_recover_pc
1:  mov $0xfa17fa17, %eax
    mov %eax, %ebx
    int $0xf0

    .section .note.GNU-stack, "", @progbits
