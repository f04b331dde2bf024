/* gdbstub: the GDB Remote Serial Protocol over one TCP connection, on the
 * execution control of debugger.c.
 *
 * The machine runs only inside a c/s (or vCont) packet. A continue runs in
 * slices of GDB_SLICE instructions (dbg_step: stopping never changes what
 * the guest does) and looks at the connection between slices for gdb's
 * Ctrl-C (a 0x03 byte). Breakpoints and watchpoints are the debugger's:
 * nothing is ever written into guest memory. */
#include "gdbstub.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/machine_internal.h"
#include "sim/host/platform.h"
#include "ui/debugger/debugger.h"

#define GDB_PACKET_SIZE     16384u   /* the PacketSize we announce (hex 4000) */
#define GDB_SLICE           1000000u /* instructions between looks for Ctrl-C */
#define GDB_POLL_MS         200      /* how often a wait looks at the Ctrl-C flag */
#define GDB_NREGS           16       /* in g and G: eax..gs */
#define GDB_NREGS_DESCRIBED 32       /* and the x87 ones, unavailable */
#define GDB_MAX_THREADS     1        /* one CPU now: thread n + 1 is CPU n */
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
    struct platform_socket *listener, *conn;
    struct machine *m;
    struct debugger dbg;
    bool dbg_ready;
    bool ack;              /* +/- acknowledgements (until QStartNoAckMode) */
    bool gone;             /* the connection closed or failed */
    bool swbreak, hwbreak; /* gdb understands these stop reasons */
    int nthreads;
    struct cpu *thread_cpu[GDB_MAX_THREADS];
    int g_thread; /* Hg: the thread registers and memory are those of */
    struct gdb_point pts[GDB_MAX_POINTS];
    /* gdb removes its watchpoints at every stop and inserts them again
     * when it resumes: each keeps the CONTEXT it was first set in. */
    struct gdb_watch_ctx {
        int type;
        uint32_t addr, kind, ctx;
    } watch_ctx[GDB_MAX_POINTS];
    unsigned nwatch_ctx;
    /* bytes received and not used yet */
    unsigned char in[4096];
    unsigned in_pos, in_len;
    /* the packet received (NUL-terminated; binary for X) */
    char pkt[GDB_PACKET_SIZE + 1];
    unsigned pkt_len;
    /* the reply being built, framed in place: "$" data "#cc" */
    char out[2 * GDB_PACKET_SIZE + 16];
    unsigned out_len;
    char last_stop[64];
};

static const char hexdigits[] = "0123456789abcdef";

/* ---- Connection: bytes and packets ---- */

/* Receives what is there (waiting up to timeout_ms), after what is kept.
 * 1: bytes came (or the buffer is full), 0: none (time out, or a signal),
 * -1: the connection is gone. */
static int fill(struct gdbstub *g, int timeout_ms)
{
    if (g->gone)
        return -1;
    if (g->in_pos) {
        memmove(g->in, g->in + g->in_pos, g->in_len - g->in_pos);
        g->in_len -= g->in_pos;
        g->in_pos = 0;
    }
    if (g->in_len == sizeof g->in)
        return 1;
    int w = platform_socket_wait(g->conn, timeout_ms);
    if (w == 0)
        return 0;
    int n = w < 0 ? -1 : platform_socket_recv(g->conn, g->in + g->in_len, sizeof g->in - g->in_len);
    if (n <= 0) {
        g->gone = true;
        return -1;
    }
    g->in_len += (unsigned)n;
    return 1;
}

/* The next byte: 0..255, -1 if none came (the user pressed Ctrl-C: the
 * caller looks at m->interrupted), -2 if the connection is gone. */
static int get_byte(struct gdbstub *g)
{
    while (g->in_pos == g->in_len) {
        int r = fill(g, GDB_POLL_MS);
        if (r < 0)
            return -2;
        if (r == 0 && g->m->interrupted)
            return -1;
    }
    return g->in[g->in_pos++];
}

static void send_raw(struct gdbstub *g, const void *p, unsigned n)
{
    if (!g->gone && platform_socket_send(g->conn, p, n) != 0)
        g->gone = true;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Reads one packet into g->pkt, acknowledging it. 1: a packet, 0: the user
 * pressed Ctrl-C, -1: the connection is gone. Stray bytes (acks, a late
 * Ctrl-C) are ignored. */
static int read_packet(struct gdbstub *g)
{
    for (;;) {
        int c = get_byte(g);
        if (c < 0)
            return c == -1 ? 0 : -1;
        if (c != '$')
            continue;
        unsigned n = 0;
        unsigned char sum = 0;
        bool too_long = false;
        for (;;) {
            c = get_byte(g);
            if (c < 0)
                return c == -1 ? 0 : -1;
            if (c == '#')
                break;
            sum = (unsigned char)(sum + c);
            if (n < GDB_PACKET_SIZE)
                g->pkt[n++] = (char)c;
            else
                too_long = true;
        }
        int h = get_byte(g), l = h < 0 ? h : get_byte(g);
        if (h < 0 || l < 0)
            return h == -1 || l == -1 ? 0 : -1;
        g->pkt[n] = 0;
        g->pkt_len = n;
        bool ok = !too_long && hexval(h) >= 0 && hexval(l) >= 0 &&
                  (unsigned char)(hexval(h) << 4 | hexval(l)) == sum;
        if (g->ack)
            send_raw(g, ok ? "+" : "-", 1);
        if (ok || !g->ack)
            return 1; /* (without acks a bad checksum cannot be retried) */
    }
}

/* Starts a reply. */
static void reply_begin(struct gdbstub *g)
{
    g->out[0] = '$';
    g->out_len = 1;
}

static void reply_bytes(struct gdbstub *g, const void *p, unsigned n)
{
    if (n > sizeof g->out - 4 - g->out_len)
        n = (unsigned)(sizeof g->out - 4 - g->out_len);
    memcpy(g->out + g->out_len, p, n);
    g->out_len += n;
}

static void reply_str(struct gdbstub *g, const char *s)
{
    reply_bytes(g, s, (unsigned)strlen(s));
}

static void reply_fmt(struct gdbstub *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void reply_fmt(struct gdbstub *g, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0)
        reply_bytes(g, buf, (unsigned)n < sizeof buf ? (unsigned)n : (unsigned)sizeof buf - 1);
}

static void reply_hex(struct gdbstub *g, const void *p, unsigned n)
{
    const unsigned char *b = p;
    for (unsigned i = 0; i < n && g->out_len + 2 <= sizeof g->out - 4; i++) {
        g->out[g->out_len++] = hexdigits[b[i] >> 4];
        g->out[g->out_len++] = hexdigits[b[i] & 15];
    }
}

/* Binary data (qXfer): '#', '$', '}' and '*' are escaped. */
static void reply_binary(struct gdbstub *g, const void *p, unsigned n)
{
    const unsigned char *b = p;
    for (unsigned i = 0; i < n && g->out_len + 2 <= sizeof g->out - 4; i++) {
        unsigned char c = b[i];
        if (c == '#' || c == '$' || c == '}' || c == '*') {
            g->out[g->out_len++] = '}';
            c ^= 0x20;
        }
        g->out[g->out_len++] = (char)c;
    }
}

/* Frames and sends the reply; with acks, resends it until gdb takes it. */
static void reply_send(struct gdbstub *g)
{
    unsigned char sum = 0;
    for (unsigned i = 1; i < g->out_len; i++)
        sum = (unsigned char)(sum + (unsigned char)g->out[i]);
    g->out[g->out_len++] = '#';
    g->out[g->out_len++] = hexdigits[sum >> 4];
    g->out[g->out_len++] = hexdigits[sum & 15];
    for (int tries = 0; tries < 10; tries++) {
        send_raw(g, g->out, g->out_len);
        if (!g->ack)
            return;
        for (;;) {
            int c = get_byte(g);
            if (c == '+' || c == -2)
                return;
            if (c == -1) /* (the user pressed Ctrl-C) */
                return;
            if (c == '-')
                break;      /* send it again */
            if (c == '$') { /* gdb went on without our ack: keep its packet */
                g->in_pos--;
                return;
            }
        }
    }
}

static void reply(struct gdbstub *g, const char *s)
{
    reply_begin(g);
    reply_str(g, s);
    reply_send(g);
}

/* ---- Parsing ---- */

/* Hex number at *p (advanced past it); false if there is none. */
static bool parse_hex(const char **p, uint32_t *out)
{
    uint32_t v = 0;
    const char *s = *p;
    int d;
    if (hexval(*s) < 0)
        return false;
    while ((d = hexval(*s)) >= 0) {
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
    return g->thread_cpu[(g->g_thread > 0 ? g->g_thread : 1) - 1];
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
    reply_hex(g, b, 4);
}

/* 8 hex digits, little-endian. */
static bool parse_reg(const char **p, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval((*p)[0]), l = h < 0 ? -1 : hexval((*p)[1]);
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
    reply_begin(g);
    for (unsigned i = 0; i < GDB_NREGS; i++)
        reply_reg(g, reg_get(&r, i));
    reply_send(g);
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
        reply(g, "E01");
        return;
    }
    for (unsigned i = 0; i < 10; i++)
        *reg_slot(&r, i) = v[i];
    /* (segment registers are fixed: what gdb sends back for them is ignored) */
    reply(g, dbg_set_regs(&g->dbg, &r) ? "OK" : "E01");
}

static void cmd_read_reg(struct gdbstub *g, const char *p)
{
    uint32_t n;
    if (!parse_hex(&p, &n) || *p || n >= GDB_NREGS_DESCRIBED) {
        reply(g, "E01");
        return;
    }
    if (n >= GDB_NREGS) { /* x87: st0..st7 (10 bytes), then 4-byte ones */
        reply(g, n < GDB_NREGS + 8 ? "xxxxxxxxxxxxxxxxxxxx" : "xxxxxxxx");
        return;
    }
    struct cpu_regs r;
    cpu_get_regs(cur_cpu(g), &r);
    reply_begin(g);
    reply_reg(g, reg_get(&r, n));
    reply_send(g);
}

static void cmd_write_reg(struct gdbstub *g, const char *p)
{
    uint32_t n, v;
    if (!parse_hex(&p, &n) || !expect(&p, '=') || !parse_reg(&p, &v) || *p || n >= GDB_NREGS) {
        reply(g, "E01");
        return;
    }
    struct cpu_regs r;
    cpu_get_regs(cur_cpu(g), &r);
    if (n >= 10) { /* read-only: only its own value is accepted */
        reply(g, v == reg_get(&r, n) ? "OK" : "E01");
        return;
    }
    *reg_slot(&r, n) = v;
    reply(g, dbg_set_regs(&g->dbg, &r) ? "OK" : "E01");
}

/* ---- Memory (virtual, in the CPU's current CONTEXT) ---- */

static void cmd_read_mem(struct gdbstub *g, const char *p)
{
    uint32_t addr, len;
    if (!parse_hex(&p, &addr) || !expect(&p, ',') || !parse_hex(&p, &len) || *p) {
        reply(g, "E01");
        return;
    }
    if (len > GDB_PACKET_SIZE / 2 - 8)
        len = GDB_PACKET_SIZE / 2 - 8;
    static unsigned char buf[GDB_PACKET_SIZE / 2];
    uint32_t got = dbg_read_virtual(&g->dbg, cpu_context(cur_cpu(g)), addr, buf, len);
    if (len && !got) {
        reply(g, "E14"); /* EFAULT: not mapped */
        return;
    }
    reply_begin(g);
    reply_hex(g, buf, got); /* (fewer bytes than asked: the rest is unmapped) */
    reply_send(g);
}

static void write_mem(struct gdbstub *g, uint32_t addr, const unsigned char *data, uint32_t len)
{
    uint32_t done = len ? dbg_write_virtual(&g->dbg, cpu_context(cur_cpu(g)), addr, data, len) : 0;
    reply(g, done == len ? "OK" : "E14");
}

static void cmd_write_mem(struct gdbstub *g, const char *p)
{
    uint32_t addr, len;
    if (!parse_hex(&p, &addr) || !expect(&p, ',') || !parse_hex(&p, &len) || !expect(&p, ':') ||
        len > GDB_PACKET_SIZE / 2 || strlen(p) != 2 * (size_t)len) {
        reply(g, "E01");
        return;
    }
    static unsigned char buf[GDB_PACKET_SIZE / 2];
    for (uint32_t i = 0; i < len; i++) {
        int h = hexval(p[2 * i]), l = hexval(p[2 * i + 1]);
        if (h < 0 || l < 0) {
            reply(g, "E01");
            return;
        }
        buf[i] = (unsigned char)(h << 4 | l);
    }
    write_mem(g, addr, buf, len);
}

/* X addr,len:binary (escaped with '}'). */
static void cmd_write_binary(struct gdbstub *g)
{
    const char *p = g->pkt + 1;
    uint32_t addr, len;
    if (!parse_hex(&p, &addr) || !expect(&p, ',') || !parse_hex(&p, &len) || !expect(&p, ':') ||
        len > GDB_PACKET_SIZE) {
        reply(g, "E01");
        return;
    }
    static unsigned char buf[GDB_PACKET_SIZE];
    const char *end = g->pkt + g->pkt_len;
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
        reply(g, "E01");
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
    const char *p = g->pkt + 1;
    uint32_t type, addr, kind;
    if (!parse_hex(&p, &type) || !expect(&p, ',') || !parse_hex(&p, &addr) || !expect(&p, ',') ||
        !parse_hex(&p, &kind) || (*p && *p != ';')) {
        reply(g, "E01");
        return;
    }
    if (type > 4) {
        reply(g, ""); /* not supported */
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
        reply(g, "OK");
        return;
    }
    if (q) {
        reply(g, "OK");
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
        reply(g, "OK");
        return;
    }
    reply(g, "E28"); /* ENOSPC: all the debugger's slots are taken */
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

/* The debugger's breakpoint at the pc, if one is there for this CONTEXT. */
static int break_at_pc(struct gdbstub *g)
{
    struct cpu_regs r;
    struct cpu *c = g->thread_cpu[0];
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

/* A Ctrl-C from gdb while running: takes the 0x03 out of what came. */
static bool ctrl_c_came(struct gdbstub *g)
{
    if (fill(g, 0) < 0)
        return false;
    for (unsigned i = g->in_pos; i < g->in_len; i++) {
        if (g->in[i] == 0x03) {
            memmove(g->in + i, g->in + i + 1, g->in_len - i - 1);
            g->in_len--;
            return true;
        }
    }
    /* Anything else is read as packets once stopped; gdb sends nothing
     * else while the machine runs, so a full buffer is noise. */
    if (g->in_len == sizeof g->in)
        g->in_pos = g->in_len = 0;
    return false;
}

static void reply_stop(struct gdbstub *g, const struct dbg_stop *st)
{
    char *s = g->last_stop;
    size_t n = sizeof g->last_stop;
    switch (st->kind) {
    case DBG_INTERRUPTED: snprintf(s, n, "T%02xthread:%02x;", SIGINT_GDB, 1); break;
    case DBG_BREAKPOINT: {
        const struct gdb_point *q = point_of(g, false, st->id);
        const char *why = !q             ? ""
                          : q->type == 1 ? (g->hwbreak ? "hwbreak:;" : "")
                                         : (g->swbreak ? "swbreak:;" : "");
        snprintf(s, n, "T%02x%sthread:%02x;", SIGTRAP_GDB, why, 1);
        break;
    }
    case DBG_WATCHPOINT: {
        const struct gdb_point *q = point_of(g, true, st->id);
        if (!q) {
            snprintf(s, n, "T%02xthread:%02x;", SIGTRAP_GDB, 1);
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
                 a, 1);
        break;
    }
    default: snprintf(s, n, "T%02xthread:%02x;", SIGTRAP_GDB, 1); break;
    }
    reply(g, s);
}

/* The machine ended: gdb hears how (an O line for anything but a halt)
 * and the exit status space gives. */
static void reply_ended(struct gdbstub *g)
{
    struct machine *m = g->m;
    unsigned status;
    char line[640];
    line[0] = 0;
    switch (m->state) {
    case MACHINE_HALTED: status = m->exit_code & 0xff; break;
    case MACHINE_LIMIT:
        status = STATUS_LIMIT;
        snprintf(line, sizeof line, "space: instruction limit reached\n");
        break;
    default:
        status = STATUS_MACHINE_STOP;
        snprintf(line, sizeof line, "space: machine stop: %.500s\n", m->reason);
        break;
    }
    if (line[0]) {
        reply_begin(g);
        reply_str(g, "O");
        reply_hex(g, line, (unsigned)strlen(line));
        reply_send(g);
    }
    reply_begin(g);
    reply_fmt(g, "W%02x", status);
    reply_send(g);
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
                st = (struct dbg_stop){.kind = DBG_BREAKPOINT, .id = id};
                break;
            }
            if (ctrl_c_came(g)) {
                st = (struct dbg_stop){.kind = DBG_INTERRUPTED};
                break;
            }
            if (g->gone)
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

/* c [addr], s [addr], C sig[;addr], S sig[;addr]: the signal is ignored. */
static enum run_end cmd_resume(struct gdbstub *g)
{
    const char *p = g->pkt + 1;
    char c = g->pkt[0];
    uint32_t v;
    if (c == 'C' || c == 'S') {
        if (!parse_hex(&p, &v) || (*p && *p != ';')) {
            reply(g, "E01");
            return RUN_STOPPED;
        }
        if (*p)
            p++; /* then the address */
    }
    if (*p) {
        if (!parse_hex(&p, &v) || *p) {
            reply(g, "E01");
            return RUN_STOPPED;
        }
        struct cpu_regs r;
        cpu_get_regs(g->thread_cpu[0], &r);
        r.eip = v;
        if (!dbg_set_regs(&g->dbg, &r)) {
            reply(g, "E01");
            return RUN_STOPPED;
        }
    }
    return resume(g, c == 's' || c == 'S');
}

/* vCont;action[:thread];...: the first action for thread 1 (or for all). */
static enum run_end cmd_vcont(struct gdbstub *g)
{
    const char *p = g->pkt + 5;
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
        if (t == -1 || t == 0 || t == 1) {
            if (a == 'c' || a == 'C')
                return resume(g, false);
            if (a == 's' || a == 'S')
                return resume(g, true);
            break;
        }
    }
    reply(g, "E01");
    return RUN_STOPPED;
}

/* ---- Queries ---- */

static bool starts(const char *s, const char *prefix)
{
    return !strncmp(s, prefix, strlen(prefix));
}

static void cmd_supported(struct gdbstub *g)
{
    g->swbreak = strstr(g->pkt, "swbreak+") != NULL;
    g->hwbreak = strstr(g->pkt, "hwbreak+") != NULL;
    reply_begin(g);
    reply_fmt(g, "PacketSize=%x;QStartNoAckMode+;swbreak+;hwbreak+;qXfer:features:read+",
              GDB_PACKET_SIZE);
    reply_send(g);
}

/* qXfer:features:read:ANNEX:offset,length */
static void cmd_features(struct gdbstub *g)
{
    const char *p = g->pkt + strlen("qXfer:features:read:");
    if (!starts(p, "target.xml:")) {
        reply(g, "E00");
        return;
    }
    p += strlen("target.xml:");
    uint32_t off, len;
    if (!parse_hex(&p, &off) || !expect(&p, ',') || !parse_hex(&p, &len) || *p) {
        reply(g, "E01");
        return;
    }
    uint32_t size = (uint32_t)strlen(target_xml);
    if (len > GDB_PACKET_SIZE / 2)
        len = GDB_PACKET_SIZE / 2;
    uint32_t n = off >= size ? 0 : size - off < len ? size - off : len;
    reply_begin(g);
    reply_str(g, off + n >= size ? "l" : "m");
    reply_binary(g, target_xml + (off < size ? off : size), n);
    reply_send(g);
}

static void cmd_thread_info(struct gdbstub *g)
{
    const char *p = g->pkt + strlen("qThreadExtraInfo,");
    int t = parse_thread(g, &p);
    if (t < 1 || *p) {
        reply(g, "E01");
        return;
    }
    struct cpu *c = g->thread_cpu[t - 1];
    char text[80];
    snprintf(text, sizeof text, "CPU %d, CONTEXT %u MODE %u", t - 1, cpu_context(c), cpu_mode(c));
    reply_begin(g);
    reply_hex(g, text, (unsigned)strlen(text));
    reply_send(g);
}

static void cmd_set_thread(struct gdbstub *g)
{
    const char *p = g->pkt + 2;
    int t = parse_thread(g, &p);
    if (t == -2 || *p || (g->pkt[1] != 'g' && g->pkt[1] != 'c')) {
        reply(g, "E01");
        return;
    }
    if (g->pkt[1] == 'g')
        g->g_thread = t > 0 ? t : 1;
    /* (Hc: every CPU runs when the machine runs) */
    reply(g, "OK");
}

static void cmd_query(struct gdbstub *g)
{
    const char *p = g->pkt;
    if (starts(p, "qSupported")) {
        cmd_supported(g);
    } else if (starts(p, "qXfer:features:read:")) {
        cmd_features(g);
    } else if (!strcmp(p, "qC")) {
        reply(g, "QC01");
    } else if (!strcmp(p, "qfThreadInfo")) {
        reply_begin(g);
        reply_str(g, "m");
        for (int t = 1; t <= g->nthreads; t++)
            reply_fmt(g, t > 1 ? ",%02x" : "%02x", t);
        reply_send(g);
    } else if (!strcmp(p, "qsThreadInfo")) {
        reply(g, "l");
    } else if (starts(p, "qThreadExtraInfo,")) {
        cmd_thread_info(g);
    } else if (starts(p, "qAttached")) {
        reply(g, "0"); /* space made the machine for gdb: quitting gdb kills it */
    } else {
        reply(g, "");
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
    g->listener = platform_listen_local((uint16_t)port, err, errlen);
    if (!g->listener) {
        free(g);
        return NULL;
    }
    fprintf(stderr, "space: waiting for gdb on 127.0.0.1:%u\n", platform_socket_port(g->listener));
    fflush(stderr);
    return g;
}

void gdbstub_close(struct gdbstub *g)
{
    if (!g)
        return;
    if (g->dbg_ready)
        dbg_free(&g->dbg);
    platform_socket_close(g->conn);
    platform_socket_close(g->listener);
    free(g);
}

/* gdb is gone, or went: no more packets. */
static void hang_up(struct gdbstub *g)
{
    platform_socket_close(g->conn);
    g->conn = NULL;
    g->gone = true;
}

/* Ends the machine from outside (k, a lost connection, Ctrl-C). */
static enum machine_state end_machine(struct gdbstub *g)
{
    g->m->state = MACHINE_INTERRUPTED;
    hang_up(g);
    return g->m->state;
}

enum machine_state gdbstub_serve(struct gdbstub *g, struct machine *m, const char **why)
{
    *why = NULL;
    g->m = m;
    /* One connection, from this machine only (the socket is bound to the
     * loopback interface). */
    for (;;) {
        int w = platform_socket_wait(g->listener, GDB_POLL_MS);
        if (m->interrupted) {
            m->state = MACHINE_INTERRUPTED;
            return m->state;
        }
        if (w < 0) {
            fprintf(stderr, "space: waiting for gdb failed\n");
            m->state = MACHINE_INTERRUPTED;
            return m->state;
        }
        if (w == 0)
            continue;
        char err[256];
        g->conn = platform_socket_accept(g->listener, err, sizeof err);
        if (g->conn)
            break;
        fprintf(stderr, "space: %s\n", err);
    }
    platform_socket_close(g->listener); /* nobody else */
    g->listener = NULL;

    dbg_init(&g->dbg, m);
    g->dbg_ready = true;
    g->ack = true;
    g->nthreads = 1;
    g->thread_cpu[0] = m->cpu;
    g->g_thread = 1;
    snprintf(g->last_stop, sizeof g->last_stop, "T%02xthread:%02x;", SIGTRAP_GDB, 1);

    for (;;) {
        int r = read_packet(g);
        if (r == 0) { /* Ctrl-C on space itself while stopped: the end */
            m->interrupted = 0;
            return end_machine(g);
        }
        if (r < 0) {
            *why = "gdb closed the connection";
            return end_machine(g);
        }
        const char *p = g->pkt;
        enum run_end run = RUN_STOPPED;
        switch (p[0]) {
        case '?': reply(g, g->last_stop); break;
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
        case 'H': cmd_set_thread(g); break;
        case 'T': {
            const char *q = p + 1;
            int t = parse_thread(g, &q);
            reply(g, t >= 1 && !*q ? "OK" : "E01");
            break;
        }
        case 'q': cmd_query(g); break;
        case 'Q':
            if (!strcmp(p, "QStartNoAckMode")) {
                reply(g, "OK");
                g->ack = false;
            } else {
                reply(g, "");
            }
            break;
        case 'v':
            if (!strcmp(p, "vCont?"))
                reply(g, "vCont;c;C;s;S");
            else if (starts(p, "vCont;"))
                run = cmd_vcont(g);
            else if (starts(p, "vKill")) {
                reply(g, "OK");
                *why = "killed by gdb";
                return end_machine(g);
            } else
                reply(g, "");
            break;
        case 'k': *why = "killed by gdb"; return end_machine(g);
        case 'D':
            /* Detach: the guest runs on to its normal end, undisturbed. */
            remove_all_points(g);
            reply(g, "OK");
            hang_up(g);
            dbg_free(&g->dbg);
            g->dbg_ready = false;
            return machine_run(m);
        default: reply(g, ""); break;
        }
        if (run == RUN_ENDED) {
            hang_up(g);
            return m->state;
        }
        if (run == RUN_GONE || g->gone) {
            *why = "gdb closed the connection";
            return end_machine(g);
        }
    }
}
