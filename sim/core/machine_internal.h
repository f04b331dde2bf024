/* machine_internal: the machine's fields, for the files of sim/core (the
 * run loop, traps, operations, the bus, the tracer, checkpoints). Every
 * other folder sees struct machine only through machine.h's functions. */
#ifndef SPACE_MACHINE_INTERNAL_H
#define SPACE_MACHINE_INTERNAL_H

#include <signal.h>

#include "machine.h"

/* Something that follows virtual time from outside the guest (checkpoints
 * of a recording or replay): fn runs when virtual time reaches `at`, at the
 * top of the run loop - before anything due at that time happens - however
 * the machine is driven. fn sets the next `at` (UINT64_MAX: never). */
struct machine_alarm {
    uint64_t at;
    void (*fn)(struct machine *m, void *arg);
    void *arg;
};

struct machine {
    struct machine_config cfg;
    struct physmem pm;
    struct mmu mmu;
    struct cpu *cpu;
    struct portal_tables portals;
    struct pcb_state pcbs;
    struct bus bus;
    bool bus_ready;
    bool ie;                           /* interrupt enable (CPU 0) */
    bool waiting;                      /* CPU 0 executed SPACE_OP_WAIT and no interrupt came yet */
    volatile sig_atomic_t interrupted; /* Ctrl-C (machine_ctrl_c_target) */
    uint64_t interrupt_at;             /* when an interrupted run stops (0: not yet known) */
    bool interrupt_clean;              /* MACHINE_INTERRUPTED was reached at interrupt_at (not
                                        * set by a driver ending the machine where it stood) */
    struct machine_observer observer;
    struct machine_alarm alarm;
    bool awaiting_input;      /* input waits for a person (PAUSE_INPUT; bus.c) */
    bool recording;           /* debuggers must not change the guest (sim/replay/recorder.c) */
    enum machine_pause pause; /* why machine_run_until returned early (MACHINE_RUNNING) */
    uint32_t pause_addr, pause_access, pause_watch;
    enum machine_state state;
    uint32_t exit_code; /* MACHINE_HALTED */
    char reason[512];   /* MACHINE_STOPPED: the one-line diagnostic */
    struct machine_stats stats;
    struct tracer *tracer; /* --trace (sim/core/tracer.h), or NULL */
    FILE *debug_out;       /* where SPACE_OP_DEBUG_PUTC writes */
};

#endif
