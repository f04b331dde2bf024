/* sdb_memory: guest memory as sdb shows it - x (virtual, in any CONTEXT),
 * xp (physical), disas, the symbols command, and the line "=> pc: insn"
 * that every stop ends with. Reading ignores MODE permissions (the
 * debugger sees what the kernel could map), and never faults the guest. */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/debugger/debugger.h"
#include "sdb_internal.h"
#include "ui/debugger/symbols.h"

#define DISAS_DEFAULT      10
#define DISAS_FUNCTION_MAX 400
#define X_MAX              4096
#define STRING_MAX         256

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
        len = cpu_disassemble(c->d.cpu, buf, got, addr, text, sizeof text);
        if (!len) {
            snprintf(text, sizeof text, "(bad) .byte 0x%02x", buf[0]);
            len = 1;
        }
    } else if (!(len = dbg_disassemble(&c->d, ctx, addr, text, sizeof text))) {
        return 0;
    }
    fprintf(c->out, "%s0x%08x%s: %s\n", prefix, addr,
            physical ? "" : sdb_sym(c, ctx, addr, s, sizeof s), text);
    return len;
}

void sdb_show_location(struct cli *c)
{
    uint32_t pc = sdb_cur_pc(c), ctx = sdb_cur_ctx(c);
    if (!show_insn(c, ctx, false, pc, "=> "))
        fprintf(c->out, "=> 0x%08x: (not mapped in CONTEXT %u)\n", pc, ctx);
}

static void not_readable(struct cli *c, bool physical, uint32_t addr, uint32_t ctx)
{
    if (physical)
        sdb_error(c, "physical address 0x%x is not RAM", addr);
    else
        sdb_error(c, "address 0x%x is not mapped in CONTEXT %u", addr, ctx);
}

/* Lists n instructions from addr (up to end, if not 0) in ctx, marking
 * the pc and breakpoints. */
static void disassemble(struct cli *c, uint32_t ctx, bool physical, uint32_t addr, uint32_t n,
                        uint32_t end)
{
    uint32_t pc = sdb_cur_pc(c);
    bool here = ctx == sdb_cur_ctx(c);
    for (uint32_t i = 0; i < n && (!end || addr < end); i++) {
        char prefix[4];
        snprintf(prefix, sizeof prefix, "%s%c", !physical && here && addr == pc ? "=>" : "  ",
                 !physical && sdb_break_at(c, addr, ctx) ? '*' : ' ');
        unsigned len = show_insn(c, ctx, physical, addr, prefix);
        if (!len) {
            not_readable(c, physical, addr, ctx);
            return;
        }
        addr += len;
    }
}

/* x/NFU, xp/NFU as gdb spells them: a count N, a format F (x hex, d
 * signed, u unsigned, c characters, s strings, i instructions) and a unit
 * U (b, h, w, g: 1, 2, 4, 8 bytes), letters in any order. Without a unit:
 * words, bytes for c. */
static bool parse_fmt(struct cli *c, const char *spec, uint32_t *count, char *fmt, uint32_t *unit)
{
    *count = 1;
    *fmt = 'x';
    *unit = 0;
    if (!spec)
        spec = "";
    const char *p = spec;
    if (isdigit((unsigned char)*p)) {
        char *end;
        unsigned long n = strtoul(p, &end, 10);
        if (!n || n > X_MAX) {
            sdb_error(c, "the count must be 1..%d", X_MAX);
            return false;
        }
        *count = (uint32_t)n;
        p = end;
    }
    static const char units[] = "bhwg";
    for (; *p; p++) {
        const char *u = strchr(units, *p);
        if (u)
            *unit = 1u << (u - units);
        else if (strchr("xducsi", *p))
            *fmt = *p;
        else {
            sdb_error(c, "unknown format '/%s': formats x d u c s i, units b h w g (bytes 1 2 4 8)",
                      spec);
            return false;
        }
    }
    if (!*unit)
        *unit = *fmt == 'c' ? 1 : 4;
    return true;
}

static uint32_t read_mem(struct cli *c, bool physical, uint32_t ctx, uint32_t addr, void *buf,
                         uint32_t len)
{
    if (!physical)
        return dbg_read_virtual(&c->d, ctx, addr, buf, len);
    uint32_t got = 0;
    while (got < len) { /* page by page: RAM may end within the range */
        uint32_t n = mmu_page_span(addr + got, len - got);
        if (dbg_read_physical(&c->d, addr + got, (uint8_t *)buf + got, n) != n)
            break;
        got += n;
    }
    return got;
}

void sdb_examine(struct cli *c, int argc, char **argv, const char *spec, bool physical)
{
    int given = CTX_UNSET;
    if (!physical && !sdb_take_ctx(c, &argc, argv, &given))
        return;
    uint32_t count, addr, cx, unit;
    char fmt;
    if (!parse_fmt(c, spec, &count, &fmt, &unit))
        return;
    if (argc != 2) {
        sdb_error(c, physical ? "usage: xp/NFU PADDR" : "usage: x/NFU ADDR [ctx N]");
        return;
    }
    struct symbol_hit h;
    if (!sdb_parse_addr(c, argv[1], sdb_ctx_or_current(c, given), &addr, &h) ||
        !sdb_pick_ctx(c, physical ? CTX_UNSET : given, physical ? NULL : &h, addr, &cx))
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
            fprintf(c->out, "0x%08x%s: \"", addr,
                    physical ? "" : sdb_sym(c, cx, addr, s, sizeof s));
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
    uint32_t per_line = fmt == 'c' ? 8 : unit == 8 ? 2 : unit == 4 ? 4 : 8;
    for (uint32_t i = 0; i < count; i++) {
        uint8_t b[8];
        uint32_t a = addr + i * unit;
        if (read_mem(c, physical, cx, a, b, unit) != unit) {
            if (i % per_line)
                fputc('\n', c->out);
            not_readable(c, physical, a, cx);
            return;
        }
        if (i % per_line == 0)
            fprintf(c->out, "0x%08x%s:", a, physical ? "" : sdb_sym(c, cx, a, s, sizeof s));
        uint64_t v = 0;
        for (uint32_t k = unit; k-- > 0;)
            v = v << 8 | b[k];
        int64_t sv =
            unit < 8 && (v >> (unit * 8 - 1) & 1) ? (int64_t)(v | ~0ull << (unit * 8)) : (int64_t)v;
        if (fmt == 'd')
            fprintf(c->out, "  %lld", (long long)sv);
        else if (fmt == 'u')
            fprintf(c->out, "  %llu", (unsigned long long)v);
        else if (fmt == 'c' && v >= 32 && v < 127 && v != '\'' && v != '\\')
            fprintf(c->out, "  %lld '%c'", (long long)sv, (int)v);
        else if (fmt == 'c')
            fprintf(c->out, "  %lld '\\%03o'", (long long)sv, (unsigned)(v & 0xff));
        else
            fprintf(c->out, "  0x%0*llx", (int)unit * 2, (unsigned long long)v);
        if (i % per_line == per_line - 1 || i == count - 1)
            fputc('\n', c->out);
    }
}

void sdb_cmd_disas(struct cli *c, int argc, char **argv)
{
    int given = CTX_UNSET;
    if (!sdb_take_ctx(c, &argc, argv, &given))
        return;
    if (argc > 3) {
        sdb_error(c, "usage: disas [ADDR] [N] [ctx N]");
        return;
    }
    uint32_t addr = sdb_cur_pc(c), n = DISAS_DEFAULT, end = 0, cx;
    struct symbol_hit h = {0};
    if (argc >= 2 && !sdb_parse_addr(c, argv[1], sdb_ctx_or_current(c, given), &addr, &h))
        return;
    if (!sdb_pick_ctx(c, given, &h, addr, &cx))
        return;
    if (argc == 3) {
        if (!sdb_parse_u32(argv[2], &n) || !n || n > X_MAX) {
            sdb_error(c, "'%s' is not an instruction count (1..%d)", argv[2], X_MAX);
            return;
        }
    } else if (h.name && h.size && addr == h.addr) {
        n = DISAS_FUNCTION_MAX; /* the whole function */
        end = addr + h.size;
    }
    disassemble(c, cx, false, addr, n, end);
}

void sdb_cmd_symbols(struct cli *c, int argc, char **argv)
{
    if (argc != 2) {
        sdb_error(c, "usage: symbols FILE");
        return;
    }
    char err[512];
    int n = symbols_load_file(c->sym, argv[1], err, sizeof err);
    if (n < 0) {
        sdb_error(c, "%s", err);
        return;
    }
    fprintf(c->out, "loaded %d symbols from %s\n", n, argv[1]);
}

/* Where the current function returns to. At its first instruction the
 * return address is at esp (no frame yet); after "push ebp" at esp+4;
 * elsewhere at ebp+4 - which holds only while the code keeps frame
 * pointers (gcc -fno-omit-frame-pointer, or the prologue of -O0). */
bool sdb_caller(struct cli *c, uint32_t *ret, uint32_t *esp_after)
{
    struct cpu_regs r;
    cpu_get_regs(c->d.cpu, &r);
    uint32_t ctx = sdb_cur_ctx(c), slot = r.ebp + 4;
    struct symbol_hit h;
    if (symbols_lookup(c->sym, ctx, r.eip, &h) && h.offset <= 1) {
        char text[160] = "";
        dbg_disassemble(&c->d, ctx, h.addr, text, sizeof text);
        if (h.offset == 0)
            slot = r.esp;
        else if (!strcmp(text, "push ebp"))
            slot = r.esp + 4;
    }
    *esp_after = slot + 4;
    return dbg_read_virtual(&c->d, ctx, slot, ret, 4) == 4;
}

#define BT_MAX 64

/* bt: the frame-pointer chain, best effort (see sdb_caller). */
void sdb_cmd_backtrace(struct cli *c, int argc, char **argv)
{
    (void)argv;
    if (!sdb_no_args(c, argc, "backtrace"))
        return;
    struct cpu_regs r;
    cpu_get_regs(c->d.cpu, &r);
    uint32_t ctx = sdb_cur_ctx(c), pc = r.eip, ret, esp_after, fp = r.ebp;
    char s[160];
    fprintf(c->out, "#0  0x%08x%s\n", pc, sdb_sym(c, ctx, pc, s, sizeof s));
    if (!sdb_caller(c, &ret, &esp_after))
        return;
    /* No frame yet (at a function's first instructions): ebp is still
     * the caller's. */
    bool no_frame = esp_after != fp + 8;
    for (int n = 1; n < BT_MAX; n++) {
        fprintf(c->out, "#%-2d 0x%08x%s\n", n, ret, sdb_sym(c, ctx, ret, s, sizeof s));
        if (no_frame) {
            no_frame = false;
        } else {
            uint32_t up;
            if (dbg_read_virtual(&c->d, ctx, fp, &up, 4) != 4 || up <= fp)
                return; /* the outermost frame (ebp 0), or no chain */
            fp = up;
        }
        if (!fp || dbg_read_virtual(&c->d, ctx, fp + 4, &ret, 4) != 4)
            return;
    }
    fprintf(c->out, "(more frames: bt stops at %d)\n", BT_MAX);
}
