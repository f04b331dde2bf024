#include "gui_draw.h"

#include <stdlib.h>
#include <string.h>

#include "ui/screen/font.h"
#include "ui/screen/png.h"

/* The palette (0xRRGGBB), by enum tg_color. */
static const uint32_t palette[TG_COLORS] = {
    [TG_BG] = 0x101418,
    [TG_TEXT] = 0xd8dee4,
    [TG_DIM] = 0x8a96a3,
    [TG_HEAD] = 0x7cc4ff,
    [TG_BAR] = 0x2b3a4a,
    [TG_BAR_TEXT] = 0xf0f4f8,
    [TG_CHANGED] = 0xffcc55,
    [TG_PC] = 0x6ee07a,
    [TG_BREAK] = 0xff5c5c,
    [TG_SELECT] = 0x34465a,
    [TG_TYPED] = 0x9fd8ff,
    [TG_PANEL] = 0x171c22,
    [TG_ALERT] = 0xff7b72,
    /* the timeline strip: CONTEXT 0 (the kernel) grey-blue, the others
     * distinct hues that stay readable under dark text */
    [TG_IDLE] = 0x262d35,
    [TG_CTX0 + 0] = 0x5b7a99,
    [TG_CTX0 + 1] = 0xe6a23c,
    [TG_CTX0 + 2] = 0x67c23a,
    [TG_CTX0 + 3] = 0xd16ba5,
    [TG_CTX0 + 4] = 0x4fb8c9,
    [TG_CTX0 + 5] = 0xc9c24f,
    [TG_CTX0 + 6] = 0x9b7fe0,
    [TG_CTX0 + 7] = 0xe0705b,
};

struct gui_draw {
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Texture *tex;
    uint32_t *pixels;   /* pw x ph, 0xAARRGGBB */
    int pw, ph, ww, wh; /* output size in pixels; window size in its coordinates */
    unsigned scale;     /* glyph pixels per font pixel */
    unsigned cols, rows;
    struct tg_cell *shown; /* what the picture holds (NULL: redraw all) */
};

struct gui_draw *gui_draw_create(SDL_Window *win, char *err, unsigned errlen)
{
    struct gui_draw *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    d->win = win;
    d->ren = SDL_CreateRenderer(win, -1, SDL_RENDERER_ACCELERATED);
    if (!d->ren)
        d->ren = SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE);
    if (!d->ren) {
        snprintf(err, errlen, "cannot draw in the window: %s", SDL_GetError());
        free(d);
        return NULL;
    }
    return d;
}

void gui_draw_destroy(struct gui_draw *d)
{
    if (!d)
        return;
    if (d->tex)
        SDL_DestroyTexture(d->tex);
    SDL_DestroyRenderer(d->ren);
    free(d->pixels);
    free(d->shown);
    free(d);
}

int gui_draw_layout(struct gui_draw *d, unsigned zoom, unsigned *cols, unsigned *rows)
{
    int pw, ph, ww, wh;
    if (SDL_GetRendererOutputSize(d->ren, &pw, &ph) != 0 || pw < 1 || ph < 1)
        SDL_GetWindowSize(d->win, &pw, &ph);
    SDL_GetWindowSize(d->win, &ww, &wh);
    if (ww < 1 || wh < 1)
        ww = pw, wh = ph;
    /* pixels per window unit, rounded: 1 on most displays, 2 on "Retina" */
    unsigned density = (unsigned)((pw + ww / 2) / ww);
    d->scale = (density ? density : 1) * (zoom ? zoom : 1);
    if (pw != d->pw || ph != d->ph || !d->tex) {
        if (d->tex)
            SDL_DestroyTexture(d->tex);
        free(d->pixels);
        d->pixels = malloc((size_t)pw * ph * sizeof *d->pixels);
        d->tex = SDL_CreateTexture(d->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING,
                                   pw, ph);
        if (!d->pixels || !d->tex) {
            free(d->pixels);
            d->pixels = NULL;
            d->pw = d->ph = 0;
            return -1;
        }
        d->pw = pw;
        d->ph = ph;
    }
    d->ww = ww;
    d->wh = wh;
    d->cols = (unsigned)pw / (FONT_W * d->scale);
    d->rows = (unsigned)ph / (FONT_H * d->scale);
    free(d->shown);
    d->shown = NULL; /* everything is drawn anew */
    *cols = d->cols;
    *rows = d->rows;
    return 0;
}

bool gui_draw_cell_at(const struct gui_draw *d, int x, int y, unsigned *col, unsigned *row)
{
    if (!d->ww || !d->wh || x < 0 || y < 0)
        return false;
    long px = (long)x * d->pw / d->ww, py = (long)y * d->ph / d->wh;
    *col = (unsigned)(px / (FONT_W * d->scale));
    *row = (unsigned)(py / (FONT_H * d->scale));
    return *col < d->cols && *row < d->rows;
}

static void draw_cell(struct gui_draw *d, unsigned col, unsigned row, const struct tg_cell *c)
{
    const uint8_t *glyph = font_glyph(c->ch);
    uint32_t fg = 0xff000000u | palette[c->fg % TG_COLORS];
    uint32_t bg = 0xff000000u | palette[c->bg % TG_COLORS];
    unsigned s = d->scale;
    uint32_t *origin = d->pixels + (size_t)row * FONT_H * s * d->pw + (size_t)col * FONT_W * s;
    for (unsigned gy = 0; gy < FONT_H; gy++) {
        uint32_t *line = origin + (size_t)gy * s * d->pw;
        for (unsigned gx = 0; gx < FONT_W; gx++) {
            uint32_t v = glyph[gy] & (0x80u >> gx) ? fg : bg;
            for (unsigned k = 0; k < s; k++)
                line[gx * s + k] = v;
        }
        for (unsigned k = 1; k < s; k++)
            memcpy(line + (size_t)k * d->pw, line, FONT_W * s * sizeof *line);
    }
}

void gui_draw_frame(struct gui_draw *d, const struct textgrid *g)
{
    if (!d->pixels || g->cols != d->cols || g->rows != d->rows)
        return;
    size_t n = (size_t)g->cols * g->rows;
    bool all = !d->shown;
    if (all) {
        d->shown = malloc(n * sizeof *d->shown);
        uint32_t bg = 0xff000000u | palette[TG_BG];
        for (size_t i = 0; i < (size_t)d->pw * d->ph; i++)
            d->pixels[i] = bg; /* (the margin right and below the cells too) */
    }
    int first = -1, last = -1; /* the rows that changed */
    for (unsigned y = 0; y < g->rows; y++)
        for (unsigned x = 0; x < g->cols; x++) {
            size_t i = (size_t)y * g->cols + x;
            const struct tg_cell *c = &g->cell[i];
            if (!all && d->shown && !memcmp(&d->shown[i], c, sizeof *c))
                continue;
            draw_cell(d, x, y, c);
            if (d->shown)
                d->shown[i] = *c;
            if (first < 0)
                first = (int)y;
            last = (int)y;
        }
    if (all) {
        first = 0;
        last = (int)(d->ph / (FONT_H * d->scale)) - 1;
        SDL_UpdateTexture(d->tex, NULL, d->pixels, d->pw * (int)sizeof *d->pixels);
    } else if (first >= 0) {
        int top = first * FONT_H * (int)d->scale;
        SDL_Rect r = {0, top, d->pw, (last + 1) * FONT_H * (int)d->scale - top};
        SDL_UpdateTexture(d->tex, &r, d->pixels + (size_t)top * d->pw,
                          d->pw * (int)sizeof *d->pixels);
    }
    SDL_RenderCopy(d->ren, d->tex, NULL, NULL);
}

int gui_draw_screenshot(struct gui_draw *d, const char *path, char *err, unsigned errlen)
{
    if (!d->pw || !d->ph) {
        snprintf(err, errlen, "%s: the window has no picture yet", path);
        return -1;
    }
    uint8_t *rgb = malloc((size_t)d->pw * d->ph * 3);
    if (!rgb) {
        snprintf(err, errlen, "%s: out of host memory", path);
        return -1;
    }
    int rc = -1;
    if (SDL_RenderReadPixels(d->ren, NULL, SDL_PIXELFORMAT_RGB24, rgb, d->pw * 3) != 0)
        snprintf(err, errlen, "%s: cannot read the window's pixels: %s", path, SDL_GetError());
    else
        rc = png_write(path, rgb, (uint32_t)d->pw, (uint32_t)d->ph, (uint32_t)d->pw * 3, err,
                       errlen);
    free(rgb);
    return rc;
}

void gui_draw_present(struct gui_draw *d)
{
    SDL_RenderPresent(d->ren);
}
