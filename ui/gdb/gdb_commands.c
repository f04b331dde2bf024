/* gdb_commands: what gdb's packets mean - registers, memory, breakpoints
 * and watchpoints, continue and step, queries (qSupported, qXfer, threads),
 * vCont, detach and kill - on the execution control of debugger.c. The
 * bytes, framing and acknowledgements are ui/gdb/gdb_transport.c's.
 *
 * The machine runs only inside a c/s (or vCont) packet. A continue runs in
 * slices of GDB_SLICE instructions (dbg_step: stopping never changes what
 * the guest does) and looks at the connection between slices for gdb's
 * Ctrl-C (a 0x03 byte). Breakpoints and watchpoints are the debugger's:
 * nothing is ever written into guest memory. */
#include "gdbstub.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdb_transport.h"
#include "ui/debugger/debugger.h"

#define GDB_SLICE           1000000u       /* instructions between looks for Ctrl-C */
#define GDB_NREGS           16             /* in g and G: eax..gs */
#define GDB_NREGS_DESCRIBED 32             /* and the x87 ones, unavailable */
#define GDB_MAX_THREADS     SPACE_MAX_CPUS /* thread n + 1 is CPU n */
#define GDB_MAX_POINTS      (DBG_MAX_BREAKS + DBG_MAX_WATCHES)

#define SIGINT_GDB  2
#define SIGTRAP_GDB 5

/* The exit statuses space itself gives (sim/app/main.c), told to gdb in W. */
#define STATUS_LIMIT        124
#define STATUS_MACHINE_STOP 125

/* Segment registers read as these (the guest runs at x86 privilege level 3
 * in flat segments) and cannot be changed. */
#define SEL_CODE 0x0b
#define SEL_DATA 0x13

static const char target_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
    "<target version=\"1.0\">\n"
    "  <architecture>i386</architecture>\n"
    "  <feature name=\"org.gnu.gdb.i386.core\">\n"
    "    <flags id=\"i386_eflags\" size=\"4\">\n"
    "      <field name=\"CF\" start=\"0\" end=\"0\"/>\n"
    "      <field name=\"\" start=\"1\" end=\"1\"/>\n"
    "      <field name=\"PF\" start=\"2\" end=\"2\"/>\n"
    "      <field name=\"AF\" start=\"4\" end=\"4\"/>\n"
    "      <field name=\"ZF\" start=\"6\" end=\"6\"/>\n"
    "      <field name=\"SF\" start=\"7\" end=\"7\"/>\n"
    "      <field name=\"TF\" start=\"8\" end=\"8\"/>\n"
    "      <field name=\"IF\" start=\"9\" end=\"9\"/>\n"
    "      <field name=\"DF\" start=\"10\" end=\"10\"/>\n"
    "      <field name=\"OF\" start=\"11\" end=\"11\"/>\n"
    "      <field name=\"NT\" start=\"14\" end=\"14\"/>\n"
    "      <field name=\"RF\" start=\"16\" end=\"16\"/>\n"
    "      <field name=\"VM\" start=\"17\" end=\"17\"/>\n"
    "      <field name=\"AC\" start=\"18\" end=\"18\"/>\n"
    "      <field name=\"VIF\" start=\"19\" end=\"19\"/>\n"
    "      <field name=\"VIP\" start=\"20\" end=\"20\"/>\n"
    "      <field name=\"ID\" start=\"21\" end=\"21\"/>\n"
    "    </flags>\n"
    "    <reg name=\"eax\" bitsize=\"32\" type=\"int32\" regnum=\"0\"/>\n"
    "    <reg name=\"ecx\" bitsize=\"32\" type=\"int32\"/>\n"
    "    <reg name=\"edx\" bitsize=\"32\" type=\"int32\"/>\n"
    "    <reg name=\"ebx\" bitsize=\"32\" type=\"int32\"/>\n"
    "    <reg name=\"esp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
    "    <reg name=\"ebp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
    "    <reg name=\"esi\" bitsize=\"32\" type=\"int32\"/>\n"
    "    <reg name=\"edi\" bitsize=\"32\" type=\"int32\"/>\n"
    "    <reg name=\"eip\" bitsize=\"32\" type=\"code_ptr\"/>\n"
    "    <reg name=\"eflags\" bitsize=\"32\" type=\"i386_eflags\"/>\n"
    "    <reg name=\"cs\" bitsize=\"32\" type=\"int32\"/>\n"
    "    <reg name=\"ss\" bitsize=\"32\" type=\"int32\"/>\n"
    "    <reg name=\"ds\" bitsize=\"32\" type=\"int32\"/>\n"
    "    <reg name=\"es\" bitsize=\"32\" type=\"int32\"/>\n"
    "    <reg name=\"fs\" bitsize=\"32\" type=\"int32\"/>\n"
    "    <reg name=\"gs\" bitsize=\"32\" type=\"int32\"/>\n"
    /* GDB accepts an i386 core only with the x87 registers: they are
     * described, and always unavailable (not in g, 'x's in p). */
    "    <reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "    <reg name=\"st1\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "    <reg name=\"st2\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "    <reg name=\"st3\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "    <reg name=\"st4\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "    <reg name=\"st5\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "    <reg name=\"st6\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "    <reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "    <reg name=\"fctrl\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "    <reg name=\"fstat\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "    <reg name=\"ftag\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "    <reg name=\"fiseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "    <reg name=\"fioff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "    <reg name=\"foseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "    <reg name=\"fooff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "    <reg name=\"fop\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "  </feature>\n"
    "</target>\n";

/* A breakpoint or watchpoint gdb inserted (Z type 0..4), as the debugger's
 * number id. */
struct gdb_point {
    bool used;
    int type;
    uint32_t addr, kind;
    int id;
};

struct gdbstub {
    struct gdb_transport t;
    struct machine *m;
    struct debugger dbg;
    bool dbg_ready;
    bool swbreak, hwbreak; /* gdb understands these stop reasons */
    int nthreads;
    struct cpu *thread_cpu[GDB_MAX_THREADS];
    int g_thread;    /* Hg: the thread registers and memory are those of */
    int stop_thread; /* the thread of the last stop (qC) */
    struct gdb_point pts[GDB_MAX_POINTS];
    /* gdb removes its watchpoints at every stop and inserts them again
     * when it resumes: each keeps the CONTEXT it was first set in. */
    struct gdb_watch_ctx {
        int type;
        uint32_t addr, kind, ctx;
    } watch_ctx[GDB_MAX_POINTS];
    unsigned nwatch_ctx;
    char last_stop[64];
    struct travel *travel; /* bs, bc (NULL: not offered) */
};

/* ---- Parsing ---- */

/* Hex number at *p (advanced past it); false if there is none. */
static bool parse_hex(const char **p, uint32_t *out)
{
    uint32_t v = 0;
    const char *s = *p;
    int d;
    if (gdb_hexval(*s) < 0)
        return false;
    while ((d = gdb_hexval(*s)) >= 0) {
        v = v << 4 | (uint32_t)d;
        s++;
    }
    *p = s;
    *out = v;
    return true;
}

static bool expect(const char **p, char c)
{
    if (**p != c)
        return false;
    (*p)++;
    return true;
}

/* A thread id ("-1": all, "0": any, else hex): the thread number, 0 for
 * any, -1 for all, or -2 if it is not a thread of ours. */
static int parse_thread(struct gdbstub *g, const char **p)
{
    if ((*p)[0] == '-' && (*p)[1] == '1') {
        *p += 2;
        return -1;
    }
    uint32_t t;
    if (!parse_hex(p, &t))
        return -2;
    if (t == 0)
        return 0;
    return t <= (uint32_t)g->nthreads ? (int)t : -2;
}

/* ---- Registers ---- */

static struct cpu *cur_cpu(struct gdbstub *g)
{
    return g->dbg.cpu; /* (Hg selects it) */
}

/* GDB's i386 order: eax ecx edx ebx esp ebp esi edi eip eflags cs ss ds es fs gs. */
static uint32_t *reg_slot(struct cpu_regs *r, unsigned n)
{
    switch (n) {
    case 0: return &r->eax;
    case 1: return &r->ecx;
    case 2: return &r->edx;
    case 3: return &r->ebx;
    case 4: return &r->esp;
    case 5: return &r->ebp;
    case 6: return &r->esi;
    case 7: return &r->edi;
    case 8: return &r->eip;
    case 9: return &r->eflags;
    default: return NULL;
    }
}

static uint32_t reg_get(const struct cpu_regs *r, unsigned n)
{
    if (n < 10)
        return *reg_slot((struct cpu_regs *)r, n);
    return n == 10 ? SEL_CODE : SEL_DATA;
}

static void reply_reg(struct gdbstub *g, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    gdb_reply_hex(&g->t, b, 4);
}

/* 8 hex digits, little-endian. */
static bool parse_reg(const char **p, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int h = gdb_hexval((*p)[0]), l = h < 0 ? -1 : gdb_hexval((*p)[1]);
        if (h < 0 || l < 0)
            return false;
        v |= (uint32_t)(h << 4 | l) << (8 * i);
        *p += 2;
    }
    *out = v;
    return true;
}

static void cmd_read_regs(struct gdbstub *g)
{
    struct cpu_regs r;
    cpu_get_regs(cur_cpu(g), &r);
    gdb_reply_begin(&g->t);
    for (unsigned i = 0; i < GDB_NREGS; i++)
        reply_reg(g, reg_get(&r, i));
    gdb_reply_send(&g->t);
}

static void cmd_write_regs(struct gdbstub *g, const char *p)
{
    struct cpu_regs r;
    cpu_get_regs(cur_cpu(g), &r);
    uint32_t v[GDB_NREGS];
    unsigned n = 0;
    while (n < GDB_NREGS && *p && parse_reg(&p, &v[n]))
        n++;
    if (*p || n < 10) {
        gdb_reply(&g->t, "E01");
        return;
    }
    for (unsigned i = 0; i < 10; i++)
        *reg_slot(&r, i) = v[i];
    /* (segment registers are fixed: what gdb sends back for them is ignored) */
    gdb_reply(&g->t, dbg_set_regs(&g->dbg, &r) ? "OK" : "E01");
}

static void cmd_read_reg(struct gdbstub *g, const char *p)
{
    uint32_t n;
    if (!parse_hex(&p, &n) || *p || n >= GDB_NREGS_DESCRIBED) {
        gdb_reply(&g->t, "E01");
        return;
    }
    if (n >= GDB_NREGS) { /* x87: st0..st7 (10 bytes), then 4-byte ones */
        gdb_reply(&g->t, n < GDB_NREGS + 8 ? "xxxxxxxxxxxxxxxxxxxx" : "xxxxxxxx");
        return;
    }
    struct cpu_regs r;
    cpu_get_regs(cur_cpu(g), &r);
    gdb_reply_begin(&g->t);
    reply_reg(g, reg_get(&r, n));
    gdb_reply_send(&g->t);
}

static void cmd_write_reg(struct gdbstub *g, const char *p)
{
    uint32_t n, v;
    if (!parse_hex(&p, &n) || !expect(&p, '=') || !parse_reg(&p, &v) || *p || n >= GDB_NREGS) {
        gdb_reply(&g->t, "E01");
        return;
    }
    struct cpu_regs r;
    cpu_get_regs(cur_cpu(g), &r);
    if (n >= 10) { /* read-only: only its own value is accepted */
        gdb_reply(&g->t, v == reg_get(&r, n) ? "OK" : "E01");
        return;
    }
    *reg_slot(&r, n) = v;
    gdb_reply(&g->t, dbg_set_regs(&g->dbg, &r) ? "OK" : "E01");
}

/* ---- Memory (virtual, in the CPU's current CONTEXT) ---- */

static void cmd_read_mem(struct gdbstub *g, const char *p)
{
    uint32_t addr, len;
    if (!parse_hex(&p, &addr) || !expect(&p, ',') || !parse_hex(&p, &len) || *p) {
        gdb_reply(&g->t, "E01");
        return;
    }
    if (len > GDB_PACKET_SIZE / 2 - 8)
        len = GDB_PACKET_SIZE / 2 - 8;
    static unsigned char buf[GDB_PACKET_SIZE / 2];
    uint32_t got = dbg_read_virtual(&g->dbg, cpu_context(cur_cpu(g)), addr, buf, len);
    if (len && !got) {
        gdb_reply(&g->t, "E14"); /* EFAULT: not mapped */
        return;
    }
    gdb_reply_begin(&g->t);
    gdb_reply_hex(&g->t, buf, got); /* (fewer bytes than asked: the rest is unmapped) */
    gdb_reply_send(&g->t);
}

static void write_mem(struct gdbstub *g, uint32_t addr, const unsigned char *data, uint32_t len)
{
    uint32_t done = len ? dbg_write_virtual(&g->dbg, cpu_context(cur_cpu(g)), addr, data, len) : 0;
    gdb_reply(&g->t, done == len ? "OK" : "E14");
}

static void cmd_write_mem(struct gdbstub *g, const char *p)
{
    uint32_t addr, len;
    if (!parse_hex(&p, &addr) || !expect(&p, ',') || !parse_hex(&p, &len) || !expect(&p, ':') ||
        len > GDB_PACKET_SIZE / 2 || strlen(p) != 2 * (size_t)len) {
        gdb_reply(&g->t, "E01");
        return;
    }
    static unsigned char buf[GDB_PACKET_SIZE / 2];
    for (uint32_t i = 0; i < len; i++) {
        int h = gdb_hexval(p[2 * i]), l = gdb_hexval(p[2 * i + 1]);
        if (h < 0 || l < 0) {
            gdb_reply(&g->t, "E01");
            return;
        }
        buf[i] = (unsigned char)(h << 4 | l);
    }
    write_mem(g, addr, buf, len);
}

/* X addr,len:binary (escaped with '}'). */
static void cmd_write_binary(struct gdbstub *g)
{
    const char *p = g->t.pkt + 1;
    uint32_t addr, len;
    if (!parse_hex(&p, &addr) || !expect(&p, ',') || !parse_hex(&p, &len) || !expect(&p, ':') ||
        len > GDB_PACKET_SIZE) {
        gdb_reply(&g->t, "E01");
        return;
    }
    static unsigned char buf[GDB_PACKET_SIZE];
    const char *end = g->t.pkt + g->t.pkt_len;
    uint32_t n = 0;
    while (p < end && n < len) {
        unsigned char c = (unsigned char)*p++;
        if (c == '}') {
            if (p == end)
                break;
            c = (unsigned char)(*p++ ^ 0x20);
        }
        buf[n++] = c;
    }
    if (n != len || p != end) {
        gdb_reply(&g->t, "E01");
        return;
    }
    write_mem(g, addr, buf, len);
}

/* ---- Breakpoints and watchpoints ---- */

static struct gdb_point *find_point(struct gdbstub *g, int type, uint32_t addr, uint32_t kind)
{
    for (int i = 0; i < GDB_MAX_POINTS; i++) {
        struct gdb_point *q = &g->pts[i];
        if (q->used && q->type == type && q->addr == addr && (type < 2 || q->kind == kind))
            return q;
    }
    return NULL;
}

/* The CONTEXT a watchpoint watches: the one it was first set in (in this
 * session), else the CPU's now. */
static uint32_t watch_context(struct gdbstub *g, int type, uint32_t addr, uint32_t kind)
{
    for (unsigned i = 0; i < g->nwatch_ctx; i++) {
        const struct gdb_watch_ctx *w = &g->watch_ctx[i];
        if (w->type == type && w->addr == addr && w->kind == kind)
            return w->ctx;
    }
    uint32_t ctx = cpu_context(cur_cpu(g));
    if (g->nwatch_ctx == GDB_MAX_POINTS) { /* forget the oldest */
        memmove(g->watch_ctx, g->watch_ctx + 1, sizeof g->watch_ctx - sizeof g->watch_ctx[0]);
        g->nwatch_ctx--;
    }
    g->watch_ctx[g->nwatch_ctx++] = (struct gdb_watch_ctx){type, addr, kind, ctx};
    return ctx;
}

/* Z/z type,addr,kind[;...]: both are idempotent, as gdb wants. */
static void cmd_point(struct gdbstub *g, bool insert)
{
    const char *p = g->t.pkt + 1;
    uint32_t type, addr, kind;
    if (!parse_hex(&p, &type) || !expect(&p, ',') || !parse_hex(&p, &addr) || !expect(&p, ',') ||
        !parse_hex(&p, &kind) || (*p && *p != ';')) {
        gdb_reply(&g->t, "E01");
        return;
    }
    if (type > 4) {
        gdb_reply(&g->t, ""); /* not supported */
        return;
    }
    struct gdb_point *q = find_point(g, (int)type, addr, kind);
    if (!insert) {
        if (q) {
            if (type < 2)
                dbg_break_remove(&g->dbg, q->id);
            else
                dbg_watch_remove(&g->dbg, q->id);
            q->used = false;
        }
        gdb_reply(&g->t, "OK");
        return;
    }
    if (q) {
        gdb_reply(&g->t, "OK");
        return;
    }
    for (int i = 0; i < GDB_MAX_POINTS; i++) {
        if (g->pts[i].used)
            continue;
        int id;
        if (type < 2) /* gdb knows one address space: a breakpoint stops in every CONTEXT */
            id = dbg_break_add(&g->dbg, addr, DBG_ANY_CONTEXT);
        else
            id = dbg_watch_add(&g->dbg, addr, kind ? kind : 1, type != 2, type != 3,
                               (int)watch_context(g, (int)type, addr, kind));
        if (id < 0)
            break;
        g->pts[i] = (struct gdb_point){
            .used = true, .type = (int)type, .addr = addr, .kind = kind, .id = id};
        gdb_reply(&g->t, "OK");
        return;
    }
    gdb_reply(&g->t, "E28"); /* ENOSPC: all the debugger's slots are taken */
}

static void remove_all_points(struct gdbstub *g)
{
    for (int i = 0; i < GDB_MAX_POINTS; i++) {
        struct gdb_point *q = &g->pts[i];
        if (!q->used)
            continue;
        if (q->type < 2)
            dbg_break_remove(&g->dbg, q->id);
        else
            dbg_watch_remove(&g->dbg, q->id);
        q->used = false;
    }
}

static struct gdb_point *point_of(struct gdbstub *g, bool watch, int id)
{
    for (int i = 0; i < GDB_MAX_POINTS; i++) {
        struct gdb_point *q = &g->pts[i];
        if (q->used && (q->type >= 2) == watch && q->id == id)
            return q;
    }
    return NULL;
}

/* The debugger's breakpoint at the pc of the CPU that goes on running, if
 * one is there for its CONTEXT. */
static int break_at_pc(struct gdbstub *g)
{
    struct cpu_regs r;
    struct cpu *c = g->thread_cpu[machine_running_cpu(g->m)];
    cpu_get_regs(c, &r);
    for (int i = 0; i < DBG_MAX_BREAKS; i++) {
        const struct dbg_break *b = &g->dbg.brk[i];
        if (b->used && b->addr == r.eip &&
            (b->ctx == DBG_ANY_CONTEXT || (uint32_t)b->ctx == cpu_context(c)))
            return i + 1;
    }
    return 0;
}

/* ---- Running ---- */

enum run_end { RUN_STOPPED, RUN_ENDED, RUN_GONE };
static void reply_stop(struct gdbstub *g, const struct dbg_stop *st)
{
    char *s = g->last_stop;
    size_t n = sizeof g->last_stop;
    int t = (int)st->cpu + 1;
    /* gdb takes the thread a stop names for its general thread (as if Hg) */
    g->stop_thread = g->g_thread = t;
    dbg_select_cpu(&g->dbg, st->cpu);
    switch (st->kind) {
    case DBG_INTERRUPTED: snprintf(s, n, "T%02xthread:%02x;", SIGINT_GDB, t); break;
    case DBG_BREAKPOINT: {
        const struct gdb_point *q = point_of(g, false, st->id);
        const char *why = !q             ? ""
                          : q->type == 1 ? (g->hwbreak ? "hwbreak:;" : "")
                                         : (g->swbreak ? "swbreak:;" : "");
        snprintf(s, n, "T%02x%sthread:%02x;", SIGTRAP_GDB, why, t);
        break;
    }
    case DBG_WATCHPOINT: {
        const struct gdb_point *q = point_of(g, true, st->id);
        if (!q) {
            snprintf(s, n, "T%02xthread:%02x;", SIGTRAP_GDB, t);
            break;
        }
        /* gdb looks for the address in its watched range: an access
         * starting below it is reported at the range's start. */
        uint32_t a = st->addr < q->addr ? q->addr : st->addr;
        if (q->kind && a - q->addr >= q->kind)
            a = q->addr;
        snprintf(s, n, "T%02x%s:%x;thread:%02x;", SIGTRAP_GDB,
                 q->type == 2   ? "watch"
                 : q->type == 3 ? "rwatch"
                                : "awatch",
                 a, t);
        break;
    }
    default: snprintf(s, n, "T%02xthread:%02x;", SIGTRAP_GDB, t); break;
    }
    gdb_reply(&g->t, s);
}

/* The machine ended: gdb hears how (an O line for anything but a halt)
 * and the exit status space gives. */
static void reply_ended(struct gdbstub *g)
{
    struct machine *m = g->m;
    unsigned status;
    char line[640];
    line[0] = 0;
    switch (machine_state(m)) {
    case MACHINE_HALTED: status = machine_exit_code(m) & 0xff; break;
    case MACHINE_LIMIT:
        status = STATUS_LIMIT;
        snprintf(line, sizeof line, "space: instruction limit reached\n");
        break;
    default:
        status = STATUS_MACHINE_STOP;
        snprintf(line, sizeof line, "space: machine stop: %.500s\n", machine_stop_reason(m));
        break;
    }
    if (line[0]) {
        gdb_reply_begin(&g->t);
        gdb_reply_str(&g->t, "O");
        gdb_reply_hex(&g->t, line, (unsigned)strlen(line));
        gdb_reply_send(&g->t);
    }
    gdb_reply_begin(&g->t);
    gdb_reply_fmt(&g->t, "W%02x", status);
    gdb_reply_send(&g->t);
}

/* Runs (one instruction, or until something stops it) and tells gdb why it
 * stopped. */
static enum run_end resume(struct gdbstub *g, bool step)
{
    struct dbg_stop st;
    if (step) {
        dbg_step(&g->dbg, 1, &st);
    } else {
        for (;;) {
            dbg_step(&g->dbg, GDB_SLICE, &st);
            if (st.kind != DBG_STEPPED)
                break;
            /* A slice that ended right before a breakpoint: the next would
             * start by passing it. */
            int id = break_at_pc(g);
            if (id) {
                st = (struct dbg_stop){.kind = DBG_BREAKPOINT, .id = id, .cpu = st.cpu};
                break;
            }
            if (gdb_ctrl_c_came(&g->t)) {
                st = (struct dbg_stop){.kind = DBG_INTERRUPTED, .cpu = st.cpu};
                break;
            }
            if (g->t.gone)
                return RUN_GONE;
        }
    }
    if (st.kind == DBG_ENDED) {
        reply_ended(g);
        return RUN_ENDED;
    }
    reply_stop(g, &st);
    return RUN_STOPPED;
}

/* bs, bc: back one instruction (of the machine, as s steps), or to the
 * last breakpoint or watchpoint stop before now (a watchpoint: before the
 * accessing instruction, so gdb sees the old value) - or to the start,
 * which gdb hears as replaylog:begin. */
static void cmd_reverse(struct gdbstub *g, bool step)
{
    struct dbg_stop st;
    char err[256];
    int rc = step ? dbg_reverse_step(&g->dbg, 1, &st, err, sizeof err)
                  : dbg_reverse_continue(&g->dbg, &st, err, sizeof err);
    if (rc != 0) {
        gdb_reply(&g->t, "E01");
        return;
    }
    if (st.kind == DBG_HISTORY) {
        int t = (int)st.cpu + 1;
        g->stop_thread = g->g_thread = t;
        dbg_select_cpu(&g->dbg, st.cpu);
        snprintf(g->last_stop, sizeof g->last_stop, "T%02xreplaylog:begin;thread:%02x;",
                 SIGTRAP_GDB, t);
        gdb_reply(&g->t, g->last_stop);
        return;
    }
    if (st.kind == DBG_ENDED) /* (gone forward past the end: not backwards) */
        st.kind = DBG_STEPPED;
    reply_stop(g, &st);
}

/* c [addr], s [addr], C sig[;addr], S sig[;addr]: the signal is ignored. */
static enum run_end cmd_resume(struct gdbstub *g)
{
    const char *p = g->t.pkt + 1;
    char c = g->t.pkt[0];
    uint32_t v;
    if (c == 'C' || c == 'S') {
        if (!parse_hex(&p, &v) || (*p && *p != ';')) {
            gdb_reply(&g->t, "E01");
            return RUN_STOPPED;
        }
        if (*p)
            p++; /* then the address */
    }
    if (*p) {
        if (!parse_hex(&p, &v) || *p) {
            gdb_reply(&g->t, "E01");
            return RUN_STOPPED;
        }
        struct cpu_regs r;
        cpu_get_regs(cur_cpu(g), &r);
        r.eip = v;
        if (!dbg_set_regs(&g->dbg, &r)) {
            gdb_reply(&g->t, "E01");
            return RUN_STOPPED;
        }
    }
    return resume(g, c == 's' || c == 'S');
}

/* vCont;action[:thread];...: the first action, for whichever thread: the
 * CPUs run as the machine runs them (a step is the machine's next
 * instruction, docs/debugging.md). */
static enum run_end cmd_vcont(struct gdbstub *g)
{
    const char *p = g->t.pkt + 5;
    while (*p == ';') {
        p++;
        char a = *p++;
        uint32_t sig;
        if ((a == 'C' || a == 'S') && !parse_hex(&p, &sig))
            break;
        int t = -1;
        if (*p == ':') {
            p++;
            t = parse_thread(g, &p);
        }
        if (*p && *p != ';')
            break;
        if (t != -2) {
            if (a == 'c' || a == 'C')
                return resume(g, false);
            if (a == 's' || a == 'S')
                return resume(g, true);
            break;
        }
    }
    gdb_reply(&g->t, "E01");
    return RUN_STOPPED;
}

/* ---- Queries ---- */

static bool starts(const char *s, const char *prefix)
{
    return !strncmp(s, prefix, strlen(prefix));
}

static void cmd_supported(struct gdbstub *g)
{
    g->swbreak = strstr(g->t.pkt, "swbreak+") != NULL;
    g->hwbreak = strstr(g->t.pkt, "hwbreak+") != NULL;
    gdb_reply_begin(&g->t);
    gdb_reply_fmt(&g->t, "PacketSize=%x;QStartNoAckMode+;swbreak+;hwbreak+;qXfer:features:read+",
                  GDB_PACKET_SIZE);
    if (g->travel)
        gdb_reply_str(&g->t, ";ReverseStep+;ReverseContinue+");
    gdb_reply_send(&g->t);
}

/* qXfer:features:read:ANNEX:offset,length */
static void cmd_features(struct gdbstub *g)
{
    const char *p = g->t.pkt + strlen("qXfer:features:read:");
    if (!starts(p, "target.xml:")) {
        gdb_reply(&g->t, "E00");
        return;
    }
    p += strlen("target.xml:");
    uint32_t off, len;
    if (!parse_hex(&p, &off) || !expect(&p, ',') || !parse_hex(&p, &len) || *p) {
        gdb_reply(&g->t, "E01");
        return;
    }
    uint32_t size = (uint32_t)strlen(target_xml);
    if (len > GDB_PACKET_SIZE / 2)
        len = GDB_PACKET_SIZE / 2;
    uint32_t n = off >= size ? 0 : size - off < len ? size - off : len;
    gdb_reply_begin(&g->t);
    gdb_reply_str(&g->t, off + n >= size ? "l" : "m");
    gdb_reply_binary(&g->t, target_xml + (off < size ? off : size), n);
    gdb_reply_send(&g->t);
}

static void cmd_thread_info(struct gdbstub *g)
{
    const char *p = g->t.pkt + strlen("qThreadExtraInfo,");
    int t = parse_thread(g, &p);
    if (t < 1 || *p) {
        gdb_reply(&g->t, "E01");
        return;
    }
    struct cpu *c = g->thread_cpu[t - 1];
    char text[80];
    unsigned i = (unsigned)t - 1;
    snprintf(text, sizeof text, "CPU %u, CONTEXT %u MODE %u%s", i, cpu_context(c), cpu_mode(c),
             machine_cpu_halted(g->m, i)    ? ", halted"
             : machine_cpu_waiting(g->m, i) ? ", waiting"
                                            : "");
    gdb_reply_begin(&g->t);
    gdb_reply_hex(&g->t, text, (unsigned)strlen(text));
    gdb_reply_send(&g->t);
}

static void cmd_set_thread(struct gdbstub *g)
{
    const char *p = g->t.pkt + 2;
    int t = parse_thread(g, &p);
    if (t == -2 || *p || (g->t.pkt[1] != 'g' && g->t.pkt[1] != 'c')) {
        gdb_reply(&g->t, "E01");
        return;
    }
    if (g->t.pkt[1] == 'g') {
        g->g_thread = t > 0 ? t : 1;
        dbg_select_cpu(&g->dbg, (unsigned)g->g_thread - 1);
    }
    /* (Hc: every CPU runs when the machine runs) */
    gdb_reply(&g->t, "OK");
}

static void cmd_query(struct gdbstub *g)
{
    const char *p = g->t.pkt;
    if (starts(p, "qSupported")) {
        cmd_supported(g);
    } else if (starts(p, "qXfer:features:read:")) {
        cmd_features(g);
    } else if (!strcmp(p, "qC")) {
        gdb_reply_begin(&g->t);
        gdb_reply_fmt(&g->t, "QC%02x", g->stop_thread);
        gdb_reply_send(&g->t);
    } else if (!strcmp(p, "qfThreadInfo")) {
        gdb_reply_begin(&g->t);
        gdb_reply_str(&g->t, "m");
        for (int t = 1; t <= g->nthreads; t++)
            gdb_reply_fmt(&g->t, t > 1 ? ",%02x" : "%02x", t);
        gdb_reply_send(&g->t);
    } else if (!strcmp(p, "qsThreadInfo")) {
        gdb_reply(&g->t, "l");
    } else if (starts(p, "qThreadExtraInfo,")) {
        cmd_thread_info(g);
    } else if (starts(p, "qAttached")) {
        gdb_reply(&g->t, "0"); /* space made the machine for gdb: quitting gdb kills it */
    } else {
        gdb_reply(&g->t, "");
    }
}

/* ---- The session ---- */

int gdbstub_parse_port(const char *s)
{
    long v = 0;
    if (!s || !*s)
        return -1;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9' || p - s > 5)
            return -1;
        v = v * 10 + (*p - '0');
    }
    return v <= 65535 ? (int)v : -1;
}

struct gdbstub *gdbstub_listen(int port, char *err, unsigned errlen)
{
    struct gdbstub *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    if (gdb_transport_listen(&g->t, port, err, errlen) != 0) {
        free(g);
        return NULL;
    }
    fprintf(stderr, "space: waiting for gdb on 127.0.0.1:%u\n", gdb_transport_port(&g->t));
    fflush(stderr);
    return g;
}

void gdbstub_close(struct gdbstub *g)
{
    if (!g)
        return;
    if (g->dbg_ready)
        dbg_free(&g->dbg);
    gdb_transport_close(&g->t);
    free(g);
}

/* Ends the machine from outside (k, a lost connection, Ctrl-C). */
static enum machine_state end_machine(struct gdbstub *g)
{
    machine_end(g->m, MACHINE_INTERRUPTED);
    gdb_transport_hang_up(&g->t);
    return MACHINE_INTERRUPTED;
}

/* Ctrl-C on space itself (the transport asks while it waits). */
static bool ctrl_c_pressed(void *m)
{
    return machine_interrupted(m);
}

/* The packets of one connected gdb, until it or the machine ends. */
static enum machine_state serve_session(struct gdbstub *g, const char **why)
{
    struct machine *m = g->m;
    dbg_init(&g->dbg, m);
    dbg_set_travel(&g->dbg, g->travel);
    g->dbg_ready = true;
    g->nthreads = (int)machine_ncpus(m);
    for (int i = 0; i < g->nthreads; i++)
        g->thread_cpu[i] = machine_cpu(m, (unsigned)i);
    g->g_thread = 1;
    g->stop_thread = 1;
    snprintf(g->last_stop, sizeof g->last_stop, "T%02xthread:%02x;", SIGTRAP_GDB, 1);

    for (;;) {
        int r = gdb_read_packet(&g->t);
        if (r == 0) { /* Ctrl-C on space itself while stopped: the end */
            machine_clear_interrupt(m);
            return end_machine(g);
        }
        if (r < 0) {
            *why = "gdb closed the connection";
            return end_machine(g);
        }
        const char *p = g->t.pkt;
        enum run_end run = RUN_STOPPED;
        switch (p[0]) {
        case '?': gdb_reply(&g->t, g->last_stop); break;
        case 'g': cmd_read_regs(g); break;
        case 'G': cmd_write_regs(g, p + 1); break;
        case 'p': cmd_read_reg(g, p + 1); break;
        case 'P': cmd_write_reg(g, p + 1); break;
        case 'm': cmd_read_mem(g, p + 1); break;
        case 'M': cmd_write_mem(g, p + 1); break;
        case 'X': cmd_write_binary(g); break;
        case 'c':
        case 'C':
        case 's':
        case 'S': run = cmd_resume(g); break;
        case 'Z':
        case 'z': cmd_point(g, p[0] == 'Z'); break;
        case 'b':
            if ((p[1] == 's' || p[1] == 'c') && !p[2] && g->travel)
                cmd_reverse(g, p[1] == 's');
            else
                gdb_reply(&g->t, "");
            break;
        case 'H': cmd_set_thread(g); break;
        case 'T': {
            const char *q = p + 1;
            int t = parse_thread(g, &q);
            gdb_reply(&g->t, t >= 1 && !*q ? "OK" : "E01");
            break;
        }
        case 'q': cmd_query(g); break;
        case 'Q':
            if (!strcmp(p, "QStartNoAckMode")) {
                gdb_reply(&g->t, "OK");
                g->t.ack = false;
            } else {
                gdb_reply(&g->t, "");
            }
            break;
        case 'v':
            if (!strcmp(p, "vCont?"))
                gdb_reply(&g->t, "vCont;c;C;s;S");
            else if (starts(p, "vCont;"))
                run = cmd_vcont(g);
            else if (starts(p, "vKill")) {
                gdb_reply(&g->t, "OK");
                *why = "killed by gdb";
                return end_machine(g);
            } else
                gdb_reply(&g->t, "");
            break;
        case 'k': *why = "killed by gdb"; return end_machine(g);
        case 'D':
            /* Detach: the guest runs on to its normal end, undisturbed. */
            remove_all_points(g);
            gdb_reply(&g->t, "OK");
            gdb_transport_hang_up(&g->t);
            dbg_free(&g->dbg);
            g->dbg_ready = false;
            return machine_run(m);
        default: gdb_reply(&g->t, ""); break;
        }
        if (run == RUN_ENDED) {
            gdb_transport_hang_up(&g->t);
            return machine_state(m);
        }
        if (run == RUN_GONE || g->t.gone) {
            *why = "gdb closed the connection";
            return end_machine(g);
        }
    }
}

void gdbstub_set_travel(struct gdbstub *g, struct travel *t)
{
    g->travel = t;
}

enum machine_state gdbstub_serve(struct gdbstub *g, struct machine *m, const char **why)
{
    *why = NULL;
    g->m = m;
    /* One connection, from this machine only (the socket is bound to the
     * loopback interface). */
    if (gdb_transport_accept(&g->t, ctrl_c_pressed, m) != 1) {
        machine_end(m, MACHINE_INTERRUPTED);
        return MACHINE_INTERRUPTED;
    }
    return serve_session(g, why);
}

enum machine_state gdbstub_serve_bytes(struct machine *m, const void *bytes, unsigned n,
                                       const char **why)
{
    *why = NULL;
    struct gdbstub *g = calloc(1, sizeof *g);
    if (!g) {
        *why = "out of host memory";
        machine_end(m, MACHINE_INTERRUPTED);
        return MACHINE_INTERRUPTED;
    }
    g->m = m;
    gdb_transport_feed(&g->t, bytes, n, ctrl_c_pressed, m);
    enum machine_state st = serve_session(g, why);
    gdbstub_close(g);
    return st;
}
