/* harness.h - what the host-driven whole-machine tests share: booting a
 * guest with its console silenced, and a hash of the whole visible CPU
 * state (registers, CONTEXT, MODE, interrupt enable, chain depth, pending
 * interrupts, waiting) to compare two runs at the same virtual time. */
#ifndef HARNESS_H
#define HARNESS_H

#include <stdio.h>
#include <stdlib.h>

#include "sim/core/machine.h"
#include "sim/host/host_backends.h"

static inline uint64_t harness_state_hash(struct machine *m)
{
    uint64_t h = 1469598103934665603ull;
    for (unsigned i = 0; i < machine_ncpus(m); i++) {
        struct cpu *cpu = machine_cpu(m, i);
        struct cpu_regs r;
        cpu_get_regs(cpu, &r);
        uint32_t words[] = {r.eax,
                            r.ebx,
                            r.ecx,
                            r.edx,
                            r.esi,
                            r.edi,
                            r.ebp,
                            r.esp,
                            r.eip,
                            r.eflags,
                            cpu_context(cpu),
                            cpu_mode(cpu),
                            machine_cpu_interrupts_enabled(m, i),
                            machine_cpu_chain(m, i)->depth,
                            machine_bus(m)->pending,
                            machine_cpu_waiting(m, i),
                            machine_cpu_ipis(m, i),
                            (uint32_t)cpu_time(cpu)};
        for (unsigned k = 0; k < sizeof words / sizeof words[0]; k++)
            h = (h ^ words[k]) * 1099511628211ull;
    }
    return h;
}

/* The CPUs harness_boot gives a machine (a test may change them first). */
static struct {
    uint32_t ncpus;
    uint64_t quantum, seed;
    bool jitter;
} harness_cpus = {.ncpus = 1};

/* Boots elf on a 16 MiB machine; console output goes nowhere. Exits the
 * test with a message if that fails. */
static inline struct machine *harness_boot(const char *elf, const char *input, const char *disk,
                                           const char *cmdline)
{
    static struct host_backends host;
    static struct device_config *devices;
    if (!host.output)
        host.output = fopen("/dev/null", "w");
    host.input = input ? input : "/dev/null";
    if (!devices)
        devices = device_config_new();
    char err[512];
    if (!devices || (disk && device_config_set(devices, "disk", disk, err, sizeof err) != 0)) {
        fprintf(stderr, "harness: %s\n", devices ? err : "out of host memory");
        exit(1);
    }
    struct machine_config cfg = {.ram_size = 16u << 20,
                                 .cmdline = cmdline,
                                 .ncpus = harness_cpus.ncpus,
                                 .quantum = harness_cpus.quantum,
                                 .jitter = harness_cpus.jitter,
                                 .seed = harness_cpus.seed,
                                 .devices = devices,
                                 .backends = host_backends_provider(&host)};
    struct machine *m = machine_create(&cfg, err, sizeof err);
    if (!m || machine_boot(m, elf, err, sizeof err) != 0) {
        fprintf(stderr, "harness: %s\n", err);
        exit(1);
    }
    machine_set_debug_out(m, NULL);
    return m;
}

#endif
