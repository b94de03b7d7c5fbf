/* ui/font.c: a glyph atlas over SDL2_ttf (see font.h). */
#include "ui/font.h"

#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIRST ' '
#define LAST '~'
#define NGLYPHS (LAST - FIRST + 1)

const char *ui_font_path(void)
{
    const char *env = getenv("IPCEMU_FONT");
    return env && *env ? env : "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";
}

int ui_font_open(struct ui_font *f, SDL_Renderer *r, int px, char *err, size_t n)
{
    memset(f, 0, sizeof *f);
    if (!TTF_WasInit() && TTF_Init() != 0) {
        snprintf(err, n, "SDL2_ttf: %s", TTF_GetError());
        return -1;
    }
    const char *path = ui_font_path();
    TTF_Font *font = TTF_OpenFont(path, px);
    if (!font) {
        snprintf(err, n, "%s: %s (install fonts-dejavu-core, or set IPCEMU_FONT)", path,
                 TTF_GetError());
        return -1;
    }
    TTF_SetFontHinting(font, TTF_HINTING_LIGHT);
    int adv = 0;
    if (TTF_GlyphMetrics(font, 'M', NULL, NULL, NULL, NULL, &adv) != 0 || adv <= 0) {
        snprintf(err, n, "%s: not a usable font", path);
        TTF_CloseFont(font);
        return -1;
    }
    f->w = adv;
    f->h = TTF_FontLineSkip(font);
    f->ascent = TTF_FontAscent(font);
    f->px = px;
    SDL_Surface *atlas =
        SDL_CreateRGBSurfaceWithFormat(0, f->w * NGLYPHS, f->h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!atlas) {
        snprintf(err, n, "SDL: %s", SDL_GetError());
        TTF_CloseFont(font);
        return -1;
    }
    SDL_FillRect(atlas, NULL, SDL_MapRGBA(atlas->format, 255, 255, 255, 0));
    SDL_SetSurfaceBlendMode(atlas, SDL_BLENDMODE_NONE);
    for (int c = FIRST; c <= LAST; c++) {
        SDL_Surface *g = TTF_RenderGlyph_Blended(font, (Uint16)c, (SDL_Color){255, 255, 255, 255});
        if (!g)
            continue;
        SDL_SetSurfaceBlendMode(g, SDL_BLENDMODE_NONE);
        SDL_Rect dst = {(c - FIRST) * f->w, 0, g->w < f->w ? g->w : f->w,
                        g->h < f->h ? g->h : f->h};
        SDL_Rect src = {0, 0, dst.w, dst.h};
        SDL_BlitSurface(g, &src, atlas, &dst);
        SDL_FreeSurface(g);
    }
    TTF_CloseFont(font);
    f->atlas = SDL_CreateTextureFromSurface(r, atlas);
    SDL_FreeSurface(atlas);
    if (!f->atlas) {
        snprintf(err, n, "SDL: %s", SDL_GetError());
        return -1;
    }
    SDL_SetTextureBlendMode(f->atlas, SDL_BLENDMODE_BLEND);
    return 0;
}

void ui_font_close(struct ui_font *f)
{
    if (f->atlas)
        SDL_DestroyTexture(f->atlas);
    f->atlas = NULL;
}

int ui_text(SDL_Renderer *r, const struct ui_font *f, int x, int y, SDL_Color c, const char *s)
{
    SDL_SetTextureColorMod(f->atlas, c.r, c.g, c.b);
    SDL_SetTextureAlphaMod(f->atlas, c.a);
    int x0 = x;
    for (; *s; s++, x += f->w) {
        int ch = (unsigned char)*s;
        if (ch == ' ')
            continue;
        if (ch < FIRST || ch > LAST)
            ch = '?';
        SDL_Rect src = {(ch - FIRST) * f->w, 0, f->w, f->h}, dst = {x, y, f->w, f->h};
        SDL_RenderCopy(r, f->atlas, &src, &dst);
    }
    return x - x0;
}

int ui_text_width(const struct ui_font *f, const char *s)
{
    return (int)strlen(s) * f->w;
}
