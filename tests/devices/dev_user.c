/* dev_user: a user program (CONTEXT 1, MODE 3) may touch the console
 * registers only as its own CONTEXT's mapping allows for its MODE:
 *   not mapped            -> MEMORY_FAULT, access R/W, not PROTECTION
 *   mapped for MODE 0 only -> MEMORY_FAULT with SPACE_FAULT_PROTECTION
 *   mapped R for MODE 3    -> loads work, stores (also movb) fault PROTECTION
 *   mapped RW for MODE 3   -> output appears; a movb faults with DEVICE.
 * Nothing the faulting stores tried to write ('#') may appear on stdout. */
#include <space.h>

#include "devtest.h"

#define UCTX    1
#define T_PHASE 64

extern char __image_start[], __image_end[];
extern char user_prog[], u_st1[], u_st1_end[], u_ld1[], u_ld1_end[], u_st2[], u_st2_end[], u_ld2[],
    u_ld2_end[], u_ld3[], u_st3[], u_st3_end[], u_b3[], u_b3_end[], u_b4[], u_b4_end[];

char kstack[16384] __attribute__((aligned(16)));
static char ustack[4096] __attribute__((aligned(4096)));
void trap_entry(void);
__asm__(".text\n.globl trap_entry\ntrap_entry:\n mov $kstack+16384, %esp\n cld\n call trap_c\n");

struct expect {
    const char *pc, *resume;
    uint32_t access, addr;
};
#define P SPACE_FAULT_PROTECTION
static const struct expect faults[] = {
    {u_st1, u_st1_end, SPACE_FAULT_WRITE, CONSOLE_VA},
    {u_ld1, u_ld1_end, SPACE_FAULT_READ, CONSOLE_VA + 4},
    {u_st2, u_st2_end, SPACE_FAULT_WRITE | P, CONSOLE_VA},
    {u_ld2, u_ld2_end, SPACE_FAULT_READ | P, CONSOLE_VA + 4},
    {u_st3, u_st3_end, SPACE_FAULT_WRITE | P, CONSOLE_VA},
    {u_b3, u_b3_end, SPACE_FAULT_WRITE | P, CONSOLE_VA},
    {u_b4, u_b4_end, SPACE_FAULT_WRITE | SPACE_FAULT_DEVICE, CONSOLE_VA},
};
#define NFAULTS (sizeof faults / sizeof faults[0])
static uint32_t nfault, console_pa;
/* faults expected before each phase call */
static const uint32_t faults_before_phase[5] = {0, 2, 4, 6, 7};

static void map_console(uint32_t access)
{
    CHECK_EQ(space_map_memory(UCTX, CONSOLE_VA, console_pa, access), SPACE_OK);
}

void trap_c(void)
{
    struct space_pcb p;
    CHECK_EQ(space_pcb_read(&p), SPACE_OK);
    CHECK_EQ(p.ctx, UCTX);
    CHECK_EQ(p.mode, 3);
    if (p.cause == SPACE_TRAP_MEMORY_FAULT) {
        CHECK(nfault < NFAULTS);
        const struct expect *e = &faults[nfault];
        CHECK_EQ(p.trap, SPACE_TRAP_MEMORY_FAULT);
        CHECK_EQ(p.pc, (uint32_t)e->pc);
        CHECK_EQ(p.access, e->access);
        CHECK_EQ(p.addr, e->addr);
        nfault++;
        p.pc = (uint32_t)e->resume;
        CHECK_EQ(space_pcb_write(&p), SPACE_OK);
        space_resume();
    }
    CHECK_EQ(p.cause, T_PHASE);
    CHECK(p.eax >= 1 && p.eax <= 4);
    CHECK_EQ(nfault, faults_before_phase[p.eax]);
    switch (p.eax) {
    case 1: map_console(SPACE_ACCESS(0, SPACE_RW)); break;
    case 2: map_console(SPACE_ACCESS(0, SPACE_RW) | SPACE_ACCESS(3, SPACE_R)); break;
    case 3:
        /* the permitted load in phase 2 read STATUS: TX_READY, no input */
        CHECK_EQ(p.ecx, SPACE_CONSOLE_TX_READY);
        map_console(SPACE_ACCESS(3, SPACE_RW));
        break;
    case 4:
        CHECK_EQ(p.ecx, SPACE_CONSOLE_TX_READY);
        out_str("dev_user passed\n");
        space_halt(0);
    }
    space_resume();
}

void kmain(const struct space_bootinfo *boot)
{
    struct devinfo d;
    dev_setup(boot, &d);
    console_pa = d.console;
    /* CONTEXT 1: the image's code, executable by MODE 3; a user stack */
    for (uint32_t va = (uint32_t)__image_start; va < (uint32_t)__image_end; va += SPACE_PAGE_SIZE) {
        uint32_t pa;
        int access = space_mapping(0, va, &pa);
        if (access > 0 && (SPACE_ACCESS_BITS(access, 0) & SPACE_X))
            CHECK_EQ(space_map_memory(UCTX, va, pa, SPACE_ACCESS(3, SPACE_RX)), SPACE_OK);
    }
    CHECK_EQ(space_map_memory(UCTX, (uint32_t)ustack, (uint32_t)ustack, SPACE_ACCESS(3, SPACE_RW)),
             SPACE_OK);
    /* a page that is neither RAM nor a device cannot be mapped */
    CHECK_EQ(space_map_memory(UCTX, CONSOLE_VA, 0xf0000000u + 4096 * boot->ndevices,
                              SPACE_ACCESS(3, SPACE_RW)),
             SPACE_ERR_PADDR);
    CHECK_EQ(space_map_portal(UCTX, T_PHASE, 0, 0, (uint32_t)trap_entry, SPACE_PORTAL_FROM(3)),
             SPACE_OK);
    CHECK_EQ(space_map_portal(UCTX, SPACE_TRAP_MEMORY_FAULT, 0, 0, (uint32_t)trap_entry, 0),
             SPACE_OK);
    struct space_pcb p = {0};
    p.ctx = UCTX;
    p.mode = 3;
    p.pc = (uint32_t)user_prog;
    p.esp = (uint32_t)ustack + sizeof ustack;
    p.ebx = CONSOLE_VA;
    p.eflags = 2;
    CHECK_EQ(space_pcb_push(&p), SPACE_OK);
    space_resume();
    CHECK(!"resume failed");
}
