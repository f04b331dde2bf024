/* tracer: --trace FLAGS - a text line for every event of the chosen kinds,
 * each starting with the virtual time, the CPU, the CONTEXT and the MODE
 * (docs/instrumentation.md, "Tracing").
 *
 * The simulator's modules call trace_on() (cheap: one test when tracing is
 * off) and then trace_line(). A guest switches tracing on and off around a
 * region with the TRACE operation; with the `guest` flag tracing starts
 * off and only the guest switches it on. */
#ifndef SPACE_TRACER_H
#define SPACE_TRACER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct machine;

enum trace_kind {
    TRACE_INSN = 1u << 0,  /* every retired instruction, with its disassembly */
    TRACE_TRAP = 1u << 1,  /* traps, portal traversals and Resume */
    TRACE_TLB = 1u << 2,   /* SPACE TLB fills, evictions, invalidations and flushes */
    TRACE_FAULT = 1u << 3, /* memory faults */
    TRACE_REG = 1u << 4,   /* device register accesses */
    TRACE_IRQ = 1u << 5,   /* interrupts raised and delivered */
    TRACE_DMA = 1u << 6,   /* DMA transfers */
    TRACE_OP = 1u << 7,    /* SPACE operations */
    TRACE_ALL = 0xffu,
};

struct trace_flags {
    uint32_t kinds;     /* enum trace_kind bits */
    uint8_t insn_modes; /* MODEs whose instructions are traced (bit per MODE) */
    bool guest_gated;   /* starts off; the guest switches it on */
};

/* Parses FLAGS: comma-separated words (insn, insn0..insn3, trap, tlb,
 * fault, reg, irq, dma, op, all, guest) or runs of letters (i t l f r n d
 * o a g; digits after i pick MODEs). 0, or -1 with a one-line reason. */
int tracer_parse(const char *text, struct trace_flags *flags, char *err, unsigned errlen);

/* Starts tracing m into out (closed by tracer_detach if close_out). */
int tracer_attach(struct machine *m, const struct trace_flags *flags, FILE *out, bool close_out,
                  char *err, unsigned errlen);
void tracer_detach(struct machine *m);

struct tracer {
    struct trace_flags flags;
    FILE *out;
    bool close_out;
    bool on; /* the guest's switch */
    uint64_t lines;
};

static inline bool trace_on(const struct tracer *t, uint32_t kind)
{
    return t && t->on && (t->flags.kinds & kind);
}

/* One line: "<time> cpu0 ctx=C mode=M <kind> <text>". */
void trace_line(struct machine *m, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* An instruction that retired at virtual time `time`, at pc in ctx/mode,
 * whose bytes were read before it ran. */
void trace_insn(struct machine *m, uint64_t time, uint32_t ctx, uint32_t mode, uint32_t pc,
                const uint8_t *code, unsigned len);

/* The TRACE operation: sets the guest's switch, returns the old one. */
bool tracer_switch(struct machine *m, bool on);

#endif
