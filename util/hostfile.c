/* util/hostfile.c: safe host inputs and atomic outputs (see hostfile.h). */
#include "util/hostfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The kind of a non-regular file, for error messages. */
static const char *kind_of(mode_t m)
{
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISCHR(m) || S_ISBLK(m))
        return "a device";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a regular file";
}

FILE *hf_open_input(const char *path, char *why, size_t wn)
{
    /* O_NONBLOCK: opening a FIFO with no writer must not wait for one */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, wn, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(why, wn, "cannot open %s: %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, wn, "%s: is %s; ipcemu reads regular files only", path, kind_of(st.st_mode));
        close(fd);
        return NULL;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        snprintf(why, wn, "cannot open %s: %s", path, strerror(errno));
        close(fd);
    }
    return f;
}

uint8_t *hf_read_input(const char *path, size_t max, size_t *len, char *why, size_t wn)
{
    FILE *f = hf_open_input(path, why, wn);
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap + 1);
    while (buf) {
        if (n == cap) {
            if (cap > max) {
                snprintf(why, wn, "%s: larger than %zu bytes", path, max);
                free(buf);
                fclose(f);
                return NULL;
            }
            uint8_t *nb = realloc(buf, cap * 2 + 1);
            if (!nb)
                break;
            buf = nb;
            cap *= 2;
        }
        size_t k = fread(buf + n, 1, cap - n, f);
        n += k;
        if (k == 0)
            break;
    }
    if (!buf || ferror(f)) {
        snprintf(why, wn, "cannot read %s%s", path, buf ? "" : ": out of memory");
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    if (n > max) {
        snprintf(why, wn, "%s: larger than %zu bytes", path, max);
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

bool hf_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (!a || !b || stat(a, &sa) != 0 || stat(b, &sb) != 0)
        return false;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

FILE *hf_out_open(struct hf_out *o, const char *path, char *why, size_t wn)
{
    *o = (struct hf_out){0};
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            snprintf(why, wn, "cannot write %s: it is a directory", path);
            return NULL;
        }
        o->f = fopen(path, "wb");
        if (!o->f) {
            snprintf(why, wn, "cannot write %s: %s", path, strerror(errno));
            return NULL;
        }
        o->path = strdup(path);
        return o->f;
    }
    size_t n = strlen(path);
    o->tmp = malloc(n + 16);
    o->path = strdup(path);
    if (!o->tmp || !o->path) {
        snprintf(why, wn, "cannot write %s: out of memory", path);
        hf_out_abort(o);
        return NULL;
    }
    snprintf(o->tmp, n + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        snprintf(why, wn, "cannot write %s: %s", path, strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        hf_out_abort(o);
        return NULL;
    }
    /* mkstemp makes the file 0600; an output gets the usual mode */
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
    o->f = fdopen(fd, "wb");
    if (!o->f) {
        snprintf(why, wn, "cannot write %s: %s", path, strerror(errno));
        close(fd);
        hf_out_abort(o);
        return NULL;
    }
    return o->f;
}

void hf_out_abort(struct hf_out *o)
{
    if (o->f)
        fclose(o->f);
    if (o->tmp)
        unlink(o->tmp);
    free(o->tmp);
    free(o->path);
    *o = (struct hf_out){0};
}

int hf_out_commit(struct hf_out *o, char *why, size_t wn)
{
    int bad = ferror(o->f) || fflush(o->f) != 0;
    int err = errno;
    if (fclose(o->f) != 0 && !bad) {
        bad = 1;
        err = errno;
    }
    o->f = NULL;
    if (!bad && o->tmp && rename(o->tmp, o->path) != 0) {
        bad = 1;
        err = errno;
    }
    if (bad) {
        snprintf(why, wn, "cannot write %s: %s", o->path, strerror(err ? err : EIO));
        hf_out_abort(o);
        return -1;
    }
    free(o->tmp);
    free(o->path);
    *o = (struct hf_out){0};
    return 0;
}

int hf_write_file(const char *path, const void *data, size_t n, char *why, size_t wn)
{
    struct hf_out o;
    FILE *f = hf_out_open(&o, path, why, wn);
    if (!f)
        return -1;
    if (n && fwrite(data, 1, n, f) != n) {
        snprintf(why, wn, "cannot write %s: %s", path, strerror(errno ? errno : EIO));
        hf_out_abort(&o);
        return -1;
    }
    return hf_out_commit(&o, why, wn);
}

char *hf_printable(const char *s, size_t len, char *out, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t k = 0;
    if (!n)
        return out;
    for (size_t i = 0; i < len && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f) {
            if (k + 1 >= n)
                break;
            out[k++] = (char)c;
        } else {
            if (k + 4 >= n)
                break;
            out[k++] = '\\';
            out[k++] = 'x';
            out[k++] = hex[c >> 4];
            out[k++] = hex[c & 15];
        }
    }
    out[k] = 0;
    return out;
}

int hf_write_text(const char *path, char *s, const char *what, char *why, size_t wn)
{
    if (!s) {
        snprintf(why, wn, "out of memory building %s", what);
        return -1;
    }
    size_t len = strlen(s);
    s[len] = '\n'; /* in place of the NUL: the file ends with a newline */
    int rc = hf_write_file(path, s, len + 1, why, wn);
    free(s);
    return rc;
}
