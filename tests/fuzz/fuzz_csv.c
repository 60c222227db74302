/* fuzz_csv.c -- libFuzzer target for the CSV loader (mg_csv_read).
 *
 * The first byte chooses the label column (the last one, "label", "y", or a
 * name that is absent) and the size of the error buffer (full, 1 byte, or
 * none); the rest is the file.  A load must either succeed with a data set
 * whose every number is finite, or fail with a message that fits its buffer.
 *
 *     make fuzz FUZZ_SECONDS=60
 */
#define _POSIX_C_SOURCE 200809L   /* fmemopen */

#include <micrograd.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The Criterion suite replays the corpus through this same function under
 * another name (tests/test_fuzz_corpus.c). */
#ifndef MG_FUZZ_ENTRY
#define MG_FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int MG_FUZZ_ENTRY(const uint8_t *data, size_t size);

int MG_FUZZ_ENTRY(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    static const char *const labels[] = {NULL, "label", "y", "no such column"};
    const char *label = labels[data[0] & 3];
    size_t errlen = (data[0] >> 2) & 1 ? 1 : 256;
    int no_err = (data[0] >> 3) & 1;
    data++, size--;

    /* fmemopen refuses an empty buffer: an empty file is a temporary one */
    FILE *in = size ? fmemopen((void *)data, size, "r") : tmpfile();
    if (!in) return 0;
    char err[256];
    memset(err, 'x', sizeof err);
    mg_dataset *d = mg_csv_read(in, "fuzz.csv", label, no_err ? NULL : err, errlen);
    fclose(in);
    if (!d) {
        if (!no_err && !memchr(err, 0, errlen)) abort();   /* message not terminated */
        if (!no_err && errlen == 256 && !err[0]) abort();  /* an error must say something */
        return 0;
    }
    for (size_t i = 0; i < d->n_rows; i++) {
        const double *row = mg_dataset_row(d, i);
        for (size_t j = 0; j < d->n_features; j++)
            if (!isfinite(row[j])) abort();
        if (!isfinite(d->y[i])) abort();
    }
    mg_dataset_free(d);
    return 0;
}
