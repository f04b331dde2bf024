/* debug_cli: sdb's prompt - reading lines, finding the command a line
 * names (the table below, which is also what help prints), and the
 * helpers every command shares: error lines and parsing numbers,
 * addresses and CONTEXTs. The commands themselves live in sdb_run.c,
 * sdb_points.c, sdb_views.c and sdb_memory.c (sdb_internal.h). */
#include "debug_cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ui/debugger/debugger.h"
#include "lineedit.h"
#include "sdb_internal.h"
#include "ui/debugger/symbols.h"

#define MAX_ARGS 16

void sdb_error(struct cli *c, const char *fmt, ...)
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

bool sdb_no_args(struct cli *c, int argc, const char *name)
{
    if (argc > 1) {
        sdb_error(c, "%s takes no arguments", name);
        return false;
    }
    return true;
}

uint32_t sdb_cur_ctx(struct cli *c)
{
    return cpu_context(c->d.cpu);
}

uint32_t sdb_cur_pc(struct cli *c)
{
    struct cpu_regs r;
    cpu_get_regs(c->d.cpu, &r);
    return r.eip;
}

const char *sdb_sym(struct cli *c, uint32_t ctx, uint32_t addr, char *buf, unsigned len)
{
    return symbols_format(c->sym, ctx, addr, buf, len);
}

/* ---- Parsing ---- */

bool sdb_parse_u64(const char *s, uint64_t *out)
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

bool sdb_parse_u32(const char *s, uint32_t *out)
{
    uint64_t v;
    if (!sdb_parse_u64(s, &v) || v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

static bool reg_value(struct cli *c, const char *name, uint32_t *v)
{
    struct cpu_regs r;
    cpu_get_regs(c->d.cpu, &r);
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

bool sdb_parse_addr(struct cli *c, const char *text, uint32_t ctx, uint32_t *out,
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
        sdb_error(c, "'%s' is not an address", text);
        return false;
    }
    memcpy(base, text, n);
    base[n] = 0;
    uint32_t v, off = 0;
    if (hit)
        hit->name = NULL;
    if (op && !sdb_parse_u32(op + 1, &off)) {
        sdb_error(c, "'%s' is not an offset", op + 1);
        return false;
    }
    if (base[0] == '$') {
        if (!reg_value(c, base + 1, &v)) {
            sdb_error(c, "no register '%s'", base);
            return false;
        }
    } else if (isdigit((unsigned char)base[0])) {
        if (!sdb_parse_u32(base, &v)) {
            sdb_error(c, "'%s' is not a number (decimal, or hex with 0x)", base);
            return false;
        }
    } else {
        struct symbol_hit h;
        char err[256];
        if (symbols_find(c->sym, base, ctx, &h, err, sizeof err) != 0) {
            sdb_error(c, "%s", err);
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
bool sdb_take_ctx(struct cli *c, int *argc, char **argv, int *ctx)
{
    for (int i = 0; i < *argc; i++) {
        if (strcmp(argv[i], "ctx") && strcmp(argv[i], "context") && strcmp(argv[i], "CONTEXT"))
            continue;
        uint32_t v;
        if (i + 1 >= *argc || !sdb_parse_u32(argv[i + 1], &v) || v >= SPACE_CONTEXTS) {
            sdb_error(c, "%s needs a CONTEXT number 0..%d", argv[i], SPACE_CONTEXTS - 1);
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

bool sdb_parse_ctx_arg(struct cli *c, int argc, char **argv, uint32_t *ctx)
{
    *ctx = sdb_cur_ctx(c);
    if (argc < 2)
        return true;
    if (argc > 2 || !sdb_parse_u32(argv[1], ctx) || *ctx >= SPACE_CONTEXTS) {
        sdb_error(c, "%s takes a CONTEXT number 0..%d", argv[0], SPACE_CONTEXTS - 1);
        return false;
    }
    return true;
}

uint32_t sdb_ctx_or_current(struct cli *c, int given)
{
    return given >= 0 ? (uint32_t)given : sdb_cur_ctx(c);
}

/* The CONTEXT a command works in, after its address was parsed: the one
 * given ("ctx N"), else the current one - but a program's symbol is looked
 * at in a CONTEXT that holds that program (the current one if it does),
 * and a kernel symbol the current CONTEXT does not map in CONTEXT 0. */
bool sdb_pick_ctx(struct cli *c, int given, const struct symbol_hit *h, uint32_t addr,
                  uint32_t *ctx)
{
    *ctx = sdb_ctx_or_current(c, given);
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
    sdb_error(c, "no CONTEXT holds program %s now (say ctx N)", h->program);
    return false;
}

/* ---- Commands ---- */

void sdb_cmd_info(struct cli *c, int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";
    if (argc == 2 && (!strcmp(what, "breakpoints") || !strcmp(what, "break") ||
                      !strcmp(what, "b") || !strcmp(what, "watchpoints"))) {
        sdb_info_breakpoints(c);
    } else if (argc == 2 &&
               (!strcmp(what, "registers") || !strcmp(what, "reg") || !strcmp(what, "r"))) {
        sdb_show_regs(c);
    } else if (argc >= 3 && !strcmp(what, "symbol")) {
        sdb_info_symbol(c, argc, argv);
    } else {
        sdb_error(c, "usage: info breakpoints | info registers | info symbol ADDR [ctx N]");
    }
}

static void cmd_quit(struct cli *c, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    c->quit = true;
}

static void cmd_help(struct cli *c, int argc, char **argv);

/* node [K]: the nodes of a multicomputer; with K, the one driven. */
static void cmd_node(struct cli *c, int argc, char **argv)
{
    uint32_t k;
    if (!c->nodes) {
        sdb_error(c, "node: this is one machine, not a multicomputer (space run --nodes N)");
        return;
    }
    if (argc > 2 || (argc == 2 && (!sdb_parse_u32(argv[1], &k) || k >= c->nodes))) {
        sdb_error(c, "usage: node [K] (K a node, 0..%u)", c->nodes - 1);
        return;
    }
    if (argc == 2 && k != c->node) {
        for (int i = 0; i < MAX_ITEMS; i++)
            if (c->item[i].used) {
                sdb_error(c,
                          "node: breakpoints, watchpoints and catchpoints belong to node %u: "
                          "delete them first",
                          c->node);
                return;
            }
        dbg_free(&c->d);
        c->m = c->lead(c->lead_arg, k);
        c->node = k;
        dbg_init(&c->d, c->m);
    }
    static const char *const states[] = {[MACHINE_RUNNING] = "running",
                                         [MACHINE_HALTED] = "halted",
                                         [MACHINE_STOPPED] = "stopped",
                                         [MACHINE_LIMIT] = "at its limit",
                                         [MACHINE_INTERRUPTED] = "interrupted"};
    for (unsigned i = 0; i < c->nodes; i++) {
        struct machine *m = c->machines[i];
        fprintf(c->out, "%s node %u: %s at virtual time %llu%s\n", i == c->node ? "*" : " ", i,
                states[machine_state(m)], (unsigned long long)machine_now(m),
                i == c->node ? " (driven; the others follow)" : "");
    }
    if (argc == 2)
        sdb_show_location(c);
}

/* A command with an alias of NULL has no short form; one with no fn is
 * only there for help (info symbol, catch portal: the fn of their first
 * word parses them; x and xp: execute() splits off their /NFMT). */
struct command {
    const char *name, *alias;
    sdb_command_fn *fn;
    const char *usage, *help;
};

static const struct command commands[] = {
    {"step", "s", sdb_cmd_step, "step [N]", "run N instructions (default 1)"},
    {"next", "n", sdb_cmd_next, "next",
     "step over: a call or int n runs until it returns (else one step)"},
    {"continue", "c", sdb_cmd_continue, "continue", "run until something stops the machine"},
    {"reverse-stepi", "rsi", sdb_cmd_reverse_step, "reverse-stepi [N]",
     "back N instructions (default 1)"},
    {"reverse-step", "rs", sdb_cmd_reverse_step, "reverse-step [N]",
     "the same (a step is an instruction)"},
    {"reverse-next", "rn", sdb_cmd_reverse_next, "reverse-next",
     "back one step, over a whole call or int n"},
    {"reverse-continue", "rc", sdb_cmd_reverse_continue, "reverse-continue",
     "back to the last break/watch/catchpoint stop (or the start)"},
    {"reverse-finish", NULL, sdb_cmd_reverse_finish, "reverse-finish",
     "back to the call of the current function"},
    {"goto", NULL, sdb_cmd_goto, "goto T", "go to virtual time T (past, or future)"},
    {"break", "b", sdb_cmd_break, "break [ADDR] [ctx N]",
     "breakpoint (default: at the pc; any CONTEXT)"},
    {"delete", "d", sdb_cmd_delete, "delete [N...]", "delete break/watch/catchpoints (all: no N)"},
    {"info", "i", sdb_cmd_info, "info breakpoints|registers", "list them; the registers"},
    {"info symbol", NULL, NULL, "info symbol ADDR [ctx N]", "the symbol covering ADDR"},
    {"watch", NULL, sdb_cmd_watch, "watch ADDR [LEN] [ctx N]",
     "stop after a write to [ADDR, ADDR+LEN)"},
    {"rwatch", NULL, sdb_cmd_rwatch, "rwatch ADDR [LEN] [ctx N]", "... after a read"},
    {"awatch", NULL, sdb_cmd_awatch, "awatch ADDR [LEN] [ctx N]", "... after a read or a write"},
    {"catch", NULL, sdb_cmd_catch, "catch trap N", "stop in the handler when trap N traverses"},
    {"catch portal", NULL, NULL, "catch portal", "... at every portal traversal"},
    {"catch space", NULL, NULL, "catch space", "... when CONTEXT or MODE changes"},
    {"until-time", "ut", sdb_cmd_until_time, "until-time T|+N",
     "run until virtual time T (or now + N)"},
    {"regs", "r", sdb_cmd_regs, "regs", "registers, CONTEXT, MODE, interrupts, time"},
    {"pcb", NULL, sdb_cmd_pcb, "pcb", "the PCB chain and the suspended chains"},
    {"cpu", NULL, sdb_cmd_cpu, "cpu [N]", "the CPUs; with N, the one the views show"},
    {"node", NULL, cmd_node, "node [K]", "a multicomputer's nodes; with K, the one driven"},
    {"portals", NULL, sdb_cmd_portals, "portals [CTX]", "a CONTEXT's portal table"},
    {"maps", NULL, sdb_cmd_maps, "maps [CTX]", "a CONTEXT's mappings, rwx per MODE"},
    {"tlb", NULL, sdb_cmd_tlb, "tlb [CTX]", "a CONTEXT's TLB entries and counters"},
    {"devices", NULL, sdb_cmd_devices, "devices", "each device and its registers"},
    {"time", NULL, sdb_cmd_time, "time", "the virtual time (and time travel's memory)"},
    {"hash", NULL, sdb_cmd_hash, "hash", "the time and hashes of RAM and the CPUs' state"},
    {"stats", NULL, sdb_cmd_stats, "stats [json]",
     "the statistics of --stats: CPU, traps, operations, TLBs, devices"},
    {"x", NULL, NULL, "x/NFMT ADDR [ctx N]", "memory: FMT x words, b bytes, s strings, i code"},
    {"xp", NULL, NULL, "xp/NFMT PADDR", "physical memory, the same way"},
    {"disas", NULL, sdb_cmd_disas, "disas [ADDR] [N] [ctx N]",
     "N instructions (10; at a function: all)"},
    {"symbols", NULL, sdb_cmd_symbols, "symbols FILE", "load the symbols of another ELF file"},
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
            sdb_examine(c, argc, argv, slash + 1, name[1] == 'p');
            return;
        }
        *slash = '/';
    }
    if (!strcmp(name, "x") || !strcmp(name, "xp")) {
        sdb_examine(c, argc, argv, NULL, name[1] == 'p');
        return;
    }
    if (!strcmp(name, "si") || !strcmp(name, "stepi")) {
        sdb_cmd_step(c, argc, argv);
        return;
    }
    if (!strcmp(name, "ni") || !strcmp(name, "nexti")) {
        sdb_cmd_next(c, argc, argv);
        return;
    }
    for (unsigned i = 0; i < NCOMMANDS; i++) {
        const struct command *k = &commands[i];
        if (k->fn && (!strcmp(name, k->name) || (k->alias && !strcmp(name, k->alias)))) {
            k->fn(c, argc, argv);
            return;
        }
    }
    sdb_error(c, "unknown command '%s' (help lists them)", name);
}

static int exit_status(struct machine *m)
{
    switch (machine_state(m)) {
    case MACHINE_HALTED: return (int)(machine_exit_code(m) & 0xff);
    case MACHINE_LIMIT: return 124;
    case MACHINE_STOPPED: return 125;
    default: return 0;
    }
}

/* How symbols.h reads guest memory: through the core, in any CONTEXT. */
static uint32_t read_memory(void *arg, uint32_t ctx, uint32_t vaddr, void *buf, uint32_t len)
{
    return dbg_read_virtual(arg, ctx, vaddr, buf, len);
}

int debug_cli_run(struct machine *m, const struct debug_cli_config *cfg)
{
    struct cli *c = calloc(1, sizeof *c);
    if (!c) {
        fprintf(stderr, "space: out of host memory\n");
        return 1;
    }
    c->m = m;
    c->nodes = cfg->nodes;
    c->machines = cfg->machines;
    c->lead = cfg->lead;
    c->lead_arg = cfg->lead_arg;
    c->out = cfg->out ? cfg->out : stdout;
    dbg_init(&c->d, m);
    dbg_set_travel(&c->d, cfg->travel);
    c->d.accept = sdb_break_counts;
    c->d.accept_arg = c;
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
        sdb_error(c, "%s (no symbols)", err);
    machine_ctrl_c_target(NULL, false); /* at the prompt Ctrl-C only cancels the line */

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
    sdb_show_location(c);

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
    int status = exit_status(c->m);
    lineedit_destroy(c->le);
    symbols_destroy(c->sym);
    dbg_free(&c->d);
    free(c);
    return status;
}
