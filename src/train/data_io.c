/* data_io.c -- reading data sets from files: CSV with a header, and the IDX
 * format of MNIST.  Both trust nothing in the file: every problem becomes
 * one message naming the file and the place ("file:line:column: ..." for
 * CSV), in the caller's language, and no input makes them crash, hang or
 * read out of bounds.  Numbers are read with mg_num_parse: '.' is the
 * decimal point whatever locale the program runs under. */
#include "core/core.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Where messages go, and in which language. */
typedef struct sink {
    char *err;
    size_t errlen;
    mg_lang lang;
} sink;

/* Write the message, whole in English or whole in Spanish (the same
 * arguments in the same order). */
static void say(const sink *o, const char *en, const char *es, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 4), format(printf, 3, 4)))
#endif
    ;

static void say(const sink *o, const char *en, const char *es, ...) {
    if (!o->err || o->errlen == 0) return;
    va_list ap;
    va_start(ap, es);
    vsnprintf(o->err, o->errlen, o->lang == MG_LANG_ES ? es : en, ap);
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
    double v = mg_num_parse(buf, &end);
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
                       size_t *label_col, const sink *o) {
    h->text = malloc(b->len + 1);
    if (!h->text) goto oom;
    memcpy(h->text, b->s, b->len + 1);
    h->n = split(h->text, NULL, 0);
    h->f = malloc(h->n * sizeof *h->f);
    if (!h->f) goto oom;
    split(h->text, h->f, h->n);
    if (h->n < 2) {
        say(o, "%s:1: the header names %zu column; a data set needs features and a label",
            "%s:1: la cabecera nombra %zu columna; un conjunto de datos necesita atributos y una "
            "etiqueta",
            name, h->n);
        return -1;
    }
    for (size_t i = 0; i < h->n; i++) {
        const field *f = &h->f[i];
        double v;
        if (f->len == 0) {
            say(o, "%s:1:%zu: column %zu of the header has no name",
                "%s:1:%zu: la columna %zu de la cabecera no tiene nombre", name, f->col, i + 1);
            return -1;
        }
        if (parse_number(f, &v)) {
            say(o,
                "%s:1:%zu: the header's column %zu is the number '%.*s': the first line must name "
                "the columns",
                "%s:1:%zu: la columna %zu de la cabecera es el número '%.*s': la primera línea debe "
                "nombrar las columnas",
                name, f->col, i + 1, (int)f->len, f->start);
            return -1;
        }
        for (size_t j = 0; j < i; j++)
            if (h->f[j].len == f->len && !memcmp(h->f[j].start, f->start, f->len)) {
                say(o, "%s:1:%zu: column name '%.*s' appears twice",
                    "%s:1:%zu: el nombre de columna '%.*s' aparece dos veces", name, f->col,
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
            say(o, "%s:1: no column is named '%s' (the label column)",
                "%s:1: ninguna columna se llama '%s' (la columna de la etiqueta)", name, label);
            return -1;
        }
        *label_col = i;
    }
    return 0;
oom:
    say(o, "%s: out of memory reading the header", "%s: sin memoria al leer la cabecera", name);
    return -1;
}

mg_dataset *mg_csv_read(FILE *in, const char *name, const char *label, char *err,
                        size_t errlen) {
    return mg_csv_read_lang(in, name, label, MG_LANG_EN, err, errlen);
}

mg_dataset *mg_csv_read_lang(FILE *in, const char *name, const char *label, mg_lang lang,
                             char *err, size_t errlen) {
    const sink o = {err, errlen, lang};
    if (!name) name = "(csv)";
    if (!in) {
        say(&o, "%s: no input stream", "%s: no hay flujo de entrada", name);
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
            say(&o, "%s:%zu:%zu: a NUL byte in a text file", "%s:%zu:%zu: un byte NUL en un archivo de texto",
                name, line, b.nul_at + 1);
            goto done;
        }
        if (!blank(b.s)) break;
    }
    if (r < 0) goto oom;
    if (r == 0) {
        say(&o, "%s:%zu: the file is empty: expected a header line naming the columns",
            "%s:%zu: el archivo está vacío: se esperaba una cabecera que nombre las columnas", name,
            line + 1);
        goto done;
    }
    if (line != 1) {
        say(&o, "%s:%zu: the header must be the first line (blank lines above it)",
            "%s:%zu: la cabecera debe ser la primera línea (hay líneas en blanco antes)", name,
            line);
        goto done;
    }
    if (read_header(&h, &b, name, label, &label_col, &o)) goto done;
    nf = h.n - 1;
    f = malloc(h.n * sizeof *f);
    if (!f) goto oom;

    while ((r = read_line(in, &b)) == 1) {
        line++;
        if (b.has_nul) {
            say(&o, "%s:%zu:%zu: a NUL byte in a text file", "%s:%zu:%zu: un byte NUL en un archivo de texto",
                name, line, b.nul_at + 1);
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
            say(&o, "%s:%zu:%zu: this row has %zu fields, the header has %zu",
                "%s:%zu:%zu: esta fila tiene %zu campos y la cabecera %zu", name, line, col, n, h.n);
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
                    say(&o, "%s:%zu:%zu: field %zu ('%.*s') is empty, expected a number",
                        "%s:%zu:%zu: el campo %zu ('%.*s') está vacío, se esperaba un número", name,
                        line, f[i].col, i + 1, (int)h.f[i].len, h.f[i].start);
                else
                    say(&o, "%s:%zu:%zu: field %zu ('%.*s'): '%.*s%s' is not a number",
                        "%s:%zu:%zu: campo %zu ('%.*s'): '%.*s%s' no es un número", name, line,
                        f[i].col, i + 1, (int)h.f[i].len, h.f[i].start, len, f[i].start,
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
        say(&o, "%s:%zu: read error", "%s:%zu: error de lectura", name, line);
        goto done;
    }
    if (rows == 0) {
        say(&o, "%s:%zu: the file has a header but no rows of data",
            "%s:%zu: el archivo tiene cabecera pero ninguna fila de datos", name, line + 1);
        goto done;
    }
    d = mg_dataset_new(rows, nf);
    if (!d) goto oom;
    memcpy(d->x, x, rows * nf * sizeof *x);
    memcpy(d->y, y, rows * sizeof *y);
    goto done;
oom:
    say(&o, "%s:%zu: out of memory", "%s:%zu: sin memoria", name, line);
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
    return mg_csv_load_lang(path, label, MG_LANG_EN, err, errlen);
}

mg_dataset *mg_csv_load_lang(const char *path, const char *label, mg_lang lang, char *err,
                             size_t errlen) {
    const sink o = {err, errlen, lang};
    if (!path) {
        say(&o, "mg_csv_load: no file name", "mg_csv_load: falta el nombre del archivo");
        return NULL;
    }
    FILE *in = fopen(path, "rb");
    if (!in) {
        /* strerror speaks the C locale's English unless the program set one */
        say(&o, "%s: cannot open: %s", "%s: no se puede abrir: %s", path, strerror(errno));
        return NULL;
    }
    mg_dataset *d = mg_csv_read_lang(in, path, label, lang, err, errlen);
    fclose(in);
    return d;
}

/* ------------------------------------------------------------------ IDX */

/* Open an IDX file and check its header: magic 0x0000 08 ndim (unsigned
 * bytes, ndim dimensions), then ndim big-endian 32-bit sizes. */
static FILE *idx_open(const char *path, unsigned ndim, uint32_t *dims, const sink *o) {
    FILE *in = fopen(path, "rb");
    if (!in) {
        say(o, "%s: cannot open: %s", "%s: no se puede abrir: %s", path, strerror(errno));
        return NULL;
    }
    unsigned char h[16];
    size_t want = 4 + 4 * (size_t)ndim, got = fread(h, 1, want, in);
    if (got >= 2 && h[0] == 0x1f && h[1] == 0x8b) {
        say(o, "%s: this is a gzip file: gunzip it first",
            "%s: es un archivo gzip: descomprímalo primero con gunzip", path);
        goto fail;
    }
    if (got < 4) {
        say(o, "%s: truncated: %zu bytes, shorter than an IDX magic number",
            "%s: truncado: %zu bytes, menos que un número mágico IDX", path, got);
        goto fail;
    }
    uint32_t magic = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
    if (magic != (0x800u | ndim)) {
        if (ndim == 1)
            say(o, "%s: magic number 0x%08lx, expected 0x%08x (IDX, unsigned bytes, 1 dimension)",
                "%s: número mágico 0x%08lx, se esperaba 0x%08x (IDX, bytes sin signo, 1 dimensión)",
                path, (unsigned long)magic, 0x800u | ndim);
        else
            say(o, "%s: magic number 0x%08lx, expected 0x%08x (IDX, unsigned bytes, %u dimensions)",
                "%s: número mágico 0x%08lx, se esperaba 0x%08x (IDX, bytes sin signo, %u "
                "dimensiones)",
                path, (unsigned long)magic, 0x800u | ndim, ndim);
        goto fail;
    }
    if (got < want) {
        say(o, "%s: truncated header: %zu of %zu bytes", "%s: cabecera truncada: %zu de %zu bytes",
            path, got, want);
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
static int idx_expect_end(FILE *in, const char *path, const sink *o) {
    if (getc(in) == EOF) return 0;
    say(o, "%s: longer than its header says (extra bytes after the data)",
        "%s: más largo de lo que dice su cabecera (sobran bytes después de los datos)", path);
    return -1;
}

mg_dataset *mg_idx_load(const char *images, const char *labels, unsigned keep, char *err,
                        size_t errlen) {
    return mg_idx_load_lang(images, labels, keep, MG_LANG_EN, err, errlen);
}

mg_dataset *mg_idx_load_lang(const char *images, const char *labels, unsigned keep, mg_lang lang,
                             char *err, size_t errlen) {
    const sink o = {err, errlen, lang};
    if (!images || !labels) {
        say(&o, "mg_idx_load: no file name", "mg_idx_load: falta el nombre de un archivo");
        return NULL;
    }
    uint32_t ldim[1], idim[3];
    unsigned char *lab = NULL, *pix = NULL;
    mg_dataset *d = NULL;
    FILE *ii = idx_open(images, 3, idim, &o), *li = NULL;
    if (!ii) return NULL;
    li = idx_open(labels, 1, ldim, &o);
    if (!li) goto done;
    if (idim[0] != ldim[0]) {
        say(&o, "%s has %lu images but %s has %lu labels", "%s tiene %lu imágenes pero %s tiene %lu etiquetas",
            images, (unsigned long)idim[0], labels, (unsigned long)ldim[0]);
        goto done;
    }
    if (idim[0] == 0 || idim[1] == 0 || idim[2] == 0 || idim[1] > 4096 || idim[2] > 4096) {
        say(&o, "%s: implausible sizes %lu x %lu x %lu", "%s: tamaños inverosímiles %lu x %lu x %lu",
            images, (unsigned long)idim[0], (unsigned long)idim[1], (unsigned long)idim[2]);
        goto done;
    }
    size_t n = idim[0], px = (size_t)idim[1] * idim[2];
    lab = malloc(n);
    pix = malloc(px);
    if (!lab || !pix) {
        say(&o, "%s: out of memory for %zu labels", "%s: sin memoria para %zu etiquetas", labels, n);
        goto done;
    }
    size_t got = fread(lab, 1, n, li);
    if (got < n) {
        say(&o, "%s: truncated: %zu of %zu labels", "%s: truncado: %zu de %zu etiquetas", labels, got, n);
        goto done;
    }
    if (idx_expect_end(li, labels, &o)) goto done;
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) kept += !keep || (lab[i] < 32 && (keep >> lab[i] & 1u));
    d = mg_dataset_new(kept, px);
    if (!d) {
        say(&o, "%s: out of memory for %zu images", "%s: sin memoria para %zu imágenes", images, kept);
        goto done;
    }
    for (size_t i = 0, r = 0; i < n; i++) {
        got = fread(pix, 1, px, ii);
        if (got < px) {
            say(&o, "%s: truncated: image %zu of %zu has %zu of its %zu bytes",
                "%s: truncado: la imagen %zu de %zu tiene %zu de sus %zu bytes", images, i + 1, n,
                got, px);
            goto fail;
        }
        if (keep && !(lab[i] < 32 && (keep >> lab[i] & 1u))) continue;
        for (size_t k = 0; k < px; k++) d->x[r * px + k] = pix[k];
        d->y[r++] = lab[i];
    }
    if (idx_expect_end(ii, images, &o)) goto fail;
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
