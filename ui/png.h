/* ui/png.h: writing rendered frames as PNG files (libpng). */
#ifndef IPCEMU_UI_PNG_H
#define IPCEMU_UI_PNG_H

#include <stddef.h>
#include <stdint.h>

/* Writes w x h pixels of 0xAARRGGBB words (rows `pitch` bytes apart) as
 * an RGB PNG. Returns 0, or -1 with a message in err[n]. */
int ui_png_write(const char *path, const uint32_t *px, int w, int h, size_t pitch, char *err,
                 size_t n);

#endif
