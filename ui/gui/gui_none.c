/* gui_none.c: gui.h for a build without a window (cmake -DSPACE_GUI=OFF,
 * for graders and servers: no SDL2 linked). gui_open always fails with a
 * line saying so; as no window ever exists, the rest is only ever handed
 * NULL or never called, and does nothing. */
#include "gui.h"

#include <stdio.h>

struct gui *gui_open(const struct gui_options *o, char *err, unsigned errlen)
{
    (void)o;
    snprintf(err, errlen,
             "this space was built without a window (cmake -DSPACE_GUI=OFF: no SDL2); "
             "run without --gui, or use a build with SDL2 (docs/building.md)");
    return NULL;
}

void gui_close(struct gui *g)
{
    (void)g;
}

struct char_source *gui_console_source_of(struct gui *g)
{
    (void)g;
    return NULL;
}

const struct char_sink *gui_console_sink_of(struct gui *g)
{
    (void)g;
    return NULL;
}

void gui_set_timeline(struct gui *g, struct timeline *t)
{
    (void)g;
    (void)t;
}

void gui_set_travel(struct gui *g, struct travel *t)
{
    (void)g;
    (void)t;
}

int gui_set_nodes(struct gui *g, const struct gui_nodes *nodes, char *err, unsigned errlen)
{
    (void)g, (void)nodes, (void)err, (void)errlen;
    return 0;
}

const struct char_sink *gui_node_sink_of(struct gui *g, uint32_t k)
{
    (void)g, (void)k;
    return NULL;
}

enum machine_state gui_run(struct gui *g, struct machine *m, const char **why)
{
    (void)g;
    (void)why;
    return machine_run(m);
}
