/* sdb_internal: what the files of sdb, the command-line debugger
 * (debug_cli.h), share and nothing else includes.
 *
 * It owns the debugger's state (struct cli: the machine, the execution
 * core, the symbols, the numbered breakpoints, watchpoints and
 * catchpoints), the shape of a command, and the helpers every command
 * uses to report errors and parse its arguments. Each command group lives
 * in its own file:
 *
 *   debug_cli.c   the prompt, the command table and dispatch, parsing
 *   sdb_run.c     step, next, continue, until-time, the reverse commands
 *                 and goto; how a stop is shown
 *   sdb_points.c  break, watch, catch, delete, info breakpoints
 *   sdb_views.c   regs, pcb, portals, maps, tlb, devices, time, stats,
 *                 cpu, info symbol
 *
 * Several CPUs: the views show the selected CPU (c->d.cpu, `cpu N`); a
 * run selects the CPU that stopped.
 *   sdb_memory.c  x, xp, disas, symbols; listing code around the pc
 *
 * The names here are global to all of space, hence sdb_...: a bare
 * error() would collide with the C library's. */
#ifndef SPACE_SDB_INTERNAL_H
#define SPACE_SDB_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/core/machine.h"
#include "ui/debugger/debugger.h"
#include "lineedit.h"
#include "ui/debugger/symbols.h"

#define MAX_ITEMS 128
/* No "ctx N" was given: the command decides (take_ctx leaves it alone). */
#define CTX_UNSET (-2)

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
    /* a multicomputer's: debug_cli_config's, and the node driven */
    unsigned nodes, node;
    struct machine *const *machines;
    struct machine *(*lead)(void *arg, unsigned k);
    void *lead_arg;
};

/* A command: argv[0] is the word typed (the name or its alias). */
typedef void sdb_command_fn(struct cli *c, int argc, char **argv);

/* ---- debug_cli.c: errors, the machine's state, parsing ---- */

/* One error line, "sdb: ...", on standard error (after c->out is flushed,
 * so that a transcript keeps its order). */
void sdb_error(struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* For commands without arguments: false (after an error line) if any. */
bool sdb_no_args(struct cli *c, int argc, const char *name);

uint32_t sdb_cur_ctx(struct cli *c);
uint32_t sdb_cur_pc(struct cli *c);
/* " <symbol+off>" for addr in ctx, or "". Returns buf. */
const char *sdb_sym(struct cli *c, uint32_t ctx, uint32_t addr, char *buf, unsigned len);

/* Numbers: decimal, or hex with 0x; no sign. */
bool sdb_parse_u64(const char *s, uint64_t *out);
bool sdb_parse_u32(const char *s, uint32_t *out);
/* An address: a number, $register, SYMBOL or PROGRAM:SYMBOL, each
 * optionally +N or -N; symbols looked up as ctx sees them. *hit (if not
 * NULL) gets the symbol named, hit->name NULL if none. */
bool sdb_parse_addr(struct cli *c, const char *text, uint32_t ctx, uint32_t *out,
                    struct symbol_hit *hit);
/* Takes "ctx N" (or "context N") out of the arguments. */
bool sdb_take_ctx(struct cli *c, int *argc, char **argv, int *ctx);
/* "CMD [CTX]": the CONTEXT given, or the current one. */
bool sdb_parse_ctx_arg(struct cli *c, int argc, char **argv, uint32_t *ctx);
/* The CONTEXT given, or (CTX_UNSET, DBG_ANY_CONTEXT) the current one. */
uint32_t sdb_ctx_or_current(struct cli *c, int given);
/* The CONTEXT a command works in, once its address is parsed. */
bool sdb_pick_ctx(struct cli *c, int given, const struct symbol_hit *h, uint32_t addr,
                  uint32_t *ctx);

sdb_command_fn sdb_cmd_info;

/* ---- sdb_run.c ---- */

sdb_command_fn sdb_cmd_step, sdb_cmd_next, sdb_cmd_continue, sdb_cmd_until_time;
/* Does a breakpoint stop count (one on a program's symbol: only in a
 * CONTEXT running that program)? arg: the cli. */
bool sdb_break_counts(void *arg, const struct dbg_stop *stop);
/* Time travel: reverse-stepi/step, -next, -continue, -finish, goto. */
sdb_command_fn sdb_cmd_reverse_step, sdb_cmd_reverse_next, sdb_cmd_reverse_continue,
    sdb_cmd_reverse_finish, sdb_cmd_goto;

/* ---- sdb_points.c ---- */

/* Is there a breakpoint at addr in ctx (for the '*' of a listing)? */
bool sdb_break_at(struct cli *c, uint32_t addr, uint32_t ctx);
/* The item the core's breakpoint or watchpoint number `core` belongs to. */
struct item *sdb_item_of_core(struct cli *c, enum item_kind kind, int core);
void sdb_info_breakpoints(struct cli *c);
sdb_command_fn sdb_cmd_break, sdb_cmd_watch, sdb_cmd_rwatch, sdb_cmd_awatch, sdb_cmd_catch,
    sdb_cmd_delete;

/* ---- sdb_views.c ---- */

void sdb_show_regs(struct cli *c);
/* info symbol ADDR [ctx N] */
void sdb_info_symbol(struct cli *c, int argc, char **argv);
sdb_command_fn sdb_cmd_regs, sdb_cmd_pcb, sdb_cmd_portals, sdb_cmd_maps, sdb_cmd_tlb,
    sdb_cmd_devices, sdb_cmd_time, sdb_cmd_hash, sdb_cmd_stats, sdb_cmd_cpu;

/* ---- sdb_memory.c ---- */

/* "=> 0xPC <sym>: insn": where the machine stands. */
void sdb_show_location(struct cli *c);
/* x/NFMT ADDR [ctx N], xp/NFMT PADDR: spec is NFMT (NULL: none). */
void sdb_examine(struct cli *c, int argc, char **argv, const char *spec, bool physical);
sdb_command_fn sdb_cmd_disas, sdb_cmd_symbols;

#endif
