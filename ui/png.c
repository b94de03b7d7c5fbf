/* ui/png.c: PNG output through libpng (see png.h). */
#include "ui/png.h"

#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hostfile.h"

/* Where libpng's error lands: its message and the errno of the moment
 * (a write that failed). */
struct png_fail {
    char msg[128];
    int err;
};

/* libpng's error handler: keeps the message (libpng's own would print
 * it) and jumps back to encode(). Does not return. */
static void on_error(png_structp png, png_const_charp msg)
{
    struct png_fail *fail = png_get_error_ptr(png);
    fail->err = errno;
    snprintf(fail->msg, sizeof fail->msg, "%s", msg);
    png_longjmp(png, 1);
}

/* libpng's warnings: none matter for a picture we make (returns
 * nothing). */
static void on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

/* Encodes the rows into the open stream f; libpng's errors come back
 * through its longjmp, their message in *fail (kept by the caller: a
 * local here would be indeterminate after the jump). Returns 0, or -1
 * with err[n] (naming `path`). */
static int encode(FILE *f, const char *path, const uint32_t *px, int w, int h, size_t pitch,
                  struct png_fail *fail, char *err, size_t n)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, fail, on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    uint8_t *row = malloc((size_t)w * 3);
    if (!png || !info || !row) {
        snprintf(err, n, "%s: out of memory", path);
        png_destroy_write_struct(&png, &info);
        free(row);
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        if (fail->err)
            snprintf(err, n, "cannot write %s: %s", path, strerror(fail->err));
        else
            snprintf(err, n, "cannot write %s: libpng: %s", path, fail->msg);
        png_destroy_write_struct(&png, &info);
        free(row);
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
    return 0;
}

int ui_png_write(const char *path, const uint32_t *px, int w, int h, size_t pitch, char *err,
                 size_t n)
{
    /* a temporary file renamed over `path` when complete: a failed write
     * leaves no partial picture, and an earlier file stays as it was */
    struct hf_out o;
    FILE *f = hf_out_open(&o, path, err, n);
    if (!f)
        return -1;
    struct png_fail fail = {"", 0};
    if (encode(f, path, px, w, h, pitch, &fail, err, n) != 0) {
        hf_out_abort(&o);
        return -1;
    }
    return hf_out_commit(&o, err, n);
}
