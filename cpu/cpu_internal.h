/* cpu_internal.h - what the files of the CPU module (cpu.c: hooks, time and
 * the run loop; poweron.c: entering ring 3 and Unicorn's hidden exception
 * state; watch.c: breakpoints and watchpoints) share. Nothing outside cpu/
 * includes it. */
#ifndef SPACE_CPU_INTERNAL_H
#define SPACE_CPU_INTERNAL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

#include "codecache.h"
#include "cpu.h"
#include "decode.h"

#define PAGE_MASK        0xfffff000u
#define EFLAGS_TF        0x100u
#define VECTOR_DEBUG     1u
#define X86_VECTOR_GP    13u
#define EXEC_IN_ANY_MODE 0x924u /* the X bit of each MODE in a modeaccess */
/* Instructions the CPU single-steps after an imprecise instruction-fetch
 * fault before it gives up looking for the precise one. */
#define FETCH_STEP_BUDGET 4200

/* uc_ctl_request_cache() as unicorn.h spells it shifts a signed 3 by 30
 * bits (undefined behaviour that UBSan reports); the same value, unsigned. */
#define CTL_REQUEST_CACHE                                                                          \
    ((uc_control_type)((uint32_t)UC_CTL_TB_REQUEST_CACHE | (2u << 26) |                            \
                       ((uint32_t)UC_CTL_IO_READ_WRITE << 30)))

struct cpu {
    uc_engine *uc;
    struct mmu *mmu;
    struct physmem *pm;
    struct decoder *dec;
    struct codecache *code;
    uint64_t key_bits; /* CONTEXT (and BLOCK_NEVER when stepping) for block keys */
    uint32_t ctx, mode;
    bool powering_on;

    uint64_t time;     /* instructions retired */
    uint64_t deadline; /* cpu_run's target */

    /* The translated block being executed, for settling a cut-short block. */
    const struct block_info *blk; /* NULL when no block is under way; it
                                   * started at time - blk->icount */
    uint64_t mode_since;          /* virtual time accounted to CONTEXTs and MODEs so far */

    bool stepping;    /* EFLAGS.TF set by us: one instruction per block */
    bool guest_tf;    /* the guest's own TF */
    bool fix_pushf;   /* a stepped pushf stored our TF: clear it */
    int step_budget;  /* >0: stepping only this many more instructions (looking for
                       * a precise fetch fault, or across a block with a breakpoint) */
    uint32_t *breaks; /* breakpoint addresses (any CONTEXT) */
    unsigned nbreaks;
    bool break_block; /* a block holding a breakpoint is next: step it */
    bool break_hit;   /* stopped before a breakpoint's instruction */
    bool break_skip;  /* ... except this once at break_skip_pc (resuming from it) */
    uint32_t break_skip_pc;
    struct cpu_watch *watches;
    unsigned nwatches;
    bool watch_pass;         /* one instruction may touch watched pages (then re-protect) */
    bool watch_skip;         /* the next cpu_run starts with such an instruction */
    bool fault_watch;        /* the refused fill was only for a watchpoint */
    bool flush_translations; /* guest code changed: drop Unicorn's translations */

    bool crossed;     /* the block hook stopped before a block past the deadline */
    bool budget_out;  /* the fetch-fault search ran out of steps */
    bool io_block;    /* a block holding an I/O instruction is next: step it */
    bool io_insn;     /* the I/O instruction itself is next */
    bool trapped;     /* the interrupt hook stopped on a vector */
    bool system_insn; /* ... or the syscall/sysenter hook did */
    uint32_t vector;
    bool fault_seen; /* the TLB fill hook refused an access */
    uint32_t fault_page;
    unsigned fault_access;
    bool fault_protection;
    bool fault_device;
    uint32_t fault_paddr; /* its physical page */
    volatile int stop_requested;

    /* QEMU remembers a #DE/#GP "in flight" until its own interrupt
     * delivery runs, which Unicorn skips; the next such exception would turn
     * into a double, then a triple fault. Where that word sits in a saved
     * context is found at power-on, so it can be cleared after each one. */
    uc_context *scratch;
    size_t in_flight_offset;
    size_t is_int_offset; /* QEMU's "this vector came from int n/int3/into" */
    uint32_t trap_insn_pc;

    struct cpu_stats stats;
    uc_hook hooks[6];
};

/* poweron.c */
int cpu_power_on(struct cpu *c, char *err, unsigned errlen);
void cpu_clear_exception_in_flight(struct cpu *c);
bool cpu_vector_is_deliberate(struct cpu *c);
void cpu_reset_data_segments(struct cpu *c);

/* watch.c */
unsigned cpu_watched_access(const struct cpu *c, uint32_t page);
const struct cpu_watch *cpu_watch_hit(const struct cpu *c, uint32_t addr, uint32_t size,
                                      unsigned access);

#endif
