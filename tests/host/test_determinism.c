/* Determinism of virtual time: boots a guest (one that mixes REP string
 * instructions, faults in the middle of blocks, system calls, divide traps
 * and a fetch fault off the end of a page; or one driven by timer, disk and
 * console interrupts), then runs it (1) in one go,
 * (2) one instruction at a time, recording a hash of the whole CPU state
 * after every instruction, and (3) stopping at pseudo-random points.
 * Every stop must see exactly the state the single-stepped run saw at that
 * virtual time, and all three runs must end identically.
 *
 * usage: test_determinism GUEST.elf [--input FILE] [--disk IMAGE] [--cmdline TEXT]
 *                          [--cpus N] [--quantum INSNS] [--seed N]
 * (the disk image is copied afresh for every run; with several CPUs the
 * state is every CPU's, and time is machine_now's sum of their times) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "tests/unit/unit.h"

static uint64_t state_hash(struct machine *m)
{
    return harness_state_hash(m);
}

static const char *input_path, *disk_template, *cmdline;
static char disk_copy[512];

static void fresh_disk(void)
{
    if (!disk_template)
        return;
    snprintf(disk_copy, sizeof disk_copy, "%s.run", disk_template);
    FILE *in = fopen(disk_template, "rb"), *out = fopen(disk_copy, "wb");
    EXPECT(in && out);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        EXPECT(fwrite(buf, 1, n, out) == n);
    fclose(in);
    fclose(out);
}

static struct machine *boot(const char *elf)
{
    fresh_disk();
    return harness_boot(elf, input_path, disk_template ? disk_copy : NULL, cmdline);
}

int main(int argc, char **argv)
{
    EXPECT(argc >= 2);
    for (int i = 2; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--input"))
            input_path = argv[i + 1];
        else if (!strcmp(argv[i], "--disk"))
            disk_template = argv[i + 1];
        else if (!strcmp(argv[i], "--cmdline"))
            cmdline = argv[i + 1];
        else if (!strcmp(argv[i], "--cpus"))
            harness_cpus.ncpus = (uint32_t)strtoul(argv[i + 1], NULL, 0);
        else if (!strcmp(argv[i], "--quantum"))
            harness_cpus.quantum = strtoull(argv[i + 1], NULL, 0);
        else if (!strcmp(argv[i], "--seed"))
            harness_cpus.seed = strtoull(argv[i + 1], NULL, 0), harness_cpus.jitter = true;
        else
            EXPECT(!"unknown option");
    }
    /* 1: in one go */
    struct machine *m = boot(argv[1]);
    EXPECT(machine_run(m) == MACHINE_HALTED);
    uint64_t end = machine_now(m);
    uint32_t code = machine_exit_code(m);
    uint64_t final_hash = state_hash(m);
    machine_destroy(m);
    printf("free run: halted with %u after %llu instructions\n", code, (unsigned long long)end);
    EXPECT(end > 10000);

    /* 2: one instruction at a time */
    uint64_t *trail = calloc(end + 1, sizeof *trail);
    EXPECT(trail != NULL);
    m = boot(argv[1]);
    trail[0] = state_hash(m);
    uint64_t t = 0;
    while (machine_run_until(m, t + 1) == MACHINE_RUNNING) {
        t = machine_now(m);
        EXPECT(t <= end);
        trail[t] = state_hash(m);
    }
    if (machine_state(m) != MACHINE_HALTED || machine_exit_code(m) != code || machine_now(m) != end)
        fprintf(stderr, "stepped run: state %d code %u time %llu: %s\n", machine_state(m),
                machine_exit_code(m), (unsigned long long)machine_now(m), machine_stop_reason(m));
    EXPECT(machine_state(m) == MACHINE_HALTED && machine_exit_code(m) == code);
    EXPECT(machine_now(m) == end);
    EXPECT(state_hash(m) == final_hash);
    printf("stepped run: %llu single steps (%llu by the CPU), same end\n", (unsigned long long)t,
           (unsigned long long)cpu_stats(machine_cpu(m, 0))->steps);
    machine_destroy(m);

    /* 3: stops at pseudo-random points, compared with the trail */
    for (unsigned seed = 1; seed <= 3; seed++) {
        m = boot(argv[1]);
        uint64_t x = seed * 0x9e3779b97f4a7c15ull, stops = 0;
        t = 0;
        while (machine_state(m) == MACHINE_RUNNING) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            uint64_t step = 1 + (x >> 33) % (seed * 97);
            if (machine_run_until(m, t + step) != MACHINE_RUNNING)
                break;
            t = machine_now(m);
            EXPECT(t == (t / 1) && t <= end);
            if (state_hash(m) != trail[t]) {
                struct cpu_regs r;
                cpu_get_regs(machine_cpu(m, 0), &r);
                fprintf(stderr, "seed %u: state differs at time %llu (pc %#x)\n", seed,
                        (unsigned long long)t, r.eip);
                return 1;
            }
            stops++;
        }
        EXPECT(machine_state(m) == MACHINE_HALTED && machine_exit_code(m) == code &&
               machine_now(m) == end);
        EXPECT(state_hash(m) == final_hash);
        printf("seed %u: %llu stops, all identical to the stepped run\n", seed,
               (unsigned long long)stops);
        machine_destroy(m);
    }
    free(trail);
    return 0;
}
