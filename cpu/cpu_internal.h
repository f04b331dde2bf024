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

/* What the engine is asked to do in the next uc_emu_start. Every state but
 * ENGINE_FREE single-steps: EFLAGS.TF is set (by us), so each translated
 * block is one instruction and the block hook sees every instruction. */
enum cpu_engine {
    ENGINE_FREE,          /* whole translated blocks, at full speed */
    ENGINE_TO_DEADLINE,   /* the next block would run past the deadline: step up to it */
    ENGINE_TO_IO,         /* a block holds port I/O: step up to that instruction */
    ENGINE_THROUGH_BREAK, /* a block holds a breakpoint: step through it (budget:
                           * its instructions), stopping before the breakpoint */
    ENGINE_FIND_FAULT,    /* an instruction fetch faulted somewhere in the block
                           * reported: step until it faults precisely (budget) */
    ENGINE_WATCH_PASS,    /* one instruction may touch watched pages (budget 2);
                           * leaving this state protects them again */
    ENGINE_THROUGH_STORE, /* one instruction stores into its own block (budget 2) */
};

/* Why the last uc_emu_start returned, as its hooks saw it. */
enum cpu_halt_kind {
    HALT_NONE,        /* no hook stopped it (an engine error, or a stop request) */
    HALT_DEADLINE,    /* before a block that would run past the deadline */
    HALT_BUDGET,      /* before a block, the stepping budget spent */
    HALT_IO_BLOCK,    /* before a block holding port I/O (running free) */
    HALT_IO_INSN,     /* before the port I/O instruction itself (stepping) */
    HALT_BREAK_BLOCK, /* before a block holding a breakpoint (running free) */
    HALT_BREAK,       /* before a breakpoint's instruction (stepping) */
    HALT_VECTOR,      /* an x86 exception or int n: .vector */
    HALT_SYSTEM_INSN, /* syscall or sysenter (a #GP in ring 3) */
    HALT_FAULT,       /* the MMU refused an access, or it is a device register's */
    HALT_WATCH,       /* a watchpoint covers the page of a permitted access */
    HALT_STALE_CODE,  /* before a block from a page written since it was translated,
                       * or before running free with a flush stepping deferred */
    HALT_CODE_STORE,  /* running free, a store into the block that is running */
    HALT_HANDLED,     /* the trap handler took a trap in the run and ended it */
};

struct cpu_halt {
    enum cpu_halt_kind kind;
    uint32_t vector;         /* HALT_VECTOR, HALT_SYSTEM_INSN */
    uint32_t block_icount;   /* HALT_BREAK_BLOCK: the block's instructions */
    uint32_t page;           /* HALT_FAULT, HALT_WATCH, HALT_CODE_STORE: the
                              * virtual page; HALT_STALE_CODE: pc */
    uint32_t stale_pages;    /* HALT_STALE_CODE: bit 0 the pc's page, bit 1 the next */
    unsigned access;         /* ... the access: MMU_READ, MMU_WRITE or MMU_EXEC */
    struct mmu_decision mmu; /* ... what the MMU said */
};

struct cpu {
    uc_engine *uc;
    struct mmu *mmu;
    struct physmem *pm;
    uint32_t tcg_bytes; /* its translation buffer */
    struct decoder *dec;
    struct codecache *code;
    uint64_t key_bits; /* CONTEXT (and BLOCK_NEVER when stepping) for block keys */
    uint32_t ctx, mode;
    bool powering_on; /* the fill hook maps only the hidden page */

    uint64_t time;     /* instructions retired */
    uint64_t deadline; /* cpu_run's target */

    /* The translated block being executed, for settling a cut-short block. */
    const struct block_info *blk; /* NULL when no block is under way; it
                                   * started at time - blk->icount */
    uint64_t mode_since;          /* virtual time accounted to CONTEXTs and MODEs so far */

    enum cpu_engine engine;
    int step_budget;      /* >0: step only this many more instructions */
    struct cpu_halt halt; /* why the last uc_emu_start returned */
    volatile int stop_requested;
    bool guest_tf;           /* the guest's own TF */
    bool fix_pushf;          /* a stepped pushf stored our TF: clear it */
    bool flush_translations; /* guest code changed: drop Unicorn's translations */
    bool flush_deferred;     /* ... and stepping left that to the next free run */
    /* A store refused for landing on the running block's page but not in
     * the block: the next engine start lets it through. */
    bool code_store_pass;
    /* ENGINE_THROUGH_STORE: the page stored into (physical, and the running
     * block's virtual page on it), and whether all translations had to go
     * anyway. */
    struct {
        uint32_t paddr, vpage;
        bool flush_pending;
    } store;

    uint32_t *breaks; /* breakpoint addresses (any CONTEXT) */
    unsigned nbreaks;
    struct cpu_watch *watches;
    unsigned nwatches;
    /* Resuming from a stop: the next cpu_run passes the breakpoint at
     * break_skip_pc once, or the instruction a watchpoint stopped before. */
    bool break_skip;
    uint32_t break_skip_pc;
    bool watch_skip;

    /* QEMU remembers a #DE/#GP "in flight" until its own interrupt
     * delivery runs, which Unicorn skips; the next such exception would turn
     * into a double, then a triple fault. Where that word sits in a saved
     * context is found at power-on, so it can be cleared after each one. */
    uc_context *scratch;
    size_t in_flight_offset;
    size_t is_int_offset; /* QEMU's "this vector came from int n/int3/into" */
    uint32_t trap_insn_pc;
    /* A deliberate trap's instruction is found (decoding its block) only
     * when asked for: most traps never need it. */
    bool trap_insn_pending;
    struct block_info trap_blk; /* the block it ended, and the pc after it */
    uint32_t trap_eip;

    /* cpu_set_trap_handler's; in_hook while it runs inside the engine,
     * stop_after_hook when it did something that must wait for the engine
     * to stop. */
    cpu_trap_fn trap_fn;
    void *trap_arg;
    bool in_hook, stop_after_hook;

    struct cpu_stats stats;
    uc_hook hooks[6];
};

static inline bool cpu_stepping(const struct cpu *c)
{
    return c->engine != ENGINE_FREE;
}

/* poweron.c */
int cpu_power_on(struct cpu *c, char *err, unsigned errlen);
void cpu_clear_exception_in_flight(struct cpu *c);
bool cpu_vector_is_deliberate(struct cpu *c);
void cpu_reset_data_segments(struct cpu *c);
bool cpu_data_segments_flat(struct cpu *c);

/* watch.c */
unsigned cpu_watched_access(const struct cpu *c, uint32_t page);
const struct cpu_watch *cpu_watch_hit(const struct cpu *c, uint32_t addr, uint32_t size,
                                      unsigned access);

#endif
