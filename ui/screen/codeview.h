/* codeview: the window's disassembly - instructions around the pc of the
 * CONTEXT the CPU is in, with symbols (symbols.h) and the debugger's
 * disassembler (debugger.h), the pc and breakpoints marked, and a selected
 * line (Up/Down, a click) that breakpoints and "run to cursor" act on.
 * While the machine runs it follows the pc; when it stops it shows the pc
 * and keeps still while a person moves the selection. */
#ifndef SPACE_CODEVIEW_H
#define SPACE_CODEVIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "ui/debugger/debugger.h"
#include "ui/debugger/symbols.h"
#include "textgrid.h"

#define CODEVIEW_MAX_LINES 128

struct codeview {
    struct debugger *d;
    struct symbols *sym;
    uint32_t ctx, top, sel; /* CONTEXT shown, first line's address, selected address */
    bool placed;            /* top and sel are valid (else: place at the pc) */
    struct tg_rect lines;   /* where the instruction lines were drawn */
    unsigned nlines;
    uint32_t addr[CODEVIEW_MAX_LINES]; /* of each line drawn */
};

void codeview_init(struct codeview *v, struct debugger *d, struct symbols *sym);
/* The machine stopped (or runs on): show the pc, select it. */
void codeview_follow(struct codeview *v);
/* Moves the selection by delta lines, scrolling the view at its ends. */
void codeview_move(struct codeview *v, int delta);
/* Selects the line drawn at a cell; false if none is there. */
bool codeview_click(struct codeview *v, unsigned col, unsigned row);
/* The selected instruction. */
bool codeview_selected(const struct codeview *v, uint32_t *ctx, uint32_t *addr);
/* Draws into r: a title, the instructions, the breakpoints. `selecting`:
 * show the selection. Returns the rows used. */
unsigned codeview_draw(struct codeview *v, struct textgrid *g, struct tg_rect r, bool selecting);

#endif
