/* dev_dmacode: DMA into pages that hold code must invalidate translated
 * code. The guest writes x86 functions to the disk, reads them by DMA into
 * pages the CPU can only execute (MODE 0 R-X, never written by a store),
 * calls them, then puts different code (differing only in an immediate, or
 * in a loop's constant) into the same sectors, DMAs it into the same place
 * and calls again: the new code must run. Covered: one page; a transfer
 * spanning two code pages; one whose first page holds no code but whose
 * second does; DMA into another part of a code page; the
 * completion by interrupt instead of polling; code run from a user
 * CONTEXT (1, MODE 3). Run with --disk IMG --disk-size 64K. Halts 0 on
 * success; also run through the determinism harness. (It fails against a
 * simulator that never drops translated code on DMA, and against one that
 * looks only at the first page of a transfer.) */
#include <space.h>

#include "devtest.h"

#define CODE_VA  0x50000000u /* one code page (frame F1) */
#define CODE2_VA 0x50010000u /* two code pages (frames F2, F3) */
#define CODE3_VA 0x50020000u /* two pages, data (F4) then code (F5) */
#define UCTX     1
#define T_DONE   64

typedef uint32_t (*fn_t)(void);
char kstack[16384] __attribute__((aligned(16)));
char kstack2[16384] __attribute__((aligned(16)));
static char ustack[4096] __attribute__((aligned(4096)));
extern char __image_start[], __image_end[];
void trap_entry(void);
__asm__(".text\n.globl trap_entry\ntrap_entry:\n mov $kstack+16384, %esp\n cld\n call trap_c\n");
/* user side: call the function in EBX, report its result with int $64 */
void user_call(void);
__asm__(".text\n.globl user_call\nuser_call:\n call *%ebx\n int $64\n ud2\n");

static volatile uint8_t *buf; /* staging page, RW */
static uint32_t buf_pa, f1, f2, f4;
static volatile uint32_t disk_irqs;
static int user_round;
static uint32_t user_result;
void user_next(void);

static void disk(uint32_t cmd, uint32_t sector, uint32_t count, uint32_t paddr, int by_irq)
{
    REG(DISK_VA, SPACE_DISK_SECTOR) = sector;
    REG(DISK_VA, SPACE_DISK_COUNT) = count;
    REG(DISK_VA, SPACE_DISK_ADDR) = paddr;
    REG(DISK_VA, SPACE_DISK_CONTROL) = by_irq ? SPACE_DISK_INTERRUPT : 0;
    uint32_t irqs = disk_irqs;
    REG(DISK_VA, SPACE_DISK_COMMAND) = cmd;
    if (by_irq) {
        space_interrupts(1);
        while (disk_irqs == irqs)
            space_wait();
        space_interrupts(0);
    } else {
        while (REG(DISK_VA, SPACE_DISK_STATUS) == SPACE_DISK_BUSY)
            ;
    }
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_STATUS), SPACE_DISK_OK);
}

/* mov $imm, %eax; ret */
static void emit_ret_imm(uint32_t off, uint32_t imm)
{
    buf[off] = 0xb8;
    for (int i = 0; i < 4; i++)
        buf[off + 1 + i] = (uint8_t)(imm >> (8 * i));
    buf[off + 5] = 0xc3;
}

/* xor %eax,%eax; mov $n,%ecx; 1: add $k,%eax; loop 1b; ret  (= n*k) */
static void emit_loop(uint32_t off, uint32_t n, uint32_t k)
{
    static const uint8_t head[] = {0x31, 0xc0, 0xb9};
    for (int i = 0; i < 3; i++)
        buf[off + i] = head[i];
    for (int i = 0; i < 4; i++)
        buf[off + 3 + i] = (uint8_t)(n >> (8 * i));
    buf[off + 7] = 0x05;
    for (int i = 0; i < 4; i++)
        buf[off + 8 + i] = (uint8_t)(k >> (8 * i));
    buf[off + 12] = 0xe2;
    buf[off + 13] = 0xf9;
    buf[off + 14] = 0xc3;
}

static void clear_buf(void)
{
    for (int i = 0; i < 4096; i++)
        buf[i] = 0xcc; /* int3 */
}

static void call_expect(uint32_t va, uint32_t want)
{
    for (int i = 0; i < 3; i++) /* (translated by the first call, reused by the others) */
        CHECK_EQ(((fn_t)va)(), want);
}

static void run_user(uint32_t fn)
{
    struct space_pcb p = {0};
    p.ctx = UCTX;
    p.mode = 3;
    p.pc = (uint32_t)user_call;
    p.esp = (uint32_t)ustack + sizeof ustack;
    p.ebx = fn;
    p.eflags = 2;
    CHECK_EQ(space_pcb_push(&p), SPACE_OK);
    space_resume();
    CHECK(!"resume failed");
}

static void finish(void);

void trap_c(void)
{
    struct space_pcb p;
    CHECK_EQ(space_pcb_read(&p), SPACE_OK);
    if (p.trap == 34) {
        disk_irqs++;
        space_resume();
    }
    if (p.cause != T_DONE) {
        out_str("FAIL: unexpected trap ");
        out_dec(p.cause);
        out_str(" at pc ");
        out_hex(p.pc);
        out_str("\n");
        space_halt(1);
    }
    CHECK_EQ(p.ctx, UCTX);
    CHECK_EQ(space_pcb_pop(), SPACE_OK);
    user_result = p.eax;
    /* continue on another stack: this one is where the next traps land */
    __asm__ volatile("mov %0, %%esp\n call user_next" ::"r"(kstack2 + sizeof kstack2) : "memory");
}

void user_next(void)
{
    if (user_round == 0) {
        CHECK_EQ(user_result, 0x55555555);
        /* new code for the user: sector 40 again, into F1 + 0x400 */
        clear_buf();
        emit_ret_imm(0, 0x66666666);
        disk(SPACE_DISK_WRITE, 40, 1, buf_pa, 0);
        disk(SPACE_DISK_READ, 40, 1, f1 + 0x400, 0);
        user_round = 1;
        run_user(CODE_VA + 0x400);
    }
    CHECK_EQ(user_result, 0x66666666);
    finish();
}

static void finish(void)
{
    out_str("user CONTEXT runs the new code\n");
    out_str("dev_dmacode passed\n");
    space_halt(0);
}

void kmain(const struct space_bootinfo *boot)
{
    struct devinfo d;
    dev_setup(boot, &d);
    CHECK(d.disk != 0);
    buf_pa = dev_window(boot, 0, 1, SPACE_ACCESS(0, SPACE_RW));
    buf = (uint8_t *)WIN_VA;
    f1 = buf_pa + 4096;
    f2 = buf_pa + 2 * 4096;
    f4 = buf_pa + 4 * 4096;
    CHECK_EQ(space_map_memory(0, CODE3_VA, f4, SPACE_ACCESS(0, SPACE_RX)), SPACE_OK);
    CHECK_EQ(space_map_memory(0, CODE3_VA + 4096, f4 + 4096, SPACE_ACCESS(0, SPACE_RX)), SPACE_OK);
    CHECK_EQ(space_map_memory(0, CODE_VA, f1, SPACE_ACCESS(0, SPACE_RX)), SPACE_OK);
    CHECK_EQ(space_map_memory(0, CODE2_VA, f2, SPACE_ACCESS(0, SPACE_RX)), SPACE_OK);
    CHECK_EQ(space_map_memory(0, CODE2_VA + 4096, f2 + 4096, SPACE_ACCESS(0, SPACE_RX)), SPACE_OK);
    CHECK_EQ(space_map_portal(0, d.disk_trap, 0, 0, (uint32_t)trap_entry, 0), SPACE_OK);

    /* one page: the immediate changes */
    clear_buf();
    emit_ret_imm(0, 0x11111111);
    disk(SPACE_DISK_WRITE, 7, 1, buf_pa, 0);
    disk(SPACE_DISK_READ, 7, 1, f1, 0);
    call_expect(CODE_VA, 0x11111111);
    emit_ret_imm(0, 0x22222222);
    disk(SPACE_DISK_WRITE, 7, 1, buf_pa, 0);
    disk(SPACE_DISK_READ, 7, 1, f1, 0);
    call_expect(CODE_VA, 0x22222222);
    /* the same, completion by interrupt */
    emit_ret_imm(0, 0x23232323);
    disk(SPACE_DISK_WRITE, 7, 1, buf_pa, 1);
    disk(SPACE_DISK_READ, 7, 1, f1, 1);
    call_expect(CODE_VA, 0x23232323);
    out_str("one page: the new code runs\n");

    /* a loop: only its constant changes */
    clear_buf();
    emit_loop(0, 1000, 3);
    disk(SPACE_DISK_WRITE, 8, 1, buf_pa, 0);
    disk(SPACE_DISK_READ, 8, 1, f1 + 0x200, 0);
    call_expect(CODE_VA + 0x200, 3000);
    call_expect(CODE_VA, 0x23232323); /* the first sector of the page is untouched */
    emit_loop(0, 1000, 5);
    disk(SPACE_DISK_WRITE, 8, 1, buf_pa, 0);
    disk(SPACE_DISK_READ, 8, 1, f1 + 0x200, 0);
    call_expect(CODE_VA + 0x200, 5000);
    call_expect(CODE_VA, 0x23232323);
    out_str("loop: the new constant is used\n");

    /* 16 sectors into F2 + 0x800 .. F3 + 0x800: functions at both ends */
    clear_buf();
    emit_ret_imm(0, 0x31313131);     /* -> CODE2_VA + 0x800 */
    emit_ret_imm(0x900, 0x32323232); /* -> CODE2_VA + 0x1100 (second page) */
    emit_loop(0xff0, 10, 7);         /* -> CODE2_VA + 0x17f0 */
    disk(SPACE_DISK_WRITE, 16, 8, buf_pa, 0);
    disk(SPACE_DISK_READ, 16, 8, f2 + 0x800, 0);
    call_expect(CODE2_VA + 0x800, 0x31313131);
    call_expect(CODE2_VA + 0x1100, 0x32323232);
    call_expect(CODE2_VA + 0x17f0, 70);
    emit_ret_imm(0, 0x41414141);
    emit_ret_imm(0x900, 0x42424242);
    emit_loop(0xff0, 10, 9);
    disk(SPACE_DISK_WRITE, 16, 8, buf_pa, 0);
    disk(SPACE_DISK_READ, 16, 8, f2 + 0x800, 0);
    call_expect(CODE2_VA + 0x800, 0x41414141);
    call_expect(CODE2_VA + 0x1100, 0x42424242);
    call_expect(CODE2_VA + 0x17f0, 90);
    /* the same, but the first page of the transfer holds no code: only the
     * second does (CODE3_VA + 0x1100) */
    clear_buf();
    emit_ret_imm(0x900, 0x51515151);
    disk(SPACE_DISK_WRITE, 32, 8, buf_pa, 0);
    disk(SPACE_DISK_READ, 32, 8, f4 + 0x800, 0);
    call_expect(CODE3_VA + 0x1100, 0x51515151);
    emit_ret_imm(0x900, 0x52525252);
    disk(SPACE_DISK_WRITE, 32, 8, buf_pa, 0);
    disk(SPACE_DISK_READ, 32, 8, f4 + 0x800, 0);
    call_expect(CODE3_VA + 0x1100, 0x52525252);
    out_str("two pages: the new code runs\n");

    /* a user CONTEXT executing DMA-loaded code */
    for (uint32_t va = (uint32_t)__image_start; va < (uint32_t)__image_end; va += SPACE_PAGE_SIZE) {
        uint32_t pa;
        int access = space_mapping(0, va, &pa);
        if (access > 0 && (SPACE_ACCESS_BITS(access, 0) & SPACE_X))
            CHECK_EQ(space_map_memory(UCTX, va, pa, SPACE_ACCESS(3, SPACE_RX)), SPACE_OK);
    }
    CHECK_EQ(space_map_memory(UCTX, CODE_VA, f1, SPACE_ACCESS(3, SPACE_RX)), SPACE_OK);
    CHECK_EQ(space_map_memory(UCTX, (uint32_t)ustack, (uint32_t)ustack, SPACE_ACCESS(3, SPACE_RW)),
             SPACE_OK);
    CHECK_EQ(space_map_portal(UCTX, T_DONE, 0, 0, (uint32_t)trap_entry, SPACE_PORTAL_FROM(3)),
             SPACE_OK);
    clear_buf();
    emit_ret_imm(0, 0x55555555);
    disk(SPACE_DISK_WRITE, 40, 1, buf_pa, 0);
    disk(SPACE_DISK_READ, 40, 1, f1 + 0x400, 0);
    run_user(CODE_VA + 0x400); /* continues in trap_c */
}
