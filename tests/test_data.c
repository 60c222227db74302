/* test_data.c -- data sets: moons against sklearn's formula, XOR labels,
 * shuffle/slice/batch/accuracy, every CSV error naming its line and column,
 * and the IDX reader on small files written here (good, truncated, wrong
 * magic). */
#define _POSIX_C_SOURCE 200809L   /* mkstemp, for IDX files with a path */
#include <micrograd.h>

#include <stdint.h>
#include <unistd.h>

#include "test_util.h"

/* ---------------------------------------------------------------- moons */

Test(data, moons_without_noise_follow_the_formula) {
    /* n = 7: 3 outer points at t = 0, pi/2, pi and 4 inner ones at
     * t = 0, pi/3, 2pi/3, pi; sin(pi/3) = sqrt(3)/2 */
    const double h = sqrt(3.0) / 2.0;
    const double want[7][3] = {
        {1.0, 0.0, 0}, {0.0, 1.0, 0}, {-1.0, 0.0, 0},                    /* (cos t, sin t) */
        {0.0, 0.5, 1}, {0.5, 0.5 - h, 1}, {1.5, 0.5 - h, 1}, {2.0, 0.5, 1} /* (1-cos t, 1-sin t-0.5) */
    };
    mg_dataset *d = mg_make_moons(7, 0.0, NULL);
    cr_assert(d);
    cr_assert_eq(d->n_rows, 7);
    cr_assert_eq(d->n_features, 2);
    for (size_t i = 0; i < 7; i++) {
        cr_expect(fabs(d->x[2 * i] - want[i][0]) < 1e-15, "row %zu x0 %.17g", i, d->x[2 * i]);
        cr_expect(fabs(d->x[2 * i + 1] - want[i][1]) < 1e-15, "row %zu x1 %.17g", i, d->x[2 * i + 1]);
        cr_expect_eq(d->y[i], want[i][2]);
    }
    mg_dataset_free(d);
}

Test(data, moons_noise_has_the_asked_spread) {
    mg_rng r;
    mg_rng_seed(&r, 42);
    mg_dataset *clean = mg_make_moons(4000, 0.0, NULL), *noisy = mg_make_moons(4000, 0.1, &r);
    cr_assert(clean && noisy);
    double s = 0, ss = 0;
    for (size_t k = 0; k < 8000; k++) {
        double e = noisy->x[k] - clean->x[k];
        s += e;
        ss += e * e;
    }
    double mean = s / 8000, sd = sqrt(ss / 8000 - mean * mean);
    cr_expect(fabs(mean) < 0.005, "noise mean %g", mean);   /* 4 standard errors */
    cr_expect(fabs(sd - 0.1) < 0.005, "noise sd %g", sd);
    cr_expect_null(mg_make_moons(10, 0.1, NULL));           /* noise needs an rng */
    mg_dataset_free(clean);
    mg_dataset_free(noisy);
}

Test(data, xor_labels_are_sign_xor) {
    mg_rng r;
    mg_rng_seed(&r, 7);
    mg_dataset *d = mg_make_xor(1000, &r);
    cr_assert(d);
    size_t ones = 0;
    for (size_t i = 0; i < 1000; i++) {
        int a = d->x[2 * i] > 0, b = d->x[2 * i + 1] > 0;
        cr_expect_eq(d->y[i], (double)(a ^ b));
        ones += d->y[i] == 1.0;
    }
    cr_expect(ones > 400 && ones < 600, "%zu ones of 1000", ones);
    mg_dataset_free(d);
}

/* ------------------------------------------------- shuffle, slices, etc. */

Test(data, shuffle_keeps_rows_with_their_labels) {
    mg_dataset *d = mg_dataset_new(50, 3);
    for (size_t i = 0; i < 50; i++) {
        for (size_t j = 0; j < 3; j++) d->x[3 * i + j] = 10.0 * (double)i + (double)j;
        d->y[i] = (double)i;
    }
    mg_rng r;
    mg_rng_seed(&r, 1);
    mg_dataset_shuffle(d, &r);
    int seen[50] = {0}, moved = 0;
    for (size_t i = 0; i < 50; i++) {
        size_t orig = (size_t)d->y[i];
        cr_assert_lt(orig, 50);
        seen[orig]++;
        moved += orig != i;
        for (size_t j = 0; j < 3; j++) cr_expect_eq(d->x[3 * i + j], 10.0 * (double)orig + (double)j);
    }
    for (size_t i = 0; i < 50; i++) cr_expect_eq(seen[i], 1);
    cr_expect_gt(moved, 25);
    mg_dataset_free(d);
}

Test(data, slices_and_batches) {
    mg_dataset *d = mg_dataset_new(10, 2);
    for (size_t i = 0; i < 20; i++) d->x[i] = (double)i;
    for (size_t i = 0; i < 10; i++) d->y[i] = (double)i;
    mg_dataset *train = mg_dataset_slice(d, 0, 8), *test = mg_dataset_slice(d, 8, 2);
    cr_assert(train && test);
    cr_expect_eq(train->n_rows, 8);
    cr_expect_eq(test->x[0], 16.0);
    cr_expect_eq(test->y[1], 9.0);
    cr_expect_null(mg_dataset_slice(d, 8, 3));
    mg_dataset *a, *b;
    cr_assert_eq(mg_dataset_split(d, 0.7, &a, &b), 0);
    cr_expect_eq(a->n_rows, 7);
    cr_expect_eq(b->n_rows, 3);
    cr_expect_eq(b->y[0], 7.0);
    cr_expect_eq(b->x[1], 15.0);
    mg_dataset_free(a);
    mg_dataset_free(b);
    cr_expect_eq(mg_dataset_split(d, 1.5, &a, &b), -1);
    cr_expect_null(a);
    const double *x, *y;
    size_t sizes[4];
    for (size_t b = 0; b < 4; b++) sizes[b] = mg_dataset_batch(d, b, 4, &x, &y);
    cr_expect_eq(sizes[0], 4);
    cr_expect_eq(sizes[1], 4);
    cr_expect_eq(sizes[2], 2);
    cr_expect_eq(sizes[3], 0);
    mg_dataset_batch(d, 2, 4, &x, &y);
    cr_expect_eq(x[0], 16.0);
    cr_expect_eq(y[0], 8.0);
    cr_expect_eq(mg_dataset_row(d, 3)[1], 7.0);
    cr_expect_null(mg_dataset_row(d, 10));
    mg_dataset_free(train);
    mg_dataset_free(test);
    mg_dataset_free(d);
}

Test(data, accuracy) {
    const double score[4] = {0.3, -0.1, 2.0, 0.0}, pm[4] = {1, -1, -1, 1};
    cr_expect_eq(mg_accuracy(score, pm, 4, 0.0), 0.5);   /* 0 is not > 0 */
    const double prob[3] = {0.9, 0.2, 0.6}, y01[3] = {1, 0, 0};
    expect_close(mg_accuracy(prob, y01, 3, 0.5), 2.0 / 3.0, 1e-15);
    cr_expect_eq(mg_accuracy(prob, y01, 0, 0.5), 0.0);
}

Test(data, leaves_for_a_graph) {
    mg_graph *g = mg_graph_new();
    const double v[3] = {1.5, -2.0, 3.25}, w[3] = {0.0, 1.0, 2.0};
    mg_value *l[3];
    cr_assert_eq(mg_leaves(g, v, 3, l), 0);
    cr_expect_eq(l[2]->data, 3.25);
    mg_leaves_set(l, w, 3);
    cr_expect_eq(l[1]->data, 1.0);
    cr_expect_eq(mg_leaves(g, NULL, 3, l), -1);
    cr_expect(mg_graph_error(g));
    mg_graph_free(g);
}

/* ------------------------------------------------------------------ CSV */

/* Read `text` as a CSV named "t.csv"; returns the data set (NULL on error,
 * with the message in err). */
static mg_dataset *csv(const char *text, const char *label, char *err, size_t errlen) {
    FILE *f = tmpfile();
    cr_assert(f);
    fwrite(text, 1, strlen(text), f);
    rewind(f);
    err[0] = '\0';
    mg_dataset *d = mg_csv_read(f, "t.csv", label, err, errlen);
    fclose(f);
    return d;
}

static void expect_csv_error(const char *text, const char *want) {
    char err[256];
    mg_dataset *d = csv(text, NULL, err, sizeof err);
    cr_expect_null(d, "accepted a bad CSV: %s", text);
    cr_expect(strstr(err, want), "error '%s' does not contain '%s'", err, want);
    mg_dataset_free(d);
}

Test(csv, reads_features_and_label) {
    char err[256];
    mg_dataset *d = csv("a, b ,label\r\n1,2,0\r\n\r\n  3.5 ,-4e-1,1\r\n", "label", err, sizeof err);
    cr_assert(d, "%s", err);
    cr_expect_eq(d->n_rows, 2);
    cr_expect_eq(d->n_features, 2);
    cr_expect_eq(d->x[2], 3.5);
    cr_expect_eq(d->x[3], -0.4);
    cr_expect_eq(d->y[1], 1.0);
    mg_dataset_free(d);
    /* the label need not be last */
    d = csv("y,x0\n1,2\n", "y", err, sizeof err);
    cr_assert(d, "%s", err);
    cr_expect_eq(d->x[0], 2.0);
    cr_expect_eq(d->y[0], 1.0);
    mg_dataset_free(d);
}

Test(csv, every_error_names_the_place) {
    expect_csv_error("", "t.csv:1: the file is empty");
    expect_csv_error("\n\n", "t.csv:3: the file is empty");
    expect_csv_error("1,2,3\n4,5,6\n", "t.csv:1:1: the header's column 1 is the number '1'");
    expect_csv_error("a,,c\n1,2,3\n", "t.csv:1:3: column 2 of the header has no name");
    expect_csv_error("a,b,a\n1,2,3\n", "t.csv:1:5: column name 'a' appears twice");
    expect_csv_error("solo\n1\n", "t.csv:1: the header names 1 column");
    expect_csv_error("a,b,c\n1,2,3\n4,5x,6\n", "t.csv:3:3: field 2 ('b'): '5x' is not a number");
    expect_csv_error("a,b,c\n1,2,3\n4,5,6\n7,8\n", "t.csv:4:4: this row has 2 fields, the header has 3");
    expect_csv_error("a,b,c\n1,2,3,4\n", "t.csv:2:7: this row has 4 fields, the header has 3");
    expect_csv_error("a,b,c\n1, ,3\n", "t.csv:2:3: field 2 ('b') is empty");
    expect_csv_error("a,b,c\n1,nan,3\n", "t.csv:2:3: field 2 ('b'): 'nan' is not a finite number");
    expect_csv_error("a,b,c\n1,1e999,3\n",
                     "t.csv:2:3: field 2 ('b'): '1e999' is too large for a double");
    expect_csv_error("a,b,c\n", "t.csv:2: the file has a header but no rows");
    expect_csv_error("\na,b\n1,2\n", "t.csv:2: the header must be the first line");
    char err[128];
    cr_expect_null(csv("a,b\n1,2\n", "nope", err, sizeof err));
    cr_expect(strstr(err, "t.csv:1: no column is named 'nope'"), "%s", err);
}

Test(csv, a_nul_byte_is_an_error) {
    FILE *f = tmpfile();
    fwrite("a,b\n1,\0002\n", 1, 10, f);
    rewind(f);
    char err[128] = "";
    cr_expect_null(mg_csv_read(f, "t.csv", NULL, err, sizeof err));
    cr_expect(strstr(err, "t.csv:2:3: a NUL byte"), "%s", err);
    fclose(f);
}

Test(csv, missing_file_names_it) {
    char err[256] = "";
    cr_expect_null(mg_csv_load("tests/data/no-such-file.csv", NULL, err, sizeof err));
    cr_expect(strstr(err, "tests/data/no-such-file.csv: cannot open"), "%s", err);
}

/* The real files the examples use. */
Test(csv, loads_the_font_and_moons_sets) {
    char err[256] = "";
    mg_dataset *d = mg_csv_load("data/light_dark_font_training_set.csv", NULL, err, sizeof err);
    cr_assert(d, "%s", err);
    cr_expect_eq(d->n_rows, 1345);
    cr_expect_eq(d->n_features, 3);
    size_t ones = 0;
    for (size_t i = 0; i < d->n_rows; i++) ones += d->y[i] == 1.0;
    cr_expect_eq(ones, 833);   /* README: 833 ones and 512 zeros */
    mg_dataset_free(d);
    d = mg_csv_load(MG_TEST_DATA "/micrograd_demo/moons.csv", "y", err, sizeof err);
    cr_assert(d, "%s", err);
    cr_expect_eq(d->n_rows, 100);
    cr_expect_eq(d->x[0], 1.1221146075409685);   /* the file's first row */
    cr_expect_eq(d->y[0], -1.0);
    mg_dataset_free(d);
}

/* ------------------------------------------------------------------ IDX */

/* Write bytes to a new temporary file; its path goes into path[]. */
static void write_tmp(char path[64], const unsigned char *b, size_t n) {
    snprintf(path, 64, "/tmp/mg-idx-XXXXXX");
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    cr_assert(f);
    cr_assert_eq(fwrite(b, 1, n, f), n);
    fclose(f);
}

static size_t be32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
    return 4;
}

/* Three 2x2 images with labels 0, 1, 7; image i has pixels 10i + k. */
typedef struct idx_files {
    unsigned char img[16 + 12], lab[8 + 3];
} idx_files;

static void make_idx(idx_files *f) {
    size_t k = be32(f->img, 0x803);
    k += be32(f->img + k, 3);
    k += be32(f->img + k, 2);
    k += be32(f->img + k, 2);
    for (int i = 0; i < 3; i++)
        for (int p = 0; p < 4; p++) f->img[k++] = (unsigned char)(10 * i + p + (i == 2) * 200);
    k = be32(f->lab, 0x801);
    k += be32(f->lab + k, 3);
    f->lab[k++] = 0, f->lab[k++] = 1, f->lab[k++] = 7;
}

/* Load images/labels from the given bytes; the error in err. */
static mg_dataset *idx(const unsigned char *img, size_t ni, const unsigned char *lab, size_t nl,
                       unsigned keep, char *err) {
    char pi[64], pl[64];
    write_tmp(pi, img, ni);
    write_tmp(pl, lab, nl);
    err[0] = '\0';
    mg_dataset *d = mg_idx_load(pi, pl, keep, err, 256);
    remove(pi);
    remove(pl);
    return d;
}

Test(idx, reads_and_filters) {
    idx_files f;
    make_idx(&f);
    char err[256];
    mg_dataset *d = idx(f.img, sizeof f.img, f.lab, sizeof f.lab, 0, err);
    cr_assert(d, "%s", err);
    cr_expect_eq(d->n_rows, 3);
    cr_expect_eq(d->n_features, 4);
    cr_expect_eq(d->x[2 * 4 + 3], 223.0);
    cr_expect_eq(d->y[2], 7.0);
    mg_dataset_free(d);
    d = idx(f.img, sizeof f.img, f.lab, sizeof f.lab, (1u << 0) | (1u << 7), err);
    cr_assert(d, "%s", err);
    cr_expect_eq(d->n_rows, 2);
    cr_expect_eq(d->y[1], 7.0);
    cr_expect_eq(d->x[4], 220.0);   /* the third image, now row 1 */
    mg_dataset_free(d);
}

static void expect_idx_error(const unsigned char *img, size_t ni, const unsigned char *lab,
                             size_t nl, const char *want) {
    char err[256];
    mg_dataset *d = idx(img, ni, lab, nl, 0, err);
    cr_expect_null(d);
    cr_expect(strstr(err, want), "error '%s' does not contain '%s'", err, want);
    mg_dataset_free(d);
}

Test(idx, rejects_bad_files) {
    idx_files f;
    make_idx(&f);
    size_t ni = sizeof f.img, nl = sizeof f.lab;
    /* truncated: pixels, header, labels */
    expect_idx_error(f.img, ni - 1, f.lab, nl, "truncated: image 3 of 3 has 3 of its 4 bytes");
    expect_idx_error(f.img, 10, f.lab, nl, "truncated header: 10 of 16 bytes");
    expect_idx_error(f.img, ni, f.lab, nl - 2, "truncated: 1 of 3 labels");
    expect_idx_error(f.img, 2, f.lab, nl, "shorter than an IDX magic number");
    /* images and labels swapped: each has the other's magic */
    expect_idx_error(f.lab, nl, f.img, ni, "magic number 0x00000801, expected 0x00000803");
    /* extra bytes after the data */
    unsigned char longer[sizeof f.img + 1];
    memcpy(longer, f.img, ni);
    longer[ni] = 0;
    expect_idx_error(longer, ni + 1, f.lab, nl, "longer than its header says");
    /* counts that disagree */
    unsigned char lab2[sizeof f.lab];
    memcpy(lab2, f.lab, nl);
    be32(lab2 + 4, 2);
    expect_idx_error(f.img, ni, lab2, nl - 1, "has 3 images but");
    /* a gzip file as downloaded */
    const unsigned char gz[8] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0};
    expect_idx_error(gz, 8, f.lab, nl, "gzip file: gunzip it first");
    /* zero rows */
    unsigned char img0[sizeof f.img];
    memcpy(img0, f.img, ni);
    be32(img0 + 8, 0);
    expect_idx_error(img0, ni, f.lab, nl, "implausible sizes 3 x 0 x 2");
    char err[256] = "";
    cr_expect_null(mg_idx_load("/nonexistent/t10k-images-idx3-ubyte", "x", 0, err, sizeof err));
    cr_expect(strstr(err, "cannot open"), "%s", err);
}

/* Garbage in: seeded random texts built from CSV's own characters.  Each
 * must either load or give a message that names the file, never crash. */
Test(csv, random_input_never_crashes) {
    static const char alphabet[] = "0123456789.,-+eE \t\r\nabc,,\n\n";
    mg_rng r;
    mg_rng_seed(&r, 2024);
    char text[200], err[256];
    int loaded = 0;
    for (int k = 0; k < 2000; k++) {
        size_t n = (size_t)mg_rng_below(&r, sizeof text);
        for (size_t i = 0; i < n; i++)
            text[i] = alphabet[mg_rng_below(&r, sizeof alphabet - 1)];
        text[n] = '\0';
        if (k % 2) memcpy(text, "a,b\n", n >= 4 ? 4 : 0);   /* half start with a header */
        mg_dataset *d = csv(text, NULL, err, sizeof err);
        if (d) loaded++;
        else cr_expect(!strncmp(err, "t.csv:", 6), "message '%s' for input '%s'", err, text);
        mg_dataset_free(d);
    }
    cr_expect_gt(loaded, 0);
}

/* Every truncation of a good pair of IDX files is refused with a message. */
Test(idx, every_truncation_is_caught) {
    idx_files f;
    make_idx(&f);
    char err[256];
    for (size_t n = 0; n < sizeof f.img; n++) {
        mg_dataset *d = idx(f.img, n, f.lab, sizeof f.lab, 0, err);
        cr_expect_null(d, "images cut to %zu bytes were accepted", n);
        cr_expect(strstr(err, "truncated") || strstr(err, "shorter"), "%zu bytes: %s", n, err);
        mg_dataset_free(d);
    }
    for (size_t n = 0; n < sizeof f.lab; n++) {
        mg_dataset *d = idx(f.img, sizeof f.img, f.lab, n, 0, err);
        cr_expect_null(d, "labels cut to %zu bytes were accepted", n);
        mg_dataset_free(d);
    }
}
