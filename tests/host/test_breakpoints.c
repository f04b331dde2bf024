/* Breakpoints are exact and invisible: for several addresses in a guest,
 * a run that stops at every execution of a breakpoint must stop exactly
 * where (and when) a single-stepped run executed that address, with the
 * same CPU state, and must end exactly like an undisturbed run.
 *
 * usage: test_breakpoints GUEST.elf */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "tests/unit/unit.h"

struct point {
    uint64_t time;
    uint32_t eip;
    uint64_t hash;
};

static uint64_t state_hash(struct machine *m)
{
    return harness_state_hash(m);
}

static struct machine *boot(const char *elf)
{
    return harness_boot(elf, NULL, NULL, NULL);
}

int main(int argc, char **argv)
{
    EXPECT(argc == 2);
    /* The single-stepped trail: where the CPU was before each instruction. */
    struct machine *m = boot(argv[1]);
    size_t n = 0, cap = 1 << 16;
    struct point *trail = malloc(cap * sizeof *trail);
    for (;;) {
        struct cpu_regs r;
        cpu_get_regs(machine_cpu(m, 0), &r);
        if (n == cap)
            trail = realloc(trail, (cap *= 2) * sizeof *trail);
        trail[n++] = (struct point){machine_now(m), r.eip, state_hash(m)};
        if (machine_run_until(m, machine_now(m) + 1) != MACHINE_RUNNING)
            break;
    }
    uint64_t end = machine_now(m);
    uint32_t code = machine_exit_code(m);
    machine_destroy(m);

    /* Breakpoints at a spread of addresses seen in the trail. */
    for (unsigned pick = 1; pick <= 6; pick++) {
        uint32_t bp = trail[(n * pick) / 7].eip;
        m = boot(argv[1]);
        EXPECT(cpu_set_breakpoints(machine_cpu(m, 0), &bp, 1) == 0);
        size_t next = 0, hits = 0;
        while (machine_run(m) == MACHINE_RUNNING) {
            EXPECT(machine_pause_reason(m).why == PAUSE_BREAK);
            struct cpu_regs r;
            cpu_get_regs(machine_cpu(m, 0), &r);
            EXPECT(r.eip == bp);
            /* the next time the stepped run was about to execute bp */
            size_t from = next;
            while (next < n && !(trail[next].eip == bp && trail[next].time == machine_now(m)))
                next++;
            if (next == n) {
                fprintf(stderr, "breakpoint %#x hit at time %llu; stepped run there:", bp,
                        (unsigned long long)machine_now(m));
                for (size_t i = from; i < n && trail[i].time <= machine_now(m) + 2; i++)
                    if (trail[i].time + 3 >= machine_now(m))
                        fprintf(stderr, " t%llu:%#x", (unsigned long long)trail[i].time,
                                trail[i].eip);
                fprintf(stderr, "\n");
            }
            EXPECT(next < n);
            EXPECT(trail[next].hash == state_hash(m));
            next++;
            hits++;
            cpu_skip_breakpoint_once(machine_cpu(m, 0));
        }
        EXPECT(machine_state(m) == MACHINE_HALTED && machine_exit_code(m) == code &&
               machine_now(m) == end);
        size_t expected = 0;
        for (size_t i = 0; i < n; i++)
            expected += trail[i].eip == bp && (i == 0 || trail[i - 1].time != trail[i].time);
        printf("breakpoint %#x: %zu hits (the stepped run executed it %zu times), same end\n", bp,
               hits, expected);
        EXPECT(hits == expected);
        machine_destroy(m);
    }
    free(trail);
    return 0;
}
