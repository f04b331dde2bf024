/* gui_draw: turns the window's text grid (textgrid.h) into pixels with the
 * built-in font (font.h) - glyphs scaled by a whole number, for the
 * display's pixel density (high-DPI: the renderer's output size over the
 * window's size) times the zoom a person chose - and takes screenshots.
 * Only the cells that changed since the last frame are redrawn, into a
 * picture of our own that goes to the renderer as one texture, so a frame
 * costs little however much text the window shows. */
#ifndef SPACE_GUI_DRAW_H
#define SPACE_GUI_DRAW_H

#include <SDL.h>
#include <stdbool.h>

#include "ui/screen/textgrid.h"

struct gui_draw;

/* A renderer for the window (accelerated if the host has one, else
 * software). NULL with a one-line reason in err. */
struct gui_draw *gui_draw_create(SDL_Window *win, char *err, unsigned errlen);
void gui_draw_destroy(struct gui_draw *d);

/* After a resize or a zoom change: the grid size that fills the window at
 * glyph scale (pixel density x zoom). 0, or -1 if out of memory. */
int gui_draw_layout(struct gui_draw *d, unsigned zoom, unsigned *cols, unsigned *rows);
/* The cell under a point given in window coordinates (mouse events). */
bool gui_draw_cell_at(const struct gui_draw *d, int x, int y, unsigned *col, unsigned *row);

/* Draws the grid (of the size gui_draw_layout gave) on the renderer. */
void gui_draw_frame(struct gui_draw *d, const struct textgrid *g);
/* Writes what gui_draw_frame drew as a PNG (before gui_draw_present).
 * 0, or -1 with a one-line reason in err. */
int gui_draw_screenshot(struct gui_draw *d, const char *path, char *err, unsigned errlen);
void gui_draw_present(struct gui_draw *d);

#endif
