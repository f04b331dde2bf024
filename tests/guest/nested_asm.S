/* nested.c: portal entries for the three handler levels, each on its own
 * stack, and the store each level makes to a page that is not mapped. */
    .text
    .globl l1_entry, l2_entry, l3_entry, touch, touch_at
l1_entry:
    mov $l1_stack+8192, %esp
    cld
    call l1_c
    ud2
l2_entry:
    mov $l2_stack+8192, %esp
    cld
    call l2_c
    ud2
l3_entry:
    mov $l3_stack+8192, %esp
    cld
    call l3_c
    ud2
/* void touch(uint32_t addr, uint32_t v) */
touch:
    mov 4(%esp), %ecx
    mov 8(%esp), %edx
touch_at:
    mov %edx, (%ecx)
    ret

    .bss
    .balign 16
    .globl l1_stack, l2_stack, l3_stack
l1_stack: .skip 8192
l2_stack: .skip 8192
l3_stack: .skip 8192

    .section .note.GNU-stack, "", @progbits
