#include "tracer.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "machine_internal.h"

static const struct {
    const char *word;
    char letter;
    uint32_t kinds;
} trace_words[] = {
    {"insn", 'i', TRACE_INSN},   {"trap", 't', TRACE_TRAP}, {"tlb", 'l', TRACE_TLB},
    {"fault", 'f', TRACE_FAULT}, {"reg", 'r', TRACE_REG},   {"irq", 'n', TRACE_IRQ},
    {"dma", 'd', TRACE_DMA},     {"op", 'o', TRACE_OP},     {"all", 'a', TRACE_ALL},
};
#define NWORDS (sizeof trace_words / sizeof trace_words[0])

static int word_kinds(const char *w, size_t n, struct trace_flags *f)
{
    for (size_t i = 0; i < NWORDS; i++)
        if (strlen(trace_words[i].word) == n && !strncmp(w, trace_words[i].word, n)) {
            f->kinds |= trace_words[i].kinds;
            return 0;
        }
    if (n == 5 && !strncmp(w, "guest", 5)) {
        f->guest_gated = true;
        return 0;
    }
    if (n == 5 && !strncmp(w, "insn", 4) && w[4] >= '0' && w[4] <= '3') {
        f->kinds |= TRACE_INSN;
        f->insn_modes |= (uint8_t)(1u << (w[4] - '0'));
        return 0;
    }
    return -1;
}

/* A run of letters: "itf", "i3t" (digits after i pick MODEs). */
static int letter_kinds(const char *w, size_t n, struct trace_flags *f)
{
    for (size_t k = 0; k < n; k++) {
        char c = w[k];
        if (c >= '0' && c <= '3' && k > 0 &&
            (w[k - 1] == 'i' || (w[k - 1] >= '0' && w[k - 1] <= '3'))) {
            f->insn_modes |= (uint8_t)(1u << (c - '0'));
            continue;
        }
        if (c == 'g') {
            f->guest_gated = true;
            continue;
        }
        size_t i = 0;
        while (i < NWORDS && trace_words[i].letter != c)
            i++;
        if (i == NWORDS)
            return -1;
        f->kinds |= trace_words[i].kinds;
    }
    return 0;
}

int tracer_parse(const char *text, struct trace_flags *f, char *err, unsigned errlen)
{
    memset(f, 0, sizeof *f);
    const char *p = text;
    while (*p) {
        size_t n = strcspn(p, ",");
        if (n == 0 || (word_kinds(p, n, f) != 0 && letter_kinds(p, n, f) != 0)) {
            snprintf(err, errlen,
                     "--trace: '%.*s' is not a trace flag (words: insn insn0..insn3 trap tlb fault "
                     "reg irq dma op all guest; letters: i t l f r n d o a g)",
                     (int)n, p);
            return -1;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    if (!f->kinds) {
        snprintf(err, errlen, "--trace needs at least one kind of event (e.g. --trace trap,op)");
        return -1;
    }
    if (!f->insn_modes)
        f->insn_modes = 0xf;
    return 0;
}

static void trace_tlb(void *arg, const char *what, uint32_t ctx, uint32_t vaddr, map_entry e)
{
    struct machine *m = arg;
    if (!trace_on(m->tracer, TRACE_TLB))
        return;
    if (e)
        trace_line(m, "tlb", "%s CONTEXT %u page 0x%08x -> frame 0x%08x access 0x%03x", what, ctx,
                   vaddr & ~0xfffu, MAP_PADDR(e), MAP_ACCESS(e));
    else
        trace_line(m, "tlb", "%s CONTEXT %u page 0x%08x", what, ctx, vaddr & ~0xfffu);
}

int tracer_attach(struct machine *m, const struct trace_flags *flags, FILE *out, bool close_out,
                  char *err, unsigned errlen)
{
    struct tracer *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    t->flags = *flags;
    t->out = out;
    t->close_out = close_out;
    t->on = !flags->guest_gated;
    m->tracer = t;
    if (flags->kinds & TRACE_TLB) {
        m->mmu.trace = trace_tlb;
        m->mmu.trace_arg = m;
    }
    return 0;
}

void tracer_detach(struct machine *m)
{
    struct tracer *t = m->tracer;
    if (!t)
        return;
    fflush(t->out);
    if (t->close_out)
        fclose(t->out);
    free(t);
    m->tracer = NULL;
    m->mmu.trace = NULL;
}

void trace_line(struct machine *m, const char *kind, const char *fmt, ...)
{
    struct tracer *t = m->tracer;
    if (m->cfg.nodes)
        fprintf(t->out, "[%u] ", m->cfg.node); /* a multicomputer's node */
    fprintf(t->out, "%llu cpu%u ctx=%u mode=%u %s ", (unsigned long long)cpu_time(m->cpu), m->cur,
            cpu_context(m->cpu), cpu_mode(m->cpu), kind);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(t->out, fmt, ap);
    va_end(ap);
    fputc('\n', t->out);
    t->lines++;
}

void trace_insn(struct machine *m, uint64_t time, uint32_t ctx, uint32_t mode, uint32_t pc,
                const uint8_t *code, unsigned len)
{
    struct tracer *t = m->tracer;
    if (!(t->flags.insn_modes & (1u << mode)))
        return;
    char text[96];
    if (!cpu_disassemble(m->cpu, code, len, pc, text, sizeof text))
        snprintf(text, sizeof text, "(undecodable)");
    if (m->cfg.nodes)
        fprintf(t->out, "[%u] ", m->cfg.node);
    fprintf(t->out, "%llu cpu%u ctx=%u mode=%u insn 0x%08x %s\n", (unsigned long long)time, m->cur,
            ctx, mode, pc, text);
    t->lines++;
}

bool tracer_switch(struct machine *m, bool on)
{
    struct tracer *t = m->tracer;
    if (!t)
        return false;
    bool was = t->on;
    t->on = on;
    return was;
}
