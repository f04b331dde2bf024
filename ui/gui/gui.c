#include "gui.h"

#define SDL_MAIN_HANDLED /* space has its own main */
#include <SDL.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/replay/travel.h"
#include "ui/debugger/debugger.h"
#include "ui/screen/font.h"
#include "ui/screen/gui_console.h"
#include "gui_draw.h"
#include "ui/screen/inspector.h"
#include "ui/screen/strip.h"
#include "ui/debugger/symbols.h"
#include "ui/screen/textgrid.h"

#define FRAME_HZ     30
#define FRAME_MS     (1000.0 / FRAME_HZ)
#define SLICE_MS     12.0 /* host time one slice of guest execution should take */
#define SLICE_MIN    1000u
#define SLICE_MAX    500000000u
#define IDLE_WAIT_MS 250 /* longest sleep while nothing runs (messages time out) */
#define MESSAGE_MS   4000.0
#define CONSOLE_COLS 80  /* the console's text width when the window is wide enough */
#define INSPECT_COLS 100 /* the inspector's, for the window's first size */
#define WINDOW_ROWS  58
#define SCROLLBACK   10000 /* console lines kept */
#define ZOOM_MAX     4

struct gui {
    struct gui_options o;
    struct travel *travel; /* time travel for the debugger (NULL: none) */
    SDL_Window *win;
    struct gui_draw *draw;
    struct gui_console *con; /* the shown node's console */
    struct textgrid grid;
    /* --nodes N: node `node` is shown and driven (gui_set_nodes) */
    struct gui_nodes nodes;
    uint32_t node;
    struct gui_console **cons; /* every node's console (NULL: one machine) */
    unsigned zoom;
    struct tg_rect console, inspector; /* the console's text; the inspector */
    struct tg_rect strip_at;           /* the timeline strip, under the console */
    struct machine *m;
    struct debugger d;
    struct symbols *sym;
    struct inspector in;
    struct timeline_strip strip; /* under the console */
    bool running;                /* the person let it run (F5) */
    bool resume;                 /* the next slice is the first since it stopped */
    bool ended;                  /* the machine halted, stopped or hit its limit */
    bool quit;
    const char *why;    /* the window ended the run: why */
    char status[200];   /* why it is paused or ended */
    char message[200];  /* a passing message (a screenshot written, ...) */
    double message_end; /* ... shown until then */
    bool dirty;         /* the picture needs drawing */
    bool shot_at_done;
    /* The time field (Ctrl+G): open, and what is typed in it. */
    bool asking;
    char field[24];
    uint64_t furthest; /* the latest virtual time the machine has stood at */
    double rate;       /* guest instructions (not idle) per host millisecond */
    double speed_start, mips;
    uint64_t speed_insns;
};

static double now_ms(void)
{
    return (double)SDL_GetPerformanceCounter() * 1000.0 / (double)SDL_GetPerformanceFrequency();
}

static void say(struct gui *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct gui *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->message, sizeof g->message, fmt, ap);
    va_end(ap);
    g->message_end = now_ms() + MESSAGE_MS;
    g->dirty = true;
}

/* ---- Opening ---- */

/* SDL falls back to drawing into memory ("offscreen", "dummy") when no
 * display can be reached: a window nobody sees. Unless a person asks for
 * such a driver (SDL_VIDEODRIVER), only real ones may be used. */
static void real_video_drivers_only(void)
{
    const char *asked = SDL_getenv("SDL_VIDEODRIVER");
    if (asked && *asked)
        return;
    char list[512] = "";
    size_t used = 0;
    for (int i = 0; i < SDL_GetNumVideoDrivers(); i++) {
        const char *name = SDL_GetVideoDriver(i);
        if (!strcmp(name, "offscreen") || !strcmp(name, "dummy"))
            continue;
        /* (Wayland cannot be there without XDG_RUNTIME_DIR, and its library
         * would say so on stderr) */
        if (!strcmp(name, "wayland") && !SDL_getenv("XDG_RUNTIME_DIR"))
            continue;
        int n = snprintf(list + used, sizeof list - used, "%s%s", used ? "," : "", name);
        if (n < 0 || (size_t)n >= sizeof list - used)
            break;
        used += (size_t)n;
    }
    SDL_SetHint(SDL_HINT_VIDEODRIVER, list);
}

struct gui *gui_open(const struct gui_options *o, char *err, unsigned errlen)
{
    /* Ctrl-C stays the simulator's (sim/host/platform.h), not a quit event. */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    /* A window among others: the desktop keeps compositing. */
    SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
#ifdef SDL_HINT_WINDOWS_DPI_SCALING
    /* Windows: sizes in points and pixels of their own, as on macOS, so
     * that gui_draw_layout sees the display's density (SDL 2.24 on) */
    SDL_SetHint(SDL_HINT_WINDOWS_DPI_AWARENESS, "permonitorv2");
    SDL_SetHint(SDL_HINT_WINDOWS_DPI_SCALING, "1");
#endif
    real_video_drivers_only();
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        snprintf(err, errlen, "cannot open a window: %s", SDL_GetError());
        return NULL;
    }
    struct gui *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(err, errlen, "out of host memory");
        SDL_Quit();
        return NULL;
    }
    g->o = *o;
    g->zoom = 1;
    int w = (CONSOLE_COLS + 3 + INSPECT_COLS) * FONT_W, h = WINDOW_ROWS * FONT_H;
    SDL_Rect usable;
    if (SDL_GetDisplayUsableBounds(0, &usable) == 0 && usable.w > 0 && usable.h > 0) {
        if (w > usable.w * 9 / 10)
            w = usable.w * 9 / 10;
        if (h > usable.h * 9 / 10)
            h = usable.h * 9 / 10;
    }
    char title[160];
    snprintf(title, sizeof title, "SPACE - %s", o->kernel_path ? o->kernel_path : o->image_name);
    g->win = SDL_CreateWindow(title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h,
                              SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    if (!g->win) {
        snprintf(err, errlen, "cannot open a window: %s", SDL_GetError());
        gui_close(g);
        return NULL;
    }
    SDL_SetWindowMinimumSize(g->win, 40 * FONT_W, 12 * FONT_H);
    if (!(g->draw = gui_draw_create(g->win, err, errlen))) {
        gui_close(g);
        return NULL;
    }
    if (!(g->con = gui_console_create(SCROLLBACK))) {
        snprintf(err, errlen, "out of host memory");
        gui_close(g);
        return NULL;
    }
    return g;
}

void gui_close(struct gui *g)
{
    if (!g)
        return;
    for (uint32_t k = 0; g->cons && k < g->nodes.n; k++)
        gui_console_destroy(g->cons[k]);
    if (!g->cons)
        gui_console_destroy(g->con);
    free(g->cons);
    gui_draw_destroy(g->draw);
    if (g->win)
        SDL_DestroyWindow(g->win);
    textgrid_free(&g->grid);
    free(g);
#ifndef SPACE_SANITIZE
    SDL_Quit();
#endif
    /* (Under the sanitizers SDL stays loaded: SDL_Quit unloads the X
     * libraries whose lifelong allocations LeakSanitizer would then report
     * without a name a suppression could match.) */
}

struct char_source *gui_console_source_of(struct gui *g)
{
    return gui_console_source(g->con);
}

static void layout(struct gui *g);

void gui_set_timeline(struct gui *g, struct timeline *t)
{
    g->strip.tl = t;
    layout(g);
}

const struct char_sink *gui_console_sink_of(struct gui *g)
{
    return gui_console_sink(g->con);
}

int gui_set_nodes(struct gui *g, const struct gui_nodes *nodes, char *err, unsigned errlen)
{
    if (!(g->cons = calloc(nodes->n, sizeof *g->cons))) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    g->nodes = *nodes;
    g->cons[0] = g->con;
    for (uint32_t k = 1; k < nodes->n; k++)
        if (!(g->cons[k] = gui_console_create(SCROLLBACK))) {
            snprintf(err, errlen, "out of host memory");
            return -1; /* (gui_close frees what was made) */
        }
    return 0;
}

const struct char_sink *gui_node_sink_of(struct gui *g, uint32_t k)
{
    return gui_console_sink(g->cons[k]);
}

/* ---- The picture ---- */

static void layout(struct gui *g)
{
    unsigned cols, rows;
    if (gui_draw_layout(g->draw, g->zoom, &cols, &rows) != 0 ||
        textgrid_resize(&g->grid, cols, rows) != 0) {
        g->console = g->inspector = (struct tg_rect){0};
        return;
    }
    /* bars at the top and bottom; the console (with a title row) left, the
     * inspector right, a blank column around the console's text */
    unsigned body = rows > 2 ? rows - 2 : 0;
    unsigned cw = cols >= CONSOLE_COLS + 3 + 40 ? CONSOLE_COLS : (cols > 3 ? (cols - 3) / 2 : 0);
    g->console = (struct tg_rect){1, 2, cw, body > 1 ? body - 1 : 0};
    /* the strip under the console, if it leaves the console a few rows */
    unsigned sr = strip_rows(&g->strip);
    g->strip_at = (struct tg_rect){0};
    if (sr && g->console.rows > sr + 6) {
        g->console.rows -= sr + 1;
        g->strip_at = (struct tg_rect){1, g->console.row + g->console.rows + 1, cw, sr};
    }
    g->inspector = (struct tg_rect){cw + 2, 1, cols > cw + 2 ? cols - cw - 2 : 0, body};
    g->dirty = true;
}

static bool waiting_for_person(const struct gui *g)
{
    return machine_state(g->m) == MACHINE_RUNNING &&
           machine_pause_reason(g->m).why == PAUSE_INPUT && !gui_console_input_ready(g->con);
}

static void bar(struct gui *g, unsigned row, const char *left, uint8_t left_fg, const char *right)
{
    struct textgrid *t = &g->grid;
    textgrid_paint(t, 0, row, t->cols, TG_BAR);
    unsigned rlen = (unsigned)strlen(right);
    unsigned x = textgrid_put(t, 1, row, left, t->cols > 2 ? t->cols - 2 : 0, left_fg);
    if (rlen + 2 + x < t->cols)
        textgrid_put(t, t->cols - rlen - 1, row, right, rlen, TG_BAR_TEXT);
}

static void compose_bars(struct gui *g)
{
    struct machine *m = g->m;
    char left[512], right[160], state[240];
    uint8_t fg = TG_BAR_TEXT;
    if (g->ended) {
        snprintf(state, sizeof state, "%s", g->status);
        if (machine_state(m) != MACHINE_HALTED)
            fg = TG_ALERT;
    } else if (g->running && waiting_for_person(g)) {
        snprintf(state, sizeof state, "waiting for console input: type a line");
    } else if (g->running) {
        snprintf(state, sizeof state, "%s",
                 g->d.temp.armed ? "running to the temporary stop" : "running");
    } else {
        snprintf(state, sizeof state, "paused%s%s", g->status[0] ? ": " : "", g->status);
    }
    char node[48] = "";
    if (g->cons)
        snprintf(node, sizeof node, "node %u of %u | ", g->node, g->nodes.n);
    snprintf(left, sizeof left, "SPACE | %s%s%s%s", node, state, g->message[0] ? " | " : "",
             g->message);
    unsigned long long now = (unsigned long long)machine_now(m);
    int n = snprintf(right, sizeof right, "virtual time %llu", now);
    if (g->travel && n > 0 && (size_t)n < sizeof right)
        n += snprintf(right + n, sizeof right - (size_t)n, "  travel %llu..%llu",
                      (unsigned long long)travel_start(g->travel), (unsigned long long)g->furthest);
    if (g->running && !waiting_for_person(g) && n > 0 && (size_t)n < sizeof right)
        snprintf(right + n, sizeof right - (size_t)n, "  %.1f MIPS", g->mips);
    bar(g, 0, left, fg, right);
    unsigned row = g->grid.rows - 1;
    if (g->asking) {
        char ask[240];
        snprintf(ask, sizeof ask,
                 "go to virtual time: %s_   Enter goes there, Esc cancels (T, +N or -N; "
                 "back to %llu, forward runs on)",
                 g->field, (unsigned long long)travel_start(g->travel));
        bar(g, row, ask, TG_BAR_TEXT, "");
        return;
    }
    /* the keys, as many as fit, most used first */
    bool paused = !g->running, back = g->travel != NULL;
    const struct {
        bool shown;
        const char *text;
    } keys[] = {
        {g->running, "F5 pause"},
        {paused, "F5 run"},
        {true, "F10 step over"},
        {true, "F11 step"},
        {machine_ncpus(m) > 1, "F6 next CPU"}, /* (only where there is another) */
        {g->cons != NULL, "F7/Shift+F7 next/previous node"},
        {true, "F9 breakpoint"},
        {true, "F4 run to cursor"},
        {back, "Shift+F5/F10/F11/F4 backwards"},
        {back, "Ctrl+G go to time"},
        {true, "F12 screenshot"},
        {paused, "Up/Down select"},
        {true, "PgUp/PgDn scroll"},
        {true, "Ctrl+/- zoom"},
    };
    char line[512] = "";
    size_t used = 0, width = g->grid.cols > 2 ? g->grid.cols - 2 : 0;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (!keys[i].shown)
            continue;
        size_t len = strlen(keys[i].text) + (used ? 2 : 0);
        if (used + len > width || used + len >= sizeof line)
            break;
        snprintf(line + used, sizeof line - used, "%s%s", used ? "  " : "", keys[i].text);
        used += len;
    }
    bar(g, row, line, TG_BAR_TEXT, "");
}

static void compose_console(struct gui *g)
{
    struct textgrid *t = &g->grid;
    gui_console_draw(g->con, t, g->console, g->o.keyboard); /* (first: it clamps scrolling) */
    char title[200];
    if (!g->o.keyboard)
        snprintf(title, sizeof title, "console - input from %s", g->o.input_name);
    else if (gui_console_input_ended(g->con))
        snprintf(title, sizeof title, "console - input ended (Ctrl-D)");
    else
        snprintf(title, sizeof title, "console - type here: Enter sends a line, Ctrl-D ends input");
    unsigned x = textgrid_put(t, g->console.col, 1, title, g->console.cols, TG_HEAD);
    unsigned back = gui_console_scrolled(g->con);
    if (back) {
        char s[64];
        snprintf(s, sizeof s, "  [%u rows back: End]", back);
        textgrid_put(t, g->console.col + x, 1, s, g->console.cols - x, TG_CHANGED);
    }
}

/* Keeps the furthest virtual time reached (the end of the travel span the
 * top bar shows): before going back, and at every frame. */
static void note_time(struct gui *g)
{
    if (machine_now(g->m) > g->furthest)
        g->furthest = machine_now(g->m);
}

static void compose(struct gui *g)
{
    struct textgrid *t = &g->grid;
    note_time(g);
    if (t->rows < 3 || !g->console.cols)
        return;
    textgrid_fill(t, (struct tg_rect){0, 0, t->cols, t->rows}, TG_BG);
    if (g->running)
        codeview_follow(&g->in.code);
    compose_console(g);
    strip_draw(&g->strip, t, g->strip_at);
    inspector_draw(&g->in, t, g->inspector, !g->running);
    compose_bars(g);
}

/* The window's file name for a screenshot's text (--gui-dump): FILE.txt
 * for FILE.png. */
static void dump_text(struct gui *g, const char *png)
{
    char path[1024];
    size_t n = strlen(png);
    if (n > 4 && !strcmp(png + n - 4, ".png"))
        n -= 4;
    snprintf(path, sizeof path, "%.*s.txt", (int)n, png);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "space: --gui-dump: cannot write %s\n", path);
        return;
    }
    textgrid_write(&g->grid, f);
    fclose(f);
}

/* Draws a frame (and writes it to `shot` if not NULL). */
static void render(struct gui *g, const char *shot)
{
    compose(g);
    gui_draw_frame(g->draw, &g->grid);
    if (shot) {
        char err[512];
        if (gui_draw_screenshot(g->draw, shot, err, sizeof err) != 0) {
            fprintf(stderr, "space: screenshot: %s\n", err);
            say(g, "screenshot failed: %s", err);
        } else if (g->o.dump) {
            dump_text(g, shot);
        }
    }
    gui_draw_present(g->draw);
    g->dirty = false;
}

/* ---- Running ---- */

static void shot_at_check(struct gui *g)
{
    if (g->o.shot_at_path && !g->shot_at_done && machine_now(g->m) >= g->o.shot_at) {
        g->shot_at_done = true;
        render(g, g->o.shot_at_path);
    }
}

static void describe(struct gui *g, const char *what, uint32_t addr)
{
    char s[160], who[16] = "";
    if (machine_ncpus(g->m) > 1)
        snprintf(who, sizeof who, "cpu %u: ", g->d.cpu_idx);
    snprintf(g->status, sizeof g->status, "%s%s 0x%x%s, CONTEXT %u MODE %u", who, what, addr,
             symbols_format(g->sym, cpu_context(g->d.cpu), addr, s, sizeof s),
             cpu_context(g->d.cpu), cpu_mode(g->d.cpu));
}

/* The machine stopped for a reason of its own (or a step ended). */
static void stopped(struct gui *g, const struct dbg_stop *stop)
{
    struct cpu_regs r;
    if (stop->cpu != g->d.cpu_idx) { /* the view follows the CPU that stopped */
        dbg_select_cpu(&g->d, stop->cpu);
        inspector_cpu_changed(&g->in);
    }
    cpu_get_regs(g->d.cpu, &r);
    g->running = false;
    g->dirty = true;
    char what[64];
    switch (stop->kind) {
    case DBG_INTERRUPTED:
        g->quit = true;
        g->why = "interrupted";
        return;
    case DBG_ENDED:
        g->ended = true;
        snprintf(g->status, sizeof g->status, "%s", stop->text);
        break;
    case DBG_BREAKPOINT:
        snprintf(what, sizeof what, "breakpoint %d at", stop->id);
        describe(g, what, r.eip);
        break;
    case DBG_TEMP: describe(g, "at", r.eip); break;
    case DBG_STEPPED:
        if (machine_pause_reason(g->m).why == PAUSE_INPUT)
            snprintf(g->status, sizeof g->status, "the guest waits for console input");
        else
            describe(g, "at", r.eip);
        break;
    default: snprintf(g->status, sizeof g->status, "%s", stop->text); break;
    }
    inspector_stopped(&g->in);
}

/* Every CPU's idle time: the part of machine_now that ran no instruction. */
static uint64_t idle_time(struct machine *m)
{
    uint64_t t = 0;
    for (unsigned i = 0; i < machine_ncpus(m); i++)
        t += cpu_stats(machine_cpu(m, i))->idle;
    return t;
}

/* Runs the machine in slices until the time `until_ms`, a stop, or a wait
 * for a person. */
static void run_slices(struct gui *g, double until_ms)
{
    struct machine *m = g->m;
    while (g->running && !g->quit) {
        double t0 = now_ms(), left = until_ms - t0;
        if (left < 1.0)
            return;
        double n = g->rate * (left < SLICE_MS ? left : SLICE_MS);
        uint64_t start = machine_now(m), idle = idle_time(m);
        uint64_t until = start + (n < SLICE_MIN ? SLICE_MIN : n > SLICE_MAX ? SLICE_MAX : n);
        if (g->o.shot_at_path && !g->shot_at_done && g->o.shot_at > start && g->o.shot_at < until)
            until = g->o.shot_at;
        struct dbg_stop stop;
        dbg_run_slice(&g->d, until, g->resume, &stop);
        g->resume = false;
        symbols_memory_changed(g->sym);
        g->dirty = true;
        double took = now_ms() - t0;
        uint64_t ran = machine_now(m) - start - (idle_time(m) - idle);
        g->speed_insns += ran;
        if (took > 1.0 && ran)
            g->rate = 0.5 * g->rate + 0.5 * (double)ran / took;
        shot_at_check(g);
        if (stop.kind != DBG_STEPPED) {
            stopped(g, &stop);
            return;
        }
        if (waiting_for_person(g))
            return;
    }
}

static void set_running(struct gui *g, bool run)
{
    if (g->ended) {
        say(g, "the machine has ended: nothing more to run");
        return;
    }
    g->running = run;
    g->dirty = true;
    if (run) {
        g->resume = true;
        g->status[0] = 0;
        inspector_running(&g->in);
    } else {
        dbg_temp_clear(&g->d); /* (a step over or run to cursor is given up) */
        struct dbg_stop stop = {.kind = DBG_STEPPED,
                                .cpu = g->d.cpu_idx}; /* (a pause: the same CPU) */
        stopped(g, &stop);
    }
}

static bool can_step(struct gui *g)
{
    if (g->ended)
        say(g, "the machine has ended: nothing more to run");
    else if (g->running)
        say(g, "the machine runs: pause it first (F5)");
    return !g->ended && !g->running;
}

static void step(struct gui *g, bool over)
{
    if (!can_step(g))
        return;
    if (over && dbg_over_arm(&g->d)) { /* a call: run until it returns */
        g->running = true;
        g->resume = true;
        inspector_running(&g->in);
        return;
    }
    uint64_t before = machine_now(g->m);
    struct dbg_stop stop;
    dbg_step(&g->d, 1, &stop);
    symbols_memory_changed(g->sym);
    stopped(g, &stop);
    if (machine_now(g->m) == before && machine_pause_reason(g->m).why == PAUSE_INPUT)
        say(g, "the guest waits for console input: type a line first");
    shot_at_check(g);
}

/* F6: the inspector shows the next CPU (after the last, CPU 0). */
static void next_cpu(struct gui *g)
{
    if (machine_ncpus(g->m) < 2)
        return;
    dbg_select_cpu(&g->d, (g->d.cpu_idx + 1) % machine_ncpus(g->m));
    inspector_cpu_changed(&g->in);
    say(g, "showing CPU %u", g->d.cpu_idx);
}

/* F7, Shift+F7: shows and drives node k; the others follow it window by
 * window (cluster_lead). Breakpoints belong to the node shown, as in sdb. */
static void show_node(struct gui *g, uint32_t k)
{
    if (!g->cons || k == g->node)
        return;
    for (unsigned i = 0; i < DBG_MAX_BREAKS; i++)
        if (g->d.brk[i].used) {
            say(g, "breakpoints belong to node %u: clear them first (F9)", g->node);
            return;
        }
    dbg_free(&g->d);
    g->m = g->nodes.lead(g->nodes.arg, k);
    g->node = k;
    g->con = g->cons[k];
    machine_ctrl_c_target(g->m, true); /* (Ctrl-C stops the node shown) */
    dbg_init(&g->d, g->m);
    dbg_set_travel(&g->d, g->travel);
    inspector_init(&g->in, &g->d, g->sym);
    g->resume = true;
    g->ended = machine_state(g->m) != MACHINE_RUNNING;
    g->status[0] = 0;
    if (g->ended)
        snprintf(g->status, sizeof g->status, "node %u has ended", k);
    if (g->ended || !g->running)
        inspector_stopped(&g->in);
    else
        inspector_running(&g->in);
    if (g->ended)
        g->running = false;
    say(g, "showing node %u", k);
}

static void toggle_break(struct gui *g)
{
    uint32_t ctx, addr;
    if (!codeview_selected(&g->in.code, &ctx, &addr))
        return;
    int id = dbg_break_at(&g->d, addr, ctx);
    if (id) {
        dbg_break_remove(&g->d, id);
        say(g, "breakpoint %d at 0x%x removed", id, addr);
    } else if ((id = dbg_break_add(&g->d, addr, (int)ctx)) > 0) {
        say(g, "breakpoint %d at 0x%x in CONTEXT %u", id, addr, ctx);
    } else {
        say(g, "too many breakpoints (%d)", DBG_MAX_BREAKS);
    }
}

static void run_to_cursor(struct gui *g)
{
    uint32_t ctx, addr;
    if (!can_step(g) || !codeview_selected(&g->in.code, &ctx, &addr))
        return;
    dbg_temp_break(&g->d, addr, ctx, 0);
    set_running(g, true);
}

/* ---- Backwards (time travel) ---- */

#define TRAVEL_OFF "time travel is off (--reverse-budget 0, or --record)"

/* Whether the machine may travel now: time travel is on and the machine
 * is paused - or has ended: going back from the end is allowed. */
static bool can_travel(struct gui *g)
{
    if (!g->travel)
        say(g, "%s", TRAVEL_OFF);
    else if (g->running)
        say(g, "the machine runs: pause it first (F5)");
    return g->travel && !g->running;
}

/* After a travel: where the machine stands now (rc, err: the travel's). */
static void travelled(struct gui *g, int rc, struct dbg_stop *stop, const char *err)
{
    symbols_memory_changed(g->sym);
    if (rc != 0) {
        say(g, "%s", err);
        return;
    }
    g->ended = false; /* (stopped() says if it still has) */
    stopped(g, stop);
    shot_at_check(g);
}

/* Shift+F11, Shift+F10, Shift+F5: back one instruction, over a call, to
 * the last breakpoint stop. */
static void reverse(struct gui *g, int (*fn)(struct debugger *d, struct dbg_stop *stop, char *err,
                                             unsigned errlen))
{
    if (!can_travel(g))
        return;
    note_time(g);
    struct dbg_stop stop;
    char err[200];
    travelled(g, fn(&g->d, &stop, err, sizeof err), &stop, err);
}

static int reverse_stepi(struct debugger *d, struct dbg_stop *stop, char *err, unsigned errlen)
{
    return dbg_reverse_step(d, 1, stop, err, errlen);
}

/* Shift+F4: back to the last time the selected line ran (or to a
 * breakpoint between it and now, as F4 stops at one on its way). */
static void reverse_to_cursor(struct gui *g)
{
    uint32_t ctx, addr;
    if (!can_travel(g) || !codeview_selected(&g->in.code, &ctx, &addr))
        return;
    note_time(g);
    int temp = dbg_break_at(&g->d, addr, ctx) ? 0 : dbg_break_add(&g->d, addr, (int)ctx);
    struct dbg_stop stop;
    char err[200];
    int rc = dbg_reverse_continue(&g->d, &stop, err, sizeof err);
    if (temp > 0) {
        dbg_break_remove(&g->d, temp);
        if (rc == 0 && stop.kind == DBG_BREAKPOINT && stop.id == temp)
            stop.kind = DBG_TEMP;
    }
    travelled(g, rc, &stop, err);
}

/* A click in the strip: to that virtual time (paused there). */
static void strip_click(struct gui *g, unsigned col, unsigned row)
{
    uint64_t time;
    if (!strip_time_at(&g->strip, g->strip_at, col, row, &time))
        return;
    /* (back from the end is allowed; forward needs a machine that runs) */
    if (time < machine_clock(g->m) ? !can_travel(g) : !can_step(g))
        return;
    note_time(g);
    struct dbg_stop stop;
    char err[200];
    travelled(g, dbg_goto_clock(&g->d, time, &stop, err, sizeof err), &stop, err);
}

/* Enter in the time field: to the virtual time typed (T, or +N / -N from
 * now), past or future. A running machine is paused first. */
static void time_field_enter(struct gui *g)
{
    g->asking = false;
    const char *s = g->field;
    int sign = *s == '+' ? 1 : *s == '-' ? -1 : 0;
    s += sign != 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end) {
        if (*g->field)
            say(g, "not a virtual time: '%s' (T, +N or -N)", g->field);
        return;
    }
    if (g->running)
        set_running(g, false);
    uint64_t now = machine_now(g->m), time = v;
    if (sign > 0)
        time = now + v < now ? UINT64_MAX : now + v;
    else if (sign < 0)
        time = v > now ? 0 : now - v;
    note_time(g);
    struct dbg_stop stop;
    char err[200];
    travelled(g, dbg_goto(&g->d, time, &stop, err, sizeof err), &stop, err);
    if (machine_now(g->m) < time && machine_state(g->m) == MACHINE_RUNNING &&
        machine_pause_reason(g->m).why == PAUSE_INPUT)
        say(g, "stopped short of %llu: the guest waits for console input",
            (unsigned long long)time);
}

/* Ctrl+G: opens the time field (in the key bar). */
static void time_field_open(struct gui *g)
{
    if (!g->travel) {
        say(g, "%s", TRAVEL_OFF);
        return;
    }
    g->asking = true;
    g->field[0] = 0;
}

/* A key while the time field is open: editing it, Enter, Esc. */
static void time_field_key(struct gui *g, SDL_Keycode k)
{
    size_t n = strlen(g->field);
    switch (k) {
    case SDLK_RETURN:
    case SDLK_KP_ENTER: time_field_enter(g); break;
    case SDLK_ESCAPE: g->asking = false; break;
    case SDLK_BACKSPACE:
        if (n)
            g->field[n - 1] = 0;
        break;
    default: break;
    }
}

/* Text typed while the field is open: digits, and a sign first. */
static void time_field_type(struct gui *g, const char *text)
{
    for (; *text; text++) {
        size_t n = strlen(g->field);
        bool sign = (*text == '+' || *text == '-') && n == 0;
        if ((sign || (*text >= '0' && *text <= '9')) && n + 1 < sizeof g->field) {
            g->field[n] = *text;
            g->field[n + 1] = 0;
        }
    }
}

/* F12: space-TIME.png in the current directory (-2, -3, ... if taken). */
static void screenshot_key(struct gui *g)
{
    char path[96];
    unsigned long long t = (unsigned long long)machine_now(g->m);
    snprintf(path, sizeof path, "space-%llu.png", t);
    for (int i = 2; i < 100; i++) {
        FILE *f = fopen(path, "rb");
        if (!f)
            break;
        fclose(f);
        snprintf(path, sizeof path, "space-%llu-%d.png", t, i);
    }
    render(g, path);
    say(g, "wrote %s", path);
}

/* ---- Events ---- */

static void zoom(struct gui *g, unsigned z)
{
    if (z < 1 || z > ZOOM_MAX || z == g->zoom)
        return;
    g->zoom = z;
    layout(g);
}

static bool in_rect(struct tg_rect r, unsigned col, unsigned row)
{
    return col >= r.col && col < r.col + r.cols && row >= r.row && row < r.row + r.rows;
}

static void key(struct gui *g, const SDL_KeyboardEvent *k)
{
    bool ctrl = (k->keysym.mod & KMOD_CTRL) != 0, shift = (k->keysym.mod & KMOD_SHIFT) != 0;
    unsigned page = g->console.rows > 1 ? g->console.rows - 1 : 1;
    g->dirty = true;
    if (g->asking) { /* (F12 still takes a screenshot of it) */
        if (k->keysym.sym == SDLK_F12)
            screenshot_key(g);
        else
            time_field_key(g, k->keysym.sym);
        return;
    }
    if (shift && !ctrl) { /* the same keys, backwards */
        switch (k->keysym.sym) {
        case SDLK_F5: reverse(g, dbg_reverse_continue); return;
        case SDLK_F10: reverse(g, dbg_reverse_next); return;
        case SDLK_F11: reverse(g, reverse_stepi); return;
        case SDLK_F4: reverse_to_cursor(g); return;
        case SDLK_F7: show_node(g, g->cons ? (g->node + g->nodes.n - 1) % g->nodes.n : 0); return;
        default: break;
        }
    }
    if (ctrl && k->keysym.sym == SDLK_g) {
        time_field_open(g);
        return;
    }
    if (ctrl && g->strip.tl) {
        switch (k->keysym.sym) {
        case SDLK_LEFT: strip_scroll(&g->strip, 1); return;
        case SDLK_RIGHT: strip_scroll(&g->strip, -1); return;
        case SDLK_UP: strip_zoom(&g->strip, 1); return;
        case SDLK_DOWN: strip_zoom(&g->strip, -1); return;
        default: break;
        }
    }
    switch (k->keysym.sym) {
    case SDLK_F5: set_running(g, !g->running); return;
    case SDLK_F10: step(g, true); return;
    case SDLK_F11: step(g, false); return;
    case SDLK_F6: next_cpu(g); return;
    case SDLK_F7: show_node(g, g->cons ? (g->node + 1) % g->nodes.n : 0); return;
    case SDLK_F9: toggle_break(g); return;
    case SDLK_F4: run_to_cursor(g); return;
    case SDLK_F12: screenshot_key(g); return;
    case SDLK_PAGEUP: gui_console_scroll(g->con, (int)page); return;
    case SDLK_PAGEDOWN: gui_console_scroll(g->con, -(int)page); return;
    case SDLK_HOME: gui_console_scroll(g->con, SCROLLBACK * 64); return;
    case SDLK_END: gui_console_scroll_end(g->con); return;
    case SDLK_UP:
    case SDLK_DOWN:
        if (!g->running)
            codeview_move(&g->in.code, k->keysym.sym == SDLK_UP ? -1 : 1);
        return;
    default: break;
    }
    if (ctrl) {
        switch (k->keysym.sym) {
        case SDLK_EQUALS:
        case SDLK_PLUS:
        case SDLK_KP_PLUS: zoom(g, g->zoom + 1); return;
        case SDLK_MINUS:
        case SDLK_KP_MINUS: zoom(g, g->zoom - 1); return;
        case SDLK_0: zoom(g, 1); return;
        default: break;
        }
    }
    if (!g->o.keyboard)
        return;
    switch (k->keysym.sym) {
    case SDLK_RETURN:
    case SDLK_KP_ENTER: gui_console_enter(g->con); break;
    case SDLK_BACKSPACE: gui_console_backspace(g->con); break;
    case SDLK_d:
        if (ctrl)
            gui_console_end_input(g->con);
        break;
    case SDLK_u:
        if (ctrl)
            gui_console_kill_line(g->con);
        break;
    case SDLK_v:
        if (ctrl && SDL_HasClipboardText()) {
            char *text = SDL_GetClipboardText();
            if (text)
                gui_console_type(g->con, text);
            SDL_free(text);
        }
        break;
    default: break;
    }
}

static void event(struct gui *g, const SDL_Event *e)
{
    unsigned col, row;
    int mx, my;
    switch (e->type) {
    case SDL_QUIT:
        g->quit = true;
        g->why = "the window was closed";
        break;
    case SDL_WINDOWEVENT:
        if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
            layout(g);
        g->dirty = true;
        break;
    case SDL_KEYDOWN: key(g, &e->key); break;
    case SDL_TEXTINPUT:
        if (SDL_GetModState() & KMOD_CTRL)
            break; /* (a shortcut, not text) */
        if (g->asking) {
            time_field_type(g, e->text.text);
            g->dirty = true;
            break;
        }
        if (g->o.keyboard)
            gui_console_type(g->con, e->text.text);
        else
            say(g, "console input comes from %s (--input)", g->o.input_name);
        g->dirty = true;
        break;
    case SDL_MOUSEWHEEL:
        SDL_GetMouseState(&mx, &my);
        if (!gui_draw_cell_at(g->draw, mx, my, &col, &row))
            break;
        if (col < g->inspector.col)
            gui_console_scroll(g->con, 3 * e->wheel.y);
        else if (!g->running && in_rect(g->in.code.lines, col, row))
            codeview_move(&g->in.code, -e->wheel.y);
        g->dirty = true;
        break;
    case SDL_MOUSEBUTTONDOWN:
        if (e->button.button == SDL_BUTTON_LEFT &&
            gui_draw_cell_at(g->draw, e->button.x, e->button.y, &col, &row) &&
            in_rect(g->strip_at, col, row)) {
            strip_click(g, col, row);
            break;
        }
        if (e->button.button == SDL_BUTTON_LEFT && !g->running &&
            gui_draw_cell_at(g->draw, e->button.x, e->button.y, &col, &row))
            codeview_click(&g->in.code, col, row);
        g->dirty = true;
        break;
    default: break;
    }
}

/* ---- The loop ---- */

static uint32_t read_memory(void *arg, uint32_t ctx, uint32_t vaddr, void *buf, uint32_t len)
{
    return dbg_read_virtual(arg, ctx, vaddr, buf, len);
}

static void load_symbols(struct gui *g)
{
    char err[512];
    const struct gui_options *o = &g->o;
    if (!g->sym)
        return;
    int n = o->kernel_path ? symbols_load_file(g->sym, o->kernel_path, err, sizeof err)
                           : symbols_load_image(g->sym, o->image_name, o->image, o->image_size, err,
                                                sizeof err);
    if (n < 0)
        say(g, "no symbols: %s", err);
}

static void loop(struct gui *g)
{
    double next_frame = now_ms();
    g->speed_start = next_frame;
    while (!g->quit) {
        SDL_Event e;
        while (!g->quit && SDL_PollEvent(&e))
            event(g, &e);
        if (machine_interrupted(g->m)) { /* Ctrl-C while nothing ran */
            g->quit = true;
            g->why = "interrupted";
        }
        if (g->quit || (g->ended && g->o.exit_at_end))
            break;
        bool runs = g->running && !waiting_for_person(g);
        double t = now_ms();
        if (runs) {
            run_slices(g, next_frame);
        } else {
            double wait = g->dirty ? next_frame - t : IDLE_WAIT_MS;
            if (SDL_WaitEventTimeout(&e, wait < 1 ? 1 : (int)wait))
                event(g, &e);
        }
        t = now_ms();
        if (g->message[0] && t >= g->message_end) {
            g->message[0] = 0;
            g->dirty = true;
        }
        if (t - g->speed_start >= 1000.0) {
            g->mips = (double)g->speed_insns / ((t - g->speed_start) * 1000.0);
            g->speed_insns = 0;
            g->speed_start = t;
        }
        if (t >= next_frame) {
            if (g->dirty)
                render(g, NULL);
            /* drawing takes at most a fifth of the time (a slow display
             * gets fewer frames, the guest as much time as ever) */
            double after = now_ms(), spent = after - t;
            double gap = FRAME_MS - spent > 4 * spent ? FRAME_MS - spent : 4 * spent;
            next_frame = after + gap;
        }
    }
}

void gui_set_travel(struct gui *g, struct travel *t)
{
    g->travel = t;
}

enum machine_state gui_run(struct gui *g, struct machine *m, const char **why)
{
    g->m = m;
    g->rate = 20000.0; /* (20 MIPS to start with; measured from then on) */
    dbg_init(&g->d, m);
    dbg_set_travel(&g->d, g->travel);
    g->sym = symbols_create(read_memory, &g->d);
    load_symbols(g);
    inspector_init(&g->in, &g->d, g->sym);
    layout(g);
    SDL_StartTextInput();
    g->running = !g->o.start_paused;
    g->resume = true;
    if (g->running) {
        inspector_running(&g->in);
    } else {
        snprintf(g->status, sizeof g->status, "at the first instruction (F5 runs)");
        inspector_stopped(&g->in);
    }
    shot_at_check(g);
    loop(g);
    if (g->o.screenshot)
        render(g, g->o.screenshot);
    if (g->o.shot_at_path && !g->shot_at_done)
        fprintf(stderr,
                "space: --screenshot-at %llu: the run ended at virtual time %llu; no screenshot\n",
                (unsigned long long)g->o.shot_at, (unsigned long long)machine_now(g->m));
    SDL_StopTextInput();
    dbg_free(&g->d);
    symbols_destroy(g->sym);
    g->sym = NULL;
    *why = NULL;
    if (machine_state(g->m) == MACHINE_RUNNING) {
        machine_end(g->m, MACHINE_INTERRUPTED);
        *why = g->why ? g->why : "the window was closed";
    }
    return machine_state(g->m);
}
