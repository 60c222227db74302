/* test_util.h -- small helpers shared by the test suites. */
#ifndef MG_TEST_UTIL_H
#define MG_TEST_UTIL_H

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MG_TEST_DATA
#define MG_TEST_DATA "tests/data"
#endif

/* Everything written to f (a tmpfile), as a NUL-terminated string the
 * caller frees.  Closes f. */
static inline char *mgt_slurp(FILE *f) {
    cr_assert(f != NULL);
    long len = ftell(f);
    cr_assert(len >= 0);
    rewind(f);
    char *s = malloc((size_t)len + 1);
    cr_assert(s != NULL);
    cr_assert_eq(fread(s, 1, (size_t)len, f), (size_t)len);
    s[len] = 0;
    fclose(f);
    return s;
}

/* |a - b| <= rel * max(1e-300, |a|, |b|): "equal to a few ulp" for rel ~1e-12. */
static inline int mgt_close(double a, double b, double rel) {
    if (a == b) return 1;
    double scale = fmax(fabs(a), fabs(b));
    return fabs(a - b) <= rel * fmax(scale, 1e-300);
}

#define expect_close(a, b, rel)                                                         \
    do {                                                                                \
        double a_ = (a), b_ = (b);                                                      \
        cr_expect(mgt_close(a_, b_, (rel)), "%s = %.17g, expected %.17g (rel %g)", #a, a_, \
                  b_, (double)(rel));                                                   \
    } while (0)

/* One row of a reference TSV: up to 4 tab-separated fields. */
typedef struct mgt_row {
    char f[4][128];
    int n;
} mgt_row;

/* Read every non-comment row of tests/data/NAME into rows (at most max);
 * returns the count, failing the test if the file cannot be read. */
static inline int mgt_read_tsv(const char *name, mgt_row *rows, int max) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", MG_TEST_DATA, name);
    FILE *f = fopen(path, "r");
    cr_assert(f != NULL, "cannot open %s (run the tests from the project root)", path);
    char line[1024];
    int n = 0;
    while (fgets(line, sizeof line, f) && n < max) {
        if (line[0] == '#' || line[0] == '\n') continue;
        line[strcspn(line, "\r\n")] = 0;
        mgt_row *r = &rows[n++];
        memset(r, 0, sizeof *r);
        char *p = line;
        while (r->n < 4) {
            char *tab = strchr(p, '\t');
            size_t len = tab ? (size_t)(tab - p) : strlen(p);
            if (len >= sizeof r->f[0]) len = sizeof r->f[0] - 1;
            memcpy(r->f[r->n], p, len);
            r->f[r->n][len] = 0;
            r->n++;
            if (!tab) break;
            p = tab + 1;
        }
    }
    fclose(f);
    return n;
}

/* The float64 column `col` of the row whose field 0 (and field 1 when
 * key2 != NULL) match; fails the test when absent. */
static inline double mgt_ref(const char *file, const char *key, const char *key2, int col) {
    static mgt_row rows[256];
    int n = mgt_read_tsv(file, rows, 256);
    for (int i = 0; i < n; i++)
        if (!strcmp(rows[i].f[0], key) && (!key2 || !strcmp(rows[i].f[1], key2)))
            return strtod(rows[i].f[col], NULL);
    cr_assert_fail("no row %s %s in %s", key, key2 ? key2 : "", file);
    return NAN;
}

#endif
