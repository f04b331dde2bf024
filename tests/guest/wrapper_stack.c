/* wrapper_stack: an operation wrapper reads only its own arguments. Each
 * wrapper is called with its arguments at the very top of a stack that ends
 * at the end of mapped memory (nothing mapped at 0x50001000): reading any
 * word above them faults, and with no portals the machine stops. */
#include "kit.h"

void edge_calls(void);
uint32_t edge_results[16];
struct space_pcb edge_pcb;

void kmain(const struct space_bootinfo *boot)
{
    kit_init(boot);
    CHECK_EQ(space_map_memory(0, 0x50000000, kit_frame(), SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
    edge_pcb = kit_pcb_for(0, 0, 0, 0);
    edge_calls(); /* ends with space_halt(0) from the edge */
}

void edge_check(void)
{
    CHECK_EQ(edge_results[0], 0);                         /* debug_putc */
    CHECK_EQ(edge_results[1], 0);                         /* interrupts(0) */
    CHECK_EQ(edge_results[2], (uint32_t)SPACE_ERR_TOKEN); /* unsuspend(-1) */
    CHECK_EQ(edge_results[3], (uint32_t)SPACE_ERR_EMPTY); /* pcb_read */
    CHECK_EQ(edge_results[4], (uint32_t)SPACE_ERR_EMPTY); /* pcb_write */
    CHECK_EQ(edge_results[5], 0);                         /* pcb_push */
    CHECK_EQ(edge_results[6], 0);                         /* pcb_pop */
    CHECK_EQ(edge_results[7], 0);                         /* map_memory (unmap) */
    CHECK_EQ(edge_results[8], 0);                         /* map_portal (remove) */
    CHECK_EQ(edge_results[9], SPACE_ACCESS(0, SPACE_RW)); /* mapping */
    out_str("wrapper_stack passed\n");
}

__asm__(
    ".text\n"
    ".globl edge_calls\n"
    "edge_calls:\n"
    "  mov $0x50001000, %esp\n  push $0x78\n  call space_debug_putc\n  mov %eax, edge_results+0\n"
    "  mov $0x50001000, %esp\n  push $0\n  call space_interrupts\n  mov %eax, edge_results+4\n"
    "  mov $0x50001000, %esp\n  push $-1\n  call space_unsuspend\n  mov %eax, edge_results+8\n"
    "  mov $0x50001000, %esp\n  push $edge_pcb\n  call space_pcb_read\n  mov %eax, "
    "edge_results+12\n"
    "  mov $0x50001000, %esp\n  push $edge_pcb\n  call space_pcb_write\n  mov %eax, "
    "edge_results+16\n"
    "  mov $0x50001000, %esp\n  push $edge_pcb\n  call space_pcb_push\n  mov %eax, "
    "edge_results+20\n"
    "  mov $0x50001000, %esp\n  call space_pcb_pop\n  mov %eax, edge_results+24\n"
    "  mov $0x50001000, %esp\n  push $0\n  push $0\n  push $0x60000000\n  push $0\n"
    "  call space_map_memory\n  mov %eax, edge_results+28\n"
    "  mov $0x50001000, %esp\n  push $0\n  push $0\n  push $0\n  push $0\n  push $0x40\n  push $0\n"
    "  call space_map_portal\n  mov %eax, edge_results+32\n"
    "  mov $0x50001000, %esp\n  push $edge_results+60\n  push $0x50000000\n  push $0\n"
    "  call space_mapping\n  mov %eax, edge_results+36\n"
    "  mov $0x50000f00, %esp\n  call edge_check\n"
    "  mov $0x50001000, %esp\n  push $0\n  call space_halt\n"
    "  ud2\n");
