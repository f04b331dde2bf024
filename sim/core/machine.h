/* machine: one SPACE machine - physical memory, MMU, CPU, portal tables and
 * PCB chains - and the run loop that turns what the CPU reports into SPACE
 * behaviour (portal traversals, operations, halts and machine stops). */
#ifndef SPACE_MACHINE_H
#define SPACE_MACHINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/cpu.h"
#include "mmu/mmu.h"
#include "mmu/physmem.h"
#include "bus.h"
#include "metrics.h"
#include "pcb.h"
#include "portal.h"

struct machine_config {
    uint32_t ram_size;
    uint64_t max_insns; /* 0: no limit */
    const char *cmdline;
    uint32_t ncpus;   /* 1..SPACE_MAX_CPUS */
    uint64_t quantum; /* instructions per CPU per round (0: MACHINE_QUANTUM) */
    bool jitter;      /* seeded switch points (space run --seed) */
    uint64_t seed;
    /* Its place in a multicomputer (sim/net/cluster.h): the boot
     * information's node and nodes (nodes 0: alone, said as 1). */
    uint32_t node, nodes;
    /* Several CPUs: their rounds also end at every multiple of this (a
     * multicomputer's window, so that every CPU of a node stands at the
     * window's end at its barrier; 0: no such bound). */
    uint64_t round_grid;
    /* Each CPU's translation buffer in bytes (0: CPU_TCG_BUFFER). */
    uint32_t tcg_buffer;
    /* The devices' options (devices/device.h; valid while the machine
     * exists; NULL: none given) and where their input comes from and their
     * output goes. */
    const struct device_config *devices;
    struct backend_provider backends;
    /* Where the debug print operation's bytes go besides debug_out (the
     * window's screen), or NULL. */
    const struct char_sink *debug_sink;
};

/* The default --quantum: long enough that switching engines costs little
 * (bench/), short enough that CPUs take turns often. */
#define MACHINE_QUANTUM 100000u

enum machine_state {
    MACHINE_RUNNING,
    MACHINE_HALTED,      /* the guest called space_halt */
    MACHINE_STOPPED,     /* a trap with nowhere to go, or a broken invariant */
    MACHINE_LIMIT,       /* --max-insns reached */
    MACHINE_INTERRUPTED, /* stopped from outside (SIGINT) */
};

/* MEMORY_FAULTs the machine raised (each also counts in traps[14]): by
 * kind (exactly one of unmapped, protection, device) and by access (exactly
 * one of read, write, exec). */
struct machine_fault_stats {
    uint64_t unmapped;   /* the page is not mapped */
    uint64_t protection; /* mapped, but not for this access in this MODE */
    uint64_t device;     /* a device register touched other than by a 32-bit mov */
    uint64_t read, write, exec;
};

/* What the machine counts (sim/stats/stats.h collects it with the CPU's, the
 * MMU's and the bus's counters into one report). */
struct machine_stats {
    uint64_t traps[SPACE_TRAPS];  /* every trap raised, by its number (pcb.cause) */
    uint64_t ops[SPACE_OP_COUNT]; /* operations carried out, by number */
    uint64_t traversals;          /* portal traversals (PCBs pushed by traps) */
    struct machine_fault_stats faults;
};

/* A debugger watching the machine (ui/): told of every portal traversal and
 * Resume; it may ask machine_run_until to return (machine_pause). */
struct machine_observer {
    void *arg;
    void (*traversal)(void *arg, const struct space_pcb *saved, uint32_t to_ctx, uint32_t to_mode);
    void (*resumed)(void *arg, const struct space_pcb *restored);
};

/* What a timeline follows (sim/timeline/), beside the observer: every
 * change of a CPU's CONTEXT/MODE, every trap, the start of each wait,
 * device interrupts and DMA and IPIs. `cpu` is the CPU concerned
 * (machine_cpu gives its time). A probe only looks: it must not change the
 * machine. Any hook may be NULL. */
struct machine_trap_event {
    uint32_t cause;           /* the trap raised (counted in machine_stats.traps) */
    uint32_t trap;            /* the portal looked for (cause, PRIVILEGED or NO_PORTAL) */
    uint32_t pc, addr;        /* where; the PCB's addr (a fault's address, ...) */
    uint32_t ctx, mode;       /* what ran */
    uint32_t to_ctx, to_mode; /* the portal's, when `traversed` */
    bool traversed;           /* false: no portal, the machine stops */
};
struct machine_probe {
    void *arg;
    /* CPU cpu runs in ctx/mode from now on: a traversal, a Resume, or the
     * CPU started (space_cpu_start). */
    void (*space)(void *arg, unsigned cpu, uint32_t ctx, uint32_t mode);
    void (*trap)(void *arg, unsigned cpu, const struct machine_trap_event *t);
    /* CPU cpu executed space_wait: it idles until its next space() or,
     * woken with interrupts disabled, runs on in the same CONTEXT/MODE. */
    void (*wait)(void *arg, unsigned cpu);
    /* Bus device `dev` raised its interrupt line (at machine_clock). */
    void (*raise)(void *arg, unsigned dev);
    /* CPU cpu takes device dev's interrupt (its trap() follows). */
    void (*irq)(void *arg, unsigned cpu, unsigned dev);
    /* Device dev read (write false) or wrote guest memory by DMA. */
    void (*dma)(void *arg, unsigned dev, bool write, uint32_t paddr, uint32_t len);
    /* CPU from sent trap `trap` to CPU to; CPU cpu takes an IPI. */
    void (*ipi_sent)(void *arg, unsigned from, unsigned to, uint32_t trap);
    void (*ipi_taken)(void *arg, unsigned cpu, uint32_t trap);
};

enum machine_pause {
    PAUSE_NONE,
    PAUSE_BREAK,    /* before the instruction at a breakpoint (cpu_set_breakpoints) */
    PAUSE_WATCH,    /* before an instruction touching a watched range (cpu_set_watches) */
    PAUSE_OBSERVER, /* the observer asked */
    PAUSE_INPUT,    /* the guest waits for input a person has not given yet
                     * (a non-blocking source, sim/core/bus.c): call again
                     * when there is some */
};

/* Why machine_run_until last returned MACHINE_RUNNING before its deadline. */
struct machine_pause_info {
    enum machine_pause why;
    uint32_t addr;   /* PAUSE_WATCH: the address the instruction accesses */
    uint32_t access; /* PAUSE_WATCH: MMU_READ or MMU_WRITE */
    uint32_t watch;  /* PAUSE_WATCH: index in the cpu_set_watches array */
};

/* The machine itself is private to sim/core (machine_internal.h): front
 * ends drive it through the functions below. */
struct machine;

/* Creates a powered-on machine with empty memory: cfg->ncpus CPUs, CPU 0
 * about to boot, the others halted. Returns NULL with a message in err on
 * failure. */
struct machine *machine_create(const struct machine_config *cfg, char *err, unsigned errlen);
void machine_destroy(struct machine *m);

/* Loads a kernel ELF image, builds CONTEXT 0 and the boot-information block
 * and sets CPU 0 at its entry. Returns 0, or -1 with a message in err. */
int machine_boot(struct machine *m, const char *kernel_path, char *err, unsigned errlen);
/* The same with an image in memory (the built-in BasicOZ). */
int machine_boot_image(struct machine *m, const char *name, const uint8_t *image, size_t size,
                       char *err, unsigned errlen);

/* Runs until the machine halts, stops, hits its limit or is interrupted. */
enum machine_state machine_run(struct machine *m);

/* Runs until virtual time reaches `deadline` (returns MACHINE_RUNNING) or
 * the machine halts, stops, hits its --max-insns limit or is interrupted,
 * or (returning MACHINE_RUNNING, machine_pause_reason says why) reaches a
 * breakpoint or a watchpoint, its observer pauses it or it waits for a
 * person's input.
 * Stopping at any sequence of deadlines leaves the guest's execution
 * exactly as in one uninterrupted run. */
enum machine_state machine_run_until(struct machine *m, uint64_t deadline);

/* Asks machine_run to return soon (signal-safe): it stops as it reaches
 * the next instruction boundary, with MACHINE_INTERRUPTED. */
void machine_interrupt(struct machine *m);
/* A debugger goes on after an interruption. */
void machine_clear_interrupt(struct machine *m);

/* Ctrl-C has one owner in the whole program: the host hands every press
 * (platform_on_interrupt) to the machine named here, which machine_interrupt
 * stops at its next boundary. Whoever drives a machine names it while it
 * runs and NULL after: the session (so the GDB stub and the window see
 * machine_interrupted), a replay, sdb. A press while none is named is kept
 * for the next machine named, unless its driver says earlier presses do
 * not count (sdb: a press at its prompt only cancels the line). The first
 * call installs the host's handler. */
void machine_ctrl_c_target(struct machine *m, bool earlier_presses_count);

/* For an observer: machine_run_until returns (MACHINE_RUNNING) as soon as
 * the current trap or operation is complete. */
void machine_pause(struct machine *m);

/* SPACE_OP_WAIT: lets virtual time pass until an interrupt is pending
 * (events fire, devices may produce input). Stops the machine if nothing
 * could ever raise one. */
void machine_wait(struct machine *m);

/* Stops the machine with a diagnostic naming the trap, CONTEXT, MODE, pc
 * and the PCB chain (used for traps that have nowhere to go). */
void machine_stop(struct machine *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes the PCB chain as lines for a diagnostic. */
void machine_describe_chain(struct machine *m, FILE *out);

/* ---- What a driver or a view reads ---- */

/* Where the run stands, in the unit machine_run_until's deadlines,
 * alarms and --max-insns count: with one CPU its virtual time; with
 * several, the sum of the CPUs' virtual times, which grows by one for
 * each instruction (or instruction's worth of idling) of any CPU. */
uint64_t machine_now(const struct machine *m);
/* The machine clock the devices, SPACE_OP_TIME and the timers read: the
 * running CPU's virtual time (every CPU's at a round boundary). */
uint64_t machine_clock(const struct machine *m);
const struct machine_config *machine_config(const struct machine *m);
enum machine_state machine_state(const struct machine *m);
uint32_t machine_exit_code(const struct machine *m);      /* MACHINE_HALTED */
const char *machine_stop_reason(const struct machine *m); /* MACHINE_STOPPED */
bool machine_interrupted(const struct machine *m);        /* Ctrl-C seen */
struct machine_pause_info machine_pause_reason(const struct machine *m);
bool machine_interrupts_enabled(const struct machine *m); /* CPU 0's */
bool machine_waiting(const struct machine *m);   /* CPU 0: SPACE_OP_WAIT, no interrupt yet */
bool machine_recording(const struct machine *m); /* a debugger may not change the guest */
/* Summed over the CPUs. */
const struct machine_stats *machine_stats(struct machine *m);
/* When the next device event is due (machine_clock's unit; UINT64_MAX:
 * none): a driver of several machines tells waiting from stuck. */
uint64_t machine_next_event(const struct machine *m);
/* The metrics now (metrics.h): a copy in which every CPU that went into
 * user code and has retired an instruction there counts as having begun
 * running it. */
void machine_metrics(const struct machine *m, struct machine_metrics *out);
/* The name the kernel gave CONTEXT ctx (SPACE_OP_CTX_NAME), or "". */
const char *machine_context_name(const struct machine *m, uint32_t ctx);

/* Each CPU (i < machine_ncpus). */
unsigned machine_ncpus(const struct machine *m);
unsigned machine_running_cpu(const struct machine *m); /* the one running, or last run */
const struct pcb_chain *machine_cpu_chain(const struct machine *m, unsigned i);
bool machine_cpu_interrupts_enabled(const struct machine *m, unsigned i);
bool machine_cpu_waiting(const struct machine *m, unsigned i);  /* SPACE_OP_WAIT */
bool machine_cpu_halted(const struct machine *m, unsigned i);   /* not started yet */
uint32_t machine_cpu_ipis(const struct machine *m, unsigned i); /* pending: bit t - 32 */
const struct machine_stats *machine_cpu_stats(const struct machine *m, unsigned i);

/* The parts, for debuggers, views and statistics. */
struct cpu *machine_cpu(struct machine *m, unsigned i); /* NULL past the last CPU */
struct mmu *machine_mmu(struct machine *m);
struct physmem *machine_physmem(struct machine *m);
struct bus *machine_bus(struct machine *m);
/* The PCB state: current is the running CPU's chain (machine_cpu_chain
 * gives any CPU's); the suspended chains are the machine's. */
const struct pcb_state *machine_pcbs(const struct machine *m);
const struct portal_tables *machine_portals(const struct machine *m);

/* ---- Commands ---- */

/* A driver (the GDB stub, the window) ends the run where it stands;
 * machine_run_until then does nothing. */
void machine_end(struct machine *m, enum machine_state st);
/* A machine a driver let go of where it stood (still running, or ended by
 * machine_end) runs on to the first look at the next instruction boundary
 * and ends there as MACHINE_INTERRUPTED, where a replay can stop too;
 * breakpoints, watchpoints and the observer are dropped first. A machine
 * that ended by itself, or was interrupted there already, is left alone. */
void machine_end_at_boundary(struct machine *m);

/* Who writes guest memory from the host, and so how. */
enum machine_writer {
    /* An operation's result, as the CONTEXT's MODE 0 would write it: every
     * page must be writable in MODE 0 or nothing is written, and each page
     * written gets MAP_REF and MAP_DIRTY, as a guest's store would. */
    WRITE_AS_KERNEL,
    /* A person patching memory: whatever the permissions, up to the first
     * page that is not mapped RAM, and no bits change. A recorded machine
     * refuses (the recording could not hold what was written). */
    WRITE_AS_DEBUGGER,
};
/* Writes len bytes from buf at vaddr in CONTEXT ctx and tells the CPU
 * those frames changed (it may have translated code there). Returns the
 * bytes written: len, or fewer where a page refused (WRITE_AS_KERNEL: 0). */
uint32_t machine_write_virtual(struct machine *m, uint32_t ctx, uint32_t vaddr, const void *buf,
                               uint32_t len, enum machine_writer who);

/* The debugger watching the machine (NULL: none). */
void machine_set_observer(struct machine *m, const struct machine_observer *o);
/* The timeline following the machine (NULL: none). */
void machine_set_probe(struct machine *m, const struct machine_probe *p);
/* The machine is being recorded: debuggers must not change the guest
 * (the recording could not hold what they wrote). */
void machine_set_recording(struct machine *m, bool on);
/* fn(m, arg) runs when virtual time reaches `at`, at the top of the run
 * loop, before anything due at that time happens, however the machine is
 * driven; fn calls this again for its next time (at = UINT64_MAX or fn =
 * NULL: never). One alarm per arg (a recording's checkpoints and time
 * travel's snapshots each have theirs; up to 8 owners). */
void machine_set_alarm(struct machine *m, uint64_t at, void (*fn)(struct machine *, void *),
                       void *arg);
/* Where SPACE_OP_DEBUG_PUTC writes (NULL: nowhere; stdout at first). */
void machine_set_debug_out(struct machine *m, FILE *out);

#endif
