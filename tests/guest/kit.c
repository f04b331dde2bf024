/* kit.c - see kit.h. */
#include "kit.h"

struct space_pcb kit_pcb;
volatile uint32_t kit_ntraps, kit_nemulated;
uint32_t kit_entry_regs[8], kit_stub_regs[8];
uint64_t kit_entry_time, kit_stub_time;
volatile uint32_t kit_recover_pc, kit_recover_esp;
kit_hook_fn kit_hook;
int kit_emulate_ops = 1;
uint8_t kit_ustack[KIT_USER_STACKS][KIT_STACK_SIZE] __attribute__((aligned(4096)));
uint8_t kit_kstack[16384] __attribute__((aligned(16)));

static uint32_t next_frame;
static struct kit_jmp call_jmp;
static uint32_t call_result;
static int call_active;

void kit_init(const struct space_bootinfo *boot)
{
    CHECK_EQ(boot->magic, SPACE_BOOT_MAGIC);
    CHECK((uint32_t)__image_end == boot->kernel_end);
    next_frame = boot->kernel_end;
}

uint32_t kit_frame(void)
{
    uint32_t pa = next_frame;
    next_frame += SPACE_PAGE_SIZE;
    CHECK_EQ(space_map_memory(0, pa, pa, SPACE_ACCESS(0, SPACE_RW)), SPACE_OK);
    uint32_t *w = (uint32_t *)pa;
    for (unsigned i = 0; i < SPACE_PAGE_SIZE / 4; i++)
        w[i] = 0;
    return pa;
}

void kit_portal(uint32_t ctx, uint32_t trap)
{
    CHECK_EQ(space_map_portal(ctx, trap, 0, 0, (uint32_t)kit_trap_entry, SPACE_PORTAL_FROM_ALL),
             SPACE_OK);
}

void kit_portals_std(uint32_t ctx)
{
    static const uint8_t traps[] = {0, 1, 3, 4, 5, 6, 7, 13, 14, 16, 17, 19, 24, 25, KIT_TRAP_EXIT};
    for (unsigned i = 0; i < sizeof traps; i++)
        kit_portal(ctx, traps[i]);
}

void kit_map_range(uint32_t ctx, uint32_t vaddr, uint32_t paddr, uint32_t bytes,
                   uint32_t modeaccess)
{
    for (uint32_t off = 0; off < bytes; off += SPACE_PAGE_SIZE)
        CHECK_EQ(space_map_memory(ctx, vaddr + off, paddr + off, modeaccess), SPACE_OK);
}

void kit_map_image(uint32_t ctx, uint32_t modeaccess)
{
    uint32_t start = (uint32_t)__image_start, end = (uint32_t)__image_end;
    kit_map_range(ctx, start, start, end - start, modeaccess);
}

uint32_t kit_start(const struct space_pcb *p)
{
    CHECK(!call_active);
    if (kit_setjmp(&call_jmp) == 0) {
        call_active = 1;
        CHECK_EQ(space_pcb_push(p), SPACE_OK);
        space_resume();
        out_str("kit_start: resume failed\n");
        space_halt(1);
    }
    call_active = 0;
    return call_result;
}

uint32_t kit_call(uint32_t ctx, uint32_t mode, uint32_t (*fn)(uint32_t), uint32_t arg, uint32_t esp)
{
    struct space_pcb p =
        kit_pcb_for(ctx, mode, (uint32_t)kit_user_tramp, esp ? esp : kit_stack_top(0));
    p.eax = (uint32_t)fn;
    p.ebx = arg;
    return kit_start(&p);
}

void kit_finish(uint32_t result)
{
    CHECK(call_active);
    call_result = result;
    CHECK_EQ(space_pcb_pop(), SPACE_OK);
    kit_longjmp(&call_jmp, 1);
}

/* Emulates debug_putc and halt for code outside MODE 0; true if done. */
static int emulate_op(struct space_pcb *p)
{
    if (!kit_emulate_ops || p->trap != SPACE_TRAP_PRIVILEGED || p->cause != SPACE_TRAP_PRIVILEGED)
        return 0;
    if (p->addr == SPACE_OP_DEBUG_PUTC) {
        space_debug_putc((int)p->ebx);
        p->eax = 0;
        p->pc += 2;
        return 1;
    }
    if (p->addr == SPACE_OP_HALT)
        space_halt(p->ebx);
    return 0;
}

/* Called by kit_trap_entry on its own stack; never returns. */
void kit_trap_c(void)
{
    struct space_pcb p;
    int rc = space_pcb_read(&p);
    if (rc != SPACE_OK) {
        out_str("kit: pcb_read failed in handler\n");
        space_halt(2);
    }
    if (emulate_op(&p)) {
        kit_nemulated++;
        CHECK_EQ(space_pcb_write(&p), SPACE_OK);
        space_resume();
        space_halt(2);
    }
    if (p.trap == KIT_TRAP_EXIT && p.cause == KIT_TRAP_EXIT && call_active) {
        call_result = p.ebx;
        CHECK_EQ(space_pcb_pop(), SPACE_OK);
        kit_longjmp(&call_jmp, 1);
    }
    kit_pcb = p;
    for (int i = 0; i < 8; i++)
        kit_entry_regs[i] = kit_stub_regs[i];
    kit_entry_time = kit_stub_time;
    kit_ntraps++;
    int action = kit_hook ? kit_hook(&kit_pcb) : KIT_DEFAULT;
    if (action == KIT_DEFAULT)
        action = kit_recover_pc ? KIT_RECOVER : -1;
    if (action == KIT_RECOVER) {
        if (!kit_recover_pc) {
            out_str("kit: nothing to recover\n");
            space_halt(2);
        }
        p = kit_pcb;
        p.pc = kit_recover_pc;
        p.esp = kit_recover_esp;
        kit_recover_pc = 0;
        CHECK_EQ(space_pcb_write(&p), SPACE_OK);
        space_resume();
    } else if (action == KIT_RESUME) {
        CHECK_EQ(space_pcb_write(&kit_pcb), SPACE_OK);
        space_resume();
    }
    kit_out_pcb("kit: unexpected trap", &p);
    space_halt(2);
}
