/*
 * space.h - the guest's whole view of the SPACE hardware.
 *
 * A kernel running on the SPACE simulator includes this header and nothing
 * else from the simulator. It defines the SPACE operations as C functions,
 * the trap numbers, the PCB and boot-information layouts, and the access
 * bits used by MapMemory and MapPortal. docs/space-architecture.md is the
 * manual that explains every item here.
 *
 * The layouts below are an ABI shared with the simulator (which includes
 * this file with SPACE_HOST defined: the device models take their register
 * offsets and bits from here), so every field is a fixed-width 32-bit word.
 */
#ifndef SPACE_H
#define SPACE_H

#ifdef __cplusplus
extern "C" {
#endif

#include <stdint.h>

/* ---- Machine constants ------------------------------------------------ */

#define SPACE_PAGE_SIZE     4096u
#define SPACE_PAGE_SHIFT    12
#define SPACE_MODES         4    /* MODE 0 (most privileged) .. MODE 3 */
#define SPACE_CONTEXTS      256  /* CONTEXT 0 .. 255 */
#define SPACE_TRAPS         256  /* trap numbers 0 .. 255 */
#define SPACE_CHAIN_MAX     64   /* PCBs on one chain before the machine stops */
#define SPACE_SUSPENDED_MAX 4096 /* chains that can be suspended at once */
#define SPACE_MAX_CPUS      32   /* space run --cpus N: 1..32 */

/* A 64 KiB page: 16 frames mapped as one (MapMemory with SPACE_MAP_64K). */
#define SPACE_PAGE64_SIZE 65536u

/* ---- Access bits --------------------------------------------------------
 * A modeaccess word holds three bits (read, write, execute) for each of the
 * four modes: bits 0-2 for MODE 0, 3-5 for MODE 1, 6-8 for MODE 2, 9-11 for
 * MODE 3. SPACE_ACCESS(2, SPACE_R | SPACE_W) lets MODE 2 read and write.
 * A modeaccess of 0 unmaps the page.
 */
#define SPACE_R                  1u
#define SPACE_W                  2u
#define SPACE_X                  4u
#define SPACE_RW                 (SPACE_R | SPACE_W)
#define SPACE_RX                 (SPACE_R | SPACE_X)
#define SPACE_RWX                (SPACE_R | SPACE_W | SPACE_X)
#define SPACE_ACCESS(mode, bits) (((uint32_t)(bits)&7u) << (3u * (uint32_t)(mode)))
#define SPACE_ACCESS_BITS(modeaccess, mode)                                                        \
    (((uint32_t)(modeaccess) >> (3u * (uint32_t)(mode))) & 7u)
#define SPACE_ACCESS_MASK 0xfffu
/* OR'd into MapMemory's modeaccess: the mapping is one 64 KiB page (vaddr
 * and paddr 64 KiB-aligned, 16 frames of RAM) with one TLB entry and one
 * set of reference/dirty bits; with no access bits it unmaps one. MAPPING
 * returns it in the modeaccess of any address inside such a page. */
#define SPACE_MAP_64K 0x1000u
/* For MapPortal: the modes from which a deliberate trap (int n) may traverse. */
#define SPACE_PORTAL_FROM(mode) SPACE_ACCESS(mode, SPACE_X)
#define SPACE_PORTAL_FROM_ALL                                                                      \
    (SPACE_PORTAL_FROM(0) | SPACE_PORTAL_FROM(1) | SPACE_PORTAL_FROM(2) | SPACE_PORTAL_FROM(3))

/* Reference and dirty bits of a mapping (SPACE_OP_REFDIRTY, SPACE_OP_MAPPING):
 * set by the hardware when an access goes through the mapping. */
#define SPACE_REF   1u /* fetched from, read or written since last cleared */
#define SPACE_DIRTY 2u /* written since last cleared */

/* ---- Trap numbers ---------------------------------------------------------
 * x86 exceptions keep their vector numbers. Vectors 32..63 are reserved for
 * device and inter-CPU interrupts. Deliberate traps (int n) use 64..254.
 * Vector 255 is not a trap: "int 0xff" is the SPACE operation instruction.
 */
#define SPACE_TRAP_DIVIDE         0  /* divide error (fault: pc = the div) */
#define SPACE_TRAP_DEBUG          1  /* single-step (TF) or icebp */
#define SPACE_TRAP_BREAKPOINT     3  /* int3 (pc = after it) */
#define SPACE_TRAP_OVERFLOW       4  /* into with OF set */
#define SPACE_TRAP_BOUND          5  /* bound out of range */
#define SPACE_TRAP_INVALID_OPCODE 6  /* undefined instruction (ud2, ...) */
#define SPACE_TRAP_FPU            7  /* device not available */
#define SPACE_TRAP_ILLEGAL        13 /* an x86 system instruction, in any MODE */
#define SPACE_TRAP_MEMORY_FAULT   14 /* unmapped or not-permitted access */
#define SPACE_TRAP_FPU_ERROR      16 /* x87 floating-point error */
#define SPACE_TRAP_ALIGNMENT      17 /* alignment check */
#define SPACE_TRAP_SIMD           19 /* SSE floating-point exception */
#define SPACE_TRAP_PRIVILEGED                                                                      \
    24 /* SPACE operation outside MODE 0, or int n not allowed from this MODE */
#define SPACE_TRAP_NO_PORTAL      25  /* the trap in pcb.cause had no portal */
#define SPACE_TRAP_INTERRUPT_BASE 32  /* 32..63: device and inter-CPU interrupts */
#define SPACE_TRAP_IPI            63  /* the trap no device is ever given: the IPI */
#define SPACE_TRAP_SOFT_BASE      64  /* 64..254: free for int n (system calls, ...) */
#define SPACE_TRAP_OPERATION      255 /* reserved: the SPACE operation instruction */

/* pcb.access for a MEMORY_FAULT: which access, and whether the page was mapped */
#define SPACE_FAULT_READ       SPACE_R
#define SPACE_FAULT_WRITE      SPACE_W
#define SPACE_FAULT_EXECUTE    SPACE_X
#define SPACE_FAULT_PROTECTION 0x100u /* page mapped, but not for this access in this MODE */
#define SPACE_FAULT_DEVICE     0x200u /* a device register accessed other than by a 32-bit mov */

/* ---- Error codes returned by operations (always negative) ----------------- */
#define SPACE_OK          0
#define SPACE_ERR_CONTEXT (-1)  /* context number out of range */
#define SPACE_ERR_ALIGN   (-2)  /* address not page-aligned */
#define SPACE_ERR_PADDR   (-3)  /* physical address outside RAM */
#define SPACE_ERR_TRAP    (-4)  /* trap number not mappable */
#define SPACE_ERR_MODE    (-5)  /* mode out of range */
#define SPACE_ERR_TOKEN   (-6)  /* not a live suspend token */
#define SPACE_ERR_EMPTY   (-7)  /* the current PCB chain is empty */
#define SPACE_ERR_BUSY    (-8)  /* Unsuspend needs an empty current chain */
#define SPACE_ERR_ACCESS  (-9)  /* bad access bits, or a guest buffer MODE 0 cannot reach */
#define SPACE_ERR_OP      (-10) /* unknown operation number */
#define SPACE_ERR_FULL    (-11) /* chain or suspend table full */
#define SPACE_ERR_ARG     (-12) /* another bad argument (e.g. a PCB field) */
#define SPACE_ERR_CPU     (-13) /* CPU number out of range, or (cpu_start) that CPU runs */
#define SPACE_ERR_MIXED   (-14) /* a 4 KiB and a 64 KiB page would share a 64 KiB region */

/* ---- Operation numbers (in EAX for "int 0xff") ---------------------------- */
#define SPACE_OP_MAP_MEMORY 1
#define SPACE_OP_MAP_PORTAL 2
#define SPACE_OP_RESUME     3
#define SPACE_OP_SUSPEND    4
#define SPACE_OP_UNSUSPEND  5
#define SPACE_OP_PCB_READ   6
#define SPACE_OP_PCB_WRITE  7
#define SPACE_OP_PCB_PUSH   8
#define SPACE_OP_PCB_POP    9
#define SPACE_OP_HALT       10
#define SPACE_OP_TIME       11
#define SPACE_OP_INTERRUPTS 12
#define SPACE_OP_DEBUG_PUTC 13 /* debug print (MODE 0): to the console's output stream */
#define SPACE_OP_MAPPING    14
#define SPACE_OP_WAIT       15
#define SPACE_OP_REFDIRTY   16 /* read and clear a mapping's SPACE_REF / SPACE_DIRTY */
#define SPACE_OP_CHAIN_TIME 17 /* virtual time of a PCB chain */
#define SPACE_OP_TRACE      18 /* switch the simulator's --trace on/off around a region */
#define SPACE_OP_CPU_ID     19 /* the running CPU's number */
#define SPACE_OP_CPU_START  20 /* start a halted CPU */
#define SPACE_OP_IPI        21 /* inter-processor interrupt */
#define SPACE_OP_CTX_NAME   22 /* name a CONTEXT for timelines and debuggers */
#define SPACE_OP_METRIC     23 /* publish a named metric (any MODE) */
#define SPACE_OP_COUNT      24

#define SPACE_CONTEXT_NAME_MAX 31 /* bytes of a CONTEXT's name (space_context_name) */

/* How space_metric changes its metric. */
#define SPACE_METRIC_SET      0  /* to the value */
#define SPACE_METRIC_ADD      1  /* by the value */
#define SPACE_METRIC_MAX      2  /* to the value if it is larger */
#define SPACE_METRIC_NAME_MAX 31 /* bytes of a metric's name: [a-z0-9_] */

/* ---- The PCB ---------------------------------------------------------------
 * What a portal traversal records. The simulator keeps PCBs itself; the
 * kernel copies the top one in and out with space_pcb_read/write.
 */
struct space_pcb {
    uint32_t eax, ebx, ecx, edx, esi, edi, ebp, esp;
    uint32_t pc;     /* where Resume continues */
    uint32_t eflags; /* arithmetic flags, DF and TF (mask 0xdd5); 0x2 for a new thread */
    uint32_t ctx;    /* CONTEXT and MODE that were running */
    uint32_t mode;
    uint32_t ie;     /* interrupt-enable bit at the time of the trap */
    uint32_t trap;   /* the trap whose portal was traversed */
    uint32_t cause;  /* the original trap: differs for NO_PORTAL, and for PRIVILEGED
                      * raised by int n (cause = n; by an operation: PRIVILEGED) */
    uint32_t access; /* MEMORY_FAULT: SPACE_FAULT_* bits (a read-modify-write: READ
                      * if the page is not readable, else WRITE) */
    uint32_t addr;   /* MEMORY_FAULT: faulting virtual address (a straddling access:
                      * its own if the first page fails, else the second page's
                      * first byte); PRIVILEGED: op or trap number */
    uint32_t reserved[3];
};

/* ---- Devices (docs/devices.md) ----------------------------------------------
 * Each device is a page of 32-bit registers at a physical address listed in
 * the boot information; map it with MapMemory to use it, and access its
 * registers with aligned 32-bit loads and stores. Its interrupt is the trap
 * space_boot_device(boot, i)->trap: 32 + its line, one line per device in
 * bus order, except that all CPUs' timers share one (each CPU gets its own
 * timer's interrupt). */
#define SPACE_DEVICE_CONSOLE 1
#define SPACE_DEVICE_TIMER   2
#define SPACE_DEVICE_DISK    3
#define SPACE_DEVICE_RNG     4
#define SPACE_DEVICE_NET     5

/* console */
#define SPACE_CONSOLE_DATA         0x00 /* write: output a byte; read: next input byte */
#define SPACE_CONSOLE_STATUS       0x04 /* SPACE_CONSOLE_RX_READY | _RX_EOF | _TX_READY */
#define SPACE_CONSOLE_CONTROL      0x08 /* SPACE_CONSOLE_RX_INTERRUPT */
#define SPACE_CONSOLE_RX_COUNT     0x0c /* input bytes waiting */
#define SPACE_CONSOLE_INPUT_DELAY  0x10 /* instructions until more input may arrive (200000) */
#define SPACE_CONSOLE_RX_READY     1u
#define SPACE_CONSOLE_RX_EOF       2u
#define SPACE_CONSOLE_TX_READY     4u
#define SPACE_CONSOLE_RX_INTERRUPT 1u /* (CONTROL) input wanted: interrupt when it arrives */
#define SPACE_CONSOLE_ECHO         2u /* (CONTROL) copy arriving input to the output */

/* timer */
#define SPACE_TIMER_NOW_LO   0x00
#define SPACE_TIMER_NOW_HI   0x04
#define SPACE_TIMER_INTERVAL 0x08 /* instructions between ticks */
#define SPACE_TIMER_CONTROL  0x0c /* SPACE_TIMER_ENABLE | SPACE_TIMER_PERIODIC */
#define SPACE_TIMER_TICKS    0x10
#define SPACE_TIMER_NEXT_LO  0x14
#define SPACE_TIMER_NEXT_HI  0x18
#define SPACE_TIMER_ENABLE   1u
#define SPACE_TIMER_PERIODIC 2u

/* disk */
#define SPACE_DISK_SECTOR_SIZE  512u
#define SPACE_DISK_SECTORS      0x00 /* capacity */
#define SPACE_DISK_SECTOR       0x04 /* first sector of the transfer */
#define SPACE_DISK_COUNT        0x08 /* sectors (1..256) */
#define SPACE_DISK_ADDR         0x0c /* physical address for DMA */
#define SPACE_DISK_COMMAND      0x10 /* SPACE_DISK_READ / _WRITE / _FLUSH: starts it */
#define SPACE_DISK_STATUS       0x14 /* SPACE_DISK_OK, _BUSY or an error */
#define SPACE_DISK_CONTROL      0x18 /* SPACE_DISK_INTERRUPT */
#define SPACE_DISK_COMPLETED    0x1c /* commands completed */
#define SPACE_DISK_READ         1u
#define SPACE_DISK_WRITE        2u
#define SPACE_DISK_FLUSH        3u
#define SPACE_DISK_OK           0u
#define SPACE_DISK_BUSY         1u
#define SPACE_DISK_ERR_RANGE    2u
#define SPACE_DISK_ERR_DMA      3u
#define SPACE_DISK_ERR_READONLY 4u
#define SPACE_DISK_ERR_IO       5u
#define SPACE_DISK_ERR_COMMAND  6u
#define SPACE_DISK_INTERRUPT    1u

/* rng (--rng SEED) */
#define SPACE_RNG_SEED      0x00 /* the seed; a write reseeds */
#define SPACE_RNG_VALUE     0x04 /* read: take the next number (0 while not READY) */
#define SPACE_RNG_COUNT     0x08 /* numbers taken since the last seeding */
#define SPACE_RNG_STATUS    0x0c /* SPACE_RNG_READY */
#define SPACE_RNG_CONTROL   0x10 /* SPACE_RNG_INTERRUPT */
#define SPACE_RNG_READY     1u
#define SPACE_RNG_INTERRUPT 1u   /* (CONTROL) interrupt when a number is ready */
#define SPACE_RNG_LATENCY   100u /* instructions from a VALUE read until the next is ready */

/* net (one per node with space run --nodes N; docs/devices.md, docs/multicomputer.md) */
#define SPACE_NET_MTU       1500u       /* payload bytes of one frame at most */
#define SPACE_NET_BROADCAST 0xffffffffu /* a destination: every other node */
#define SPACE_NET_ADDRESS   0x00        /* this node's address (its node number, 0..nodes-1) */
#define SPACE_NET_NODES     0x04        /* nodes on the network */
#define SPACE_NET_TX_RING   0x08 /* physical address of the transmit ring (16-byte aligned) */
#define SPACE_NET_RX_RING   0x0c /* physical address of the receive ring */
#define SPACE_NET_RING_SIZE 0x10 /* descriptors per ring: a power of two, 1..256 */
#define SPACE_NET_TX_HEAD                                                                          \
    0x14 /* kernel: index after the last descriptor it filled (a write starts sending) */
#define SPACE_NET_TX_TAIL 0x18 /* device: index of the next descriptor it will take */
#define SPACE_NET_RX_HEAD 0x1c /* device: index after the last descriptor it filled */
#define SPACE_NET_RX_TAIL 0x20 /* kernel: index after the last empty buffer it gave back */
#define SPACE_NET_CONTROL                                                                          \
    0x24 /* SPACE_NET_RX_INTERRUPT | SPACE_NET_TX_INTERRUPT | SPACE_NET_ENABLE */
#define SPACE_NET_CAUSE                                                                            \
    0x28 /* interrupts pending: SPACE_NET_RX_INTERRUPT | _TX_INTERRUPT; write 1s to clear */
#define SPACE_NET_TX_FRAMES    0x2c /* frames sent */
#define SPACE_NET_RX_FRAMES    0x30 /* frames received */
#define SPACE_NET_RX_DROPS     0x34 /* frames dropped: no empty receive buffer */
#define SPACE_NET_TX_ERRORS    0x38 /* descriptors refused (length, address, destination) */
#define SPACE_NET_ENABLE       1u
#define SPACE_NET_RX_INTERRUPT 2u
#define SPACE_NET_TX_INTERRUPT 4u
/* A ring descriptor (16 bytes, little-endian, in guest RAM). Transmit: the
 * kernel sets addr, len, peer (destination node or SPACE_NET_BROADCAST),
 * status = 0; the device sets status DONE or ERROR when it has taken the
 * frame. Receive: the kernel sets addr (a buffer of SPACE_NET_MTU bytes),
 * status = 0; the device fills the buffer and sets len, peer (the source
 * node) and status = DONE. Indices run 0..RING_SIZE-1 and wrap; a ring
 * whose head equals its tail is empty, so it holds RING_SIZE-1 at most. */
struct space_net_desc {
    uint32_t addr, len, peer, status;
};
#define SPACE_NET_DESC_DONE  1u
#define SPACE_NET_DESC_ERROR 2u

/* ---- Boot information ------------------------------------------------------ */
#define SPACE_BOOT_MAGIC         0x53504143u /* "SPAC" */
#define SPACE_BOOT_VERSION       2u
#define SPACE_BOOT_MAX_DEVICES   64 /* 32 CPUs' timers and the rest */
#define SPACE_BOOT_FIRST_DEVICES 32 /* in devices[]; the rest in more_devices[] */
#define SPACE_BOOT_CMDLINE       256

struct space_device_info {
    uint32_t type; /* SPACE_DEVICE_* (see docs/devices.md) */
    uint32_t regs; /* physical address of its register page */
    uint32_t trap; /* interrupt trap number */
    uint32_t unit; /* instance number among devices of this type */
};

struct space_bootinfo {
    uint32_t magic;    /* SPACE_BOOT_MAGIC */
    uint32_t version;  /* SPACE_BOOT_VERSION */
    uint32_t ram_size; /* bytes of RAM at physical 0 */
    uint32_t ncpus;
    uint32_t node;           /* node id in a multicomputer (0 when alone) */
    uint32_t kernel_start;   /* first physical page used by the kernel image */
    uint32_t kernel_end;     /* first physical address after it (page-aligned) */
    uint32_t bootinfo_paddr; /* physical page holding this block */
    uint32_t ndevices;
    /* Devices 0..31; 32 and on (only with many CPUs) follow cmdline, which
     * keeps the layout of a machine with few devices. Read device i with
     * space_boot_device. */
    struct space_device_info devices[SPACE_BOOT_FIRST_DEVICES];
    char cmdline[SPACE_BOOT_CMDLINE];
    struct space_device_info more_devices[SPACE_BOOT_MAX_DEVICES - SPACE_BOOT_FIRST_DEVICES];
    uint32_t nodes; /* nodes in the multicomputer (1 when alone; version 2 on) */
};

/* Device i (< ndevices) of the boot information. */
static inline const struct space_device_info *space_boot_device(const struct space_bootinfo *b,
                                                                uint32_t i)
{
    return i < SPACE_BOOT_FIRST_DEVICES ? &b->devices[i]
                                        : &b->more_devices[i - SPACE_BOOT_FIRST_DEVICES];
}

/* ---- Guest-side operation wrappers ------------------------------------------
 * Implemented in basicoz/runtime/space_ops.S (linked by space-cc). Each
 * returns SPACE_OK / a non-negative result, or a negative SPACE_ERR_*.
 * Outside MODE 0 every one of them but space_metric traps
 * (SPACE_TRAP_PRIVILEGED).
 */
#ifndef SPACE_HOST
#include <stddef.h>

/* The runtime's C library, linked into every space-cc guest
 * (basicoz/runtime/libc.c). Compilers call memcpy and memset on their own
 * for struct copies (docs/space-architecture.md §10), so code that runs
 * from pages of its own needs its own copies. */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

int space_map_memory(uint32_t ctx, uint32_t vaddr, uint32_t paddr, uint32_t modeaccess);
int space_map_portal(uint32_t ctx, uint32_t trap, uint32_t pctx, uint32_t pmode, uint32_t ppc,
                     uint32_t modeaccess);
/* Returns the modeaccess of ctx's mapping of vaddr's page (any address in
 * it; 0 if unmapped; SPACE_MAP_64K is set in it for a 64 KiB page), or
 * SPACE_ERR_CONTEXT; *paddr (if paddr is not NULL) gets the physical page,
 * the 64 KiB page's first frame for one of those, 0 if unmapped. The page's
 * SPACE_REF / SPACE_DIRTY bits, which the raw operation returns in ECX, are
 * space_refdirty(ctx, vaddr, 0). */
int space_mapping(uint32_t ctx, uint32_t vaddr, uint32_t *paddr);
int space_resume(void);  /* returns only on error */
int space_suspend(void); /* token (> 0) or error */
int space_unsuspend(int token);
int space_pcb_read(struct space_pcb *out);
int space_pcb_write(const struct space_pcb *in);
int space_pcb_push(const struct space_pcb *in);
int space_pcb_pop(void);
__attribute__((noreturn)) void space_halt(uint32_t code);
uint64_t space_time(void);        /* instructions retired on this CPU */
int space_interrupts(int enable); /* sets the enable bit, returns the old one */
void space_wait(void);            /* idle until an interrupt is pending */
void space_debug_putc(int c);     /* debug print, before a console driver exists */
/* The SPACE_REF | SPACE_DIRTY bits of ctx's mapping of vaddr's page as they
 * were, then clears those in `clear` (0: only reads them); SPACE_ERR_ARG if
 * the page is not mapped. */
int space_refdirty(uint32_t ctx, uint32_t vaddr, uint32_t clear);
/* Instructions retired while the chain of `token` (0: the current chain)
 * was current, idle time excluded; negative (SPACE_ERR_TOKEN) for a token
 * that names no suspended chain. */
int64_t space_chain_time(int token);
/* Switches the simulator's tracing (space run --trace) on (1) or off (0);
 * returns the old switch (0 when the run is not traced). */
int space_trace(int on);

/* Reads a device register with one 32-bit mov, as devices require. A plain
 * read through a volatile pointer is a mov with gcc, but clang may fold it
 * into the instruction using it (`testl $1, 4(%eax)`), which the device
 * refuses (SPACE_FAULT_DEVICE). Stores through a volatile pointer are movs
 * with both compilers. */
static inline uint32_t space_reg_read(const volatile uint32_t *reg)
{
    uint32_t v;
    __asm__ volatile("movl %1, %0" : "=r"(v) : "m"(*reg));
    return v;
}

/* ---- Several CPUs (space run --cpus N; docs/space-architecture.md) ----
 * CPU 0 boots; the others are halted until space_cpu_start. Each CPU has
 * its own registers, CONTEXT and MODE, PCB chain, interrupt enable and
 * space_wait; Suspend tokens are machine-wide (Unsuspend on another CPU
 * migrates a thread). Timer unit i interrupts CPU i (all timers share one
 * trap); every other device interrupts CPU 0.
 * Memory: one physical memory, sequentially consistent (the CPUs take
 * turns on one host thread, switching only between instructions), so
 * lock-prefixed instructions and xchg are atomic across CPUs; a separate
 * load and store are not. MapMemory, unmapping, permission changes and
 * space_refdirty take effect on every CPU before they return; a store to
 * code by any CPU (or a device's DMA) is seen by every CPU. */
uint32_t space_cpu_id(void);
/* Starts halted CPU `cpu` as if it resumed *start (its CONTEXT, MODE, pc,
 * registers and interrupt enable), with an empty PCB chain. SPACE_ERR_CPU
 * for a CPU out of range or already running, SPACE_ERR_ACCESS /
 * SPACE_ERR_CONTEXT / SPACE_ERR_MODE for a bad PCB. */
int space_cpu_start(uint32_t cpu, const struct space_pcb *start);
/* Makes trap `trap` (32..63; SPACE_TRAP_IPI is the one no device uses)
 * pending on CPU `cpu` (itself too): delivered through that CPU's portal
 * once its interrupts are enabled, and it ends that CPU's space_wait.
 * SPACE_ERR_CPU, SPACE_ERR_TRAP. */
int space_ipi(uint32_t cpu, uint32_t trap);

/* Tells the machine CONTEXT ctx's name (a C string; up to
 * SPACE_CONTEXT_NAME_MAX bytes are kept, "" forgets it), which timelines,
 * statistics and debuggers show instead of its number. It changes nothing
 * the guest can observe. SPACE_ERR_CONTEXT, SPACE_ERR_ACCESS (the string
 * cannot be read in MODE 0). */
int space_context_name(uint32_t ctx, const char *name);

/* Publishes a number the machine cannot see for itself: the statistic
 * guest.NAME (docs/instrumentation.md), a 64-bit counter created at 0 and
 * set, added to or raised to `value` (how: SPACE_METRIC_*). NAME is 1..31
 * of [a-z0-9_], NUL-terminated; a machine keeps 64 names. Unlike the other
 * operations it may be called in any MODE (the name is read with the
 * caller's permissions, so its page gets SPACE_REF), so user programs can
 * publish too; nothing else the guest can observe changes.
 * SPACE_ERR_ACCESS (the name cannot be read), SPACE_ERR_ARG (a bad name or
 * how), SPACE_ERR_FULL. */
int space_metric(const char *name, unsigned how, uint32_t value);

/* A kernel's entry point: space-cc's start-up code calls it in CONTEXT 0,
 * MODE 0, interrupts disabled, on a 16 KiB boot stack. Returning from it
 * halts the machine with code 0. */
void kmain(const struct space_bootinfo *boot);
#endif

#ifdef __cplusplus
}
#endif

#endif /* SPACE_H */
