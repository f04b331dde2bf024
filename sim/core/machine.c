#include "machine_internal.h"

#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"
#include "sim/host/platform.h"
#include "ops.h"
#include "tracer.h"
#include "trap.h"

#define BOOTINFO_PADDR 0x1000u
#define EFLAGS_TF      0x100u
#define BOOTINFO_VADDR 0x1000u

static enum cpu_trap_outcome trap_in_run(void *arg, uint32_t vector);

struct machine *machine_create(const struct machine_config *cfg, char *err, unsigned errlen)
{
    struct machine *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    m->cfg = *cfg;
    m->debug_out = stdout;
    if (cfg->ncpus < 1 || cfg->ncpus > SPACE_MAX_CPUS) {
        snprintf(err, errlen, "a machine has 1..%d CPUs, not %u", SPACE_MAX_CPUS, cfg->ncpus);
        free(m);
        return NULL;
    }
    m->ncpus = cfg->ncpus;
    m->sched = (struct machine_sched){.quantum = cfg->quantum ? cfg->quantum : MACHINE_QUANTUM,
                                      .grid = cfg->round_grid,
                                      .jitter = cfg->jitter,
                                      .prng = cfg->seed};
    if (physmem_init(&m->pm, cfg->ram_size) != 0) {
        snprintf(err, errlen, "cannot provide %u bytes of RAM (1 MiB .. 3 GiB, page multiple)",
                 cfg->ram_size);
        free(m);
        return NULL;
    }
    mmu_init(&m->mmu, &m->pm);
    portal_init(&m->portals);
    if (pcb_init(&m->pcbs) != 0) {
        snprintf(err, errlen, "out of host memory");
        machine_destroy(m);
        return NULL;
    }
    for (unsigned i = 0; i < m->ncpus; i++) {
        struct machine_cpu *c = &m->cpus[i];
        c->cpu = i ? cpu_create_sibling(m->cpus[0].cpu, err, errlen)
                   : cpu_create(&m->mmu, &m->pm, cfg->tcg_buffer, err, errlen);
        if (!c->cpu) {
            machine_destroy(m);
            return NULL;
        }
        c->halted = i > 0;
        if (i && !(c->chain = calloc(1, sizeof *c->chain))) {
            snprintf(err, errlen, "out of host memory");
            machine_destroy(m);
            return NULL;
        }
    }
    m->cc = &m->cpus[0];
    m->cpu = m->cc->cpu;
    cpu_set_trap_handler(m->cpu, trap_in_run, m);
    if (bus_init(&m->bus, m, cfg->devices, cfg->ncpus, &cfg->backends, err, errlen) != 0) {
        machine_destroy(m);
        return NULL;
    }
    m->bus_ready = true;
    for (unsigned i = 0; i < m->bus.ndev; i++) {
        const struct device *d = &m->bus.dev[i];
        unsigned to = d->kind->per_cpu ? d->unit : 0; /* (bus_init: unit < ncpus) */
        m->cpus[to].devs |= 1ull << i;
    }
    m->pm.device_base = BUS_REGS_BASE;
    m->pm.device_pages = m->bus.ndev;
    m->alarm_at = UINT64_MAX;
    m->state = MACHINE_RUNNING;
    metrics_init(&m->metrics);
    return m;
}

void machine_destroy(struct machine *m)
{
    if (!m)
        return;
    if (m->bus_ready) {
        bus_shutdown(&m->bus);
        bus_free(&m->bus);
    }
    for (unsigned i = 0; i < m->ncpus; i++) {
        cpu_destroy(m->cpus[i].cpu);
        if (i != m->cur)
            free(m->cpus[i].chain);
    }
    pcb_free(&m->pcbs);
    portal_free(&m->portals);
    mmu_free(&m->mmu);
    physmem_free(&m->pm);
    free(m);
}

static void boot_loaded(struct machine *m, const struct loaded_image *loaded);

_Static_assert(BUS_MAX_DEVICES <= SPACE_BOOT_MAX_DEVICES,
               "every device on the bus has an entry in the boot information");

int machine_boot(struct machine *m, const char *kernel_path, char *err, unsigned errlen)
{
    struct loaded_image img;
    if (loader_load(kernel_path, &m->mmu, 0, BOOTINFO_PADDR, BOOTINFO_PADDR + 4096, &img, err,
                    errlen) != 0)
        return -1;
    boot_loaded(m, &img);
    return 0;
}

int machine_boot_image(struct machine *m, const char *name, const uint8_t *image, size_t size,
                       char *err, unsigned errlen)
{
    struct loaded_image img;
    if (loader_load_image(name, image, size, &m->mmu, 0, BOOTINFO_PADDR, BOOTINFO_PADDR + 4096,
                          &img, err, errlen) != 0)
        return -1;
    boot_loaded(m, &img);
    return 0;
}

/* The boot information block, CONTEXT 0's last mapping, CPU 0 at the entry. */
static void boot_loaded(struct machine *m, const struct loaded_image *loaded)
{
    struct loaded_image img = *loaded;
    struct space_bootinfo *bi = physmem_ptr(&m->pm, BOOTINFO_PADDR, sizeof *bi);
    memset(bi, 0, sizeof *bi);
    bi->magic = SPACE_BOOT_MAGIC;
    bi->version = SPACE_BOOT_VERSION;
    bi->ram_size = m->pm.ram_size;
    bi->ncpus = m->ncpus;
    bi->node = m->cfg.node;
    bi->nodes = m->cfg.nodes ? m->cfg.nodes : 1;
    bi->kernel_start = img.phys_start;
    bi->kernel_end = img.phys_end;
    bi->bootinfo_paddr = BOOTINFO_PADDR;
    bi->ndevices = m->bus.ndev;
    for (unsigned i = 0; i < m->bus.ndev; i++) {
        const struct device *d = &m->bus.dev[i];
        struct space_device_info *slot = i < SPACE_BOOT_FIRST_DEVICES
                                             ? &bi->devices[i]
                                             : &bi->more_devices[i - SPACE_BOOT_FIRST_DEVICES];
        *slot = (struct space_device_info){
            .type = d->kind->type, .regs = d->regs, .trap = d->trap, .unit = d->unit};
    }
    if (m->cfg.cmdline)
        snprintf(bi->cmdline, sizeof bi->cmdline, "%s", m->cfg.cmdline);
    map_entry old;
    mmu_map(&m->mmu, 0, BOOTINFO_VADDR, BOOTINFO_PADDR, SPACE_ACCESS(0, SPACE_R), &old);

    struct cpu_regs r = {.ebx = BOOTINFO_VADDR, .eip = img.entry, .eflags = 0x2};
    cpu_set_space(m->cpus[0].cpu, 0, 0);
    cpu_set_regs(m->cpus[0].cpu, &r);
    m->cpus[0].ie = false;
}

void machine_switch_cpu(struct machine *m, unsigned i)
{
    if (i == m->cur)
        return;
    struct machine_cpu *from = m->cc, *to = &m->cpus[i];
    from->chain = m->pcbs.current;
    from->chain_since = m->pcbs.since;
    m->pcbs.current = to->chain;
    m->pcbs.since = to->chain_since;
    to->chain = NULL;
    m->cur = i;
    m->cc = to;
    m->cpu = to->cpu;
}

void machine_interrupt(struct machine *m)
{
    m->interrupted = 1;
    cpu_request_stop(m->cpu);
}

/* Ctrl-C's one owner (machine_ctrl_c_target). The target is set before the
 * kept press is looked at, so a press is never lost in between. */
static struct machine *volatile ctrl_c_machine;
static volatile sig_atomic_t ctrl_c_kept;

/* A press the machine has not taken after two more (it still runs with
 * the request flagged: some loop does not reach the instruction boundary,
 * a simulator bug) ends the program at once, so that nothing a guest does
 * can make space ignore Ctrl-C. 130 is space's status for Ctrl-C. */
static void on_ctrl_c(void)
{
    static volatile sig_atomic_t unheeded;
    struct machine *m = ctrl_c_machine;
    if (!m) {
        ctrl_c_kept = 1;
        return;
    }
    if (m->interrupted && m->state == MACHINE_RUNNING) {
        if (++unheeded >= 2)
            platform_quit_now("space: the machine did not stop at Ctrl-C; quitting at once\n", 130);
    } else {
        unheeded = 0;
    }
    machine_interrupt(m);
}

void machine_ctrl_c_target(struct machine *m, bool earlier_presses_count)
{
    static bool caught;
    if (!caught) {
        platform_on_interrupt(on_ctrl_c);
        caught = true;
    }
    if (!earlier_presses_count)
        ctrl_c_kept = 0;
    ctrl_c_machine = m;
    if (m && ctrl_c_kept) {
        ctrl_c_kept = 0;
        machine_interrupt(m);
    }
}

void machine_clear_interrupt(struct machine *m)
{
    m->interrupted = 0;
    m->interrupt_at = 0;
    m->interrupt_clean = false;
    if (m->state == MACHINE_INTERRUPTED)
        m->state = MACHINE_RUNNING;
}

/* ---- Accessors ---- */

uint64_t machine_now(const struct machine *m)
{
    uint64_t p = 0;
    for (unsigned i = 0; i < m->ncpus; i++)
        p += cpu_time(m->cpus[i].cpu);
    return p;
}
uint64_t machine_clock(const struct machine *m)
{
    return cpu_time(m->cpu);
}
const struct machine_config *machine_config(const struct machine *m)
{
    return &m->cfg;
}
enum machine_state machine_state(const struct machine *m)
{
    return m->state;
}
uint32_t machine_exit_code(const struct machine *m)
{
    return m->exit_code;
}
const char *machine_stop_reason(const struct machine *m)
{
    return m->reason;
}
bool machine_interrupted(const struct machine *m)
{
    return m->interrupted != 0;
}
struct machine_pause_info machine_pause_reason(const struct machine *m)
{
    return (struct machine_pause_info){
        .why = m->pause, .addr = m->pause_addr, .access = m->pause_access, .watch = m->pause_watch};
}
bool machine_interrupts_enabled(const struct machine *m)
{
    return m->cpus[0].ie;
}
bool machine_waiting(const struct machine *m)
{
    return m->cpus[0].waiting;
}
bool machine_recording(const struct machine *m)
{
    return m->recording;
}
uint64_t machine_next_event(const struct machine *m)
{
    return events_next(&m->bus.events);
}

const struct machine_stats *machine_stats(struct machine *m)
{
    struct machine_stats *t = &m->stats;
    *t = m->cpus[0].stats;
    for (unsigned i = 1; i < m->ncpus; i++) {
        const struct machine_stats *c = &m->cpus[i].stats;
        for (unsigned k = 0; k < SPACE_TRAPS; k++)
            t->traps[k] += c->traps[k];
        for (unsigned k = 0; k < SPACE_OP_COUNT; k++)
            t->ops[k] += c->ops[k];
        t->traversals += c->traversals;
        t->faults.unmapped += c->faults.unmapped;
        t->faults.protection += c->faults.protection;
        t->faults.device += c->faults.device;
        t->faults.read += c->faults.read;
        t->faults.write += c->faults.write;
        t->faults.exec += c->faults.exec;
    }
    return t;
}
unsigned machine_ncpus(const struct machine *m)
{
    return m->ncpus;
}
struct cpu *machine_cpu(struct machine *m, unsigned i)
{
    return i < m->ncpus ? m->cpus[i].cpu : NULL;
}
unsigned machine_running_cpu(const struct machine *m)
{
    return m->cur;
}
const struct pcb_chain *machine_cpu_chain(const struct machine *m, unsigned i)
{
    return i == m->cur ? m->pcbs.current : m->cpus[i].chain;
}
bool machine_cpu_interrupts_enabled(const struct machine *m, unsigned i)
{
    return m->cpus[i].ie;
}
bool machine_cpu_waiting(const struct machine *m, unsigned i)
{
    return m->cpus[i].waiting;
}
const char *machine_context_name(const struct machine *m, uint32_t ctx)
{
    return ctx < SPACE_CONTEXTS ? m->ctx_name[ctx] : "";
}
bool machine_cpu_halted(const struct machine *m, unsigned i)
{
    return m->cpus[i].halted;
}
uint32_t machine_cpu_ipis(const struct machine *m, unsigned i)
{
    return m->cpus[i].ipi;
}
const struct machine_stats *machine_cpu_stats(const struct machine *m, unsigned i)
{
    return &m->cpus[i].stats;
}
struct mmu *machine_mmu(struct machine *m)
{
    return &m->mmu;
}
struct physmem *machine_physmem(struct machine *m)
{
    return &m->pm;
}
struct bus *machine_bus(struct machine *m)
{
    return &m->bus;
}
const struct pcb_state *machine_pcbs(const struct machine *m)
{
    return &m->pcbs;
}
const struct portal_tables *machine_portals(const struct machine *m)
{
    return &m->portals;
}

/* ---- Commands ---- */

void machine_end(struct machine *m, enum machine_state st)
{
    m->state = st;
}

void machine_end_at_boundary(struct machine *m)
{
    if (m->state != MACHINE_RUNNING && (m->state != MACHINE_INTERRUPTED || m->interrupt_clean))
        return;
    /* The driver may have stopped after a device had its look at this
     * time: the next boundary is a point a replay finds again (see
     * machine_interrupt). */
    m->state = MACHINE_RUNNING;
    m->interrupt_at = 0;
    cpu_set_breakpoints(m->cpu, NULL, 0);
    cpu_set_watches(m->cpu, NULL, 0);
    m->observer = (struct machine_observer){0};
    machine_interrupt(m);
    while (m->state == MACHINE_RUNNING)
        machine_run_until(m, UINT64_MAX);
}

uint32_t machine_write_virtual(struct machine *m, uint32_t ctx, uint32_t vaddr, const void *buf,
                               uint32_t len, enum machine_writer who)
{
    bool as_kernel = who == WRITE_AS_KERNEL;
    unsigned access = as_kernel ? MMU_WRITE : 0;
    uint32_t pa;
    if (!as_kernel && m->recording)
        return 0;
    /* A kernel's write checks every page first - writable in MODE 0, and
     * RAM (a device register page passes the permission check, but no
     * operation copies through it) - so a failing one writes nothing, sets
     * no bit, and leaves every translation as it was. */
    for (uint32_t off = 0; as_kernel && off < len; off += mmu_page_span(vaddr + off, len - off))
        if (!mmu_translate(&m->mmu, ctx, 0, vaddr + off, access, &pa) ||
            !physmem_ptr(&m->pm, pa, mmu_page_span(vaddr + off, len - off)))
            return 0;
    uint32_t done = 0;
    while (done < len) {
        uint32_t va = vaddr + done;
        uint32_t n = mmu_page_span(va, len - done);
        void *p;
        if (!mmu_translate(&m->mmu, ctx, 0, va, access, &pa) || !(p = physmem_ptr(&m->pm, pa, n)))
            break;
        memcpy(p, (const uint8_t *)buf + done, n);
        if (as_kernel)
            mmu_note_access(&m->mmu, ctx, va, MMU_WRITE);
        cpu_host_wrote(m->cpu, pa, n);
        done += n;
    }
    return done;
}

void machine_set_probe(struct machine *m, const struct machine_probe *p)
{
    m->probe = p ? *p : (struct machine_probe){0};
}

void machine_set_observer(struct machine *m, const struct machine_observer *o)
{
    m->observer = o ? *o : (struct machine_observer){0};
}

void machine_set_recording(struct machine *m, bool on)
{
    m->recording = on;
}

void machine_set_alarm(struct machine *m, uint64_t at, void (*fn)(struct machine *, void *),
                       void *arg)
{
    struct machine_alarm *slot = NULL, *free_slot = NULL;
    for (unsigned i = 0; i < MACHINE_ALARMS; i++) {
        struct machine_alarm *a = &m->alarms[i];
        if (a->fn && a->arg == arg)
            slot = a;
        else if (!a->fn && !free_slot)
            free_slot = a;
    }
    if (!fn || at == UINT64_MAX) {
        if (slot)
            *slot = (struct machine_alarm){.at = UINT64_MAX};
    } else if (slot || (slot = free_slot)) {
        *slot = (struct machine_alarm){.at = at, .fn = fn, .arg = arg};
    } else {
        machine_stop(m, "internal error: more than %d alarms follow virtual time", MACHINE_ALARMS);
    }
    m->alarm_at = UINT64_MAX;
    for (unsigned i = 0; i < MACHINE_ALARMS; i++)
        if (m->alarms[i].fn && m->alarms[i].at < m->alarm_at)
            m->alarm_at = m->alarms[i].at;
}

void machine_set_debug_out(struct machine *m, FILE *out)
{
    m->debug_out = out;
}

void machine_describe_chain(struct machine *m, FILE *out)
{
    const struct pcb_chain *ch = m->pcbs.current;
    if (!ch->depth) {
        fprintf(out, "  PCB chain: empty\n");
        return;
    }
    fprintf(out, "  PCB chain (%u, newest first):\n", ch->depth);
    for (uint32_t i = ch->depth; i-- > 0;) {
        const struct space_pcb *p = &ch->pcb[i];
        fprintf(out, "    #%u trap %u (%s, cause %u) from CONTEXT %u MODE %u pc %#x esp %#x",
                ch->depth - 1 - i, p->trap, trap_describe(p->trap), p->cause, p->ctx, p->mode,
                p->pc, p->esp);
        if (p->cause == SPACE_TRAP_MEMORY_FAULT)
            fprintf(out, " fault addr %#x access %#x", p->addr, p->access);
        fputc('\n', out);
    }
}

void machine_stop(struct machine *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->reason, sizeof m->reason, fmt, ap);
    va_end(ap);
    m->state = MACHINE_STOPPED;
}

static void set_pc(struct machine *m, uint32_t pc)
{
    struct cpu_regs r;
    cpu_get_regs(m->cpu, &r);
    r.eip = pc;
    cpu_set_regs(m->cpu, &r);
}

/* What a vector the CPU reported means in SPACE (see the trap table in
 * docs/space-architecture.md). */
static void on_vector(struct machine *m, const struct cpu_stop *s)
{
    uint32_t v = s->vector;
    if (v == SPACE_TRAP_OPERATION) {
        if (cpu_mode(m->cpu) == 0) {
            ops_execute(m);
            return;
        }
        /* (the registers only outside MODE 0: reading them costs, and MODE 0
         * runs most operations) */
        struct cpu_regs r;
        cpu_get_regs(m->cpu, &r);
        if (r.eax == SPACE_OP_METRIC) { /* harmless: any MODE may publish */
            ops_execute(m);
            return;
        }
        /* Trap-and-emulate: the PCB's pc is the operation instruction. */
        set_pc(m, cpu_trap_insn_pc(m->cpu));
        trap_deliver(m, &(struct trap_info){.trap = SPACE_TRAP_PRIVILEGED, .addr = r.eax});
        return;
    }
    if (v >= SPACE_TRAP_INTERRUPT_BASE) {
        trap_deliver(m, &(struct trap_info){.trap = v, .deliberate = true});
        return;
    }
    if (s->deliberate && v != SPACE_TRAP_BREAKPOINT && v != SPACE_TRAP_OVERFLOW) {
        /* int n on an exception vector: a program may not fake a fault.
         * (x86 does the same with kernel-only gates.) */
        set_pc(m, cpu_trap_insn_pc(m->cpu));
        trap_deliver(m, &(struct trap_info){.trap = SPACE_TRAP_ILLEGAL, .addr = v});
        return;
    }
    trap_deliver(m, &(struct trap_info){.trap = v});
}

enum machine_state machine_run(struct machine *m)
{
    return machine_run_until(m, UINT64_MAX);
}

uint32_t machine_pending_for(const struct machine *m, unsigned i)
{
    uint32_t traps = m->cpus[i].ipi;
    for (uint64_t devs = m->bus.pending & m->cpus[i].devs; devs; devs &= devs - 1)
        traps |= 1u << m->bus.dev[__builtin_ctzll(devs)].line;
    return traps;
}

/* Delivers the running CPU's lowest pending interrupt - a device line
 * routed to it (line L is trap 32 + L), else an IPI - if its interrupts
 * are enabled. A shared line is taken only for this CPU's own unit. */
void machine_deliver_interrupt(struct machine *m)
{
    uint32_t pending = machine_pending_for(m, m->cur);
    if (!m->cc->ie || !pending)
        return;
    unsigned line = (unsigned)__builtin_ctz(pending);
    const struct device *d = NULL;
    for (uint64_t devs = m->bus.pending & m->cc->devs; devs && !d; devs &= devs - 1)
        if (m->bus.dev[__builtin_ctzll(devs)].line == line)
            d = &m->bus.dev[__builtin_ctzll(devs)];
    if (d) {
        m->bus.pending &= ~(1ull << d->index);
        m->bus.stats.interrupts[line]++;
        m->bus.stats.dev_interrupts[d->index]++;
        PROBE(m, irq, m->cur, d->index);
        if (trace_on(m->tracer, TRACE_IRQ))
            trace_line(m, "irq", "deliver line %u (%s%u)", line, d->kind->name, d->unit);
    } else {
        m->cc->ipi &= ~(1u << line);
        PROBE(m, ipi_taken, m->cur, SPACE_TRAP_INTERRUPT_BASE + line);
        if (trace_on(m->tracer, TRACE_IRQ))
            trace_line(m, "irq", "deliver IPI trap %u", SPACE_TRAP_INTERRUPT_BASE + line);
    }
    trap_deliver(m, &(struct trap_info){.trap = SPACE_TRAP_INTERRUPT_BASE + line});
}

/* Raises MEMORY_FAULT (pcb.access = access) and counts it. */
static void memory_fault(struct machine *m, uint32_t access, uint32_t addr)
{
    struct machine_fault_stats *f = &m->cc->stats.faults;
    metrics_fault(m);
    if (access & SPACE_FAULT_DEVICE)
        f->device++;
    else if (access & SPACE_FAULT_PROTECTION)
        f->protection++;
    else
        f->unmapped++;
    if (access & SPACE_FAULT_EXECUTE)
        f->exec++;
    else if (access & SPACE_FAULT_WRITE)
        f->write++;
    else
        f->read++;
    if (trace_on(m->tracer, TRACE_FAULT))
        trace_line(m, "fault", "%s of %#x: %s",
                   access & SPACE_FAULT_EXECUTE ? "execute"
                   : access & SPACE_FAULT_WRITE ? "write"
                                                : "read",
                   addr,
                   access & SPACE_FAULT_DEVICE       ? "device register misuse"
                   : access & SPACE_FAULT_PROTECTION ? "not permitted"
                                                     : "not mapped");
    trap_deliver(
        m, &(struct trap_info){.trap = SPACE_TRAP_MEMORY_FAULT, .access = access, .addr = addr});
}

/* The instruction at the pc, as --trace insn writes it. */
struct insn_seen {
    uint64_t time;
    uint32_t pc, ctx, mode;
    uint8_t code[16];
    unsigned len;
};

static void see_insn(struct machine *m, struct insn_seen *i)
{
    struct cpu_regs r;
    cpu_get_regs(m->cpu, &r);
    i->time = cpu_time(m->cpu);
    i->pc = r.eip;
    i->ctx = cpu_context(m->cpu);
    i->mode = cpu_mode(m->cpu);
    i->len = cpu_read_code(m->cpu, r.eip, i->code, sizeof i->code);
}

/* A register access the CPU stopped at: carry it out, or, if the
 * instruction is not a plain 32-bit mov, make it a MEMORY_FAULT. */
static void device_access(struct machine *m, const struct cpu_stop *s)
{
    struct cpu_mmio io;
    if (!cpu_mmio_decode(m->cpu, s->paddr, &io)) {
        memory_fault(m, s->access | SPACE_FAULT_DEVICE, s->addr);
        return;
    }
    /* The access happens as its instruction retires (and, like any access
     * through a mapping, references the page, or dirties it). */
    struct insn_seen insn;
    if (trace_on(m->tracer, TRACE_INSN)) {
        see_insn(m, &insn);
        trace_insn(m, insn.time, insn.ctx, insn.mode, insn.pc, insn.code, insn.len);
    }
    cpu_mmio_retire(m->cpu, &io);
    mmu_note_access(&m->mmu, cpu_context(m->cpu), s->addr, io.write ? MMU_WRITE : MMU_READ);
    if (io.write)
        bus_write(&m->bus, io.paddr, io.value);
    else
        cpu_mmio_result(m->cpu, &io, bus_read(&m->bus, io.paddr));
    /* A program single-stepping itself (TF) sees this instruction too. */
    struct cpu_regs r;
    cpu_get_regs(m->cpu, &r);
    if (r.eflags & EFLAGS_TF)
        trap_deliver(m, &(struct trap_info){.trap = SPACE_TRAP_DEBUG});
}

/* cpu_run for --trace insn: one instruction, written out once it retired
 * (its bytes are read before it runs: it may overwrite itself). */
static void run_traced(struct machine *m, uint64_t target, struct cpu_stop *s)
{
    struct insn_seen insn;
    see_insn(m, &insn);
    cpu_run(m->cpu, target, s);
    if (cpu_time(m->cpu) > insn.time)
        trace_insn(m, insn.time, insn.ctx, insn.mode, insn.pc, insn.code, insn.len);
}

void machine_wait(struct machine *m)
{
    m->cc->waiting = true;
    PROBE(m, wait, m->cur);
}

void machine_pause(struct machine *m)
{
    m->pause = PAUSE_OBSERVER;
}

/* Ctrl-C was seen: the machine ends at the first look at the next
 * instruction boundary - a point a replay can find again - not wherever
 * the request happened to catch the run loop. True once it has ended. */
static bool interrupt_reached(struct machine *m, uint64_t now)
{
    if (!m->interrupted)
        return false;
    if (!m->interrupt_at)
        m->interrupt_at = now + 1;
    if (now < m->interrupt_at)
        return false;
    m->state = MACHINE_INTERRUPTED;
    m->interrupt_clean = true;
    return true;
}

/* The alarms due run before anything else at their time (in the order
 * of their slots: each owner's alarm is independent of the others). */
static void ring_alarm(struct machine *m, uint64_t now)
{
    for (unsigned i = 0; i < MACHINE_ALARMS && now >= m->alarm_at; i++) {
        struct machine_alarm a = m->alarms[i];
        if (!a.fn || now < a.at)
            continue;
        a.fn(m, a.arg);
        const struct machine_alarm *after = &m->alarms[i];
        if (m->state == MACHINE_RUNNING && after->fn == a.fn && after->arg == a.arg &&
            after->at <= now)
            machine_set_alarm(m, UINT64_MAX, a.fn, a.arg); /* (fn must move it on) */
    }
}

/* What ends or cuts the run at `now` before any device or instruction:
 * Ctrl-C's boundary, the alarm, the limit, the caller's deadline. False:
 * return to the caller (before anything due at the deadline happens). */
bool machine_may_go_on(struct machine *m, uint64_t now, struct run_bounds *b)
{
    if (now != b->last) {
        b->last = now;
        b->stalls = 0;
    } else if (++b->stalls >= MACHINE_MAX_STALLS) {
        machine_stop(m,
                     "the simulator made no progress: %u turns of its run loop at virtual time "
                     "%llu without an instruction (a simulator bug: please report it)",
                     b->stalls, (unsigned long long)now);
        return false;
    }
    if (interrupt_reached(m, now))
        return false;
    ring_alarm(m, now);
    if (m->state != MACHINE_RUNNING)
        return false;
    if (now >= b->limit) {
        m->state = MACHINE_LIMIT;
        return false;
    }
    return now < b->deadline;
}

/* Device events due at `now` fire; a wait ends once an interrupt is
 * pending (or, with nothing left to raise one, so that the machine can
 * stop); the interrupt is delivered. False: return to the caller - the
 * guest waits for a person, the machine ended, or the observer stops at
 * the interrupt's handler. */
static bool fire_and_deliver(struct machine *m, uint64_t now)
{
    struct machine_cpu *c = m->cc;
    bus_fire_due(&m->bus, now);
    m->awaiting_input = false;
    if (c->waiting && (machine_pending_for(m, 0) || (!m->interrupted && bus_idle(&m->bus))))
        c->waiting = false;
    if (c->waiting && m->awaiting_input && !m->interrupted) {
        /* Time stands still while a person types, as it does while a
         * terminal read blocks. */
        m->pause = PAUSE_INPUT;
        return false;
    }
    machine_deliver_interrupt(m);
    return m->state == MACHINE_RUNNING && m->pause != PAUSE_OBSERVER;
}

/* Where time must stop next: the earliest of the next device event,
 * Ctrl-C's boundary, the deadline, the alarm and the limit. False (the
 * machine stopped): it waits for an interrupt nothing can raise. */
static bool next_target(struct machine *m, const struct run_bounds *b, uint64_t *target)
{
    uint64_t t = events_next(&m->bus.events);
    if (m->interrupt_at && m->interrupt_at < t)
        t = m->interrupt_at;
    if (m->cc->waiting && t == UINT64_MAX) {
        machine_stop(m, "the CPU waits for an interrupt that cannot come: no device has "
                        "anything scheduled, and the console has no input to give (it "
                        "ended, or the guest did not ask for it)");
        return false;
    }
    if (b->deadline < t)
        t = b->deadline;
    if (m->alarm_at < t)
        t = m->alarm_at;
    if (b->limit < t)
        t = b->limit;
    *target = t;
    return true;
}

/* What the machine does with each way cpu_run stops. False: return to the
 * caller (a breakpoint or watchpoint); otherwise the loop goes round and
 * looks at what is due, at Ctrl-C and at the machine's state. */
typedef bool (*stop_fn)(struct machine *m, const struct cpu_stop *s);

static bool stop_look_again(struct machine *m, const struct cpu_stop *s)
{
    (void)m, (void)s;
    return true;
}

static bool stop_break(struct machine *m, const struct cpu_stop *s)
{
    (void)s;
    m->pause = PAUSE_BREAK;
    return false;
}

static bool stop_watch(struct machine *m, const struct cpu_stop *s)
{
    m->pause = PAUSE_WATCH;
    m->pause_addr = s->addr;
    m->pause_access = s->access;
    m->pause_watch = s->watch;
    return false;
}

static bool stop_error(struct machine *m, const struct cpu_stop *s)
{
    machine_stop(m, "%s", s->message);
    return true;
}

static bool stop_fault(struct machine *m, const struct cpu_stop *s)
{
    if (s->device)
        device_access(m, s);
    else
        memory_fault(m, s->access | (s->protection ? SPACE_FAULT_PROTECTION : 0), s->addr);
    return true;
}

static bool stop_trap(struct machine *m, const struct cpu_stop *s)
{
    on_vector(m, s);
    return true;
}

static const stop_fn on_stop[] = {
    [CPU_STOP_DEADLINE] = stop_look_again, [CPU_STOP_REQUEST] = stop_look_again,
    [CPU_STOP_HANDLED] = stop_look_again,  [CPU_STOP_BREAK] = stop_break,
    [CPU_STOP_WATCH] = stop_watch,         [CPU_STOP_ERROR] = stop_error,
    [CPU_STOP_FAULT] = stop_fault,         [CPU_STOP_TRAP] = stop_trap,
};

/* Would the run loop, stopped now after a trap was handled, do nothing
 * but run the CPU on to the same target? (What machine_may_go_on,
 * fire_and_deliver and next_target look at; and SPACE_OP_TRACE may have
 * switched on the instruction trace.) */
static bool runs_on(struct machine *m)
{
    uint64_t now = cpu_time(m->cpu), target;
    const struct run_bounds *b = m->bounds;
    if (m->state != MACHINE_RUNNING || m->pause != PAUSE_NONE || m->interrupted ||
        trace_on(m->tracer, TRACE_INSN) || m->observer.traversal || m->observer.resumed ||
        m->cc->waiting || now >= m->alarm_at || now >= b->limit || now >= b->deadline ||
        events_next(&m->bus.events) <= now || (m->cc->ie && machine_pending_for(m, m->cur)))
        return false;
    return next_target(m, b, &target) && target == m->run_target;
}

/* A deliberate trap the CPU offers from inside its run (int n, n >= 32:
 * operations and system calls): handled there, exactly as after a stop,
 * and the run goes on if the loop would only have started it again. Not
 * with several CPUs (sched.c's turns), an instruction trace (each
 * instruction is a run of its own) or an observer (a debugger). */
static enum cpu_trap_outcome trap_in_run(void *arg, uint32_t vector)
{
    struct machine *m = arg;
    if (!m->bounds || trace_on(m->tracer, TRACE_INSN) || m->observer.traversal ||
        m->observer.resumed)
        return CPU_TRAP_NOT_HANDLED;
    stop_trap(m, &(struct cpu_stop){.kind = CPU_STOP_TRAP, .vector = vector, .deliberate = true});
    return runs_on(m) ? CPU_TRAP_GO_ON : CPU_TRAP_STOP;
}

bool machine_run_cpu(struct machine *m, uint64_t target)
{
    struct cpu_stop s;
    uint64_t now = cpu_time(m->cpu);
    m->run_target = target;
    if (trace_on(m->tracer, TRACE_INSN))
        run_traced(m, now + 1 < target ? now + 1 : target, &s);
    else
        cpu_run(m->cpu, target, &s);
    return on_stop[s.kind](m, &s);
}

/* Lets time reach `target`: idle while the CPU waits, else runs it and
 * handles why it stopped. */
static bool advance(struct machine *m, uint64_t target)
{
    if (m->cc->waiting) {
        cpu_idle_until(m->cpu, target);
        return true;
    }
    return machine_run_cpu(m, target);
}

/* Virtual time, as the machine sees it (cpu/cpu.c says how the CPU counts
 * it).
 *
 * - Running: time advances as CPU 0 retires instructions, in cpu_run,
 *   which stops exactly at the next target: the earliest of the next
 *   device event, the alarm, the instruction limit, the caller's deadline
 *   and, once Ctrl-C was seen, the next instruction boundary.
 * - Waiting (SPACE_OP_WAIT): time jumps to the next target without
 *   instructions (counted as idle) until an interrupt is pending. If
 *   nothing could ever raise one, the machine stops.
 * - Waiting for a person (PAUSE_INPUT): time stands still, as it does
 *   while a terminal read blocks; the caller comes back when there is
 *   input.
 * - Between calls, and once the machine has ended, time stands still.
 *
 * Who stops it: the guest (halt, a trap with nowhere to go), the limit,
 * Ctrl-C (at a boundary a replay finds again), and, returning with the
 * machine still running, the deadline, a breakpoint or watchpoint, the
 * observer and a wait for input. Everything due at a time happens in the
 * same order however the run is cut up: the alarm first, then device
 * events, then the interrupt, then instructions.
 *
 * With several CPUs sched.c runs them in turn (its opening comment gives
 * the rule), with the same steps and in machine_now's unit. */
/* One step of the loop below with one CPU: what is due now, then run to
 * the next target. */
static bool one_cpu_step(struct machine *m, uint64_t now, const struct run_bounds *b)
{
    uint64_t target;
    return fire_and_deliver(m, now) && next_target(m, b, &target) && advance(m, target);
}

enum machine_state machine_run_until(struct machine *m, uint64_t deadline)
{
    bool several = m->ncpus > 1;
    struct run_bounds b = {.deadline = deadline,
                           .limit = m->cfg.max_insns ? m->cfg.max_insns : UINT64_MAX};
    if (m->pause == PAUSE_OBSERVER)
        m->pause = PAUSE_NONE;
    const struct run_bounds *outer = m->bounds; /* (an alarm may run the machine) */
    m->bounds = several ? NULL : &b;
    while (m->state == MACHINE_RUNNING && m->pause != PAUSE_OBSERVER) {
        m->pause = PAUSE_NONE;
        uint64_t now = several ? machine_now(m) : cpu_time(m->cpu);
        if (!machine_may_go_on(m, now, &b) ||
            !(several ? sched_step(m, now, &b) : one_cpu_step(m, now, &b)))
            break;
    }
    m->bounds = outer;
    return m->state;
}
