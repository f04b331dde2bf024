/* inspector: the window's view of the machine beside the console - for
 * the CPU its registers, CONTEXT, MODE, interrupt enable, whether it waits,
 * and virtual time; the PCB chain; the code around the pc (codeview.h); the
 * devices' registers; statistics; and the TLB of the current CONTEXT with
 * its counters. The same numbers as sdb's regs, pcb, devices, stats and tlb
 * commands, from the same machine state. Values that changed since the
 * previous stop are drawn in another colour. With several CPUs it shows
 * one, the debugger's selected CPU (dbg_select_cpu), and its title says
 * which ("CPU 1 of 4"). */
#ifndef SPACE_INSPECTOR_H
#define SPACE_INSPECTOR_H

#include <stdbool.h>

#include "codeview.h"
#include "ui/debugger/debugger.h"
#include "ui/debugger/symbols.h"
#include "textgrid.h"

struct inspector {
    struct debugger *d;
    struct symbols *sym;
    struct codeview code;
    struct cpu_regs now, before; /* at the last stop and the one before it */
    bool stopped;                /* stopped since it last ran: show changes */
};

void inspector_init(struct inspector *in, struct debugger *d, struct symbols *sym);
/* The machine stopped (paused, stepped, at a breakpoint, ended). */
void inspector_stopped(struct inspector *in);
/* Another CPU is selected: its registers are the ones shown (none
 * marked as changed), the code view follows its pc. */
void inspector_cpu_changed(struct inspector *in);
/* The machine runs (the code view follows the pc). */
void inspector_running(struct inspector *in);
/* Draws everything into `area`, in one or two columns as it fits.
 * `selecting`: the code view shows its selected line. */
void inspector_draw(struct inspector *in, struct textgrid *g, struct tg_rect area, bool selecting);

#endif
