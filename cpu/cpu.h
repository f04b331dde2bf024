/* cpu: one SPACE CPU - a Unicorn x86-32 engine, its virtual clock, and the
 * capture of everything that interrupts sequential execution.
 *
 * The guest runs at x86 privilege level 3 so that Unicorn itself refuses
 * every x86 system instruction (they arrive here as #GP); the SPACE MODE is
 * ours, enforced by the TLB fill hook through the mmu (which also sets the
 * mappings' reference and dirty bits there: every access Unicorn's TLB
 * does not already cover reaches the hook). Virtual time is
 * guest instructions retired, counted per translated block and corrected
 * exactly when a block is cut short by a trap. cpu_run stops at an exact
 * virtual time by single-stepping (EFLAGS.TF, one instruction per
 * translated block) across the last partial block, so a run stopped at any
 * points is indistinguishable from one that was not stopped.
 *
 * The cpu never decides what a trap means: it reports it to the simulator
 * (sim/), which routes it through the portals. */
#ifndef SPACE_CPU_H
#define SPACE_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmu/mmu.h"

struct cpu_regs {
    uint32_t eax, ebx, ecx, edx, esi, edi, ebp, esp, eip, eflags;
};

enum cpu_stop_kind {
    CPU_STOP_DEADLINE, /* virtual time reached the deadline */
    CPU_STOP_TRAP,     /* x86 exception or int n (vector in .vector) */
    CPU_STOP_FAULT,    /* memory fault: .addr, .access, .protection */
    CPU_STOP_REQUEST,  /* cpu_request_stop was called */
    CPU_STOP_BREAK,    /* before the instruction at a breakpoint */
    CPU_STOP_WATCH,    /* before an instruction accessing a watched range: .addr, .access, .watch */
    CPU_STOP_ERROR,    /* the engine failed: .message */
    CPU_STOP_HANDLED,  /* the trap handler took a trap inside the run and asked
                        * for the run to end there (nothing left to do) */
};

struct cpu_stop {
    enum cpu_stop_kind kind;
    uint32_t vector; /* CPU_STOP_TRAP: x86 vector (int n: n) */
    bool deliberate; /* CPU_STOP_TRAP: raised by int n, int3 or into (eip is past it) */
    uint32_t addr;   /* CPU_STOP_FAULT: faulting virtual address */
    unsigned access; /* CPU_STOP_FAULT: MMU_READ, MMU_WRITE or MMU_EXEC */
    bool protection; /* CPU_STOP_FAULT: the page is mapped, the MODE may not */
    bool device;     /* CPU_STOP_FAULT: a permitted access to a device register page
                      * at physical .paddr: emulate it with cpu_mmio_* */
    uint32_t paddr;
    unsigned watch;    /* CPU_STOP_WATCH: index in the cpu_set_watches array */
    char message[160]; /* CPU_STOP_ERROR */
};

struct cpu_stats {
    uint64_t blocks_learned;     /* translated blocks seen for the first time (code cache misses) */
    uint64_t code_invalidations; /* times guest code may have changed */
    uint64_t tlb_fills;          /* Unicorn TLB fills served */
    uint64_t uc_flushes;         /* Unicorn TLB flushes (CONTEXT/MODE switch, remap) */
    uint64_t steps;              /* instructions executed one at a time */
    uint64_t tb_flushes;         /* all of Unicorn's translations dropped */
    uint64_t stale_page_drops;   /* a written code page's translations dropped before it ran */
    /* Instructions retired, accounted whenever CONTEXT or MODE changes (and
     * by cpu_stats): sum(insns_by_mode) == sum(insns_by_space) == time - idle. */
    uint64_t insns_by_mode[MMU_MODES];
    uint64_t insns_by_space[MMU_CONTEXTS][MMU_MODES]; /* by (CONTEXT, MODE) */
    uint64_t idle; /* instructions' worth of time spent waiting */
    uint64_t mmio; /* device register accesses */
};

struct cpu;

/* Unicorn's translation buffer (1 GiB by default) becomes resident at the
 * first flush; each CPU has its own engine, so it is bounded: by default
 * to this, smaller for the many machines of a multicomputer. */
#define CPU_TCG_BUFFER (32u << 20)

/* Creates the engine on the machine's physical memory, with a translation
 * buffer of tcg_bytes (0: CPU_TCG_BUFFER), drops it to x86 privilege level
 * 3 and leaves it in CONTEXT 0, MODE 0. Returns NULL and a message in err
 * on failure. */
struct cpu *cpu_create(struct mmu *mmu, struct physmem *pm, uint32_t tcg_bytes, char *err,
                       unsigned errlen);
/* Another CPU on first's MMU and physical memory, with its own engine (a
 * switch between CPUs costs no retranslation). The CPUs share what they
 * know of which pages hold translated code: a store to code by any of
 * them, or cpu_host_wrote on any of them, drops every CPU's translations
 * of it before that CPU next runs. */
struct cpu *cpu_create_sibling(struct cpu *first, char *err, unsigned errlen);
void cpu_destroy(struct cpu *c);

uint64_t cpu_time(const struct cpu *c);
/* Virtual time without the time spent idle (cpu_idle_until): the
 * instructions retired. */
uint64_t cpu_busy_time(const struct cpu *c);
uint32_t cpu_context(const struct cpu *c);
uint32_t cpu_mode(const struct cpu *c);
const struct cpu_stats *cpu_stats(struct cpu *c);

/* Switches CONTEXT and MODE (flushing Unicorn's TLB if either changed). */
void cpu_set_space(struct cpu *c, uint32_t ctx, uint32_t mode);
/* Drops cached translations after a mapping of `ctx` that had
 * old_modeaccess changed or went away. */
void cpu_mapping_changed(struct cpu *c, uint32_t ctx, uint32_t old_modeaccess);

/* Reference or dirty bits of a mapping of `ctx` were cleared: the next
 * access must reach the MMU again. */
void cpu_access_bits_cleared(struct cpu *c, uint32_t ctx);

/* The simulator itself (DMA, operations) wrote physical memory. */
void cpu_host_wrote(struct cpu *c, uint32_t paddr, uint32_t len);
/* Write tracking (physmem_track_writes) has cleared its bits: the next
 * store to each page must be seen again. Between runs only. */
void cpu_forget_writes(struct cpu *c);

/* The CPU's whole state between two runs, for machine snapshots: every
 * register Unicorn has (FPU, SSE and the hidden segment state included),
 * virtual and idle time, CONTEXT, MODE, the engine's stepping state and
 * the statistics. Not in it: breakpoints, watchpoints and a pending
 * resume past one (the driver's), and translations (cpu_restore drops
 * them all). NULL if the host has no memory. */
struct cpu_saved;
struct cpu_saved *cpu_save(struct cpu *c);
/* Puts back what cpu_save took; translated code and Unicorn's TLB go (RAM
 * may have changed under them). Between runs only. */
void cpu_restore(struct cpu *c, const struct cpu_saved *s);
size_t cpu_saved_bytes(const struct cpu_saved *s);
void cpu_saved_free(struct cpu_saved *s);

/* Registers as the guest sees them (never including the CPU's own
 * single-step flag). */
void cpu_get_regs(struct cpu *c, struct cpu_regs *r);
void cpu_set_regs(struct cpu *c, const struct cpu_regs *r);
/* cpu_set_regs(after) for a caller that read `before` with cpu_get_regs
 * and let nothing run since: only the registers that differ are written
 * (an operation's results). */
void cpu_update_regs(struct cpu *c, const struct cpu_regs *before, const struct cpu_regs *after);

/* Runs until virtual time equals deadline or something stops it. On return
 * the registers hold the state after the last retired instruction: for a
 * fault or an exception eip is the faulting instruction, for int n, int3,
 * into and single-step traps the next one. */
void cpu_run(struct cpu *c, uint64_t deadline, struct cpu_stop *stop);

/* A deliberate trap (int n, n >= 32) taken inside cpu_run, without
 * leaving the engine: the handler runs as if cpu_run had stopped with
 * CPU_STOP_TRAP (.deliberate) at that instruction, and may use every cpu_
 * function a stopped run allows (registers, CONTEXT and MODE, mappings,
 * host writes; what must wait for the engine to stop - dropping
 * translations - ends the run after the handler, CPU_STOP_HANDLED). It is
 * offered only running free, in whole blocks, with flat data segments.
 * NOT_HANDLED: the handler changed nothing, the run stops as it would
 * have. GO_ON: the run goes on to its deadline. STOP: it ends with
 * CPU_STOP_HANDLED. */
enum cpu_trap_outcome { CPU_TRAP_NOT_HANDLED, CPU_TRAP_GO_ON, CPU_TRAP_STOP };
typedef enum cpu_trap_outcome (*cpu_trap_fn)(void *arg, uint32_t vector);
void cpu_set_trap_handler(struct cpu *c, cpu_trap_fn fn, void *arg);

/* For the last CPU_STOP_TRAP, until the next cpu_run: the address of the
 * instruction that raised it (for a deliberate trap eip is already past
 * it; finding it costs a decoding of its block, so only when asked). */
uint32_t cpu_trap_insn_pc(struct cpu *c);

/* The device register access a CPU_STOP_FAULT with .device stopped at. */
struct cpu_mmio {
    uint32_t paddr; /* the register */
    bool write;
    uint32_t value;  /* for a write */
    int reg;         /* for a read: the destination (internal) */
    uint32_t length; /* of the instruction */
};

/* Decodes the instruction at the pc: device registers are accessed with
 * 32-bit mov loads and stores (register or immediate) of aligned
 * addresses. Returns false for anything else. */
bool cpu_mmio_decode(struct cpu *c, uint32_t paddr, struct cpu_mmio *io);
/* Retires it (virtual time advances by one, the pc moves past it); then,
 * for a read, cpu_mmio_result puts the value into its register. */
void cpu_mmio_retire(struct cpu *c, const struct cpu_mmio *io);
void cpu_mmio_result(struct cpu *c, const struct cpu_mmio *io, uint32_t value);

/* The CPU waits: virtual time jumps to `until` (counted as idle). */
void cpu_idle_until(struct cpu *c, uint64_t until);

/* Breakpoints: cpu_run stops (CPU_STOP_BREAK) before executing an
 * instruction at any of these virtual addresses, in any CONTEXT. They cost
 * nothing in blocks that hold none, and change nothing in the guest's
 * execution. Returns 0, or -1 if the host is out of memory. */
int cpu_set_breakpoints(struct cpu *c, const uint32_t *addrs, unsigned n);
/* The next cpu_run executes the breakpoint at the current pc (resuming). */
void cpu_skip_breakpoint_once(struct cpu *c);

/* Watchpoints: cpu_run stops (CPU_STOP_WATCH) before an instruction that
 * reads or writes [addr, addr+len) in CONTEXT ctx. Pages holding no
 * watched byte run at full speed; other accesses to a watched page are let
 * through one instruction at a time. */
struct cpu_watch {
    uint32_t ctx, addr, len;
    bool read, write;
};
int cpu_set_watches(struct cpu *c, const struct cpu_watch *w, unsigned n);
/* The next cpu_run executes the instruction a watchpoint stopped before. */
void cpu_skip_watch_once(struct cpu *c);

/* Asks a running cpu_run to return CPU_STOP_REQUEST soon (signal-safe). */
void cpu_request_stop(struct cpu *c);

/* Reads `len` bytes of code at vaddr as the current CONTEXT sees it
 * (ignoring permissions); returns the count actually readable. */
uint32_t cpu_read_code(struct cpu *c, uint32_t vaddr, uint8_t *buf, uint32_t len);

/* Disassembles one instruction from buf (the code at guest address addr)
 * into out ("mnemonic operands", Intel syntax, Capstone); returns its
 * length, or 0 if buf does not start with a whole valid instruction. */
unsigned cpu_disassemble(struct cpu *c, const uint8_t *buf, unsigned len, uint32_t addr, char *out,
                         unsigned outlen);

/* The engines linked in, for --version and bug reports: "Unicorn 2.1.1,
 * Capstone 4.0" (the versions of the libraries loaded, not of the headers). */
void cpu_engine_versions(char *out, unsigned outlen);

#endif
