/* util/hostfile.h: the host's file input and output, made safe for every
 * command. Inputs must be regular files (a FIFO, a directory or a device is
 * refused at once, never blocked on) of bounded size; outputs are written to
 * a temporary file beside the target and renamed over it only when the
 * whole output was written, so a failed write (a full disk) leaves neither a
 * half-written file nor a damaged earlier one. Plain C, no Unicorn. */
#ifndef UTIL_HOSTFILE_H
#define UTIL_HOSTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Opens `path` for reading when it is a regular file. Returns the stream,
 * or NULL with the reason (naming the path) in why[wn]. */
FILE *hf_open_input(const char *path, char *why, size_t wn);

/* Reads the whole regular file at `path`, at most `max` bytes, into a new
 * buffer that has one extra NUL byte after its end. Returns the buffer with
 * *len set, or NULL with the reason (naming the path) in why[wn]. */
uint8_t *hf_read_input(const char *path, size_t max, size_t *len, char *why, size_t wn);

/* Returns true when `a` and `b` both exist and are the same file (same
 * device and inode), whatever their spelling. */
bool hf_same_file(const char *a, const char *b);

/* An output being written: `f` is the stream to write to. Owned by the
 * caller between hf_out_open and hf_out_commit / hf_out_abort. */
struct hf_out {
    FILE *f;
    char *tmp;  /* the temporary file's name, NULL when writing in place */
    char *path; /* the target's name */
};

/* Starts writing `path`: a new temporary file in the same directory, or the
 * target itself when it exists and is not a regular file (/dev/null, a
 * terminal, a FIFO the user asked for). Returns the stream, or NULL with
 * the reason in why[wn]. */
FILE *hf_out_open(struct hf_out *o, const char *path, char *why, size_t wn);

/* Finishes an output: flushes and closes it, then renames the temporary
 * file over the target. Returns 0, or -1 with the reason in why[wn] after
 * removing the temporary file (the target is then untouched). */
int hf_out_commit(struct hf_out *o, char *why, size_t wn);

/* Gives up an output: closes and removes the temporary file. */
void hf_out_abort(struct hf_out *o);

/* Writes `n` bytes to `path` through hf_out_open / hf_out_commit. Returns 0
 * or -1 with the reason in why[wn]. */
int hf_write_file(const char *path, const void *data, size_t n, char *why, size_t wn);

/* Writes the text `s` (NUL-terminated, from malloc; this frees it) and a
 * newline to `path` as hf_write_file does. A NULL `s` is a failure to build
 * it: "out of memory building <what>". Returns 0 or -1 with why[wn]. */
int hf_write_text(const char *path, char *s, const char *what, char *why, size_t wn);

/* FNV-1a, 64-bit: returns the hash of p[0..n) continued from `h` (start
 * with HF_FNV_INIT). Inline: the trace hashes every event with it. */
#define HF_FNV_INIT 0xcbf29ce484222325ull
static inline uint64_t hf_fnv1a(const void *p, size_t n, uint64_t h)
{
    const uint8_t *b = (const uint8_t *)p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

/* Copies `s` into out[n] with every byte outside printable ASCII written as
 * \xHH, so that text taken from an input (a trace, a guest's console) cannot
 * drive the terminal. Returns out. */
char *hf_printable(const char *s, size_t len, char *out, size_t n);

#endif
