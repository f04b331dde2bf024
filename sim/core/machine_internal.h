/* machine_internal: the machine's fields, for the files of sim/core (the
 * run loop, traps, operations, the bus, the tracer, checkpoints). Every
 * other folder sees struct machine only through machine.h's functions. */
#ifndef SPACE_MACHINE_INTERNAL_H
#define SPACE_MACHINE_INTERNAL_H

#include <signal.h>

#include "machine.h"

/* Something that follows virtual time from outside the guest (checkpoints
 * of a recording or replay, time travel's snapshots): fn runs when virtual
 * time reaches `at`, at the top of the run loop - before anything due at
 * that time happens - however the machine is driven. fn sets the next `at`
 * (UINT64_MAX: never). One per owner (arg). */
#define MACHINE_ALARMS 8
struct machine_alarm {
    uint64_t at;
    void (*fn)(struct machine *m, void *arg);
    void *arg;
};

/* One CPU of the machine and what SPACE keeps for it. */
struct machine_cpu {
    struct cpu *cpu;
    /* The CPU's PCB chain while another CPU runs (the running CPU's is
     * m->pcbs.current, and its start m->pcbs.since). */
    struct pcb_chain *chain;
    uint64_t chain_since;
    bool ie;        /* interrupt enable */
    bool waiting;   /* executed SPACE_OP_WAIT and no interrupt came yet */
    bool halted;    /* not started yet (space_cpu_start) */
    uint32_t ipi;   /* IPIs pending: bit t - 32 for trap t */
    uint64_t devs;  /* the devices that interrupt this CPU (bit = bus index) */
    uint64_t slice; /* the end of this CPU's slice of the round (sched.c) */
    struct machine_stats stats;
};

/* The interleaving of several CPUs (sched.c): where the run stands in the
 * current round. */
struct machine_sched {
    uint64_t quantum;
    uint64_t grid; /* rounds end at its multiples too (0: none) */
    bool jitter;   /* --seed given: seeded slice lengths */
    uint64_t prng; /* SplitMix64 state */
    bool in_round; /* false: at a round boundary, every CPU at round_end */
    unsigned pass; /* 0: the (jittered) first slices, 1: the rest of the round */
    uint64_t round_end;
};

struct machine {
    struct machine_config cfg;
    struct physmem pm;
    struct mmu mmu;
    struct cpu *cpu;        /* the running CPU (cpus[cur].cpu) */
    struct machine_cpu *cc; /* and what SPACE keeps for it */
    unsigned cur, ncpus;
    struct machine_cpu cpus[SPACE_MAX_CPUS];
    struct machine_sched sched;
    struct portal_tables portals;
    struct pcb_state pcbs;
    struct bus bus;
    bool bus_ready;
    volatile sig_atomic_t interrupted; /* Ctrl-C (machine_ctrl_c_target) */
    uint64_t interrupt_at;             /* when an interrupted run stops (0: not yet known) */
    bool interrupt_clean;              /* MACHINE_INTERRUPTED was reached at interrupt_at (not
                                        * set by a driver ending the machine where it stood) */
    struct machine_observer observer;
    struct machine_probe probe;
    struct machine_alarm alarms[MACHINE_ALARMS]; /* fn NULL: a free slot */
    uint64_t alarm_at;                           /* the earliest alarm's time */
    bool awaiting_input;                         /* input waits for a person (PAUSE_INPUT; bus.c) */
    bool recording;           /* debuggers must not change the guest (sim/replay/recorder.c) */
    enum machine_pause pause; /* why machine_run_until returned early (MACHINE_RUNNING) */
    uint32_t pause_addr, pause_access, pause_watch;
    enum machine_state state;
    uint32_t exit_code;         /* MACHINE_HALTED */
    char reason[512];           /* MACHINE_STOPPED: the one-line diagnostic */
    struct machine_stats stats; /* the sum over the CPUs (machine_stats) */
    struct tracer *tracer;      /* --trace (sim/core/tracer.h), or NULL */
    uint64_t snap_base;         /* the snapshot RAM was at when snapshot write
                                 * tracking last forgot (sim/core/snapshot.c; 0: none) */
    FILE *debug_out;            /* where SPACE_OP_DEBUG_PUTC writes */
    /* The single-CPU run loop's bounds while it runs, and the target of
     * the cpu_run under way: what a trap taken inside the run is checked
     * against (machine.c's trap_in_run). */
    const struct run_bounds *bounds;
    uint64_t run_target;
    /* What SPACE_OP_CTX_NAME told ("": nothing). */
    char ctx_name[SPACE_CONTEXTS][SPACE_CONTEXT_NAME_MAX + 1];
    struct machine_metrics metrics; /* (metrics.c) */
};

/* Makes CPU i the running one (m->cpu, m->cc, its PCB chain). */
void machine_switch_cpu(struct machine *m, unsigned i);
/* The traps pending for CPU i (bit t - 32 for trap t): its device lines
 * and its IPIs. */
uint32_t machine_pending_for(const struct machine *m, unsigned i);
/* The running CPU takes its lowest pending interrupt, if it may. */
void machine_deliver_interrupt(struct machine *m);
/* The time limits of one machine_run_until, in machine_now's unit. */
struct run_bounds {
    uint64_t deadline; /* the caller's */
    uint64_t limit;    /* --max-insns (UINT64_MAX: none) */
    uint64_t last;     /* the watchdog's: `now` at the previous look */
    uint32_t stalls;   /* ... looks in a row at that same time */
};
/* What ends or cuts the run at `now` (machine_now) before any device or
 * instruction: Ctrl-C's boundary, the alarm, the limit, the caller's
 * deadline, and the watchdog. False: return to the caller.
 *
 * The watchdog: every turn of a run loop either moves virtual time on or
 * counts as a stall (a trap delivered, an interrupt taken, another CPU's
 * turn: a few in a row at most). MACHINE_MAX_STALLS in a row can only be a
 * simulator bug, and stop the machine, so that no guest can keep the loop
 * from its look at the limit and at Ctrl-C. */
#define MACHINE_MAX_STALLS (1u << 20)
bool machine_may_go_on(struct machine *m, uint64_t now, struct run_bounds *b);
/* Runs the running CPU up to its virtual time `target` (one instruction
 * under --trace insn) and does what stopped it. False: return to the
 * caller (a breakpoint or watchpoint: m->pause says). */
bool machine_run_cpu(struct machine *m, uint64_t target);
/* One step of machine_run_until with several CPUs (sched.c): a turn of
 * the running CPU, or the passage between two rounds. False: return to
 * the caller. */
bool sched_step(struct machine *m, uint64_t now, const struct run_bounds *b);

/* What the metrics are told (metrics.c). CPU i runs ctx/mode from now on
 * (wherever the probe's space() is called): */
void metrics_space(struct machine *m, unsigned i, uint32_t ctx, uint32_t mode);
/* The running CPU raises a MEMORY_FAULT. */
void metrics_fault(struct machine *m);
/* The console: the guest asks for input (the running CPU wrote the
 * register), or a line was delivered. */
void metrics_input_wanted(struct machine *m);
void metrics_line(struct machine *m);

/* Calls the probe's hook, if any: PROBE(m, space, cpu, ctx, mode). */
#define PROBE(m, hook, ...)                                                                        \
    do {                                                                                           \
        if ((m)->probe.hook)                                                                       \
            (m)->probe.hook((m)->probe.arg, __VA_ARGS__);                                          \
    } while (0)

#endif
