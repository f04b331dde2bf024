/* stats: the machine's statistics as one report - collected from the
 * counters the CPU, MMU, machine and bus keep as they run (this module
 * counts nothing itself) and written as compact text for people or as JSON
 * for programs. docs/instrumentation.md documents every key and the
 * invariants that relate them. */
#ifndef SPACE_STATS_H
#define SPACE_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "sim/core/machine.h"

/* CPUs a report can hold (the machine has one today; reports are laid out
 * per CPU so that more fit). */
#define STATS_MAX_CPUS 1

struct stats_cpu {
    uint64_t time;         /* this CPU's virtual time */
    uint64_t instructions; /* retired: time - idle */
    uint64_t idle;         /* time spent waiting (SPACE_OP_WAIT) */
    uint64_t register_accesses;
    uint64_t by_mode[MMU_MODES];
    uint64_t by_space[MMU_CONTEXTS][MMU_MODES]; /* by (CONTEXT, MODE) */
};

/* Unicorn and the CPU's code cache: how the simulation was done, not what
 * the guest did (summed over CPUs). */
struct stats_engine {
    uint64_t blocks_learned, code_invalidations, tlb_fills, uc_flushes, steps;
};

struct stats_device {
    const char *name;
    unsigned index, unit, trap;
    uint64_t interrupts_raised, interrupts_delivered;
    uint64_t register_reads, register_writes, dma_bytes;
};

struct space_stats {
    enum machine_state state;
    uint32_t exit_code; /* MACHINE_HALTED */
    uint64_t virtual_time;
    unsigned ncpus;
    struct stats_cpu cpu[STATS_MAX_CPUS];
    struct machine_stats machine; /* traps, operations, traversals, faults */
    uint64_t mapping_changes;
    struct tlb_stats tlb_total;
    struct tlb_stats tlb[MMU_CONTEXTS];
    unsigned ndevices;
    struct stats_device dev[BUS_MAX_DEVICES];
    uint64_t register_reads, register_writes, dma_bytes; /* the bus's own totals */
    struct stats_engine engine;
};

/* Takes a snapshot of every counter of the machine (at any point: at its
 * end, or stopped in a debugger). */
void stats_collect(struct machine *m, struct space_stats *s);

/* A compact report for people (a dozen lines). */
void stats_write_text(FILE *out, const struct space_stats *s);

/* One JSON object (format "space-stats", version 1) and a newline. */
void stats_write_json(FILE *out, const struct space_stats *s);

#endif
