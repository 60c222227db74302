/* data_io.c -- reading data sets from files: CSV with a header, and the IDX
 * format of MNIST.  Both trust nothing in the file: every problem becomes
 * one message naming the file and the place ("file:line:column: ..." for
 * CSV), and no input makes them crash, hang or read out of bounds. */
#include "core/core.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void say(char *err, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void say(char *err, size_t errlen, const char *fmt, ...) {
    if (!err || errlen == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------------------ CSV */

/* One line of input, without its "\n" or "\r\n", grown as needed. */
typedef struct line_buf {
    char *s;
    size_t len, cap;
    int has_nul;          /* the line held a NUL byte (at nul_at) */
    size_t nul_at;
} line_buf;

/* Read the next line into b; 0 at end of input with nothing read, 1 when a
 * line was read, -1 when out of memory. */
static int read_line(FILE *in, line_buf *b) {
    int c;
    b->len = 0;
    b->has_nul = 0;
    while ((c = getc(in)) != EOF && c != '\n') {
        if (b->len + 2 > b->cap) {
            size_t cap = b->cap ? 2 * b->cap : 256;
            char *s = realloc(b->s, cap);
            if (!s) return -1;
            b->s = s;
            b->cap = cap;
        }
        if (c == 0 && !b->has_nul) {
            b->has_nul = 1;
            b->nul_at = b->len;
        }
        b->s[b->len++] = (char)c;
    }
    if (c == EOF && b->len == 0) return 0;
    if (b->len && b->s[b->len - 1] == '\r') b->len--;
    if (!b->s) {   /* an empty first line: still hand back a string */
        b->s = malloc(1);
        if (!b->s) return -1;
        b->cap = 1;
    }
    b->s[b->len] = '\0';
    return 1;
}

static int blank(const char *s) {
    while (*s == ' ' || *s == '\t') s++;
    return *s == '\0';
}

/* Field i of a line: [start, end) with the spaces around it trimmed. */
typedef struct field {
    const char *start;
    size_t len;
    size_t col;  /* 1-based column of its first character */
} field;

/* Split s at commas into at most max fields; returns how many there are
 * (which may be more than max: only the first max are stored). */
static size_t split(const char *s, field *f, size_t max) {
    size_t n = 0;
    const char *p = s;
    for (;;) {
        const char *end = strchr(p, ',');
        if (!end) end = p + strlen(p);
        const char *a = p, *b = end;
        while (a < b && (*a == ' ' || *a == '\t')) a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t')) b--;
        if (a == b) a = b = p;   /* an empty field is placed where it starts */
        if (n < max) f[n] = (field){a, (size_t)(b - a), (size_t)(a - s) + 1};
        n++;
        if (!*end) return n;
        p = end + 1;
    }
}

/* 1 with the field's value in *out when it is a finite number, else 0. */
static int parse_number(const field *f, double *out) {
    char buf[128];
    if (f->len == 0 || f->len >= sizeof buf) return 0;
    memcpy(buf, f->start, f->len);
    buf[f->len] = '\0';
    char *end;
    double v = strtod(buf, &end);
    if (*end != '\0' || end == buf) return 0;
    if (!isfinite(v)) return 0;
    *out = v;
    return 1;
}

/* The header's column names, kept for messages. */
typedef struct header {
    field *f;
    char *text;   /* a copy of the header line, which f points into */
    size_t n;
} header;

static int read_header(header *h, const line_buf *b, const char *name, const char *label,
                       size_t *label_col, char *err, size_t errlen) {
    h->text = malloc(b->len + 1);
    if (!h->text) goto oom;
    memcpy(h->text, b->s, b->len + 1);
    h->n = split(h->text, NULL, 0);
    h->f = malloc(h->n * sizeof *h->f);
    if (!h->f) goto oom;
    split(h->text, h->f, h->n);
    if (h->n < 2) {
        say(err, errlen, "%s:1: the header names %zu column; a data set needs features and a label",
            name, h->n);
        return -1;
    }
    for (size_t i = 0; i < h->n; i++) {
        const field *f = &h->f[i];
        double v;
        if (f->len == 0) {
            say(err, errlen, "%s:1:%zu: column %zu of the header has no name", name, f->col, i + 1);
            return -1;
        }
        if (parse_number(f, &v)) {
            say(err, errlen,
                "%s:1:%zu: the header's column %zu is the number '%.*s': the first line must name the columns",
                name, f->col, i + 1, (int)f->len, f->start);
            return -1;
        }
        for (size_t j = 0; j < i; j++)
            if (h->f[j].len == f->len && !memcmp(h->f[j].start, f->start, f->len)) {
                say(err, errlen, "%s:1:%zu: column name '%.*s' appears twice", name, f->col,
                    (int)f->len, f->start);
                return -1;
            }
    }
    *label_col = h->n - 1;
    if (label) {
        size_t i = 0;
        while (i < h->n && !(h->f[i].len == strlen(label) && !memcmp(h->f[i].start, label, h->f[i].len)))
            i++;
        if (i == h->n) {
            say(err, errlen, "%s:1: no column is named '%s' (the label column)", name, label);
            return -1;
        }
        *label_col = i;
    }
    return 0;
oom:
    say(err, errlen, "%s: out of memory reading the header", name);
    return -1;
}

mg_dataset *mg_csv_read(FILE *in, const char *name, const char *label, char *err,
                        size_t errlen) {
    if (!name) name = "(csv)";
    if (!in) {
        say(err, errlen, "%s: no input stream", name);
        return NULL;
    }
    line_buf b = {0};
    header h = {0};
    field *f = NULL;
    double *x = NULL, *y = NULL;
    size_t rows = 0, cap = 0, line = 0, label_col = 0, nf = 0;
    mg_dataset *d = NULL;
    int r;

    /* the header: the first line that is not blank */
    while ((r = read_line(in, &b)) == 1) {
        line++;
        if (b.has_nul) {
            say(err, errlen, "%s:%zu:%zu: a NUL byte in a text file", name, line, b.nul_at + 1);
            goto done;
        }
        if (!blank(b.s)) break;
    }
    if (r < 0) goto oom;
    if (r == 0) {
        say(err, errlen, "%s:%zu: the file is empty: expected a header line naming the columns",
            name, line + 1);
        goto done;
    }
    if (line != 1) {
        say(err, errlen, "%s:%zu: the header must be the first line (blank lines above it)", name,
            line);
        goto done;
    }
    if (read_header(&h, &b, name, label, &label_col, err, errlen)) goto done;
    nf = h.n - 1;
    f = malloc(h.n * sizeof *f);
    if (!f) goto oom;

    while ((r = read_line(in, &b)) == 1) {
        line++;
        if (b.has_nul) {
            say(err, errlen, "%s:%zu:%zu: a NUL byte in a text file", name, line, b.nul_at + 1);
            goto done;
        }
        if (blank(b.s)) continue;
        size_t n = split(b.s, f, h.n);
        if (n != h.n) {
            size_t col = n < h.n ? b.len + 1 : 0;
            if (n > h.n) { /* point at the first extra field */
                field extra[1];
                const char *p = b.s;
                for (size_t k = 0; k < h.n; k++) p = strchr(p, ',') + 1;
                split(p, extra, 1);
                col = (size_t)(p - b.s) + extra[0].col;
            }
            say(err, errlen, "%s:%zu:%zu: this row has %zu fields, the header has %zu", name, line,
                col, n, h.n);
            goto done;
        }
        if (rows == cap) {
            size_t c = cap ? 2 * cap : 64;
            if (c > SIZE_MAX / sizeof(double) / h.n) goto oom;
            double *nx = realloc(x, c * nf * sizeof *x);
            if (!nx) goto oom;
            x = nx;
            double *ny = realloc(y, c * sizeof *y);
            if (!ny) goto oom;
            y = ny;
            cap = c;
        }
        for (size_t i = 0, j = 0; i < h.n; i++) {
            double v;
            if (!parse_number(&f[i], &v)) {
                int len = f[i].len > 40 ? 40 : (int)f[i].len;
                if (f[i].len == 0)
                    say(err, errlen, "%s:%zu:%zu: field %zu ('%.*s') is empty, expected a number",
                        name, line, f[i].col, i + 1, (int)h.f[i].len, h.f[i].start);
                else
                    say(err, errlen, "%s:%zu:%zu: field %zu ('%.*s'): '%.*s%s' is not a number", name,
                        line, f[i].col, i + 1, (int)h.f[i].len, h.f[i].start, len, f[i].start,
                        f[i].len > 40 ? "..." : "");
                goto done;
            }
            if (i == label_col) y[rows] = v;
            else x[rows * nf + j++] = v;
        }
        rows++;
    }
    if (r < 0) goto oom;
    if (ferror(in)) {
        say(err, errlen, "%s:%zu: read error", name, line);
        goto done;
    }
    if (rows == 0) {
        say(err, errlen, "%s:%zu: the file has a header but no rows of data", name, line + 1);
        goto done;
    }
    d = mg_dataset_new(rows, nf);
    if (!d) goto oom;
    memcpy(d->x, x, rows * nf * sizeof *x);
    memcpy(d->y, y, rows * sizeof *y);
    goto done;
oom:
    say(err, errlen, "%s:%zu: out of memory", name, line);
done:
    free(b.s);
    free(h.f);
    free(h.text);
    free(f);
    free(x);
    free(y);
    return d;
}

mg_dataset *mg_csv_load(const char *path, const char *label, char *err, size_t errlen) {
    if (!path) {
        say(err, errlen, "mg_csv_load: no file name");
        return NULL;
    }
    FILE *in = fopen(path, "rb");
    if (!in) {
        say(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    mg_dataset *d = mg_csv_read(in, path, label, err, errlen);
    fclose(in);
    return d;
}

/* ------------------------------------------------------------------ IDX */

/* Open an IDX file and check its header: magic 0x0000 08 ndim (unsigned
 * bytes, ndim dimensions), then ndim big-endian 32-bit sizes. */
static FILE *idx_open(const char *path, unsigned ndim, uint32_t *dims, char *err, size_t errlen) {
    FILE *in = fopen(path, "rb");
    if (!in) {
        say(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    unsigned char h[16];
    size_t want = 4 + 4 * (size_t)ndim, got = fread(h, 1, want, in);
    if (got >= 2 && h[0] == 0x1f && h[1] == 0x8b) {
        say(err, errlen, "%s: this is a gzip file: gunzip it first", path);
        goto fail;
    }
    if (got < 4) {
        say(err, errlen, "%s: truncated: %zu bytes, shorter than an IDX magic number", path, got);
        goto fail;
    }
    uint32_t magic = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
    if (magic != (0x800u | ndim)) {
        say(err, errlen, "%s: magic number 0x%08lx, expected 0x%08x (IDX, unsigned bytes, %u dimension%s)",
            path, (unsigned long)magic, 0x800u | ndim, ndim, ndim == 1 ? "" : "s");
        goto fail;
    }
    if (got < want) {
        say(err, errlen, "%s: truncated header: %zu of %zu bytes", path, got, want);
        goto fail;
    }
    for (unsigned i = 0; i < ndim; i++) {
        const unsigned char *p = h + 4 + 4 * i;
        dims[i] = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    }
    return in;
fail:
    fclose(in);
    return NULL;
}

/* 0 when `in` is at its end, else -1 after saying so */
static int idx_expect_end(FILE *in, const char *path, char *err, size_t errlen) {
    if (getc(in) == EOF) return 0;
    say(err, errlen, "%s: longer than its header says (extra bytes after the data)", path);
    return -1;
}

mg_dataset *mg_idx_load(const char *images, const char *labels, unsigned keep, char *err,
                        size_t errlen) {
    if (!images || !labels) {
        say(err, errlen, "mg_idx_load: no file name");
        return NULL;
    }
    uint32_t ldim[1], idim[3];
    unsigned char *lab = NULL, *pix = NULL;
    mg_dataset *d = NULL;
    FILE *ii = idx_open(images, 3, idim, err, errlen), *li = NULL;
    if (!ii) return NULL;
    li = idx_open(labels, 1, ldim, err, errlen);
    if (!li) goto done;
    if (idim[0] != ldim[0]) {
        say(err, errlen, "%s has %lu images but %s has %lu labels", images,
            (unsigned long)idim[0], labels, (unsigned long)ldim[0]);
        goto done;
    }
    if (idim[0] == 0 || idim[1] == 0 || idim[2] == 0 || idim[1] > 4096 || idim[2] > 4096) {
        say(err, errlen, "%s: implausible sizes %lu x %lu x %lu", images, (unsigned long)idim[0],
            (unsigned long)idim[1], (unsigned long)idim[2]);
        goto done;
    }
    size_t n = idim[0], px = (size_t)idim[1] * idim[2];
    lab = malloc(n);
    pix = malloc(px);
    if (!lab || !pix) {
        say(err, errlen, "%s: out of memory for %zu labels", labels, n);
        goto done;
    }
    size_t got = fread(lab, 1, n, li);
    if (got < n) {
        say(err, errlen, "%s: truncated: %zu of %zu labels", labels, got, n);
        goto done;
    }
    if (idx_expect_end(li, labels, err, errlen)) goto done;
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) kept += !keep || (lab[i] < 32 && (keep >> lab[i] & 1u));
    d = mg_dataset_new(kept, px);
    if (!d) {
        say(err, errlen, "%s: out of memory for %zu images", images, kept);
        goto done;
    }
    for (size_t i = 0, r = 0; i < n; i++) {
        got = fread(pix, 1, px, ii);
        if (got < px) {
            say(err, errlen, "%s: truncated: image %zu of %zu has %zu of its %zu bytes", images, i + 1,
                n, got, px);
            goto fail;
        }
        if (keep && !(lab[i] < 32 && (keep >> lab[i] & 1u))) continue;
        for (size_t k = 0; k < px; k++) d->x[r * px + k] = pix[k];
        d->y[r++] = lab[i];
    }
    if (idx_expect_end(ii, images, err, errlen)) goto fail;
    goto done;
fail:
    mg_dataset_free(d);
    d = NULL;
done:
    free(lab);
    free(pix);
    if (li) fclose(li);
    fclose(ii);
    return d;
}
