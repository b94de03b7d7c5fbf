/* ui/font.h: text for the timeline. SDL2_ttf renders each printable ASCII
 * glyph of a monospaced TrueType font once into a texture of the
 * renderer; strings are drawn by copying glyph rectangles (no per-frame
 * rasterising). */
#ifndef IPCEMU_UI_FONT_H
#define IPCEMU_UI_FONT_H

#include <SDL.h>
#include <stdbool.h>

struct ui_font {
    SDL_Texture *atlas; /* glyphs ' '..'~' in one row */
    int w, h;           /* advance and line height, in pixels */
    int ascent;
    int px; /* the size it was opened at */
};

/* The font file the viewer uses: $IPCEMU_FONT, else DejaVu Sans Mono
 * from Debian's fonts-dejavu-core. */
const char *ui_font_path(void);
/* Opens the font at `px` pixels for renderer `r`. Returns 0, or -1 with a
 * message in err[n]. */
int ui_font_open(struct ui_font *f, SDL_Renderer *r, int px, char *err, size_t n);
void ui_font_close(struct ui_font *f);
/* Draws `s` (bytes outside ' '..'~' show as '?') with its top-left corner
 * at (x, y) in colour c; returns the width drawn. */
int ui_text(SDL_Renderer *r, const struct ui_font *f, int x, int y, SDL_Color c, const char *s);
/* The width `s` takes. */
int ui_text_width(const struct ui_font *f, const char *s);

#endif
