#include "debug_cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/platform.h"
#include "../sim/stats.h"
#include "../sim/trap.h"
#include "debugger.h"
#include "lineedit.h"
#include "symbols.h"

#define MAX_ITEMS          128
#define MAX_ARGS           16
#define DISAS_DEFAULT      10
#define DISAS_FUNCTION_MAX 400
#define X_MAX              4096
#define STRING_MAX         256

/* ---- State ---- */

enum item_kind { ITEM_BREAK, ITEM_WATCH, ITEM_CATCH_TRAP, ITEM_CATCH_PORTAL, ITEM_CATCH_SPACE };

/* A breakpoint, watchpoint or catchpoint, numbered as the user sees it. */
struct item {
    bool used;
    int number; /* as the user sees it: 1, 2, ... never reused */
    enum item_kind kind;
    int core;            /* its number in the core (breakpoints, watchpoints) */
    uint32_t addr, len;  /* break, watch */
    int ctx;             /* DBG_ANY_CONTEXT or one CONTEXT */
    const char *program; /* break on a program's symbol: only where it runs */
    char label[160];     /* break: " <symbol>" as it was set */
    bool on_read, on_write;
    uint32_t trap; /* catch trap */
    uint64_t hits;
};

struct cli {
    struct machine *m;
    struct debugger d;
    struct symbols *sym;
    struct lineedit *le;
    FILE *out;
    struct item item[MAX_ITEMS];
    int last_number;
    char repeat[64]; /* the last step/continue, for an empty line */
    bool quit;
};

static struct machine *volatile running; /* for Ctrl-C: only while it runs */

static void on_ctrl_c(void)
{
    struct machine *m = running;
    if (m)
        machine_interrupt(m);
}

/* One error line. */
static void error(struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void error(struct cli *c, const char *fmt, ...)
{
    va_list ap;
    fflush(c->out);
    fputs("sdb: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

static uint32_t read_memory(void *arg, uint32_t ctx, uint32_t vaddr, void *buf, uint32_t len)
{
    return dbg_read_virtual(arg, ctx, vaddr, buf, len);
}

static uint32_t cur_ctx(struct cli *c)
{
    return cpu_context(c->m->cpu);
}

static uint32_t cur_pc(struct cli *c)
{
    struct cpu_regs r;
    cpu_get_regs(c->m->cpu, &r);
    return r.eip;
}

static const char *sym(struct cli *c, uint32_t ctx, uint32_t addr, char *buf, unsigned len)
{
    return symbols_format(c->sym, ctx, addr, buf, len);
}

/* ---- Parsing ---- */

static bool parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+')
        return false;
    int base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        if (!isxdigit((unsigned char)*s))
            return false;
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, base);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

static bool parse_u32(const char *s, uint32_t *out)
{
    uint64_t v;
    if (!parse_u64(s, &v) || v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

static bool reg_value(struct cli *c, const char *name, uint32_t *v)
{
    struct cpu_regs r;
    cpu_get_regs(c->m->cpu, &r);
    static const char *const names[] = {"eax", "ebx", "ecx", "edx", "esi",   "edi",
                                        "ebp", "esp", "eip", "pc",  "eflags"};
    const uint32_t vals[] = {r.eax, r.ebx, r.ecx, r.edx, r.esi,   r.edi,
                             r.ebp, r.esp, r.eip, r.eip, r.eflags};
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *a = names[i], *b = name;
        while (*a && tolower((unsigned char)*b) == *a)
            a++, b++;
        if (!*a && !*b) {
            *v = vals[i];
            return true;
        }
    }
    return false;
}

/* An address: a number (decimal or 0x hex), $register, SYMBOL or
 * PROGRAM:SYMBOL, each optionally +N or -N. *hit (if not NULL) gets the
 * symbol named, hit->name NULL if none. */
static bool parse_addr(struct cli *c, const char *text, uint32_t ctx, uint32_t *out,
                       struct symbol_hit *hit)
{
    char base[128];
    const char *op = NULL;
    for (const char *p = text + 1; *p; p++)
        if (*p == '+' || *p == '-') {
            op = p;
            break;
        }
    size_t n = op ? (size_t)(op - text) : strlen(text);
    if (n >= sizeof base || n == 0) {
        error(c, "'%s' is not an address", text);
        return false;
    }
    memcpy(base, text, n);
    base[n] = 0;
    uint32_t v, off = 0;
    if (hit)
        hit->name = NULL;
    if (op && !parse_u32(op + 1, &off)) {
        error(c, "'%s' is not an offset", op + 1);
        return false;
    }
    if (base[0] == '$') {
        if (!reg_value(c, base + 1, &v)) {
            error(c, "no register '%s'", base);
            return false;
        }
    } else if (isdigit((unsigned char)base[0])) {
        if (!parse_u32(base, &v)) {
            error(c, "'%s' is not a number (decimal, or hex with 0x)", base);
            return false;
        }
    } else {
        struct symbol_hit h;
        char err[256];
        if (symbols_find(c->sym, base, ctx, &h, err, sizeof err) != 0) {
            error(c, "%s", err);
            return false;
        }
        v = h.addr;
        if (hit)
            *hit = h;
    }
    *out = op && *op == '-' ? v - off : v + off;
    return true;
}

/* Takes "ctx N" (or "context N") out of the arguments. *ctx is left alone
 * if there is none. */
static bool take_ctx(struct cli *c, int *argc, char **argv, int *ctx)
{
    for (int i = 0; i < *argc; i++) {
        if (strcmp(argv[i], "ctx") && strcmp(argv[i], "context") && strcmp(argv[i], "CONTEXT"))
            continue;
        uint32_t v;
        if (i + 1 >= *argc || !parse_u32(argv[i + 1], &v) || v >= SPACE_CONTEXTS) {
            error(c, "%s needs a CONTEXT number 0..%d", argv[i], SPACE_CONTEXTS - 1);
            return false;
        }
        *ctx = (int)v;
        for (int j = i; j + 2 < *argc; j++)
            argv[j] = argv[j + 2];
        *argc -= 2;
        return true;
    }
    return true;
}

static bool parse_ctx_arg(struct cli *c, int argc, char **argv, uint32_t *ctx)
{
    *ctx = cur_ctx(c);
    if (argc < 2)
        return true;
    if (argc > 2 || !parse_u32(argv[1], ctx) || *ctx >= SPACE_CONTEXTS) {
        error(c, "%s takes a CONTEXT number 0..%d", argv[0], SPACE_CONTEXTS - 1);
        return false;
    }
    return true;
}

#define CTX_UNSET (-2)

/* The CONTEXT a command works in, after its address was parsed: the one
 * given ("ctx N"), else the current one - but a program's symbol is looked
 * at in a CONTEXT that holds that program (the current one if it does),
 * and a kernel symbol the current CONTEXT does not map in CONTEXT 0. */
static bool pick_ctx(struct cli *c, int given, const struct symbol_hit *h, uint32_t addr,
                     uint32_t *ctx)
{
    *ctx = given >= 0 ? (uint32_t)given : cur_ctx(c);
    if (given >= 0 || !h || !h->name)
        return true;
    if (!h->program) {
        uint8_t b;
        if (*ctx && !dbg_read_virtual(&c->d, *ctx, addr, &b, 1) &&
            dbg_read_virtual(&c->d, 0, addr, &b, 1))
            *ctx = 0;
        return true;
    }
    const char *here = symbols_program_in(c->sym, *ctx);
    if (here && !strcmp(here, h->program))
        return true;
    for (uint32_t x = 1; x < SPACE_CONTEXTS; x++) {
        const char *p = symbols_program_in(c->sym, x);
        if (p && !strcmp(p, h->program)) {
            *ctx = x;
            return true;
        }
    }
    error(c, "no CONTEXT holds program %s now (say ctx N)", h->program);
    return false;
}

/* ---- Showing code ---- */

static bool break_at(struct cli *c, uint32_t addr, uint32_t ctx)
{
    for (int i = 0; i < MAX_ITEMS; i++) {
        const struct item *it = &c->item[i];
        if (it->used && it->kind == ITEM_BREAK && it->addr == addr &&
            (it->ctx == DBG_ANY_CONTEXT || (uint32_t)it->ctx == ctx))
            return true;
    }
    return false;
}

/* Disassembles one instruction at addr in ctx (virtual) or physical
 * memory; prints "PREFIX0xADDR <sym>: text". Returns its length, 0 if
 * nothing could be read. */
static unsigned show_insn(struct cli *c, uint32_t ctx, bool physical, uint32_t addr,
                          const char *prefix)
{
    char text[160], s[160];
    unsigned len;
    if (physical) {
        uint8_t buf[16];
        uint32_t got = dbg_read_physical(&c->d, addr, buf, sizeof buf);
        for (uint32_t n = sizeof buf - 1; n && !got; n--) /* (near the end of RAM) */
            got = dbg_read_physical(&c->d, addr, buf, n);
        if (!got)
            return 0;
        len = cpu_disassemble(c->m->cpu, buf, got, addr, text, sizeof text);
        if (!len) {
            snprintf(text, sizeof text, "(bad) .byte 0x%02x", buf[0]);
            len = 1;
        }
    } else if (!(len = dbg_disassemble(&c->d, ctx, addr, text, sizeof text))) {
        return 0;
    }
    fprintf(c->out, "%s0x%08x%s: %s\n", prefix, addr,
            physical ? "" : sym(c, ctx, addr, s, sizeof s), text);
    return len;
}

static void show_location(struct cli *c)
{
    uint32_t pc = cur_pc(c), ctx = cur_ctx(c);
    if (!show_insn(c, ctx, false, pc, "=> "))
        fprintf(c->out, "=> 0x%08x: (not mapped in CONTEXT %u)\n", pc, ctx);
}

/* Lists n instructions from addr in ctx, marking the pc and breakpoints. */
static void disassemble(struct cli *c, uint32_t ctx, bool physical, uint32_t addr, uint32_t n,
                        uint32_t end)
{
    uint32_t pc = cur_pc(c);
    bool here = ctx == cur_ctx(c);
    for (uint32_t i = 0; i < n && (!end || addr < end); i++) {
        char prefix[4];
        snprintf(prefix, sizeof prefix, "%s%c", !physical && here && addr == pc ? "=>" : "  ",
                 !physical && break_at(c, addr, ctx) ? '*' : ' ');
        unsigned len = show_insn(c, ctx, physical, addr, prefix);
        if (!len) {
            if (physical)
                error(c, "physical address 0x%x is not RAM", addr);
            else
                error(c, "address 0x%x is not mapped in CONTEXT %u", addr, ctx);
            return;
        }
        addr += len;
    }
}

/* ---- Running ---- */

static struct item *item_of_core(struct cli *c, enum item_kind kind, int core)
{
    for (int i = 0; i < MAX_ITEMS; i++)
        if (c->item[i].used && c->item[i].kind == kind && c->item[i].core == core)
            return &c->item[i];
    return NULL;
}

static const char *ended_text(struct machine *m)
{
    switch (m->state) {
    case MACHINE_HALTED: return "halted";
    case MACHINE_LIMIT: return "reached its instruction limit";
    default: return "stopped";
    }
}

static void report(struct cli *c, struct dbg_stop *stop)
{
    char s1[160], s2[160];
    uint32_t ctx = cur_ctx(c);
    struct item *it;
    switch (stop->kind) {
    case DBG_STEPPED:
    case DBG_TEMP: break;
    case DBG_BREAKPOINT:
        it = item_of_core(c, ITEM_BREAK, stop->id);
        fprintf(c->out, "breakpoint %d at 0x%x%s, CONTEXT %u MODE %u\n", it ? it->number : stop->id,
                cur_pc(c), sym(c, ctx, cur_pc(c), s1, sizeof s1), ctx, cpu_mode(c->m->cpu));
        break;
    case DBG_WATCHPOINT: {
        it = item_of_core(c, ITEM_WATCH, stop->id);
        uint32_t wctx = it ? (uint32_t)it->ctx : ctx;
        fprintf(c->out, "watchpoint %d: %s of 0x%x%s in CONTEXT %u", it ? it->number : stop->id,
                stop->write ? "write" : "read", stop->addr, sym(c, wctx, stop->addr, s1, sizeof s1),
                wctx);
        /* the instruction is the one before the pc: the core's text has it */
        const char *by = strstr(stop->text, "by the instruction at ");
        uint32_t at;
        if (by && parse_u32(by + 22, &at))
            fprintf(c->out, " by the instruction at 0x%x%s", at, sym(c, wctx, at, s2, sizeof s2));
        uint32_t v = 0, len = it && it->len < 4 ? it->len : 4;
        if (dbg_read_virtual(&c->d, wctx, stop->addr, &v, len) == len)
            fprintf(c->out, "; value now 0x%0*x", (int)len * 2, v);
        fputc('\n', c->out);
        break;
    }
    default: fprintf(c->out, "%s\n", stop->text); break;
    }
    if (stop->kind == DBG_ENDED) {
        if (c->m->state == MACHINE_STOPPED)
            machine_describe_chain(c->m, c->out);
        if (c->m->state == MACHINE_HALTED) {
            fprintf(c->out, "virtual time %llu\n", (unsigned long long)cpu_time(c->m->cpu));
            return;
        }
    }
    show_location(c);
}

enum run_how { RUN_STEP, RUN_CONTINUE, RUN_NEXT };

/* Runs: n instructions (step), until something stops it (continue), or
 * over the instruction at the pc (next: a call or int n until it returns). */
static void run(struct cli *c, enum run_how how, uint64_t n)
{
    struct machine *m = c->m;
    if (m->state != MACHINE_RUNNING) {
        error(c, "the machine has %s: nothing more to run (quit, or inspect it)", ended_text(m));
        return;
    }
    bool over = how == RUN_NEXT && dbg_over_arm(&c->d);
    struct dbg_temp armed = c->d.temp;
    if (how == RUN_NEXT && !over) {
        how = RUN_STEP; /* not a call: next is one step */
        n = 1;
    }
    uint64_t start = cpu_time(m->cpu);
    uint64_t target = start + n < start ? UINT64_MAX : start + n;
    struct dbg_stop stop;
    fflush(c->out);
    for (;;) {
        running = m;
        if (how == RUN_STEP)
            dbg_step(&c->d, target - cpu_time(m->cpu), &stop);
        else
            dbg_continue(&c->d, &stop);
        running = NULL;
        symbols_memory_changed(c->sym);
        if (stop.kind != DBG_BREAKPOINT)
            break;
        struct item *it = item_of_core(c, ITEM_BREAK, stop.id);
        if (it && it->program) {
            const char *here = symbols_program_in(c->sym, cur_ctx(c));
            if (!here || strcmp(here, it->program) != 0) {
                /* another program at the same address: not this one */
                if (how == RUN_STEP && cpu_time(m->cpu) >= target) {
                    stop.kind = DBG_STEPPED;
                    break;
                }
                if (over) /* (the stop disarmed it) */
                    dbg_temp_break(&c->d, armed.addr, armed.ctx, armed.min_esp);
                continue;
            }
        }
        if (it)
            it->hits++;
        break;
    }
    fflush(stdout);
    report(c, &stop);
}

/* ---- Commands ---- */

struct command {
    const char *name, *alias;
    void (*fn)(struct cli *c, int argc, char **argv);
    const char *usage, *help;
};

static void cmd_step(struct cli *c, int argc, char **argv)
{
    uint64_t n = 1;
    if (argc > 2 || (argc == 2 && (!parse_u64(argv[1], &n) || !n))) {
        error(c, "step takes a positive instruction count");
        return;
    }
    snprintf(c->repeat, sizeof c->repeat, "step %llu", (unsigned long long)n);
    run(c, RUN_STEP, n);
}

static void cmd_next(struct cli *c, int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        error(c, "next takes no arguments");
        return;
    }
    snprintf(c->repeat, sizeof c->repeat, "next");
    run(c, RUN_NEXT, 0);
}

static void cmd_continue(struct cli *c, int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        error(c, "continue takes no arguments");
        return;
    }
    snprintf(c->repeat, sizeof c->repeat, "continue");
    run(c, RUN_CONTINUE, 0);
}

static struct item *new_item(struct cli *c)
{
    for (int i = 0; i < MAX_ITEMS; i++)
        if (!c->item[i].used) {
            c->item[i] = (struct item){.used = true};
            return &c->item[i];
        }
    error(c, "too many breakpoints, watchpoints and catchpoints (%d)", MAX_ITEMS);
    return NULL;
}

static int number_of(const struct item *it)
{
    return it->number;
}

static struct item *item_numbered(struct cli *c, uint32_t n)
{
    for (int i = 0; i < MAX_ITEMS; i++)
        if (c->item[i].used && (uint32_t)c->item[i].number == n)
            return &c->item[i];
    return NULL;
}

static void cmd_break(struct cli *c, int argc, char **argv)
{
    int ctx = DBG_ANY_CONTEXT;
    if (!take_ctx(c, &argc, argv, &ctx))
        return;
    if (argc > 2) {
        error(c, "usage: break [ADDR|SYMBOL] [ctx N]");
        return;
    }
    uint32_t addr = cur_pc(c);
    struct symbol_hit h = {0};
    uint32_t look = ctx == DBG_ANY_CONTEXT ? cur_ctx(c) : (uint32_t)ctx;
    if (argc == 2 && !parse_addr(c, argv[1], look, &addr, &h))
        return;
    struct item *it = new_item(c);
    if (!it)
        return;
    int core = dbg_break_add(&c->d, addr, ctx);
    if (core < 0) {
        it->used = false;
        error(c, "too many breakpoints (%d)", DBG_MAX_BREAKS);
        return;
    }
    *it = (struct item){.used = true,
                        .kind = ITEM_BREAK,
                        .core = core,
                        .addr = addr,
                        .ctx = ctx,
                        .program = h.name && ctx == DBG_ANY_CONTEXT ? h.program : NULL};
    it->number = ++c->last_number;
    char s[160];
    if (h.name) {
        char off[16] = "";
        if (addr != h.addr)
            snprintf(off, sizeof off, "%+d", (int)(addr - h.addr));
        snprintf(s, sizeof s, " <%s%s%s%s>", h.program ? h.program : "", h.program ? ":" : "",
                 h.name, off);
    } else {
        sym(c, look, addr, s, sizeof s);
    }
    snprintf(it->label, sizeof it->label, "%s", s);
    fprintf(c->out, "breakpoint %d at 0x%x%s", number_of(it), addr, s);
    if (ctx != DBG_ANY_CONTEXT)
        fprintf(c->out, " in CONTEXT %d", ctx);
    else if (it->program)
        fprintf(c->out, " (in CONTEXTs running %s)", it->program);
    fputc('\n', c->out);
}

static void watch(struct cli *c, int argc, char **argv, bool on_read, bool on_write)
{
    int given = CTX_UNSET;
    if (!take_ctx(c, &argc, argv, &given))
        return;
    if (argc < 2 || argc > 3) {
        error(c, "usage: %s ADDR [LEN] [ctx N]", argv[0]);
        return;
    }
    uint32_t addr, len = 4, cx;
    struct symbol_hit h;
    if (!parse_addr(c, argv[1], given >= 0 ? (uint32_t)given : cur_ctx(c), &addr, &h) ||
        !pick_ctx(c, given, &h, addr, &cx))
        return;
    int ctx = (int)cx;
    if (h.name && h.size && addr == h.addr)
        len = h.size;
    if (argc == 3 && (!parse_u32(argv[2], &len) || !len || (uint64_t)addr + len > 0x100000000ull)) {
        error(c, "'%s' is not a length (1 or more bytes, within the address space)", argv[2]);
        return;
    }
    struct item *it = new_item(c);
    if (!it)
        return;
    int core = dbg_watch_add(&c->d, addr, len, on_read, on_write, ctx);
    if (core < 0) {
        it->used = false;
        error(c, "too many watchpoints (%d)", DBG_MAX_WATCHES);
        return;
    }
    *it = (struct item){.used = true,
                        .kind = ITEM_WATCH,
                        .core = core,
                        .addr = addr,
                        .len = len,
                        .ctx = ctx,
                        .on_read = on_read,
                        .on_write = on_write};
    it->number = ++c->last_number;
    char s[160];
    fprintf(c->out, "watchpoint %d (%s) on 0x%x%s, %u bytes, in CONTEXT %d\n", number_of(it),
            on_read && on_write ? "read/write"
            : on_read           ? "read"
                                : "write",
            addr, sym(c, (uint32_t)ctx, addr, s, sizeof s), len, ctx);
}

static void cmd_watch(struct cli *c, int argc, char **argv)
{
    watch(c, argc, argv, false, true);
}

static void cmd_rwatch(struct cli *c, int argc, char **argv)
{
    watch(c, argc, argv, true, false);
}

static void cmd_awatch(struct cli *c, int argc, char **argv)
{
    watch(c, argc, argv, true, true);
}

static void cmd_catch(struct cli *c, int argc, char **argv)
{
    enum item_kind kind;
    uint32_t trap = 0;
    if (argc == 3 && !strcmp(argv[1], "trap")) {
        if (!parse_u32(argv[2], &trap) || trap >= SPACE_TRAPS) {
            error(c, "catch trap needs a trap number 0..%d", SPACE_TRAPS - 1);
            return;
        }
        kind = ITEM_CATCH_TRAP;
    } else if (argc == 2 && !strcmp(argv[1], "portal")) {
        kind = ITEM_CATCH_PORTAL;
    } else if (argc == 2 && !strcmp(argv[1], "space")) {
        kind = ITEM_CATCH_SPACE;
    } else {
        error(c, "usage: catch trap N | catch portal | catch space");
        return;
    }
    for (int i = 0; i < MAX_ITEMS; i++) {
        const struct item *o = &c->item[i];
        if (o->used && o->kind == kind && (kind != ITEM_CATCH_TRAP || o->trap == trap)) {
            error(c, "catchpoint %d already does that", o->number);
            return;
        }
    }
    struct item *it = new_item(c);
    if (!it)
        return;
    *it = (struct item){.used = true, .kind = kind, .trap = trap, .ctx = DBG_ANY_CONTEXT};
    it->number = ++c->last_number;
    if (kind == ITEM_CATCH_TRAP) {
        c->d.catch_trap[trap] = true;
        fprintf(c->out, "catchpoint %d: trap %u (%s)\n", number_of(it), trap, trap_describe(trap));
    } else if (kind == ITEM_CATCH_PORTAL) {
        c->d.catch_portal = true;
        fprintf(c->out, "catchpoint %d: every portal traversal\n", number_of(it));
    } else {
        c->d.catch_space = true;
        fprintf(c->out, "catchpoint %d: every change of CONTEXT or MODE\n", number_of(it));
    }
}

static void delete_item(struct cli *c, struct item *it)
{
    switch (it->kind) {
    case ITEM_BREAK: dbg_break_remove(&c->d, it->core); break;
    case ITEM_WATCH: dbg_watch_remove(&c->d, it->core); break;
    case ITEM_CATCH_TRAP: c->d.catch_trap[it->trap] = false; break;
    case ITEM_CATCH_PORTAL: c->d.catch_portal = false; break;
    case ITEM_CATCH_SPACE: c->d.catch_space = false; break;
    }
    it->used = false;
}

static void cmd_delete(struct cli *c, int argc, char **argv)
{
    if (argc == 1) {
        int n = 0;
        for (int i = 0; i < MAX_ITEMS; i++)
            if (c->item[i].used) {
                delete_item(c, &c->item[i]);
                n++;
            }
        fprintf(c->out, "deleted all breakpoints, watchpoints and catchpoints (%d)\n", n);
        return;
    }
    for (int a = 1; a < argc; a++) {
        uint32_t n;
        struct item *it = parse_u32(argv[a], &n) ? item_numbered(c, n) : NULL;
        if (!it) {
            error(c, "no breakpoint, watchpoint or catchpoint number '%s' (see info breakpoints)",
                  argv[a]);
            return;
        }
        delete_item(c, it);
    }
}

static void info_breakpoints(struct cli *c)
{
    int n = 0;
    char s[160];
    for (int i = 0; i < MAX_ITEMS; i++) {
        const struct item *it = &c->item[i];
        if (!it->used)
            continue;
        if (!n++)
            fprintf(c->out, "Num  Type        What\n");
        switch (it->kind) {
        case ITEM_BREAK: {
            fprintf(c->out, "%-4d breakpoint  0x%08x%s", it->number, it->addr, it->label);
            if (it->ctx != DBG_ANY_CONTEXT)
                fprintf(c->out, " in CONTEXT %d", it->ctx);
            else if (it->program)
                fprintf(c->out, " in CONTEXTs running %s", it->program);
            else
                fprintf(c->out, " in any CONTEXT");
            break;
        }
        case ITEM_WATCH:
            fprintf(c->out, "%-4d %-11s 0x%08x%s, %u bytes, in CONTEXT %d", it->number,
                    it->on_read && it->on_write ? "awatch"
                    : it->on_read               ? "rwatch"
                                                : "watch",
                    it->addr, sym(c, (uint32_t)it->ctx, it->addr, s, sizeof s), it->len, it->ctx);
            break;
        case ITEM_CATCH_TRAP:
            fprintf(c->out, "%-4d catch       trap %u (%s)", it->number, it->trap,
                    trap_describe(it->trap));
            break;
        case ITEM_CATCH_PORTAL:
            fprintf(c->out, "%-4d catch       portal traversals", it->number);
            break;
        case ITEM_CATCH_SPACE:
            fprintf(c->out, "%-4d catch       CONTEXT/MODE changes", it->number);
            break;
        }
        if (it->kind == ITEM_BREAK && it->hits)
            fprintf(c->out, ", hit %llu time%s", (unsigned long long)it->hits,
                    it->hits == 1 ? "" : "s");
        fputc('\n', c->out);
    }
    if (!n)
        fprintf(c->out, "no breakpoints, watchpoints or catchpoints\n");
    if (c->d.stop_time != UINT64_MAX)
        fprintf(c->out, "stopping at virtual time %llu\n", (unsigned long long)c->d.stop_time);
}

static void cmd_until_time(struct cli *c, int argc, char **argv)
{
    uint64_t t, now = cpu_time(c->m->cpu);
    bool rel = argc == 2 && argv[1][0] == '+';
    if (argc != 2 || !parse_u64(argv[1] + rel, &t) || (rel && t == 0)) {
        error(c, "usage: until-time T (a virtual time) or until-time +N (N from now)");
        return;
    }
    if (rel)
        t = now + t < now ? UINT64_MAX : now + t;
    if (t <= now) {
        error(c, "virtual time %llu has passed (it is %llu now)", (unsigned long long)t,
              (unsigned long long)now);
        return;
    }
    if (c->m->state != MACHINE_RUNNING) {
        error(c, "the machine has %s: nothing more to run (quit, or inspect it)", ended_text(c->m));
        return;
    }
    c->d.stop_time = t;
    c->repeat[0] = 0;
    run(c, RUN_CONTINUE, 0);
}

static void show_regs(struct cli *c)
{
    struct cpu_regs r;
    cpu_get_regs(c->m->cpu, &r);
    const char *names[] = {"EAX", "EBX", "ECX", "EDX", "ESI", "EDI", "EBP", "ESP"};
    const uint32_t v[] = {r.eax, r.ebx, r.ecx, r.edx, r.esi, r.edi, r.ebp, r.esp};
    for (int i = 0; i < 8; i++)
        fprintf(c->out, "%-7s0x%08x  %d\n", names[i], v[i], (int32_t)v[i]);
    char s[160];
    uint32_t ctx = cur_ctx(c);
    fprintf(c->out, "EIP    0x%08x%s\n", r.eip, sym(c, ctx, r.eip, s, sizeof s));
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
    fprintf(c->out, "CONTEXT %u  MODE %u  interrupts %s%s%s%s\n", ctx, cpu_mode(c->m->cpu),
            c->m->ie ? "enabled" : "disabled", c->m->waiting ? "  (waiting for an interrupt)" : "",
            prog ? "  program " : "", prog ? prog : "");
    fprintf(c->out, "virtual time %llu\n", (unsigned long long)cpu_time(c->m->cpu));
}

static void cmd_regs(struct cli *c, int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        error(c, "regs takes no arguments");
        return;
    }
    show_regs(c);
}

static void cmd_info(struct cli *c, int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";
    if (argc == 2 && (!strcmp(what, "breakpoints") || !strcmp(what, "break") ||
                      !strcmp(what, "b") || !strcmp(what, "watchpoints"))) {
        info_breakpoints(c);
    } else if (argc == 2 &&
               (!strcmp(what, "registers") || !strcmp(what, "reg") || !strcmp(what, "r"))) {
        show_regs(c);
    } else if (argc >= 3 && !strcmp(what, "symbol")) {
        int ctx = (int)cur_ctx(c);
        if (!take_ctx(c, &argc, argv, &ctx))
            return;
        uint32_t addr;
        if (argc != 3 || !parse_addr(c, argv[2], (uint32_t)ctx, &addr, NULL))
            return;
        char s[160];
        sym(c, (uint32_t)ctx, addr, s, sizeof s);
        if (s[0])
            fprintf(c->out, "0x%x is%s in CONTEXT %d\n", addr, s, ctx);
        else
            fprintf(c->out, "no symbol covers 0x%x in CONTEXT %d\n", addr, ctx);
    } else {
        error(c, "usage: info breakpoints | info registers | info symbol ADDR [ctx N]");
    }
}

static void show_pcb(struct cli *c, const struct space_pcb *p, const char *lead)
{
    char s[160];
    fprintf(c->out, "%strap %u (%s, cause %u) from CONTEXT %u MODE %u pc 0x%x%s ie %u\n", lead,
            p->trap, trap_describe(p->trap), p->cause, p->ctx, p->mode, p->pc,
            sym(c, p->ctx, p->pc, s, sizeof s), p->ie);
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

static void cmd_pcb(struct cli *c, int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        error(c, "pcb takes no arguments");
        return;
    }
    const struct pcb_chain *ch = c->m->pcbs.current;
    if (!ch->depth)
        fprintf(c->out, "PCB chain of the CPU: empty\n");
    else
        fprintf(c->out, "PCB chain of the CPU: %u PCB%s, newest first\n", ch->depth,
                ch->depth == 1 ? "" : "s");
    for (uint32_t i = ch->depth; i-- > 0;) {
        char lead[16];
        snprintf(lead, sizeof lead, "  #%u  ", ch->depth - 1 - i);
        show_pcb(c, &ch->pcb[i], lead);
    }
    fprintf(c->out, "suspended chains: %u\n", c->m->pcbs.live);
    for (uint32_t slot = 0; slot < SPACE_SUSPENDED_MAX; slot++) {
        const struct suspended *sp = &c->m->pcbs.slot[slot];
        if (!sp->chain)
            continue;
        /* the token Unsuspend takes (sim/pcb.c: slot + 1, generation above) */
        uint32_t token = ((sp->generation & 0x3ffffu) << 13) | (slot + 1);
        fprintf(c->out, "  token %u: %u PCB%s\n", token, sp->chain->depth,
                sp->chain->depth == 1 ? "" : "s");
        for (uint32_t i = sp->chain->depth; i-- > 0;) {
            char lead[16];
            snprintf(lead, sizeof lead, "    #%u  ", sp->chain->depth - 1 - i);
            show_pcb(c, &sp->chain->pcb[i], lead);
        }
    }
}

static bool same_portal(const struct portal *a, const struct portal *b)
{
    return a && b && a->ctx == b->ctx && a->mode == b->mode && a->pc == b->pc &&
           a->modeaccess == b->modeaccess;
}

static void cmd_portals(struct cli *c, int argc, char **argv)
{
    uint32_t ctx;
    if (!parse_ctx_arg(c, argc, argv, &ctx))
        return;
    int n = 0;
    char s[160];
    for (uint32_t t = 0; t < SPACE_TRAPS; t++) {
        const struct portal *p = portal_get(&c->m->portals, ctx, t);
        if (!p)
            continue;
        /* runs of traps of one kind going to the same place: one line */
        uint32_t last = t;
        while (last + 1 < SPACE_TRAPS &&
               same_portal(p, portal_get(&c->m->portals, ctx, last + 1)) &&
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
                traps, trap_describe(t), p->ctx, p->mode, p->pc, sym(c, p->ctx, p->pc, s, sizeof s),
                used ? from : "none");
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

static void cmd_maps(struct cli *c, int argc, char **argv)
{
    uint32_t ctx;
    if (!parse_ctx_arg(c, argc, argv, &ctx))
        return;
    const struct maptable *t = &c->m->mmu.ctx[ctx].table;
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

static void cmd_tlb(struct cli *c, int argc, char **argv)
{
    uint32_t ctx;
    if (!parse_ctx_arg(c, argc, argv, &ctx))
        return;
    const struct tlb *t = &c->m->mmu.ctx[ctx].tlb;
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
            fprintf(c->out, "  set %2d way %d: 0x%08x -> 0x%08x  %s\n", s, w, sl->vpage << 12,
                    MAP_PADDR(sl->entry), a);
        }
    const struct tlb_stats *st = &t->stats;
    fprintf(c->out, "hits %llu  misses %llu  flushes %llu  evictions %llu  invalidations %llu\n",
            (unsigned long long)st->hits, (unsigned long long)st->misses,
            (unsigned long long)st->flushes, (unsigned long long)st->evictions,
            (unsigned long long)st->invalidations);
}

static void cmd_devices(struct cli *c, int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        error(c, "devices takes no arguments");
        return;
    }
    struct bus *b = &c->m->bus;
    for (unsigned i = 0; i < b->ndev; i++) {
        struct device *d = &b->dev[i];
        unsigned line = d->index;
        fprintf(c->out,
                "device %u: %s unit %u, registers at 0x%08x, interrupt line %u (trap %u)%s, "
                "%llu raised, %llu delivered\n",
                i, d->kind->name, d->unit, d->regs, line, d->trap,
                b->pending & (1u << line) ? ", pending" : "", (unsigned long long)d->interrupts,
                (unsigned long long)b->stats.interrupts[line]);
        for (uint32_t off = 0; off <= 0x1c; off += 4) {
            const char *name = dbg_device_reg_name(d->kind->type, off);
            if (!name && off)
                continue;
            uint32_t v = dbg_device_peek(d, off);
            fprintf(c->out, "  0x%02x %-12s 0x%08x  %u\n", off, name ? name : "", v, v);
        }
    }
    if (!b->ndev)
        fprintf(c->out, "no devices\n");
}

static void cmd_time(struct cli *c, int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        error(c, "time takes no arguments");
        return;
    }
    fprintf(c->out, "virtual time %llu\n", (unsigned long long)cpu_time(c->m->cpu));
}

/* The report of --stats (sim/stats.h), at this point of the run. */
static void cmd_stats(struct cli *c, int argc, char **argv)
{
    bool json = argc == 2 && !strcmp(argv[1], "json");
    if (argc > 2 || (argc == 2 && !json)) {
        error(c, "usage: stats [json]");
        return;
    }
    struct space_stats *s = malloc(sizeof *s);
    if (!s) {
        error(c, "out of host memory");
        return;
    }
    stats_collect(c->m, s);
    (json ? stats_write_json : stats_write_text)(c->out, s);
    free(s);
}

/* x/NFMT, xp/NFMT: "/NFMT" parsed into count and format. */
static bool parse_fmt(struct cli *c, const char *spec, uint32_t *count, char *fmt)
{
    *count = 1;
    *fmt = 'x';
    if (!spec)
        return true;
    const char *p = spec;
    if (isdigit((unsigned char)*p)) {
        char *end;
        unsigned long n = strtoul(p, &end, 10);
        if (!n || n > X_MAX) {
            error(c, "the count must be 1..%d", X_MAX);
            return false;
        }
        *count = (uint32_t)n;
        p = end;
    }
    if (*p) {
        if (p[1] || !strchr("xbsi", *p)) {
            error(c,
                  "unknown format '/%s': x (hex words), b (bytes), s (strings), i (instructions)",
                  spec);
            return false;
        }
        *fmt = *p;
    }
    return true;
}

static void not_readable(struct cli *c, bool physical, uint32_t addr, uint32_t ctx)
{
    if (physical)
        error(c, "physical address 0x%x is not RAM", addr);
    else
        error(c, "address 0x%x is not mapped in CONTEXT %u", addr, ctx);
}

static uint32_t read_mem(struct cli *c, bool physical, uint32_t ctx, uint32_t addr, void *buf,
                         uint32_t len)
{
    if (!physical)
        return dbg_read_virtual(&c->d, ctx, addr, buf, len);
    uint32_t got = 0;
    while (got < len) { /* page by page: RAM may end within the range */
        uint32_t n = 4096u - ((addr + got) & 0xfffu);
        if (n > len - got)
            n = len - got;
        if (dbg_read_physical(&c->d, addr + got, (uint8_t *)buf + got, n) != n)
            break;
        got += n;
    }
    return got;
}

static void examine(struct cli *c, int argc, char **argv, const char *spec, bool physical)
{
    int given = CTX_UNSET;
    if (!physical && !take_ctx(c, &argc, argv, &given))
        return;
    uint32_t count, addr, cx;
    char fmt;
    if (!parse_fmt(c, spec, &count, &fmt))
        return;
    if (argc != 2) {
        error(c, physical ? "usage: xp/NFMT PADDR" : "usage: x/NFMT ADDR [ctx N]");
        return;
    }
    struct symbol_hit h;
    if (!parse_addr(c, argv[1], given >= 0 ? (uint32_t)given : cur_ctx(c), &addr, &h) ||
        !pick_ctx(c, physical ? CTX_UNSET : given, physical ? NULL : &h, addr, &cx))
        return;
    char s[160];
    if (fmt == 'i') {
        disassemble(c, cx, physical, addr, count, 0);
        return;
    }
    if (fmt == 's') {
        for (uint32_t i = 0; i < count; i++) {
            char str[STRING_MAX + 1];
            uint32_t n = 0;
            while (n < STRING_MAX && read_mem(c, physical, cx, addr + n, &str[n], 1) == 1 && str[n])
                n++;
            if (!n && read_mem(c, physical, cx, addr, &str[0], 1) != 1) {
                not_readable(c, physical, addr, cx);
                return;
            }
            fprintf(c->out, "0x%08x%s: \"", addr, physical ? "" : sym(c, cx, addr, s, sizeof s));
            for (uint32_t k = 0; k < n; k++) {
                unsigned char ch = (unsigned char)str[k];
                if (ch == '"' || ch == '\\')
                    fprintf(c->out, "\\%c", ch);
                else if (ch == '\n')
                    fputs("\\n", c->out);
                else if (ch == '\t')
                    fputs("\\t", c->out);
                else if (ch < 32 || ch >= 127)
                    fprintf(c->out, "\\x%02x", ch);
                else
                    fputc(ch, c->out);
            }
            fprintf(c->out, "\"%s\n", n == STRING_MAX ? "..." : "");
            addr += n + 1;
        }
        return;
    }
    uint32_t unit = fmt == 'x' ? 4 : 1, per_line = fmt == 'x' ? 4 : 8;
    for (uint32_t i = 0; i < count; i++) {
        uint8_t v[4];
        uint32_t a = addr + i * unit;
        if (read_mem(c, physical, cx, a, v, unit) != unit) {
            if (i % per_line)
                fputc('\n', c->out);
            not_readable(c, physical, a, cx);
            return;
        }
        if (i % per_line == 0)
            fprintf(c->out, "0x%08x%s:", a, physical ? "" : sym(c, cx, a, s, sizeof s));
        if (unit == 4)
            fprintf(c->out, "  0x%08x",
                    (uint32_t)v[0] | (uint32_t)v[1] << 8 | (uint32_t)v[2] << 16 |
                        (uint32_t)v[3] << 24);
        else
            fprintf(c->out, "  0x%02x", v[0]);
        if (i % per_line == per_line - 1 || i == count - 1)
            fputc('\n', c->out);
    }
}

static void cmd_disas(struct cli *c, int argc, char **argv)
{
    int given = CTX_UNSET;
    if (!take_ctx(c, &argc, argv, &given))
        return;
    if (argc > 3) {
        error(c, "usage: disas [ADDR] [N] [ctx N]");
        return;
    }
    uint32_t addr = cur_pc(c), n = DISAS_DEFAULT, end = 0, cx;
    struct symbol_hit h = {0};
    if (argc >= 2 && !parse_addr(c, argv[1], given >= 0 ? (uint32_t)given : cur_ctx(c), &addr, &h))
        return;
    if (!pick_ctx(c, given, &h, addr, &cx))
        return;
    if (argc == 3) {
        if (!parse_u32(argv[2], &n) || !n || n > X_MAX) {
            error(c, "'%s' is not an instruction count (1..%d)", argv[2], X_MAX);
            return;
        }
    } else if (h.name && h.size && addr == h.addr) {
        n = DISAS_FUNCTION_MAX; /* the whole function */
        end = addr + h.size;
    }
    disassemble(c, cx, false, addr, n, end);
}

static void cmd_symbols(struct cli *c, int argc, char **argv)
{
    if (argc != 2) {
        error(c, "usage: symbols FILE");
        return;
    }
    char err[512];
    int n = symbols_load_file(c->sym, argv[1], err, sizeof err);
    if (n < 0) {
        error(c, "%s", err);
        return;
    }
    fprintf(c->out, "loaded %d symbols from %s\n", n, argv[1]);
}

static void cmd_quit(struct cli *c, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    c->quit = true;
}

static void cmd_help(struct cli *c, int argc, char **argv);

static const struct command commands[] = {
    {"step", "s", cmd_step, "step [N]", "run N instructions (default 1)"},
    {"next", "n", cmd_next, "next",
     "step over: a call or int n runs until it returns (else one step)"},
    {"continue", "c", cmd_continue, "continue", "run until something stops the machine"},
    {"break", "b", cmd_break, "break [ADDR] [ctx N]",
     "breakpoint (default: at the pc; any CONTEXT)"},
    {"delete", "d", cmd_delete, "delete [N...]", "delete break/watch/catchpoints (all: no N)"},
    {"info", "i", cmd_info, "info breakpoints|registers", "list them; the registers"},
    {"info symbol", NULL, NULL, "info symbol ADDR [ctx N]", "the symbol covering ADDR"},
    {"watch", NULL, cmd_watch, "watch ADDR [LEN] [ctx N]",
     "stop after a write to [ADDR, ADDR+LEN)"},
    {"rwatch", NULL, cmd_rwatch, "rwatch ADDR [LEN] [ctx N]", "... after a read"},
    {"awatch", NULL, cmd_awatch, "awatch ADDR [LEN] [ctx N]", "... after a read or a write"},
    {"catch", NULL, cmd_catch, "catch trap N", "stop in the handler when trap N traverses"},
    {"catch portal", NULL, NULL, "catch portal", "... at every portal traversal"},
    {"catch space", NULL, NULL, "catch space", "... when CONTEXT or MODE changes"},
    {"until-time", "ut", cmd_until_time, "until-time T|+N",
     "run until virtual time T (or now + N)"},
    {"regs", "r", cmd_regs, "regs", "registers, CONTEXT, MODE, interrupts, time"},
    {"pcb", NULL, cmd_pcb, "pcb", "the PCB chain and the suspended chains"},
    {"portals", NULL, cmd_portals, "portals [CTX]", "a CONTEXT's portal table"},
    {"maps", NULL, cmd_maps, "maps [CTX]", "a CONTEXT's mappings, rwx per MODE"},
    {"tlb", NULL, cmd_tlb, "tlb [CTX]", "a CONTEXT's TLB entries and counters"},
    {"devices", NULL, cmd_devices, "devices", "each device and its registers"},
    {"time", NULL, cmd_time, "time", "the virtual time"},
    {"stats", NULL, cmd_stats, "stats [json]",
     "the statistics of --stats: CPU, traps, operations, TLBs, devices"},
    {"x", NULL, NULL, "x/NFMT ADDR [ctx N]", "memory: FMT x words, b bytes, s strings, i code"},
    {"xp", NULL, NULL, "xp/NFMT PADDR", "physical memory, the same way"},
    {"disas", NULL, cmd_disas, "disas [ADDR] [N] [ctx N]",
     "N instructions (10; at a function: all)"},
    {"symbols", NULL, cmd_symbols, "symbols FILE", "load the symbols of another ELF file"},
    {"help", "h", cmd_help, "help", "this list"},
    {"quit", "q", cmd_quit, "quit", "leave (the machine ends)"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void cmd_help(struct cli *c, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(c->out, "commands (short forms in parentheses):\n");
    for (unsigned i = 0; i < NCOMMANDS; i++) {
        char usage[96];
        snprintf(usage, sizeof usage, "%s%s%s%s", commands[i].usage, commands[i].alias ? " (" : "",
                 commands[i].alias ? commands[i].alias : "", commands[i].alias ? ")" : "");
        fprintf(c->out, "  %-40s %s\n", usage, commands[i].help);
    }
    fprintf(c->out,
            "ADDR: a number (decimal, or hex with 0x), $register, SYMBOL or PROGRAM:SYMBOL,\n"
            "optionally +N or -N. \"ctx N\" picks a CONTEXT (default: the current one).\n"
            "An empty line repeats the last step or continue; Ctrl-C stops a running machine.\n");
}

/* Splits line into words (in place). */
static int split(char *line, char **argv)
{
    int argc = 0;
    char *p = line;
    while (*p && argc < MAX_ARGS) {
        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        argv[argc++] = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
        if (*p)
            *p++ = 0;
    }
    return argc;
}

static void execute(struct cli *c, char *line)
{
    char *argv[MAX_ARGS + 1];
    int argc = split(line, argv);
    if (!argc)
        return;
    argv[argc] = NULL;
    char *name = argv[0];
    /* x/4x ADDR, xp/s ADDR */
    char *slash = strchr(name, '/');
    if (slash) {
        *slash = 0;
        if (!strcmp(name, "x") || !strcmp(name, "xp")) {
            examine(c, argc, argv, slash + 1, name[1] == 'p');
            return;
        }
        *slash = '/';
    }
    if (!strcmp(name, "x") || !strcmp(name, "xp")) {
        examine(c, argc, argv, NULL, name[1] == 'p');
        return;
    }
    if (!strcmp(name, "si") || !strcmp(name, "stepi")) {
        cmd_step(c, argc, argv);
        return;
    }
    if (!strcmp(name, "ni") || !strcmp(name, "nexti")) {
        cmd_next(c, argc, argv);
        return;
    }
    for (unsigned i = 0; i < NCOMMANDS; i++) {
        const struct command *k = &commands[i];
        if (k->fn && (!strcmp(name, k->name) || (k->alias && !strcmp(name, k->alias)))) {
            k->fn(c, argc, argv);
            return;
        }
    }
    error(c, "unknown command '%s' (help lists them)", name);
}

static int exit_status(struct machine *m)
{
    switch (m->state) {
    case MACHINE_HALTED: return (int)(m->exit_code & 0xff);
    case MACHINE_LIMIT: return 124;
    case MACHINE_STOPPED: return 125;
    default: return 0;
    }
}

int debug_cli_run(struct machine *m, const struct debug_cli_config *cfg)
{
    struct cli *c = calloc(1, sizeof *c);
    if (!c) {
        fprintf(stderr, "space: out of host memory\n");
        return 1;
    }
    c->m = m;
    c->out = cfg->out ? cfg->out : stdout;
    dbg_init(&c->d, m);
    c->sym = symbols_create(read_memory, &c->d);
    c->le = lineedit_create(cfg->in ? cfg->in : stdin, c->out);
    if (!c->sym || !c->le) {
        fprintf(stderr, "space: out of host memory\n");
        symbols_destroy(c->sym);
        lineedit_destroy(c->le);
        dbg_free(&c->d);
        free(c);
        return 1;
    }
    char err[512];
    int n = cfg->kernel_path ? symbols_load_file(c->sym, cfg->kernel_path, err, sizeof err)
                             : symbols_load_image(c->sym, cfg->image_name, cfg->image,
                                                  cfg->image_size, err, sizeof err);
    if (n < 0)
        error(c, "%s (no symbols)", err);
    platform_on_interrupt(on_ctrl_c);

    fprintf(c->out, "sdb, the SPACE debugger: 'help' lists the commands.\n");
    if (n >= 0) {
        unsigned np = symbols_programs(c->sym);
        fprintf(c->out, "%d symbols from %s", n,
                cfg->kernel_path ? cfg->kernel_path : cfg->image_name);
        if (np) {
            fprintf(c->out, " (with %u embedded programs:", np);
            for (unsigned i = 0; i < np; i++)
                fprintf(c->out, " %s", symbols_program_name(c->sym, i));
            fputc(')', c->out);
        }
        fputc('\n', c->out);
    }
    show_location(c);

    while (!c->quit) {
        const char *line;
        enum lineedit_result r = lineedit_read(c->le, "(sdb) ", &line);
        if (r == LINEEDIT_EOF)
            break;
        if (r == LINEEDIT_CANCEL)
            continue;
        char buf[1024];
        snprintf(buf, sizeof buf, "%s", line);
        char *p = buf;
        while (isspace((unsigned char)*p))
            p++;
        if (!*p) {
            if (c->repeat[0]) {
                snprintf(buf, sizeof buf, "%s", c->repeat);
                execute(c, buf);
            }
            continue;
        }
        lineedit_history_add(c->le, p);
        c->repeat[0] = 0;
        execute(c, p);
        fflush(c->out);
    }
    fflush(c->out);
    int status = exit_status(m);
    lineedit_destroy(c->le);
    symbols_destroy(c->sym);
    dbg_free(&c->d);
    free(c);
    return status;
}
