/* nn_io.c -- an MLP's parameters as plain text, and back.
 *
 * The format is made to be read by people and diffed: a header line
 *     mg_mlp 1 <inputs> <size>:<activation> <size>:<activation> ...
 * ("1" is the format version), then one parameter per line in parameter
 * order, printed with %.17g so that reading it back gives the same double.
 * The reader is strict: anything it does not understand is an error that
 * names the line, in the graph's language, never a silently different
 * network.  Numbers go through mg_num_format and mg_num_parse, so a file
 * written under any locale reads back under any other.  It uses the public
 * API only. */
#include "micrograd.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Header: "mg_mlp 1 <n_in> <size>:<act> <size>:<act> ...", then the
 * parameters, one %.17g per line (round-trip exact). */
int mg_mlp_save(const mg_mlp *m, FILE *out) {
    if (!m || !out) return -1;
    if (fprintf(out, "mg_mlp 1 %zu", mg_mlp_n_in(m)) < 0) return -1;
    for (size_t l = 0; l < mg_mlp_n_layers(m); l++)
        if (fprintf(out, " %zu:%s", mg_mlp_layer_size(m, l),
                    mg_activation_name(mg_mlp_layer_act(m, l))) < 0)
            return -1;
    if (fputc('\n', out) == EOF) return -1;
    mg_value **p = mg_mlp_params(m);
    for (size_t i = 0; i < mg_mlp_n_params(m); i++) {
        char num[32];
        mg_num_format(num, sizeof num, "%.17g", p[i]->data);
        if (fprintf(out, "%s\n", num) < 0) return -1;
    }
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

/* Where the messages go and in which language. */
typedef struct sink {
    char *err;
    size_t errlen;
    int es;   /* Spanish */
} sink;

/* "line N: " and the message, in English or in Spanish (the same
 * arguments in both). */
static void load_error(const sink *o, size_t line, const char *en, const char *es, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 5), format(printf, 4, 5)))
#endif
    ;
static void load_error(const sink *o, size_t line, const char *en, const char *es, ...) {
    if (!o->err || !o->errlen) return;
    int k = snprintf(o->err, o->errlen, o->es ? "línea %zu: " : "line %zu: ", line);
    if (k >= 0 && (size_t)k < o->errlen) {
        va_list ap;
        va_start(ap, es);
        vsnprintf(o->err + k, o->errlen - (size_t)k, o->es ? es : en, ap);
        va_end(ap);
    }
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
                        size_t *n_layers, const sink *o) {
    char *tok = next_word(&s);
    if (!tok || strcmp(tok, "mg_mlp")) {
        load_error(o, 1, "not an MLP file (the header must start with \"mg_mlp 1\")",
                   "no es un archivo de MLP (la cabecera debe empezar con \"mg_mlp 1\")");
        return -1;
    }
    tok = next_word(&s);
    if (!tok || strcmp(tok, "1")) {
        load_error(o, 1, "unsupported format version '%s' (expected 1)",
                   "versión de formato '%s' no soportada (se esperaba 1)", tok ? tok : "");
        return -1;
    }
    tok = next_word(&s);
    char *end;
    errno = 0;
    unsigned long long v = tok ? strtoull(tok, &end, 10) : 0;
    if (!tok || *end || v == 0 || errno || tok[0] == '-') {
        load_error(o, 1, "the input count '%s' is not a positive integer",
                   "el número de entradas '%s' no es un entero positivo", tok ? tok : "");
        return -1;
    }
    *n_in = (size_t)v;
    *n_layers = 0;
    while ((tok = next_word(&s))) {
        if (*n_layers == MAX_LAYERS) {
            load_error(o, 1, "more than %s layers", "más de %s capas", "64");
            return -1;
        }
        char *colon = strchr(tok, ':');
        if (!colon) {
            load_error(o, 1, "layer '%s' is not SIZE:ACTIVATION",
                       "la capa '%s' no tiene la forma TAMAÑO:ACTIVACIÓN", tok);
            return -1;
        }
        *colon = 0;
        errno = 0;
        v = strtoull(tok, &end, 10);
        if (*end || v == 0 || errno || tok[0] == '-' || v > (1u << 24)) {
            load_error(o, 1, "layer size '%s' is not a positive integer",
                       "el tamaño de capa '%s' no es un entero positivo", tok);
            return -1;
        }
        int act = mg_activation_parse(colon + 1);
        if (act < 0) {
            load_error(o, 1, "unknown activation '%s' (expected tanh, relu, sigmoid or linear)",
                       "activación desconocida '%s' (se esperaba tanh, relu, sigmoid o linear)",
                       colon + 1);
            return -1;
        }
        sizes[*n_layers] = (size_t)v;
        acts[(*n_layers)++] = (mg_activation)act;
    }
    if (*n_layers == 0) {
        load_error(o, 1, "the header names no layers", "la cabecera no nombra ninguna capa");
        return -1;
    }
    return 0;
}

mg_mlp *mg_mlp_load(mg_graph *g, FILE *in, char *err, size_t errlen) {
    if (err && errlen) err[0] = 0;
    const sink o = {err, errlen, mg_graph_lang(g) == MG_LANG_ES};
    if (!g || !in) {
        if (err && errlen) snprintf(err, errlen, "mg_mlp_load: the graph or file is NULL");
        return NULL;
    }
    char line[MAX_LINE];
    size_t sizes[MAX_LAYERS], n_in, n_layers;
    mg_activation acts[MAX_LAYERS];
    int len = read_line(in, line);
    if (len == -1) {
        load_error(&o, 1, "the file is empty", "el archivo está vacío");
        return NULL;
    }
    if (len < 0) {
        if (len == -2) load_error(&o, 1, "the header is too long", "la cabecera es demasiado larga");
        else load_error(&o, 1, "a NUL byte", "un byte NUL");
        return NULL;
    }
    if (parse_header(line, &n_in, sizes, acts, &n_layers, &o)) return NULL;

    size_t n = 0, fan = n_in;
    for (size_t l = 0; l < n_layers; l++) {
        if (sizes[l] > (SIZE_MAX / 16 - n) / (fan + 1)) {
            load_error(&o, 1, "too many parameters", "demasiados parámetros");
            return NULL;
        }
        n += sizes[l] * (fan + 1);
        fan = sizes[l];
    }
    double *values = malloc(n * sizeof *values);
    if (!values) {
        load_error(&o, 1, "out of memory for the parameters", "sin memoria para los parámetros");
        return NULL;
    }
    mg_mlp *m = NULL;
    size_t lineno = 1;
    for (size_t k = 0; k < n; k++) {
        lineno++;
        len = read_line(in, line);
        if (len == -1) {
            load_error(&o, lineno, "the file ends after %zu of %zu parameters",
                       "el archivo termina después de %zu de %zu parámetros", k, n);
            goto done;
        }
        if (len == -2 || len == -3) {
            if (len == -2) load_error(&o, lineno, "the line is too long", "la línea es demasiado larga");
            else load_error(&o, lineno, "a NUL byte", "un byte NUL");
            goto done;
        }
        char *end;
        errno = 0;
        double x = mg_num_parse(line, &end);   /* '.' whatever the locale */
        while (*end == ' ' || *end == '\t') end++;
        if (end > line && *end == ',' && end[1] >= '0' && end[1] <= '9') {
            /* a file written with a decimal comma (printf under es_CL, say) */
            load_error(&o, lineno, "'%s' has a decimal comma: write the number with a point",
                       "'%s' tiene coma decimal: escriba el número con punto", line);
            goto done;
        }
        if (end == line || *end) {
            load_error(&o, lineno, "'%s' is not a number", "'%s' no es un número", line);
            goto done;
        }
        if (!isfinite(x)) {
            load_error(&o, lineno, "'%s' is not a finite number", "'%s' no es un número finito",
                       line);
            goto done;
        }
        values[k] = x;
    }
    /* anything but blank lines after the last parameter is a mistake */
    while ((len = read_line(in, line)) != -1) {
        lineno++;
        size_t blank = len >= 0 ? strspn(line, " \t") : 0;
        if (len < 0 || line[blank]) {
            load_error(&o, lineno, "more values than the %zu parameters the header declares",
                       "más valores que los %zu parámetros que declara la cabecera", n);
            goto done;
        }
    }
    m = mg_mlp_new_from(g, n_in, sizes, n_layers, acts, values);
    if (!m && mg_graph_error(g)) load_error(&o, 1, "%s", "%s", mg_graph_error(g));
    else if (!m) load_error(&o, 1, "no memory", "sin memoria");
done:
    free(values);
    return m;
}
