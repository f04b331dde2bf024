/* dev_access: only aligned 32-bit mov loads and stores reach a device
 * register. Every other instruction touching a register page (movb, movw,
 * movzx, arithmetic on memory, xchg, push/pop/call/ret through it, string
 * instructions with and without rep), an unaligned 32-bit access, an access
 * straddling RAM and a register page, and executing a register page, is a
 * MEMORY_FAULT before it has any effect: pcb.pc = the instruction (the
 * target, for execution), pcb.access = kind | SPACE_FAULT_DEVICE (execute:
 * SPACE_FAULT_EXECUTE | SPACE_FAULT_PROTECTION), pcb.addr = the register's
 * address (the first byte on the register page, for a straddling access).
 * The kernel resumes after each faulting instruction; run.sh-style
 * exact-output checks then prove no byte reached the console.
 *
 * The command line picks one group: nonmov, unaligned, straddle, exec, rx
 * (run with --input holding "xy\n": faulting reads consume no input), stack
 * (ESP in a register page: push, call, pop, ret, leave), step (TF
 * single-stepping over register accesses). Halts 0 on success. */
#include <space.h>

#include "dev_access.h"
#include "devtest.h"

struct fault_rec {
    uint32_t pc, resume, access, addr, group, ecx, esi, edi, esp;
};
extern const struct fault_rec fault_table[], fault_table_end[];
uint32_t group_nonmov(void), group_unaligned(void), group_straddle(void), group_exec(void),
    group_rx(void), group_stack(void);
extern char step_code[], step_1[], step_2[], step_3[], step_4[], step_5[];

char kstack[16384] __attribute__((aligned(16)));
void trap_entry(void);
__asm__(".text\n.globl trap_entry\ntrap_entry:\n mov $kstack+16384, %esp\n cld\n call trap_c\n");

static uint32_t next_fault; /* index into fault_table of the fault expected next */
static uint32_t steps[16], nsteps;

static void check_reg(const struct space_pcb *p, const char *name, uint32_t got, uint32_t want)
{
    if (want != ANY && got != want) {
        out_str("FAIL: fault at pc ");
        out_hex(p->pc);
        out_str(": pcb.");
        out_str(name);
        out_str(" = ");
        out_hex(got);
        out_str(", expected ");
        out_hex(want);
        out_str("\n");
        space_halt(1);
    }
}

static void step_done(const struct space_pcb *p);

void trap_c(void)
{
    struct space_pcb p;
    CHECK_EQ(space_pcb_read(&p), SPACE_OK);
    if (p.cause == SPACE_TRAP_DEBUG) {
        CHECK(nsteps < 16);
        steps[nsteps++] = p.pc;
        space_resume();
    }
    if (p.cause == 65)
        step_done(&p);
    if (p.cause != SPACE_TRAP_MEMORY_FAULT) {
        out_str("FAIL: unexpected trap ");
        out_dec(p.cause);
        out_str(" at pc ");
        out_hex(p.pc);
        out_str("\n");
        space_halt(1);
    }
    const struct fault_rec *f = &fault_table[next_fault];
    for (const struct fault_rec *g = f + 1; g < fault_table_end && g->group == f->group; g++)
        if (p.pc == g->pc) {
            out_str("FAIL: the access at pc ");
            out_hex(f->pc);
            out_str(" did not fault (it was carried out)\n");
            space_halt(1);
        }
    if (f >= fault_table_end || p.pc != f->pc) {
        out_str("FAIL: MEMORY_FAULT at pc ");
        out_hex(p.pc);
        out_str(" (access ");
        out_hex(p.access);
        out_str(" addr ");
        out_hex(p.addr);
        out_str("), expected one at pc ");
        out_hex(f < fault_table_end ? f->pc : 0);
        out_str("\n");
        space_halt(1);
    }
    CHECK_EQ(p.trap, SPACE_TRAP_MEMORY_FAULT);
    CHECK_EQ(p.ctx, 0);
    CHECK_EQ(p.mode, 0);
    check_reg(&p, "access", p.access, f->access);
    check_reg(&p, "addr", p.addr, f->addr);
    check_reg(&p, "ecx", p.ecx, f->ecx);
    check_reg(&p, "esi", p.esi, f->esi);
    check_reg(&p, "edi", p.edi, f->edi);
    check_reg(&p, "esp", p.esp, f->esp);
    next_fault++;
    p.pc = f->resume;
    CHECK_EQ(space_pcb_write(&p), SPACE_OK);
    space_resume();
}

/* Runs one group: every fault recorded for it must happen, in order. */
static uint32_t run_group(uint32_t group, uint32_t (*fn)(void))
{
    const struct fault_rec *f = fault_table;
    while (f < fault_table_end && f->group != group)
        f++;
    next_fault = (uint32_t)(f - fault_table);
    uint32_t n = 0;
    while (f + n < fault_table_end && f[n].group == group)
        n++;
    CHECK(n > 0);
    uint32_t r = fn();
    if (next_fault != (uint32_t)(f - fault_table) + n) {
        out_str("FAIL: the access at pc ");
        out_hex(fault_table[next_fault].pc);
        out_str(" did not fault\n");
        space_halt(1);
    }
    return r;
}

static void map(uint32_t va, uint32_t pa, uint32_t access)
{
    CHECK_EQ(space_map_memory(0, va, pa, access), SPACE_OK);
}

static void step_done(const struct space_pcb *p)
{
    /* a DEBUG trap after every instruction, at the next one */
    const uint32_t want[] = {(uint32_t)step_1, (uint32_t)step_2, (uint32_t)step_3, (uint32_t)step_4,
                             (uint32_t)step_5};
    if (nsteps != 5)
        for (uint32_t i = 0; i < nsteps; i++) {
            out_str("  DEBUG trap at ");
            out_hex(steps[i]);
            out_str("\n");
        }
    CHECK_EQ(nsteps, 5);
    for (uint32_t i = 0; i < 5; i++)
        CHECK_EQ(steps[i], want[i]);
    CHECK_EQ(p->ecx, SPACE_CONSOLE_TX_READY);
    out_str("dev_access step passed\n");
    space_halt(0);
}

void kmain(const struct space_bootinfo *boot)
{
    struct devinfo d;
    dev_setup(boot, &d);
    const char *cmd = boot->cmdline;
    uint32_t frame = boot->kernel_end;
    map(A_STACK, frame, SPACE_ACCESS(0, SPACE_RW));
    map(A_BUF, frame + 0x1000, SPACE_ACCESS(0, SPACE_RW));
    map(A_RAM1, frame + 0x2000, SPACE_ACCESS(0, SPACE_RW));
    map(A_CON1, d.console, SPACE_ACCESS(0, SPACE_RW));
    map(A_CON2, d.console, SPACE_ACCESS(0, SPACE_RW));
    map(A_RAM2, frame + 0x3000, SPACE_ACCESS(0, SPACE_RW));
    map(A_XRAM, frame + 0x4000, SPACE_ACCESS(0, SPACE_RWX));
    map(A_XCON, d.console, SPACE_ACCESS(0, SPACE_RWX));
    CHECK_EQ(space_map_portal(0, SPACE_TRAP_MEMORY_FAULT, 0, 0, (uint32_t)trap_entry, 0), SPACE_OK);
    volatile uint8_t *buf = (uint8_t *)A_BUF, *ram1 = (uint8_t *)A_RAM1, *ram2 = (uint8_t *)A_RAM2,
                     *xram = (uint8_t *)A_XRAM;
    for (int i = 0; i < 4096; i++)
        buf[i] = '#';
    for (int i = 0; i < 4096; i++)
        ram1[i] = ram2[i] = 0x11;

    if (dev_has_word(cmd, "nonmov")) {
        uint32_t status = run_group(1, group_nonmov);
        CHECK_EQ(status, SPACE_CONSOLE_TX_READY);
        /* the rep stosl that ran into the register page did its 2 RAM iterations */
        for (int i = 4088; i < 4096; i++)
            CHECK_EQ(ram1[i], 0x23);
        CHECK_EQ(ram1[4087], 0x11);
        out_str("dev_access nonmov passed\n");
    } else if (dev_has_word(cmd, "unaligned")) {
        run_group(2, group_unaligned);
        out_str("dev_access unaligned passed\n");
    } else if (dev_has_word(cmd, "straddle")) {
        run_group(3, group_straddle);
        /* nothing was written to the RAM side either */
        for (int i = 4092; i < 4096; i++)
            CHECK_EQ(ram1[i], 0x11);
        for (int i = 0; i < 4; i++)
            CHECK_EQ(ram2[i], 0x11);
        out_str("dev_access straddle passed\n");
    } else if (dev_has_word(cmd, "exec")) {
        static const uint8_t ret7[] = {0xb8, 7, 0, 0, 0, 0xc3}; /* mov $7, %eax; ret */
        for (unsigned i = 0; i < sizeof ret7; i++)
            xram[i] = ret7[i];
        xram[4094] = 0xb8; /* mov $imm32, %eax: the immediate is on the register page */
        xram[4095] = 0x11;
        run_group(4, group_exec);
        out_str("dev_access exec passed\n");
    } else if (dev_has_word(cmd, "rx")) {
        /* receive the line "xy\n", then try to read it the wrong ways */
        REG(CONSOLE_VA, SPACE_CONSOLE_CONTROL) = SPACE_CONSOLE_RX_INTERRUPT;
        space_wait();
        CHECK_EQ(REG(CONSOLE_VA, SPACE_CONSOLE_RX_COUNT), 3);
        run_group(5, group_rx);
        CHECK_EQ(REG(CONSOLE_VA, SPACE_CONSOLE_RX_COUNT), 3);
        CHECK_EQ(REG(CONSOLE_VA, SPACE_CONSOLE_STATUS),
                 SPACE_CONSOLE_RX_READY | SPACE_CONSOLE_TX_READY);
        CHECK_EQ(REG(CONSOLE_VA, SPACE_CONSOLE_DATA), 'x');
        CHECK_EQ(REG(CONSOLE_VA, SPACE_CONSOLE_DATA), 'y');
        CHECK_EQ(REG(CONSOLE_VA, SPACE_CONSOLE_DATA), '\n');
        CHECK_EQ(REG(CONSOLE_VA, SPACE_CONSOLE_RX_COUNT), 0);
        CHECK_EQ(REG(CONSOLE_VA, SPACE_CONSOLE_DATA), 0);
        CHECK_EQ(REG(CONSOLE_VA, SPACE_CONSOLE_STATUS), SPACE_CONSOLE_TX_READY);
        out_str("dev_access rx passed\n");
    } else if (dev_has_word(cmd, "stack")) {
        run_group(7, group_stack);
        out_str("dev_access stack passed\n");
    } else if (dev_has_word(cmd, "step")) {
        CHECK_EQ(space_map_portal(0, SPACE_TRAP_DEBUG, 0, 0, (uint32_t)trap_entry, 0), SPACE_OK);
        CHECK_EQ(space_map_portal(0, 65, 0, 0, (uint32_t)trap_entry, SPACE_PORTAL_FROM(0)),
                 SPACE_OK);
        struct space_pcb p = {0};
        p.pc = (uint32_t)step_code;
        p.esp = A_STACK_TOP;
        p.ebx = CONSOLE_VA;
        p.eflags = 0x102; /* TF */
        CHECK_EQ(space_pcb_push(&p), SPACE_OK);
        space_resume();
        CHECK(!"resume failed");
    } else {
        out_str("dev_access: say nonmov, unaligned, straddle, exec, rx, stack or step\n");
        space_halt(2);
    }
    space_halt(0);
}
