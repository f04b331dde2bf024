/* sdb_points: what stops the machine on its own - breakpoints,
 * watchpoints and catchpoints (break, tbreak, watch, rwatch, awatch,
 * catch, delete, disable, enable, info breakpoints). The core (debugger.h) numbers its
 * breakpoints and watchpoints separately and reuses the numbers; the user
 * sees one series, never reused, so each is an item here that remembers
 * its core number and how it was set (the symbol, the program). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sim/core/trap.h"
#include "ui/debugger/debugger.h"
#include "sdb_internal.h"
#include "ui/debugger/symbols.h"

bool sdb_break_at(struct cli *c, uint32_t addr, uint32_t ctx)
{
    for (int i = 0; i < MAX_ITEMS; i++) {
        const struct item *it = &c->item[i];
        if (it->used && !it->disabled && it->kind == ITEM_BREAK && it->addr == addr &&
            (it->ctx == DBG_ANY_CONTEXT || (uint32_t)it->ctx == ctx))
            return true;
    }
    return false;
}

struct item *sdb_item_of_core(struct cli *c, enum item_kind kind, int core)
{
    for (int i = 0; i < MAX_ITEMS; i++)
        if (c->item[i].used && c->item[i].kind == kind && c->item[i].core == core)
            return &c->item[i];
    return NULL;
}

static struct item *new_item(struct cli *c)
{
    for (int i = 0; i < MAX_ITEMS; i++)
        if (!c->item[i].used) {
            c->item[i] = (struct item){.used = true};
            return &c->item[i];
        }
    sdb_error(c, "too many breakpoints, watchpoints and catchpoints (%d)", MAX_ITEMS);
    return NULL;
}

static struct item *item_numbered(struct cli *c, uint32_t n)
{
    for (int i = 0; i < MAX_ITEMS; i++)
        if (c->item[i].used && (uint32_t)c->item[i].number == n)
            return &c->item[i];
    return NULL;
}

static void set_break(struct cli *c, int argc, char **argv, bool temporary)
{
    int ctx = DBG_ANY_CONTEXT;
    if (!sdb_take_ctx(c, &argc, argv, &ctx))
        return;
    if (argc > 2) {
        sdb_error(c, "usage: %s [ADDR|SYMBOL] [ctx N]", argv[0]);
        return;
    }
    uint32_t addr = sdb_cur_pc(c);
    struct symbol_hit h = {0};
    uint32_t look = sdb_ctx_or_current(c, ctx);
    if (argc == 2 && !sdb_parse_addr(c, argv[1], look, &addr, &h))
        return;
    struct item *it = new_item(c);
    if (!it)
        return;
    int core = dbg_break_add(&c->d, addr, ctx);
    if (core < 0) {
        it->used = false;
        sdb_error(c, "too many breakpoints (%d)", DBG_MAX_BREAKS);
        return;
    }
    *it = (struct item){.used = true,
                        .kind = ITEM_BREAK,
                        .core = core,
                        .addr = addr,
                        .ctx = ctx,
                        .program = h.name && ctx == DBG_ANY_CONTEXT ? h.program : NULL,
                        .temporary = temporary};
    it->number = ++c->last_number;
    char s[160];
    if (h.name) {
        char off[16] = "";
        if (addr != h.addr)
            snprintf(off, sizeof off, "%+d", (int)(addr - h.addr));
        snprintf(s, sizeof s, " <%s%s%s%s>", h.program ? h.program : "", h.program ? ":" : "",
                 h.name, off);
    } else {
        sdb_sym(c, look, addr, s, sizeof s);
    }
    snprintf(it->label, sizeof it->label, "%s", s);
    fprintf(c->out, "%sbreakpoint %d at 0x%x%s", temporary ? "temporary " : "", it->number, addr,
            s);
    if (ctx != DBG_ANY_CONTEXT)
        fprintf(c->out, " in CONTEXT %d", ctx);
    else if (it->program)
        fprintf(c->out, " (in CONTEXTs running %s)", it->program);
    fputc('\n', c->out);
}

void sdb_cmd_break(struct cli *c, int argc, char **argv)
{
    set_break(c, argc, argv, false);
}

void sdb_cmd_tbreak(struct cli *c, int argc, char **argv)
{
    set_break(c, argc, argv, true);
}

static void watch(struct cli *c, int argc, char **argv, bool on_read, bool on_write)
{
    int given = CTX_UNSET;
    if (!sdb_take_ctx(c, &argc, argv, &given))
        return;
    if (argc < 2 || argc > 3) {
        sdb_error(c, "usage: %s ADDR [LEN] [ctx N]", argv[0]);
        return;
    }
    uint32_t addr, len = 4, cx;
    struct symbol_hit h;
    if (!sdb_parse_addr(c, argv[1], sdb_ctx_or_current(c, given), &addr, &h) ||
        !sdb_pick_ctx(c, given, &h, addr, &cx))
        return;
    int ctx = (int)cx;
    if (h.name && h.size && addr == h.addr)
        len = h.size;
    if (argc == 3 &&
        (!sdb_parse_u32(argv[2], &len) || !len || (uint64_t)addr + len > 0x100000000ull)) {
        sdb_error(c, "'%s' is not a length (1 or more bytes, within the address space)", argv[2]);
        return;
    }
    struct item *it = new_item(c);
    if (!it)
        return;
    int core = dbg_watch_add(&c->d, addr, len, on_read, on_write, ctx);
    if (core < 0) {
        it->used = false;
        sdb_error(c, "too many watchpoints (%d)", DBG_MAX_WATCHES);
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
    fprintf(c->out, "watchpoint %d (%s) on 0x%x%s, %u bytes, in CONTEXT %d\n", it->number,
            on_read && on_write ? "read/write"
            : on_read           ? "read"
                                : "write",
            addr, sdb_sym(c, (uint32_t)ctx, addr, s, sizeof s), len, ctx);
}

void sdb_cmd_watch(struct cli *c, int argc, char **argv)
{
    watch(c, argc, argv, false, true);
}

void sdb_cmd_rwatch(struct cli *c, int argc, char **argv)
{
    watch(c, argc, argv, true, false);
}

void sdb_cmd_awatch(struct cli *c, int argc, char **argv)
{
    watch(c, argc, argv, true, true);
}

void sdb_cmd_catch(struct cli *c, int argc, char **argv)
{
    enum item_kind kind;
    uint32_t trap = 0;
    if (argc == 3 && !strcmp(argv[1], "trap")) {
        if (!sdb_parse_u32(argv[2], &trap) || trap >= SPACE_TRAPS) {
            sdb_error(c, "catch trap needs a trap number 0..%d", SPACE_TRAPS - 1);
            return;
        }
        kind = ITEM_CATCH_TRAP;
    } else if (argc == 2 && !strcmp(argv[1], "portal")) {
        kind = ITEM_CATCH_PORTAL;
    } else if (argc == 2 && !strcmp(argv[1], "space")) {
        kind = ITEM_CATCH_SPACE;
    } else {
        sdb_error(c, "usage: catch trap N | catch portal | catch space");
        return;
    }
    for (int i = 0; i < MAX_ITEMS; i++) {
        const struct item *o = &c->item[i];
        if (o->used && o->kind == kind && (kind != ITEM_CATCH_TRAP || o->trap == trap)) {
            sdb_error(c, "catchpoint %d already does that", o->number);
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
        fprintf(c->out, "catchpoint %d: trap %u (%s)\n", it->number, trap, trap_describe(trap));
    } else if (kind == ITEM_CATCH_PORTAL) {
        c->d.catch_portal = true;
        fprintf(c->out, "catchpoint %d: every portal traversal\n", it->number);
    } else {
        c->d.catch_space = true;
        fprintf(c->out, "catchpoint %d: every change of CONTEXT or MODE\n", it->number);
    }
}

/* Takes an item out of the core (disable) or puts it back (enable); false
 * if the core has no room for it again. */
static bool arm_item(struct cli *c, struct item *it, bool on)
{
    switch (it->kind) {
    case ITEM_BREAK:
        if (!on)
            dbg_break_remove(&c->d, it->core);
        else if ((it->core = dbg_break_add(&c->d, it->addr, it->ctx)) < 0)
            return false;
        break;
    case ITEM_WATCH:
        if (!on)
            dbg_watch_remove(&c->d, it->core);
        else if ((it->core = dbg_watch_add(&c->d, it->addr, it->len, it->on_read, it->on_write,
                                           it->ctx)) < 0)
            return false;
        break;
    case ITEM_CATCH_TRAP: c->d.catch_trap[it->trap] = on; break;
    case ITEM_CATCH_PORTAL: c->d.catch_portal = on; break;
    case ITEM_CATCH_SPACE: c->d.catch_space = on; break;
    }
    if (!on)
        it->core = -1; /* (a disabled item answers to no core number) */
    it->disabled = !on;
    return true;
}

void sdb_item_delete(struct cli *c, struct item *it)
{
    if (!it->disabled)
        arm_item(c, it, false);
    it->used = false;
}

/* disable/enable [N...]: all of them without N. */
static void switch_items(struct cli *c, int argc, char **argv, bool on)
{
    for (int a = 1; a < argc; a++) {
        uint32_t n;
        if (!sdb_parse_u32(argv[a], &n) || !item_numbered(c, n)) {
            sdb_error(c,
                      "no breakpoint, watchpoint or catchpoint number '%s' (see info breakpoints)",
                      argv[a]);
            return;
        }
    }
    for (int i = 0; i < MAX_ITEMS; i++) {
        struct item *it = &c->item[i];
        bool named = argc == 1;
        for (int a = 1; a < argc && !named; a++) {
            uint32_t n;
            named = sdb_parse_u32(argv[a], &n) && (uint32_t)it->number == n;
        }
        if (!it->used || !named || it->disabled == !on)
            continue;
        if (!arm_item(c, it, on)) {
            sdb_error(c, "enable %d: the core has no room (%d breakpoints, %d watchpoints)",
                      it->number, DBG_MAX_BREAKS, DBG_MAX_WATCHES);
            return;
        }
    }
}

void sdb_cmd_disable(struct cli *c, int argc, char **argv)
{
    switch_items(c, argc, argv, false);
}

void sdb_cmd_enable(struct cli *c, int argc, char **argv)
{
    switch_items(c, argc, argv, true);
}

void sdb_cmd_delete(struct cli *c, int argc, char **argv)
{
    if (argc == 1) {
        int n = 0;
        for (int i = 0; i < MAX_ITEMS; i++)
            if (c->item[i].used) {
                sdb_item_delete(c, &c->item[i]);
                n++;
            }
        fprintf(c->out, "deleted all breakpoints, watchpoints and catchpoints (%d)\n", n);
        return;
    }
    for (int a = 1; a < argc; a++) {
        uint32_t n;
        struct item *it = sdb_parse_u32(argv[a], &n) ? item_numbered(c, n) : NULL;
        if (!it) {
            sdb_error(c,
                      "no breakpoint, watchpoint or catchpoint number '%s' (see info breakpoints)",
                      argv[a]);
            return;
        }
        sdb_item_delete(c, it);
    }
}

void sdb_info_breakpoints(struct cli *c)
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
            fprintf(c->out, "%-4d %-11s 0x%08x%s", it->number,
                    it->temporary ? "tbreakpoint" : "breakpoint", it->addr, it->label);
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
                    it->addr, sdb_sym(c, (uint32_t)it->ctx, it->addr, s, sizeof s), it->len,
                    it->ctx);
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
        if (it->disabled)
            fputs(" (disabled)", c->out);
        fputc('\n', c->out);
    }
    if (!n)
        fprintf(c->out, "no breakpoints, watchpoints or catchpoints\n");
    if (c->d.stop_time != UINT64_MAX)
        fprintf(c->out, "stopping at virtual time %llu\n", (unsigned long long)c->d.stop_time);
}
