/* ui/png.c: PNG output through libpng (see png.h). */
#include "ui/png.h"

#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ui_png_write(const char *path, const uint32_t *px, int w, int h, size_t pitch, char *err,
                 size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, n, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    uint8_t *row = malloc((size_t)w * 3);
    if (!png || !info || !row) {
        snprintf(err, n, "%s: out of memory", path);
        png_destroy_write_struct(&png, &info);
        free(row);
        fclose(f);
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        snprintf(err, n, "cannot write %s: libpng failed", path);
        png_destroy_write_struct(&png, &info);
        free(row);
        fclose(f);
        return -1;
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < h; y++) {
        const uint32_t *s = (const uint32_t *)((const uint8_t *)px + (size_t)y * pitch);
        for (int x = 0; x < w; x++) {
            row[3 * x] = (uint8_t)(s[x] >> 16);
            row[3 * x + 1] = (uint8_t)(s[x] >> 8);
            row[3 * x + 2] = (uint8_t)s[x];
        }
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(row);
    if (fclose(f) != 0) {
        snprintf(err, n, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}
