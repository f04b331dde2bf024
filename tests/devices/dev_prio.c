/* dev_prio: interrupt priority and delivery points. Run with --disk and an
 * --input file holding the line "line\n".
 *   A. console (line 0), timer (1) and disk (2) pending together - arrived
 *      in the order console, disk, timer - are delivered lowest line first
 *      when interrupts are enabled, back to back: each Resume restores
 *      ie = 1 and the next one comes before the resumed instruction runs
 *      (every PCB's pc is the instruction after the enabling operation,
 *      each delivery exactly IRQ_K instructions after the previous one);
 *   B. a line is one pending bit: three periodic ticks while masked give
 *      one interrupt (TICKS says 3);
 *   C. a PCB with ie = 1 resumed while an interrupt is pending: delivered
 *      at once, pcb.pc = the resumed pc, before its first instruction;
 *   D. an interrupt in a user program (CONTEXT 1, MODE 3) goes through
 *      CONTEXT 1's portal and records CONTEXT 1, MODE 3, ie 1.
 * Halts 0 on success; also run through the determinism harness. */
#include <space.h>

#include "devtest.h"

#define IRQ_K 12
#define UCTX  1

void irq_entry(void);
uint32_t prio_enable(void);
extern char prio_after[], resume_target[], user_spin[], user_spin_loop[];
extern char __image_start[], __image_end[];

uint32_t irq_n, irq_time[16];
struct space_pcb irq_pcb[16];
char kstack[16384] __attribute__((aligned(16)));
char kstack2[16384] __attribute__((aligned(16)));
static char ustack[4096] __attribute__((aligned(4096)));
static struct devinfo d;
static uint32_t frame;

void user_irq(void);
__asm__(".text\n.globl user_irq\nuser_irq:\n mov $kstack+16384, %esp\n cld\n call user_irq_c\n");

static void check_irq(uint32_t i, uint32_t trap, uint32_t pc)
{
    CHECK(i < irq_n);
    CHECK_EQ(irq_pcb[i].trap, trap);
    CHECK_EQ(irq_pcb[i].cause, trap);
    CHECK_EQ(irq_pcb[i].pc, pc);
    CHECK_EQ(irq_pcb[i].ie, 1);
    CHECK_EQ(irq_pcb[i].access, 0);
    CHECK_EQ(irq_pcb[i].addr, 0);
}

void user_irq_c(void)
{
    struct space_pcb p;
    CHECK_EQ(space_pcb_read(&p), SPACE_OK);
    CHECK_EQ(p.trap, 33);
    CHECK_EQ(p.ctx, UCTX);
    CHECK_EQ(p.mode, 3);
    CHECK_EQ(p.ie, 1);
    CHECK(p.pc == (uint32_t)user_spin_loop || p.pc == (uint32_t)user_spin_loop + 1);
    CHECK(p.eax > 100);
    CHECK_EQ(REG(TIMER_VA, SPACE_TIMER_TICKS), 1);
    out_str("D: interrupt in MODE 3 through the portal of CONTEXT 1\n");
    out_str("dev_prio passed\n");
    space_halt(0);
}

/* C continues here (fresh stack) once the Resume has landed */
void after_resume(void)
{
    CHECK_EQ(irq_n, 1);
    check_irq(0, 33, (uint32_t)resume_target);
    CHECK_EQ(irq_pcb[0].esi, 0x5a5a5a5a);
    CHECK_EQ(irq_pcb[0].ctx, 0);
    CHECK_EQ(irq_pcb[0].mode, 0);
    CHECK_EQ(space_interrupts(0), 1); /* we run with the PCB's ie */
    out_str("C: pending interrupt delivered at the resumed pc\n");

    /* D: a user program is interrupted */
    for (uint32_t va = (uint32_t)__image_start; va < (uint32_t)__image_end; va += SPACE_PAGE_SIZE) {
        uint32_t pa;
        int access = space_mapping(0, va, &pa);
        if (access > 0 && (SPACE_ACCESS_BITS(access, 0) & SPACE_X))
            CHECK_EQ(space_map_memory(UCTX, va, pa, SPACE_ACCESS(3, SPACE_RX)), SPACE_OK);
    }
    CHECK_EQ(space_map_portal(UCTX, 33, 0, 0, (uint32_t)user_irq, 0), SPACE_OK);
    REG(TIMER_VA, SPACE_TIMER_TICKS) = 0;
    REG(TIMER_VA, SPACE_TIMER_INTERVAL) = 500;
    REG(TIMER_VA, SPACE_TIMER_CONTROL) = SPACE_TIMER_ENABLE;
    struct space_pcb p = {0};
    p.ctx = UCTX;
    p.mode = 3;
    p.pc = (uint32_t)user_spin;
    p.esp = (uint32_t)ustack + sizeof ustack;
    p.eflags = 2;
    p.ie = 1;
    CHECK_EQ(space_pcb_push(&p), SPACE_OK);
    space_resume();
    CHECK(!"resume failed");
}

void kmain(const struct space_bootinfo *boot)
{
    dev_setup(boot, &d);
    CHECK(d.disk != 0);
    frame = dev_window(boot, 0, 1, SPACE_ACCESS(0, SPACE_RW));
    for (uint32_t t = 32; t <= 34; t++)
        CHECK_EQ(space_map_portal(0, t, 0, 0, (uint32_t)irq_entry, 0), SPACE_OK);

    /* A: the console line comes first (at a wait, with nothing else
     * pending), then the disk (+2200), then the timer (+3000) */
    REG(CONSOLE_VA, SPACE_CONSOLE_CONTROL) = SPACE_CONSOLE_RX_INTERRUPT;
    space_wait(); /* interrupts masked: returns once the line is there */
    CHECK_EQ(REG(CONSOLE_VA, SPACE_CONSOLE_RX_COUNT), 5);
    REG(DISK_VA, SPACE_DISK_CONTROL) = SPACE_DISK_INTERRUPT;
    REG(DISK_VA, SPACE_DISK_SECTOR) = 0;
    REG(DISK_VA, SPACE_DISK_COUNT) = 1;
    REG(DISK_VA, SPACE_DISK_ADDR) = frame;
    REG(DISK_VA, SPACE_DISK_COMMAND) = SPACE_DISK_READ;
    REG(TIMER_VA, SPACE_TIMER_INTERVAL) = 3000;
    REG(TIMER_VA, SPACE_TIMER_CONTROL) = SPACE_TIMER_ENABLE;
    while (REG(TIMER_VA, SPACE_TIMER_TICKS) == 0)
        ;
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_COMPLETED), 1);
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_STATUS), SPACE_DISK_OK);
    CHECK_EQ(irq_n, 0);
    CHECK_EQ(prio_enable(), 1);
    CHECK_EQ(irq_n, 3);
    check_irq(0, 32, (uint32_t)prio_after);
    check_irq(1, 33, (uint32_t)prio_after);
    check_irq(2, 34, (uint32_t)prio_after);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(irq_pcb[i].esi, 0);
    CHECK_EQ(irq_time[1], irq_time[0] + IRQ_K);
    CHECK_EQ(irq_time[2], irq_time[1] + IRQ_K);
    out_str("A: lines 0, 1, 2 delivered in that order, back to back\n");

    /* B: three ticks while masked are one interrupt */
    irq_n = 0;
    REG(TIMER_VA, SPACE_TIMER_TICKS) = 0;
    REG(TIMER_VA, SPACE_TIMER_INTERVAL) = 1000;
    REG(TIMER_VA, SPACE_TIMER_CONTROL) = SPACE_TIMER_ENABLE | SPACE_TIMER_PERIODIC;
    while (REG(TIMER_VA, SPACE_TIMER_TICKS) < 3)
        ;
    REG(TIMER_VA, SPACE_TIMER_CONTROL) = 0;
    CHECK_EQ(REG(TIMER_VA, SPACE_TIMER_TICKS), 3);
    CHECK_EQ(prio_enable(), 1);
    CHECK_EQ(irq_n, 1);
    check_irq(0, 33, (uint32_t)prio_after);
    out_str("B: a line is one pending bit\n");

    /* C: Resume of a PCB with ie = 1 while a tick is pending */
    irq_n = 0;
    REG(TIMER_VA, SPACE_TIMER_INTERVAL) = 100;
    REG(TIMER_VA, SPACE_TIMER_CONTROL) = SPACE_TIMER_ENABLE;
    while (REG(TIMER_VA, SPACE_TIMER_TICKS) < 4)
        ;
    struct space_pcb p = {0};
    p.pc = (uint32_t)resume_target;
    p.esp = (uint32_t)kstack2 + sizeof kstack2;
    p.esi = 0x5a5a5a5a;
    p.eflags = 2;
    p.ie = 1;
    CHECK_EQ(space_pcb_push(&p), SPACE_OK);
    space_resume();
    CHECK(!"resume failed");
}
