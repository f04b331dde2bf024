/* strip: the window's timeline strip under the console - for each CPU a
 * row of cells over the recent past of virtual time, each cell coloured by
 * the CONTEXT that ran longest in it (idle time dim), the name of the
 * CONTEXT written where its run begins, and the present (the current
 * instruction) marked with '|'. It reads the slices a timeline keeps
 * (sim/timeline/timeline.h); the window draws it and passes it keys and
 * clicks. The strip's right end shows a little of the future, so that a
 * click there can run the machine forward to that time. */
#ifndef SPACE_STRIP_H
#define SPACE_STRIP_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/timeline/timeline.h"
#include "textgrid.h"

struct timeline_strip {
    struct timeline *tl; /* NULL: nothing is drawn */
    uint64_t span;       /* virtual time across the strip (0: STRIP_SPAN) */
    uint64_t back;       /* how far the present is scrolled left of the marked column */
};

#define STRIP_SPAN 200000u /* the first zoom: two quanta, a few timer ticks */

/* The rows the strip wants: a title and one per CPU (4 at most). */
unsigned strip_rows(const struct timeline_strip *s);
/* Draws the strip into r (a title row, then the CPUs). */
void strip_draw(const struct timeline_strip *s, struct textgrid *t, struct tg_rect r);
/* Zooms in (dir > 0) or out, or scrolls back (dir > 0) or toward now. */
void strip_zoom(struct timeline_strip *s, int dir);
void strip_scroll(struct timeline_strip *s, int dir);
/* The virtual time (CPU 0's) under cell (col, row) of r; false outside
 * the CPUs' rows. */
bool strip_time_at(const struct timeline_strip *s, struct tg_rect r, unsigned col, unsigned row,
                   uint64_t *time);
/* The colour the strip gives CONTEXT ctx (TG_CTX0 + ...). */
uint8_t strip_color(uint32_t ctx);

#endif
