/* fuzz_idx.c -- libFuzzer target for the IDX loader (mg_idx_load).
 *
 * Input: byte 0 is the `keep` mask of digits (0 keeps all, else bit d for
 * digit d of 0..7), byte 1 chooses the error buffer (full, 1 byte, none),
 * bytes 2-3 (big-endian) where the images file ends; the images file, then
 * the labels file.  Both are written to temporary files, since the loader
 * takes paths.  A load must either fail with a message that fits its
 * buffer, or give one row of rows x cols pixels in 0..255 per kept label.
 *
 *     make fuzz FUZZ_SECONDS=60
 */
#define _POSIX_C_SOURCE 200809L   /* mkstemp */

#include <micrograd.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef MG_FUZZ_ENTRY
#define MG_FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int MG_FUZZ_ENTRY(const uint8_t *data, size_t size);

/* Two scratch files, made once per process (and removed at exit). */
static char idx_images[64], idx_labels[64];

static void remove_scratch(void) {
    unlink(idx_images);
    unlink(idx_labels);
}

static int make_scratch(void) {
    if (idx_images[0]) return 0;
    const char *tmp = getenv("TMPDIR");
    if (!tmp || strlen(tmp) > 40) tmp = "/tmp";
    snprintf(idx_images, sizeof idx_images, "%s/mg_fuzz_imgXXXXXX", tmp);
    snprintf(idx_labels, sizeof idx_labels, "%s/mg_fuzz_labXXXXXX", tmp);
    int a = mkstemp(idx_images), b = mkstemp(idx_labels);
    if (a < 0 || b < 0) return -1;
    close(a);
    close(b);
    atexit(remove_scratch);
    return 0;
}

static int write_file(const char *path, const uint8_t *p, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t w = n ? fwrite(p, 1, n, f) : 0;
    return fclose(f) == 0 && w == n ? 0 : -1;
}

int MG_FUZZ_ENTRY(const uint8_t *data, size_t size) {
    if (size < 4 || make_scratch()) return 0;
    unsigned keep = data[0] & 0x80 ? data[0] & 0x7Fu : 0;
    size_t errlen = data[1] & 1 ? 1 : 256;
    int no_err = (data[1] >> 1) & 1;
    size_t split = (size_t)data[2] << 8 | data[3];
    data += 4, size -= 4;
    if (split > size) split = size;
    if (write_file(idx_images, data, split) || write_file(idx_labels, data + split, size - split))
        abort();
    char err[256];
    memset(err, 'x', sizeof err);
    mg_dataset *d = mg_idx_load(idx_images, idx_labels, keep, no_err ? NULL : err, errlen);
    if (!d) {
        if (!no_err && !memchr(err, 0, errlen)) abort();
        if (!no_err && errlen == 256 && !err[0]) abort();
        return 0;
    }
    /* the header's rows x cols is what each row holds */
    if (split < 16 || d->n_features != ((size_t)data[8] << 24 | (size_t)data[9] << 16 |
                                        (size_t)data[10] << 8 | data[11]) *
                                           ((size_t)data[12] << 24 | (size_t)data[13] << 16 |
                                            (size_t)data[14] << 8 | data[15]))
        abort();
    for (size_t i = 0; i < d->n_rows; i++) {
        if (d->y[i] < 0 || d->y[i] > 255 || d->y[i] != (double)(int)d->y[i]) abort();
        if (keep && !(d->y[i] < 7 && (keep >> (int)d->y[i] & 1))) abort();
        for (size_t k = 0; k < d->n_features; k++) {
            double p = d->x[i * d->n_features + k];
            if (p < 0 || p > 255) abort();
        }
    }
    mg_dataset_free(d);
    return 0;
}
