/* lineedit: reading command lines for the debugger.
 *
 * On a terminal: raw mode (sim/host/platform.h) for the line being typed, with
 * left/right arrows, Home/End, Ctrl-A/Ctrl-E, backspace and Delete,
 * Ctrl-K/Ctrl-U (kill to the end / the whole line), up/down through the
 * history; Ctrl-C cancels the line, Ctrl-D on an empty line ends input.
 * The terminal is in its normal mode again whenever no line is being read
 * (so the guest's console input works while the machine runs).
 * Otherwise plain lines; input that is not a terminal (a pipe, a file) is
 * echoed after the prompt, so that a transcript reads like a session. */
#ifndef SPACE_LINEEDIT_H
#define SPACE_LINEEDIT_H

#include <stdbool.h>
#include <stdio.h>

enum lineedit_result {
    LINEEDIT_LINE,   /* a line (possibly empty) */
    LINEEDIT_CANCEL, /* Ctrl-C: no line */
    LINEEDIT_EOF,    /* end of input (Ctrl-D on an empty line) */
};

struct lineedit;

struct lineedit *lineedit_create(FILE *in, FILE *out);
void lineedit_destroy(struct lineedit *le);

/* Prints the prompt and reads one line (without its newline) into *line,
 * which stays valid until the next call. */
enum lineedit_result lineedit_read(struct lineedit *le, const char *prompt, const char **line);

/* Adds a line to the history (not empty, not the same as the last one). */
void lineedit_history_add(struct lineedit *le, const char *line);

/* Is the input an interactive terminal? */
bool lineedit_interactive(const struct lineedit *le);

#endif
