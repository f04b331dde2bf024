/* sdb_views: the machine's state as sdb shows it - registers, PCB chains,
 * portal tables, mappings, TLBs, devices, the virtual time, statistics,
 * and which symbol covers an address. Looking never changes the guest:
 * device registers are peeked (dbg_device_peek), not read. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/stats/stats.h"
#include "sim/core/trap.h"
#include "ui/debugger/debugger.h"
#include "sdb_internal.h"
#include "sim/replay/travel.h"
#include "sim/util/hash.h"
#include "ui/debugger/symbols.h"

void sdb_show_regs(struct cli *c)
{
    struct cpu_regs r;
    cpu_get_regs(c->d.cpu, &r);
    const char *names[] = {"EAX", "EBX", "ECX", "EDX", "ESI", "EDI", "EBP", "ESP"};
    const uint32_t v[] = {r.eax, r.ebx, r.ecx, r.edx, r.esi, r.edi, r.ebp, r.esp};
    for (int i = 0; i < 8; i++)
        fprintf(c->out, "%-7s0x%08x  %d\n", names[i], v[i], (int32_t)v[i]);
    char s[160];
    uint32_t ctx = sdb_cur_ctx(c);
    fprintf(c->out, "EIP    0x%08x%s\n", r.eip, sdb_sym(c, ctx, r.eip, s, sizeof s));
    static const struct {
        uint32_t bit;
        const char *name;
    } flags[] = {{0x1, "CF"},  {0x4, "PF"},   {0x10, "AF"},  {0x40, "ZF"},
                 {0x80, "SF"}, {0x100, "TF"}, {0x400, "DF"}, {0x800, "OF"}};
    fprintf(c->out, "EFLAGS 0x%08x  [", r.eflags);
    for (unsigned i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (r.eflags & flags[i].bit)
            fprintf(c->out, " %s", flags[i].name);
    fprintf(c->out, " ]\n");
    const char *prog = symbols_program_in(c->sym, ctx);
    unsigned i = c->d.cpu_idx;
    bool several = machine_ncpus(c->m) > 1;
    if (several)
        fprintf(c->out, "CPU %u  ", i);
    /* The kernel's name for the CONTEXT (space_context_name), when the
     * symbols do not say it already. */
    const char *name = machine_context_name(c->m, ctx);
    bool named = name[0] && !(prog && !strcmp(prog, name));
    fprintf(c->out, "CONTEXT %u  MODE %u  interrupts %s%s%s%s%s%s\n", ctx, cpu_mode(c->d.cpu),
            machine_cpu_interrupts_enabled(c->m, i) ? "enabled" : "disabled",
            machine_cpu_halted(c->m, i)    ? "  (halted: not started)"
            : machine_cpu_waiting(c->m, i) ? "  (waiting for an interrupt)"
                                           : "",
            prog ? "  program " : "", prog ? prog : "", named ? "  named " : "", named ? name : "");
    if (several)
        fprintf(c->out, "virtual time %llu  (CPU %u: %llu)\n",
                (unsigned long long)machine_now(c->m), i, (unsigned long long)cpu_time(c->d.cpu));
    else
        fprintf(c->out, "virtual time %llu\n", (unsigned long long)machine_now(c->m));
}

void sdb_cmd_regs(struct cli *c, int argc, char **argv)
{
    (void)argv;
    if (!sdb_no_args(c, argc, "regs"))
        return;
    sdb_show_regs(c);
}

void sdb_info_symbol(struct cli *c, int argc, char **argv)
{
    int ctx = (int)sdb_cur_ctx(c);
    if (!sdb_take_ctx(c, &argc, argv, &ctx))
        return;
    uint32_t addr;
    if (argc != 3 || !sdb_parse_addr(c, argv[2], (uint32_t)ctx, &addr, NULL))
        return;
    char s[160];
    sdb_sym(c, (uint32_t)ctx, addr, s, sizeof s);
    if (s[0])
        fprintf(c->out, "0x%x is%s in CONTEXT %d\n", addr, s, ctx);
    else
        fprintf(c->out, "no symbol covers 0x%x in CONTEXT %d\n", addr, ctx);
}

static void show_pcb(struct cli *c, const struct space_pcb *p, const char *lead)
{
    char s[160];
    fprintf(c->out, "%strap %u (%s, cause %u) from CONTEXT %u MODE %u pc 0x%x%s ie %u\n", lead,
            p->trap, trap_describe(p->trap), p->cause, p->ctx, p->mode, p->pc,
            sdb_sym(c, p->ctx, p->pc, s, sizeof s), p->ie);
    fprintf(c->out, "       EAX 0x%08x EBX 0x%08x ECX 0x%08x EDX 0x%08x\n", p->eax, p->ebx, p->ecx,
            p->edx);
    fprintf(c->out, "       ESI 0x%08x EDI 0x%08x EBP 0x%08x ESP 0x%08x\n", p->esi, p->edi, p->ebp,
            p->esp);
    fprintf(c->out, "       EFLAGS 0x%08x", p->eflags);
    if (p->cause == SPACE_TRAP_MEMORY_FAULT || p->trap == SPACE_TRAP_MEMORY_FAULT) {
        const char *kind = p->access & SPACE_FAULT_EXECUTE ? "execute"
                           : p->access & SPACE_FAULT_WRITE ? "write"
                                                           : "read";
        fprintf(c->out, "  fault: %s of 0x%x, %s%s (access 0x%x)", kind, p->addr,
                p->access & SPACE_FAULT_PROTECTION ? "not permitted" : "not mapped",
                p->access & SPACE_FAULT_DEVICE ? ", device register" : "", p->access);
    } else if (p->addr) {
        fprintf(c->out, "  addr 0x%x", p->addr);
    }
    fputc('\n', c->out);
}

/* A chain's PCBs, newest first, numbered from 0 (the newest). */
static void show_chain(struct cli *c, const struct pcb_chain *ch, const char *indent)
{
    for (uint32_t i = ch->depth; i-- > 0;) {
        char lead[16];
        snprintf(lead, sizeof lead, "%s#%u  ", indent, ch->depth - 1 - i);
        show_pcb(c, &ch->pcb[i], lead);
    }
}

void sdb_cmd_pcb(struct cli *c, int argc, char **argv)
{
    (void)argv;
    if (!sdb_no_args(c, argc, "pcb"))
        return;
    const struct pcb_chain *ch = machine_cpu_chain(c->m, c->d.cpu_idx);
    char who[16] = "the CPU";
    if (machine_ncpus(c->m) > 1)
        snprintf(who, sizeof who, "CPU %u", c->d.cpu_idx);
    if (!ch->depth)
        fprintf(c->out, "PCB chain of %s: empty\n", who);
    else
        fprintf(c->out, "PCB chain of %s: %u PCB%s, newest first\n", who, ch->depth,
                ch->depth == 1 ? "" : "s");
    show_chain(c, ch, "  ");
    fprintf(c->out, "suspended chains: %u\n", machine_pcbs(c->m)->live);
    for (uint32_t slot = 0; slot < SPACE_SUSPENDED_MAX; slot++) {
        const struct suspended *sp = &machine_pcbs(c->m)->slot[slot];
        if (!sp->chain)
            continue;
        /* the token Unsuspend takes (sim/core/pcb.c: slot + 1, generation above) */
        uint32_t token = ((sp->generation & 0x3ffffu) << 13) | (slot + 1);
        fprintf(c->out, "  token %u: %u PCB%s\n", token, sp->chain->depth,
                sp->chain->depth == 1 ? "" : "s");
        show_chain(c, sp->chain, "    ");
    }
}

static bool same_portal(const struct portal *a, const struct portal *b)
{
    return a && b && a->ctx == b->ctx && a->mode == b->mode && a->pc == b->pc &&
           a->modeaccess == b->modeaccess;
}

void sdb_cmd_portals(struct cli *c, int argc, char **argv)
{
    uint32_t ctx;
    if (!sdb_parse_ctx_arg(c, argc, argv, &ctx))
        return;
    int n = 0;
    char s[160];
    for (uint32_t t = 0; t < SPACE_TRAPS; t++) {
        const struct portal *p = portal_get(machine_portals(c->m), ctx, t);
        if (!p)
            continue;
        /* runs of traps of one kind going to the same place: one line */
        uint32_t last = t;
        while (last + 1 < SPACE_TRAPS &&
               same_portal(p, portal_get(machine_portals(c->m), ctx, last + 1)) &&
               !strcmp(trap_describe(t), trap_describe(last + 1)))
            last++;
        if (!n++)
            fprintf(c->out, "portals of CONTEXT %u:\n", ctx);
        char from[32] = "", traps[16];
        size_t used = 0;
        for (uint32_t mode = 0; mode < SPACE_MODES; mode++)
            if (portal_allows(p, mode)) {
                int w = snprintf(from + used, sizeof from - used, "%s%u", used ? "," : "", mode);
                used += w > 0 ? (size_t)w : 0;
            }
        if (last > t)
            snprintf(traps, sizeof traps, "%u-%u", t, last);
        else
            snprintf(traps, sizeof traps, "%u", t);
        fprintf(c->out, "  trap %7s %-14s -> CONTEXT %u MODE %u pc 0x%08x%s  int n from MODE %s\n",
                traps, trap_describe(t), p->ctx, p->mode, p->pc,
                sdb_sym(c, p->ctx, p->pc, s, sizeof s), used ? from : "none");
        t = last;
    }
    if (!n)
        fprintf(c->out, "CONTEXT %u has no portals\n", ctx);
}

struct map_run {
    struct cli *c;
    uint32_t start, end, paddr; /* [start, end) -> paddr */
    uint32_t access;
    bool open;
    uint32_t pages;
};

static void map_flush(struct map_run *r)
{
    if (!r->open)
        return;
    char a[64];
    dbg_access_text(r->access, a, sizeof a);
    fprintf(r->c->out, "  0x%08x-0x%08x -> 0x%08x  %s\n", r->start, r->end - 1, r->paddr, a);
    r->open = false;
}

static int map_visit(uint32_t vaddr, map_entry e, void *arg)
{
    struct map_run *r = arg;
    r->pages++;
    if (r->open && vaddr == r->end && MAP_ACCESS(e) == r->access &&
        MAP_PADDR(e) == r->paddr + (r->end - r->start)) {
        r->end += 4096;
        return 0;
    }
    map_flush(r);
    *r = (struct map_run){.c = r->c,
                          .start = vaddr,
                          .end = vaddr + 4096,
                          .paddr = MAP_PADDR(e),
                          .access = MAP_ACCESS(e),
                          .open = true,
                          .pages = r->pages};
    return 0;
}

void sdb_cmd_maps(struct cli *c, int argc, char **argv)
{
    uint32_t ctx;
    if (!sdb_parse_ctx_arg(c, argc, argv, &ctx))
        return;
    const struct maptable *t = &machine_mmu(c->m)->ctx[ctx].table;
    if (!t->mapped) {
        fprintf(c->out, "CONTEXT %u maps nothing\n", ctx);
        return;
    }
    fprintf(c->out, "mappings of CONTEXT %u (%u pages): virtual -> physical, access per MODE\n",
            ctx, t->mapped);
    struct map_run r = {.c = c};
    maptable_each(t, map_visit, &r);
    map_flush(&r);
}

void sdb_cmd_tlb(struct cli *c, int argc, char **argv)
{
    uint32_t ctx;
    if (!sdb_parse_ctx_arg(c, argc, argv, &ctx))
        return;
    const struct tlb *t = &machine_mmu(c->m)->ctx[ctx].tlb;
    unsigned valid = 0;
    for (int s = 0; s < TLB_SETS; s++)
        for (int w = 0; w < TLB_WAYS; w++)
            valid += t->slot[s][w].valid;
    fprintf(c->out, "TLB of CONTEXT %u: %u of %u entries valid (%d sets x %d ways)\n", ctx, valid,
            TLB_CAPACITY, TLB_SETS, TLB_WAYS);
    for (int s = 0; s < TLB_SETS; s++)
        for (int w = 0; w < TLB_WAYS; w++) {
            const struct tlb_slot *sl = &t->slot[s][w];
            if (!sl->valid)
                continue;
            char a[64];
            dbg_access_text(MAP_ACCESS(sl->entry), a, sizeof a);
            fprintf(c->out, "  set %2d way %d: 0x%08x -> 0x%08x  %s%s\n", s, w, sl->vpage << 12,
                    MAP_PADDR(sl->entry), a, sl->large ? "  64 KiB page" : "");
        }
    const struct tlb_stats *st = &t->stats;
    fprintf(c->out, "hits %llu  misses %llu  flushes %llu  evictions %llu  invalidations %llu\n",
            (unsigned long long)st->hits, (unsigned long long)st->misses,
            (unsigned long long)st->flushes, (unsigned long long)st->evictions,
            (unsigned long long)st->invalidations);
}

/* One line per CPU: its state, interrupts, chain depth and where it is;
 * '*' marks the one the views show. */
static void show_cpus(struct cli *c)
{
    for (unsigned i = 0; i < machine_ncpus(c->m); i++) {
        struct cpu *k = machine_cpu(c->m, i);
        const char *state = machine_cpu_halted(c->m, i)    ? "halted"
                            : machine_cpu_waiting(c->m, i) ? "waiting"
                                                           : "running";
        fprintf(c->out, "%c cpu %u  %-7s  interrupts %-8s  chain %u  CONTEXT %u MODE %u",
                i == c->d.cpu_idx ? '*' : ' ', i, state,
                machine_cpu_interrupts_enabled(c->m, i) ? "enabled" : "disabled",
                machine_cpu_chain(c->m, i)->depth, cpu_context(k), cpu_mode(k));
        if (!machine_cpu_halted(c->m, i)) {
            struct cpu_regs r;
            char s[160];
            cpu_get_regs(k, &r);
            fprintf(c->out, "  pc 0x%x%s", r.eip, sdb_sym(c, cpu_context(k), r.eip, s, sizeof s));
        }
        fputc('\n', c->out);
    }
}

void sdb_cmd_cpu(struct cli *c, int argc, char **argv)
{
    uint32_t n;
    if (argc > 2 || (argc == 2 && !sdb_parse_u32(argv[1], &n))) {
        sdb_error(c, "usage: cpu [N] (N a CPU number)");
        return;
    }
    if (argc == 2) {
        if (!dbg_select_cpu(&c->d, n)) {
            sdb_error(c, "no CPU %u: the machine has CPUs 0..%u", n, machine_ncpus(c->m) - 1);
            return;
        }
    }
    show_cpus(c);
}

void sdb_cmd_devices(struct cli *c, int argc, char **argv)
{
    (void)argv;
    if (!sdb_no_args(c, argc, "devices"))
        return;
    struct bus *b = machine_bus(c->m);
    for (unsigned i = 0; i < b->ndev; i++) {
        struct device *d = &b->dev[i];
        unsigned line = d->line;
        fprintf(c->out,
                "device %u: %s unit %u, registers at 0x%08x, interrupt line %u (trap %u)%s, "
                "%llu raised, %llu delivered\n",
                i, d->kind->name, d->unit, d->regs, line, d->trap,
                b->pending & (1ull << i) ? ", pending" : "", (unsigned long long)d->interrupts,
                (unsigned long long)b->stats.dev_interrupts[i]);
        for (const struct device_reg *r = d->kind->registers; r && r->name; r++) {
            uint32_t v = dbg_device_peek(d, r->offset);
            fprintf(c->out, "  0x%02x %-12s 0x%08x  %u\n", r->offset, r->name, v, v);
        }
    }
    if (!b->ndev)
        fprintf(c->out, "no devices\n");
}

void sdb_cmd_time(struct cli *c, int argc, char **argv)
{
    (void)argv;
    if (!sdb_no_args(c, argc, "time"))
        return;
    fprintf(c->out, "virtual time %llu\n", (unsigned long long)machine_now(c->m));
    struct travel *t = c->d.travel;
    if (t)
        fprintf(c->out,
                "time travel: back to %llu; %u snapshots and the input log: %.1f MiB of a "
                "%.1f MiB budget\n",
                (unsigned long long)travel_start(t), travel_snapshots(t),
                travel_bytes(t) / 1048576.0, travel_budget(t) / 1048576.0);
}

/* Two states compared in one line: RAM, and every CPU's registers, time,
 * CONTEXT and MODE (the time travel tests compare reverse and forward
 * stops with it). */
void sdb_cmd_hash(struct cli *c, int argc, char **argv)
{
    (void)argv;
    if (!sdb_no_args(c, argc, "hash"))
        return;
    uint32_t size = machine_config(c->m)->ram_size;
    const void *ram = physmem_ptr(machine_physmem(c->m), 0, size);
    uint64_t cpus = 0;
    for (unsigned i = 0; i < machine_ncpus(c->m); i++) {
        struct cpu *cpu = machine_cpu(c->m, i);
        struct cpu_regs r;
        cpu_get_regs(cpu, &r);
        uint64_t more[3] = {cpu_time(cpu), cpu_context(cpu), cpu_mode(cpu)};
        cpus = hash64(more, sizeof more, hash64(&r, sizeof r, cpus));
    }
    fprintf(c->out, "virtual time %llu ram %016llx cpus %016llx\n",
            (unsigned long long)machine_now(c->m),
            (unsigned long long)(ram ? hash64(ram, size, 0) : 0), (unsigned long long)cpus);
}

/* The report of --stats (sim/stats/stats.h), at this point of the run. */
void sdb_cmd_stats(struct cli *c, int argc, char **argv)
{
    bool json = argc == 2 && !strcmp(argv[1], "json");
    if (argc > 2 || (argc == 2 && !json)) {
        sdb_error(c, "usage: stats [json]");
        return;
    }
    json_t *stats = stats_machine(c->m);
    if (!stats) {
        sdb_error(c, "out of host memory");
        return;
    }
    (json ? stats_write_json : stats_write_text)(c->out, stats);
    json_decref(stats);
}
