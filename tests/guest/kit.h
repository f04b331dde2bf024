/* kit.h - shared scaffolding for the whole-machine test guests.
 *
 * A guest built with kit.c and kit_asm.S gets:
 *   - a frame allocator (fresh zeroed physical frames above the image,
 *     identity-mapped in CONTEXT 0 for MODE 0 so the kernel can fill them);
 *   - one generic trap handler (kit_trap_entry, CONTEXT 0 MODE 0, own
 *     stack) that records the top PCB in kit_pcb, counts it, and then lets
 *     the test's hook decide, or "recovers" a probe (see below);
 *   - kit_call(): run fn(arg) in any CONTEXT/MODE and get its result back
 *     (the callee ends with int $KIT_TRAP_EXIT, which the handler turns
 *     into a return from kit_call);
 *   - probes (kit_read32, kit_write32, kit_exec...) that report a fault
 *     instead of dying: the handler resumes them at a recovery point.
 *
 * All of this is ordinary guest code using only the SPACE operations.
 */
#ifndef KIT_H
#define KIT_H

#include "check.h"

#define KIT_TRAP_EXIT   0xf0u /* int $0xf0: end of a kit_call callee, result in EBX */
#define KIT_FAULTED     0xfa17fa17u
#define KIT_USER_STACKS 4
#define KIT_STACK_SIZE  8192
/* Instructions the portal entry stub executes up to and including its
 * time operation (kit_entry_time). */
#define KIT_ENTRY_TIME_INSNS 4

/* ---- set by the handler ---- */
extern struct space_pcb kit_pcb;     /* the top PCB at the last recorded trap */
extern volatile uint32_t kit_ntraps; /* traps recorded (not counting emulated ops) */
extern volatile uint32_t kit_nemulated;
/* at the portal entry of the last recorded trap: */
extern uint32_t kit_entry_regs[8]; /* eax ebx ecx edx esi edi ebp esp */
extern uint64_t kit_entry_time;    /* space_time() in the entry stub */

/* ---- recovery point for probes (set by the probes themselves) ---- */
extern volatile uint32_t kit_recover_pc, kit_recover_esp;

/* A hook returns KIT_RESUME (resume with kit_pcb as the hook left it, it is
 * written back), KIT_RECOVER (resume the probe at its recovery point) or
 * KIT_DEFAULT (what the handler would do without a hook). */
enum { KIT_DEFAULT, KIT_RESUME, KIT_RECOVER };
typedef int (*kit_hook_fn)(struct space_pcb *p);
extern kit_hook_fn kit_hook;
/* When set (the default), SPACE operations debug_putc and halt made outside
 * MODE 0 are emulated, so user code can use out_str and CHECK. */
extern int kit_emulate_ops;

extern char __image_start[], __image_end[];

void kit_init(const struct space_bootinfo *boot);
uint32_t kit_frame(void);                     /* zeroed, identity-mapped in ctx 0 */
void kit_portal(uint32_t ctx, uint32_t trap); /* -> kit_trap_entry, from all modes */
void kit_portals_std(uint32_t ctx);           /* every exception + NO_PORTAL + PRIVILEGED + exit */
void kit_map_image(uint32_t ctx, uint32_t modeaccess);
void kit_map_range(uint32_t ctx, uint32_t vaddr, uint32_t paddr, uint32_t bytes,
                   uint32_t modeaccess);
/* Runs fn(arg) in ctx/mode on stack top esp (0: kit stack 0 in the image,
 * which the ctx must map for the mode); returns fn's result. */
uint32_t kit_call(uint32_t ctx, uint32_t mode, uint32_t (*fn)(uint32_t), uint32_t arg,
                  uint32_t esp);
/* Starts a prepared PCB (pushes it and resumes); returns what the code
 * passed to int $KIT_TRAP_EXIT in EBX. */
uint32_t kit_start(const struct space_pcb *p);

/* From a trap handler: pops the top PCB and makes the running kit_start /
 * kit_call return `result`. */
__attribute__((noreturn)) void kit_finish(uint32_t result);

struct kit_jmp {
    uint32_t ebx, esi, edi, ebp, esp, eip;
};
__attribute__((returns_twice)) int kit_setjmp(struct kit_jmp *j);
__attribute__((noreturn)) void kit_longjmp(struct kit_jmp *j, int v);

/* ---- asm helpers (kit_asm.S) ---- */
void kit_trap_entry(void);
void kit_user_tramp(void);
extern char kit_user_tramp_ret[];   /* a return address that ends a kit_start */
uint32_t kit_read32(uint32_t addr); /* KIT_FAULTED on a fault */
uint32_t kit_read8(uint32_t addr);
uint32_t kit_write32(uint32_t addr, uint32_t v); /* 0, or KIT_FAULTED */
uint32_t kit_exec(uint32_t addr);                /* call addr; its EAX, or KIT_FAULTED */
uint32_t kit_rmw32(uint32_t addr);               /* addl $1,(addr); 0 or KIT_FAULTED */
extern char kit_read32_at[], kit_read8_at[], kit_write32_at[], kit_rmw32_at[], kit_exec_at[];
/* Issues a raw operation: EAX=op, EBX..EBP = a[0..5]; returns EAX. */
uint32_t kit_raw_op(uint32_t op, const uint32_t a[6]);

/* Fresh PCB for starting code: everything zero except what is given. */
static inline struct space_pcb kit_pcb_for(uint32_t ctx, uint32_t mode, uint32_t pc, uint32_t esp)
{
    struct space_pcb p;
    for (unsigned i = 0; i < sizeof p / 4; i++)
        ((uint32_t *)&p)[i] = 0;
    p.ctx = ctx;
    p.mode = mode;
    p.pc = pc;
    p.esp = esp;
    p.eflags = 2;
    return p;
}

/* User-side system call helper for code running outside MODE 0. */
static inline uint32_t kit_syscall(uint32_t nr, uint32_t a, uint32_t b)
{
    uint32_t r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b) : "memory");
    return r;
}

static inline uint32_t kit_stack_top(int i)
{
    extern uint8_t kit_ustack[KIT_USER_STACKS][KIT_STACK_SIZE];
    return (uint32_t)&kit_ustack[i][KIT_STACK_SIZE];
}

static inline void kit_out_pcb(const char *what, const struct space_pcb *p)
{
    out_str(what);
    out_str(": trap ");
    out_dec(p->trap);
    out_str(" cause ");
    out_dec(p->cause);
    out_str(" ctx ");
    out_dec(p->ctx);
    out_str(" mode ");
    out_dec(p->mode);
    out_str(" pc ");
    out_hex(p->pc);
    out_str(" access ");
    out_hex(p->access);
    out_str(" addr ");
    out_hex(p->addr);
    out_str("\n");
}

#endif
