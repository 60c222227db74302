/* nn_io.c -- an MLP's parameters as plain text, and back.
 *
 * The format is made to be read by people and diffed: a header line
 *     mg_mlp 1 <inputs> <size>:<activation> <size>:<activation> ...
 * ("1" is the format version), then one parameter per line in parameter
 * order, printed with %.17g so that reading it back gives the same double.
 * The reader is strict: anything it does not understand is an error that
 * names the line, never a silently different network.  It uses the public
 * API only. */
#include "micrograd.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Header: "mg_mlp 1 <n_in> <size>:<act> <size>:<act> ...", then the
 * parameters, one %.17g per line (round-trip exact). */
int mg_mlp_save(const mg_mlp *m, FILE *out) {
    if (!m || !out) return -1;
    mg_value **p = mg_mlp_params(m);   /* NULL when a reset dropped them (recorded) */
    if (!p) return -1;
    if (fprintf(out, "mg_mlp 1 %zu", mg_mlp_n_in(m)) < 0) return -1;
    for (size_t l = 0; l < mg_mlp_n_layers(m); l++)
        if (fprintf(out, " %zu:%s", mg_mlp_layer_size(m, l),
                    mg_activation_name(mg_mlp_layer_act(m, l))) < 0)
            return -1;
    if (fputc('\n', out) == EOF) return -1;
    for (size_t i = 0; i < mg_mlp_n_params(m); i++)
        if (fprintf(out, "%.17g\n", p[i]->data) < 0) return -1;
    return fflush(out) == 0 ? 0 : -1;
}

#define MAX_LINE 512
#define MAX_LAYERS 64

/* Read one line (without its newline) into buf.  Returns its length, -1 at
 * end of file, -2 when longer than MAX_LINE - 1 bytes, -3 on a NUL byte. */
static int read_line(FILE *in, char buf[MAX_LINE]) {
    int c, n = 0, nul = 0;
    while ((c = getc(in)) != EOF && c != '\n') {
        if (c == 0) nul = 1;
        if (n < MAX_LINE - 1) buf[n] = (char)c;
        n++;
    }
    if (c == EOF && n == 0) return -1;
    if (n >= MAX_LINE) return -2;
    if (n && buf[n - 1] == '\r') n--;   /* files edited on Windows */
    buf[n] = 0;
    return nul ? -3 : n;
}

static void load_error(char *err, size_t errlen, size_t line, const char *fmt, const char *what) {
    if (!err || !errlen) return;
    int k = snprintf(err, errlen, "line %zu: ", line);
    if (k >= 0 && (size_t)k < errlen) snprintf(err + k, errlen - (size_t)k, fmt, what);
}

/* The next space-separated word of *s (cut off in place), or NULL. */
static char *next_word(char **s) {
    char *p = *s + strspn(*s, " \t");
    if (!*p) return NULL;
    char *end = p + strcspn(p, " \t");
    *s = *end ? end + 1 : end;
    *end = 0;
    return p;
}

/* Parse the header line into n_in, sizes, acts; 0 or -1 (err written). */
static int parse_header(char *s, size_t *n_in, size_t *sizes, mg_activation *acts,
                        size_t *n_layers, char *err, size_t errlen) {
    char *tok = next_word(&s);
    if (!tok || strcmp(tok, "mg_mlp")) {
        load_error(err, errlen, 1, "%s",
                   "not an MLP file (the header must start with \"mg_mlp 1\")");
        return -1;
    }
    tok = next_word(&s);
    if (!tok || strcmp(tok, "1")) {
        load_error(err, errlen, 1, "unsupported format version '%s' (expected 1)", tok ? tok : "");
        return -1;
    }
    tok = next_word(&s);
    char *end;
    errno = 0;
    unsigned long long v = tok ? strtoull(tok, &end, 10) : 0;
    if (!tok || *end || v == 0 || errno || tok[0] == '-') {
        load_error(err, errlen, 1, "the input count '%s' is not a positive integer",
                   tok ? tok : "");
        return -1;
    }
    *n_in = (size_t)v;
    *n_layers = 0;
    while ((tok = next_word(&s))) {
        if (*n_layers == MAX_LAYERS) {
            load_error(err, errlen, 1, "more than %s layers", "64");
            return -1;
        }
        char *colon = strchr(tok, ':');
        if (!colon) {
            load_error(err, errlen, 1, "layer '%s' is not SIZE:ACTIVATION", tok);
            return -1;
        }
        *colon = 0;
        errno = 0;
        v = strtoull(tok, &end, 10);
        if (*end || v == 0 || errno || tok[0] == '-' || v > (1u << 24)) {
            load_error(err, errlen, 1, "layer size '%s' is not a positive integer", tok);
            return -1;
        }
        int act = mg_activation_parse(colon + 1);
        if (act < 0) {
            load_error(err, errlen, 1,
                       "unknown activation '%s' (expected tanh, relu, sigmoid or linear)",
                       colon + 1);
            return -1;
        }
        sizes[*n_layers] = (size_t)v;
        acts[(*n_layers)++] = (mg_activation)act;
    }
    if (*n_layers == 0) {
        load_error(err, errlen, 1, "%s", "the header names no layers");
        return -1;
    }
    return 0;
}

mg_mlp *mg_mlp_load(mg_graph *g, FILE *in, char *err, size_t errlen) {
    if (err && errlen) err[0] = 0;
    if (!g || !in) {
        if (err && errlen) snprintf(err, errlen, "mg_mlp_load: the graph or file is NULL");
        return NULL;
    }
    char line[MAX_LINE];
    size_t sizes[MAX_LAYERS], n_in, n_layers;
    mg_activation acts[MAX_LAYERS];
    int len = read_line(in, line);
    if (len == -1) {
        load_error(err, errlen, 1, "%s", "the file is empty");
        return NULL;
    }
    if (len < 0) {
        load_error(err, errlen, 1, "%s", len == -2 ? "the header is too long" : "a NUL byte");
        return NULL;
    }
    if (parse_header(line, &n_in, sizes, acts, &n_layers, err, errlen)) return NULL;

    size_t n = 0, fan = n_in;
    for (size_t l = 0; l < n_layers; l++) {
        if (sizes[l] > (SIZE_MAX / 16 - n) / (fan + 1)) {
            load_error(err, errlen, 1, "%s", "too many parameters");
            return NULL;
        }
        n += sizes[l] * (fan + 1);
        fan = sizes[l];
    }
    double *values = malloc(n * sizeof *values);
    if (!values) {
        load_error(err, errlen, 1, "%s", "out of memory for the parameters");
        return NULL;
    }
    mg_mlp *m = NULL;
    size_t lineno = 1;
    for (size_t k = 0; k < n; k++) {
        lineno++;
        len = read_line(in, line);
        if (len == -1) {
            char msg[96];
            snprintf(msg, sizeof msg, "the file ends after %zu of %zu parameters", k, n);
            load_error(err, errlen, lineno, "%s", msg);
            goto done;
        }
        if (len == -2 || len == -3) {
            load_error(err, errlen, lineno, "%s",
                       len == -2 ? "the line is too long" : "a NUL byte");
            goto done;
        }
        char *end;
        errno = 0;
        double x = strtod(line, &end);
        while (*end == ' ' || *end == '\t') end++;
        if (end == line || *end) {
            load_error(err, errlen, lineno, "'%s' is not a number", line);
            goto done;
        }
        if (!isfinite(x)) {
            load_error(err, errlen, lineno, "'%s' is not a finite number", line);
            goto done;
        }
        values[k] = x;
    }
    /* anything but blank lines after the last parameter is a mistake */
    while ((len = read_line(in, line)) != -1) {
        lineno++;
        size_t blank = len >= 0 ? strspn(line, " \t") : 0;
        if (len < 0 || line[blank]) {
            char msg[96];
            snprintf(msg, sizeof msg, "more values than the %zu parameters the header declares", n);
            load_error(err, errlen, lineno, "%s", msg);
            goto done;
        }
    }
    m = mg_mlp_new_from(g, n_in, sizes, n_layers, acts, values);
    if (!m) load_error(err, errlen, 1, "%s", mg_graph_error(g) ? mg_graph_error(g) : "no memory");
done:
    free(values);
    return m;
}
