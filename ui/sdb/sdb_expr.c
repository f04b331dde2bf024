/* sdb_expr: gdb's print and display, for the simple expressions a kernel
 * without debug information can have: a register ($eax), a number, an
 * address (SYMBOL, PROGRAM:SYMBOL, each +N or -N, as ADDR everywhere in
 * sdb), &ADDR (the same), and memory: *ADDR (a 4-byte int) or
 * *(TYPE *)ADDR with a C integer or pointer type. There are no
 * operators beyond ADDR's +N/-N: sdb has no types for the guest's
 * variables, so anything more would be a guess. */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ui/debugger/debugger.h"
#include "sdb_internal.h"
#include "ui/debugger/symbols.h"

struct type {
    const char *name;
    unsigned size;
    bool is_signed, is_pointer;
};

static const struct type types[] = {
    {"char", 1, true, false},
    {"signed char", 1, true, false},
    {"unsigned char", 1, false, false},
    {"short", 2, true, false},
    {"unsigned short", 2, false, false},
    {"int", 4, true, false},
    {"unsigned int", 4, false, false},
    {"unsigned", 4, false, false},
    {"long", 4, true, false},
    {"unsigned long", 4, false, false},
    {"long long", 8, true, false},
    {"unsigned long long", 8, false, false},
    {"int8_t", 1, true, false},
    {"uint8_t", 1, false, false},
    {"int16_t", 2, true, false},
    {"uint16_t", 2, false, false},
    {"int32_t", 4, true, false},
    {"uint32_t", 4, false, false},
    {"int64_t", 8, true, false},
    {"uint64_t", 8, false, false},
    {"size_t", 4, false, false},
    {"void *", 4, false, true},
    {"char *", 4, false, true},
};

struct value {
    uint64_t v;
    unsigned size;
    bool is_signed, is_pointer;
};

/* The registers that hold addresses: shown as one, with their symbol. */
static bool is_address_register(const char *s)
{
    static const char *const names[] = {"$eip", "$pc", "$esp", "$sp", "$ebp", "$fp"};
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(s, names[i]))
            return true;
    return false;
}

/* "unsigned   int" -> "unsigned int", "char*" -> "char *": one spelling. */
static void normalize_type(const char *in, size_t n, char *out, size_t outlen)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 2 < outlen; i++) {
        char ch = in[i];
        if (isspace((unsigned char)ch))
            ch = ' ';
        if (ch == '*' && k && out[k - 1] != ' ')
            out[k++] = ' ';
        if (ch == ' ' && (!k || out[k - 1] == ' '))
            continue;
        out[k++] = ch;
    }
    while (k && out[k - 1] == ' ')
        k--;
    out[k] = 0;
}

/* Evaluates text (spaces removed except inside a cast) in CONTEXT ctx. */
static bool evaluate(struct cli *c, const char *text, struct value *out)
{
    uint32_t ctx = sdb_cur_ctx(c);
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    *out = (struct value){.size = 4};
    bool deref = false;
    struct type t = {"int", 4, true, false};
    if (*p == '*') {
        deref = true;
        p++;
        while (isspace((unsigned char)*p))
            p++;
        if (*p == '(') {
            const char *close = strchr(p, ')');
            if (!close) {
                sdb_error(c, "'%s': a cast needs its ')'", text);
                return false;
            }
            char name[64];
            normalize_type(p + 1, (size_t)(close - p - 1), name, sizeof name);
            size_t n = strlen(name);
            if (n < 2 || strcmp(name + n - 2, " *")) {
                sdb_error(c, "'%s': the cast must be to a pointer, as in *(int *)ADDR", text);
                return false;
            }
            name[n - 2] = 0;
            unsigned i = 0;
            while (i < sizeof types / sizeof types[0] && strcmp(types[i].name, name))
                i++;
            if (i == sizeof types / sizeof types[0]) {
                sdb_error(c,
                          "unknown type '%s' (C's integer types, intN_t, uintN_t, void *, char *)",
                          name);
                return false;
            }
            t = types[i];
            p = close + 1;
        }
    } else if (*p == '&') {
        p++;
    }
    char addr_text[EXPR_MAX];
    size_t k = 0;
    for (; *p && k + 1 < sizeof addr_text; p++)
        if (!isspace((unsigned char)*p))
            addr_text[k++] = *p;
    addr_text[k] = 0;
    if (!k) {
        sdb_error(c, "'%s' has no address or value", text);
        return false;
    }
    uint32_t addr, cx;
    struct symbol_hit h;
    if (!sdb_parse_addr(c, addr_text, ctx, &addr, &h))
        return false;
    if (!deref) {
        out->v = addr;
        out->is_pointer = h.name || text[0] == '&' || is_address_register(addr_text);
        return true;
    }
    if (!sdb_pick_ctx(c, CTX_UNSET, &h, addr, &cx))
        return false;
    uint8_t b[8];
    if (dbg_read_virtual(&c->d, cx, addr, b, t.size) != t.size) {
        sdb_error(c, "address 0x%x is not mapped in CONTEXT %u", addr, cx);
        return false;
    }
    uint64_t v = 0;
    for (unsigned i = t.size; i-- > 0;)
        v = v << 8 | b[i];
    if (t.is_signed && t.size < 8 && (v >> (t.size * 8 - 1) & 1))
        v |= ~0ull << (t.size * 8);
    *out = (struct value){
        .v = v, .size = t.size, .is_signed = t.is_signed, .is_pointer = t.is_pointer};
    return true;
}

/* One value as gdb shows it: F x (hex), d, u, c ("65 'A'"); none: by its
 * type (addresses in hex with their symbol). */
static void show_value(struct cli *c, const struct value *v, char f)
{
    uint64_t mask = v->size >= 8 ? ~0ull : (1ull << (v->size * 8)) - 1;
    uint64_t u = v->v & mask;
    int64_t s = (int64_t)v->v;
    if (v->size < 8 && (u >> (v->size * 8 - 1) & 1))
        s = (int64_t)(u | ~mask);
    else
        s = (int64_t)u;
    if (!f)
        f = v->is_pointer ? 'a' : v->is_signed ? 'd' : 'u';
    char sym[160];
    switch (f) {
    case 'x': fprintf(c->out, "0x%llx", (unsigned long long)u); break;
    case 'd': fprintf(c->out, "%lld", (long long)s); break;
    case 'u': fprintf(c->out, "%llu", (unsigned long long)u); break;
    case 'a':
        fprintf(c->out, "0x%llx%s", (unsigned long long)u,
                sdb_sym(c, sdb_cur_ctx(c), (uint32_t)u, sym, sizeof sym));
        break;
    case 'c': {
        unsigned ch = (unsigned)(u & 0xff);
        fprintf(c->out, "%d ", (int)(int8_t)ch);
        if (ch >= 32 && ch < 127 && ch != '\'' && ch != '\\')
            fprintf(c->out, "'%c'", ch);
        else
            fprintf(c->out, "'\\%03o'", ch);
        break;
    }
    }
}

/* The words of an expression, one string again. */
static bool join(struct cli *c, int argc, char **argv, char *buf, size_t len)
{
    buf[0] = 0;
    if (argc < 2) {
        sdb_error(c,
                  "usage: %s[/F] EXPR (F: x d u c; EXPR: $reg, ADDR, &ADDR, *ADDR, "
                  "*(TYPE *)ADDR)",
                  argv[0]);
        return false;
    }
    size_t k = 0;
    for (int i = 1; i < argc; i++) {
        int n = snprintf(buf + k, len - k, "%s%s", i > 1 ? " " : "", argv[i]);
        if (n < 0 || (size_t)n >= len - k) {
            sdb_error(c, "the expression is too long (%u characters at most)", (unsigned)(len - 1));
            return false;
        }
        k += (size_t)n;
    }
    return true;
}

static bool print_format(struct cli *c, const char *spec, char *f)
{
    *f = 0;
    if (!spec)
        return true;
    if (strlen(spec) != 1 || !strchr("xduc", spec[0])) {
        sdb_error(c, "unknown print format '/%s': x (hex), d (signed), u (unsigned), c (char)",
                  spec);
        return false;
    }
    *f = spec[0];
    return true;
}

void sdb_print(struct cli *c, int argc, char **argv, const char *spec)
{
    char expr[EXPR_MAX], f;
    struct value v;
    if (!print_format(c, spec, &f) || !join(c, argc, argv, expr, sizeof expr) ||
        !evaluate(c, expr, &v))
        return;
    fprintf(c->out, "$%d = ", ++c->last_value);
    show_value(c, &v, f);
    fputc('\n', c->out);
}

/* One display: "N: EXPR = value", or for /i and /s (and counts) the
 * lines of x. */
static void show_display(struct cli *c, const struct display *d)
{
    bool examine = d->fmt[0] && strpbrk(d->fmt, "is0123456789");
    if (examine) {
        fprintf(c->out, "%d: x/%s %s\n", d->number, d->fmt, d->expr);
        char expr[EXPR_MAX];
        snprintf(expr, sizeof expr, "%s", d->expr);
        char *argv[] = {"x", expr, NULL};
        sdb_examine(c, 2, argv, d->fmt, false);
        return;
    }
    struct value v;
    if (!evaluate(c, d->expr, &v))
        return;
    fprintf(c->out, "%d: %s%s%s%s = ", d->number, d->fmt[0] ? "/" : "", d->fmt,
            d->fmt[0] ? " " : "", d->expr);
    show_value(c, &v, d->fmt[0]);
    fputc('\n', c->out);
}

void sdb_show_displays(struct cli *c)
{
    for (int i = 0; i < MAX_DISPLAYS; i++)
        if (c->display[i].number)
            show_display(c, &c->display[i]);
}

void sdb_display(struct cli *c, int argc, char **argv, const char *spec)
{
    if (argc < 2 && !spec) { /* display alone: show them all now */
        sdb_show_displays(c);
        return;
    }
    struct display d = {0};
    if (spec) {
        char f;
        if (strlen(spec) >= sizeof d.fmt) {
            sdb_error(c, "unknown display format '/%s'", spec);
            return;
        }
        if (!strpbrk(spec, "is0123456789") && !print_format(c, spec, &f))
            return;
        snprintf(d.fmt, sizeof d.fmt, "%s", spec);
    }
    if (!join(c, argc, argv, d.expr, sizeof d.expr))
        return;
    int slot = 0;
    while (slot < MAX_DISPLAYS && c->display[slot].number)
        slot++;
    if (slot == MAX_DISPLAYS) {
        sdb_error(c, "too many displays (%d): undisplay some", MAX_DISPLAYS);
        return;
    }
    d.number = c->last_display + 1;
    c->display[slot] = d;
    /* shown now, as gdb does; one that cannot be shown is not kept */
    if (!d.fmt[0] || !strpbrk(d.fmt, "is0123456789")) {
        struct value v;
        if (!evaluate(c, d.expr, &v)) {
            c->display[slot].number = 0;
            return;
        }
    }
    c->last_display++;
    show_display(c, &c->display[slot]);
}

void sdb_cmd_undisplay(struct cli *c, int argc, char **argv)
{
    if (argc == 1) {
        for (int i = 0; i < MAX_DISPLAYS; i++)
            c->display[i].number = 0;
        return;
    }
    for (int a = 1; a < argc; a++) {
        uint32_t n;
        int i = 0;
        if (sdb_parse_u32(argv[a], &n))
            while (i < MAX_DISPLAYS && (uint32_t)c->display[i].number != n)
                i++;
        if (!sdb_parse_u32(argv[a], &n) || !n || i == MAX_DISPLAYS) {
            sdb_error(c, "no display number '%s'", argv[a]);
            return;
        }
        c->display[i].number = 0;
    }
}
