/*
 * kernel.h - what the parts of BasicOZ share.
 *
 * BasicOZ is built only from SPACE primitives: a process is a CONTEXT (its
 * address space, filled by MapMemory) plus a suspended PCB chain (its CPU
 * state, a Suspend token); system calls, faults and interrupts reach the
 * kernel through portals; switching processes is Suspend + Unsuspend +
 * Resume. Nothing here is x86-specific beyond the user programs' code.
 *
 * The kernel itself runs in CONTEXT 0, MODE 0, only inside trap handlers:
 * every handler starts on its CPU's kernel stack and ends by resuming some
 * PCB chain (or by idling). Interrupts are off while the kernel runs, so a
 * CPU never races with itself; the CPUs race with each other, so what they
 * share is guarded by spinlocks (cpu.c): ptable_lock (every struct proc,
 * the ready queue, the idle CPUs, the network's state), console_lock (the console), mem_lock
 * (the frame allocator). Lock order: ptable_lock, then console_lock, then
 * mem_lock; never the other way round.
 */
#ifndef BASICOZ_KERNEL_H
#define BASICOZ_KERNEL_H

#include <space.h>
#include <stdarg.h>
#include <stddef.h>

/* ---- Memory layout ---- */
#define PHYS_WINDOW    0x80000000u /* all RAM, mapped for MODE 0 (RAM <= 1 GiB) */
#define DEVICE_WINDOW  0xc0000000u /* device register pages, one after another */
#define KSTACK_WINDOW  0xd0000000u /* CPU i's kernel stack: KSTACK_WINDOW + i * KSTACK_STRIDE */
#define KSTACK_SIZE    16384u      /* (entry.S has these two numbers too) */
#define KSTACK_STRIDE  32768u      /* a stack, then an unmapped gap that catches overflows */
#define USER_MODE      3
#define USER_BASE      0x00400000u /* where programs are linked */
#define USER_STACK_TOP 0x7fff0000u
#define USER_STACK_MAX (1u << 20)  /* the stack may grow to 1 MiB */
#define USER_HEAP_MAX  (64u << 20) /* and the heap to 64 MiB */

#define NPROC        32     /* CONTEXT of process slot i is i + 1 */
#define NCPU         32     /* the most CPUs a SPACE machine has */
#define QUANTUM      20000u /* instructions between timer interrupts */
#define TRAP_SYSCALL 0x80

/* ---- cpu.c: the CPUs, spinlocks, inter-processor interrupts ---- */
struct spinlock {
    volatile uint32_t locked; /* 1 while held: taken with xchg */
    struct cpu *cpu;          /* the holder, for the deadlock check */
    const char *name;
};
void acquire(struct spinlock *l); /* spins until it has the lock */
void release(struct spinlock *l);
int holding(const struct spinlock *l); /* does this CPU hold it? */

struct cpu {
    uint32_t id;
    struct proc *proc;        /* the process it runs (whose trap it handles), or NULL */
    volatile uint32_t *timer; /* its timer (unit id): it interrupts this CPU only */
    uint32_t timer_trap;
};
extern struct cpu cpus[NCPU];
extern uint32_t ncpus;
#define current (mycpu()->proc)

/* The CPU running this code: each CPU's handlers run on its own kernel
 * stack, so the stack pointer says which one (no SPACE operation needed).
 * kmain runs on the boot stack, on CPU 0. */
static inline struct cpu *mycpu(void)
{
    uint32_t sp = (uint32_t)__builtin_frame_address(0) - KSTACK_WINDOW;
    return sp < NCPU * KSTACK_STRIDE ? &cpus[sp / KSTACK_STRIDE] : &cpus[0];
}
void cpus_init(const struct space_bootinfo *boot);
void cpus_start(void);
void cpu_kick(uint32_t cpu);

/* ---- klib.c: printing and strings for the kernel ---- */
extern struct spinlock console_lock;
void kputc(char c);                         /* caller holds console_lock */
void kprintf(const char *fmt, ...);         /* takes console_lock: one call, unbroken */
void kvprintf(const char *fmt, va_list ap); /* caller holds console_lock */
__attribute__((noreturn)) void panic(const char *fmt, ...);
int kstrcmp(const char *a, const char *b);
void kstrlcpy(char *dst, const char *src, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
size_t strlen(const char *s);

/* ---- mem.c: physical page frames (mem_lock inside) ---- */
void mem_init(const struct space_bootinfo *boot);
uint32_t frame_alloc(void); /* a zeroed frame's physical address, or 0 */
void frame_free(uint32_t paddr);
uint32_t frames_free(void);
volatile uint32_t *device_map(const struct space_bootinfo *boot, uint32_t type, uint32_t unit,
                              uint32_t *trap);
static inline void *phys(uint32_t paddr)
{
    return (void *)(PHYS_WINDOW + paddr);
}

/* ---- console.c, timer.c: drivers ---- */
void console_init(const struct space_bootinfo *boot);
void console_putc(char c); /* caller holds console_lock */
void console_interrupt(void);
void console_want_input(int on);
int console_read(char *dst, int len); /* -1: nothing yet (block) */
uint32_t console_trap(void);
void timer_init(const struct space_bootinfo *boot, struct cpu *c);

/* ---- proc.c: processes ---- */
enum proc_state { P_FREE, P_NEW, P_READY, P_RUNNING, P_BLOCKED, P_ZOMBIE };
enum wait_reason { W_NONE, W_READ, W_CHILD, W_SLEEP, W_NETRECV, W_NETSEND };

struct proc {
    enum proc_state state;
    int pid, ppid;
    uint32_t ctx; /* its CONTEXT */
    int token;    /* its suspended PCB chain while it is not running; 0 while it runs */
    char name[16];
    uint32_t image_end; /* end of the program image = start of the heap */
    uint32_t brk;       /* end of the heap */
    /* What it waits for (state P_BLOCKED). */
    enum wait_reason wait;
    uint32_t wait_buf, wait_len;  /* W_READ: user buffer; W_CHILD: pid, status pointer */
    uint64_t wake_time;           /* W_SLEEP; W_NETRECV: when it times out */
    uint32_t net_peer, net_dport; /* W_NETSEND: the destination (wait_buf, wait_len: the data) */
    uint32_t net_port;            /* the port it opened (net.c), or 0 */
    /* A system call result to give it when it next runs. */
    int has_result;
    uint32_t result;
    int exit_status;
    uint64_t insns;      /* its CPU time when it last stopped running (account()) */
    uint64_t dispatched; /* the machine time when it last started running */
    uint64_t readied;    /* ... and when it last became ready (the ready_wait metric) */
    int cpu;             /* the CPU it runs on or last ran on; -1 before it first runs */
    struct proc *next;   /* ready queue */
};

/* Every field of every proc, the ready queue and the idle CPUs are
 * ptable_lock's, with one exception: a P_RUNNING process's own CPU may
 * read its fields and change its memory without the lock (no other CPU
 * touches a running process). */
extern struct spinlock ptable_lock;
extern struct proc procs[NPROC];

struct proc *proc_by_ctx(uint32_t ctx);
struct proc *proc_by_pid(int pid);
int proc_spawn(const char *name, int argc, char *const argv[], int ppid);
void proc_exit(struct proc *p, int status); /* returns holding ptable_lock */
void proc_free_range(struct proc *p, uint32_t from, uint32_t to);
void proc_kill(struct proc *p, const char *why, ...);                          /* as proc_exit */
int proc_reap(struct proc *parent, int pid, uint32_t status_addr, int *found); /* ptable_lock */
uint32_t user_page(struct proc *p, uint32_t vaddr, int write);                 /* paddr or 0 */
int user_may_grow(struct proc *p, uint32_t vaddr);
int copy_to_user(struct proc *p, uint32_t dst, const void *src, uint32_t n);
int copy_from_user(struct proc *p, void *dst, uint32_t src, uint32_t n);
int copy_str_from_user(struct proc *p, char *dst, uint32_t src, uint32_t max);

/* ---- sched.c: who runs ----
 * Everything here runs with ptable_lock held; schedule() (and so block())
 * releases it on its way out of the kernel. */
void sched_ready(struct proc *p);
__attribute__((noreturn)) void schedule(void);
__attribute__((noreturn)) void idle(void);
__attribute__((noreturn)) void block(enum wait_reason why);
void wake(struct proc *p, uint32_t result);
void yield_cpu(uint32_t result);
void preempt(void);
void sched_tick(void);
int sched_anyone_ready(void); /* (without the lock: a hint) */
uint64_t now(void);
uint64_t proc_time(const struct proc *p);
void account(struct proc *p);

/* ---- net.c: the network driver and datagrams between ports ----
 * Everything here but net_init runs with ptable_lock held. */
#define NET_PORTS     64u                  /* ports 1..63 */
#define NET_ECHO_PORT 7u                   /* the kernel answers it: ping's other end */
#define NET_EPHEMERAL 32u                  /* net_open(0) picks a free port from here */
#define NET_DATA_MAX  (SPACE_NET_MTU - 4u) /* a datagram's data (the frame has a header) */
#define NET_FOREVER   0xffffffffu          /* net_recv's timeout: none */
#define NET_TIMEOUT   ((uint32_t)-2)       /* net_recv's result when the timeout passed */
#define NET_BUSY      ((uint32_t)-3)       /* (inside net.c: the transmit ring is full) */
struct net_msg_header {                    /* what net_recv writes before the data */
    uint32_t from, port, len;              /* source node, source port, data bytes */
};
struct net_counts { /* the kernel's own counters */
    uint32_t sent, received, dropped, timeouts, echoes;
};
struct net_stats { /* as user programs see it (basicoz/user/ulib.h) */
    uint32_t present, address, nodes;
    uint32_t tx_frames, rx_frames, rx_drops, tx_errors; /* the device's */
    struct net_counts kernel;
};
void net_init(const struct space_bootinfo *boot);
int net_present(void);
uint32_t net_trap(void);
uint32_t net_address(void);
uint32_t net_nodes(void);
void net_interrupt(void);
uint32_t net_open(struct proc *p, uint32_t port);
uint32_t net_send(struct proc *p, uint32_t peer, uint32_t port, uint32_t buf, uint32_t len);
uint32_t net_recv(struct proc *p, uint32_t msg, uint32_t timeout);
uint32_t net_timed_out(void);
void net_close(struct proc *p);
void net_stats(struct net_stats *s);

/* ---- trap.c, syscall.c ---- */
void trap_init_context(uint32_t ctx);
uint32_t syscall(struct proc *p, struct space_pcb *pcb);

/* ---- programs.S (generated): the user programs built into the kernel ---- */
struct program {
    const char *name;
    const unsigned char *image; /* an ELF file */
    const unsigned char *end;
};
extern const struct program programs[];
const struct program *program_find(const char *name);

#endif
