/* stats: the machine's statistics as one tree (a jansson json_t) - collected
 * from the counters the CPU, MMU, machine and bus keep as they run (this
 * module counts nothing itself). Every reader reads that one tree: the
 * report for people (text), the report for programs (JSON; sdb's `stats`
 * prints both) and the grader, which looks numbers up by their path in it
 * (statpath.h). docs/instrumentation.md documents every key and the
 * invariants that relate them. */
#ifndef SPACE_STATS_H
#define SPACE_STATS_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "sim/core/machine.h"

/* CPUs a report can hold (the machine has one today; reports are laid out
 * per CPU so that more fit). */
#define STATS_MAX_CPUS SPACE_MAX_CPUS

struct stats_cpu {
    uint64_t time;         /* this CPU's virtual time */
    uint64_t instructions; /* retired: time - idle */
    uint64_t idle;         /* time spent waiting (SPACE_OP_WAIT) */
    uint64_t register_accesses;
    uint64_t by_mode[MMU_MODES];
    uint64_t by_space[MMU_CONTEXTS][MMU_MODES]; /* by (CONTEXT, MODE) */
    uint64_t context_switches;
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
    struct machine_metrics metrics; /* switches, dispatches, faults, console, guest's */
    uint32_t pages_mapped[MMU_CONTEXTS], pages_mapped_max[MMU_CONTEXTS];
    uint64_t unmaps[MMU_CONTEXTS];
};

/* Takes a snapshot of every counter of the machine (at any point: at its
 * end, or stopped in a debugger). */
void stats_collect(struct machine *m, struct space_stats *s);

/* The tree of the snapshot: the keys and nesting of the JSON report
 * (format "space-stats", version 1), but complete - every CONTEXT, trap
 * number and TLB is there, also those whose counts are all 0, which the
 * report leaves out. Counts are JSON integers (64-bit: exact below 2^63).
 * A new reference; NULL if out of host memory. */
json_t *stats_tree(const struct space_stats *s);

/* stats_collect, then stats_tree: the machine's statistics now. */
json_t *stats_machine(struct machine *m);

/* A compact report of the tree for people (a dozen lines). */
void stats_write_text(FILE *out, const json_t *tree);

/* The JSON report of the tree: a copy without the members of an object
 * keyed by numbers (a trap, a CONTEXT) whose counts are all 0. A new
 * reference; NULL if out of host memory. */
json_t *stats_report(const json_t *tree);

/* The JSON report (stats_report) laid out one member a line (an array of
 * numbers on one), and a newline. */
void stats_write_json(FILE *out, const json_t *tree);

#endif
