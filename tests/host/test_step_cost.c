/* Stepping a guest that stores next to its code (issue 18, defect 9): each
 * store lands in a page holding translated code. Running free, Unicorn's
 * translations are dropped once per run; stepped one instruction at a
 * time, dropping them all per store made `space replay --single-step`
 * crawl at a few instructions a second. Stepping must drop only the
 * written page's translations: a bounded number of whole flushes for any
 * number of steps - and the same run as running free. */
#include <stdio.h>

#include "cpu/cpu.h"
#include "tests/fuzz/fuzz_machine.h"
#include "tests/unit/unit.h"

#define STEPS 3000u

int main(void)
{
    /* loop: mov %eax,FUZZ_LOAD+0x800; inc %eax; jmp loop */
    static const uint8_t code[] = {0xa3, 0x00, 0x08, 0x01, 0x00, 0x40, 0xeb, 0xf8};
    struct machine *free_run = fuzz_machine(code, sizeof code);
    struct machine *stepped = fuzz_machine(code, sizeof code);
    EXPECT(free_run && stepped);
    machine_run_until(free_run, STEPS);
    for (unsigned i = 0; i < STEPS; i++)
        machine_run_until(stepped, machine_now(stepped) + 1);
    EXPECT(machine_now(free_run) == STEPS && machine_now(stepped) == STEPS);
    struct cpu_regs a, b;
    cpu_get_regs(machine_cpu(free_run, 0), &a);
    cpu_get_regs(machine_cpu(stepped, 0), &b);
    EXPECT(a.eax == b.eax && a.eip == b.eip);
    EXPECT(a.eax == STEPS / 3);
    const struct cpu_stats *st = cpu_stats(machine_cpu(stepped, 0));
    printf("stepped %u instructions: %llu whole flushes, %llu page drops\n", STEPS,
           (unsigned long long)st->tb_flushes, (unsigned long long)st->stale_page_drops);
    EXPECT(st->tb_flushes <= 2);
    EXPECT(st->stale_page_drops >= STEPS / 3 - 1);
    machine_destroy(free_run);
    machine_destroy(stepped);
    return 0;
}
