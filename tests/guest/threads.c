/* threads: Suspend/Unsuspend switching between two user threads.
 * Thread A runs in CONTEXT 1, thread B in CONTEXT 2, both MODE 3, the same
 * code at the same addresses, each with its own stack and data page at the
 * same virtual addresses (different frames). A thread prints its letter
 * (read from its data page) and round through int $0x80, yields with
 * int $0x81 and exits with int $0x82. The kernel's yield suspends the
 * current chain and unsuspends the other thread's; the output must
 * interleave A0B0A1B1A2B2. Also: a used token is dead, Unsuspend with a
 * non-empty chain is BUSY (and keeps the token alive). */
#include "kit.h"

#define DATA  0x50000000u
#define STACK 0x5f000000u

static int tok[3];   /* suspended chain of thread 1 / 2 */
static int dead_tok; /* a token already used */
static uint32_t cur; /* running thread = its CONTEXT */
static int finished[3];
static unsigned nyield, nputc;

static void sys_putc(int c)
{
    __asm__ volatile("int $0x80" : : "a"(1), "b"(c) : "memory");
}

static uint32_t thread(uint32_t unused)
{
    (void)unused;
    volatile uint32_t local = 0;
    char letter = *(volatile char *)DATA;
    for (uint32_t i = 0; i < 3; i++) {
        sys_putc(letter);
        sys_putc('0' + (int)i);
        local += i;
        __asm__ volatile("int $0x81" ::: "memory");
        if (*(volatile char *)DATA != letter || local != i * (i + 1) / 2)
            __asm__ volatile("ud2"); /* state lost across the switch */
    }
    __asm__ volatile("int $0x82" ::"b"(letter) : "memory");
    return 0;
}

static int handler(struct space_pcb *p)
{
    CHECK_EQ(p->ctx, cur);
    CHECK_EQ(p->mode, 3);
    uint32_t other = 3 - cur;
    switch (p->trap) {
    case 0x80:
        space_debug_putc((int)p->ebx);
        nputc++;
        return KIT_RESUME;
    case 0x81:
        nyield++;
        tok[cur] = space_suspend();
        CHECK(tok[cur] > 0);
        CHECK_EQ(space_unsuspend(dead_tok), SPACE_ERR_TOKEN);
        CHECK_EQ(space_unsuspend(tok[other]), SPACE_OK);
        CHECK_EQ(space_unsuspend(tok[cur]), SPACE_ERR_BUSY);
        CHECK_EQ(space_unsuspend(tok[other]), SPACE_ERR_TOKEN);
        dead_tok = tok[other];
        tok[other] = 0;
        cur = other;
        space_resume();
        space_halt(1);
    case 0x82:
        CHECK_EQ(p->ebx, cur == 1 ? 'A' : 'B');
        finished[cur] = 1;
        if (finished[other])
            kit_finish(0x600d);
        CHECK_EQ(space_pcb_pop(), SPACE_OK);
        CHECK_EQ(space_unsuspend(tok[other]), SPACE_OK);
        tok[other] = 0;
        cur = other;
        space_resume();
        space_halt(1);
    }
    return KIT_DEFAULT;
}

void kmain(const struct space_bootinfo *boot)
{
    kit_init(boot);
    for (uint32_t c = 1; c <= 2; c++) {
        kit_map_image(c, SPACE_ACCESS(3, SPACE_RX));
        kit_portals_std(c);
        kit_portal(c, 0x80);
        kit_portal(c, 0x81);
        kit_portal(c, 0x82);
        uint32_t data = kit_frame(), stack = kit_frame();
        *(volatile char *)data = c == 1 ? 'A' : 'B';
        CHECK_EQ(space_map_memory(c, DATA, data, SPACE_ACCESS(3, SPACE_R)), SPACE_OK);
        CHECK_EQ(space_map_memory(c, STACK - 4096, stack, SPACE_ACCESS(3, SPACE_RW)), SPACE_OK);
    }
    kit_hook = handler;
    /* thread B: a chain of one PCB, suspended before it ever runs */
    struct space_pcb b = kit_pcb_for(2, 3, (uint32_t)kit_user_tramp, STACK);
    b.eax = (uint32_t)thread;
    CHECK_EQ(space_pcb_push(&b), SPACE_OK);
    tok[2] = space_suspend();
    CHECK(tok[2] > 0);
    dead_tok = 0x7fffffff;
    /* thread A starts now */
    struct space_pcb a = kit_pcb_for(1, 3, (uint32_t)kit_user_tramp, STACK);
    a.eax = (uint32_t)thread;
    cur = 1;
    CHECK_EQ(kit_start(&a), 0x600d);
    out_str("\n");
    CHECK_EQ(nyield, 6);
    CHECK_EQ(nputc, 12);
    CHECK(finished[1] && finished[2]);
    CHECK_EQ(tok[1], 0);
    CHECK_EQ(tok[2], 0);
    struct space_pcb tmp;
    CHECK_EQ(space_pcb_read(&tmp), SPACE_ERR_EMPTY);
    out_str("threads passed\n");
}
