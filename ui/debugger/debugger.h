/* debugger: the execution control every front end shares - sdb, the
 * command-line debugger (ui/sdb), the GDB remote stub (ui/gdb) and the
 * window (ui/gui, ui/screen). It stops a machine exactly: at a breakpoint
 * (address, optionally in one CONTEXT), on a trap number, on any portal
 * traversal, on a change of CONTEXT or MODE, at a virtual time, on a
 * memory watchpoint, after N instructions, after stepping over a call, or
 * at a chosen instruction (run to cursor) - and stopping never changes what the guest does: virtual
 * time and interrupt points stay those of an undisturbed run. It also has
 * the views every front end shows the same way (disassembly with the
 * debugger's fallback for bad bytes, device registers read without side
 * effects, access bits); register names come from each device's
 * descriptor (devices/device.h), operation names from ops_name
 * (sim/core/ops.h).
 *
 * Several CPUs: breakpoints, watchpoints and catchpoints stop whichever
 * CPU reaches them (the stop names it: dbg_stop.cpu); a step counts
 * instructions of the machine (machine_now), so it runs whichever CPU's
 * turn it is. The views show one CPU, the selected one (dbg_select_cpu;
 * CPU 0 at first); the temporary stop waits for the CPU selected when it
 * was armed.
 *
 * Time travel (reverse.c, on sim/replay/travel.h when the session keeps
 * snapshots): going to a virtual time, stepping back, and continuing back
 * to the last stop the forward commands would have made - a reverse stop
 * is exactly the state a forward run stopping there shows, except at a
 * watchpoint, where it stands before the accessing instruction (the pc is
 * the writer's: "who wrote this?"). */
#ifndef SPACE_DEBUGGER_H
#define SPACE_DEBUGGER_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/machine.h"

#define DBG_MAX_BREAKS  64
#define DBG_MAX_WATCHES 16
#define DBG_ANY_CONTEXT (-1)

enum dbg_stop_kind {
    DBG_STEPPED,     /* the requested instructions ran */
    DBG_BREAKPOINT,  /* before the instruction at a breakpoint */
    DBG_WATCHPOINT,  /* an instruction accessed a watched range (after it ran) */
    DBG_TRAP,        /* a caught trap traversed its portal (stopped at the handler) */
    DBG_PORTAL,      /* a portal traversal (stopped at the handler) */
    DBG_SPACE,       /* CONTEXT or MODE changed */
    DBG_TIME,        /* virtual time reached the requested value */
    DBG_TEMP,        /* the temporary stop was reached (step over, run to cursor) */
    DBG_ENDED,       /* the machine halted, stopped or hit its limit */
    DBG_INTERRUPTED, /* Ctrl-C */
    DBG_HISTORY,     /* going back reached the oldest time kept (the start) */
};

struct dbg_stop {
    enum dbg_stop_kind kind;
    int id;         /* breakpoint or watchpoint number */
    uint32_t trap;  /* DBG_TRAP, DBG_PORTAL: the trap taken */
    uint32_t addr;  /* DBG_WATCHPOINT: the address accessed */
    bool write;     /* DBG_WATCHPOINT: a write */
    unsigned cpu;   /* the CPU that stopped, or ran last (if that one is
                     * halted, idling its turn: the selected CPU) */
    char text[160]; /* one line describing it */
};

struct dbg_break {
    bool used;
    uint32_t addr;
    int ctx; /* DBG_ANY_CONTEXT or one CONTEXT */
};

struct dbg_watch {
    bool used;
    uint32_t addr, len;
    bool on_read, on_write;
    int ctx;
};

/* A temporary stop (dbg_temp_break): before the instruction at addr in
 * CONTEXT ctx, once esp >= min_esp (for a call stepped over: when the
 * stack is back where it was, not in a recursive call). */
struct dbg_temp {
    bool armed;
    uint32_t addr, ctx, min_esp;
    unsigned cpu; /* only this CPU reaches it */
};

struct debugger {
    struct machine *m;
    struct cpu *cpu;  /* the selected CPU: the one the views show */
    unsigned cpu_idx; /* its number */
    struct dbg_break brk[DBG_MAX_BREAKS];
    struct dbg_watch watch[DBG_MAX_WATCHES];
    bool catch_trap[SPACE_TRAPS];
    bool catch_portal, catch_space;
    uint64_t stop_time; /* UINT64_MAX: none */
    struct dbg_temp temp;
    /* what the observer saw during the current run */
    bool hit;
    struct dbg_stop seen;
    uint32_t space_before_ctx[SPACE_MAX_CPUS], space_before_mode[SPACE_MAX_CPUS];
    int watch_index[DBG_MAX_WATCHES]; /* cpu watch -> our slot */
    /* time travel (NULL: none) */
    struct travel *travel;
    unsigned held;     /* dbg_hold depth */
    bool watch_before; /* stop before a watched access, not after it */
    /* A front end's second look at a breakpoint stop found going back
     * (NULL: every one counts): false, and the scan goes on past it (sdb:
     * a breakpoint on another program's symbol at the same address). */
    bool (*accept)(void *arg, const struct dbg_stop *stop);
    void *accept_arg;
};

/* Attaches to a machine (installs itself as the machine's observer). */
void dbg_init(struct debugger *d, struct machine *m);
void dbg_free(struct debugger *d);

/* Selects the CPU the views show and dbg_set_regs, dbg_over_arm act on;
 * false (nothing changes) past the last CPU. */
bool dbg_select_cpu(struct debugger *d, unsigned i);

/* Breakpoints: return the number (>= 1) or -1. */
int dbg_break_add(struct debugger *d, uint32_t addr, int ctx);
bool dbg_break_remove(struct debugger *d, int id);
/* Watchpoints on [addr, addr+len) in a CONTEXT (reads and/or writes). */
int dbg_watch_add(struct debugger *d, uint32_t addr, uint32_t len, bool on_read, bool on_write,
                  int ctx);
bool dbg_watch_remove(struct debugger *d, int id);

/* The breakpoint (its number) that stops before addr in CONTEXT ctx, or 0. */
int dbg_break_at(struct debugger *d, uint32_t addr, uint32_t ctx);

/* Runs exactly n instructions (fewer if something stops it first). */
void dbg_step(struct debugger *d, uint64_t n, struct dbg_stop *stop);
/* Runs until something stops it. */
void dbg_continue(struct debugger *d, struct dbg_stop *stop);
/* Runs until virtual time `until` (then DBG_STEPPED; also when the machine
 * pauses for a person's input: PAUSE_INPUT) or something stops
 * it: a continue cut into slices by a front end that must stay responsive
 * (the window). `resume` is true for the first slice after a stop - a
 * breakpoint at the pc does not stop it again, as for dbg_continue - and
 * false for the slices that follow, so that a breakpoint right where a
 * slice ended stops the machine, as in one long run. */
void dbg_run_slice(struct debugger *d, uint64_t until, bool resume, struct dbg_stop *stop);

/* Goes to virtual time `time` on the machine clock (machine_clock: a CPU's
 * time, as timelines show it; dbg_goto takes machine_now's). Forward, it
 * runs there (a breakpoint, a wait for input or the machine's end may stop
 * it first: *stop says). Backward, time travel (reverse.c) goes to
 * machine_now `time`, where the clock is at most `time`, and it runs on
 * from there; without time travel, -1 with a one-line reason in err. */
int dbg_goto_clock(struct debugger *d, uint64_t time, struct dbg_stop *stop, char *err,
                   unsigned errlen);

/* Arms the temporary stop: the next runs stop (DBG_TEMP) before the
 * instruction at addr in CONTEXT ctx, once esp >= min_esp (0: always).
 * Any stop other than the end of a slice or of a step disarms it. */
void dbg_temp_break(struct debugger *d, uint32_t addr, uint32_t ctx, uint32_t min_esp);
void dbg_temp_clear(struct debugger *d);
/* Step over: if the instruction at the pc is a call or an int n, arms the
 * temporary stop at the instruction after it, in this CONTEXT, with the
 * stack back at its present depth, and returns true - run on (dbg_continue,
 * dbg_run_slice) to get there. Returns false for any other instruction
 * (one dbg_step is its step over). */
bool dbg_over_arm(struct debugger *d);
/* Both: steps over the instruction at the pc (until something stops it). */
void dbg_step_over(struct debugger *d, struct dbg_stop *stop);

/* Reads guest memory by virtual address in a CONTEXT (ignoring MODE
 * permissions) or by physical address; returns the bytes readable. */
uint32_t dbg_read_virtual(struct debugger *d, uint32_t ctx, uint32_t vaddr, void *buf,
                          uint32_t len);
uint32_t dbg_read_physical(struct debugger *d, uint32_t paddr, void *buf, uint32_t len);
/* Writes guest memory by virtual address in a CONTEXT, ignoring MODE
 * permissions (machine_write_virtual, WRITE_AS_DEBUGGER); returns the bytes
 * written. While the machine is recorded (machine_recording) a debugger may
 * not change the guest: the change would not be in the trace. Then nothing
 * is written. */
uint32_t dbg_write_virtual(struct debugger *d, uint32_t ctx, uint32_t vaddr, const void *buf,
                           uint32_t len);
/* Sets the selected CPU's registers; false while the machine is recorded. */
bool dbg_set_regs(struct debugger *d, const struct cpu_regs *r);

/* Breakpoints, watchpoints and the observer off (on = true) and back on:
 * nested calls count. */
void dbg_hold(struct debugger *d, bool on);

/* ---- Time travel (reverse.c) ---- */

struct travel;
/* Uses t for the reverse commands (NULL: none; they then fail). */
void dbg_set_travel(struct debugger *d, struct travel *t);
/* Each puts the machine back (or forward, goto) and says where it stands
 * in *stop (its text names the virtual time); 0, or -1 with a reason in
 * err (no time travel, before the oldest time kept...). */
/* Goes to virtual time `time`, past or future (the future by running on,
 * nothing stopping it): DBG_TIME, or DBG_ENDED if the machine ended first. */
int dbg_goto(struct debugger *d, uint64_t time, struct dbg_stop *stop, char *err, unsigned errlen);
/* Back n instructions of the machine (as dbg_step counts them). */
int dbg_reverse_step(struct debugger *d, uint64_t n, struct dbg_stop *stop, char *err,
                     unsigned errlen);
/* Back to the last breakpoint, watchpoint or catchpoint stop before now,
 * or (DBG_HISTORY) to the start. */
int dbg_reverse_continue(struct debugger *d, struct dbg_stop *stop, char *err, unsigned errlen);
/* Back over the previous instruction of the selected CPU's frame: if it
 * returned here from a call or int n, back to that instruction (the
 * reverse of dbg_step_over). */
int dbg_reverse_next(struct debugger *d, struct dbg_stop *stop, char *err, unsigned errlen);
/* Back to the call that entered the current function (its return address
 * is the first one found on the stack). */
int dbg_reverse_finish(struct debugger *d, struct dbg_stop *stop, char *err, unsigned errlen);

/* ---- Views the front ends share ---- */

/* Disassembles the instruction at vaddr in CONTEXT ctx into text
 * ("mnemonic operands"; "(bad) .byte 0xNN" for bytes that are none).
 * Returns its length, or 0 if the address is not mapped. */
unsigned dbg_disassemble(struct debugger *d, uint32_t ctx, uint32_t vaddr, char *text,
                         unsigned len);
/* A device register's value without the side effects of reading it. */
uint32_t dbg_device_peek(struct device *dev, uint32_t off);
/* "M0 rwx  M1 r--  ..." for a mapping's or portal's access bits. */
void dbg_access_text(uint32_t modeaccess, char *buf, unsigned len);

#endif
