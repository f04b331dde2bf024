/* limit: guests that never halt, for --max-insns (selected by --cmdline):
 *   spin   kmain loops forever in CONTEXT 0 MODE 0
 *   halt   halts at once with code 300 (exit status 44)
 *   user   CONTEXT 1 MODE 3 loops forever at 0x40000000 (jmp .)
 *   trap   CONTEXT 1 MODE 3 loops on int $0x40 at 0x40000000, whose portal
 *          resumes it at once: the limit falls inside handler or user code */
#include "kit.h"

static const uint8_t jmp_self[] = {0xeb, 0xfe};
static const uint8_t int_loop[] = {0xcd, 0x40, 0xeb, 0xfc}; /* int $0x40; jmp back */
extern void h_resume_only(void);

static int is(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

void kmain(const struct space_bootinfo *boot)
{
    kit_init(boot);
    const uint8_t *code = 0;
    unsigned n = 0;
    if (is(boot->cmdline, "spin")) {
        for (;;)
            __asm__ volatile("");
    } else if (is(boot->cmdline, "halt")) {
        space_halt(0x12c); /* exit status 300 mod 256 = 44 */
    } else if (is(boot->cmdline, "user")) {
        code = jmp_self;
        n = sizeof jmp_self;
    } else if (is(boot->cmdline, "trap")) {
        code = int_loop;
        n = sizeof int_loop;
        CHECK_EQ(space_map_portal(1, 0x40, 0, 0, (uint32_t)h_resume_only, SPACE_PORTAL_FROM(3)),
                 SPACE_OK);
    } else {
        space_halt(1);
    }
    uint32_t f = kit_frame();
    for (unsigned i = 0; i < n; i++)
        ((uint8_t *)f)[i] = code[i];
    CHECK_EQ(space_map_memory(1, 0x40000000, f, SPACE_ACCESS(3, SPACE_RX)), SPACE_OK);
    struct space_pcb p = kit_pcb_for(1, 3, 0x40000000, 0);
    kit_start(&p);
    space_halt(1);
}

__asm__(".text\nh_resume_only:\n  mov $3, %eax\n  int $0xff\n");
