/* gui_console: the console device as the window shows it - the guest's
 * output kept as lines (with scrollback), and the keyboard: the line being
 * typed and the lines typed but not yet taken by the guest. The console
 * device takes typed lines through this module's char_source and gives
 * its output to its char_sink (devices/backend.h), so a person's input
 * reaches the guest only where every input from outside does: at a virtual
 * time the device chooses, recorded like any other. No SDL here. */
#ifndef SPACE_GUI_CONSOLE_H
#define SPACE_GUI_CONSOLE_H

#include <stdbool.h>

#include "devices/backend.h"
#include "textgrid.h"

struct gui_console;

/* Keeps the last `scrollback` lines of output. NULL if out of memory. */
struct gui_console *gui_console_create(unsigned scrollback);
void gui_console_destroy(struct gui_console *c);

/* The keyboard as a source that never blocks, and the screen as a sink. */
struct char_source *gui_console_source(struct gui_console *c);
const struct char_sink *gui_console_sink(struct gui_console *c);

/* The keyboard. Typing appends the printable ASCII characters of text to
 * the line being typed; a '\n' in it (a paste) sends the line so far. */
void gui_console_type(struct gui_console *c, const char *text);
void gui_console_backspace(struct gui_console *c);
void gui_console_kill_line(struct gui_console *c);
/* Enter: the line (with a '\n') waits for the guest to take it. */
void gui_console_enter(struct gui_console *c);
/* Ctrl-D on an empty line: the input ends after the lines typed so far. */
void gui_console_end_input(struct gui_console *c);
/* Has the guest something to take (a whole line, or the end)? */
bool gui_console_input_ready(const struct gui_console *c);
bool gui_console_input_ended(const struct gui_console *c);

/* Scrollback: rows > 0 scrolls back (up), < 0 forward; _end follows the
 * output again. Returns how far back the view is, in rows. */
void gui_console_scroll(struct gui_console *c, int rows);
void gui_console_scroll_end(struct gui_console *c);
unsigned gui_console_scrolled(const struct gui_console *c);

/* Draws the output, wrapped at r's width, ending at the bottom of r unless
 * scrolled back; with `typing`, the typed text follows the output (as a
 * terminal shows type-ahead) with a cursor. */
void gui_console_draw(struct gui_console *c, struct textgrid *g, struct tg_rect r, bool typing);

#endif
