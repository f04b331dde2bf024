/* gui: `space run --gui` - one SDL2 window with the console device as a
 * text screen and an inspector of the machine beside it (docs/gui.md).
 *
 * It drives the machine through the debugger core (debugger.h), as sdb
 * does: F5 runs and pauses, F10 steps over, F11 steps an instruction, F9
 * toggles a breakpoint, F4 runs to the selected line; with time travel
 * (gui_set_travel) Shift and the same key goes backwards (Shift+F11 back
 * an instruction, Shift+F10 back over a call, Shift+F5 back to the last
 * breakpoint, Shift+F4 back to the selected line) and Ctrl+G opens a field
 * in the key bar to go to a virtual time, past or future. The guest runs in
 * slices of about SLICE_MS of host time between frames drawn at FRAME_HZ,
 * so the window costs the guest little, and never changes what the guest
 * does: a person's typing reaches it only through the console device
 * (gui_console.h), at virtual times the device chooses. */
#ifndef SPACE_GUI_H
#define SPACE_GUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/machine.h"

struct gui_options {
    bool exit_at_end;       /* --gui-exit: close the window when the machine ends */
    bool start_paused;      /* --gui-paused: stopped at the first instruction */
    bool keyboard;          /* console input is typed in the window (no --input) */
    const char *input_name; /* else: where it comes from, to say so */
    const char *screenshot; /* --screenshot FILE: the window when space exits */
    const char *shot_at_path;
    uint64_t shot_at; /* --screenshot-at N FILE: at virtual time N */
    bool dump;        /* --gui-dump: a .txt of the window's text with each screenshot */
    /* The kernel, for its symbols: a file, or (path NULL) an image in memory. */
    const char *kernel_path;
    const uint8_t *image;
    size_t image_size;
    const char *image_name;
};

struct gui;

/* Opens the window (before the machine exists: a host without a display is
 * found out before anything else). NULL with a one-line reason in err. */
struct gui *gui_open(const struct gui_options *o, char *err, unsigned errlen);
void gui_close(struct gui *g);

/* For the machine's console backends: the keyboard (a char_source) and the
 * screen (devices/backend.h). */
struct char_source *gui_console_source_of(struct gui *g);
const struct char_sink *gui_console_sink_of(struct gui *g);

/* Runs the booted machine under the window until the window is closed (or,
 * with exit_at_end, the machine ends). Returns the machine's state as
 * machine_run does; MACHINE_INTERRUPTED with *why set ("the window was
 * closed", "interrupted") if it ended before the machine did. */
/* The timeline whose recent slices the strip under the console draws
 * (NULL: no strip). It must outlive gui_run. */
struct timeline;
void gui_set_timeline(struct gui *g, struct timeline *t);

/* Time travel for the window's debugger (debugger.h's dbg_goto and
 * dbg_reverse_*; before gui_run; NULL: none). */
struct travel;
void gui_set_travel(struct gui *g, struct travel *t);

/* --nodes N (sim/net/cluster.h): the window shows one node at a time and
 * drives it, the others following window by window; F7 and Shift+F7 show
 * and drive the next or previous node: lead(arg, k) makes node k the
 * leader and returns its machine. Each node has a console pane of its own
 * (gui_node_sink_of: its screen). gui_run is then given node 0's machine,
 * led; it returns when the window is closed (or, with exit_at_end, the
 * shown node ends), with the shown node's state. Before gui_run; no time
 * travel. 0, or -1 with a reason. */
struct gui_nodes {
    uint32_t n;
    struct machine *(*lead)(void *arg, uint32_t k);
    void *arg;
};
int gui_set_nodes(struct gui *g, const struct gui_nodes *nodes, char *err, unsigned errlen);
const struct char_sink *gui_node_sink_of(struct gui *g, uint32_t k);

enum machine_state gui_run(struct gui *g, struct machine *m, const char **why);

#endif
