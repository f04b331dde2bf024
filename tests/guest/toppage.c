/* toppage: code in the last page of the 4 GiB address space (0xfffff000),
 * CONTEXT 0 MODE 0. The scenario is --cmdline's:
 *  ret      mov $7,%ebx; int $0xf0 at 0xfffffff0: runs, returns 7; also a
 *           block of incs ending on the very last byte (0xffffffff)
 *  runoff   incs up to the last byte, then the pc wraps to 0, which is not
 *           mapped: a fetch fault with pc = addr = 0, every inc retired
 *  spin     jmp . at 0xfffffff0: runs until --max-insns or Ctrl-C stops it
 * (Before the fix, learning the block at 0xfffffff0 looped forever in the
 * host, ignoring both.) */
#include "kit.h"

#define TOP 0xfffff000u

static int nfault;
static struct space_pcb fault_pcb;

static int handler(struct space_pcb *p)
{
    if (p->trap == SPACE_TRAP_MEMORY_FAULT) {
        nfault++;
        fault_pcb = *p;
        kit_finish(p->eax);
    }
    return KIT_DEFAULT;
}

static void put(uint32_t frame, uint32_t off, const uint8_t *b, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        ((volatile uint8_t *)frame)[off + i] = b[i];
}

static uint32_t start(uint32_t pc)
{
    struct space_pcb p = kit_pcb_for(0, 0, pc, kit_stack_top(0));
    return kit_start(&p);
}

static int is(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

void kmain(const struct space_bootinfo *boot)
{
    kit_init(boot);
    kit_hook = handler;
    kit_portals_std(0);
    uint32_t f = kit_frame();
    CHECK_EQ(space_map_memory(0, TOP, f, SPACE_ACCESS(0, SPACE_RWX)), SPACE_OK);
    const char *how = boot->cmdline;
    if (is(how, "ret")) {
        static const uint8_t ret7[] = {0xbb, 7, 0, 0, 0, 0xcd, 0xf0}; /* mov $7,%ebx; int $0xf0 */
        put(f, 0xff0, ret7, sizeof ret7);
        CHECK_EQ(start(0xfffffff0u), 7);
        /* xor %eax,%eax; 5 incs up to 0xfffffffa; mov %eax,%ebx; int $0xf0 (ends at 0xffffffff+1)
         */
        static const uint8_t incs[] = {0x31, 0xc0, 0x40, 0x40, 0x40, 0x40,
                                       0x40, 0x89, 0xc3, 0xcd, 0xf0};
        put(f, 4096 - sizeof incs, incs, sizeof incs);
        CHECK_EQ(start(0u - (uint32_t)sizeof incs), 5);
        CHECK_EQ(nfault, 0);
    } else if (is(how, "runoff")) {
        /* xor %eax,%eax, then incs to the last byte */
        static const uint8_t xor_eax[] = {0x31, 0xc0};
        put(f, 4096 - 18, xor_eax, 2);
        for (uint32_t i = 4096 - 16; i < 4096; i++)
            ((volatile uint8_t *)f)[i] = 0x40;
        CHECK_EQ(start(0u - 18), 16);
        CHECK_EQ(nfault, 1);
        CHECK_EQ(fault_pcb.pc, 0);
        CHECK_EQ(fault_pcb.addr, 0);
        CHECK_EQ(fault_pcb.access, SPACE_FAULT_EXECUTE);
    } else if (is(how, "spin")) {
        static const uint8_t spin[] = {0xeb, 0xfe}; /* jmp . */
        put(f, 0xff0, spin, sizeof spin);
        out_str("spinning\n");
        start(0xfffffff0u);
        CHECK(0);
    } else {
        CHECK(0);
    }
    out_str("toppage ");
    out_str(how);
    out_str(" passed\n");
}
