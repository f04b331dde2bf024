/* syscall: a user program in its own CONTEXT (1, MODE 3), its code, stack
 * and data in fresh frames mapped at user addresses, makes system calls
 * with int $0x80. The kernel handler (CONTEXT 0 MODE 0) reads the
 * arguments with space_pcb_read, writes the result into pcb.eax with
 * space_pcb_write and resumes. Checks: the PCB (ctx, mode, trap, cause, pc
 * after the int, ie), registers at portal entry = the caller's,
 * interrupts disabled on traversal and restored by Resume, results and
 * preserved registers seen by the user, user memory written by the kernel
 * through the mapping, and faults on kernel memory and on the code page. */
#include "kit.h"

#define UCODE  0x40000000u
#define USTACK 0x40010000u
#define UDATA  0x40020000u

extern char sys_user_start[], sys_user_end[], sys_user_int_sum[], sys_user_load_kernel[],
    sys_user_store_code[];

static unsigned nputc, nsum, npoke, nfaults;

static int handler(struct space_pcb *p)
{
    /* what every trap from the user shows */
    CHECK_EQ(p->ctx, 1);
    CHECK_EQ(p->mode, 3);
    CHECK_EQ(p->ie, 1);
    CHECK(p->pc >= UCODE && p->pc < UCODE + 4096);
    CHECK_EQ(kit_entry_regs[0], p->eax);
    CHECK_EQ(kit_entry_regs[1], p->ebx);
    CHECK_EQ(kit_entry_regs[2], p->ecx);
    CHECK_EQ(kit_entry_regs[3], p->edx);
    CHECK_EQ(kit_entry_regs[4], p->esi);
    CHECK_EQ(kit_entry_regs[5], p->edi);
    CHECK_EQ(kit_entry_regs[6], p->ebp);
    CHECK_EQ(kit_entry_regs[7], p->esp);
    CHECK_EQ(space_interrupts(0), 0); /* the traversal disabled them */

    if (p->trap == SPACE_TRAP_MEMORY_FAULT) {
        nfaults++;
        if (nfaults == 1) {
            CHECK_EQ(p->pc, UCODE + (sys_user_load_kernel - sys_user_start));
            CHECK_EQ(p->addr, 0x00100000);
            CHECK_EQ(p->access, SPACE_FAULT_READ);
        } else {
            CHECK_EQ(p->pc, UCODE + (sys_user_store_code - sys_user_start));
            CHECK_EQ(p->addr, UCODE);
            CHECK_EQ(p->access, SPACE_FAULT_WRITE | SPACE_FAULT_PROTECTION);
        }
        p->pc += 5; /* skip the 5-byte instruction */
        return KIT_RESUME;
    }
    CHECK_EQ(p->trap, 0x80);
    CHECK_EQ(p->cause, 0x80);
    CHECK_EQ(((uint8_t *)(uint32_t)sys_user_start)[p->pc - UCODE - 2], 0xcd);
    CHECK_EQ(((uint8_t *)(uint32_t)sys_user_start)[p->pc - UCODE - 1], 0x80);

    /* the handler reads the PCB itself, as a kernel would */
    struct space_pcb q;
    CHECK_EQ(space_pcb_read(&q), SPACE_OK);
    CHECK_EQ(q.eax, p->eax);
    switch (q.eax) {
    case 1:
        space_debug_putc((int)q.ebx);
        nputc++;
        q.eax = 0;
        break;
    case 2:
        CHECK_EQ(q.pc, UCODE + (sys_user_int_sum - sys_user_start));
        q.eax = q.ebx * 1 + q.ecx * 2 + q.edx * 3 + q.esi * 4 + q.edi * 5 + q.ebp * 6;
        nsum++;
        break;
    case 3: {
        uint32_t pa = 0;
        int ma = space_mapping(1, q.ebx, &pa);
        CHECK_EQ(ma, SPACE_ACCESS(3, SPACE_RW));
        *(volatile uint32_t *)(pa + (q.ebx & 0xfff)) = q.ecx;
        q.eax = 0;
        npoke++;
        break;
    }
    default: CHECK(0);
    }
    CHECK_EQ(space_pcb_write(&q), SPACE_OK);
    CHECK_EQ(space_resume(), SPACE_OK); /* does not return */
    return KIT_DEFAULT;
}

void kmain(const struct space_bootinfo *boot)
{
    kit_init(boot);
    uint32_t code = kit_frame(), stack = kit_frame(), data = kit_frame();
    uint32_t n = (uint32_t)(sys_user_end - sys_user_start);
    CHECK(n < 4096);
    for (uint32_t i = 0; i < n; i++)
        ((uint8_t *)code)[i] = (uint8_t)sys_user_start[i];
    CHECK_EQ(space_map_memory(1, UCODE, code, SPACE_ACCESS(3, SPACE_RX)), SPACE_OK);
    CHECK_EQ(space_map_memory(1, USTACK, stack, SPACE_ACCESS(3, SPACE_RW)), SPACE_OK);
    CHECK_EQ(space_map_memory(1, UDATA, data, SPACE_ACCESS(3, SPACE_RW)), SPACE_OK);
    kit_portals_std(1);
    CHECK_EQ(space_map_portal(1, 0x80, 0, 0, (uint32_t)kit_trap_entry, SPACE_PORTAL_FROM(3)),
             SPACE_OK);
    kit_hook = handler;

    struct space_pcb p = kit_pcb_for(1, 3, UCODE, USTACK + 4096);
    p.ie = 1;
    uint32_t status = kit_start(&p);
    CHECK_EQ(status, 0x5a);
    CHECK_EQ(nputc, 13);
    CHECK_EQ(nsum, 1);
    CHECK_EQ(npoke, 1);
    CHECK_EQ(nfaults, 2);
    CHECK_EQ(*(volatile uint32_t *)(data + 0x10), 0xfeedf00d);
    CHECK_EQ(*(volatile uint32_t *)(stack + 4092), 0x1234); /* the user's push */
    CHECK_EQ(space_interrupts(0), 0);                       /* the exit trap disabled them again */
    out_str("syscall passed\n");
}
