/* nn_io.c -- an MLP's parameters as plain text, and back.
 *
 * The format is made to be read by people and diffed: a header line
 *     mg_mlp 1 <inputs> <size>:<activation> <size>:<activation> ...
 * ("1" is the format version), then one parameter per line in parameter
 * order, printed with %.17g so that reading it back gives the same double.
 * The reader is strict: anything it does not understand is an error that
 * names the line, in the graph's language, never a silently different
 * network.  Numbers go through mg_num_format and mg_num_parse, so a file
 * written under any locale reads back under any other.  A model holding
 * a parameter that is not finite (a training run that diverged) is not
 * saved: every file mg_mlp_save writes loads again.  It uses the public
 * API, and core only for the graph's error and the number reader. */
#include "core/core.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Header: "mg_mlp 1 <n_in> <size>:<act> <size>:<act> ...", then the
 * parameters, one %.17g per line (round-trip exact). */
int mg_mlp_save(const mg_mlp *m, FILE *out) {
    if (!m || !out) return -1;
    mg_value **p = mg_mlp_params(m);   /* NULL when a reset dropped them (recorded) */
    if (!p) return -1;
    for (size_t i = 0; i < mg_mlp_n_params(m); i++) {
        if (isfinite(p[i]->data)) continue;
        char num[32], b[32];
        mg_num_format(num, sizeof num, "%g", p[i]->data);
        mg__error(mg_mlp_graph(m),
                   "mg_mlp_save: parameter %zu ('%s') is %s: a model that is not finite is not "
                   "saved (did the training diverge?)",
                   "mg_mlp_save: el parámetro %zu ('%s') vale %s: un modelo que no es finito no se "
                   "guarda (¿divergió el entrenamiento?)",
                   i, mg__name(p[i], b), num);
        return -1;
    }
    if (fprintf(out, "mg_mlp 1 %zu", mg_mlp_n_in(m)) < 0) return -1;
    for (size_t l = 0; l < mg_mlp_n_layers(m); l++)
        if (fprintf(out, " %zu:%s", mg_mlp_layer_size(m, l),
                    mg_activation_name(mg_mlp_layer_act(m, l))) < 0)
            return -1;
    if (fputc('\n', out) == EOF) return -1;
    for (size_t i = 0; i < mg_mlp_n_params(m); i++) {
        char num[32];
        mg_num_format(num, sizeof num, "%.17g", p[i]->data);
        if (fprintf(out, "%s\n", num) < 0) return -1;
    }
    return fflush(out) == 0 ? 0 : -1;
}

#define MAX_LAYERS 64

/* One line of the file, without its newline, in a buffer grown as needed:
 * a number may have any number of digits. */
typedef struct line_buf {
    char *s;
    size_t cap;
} line_buf;

/* Read the next line into b->s.  Returns 0 (a line was read), -1 at the
 * end of the file, -2 when out of memory, -3 on a NUL byte, -4 on a read
 * error (a directory, say: errno tells). */
static int read_line(FILE *in, line_buf *b) {
    int c, nul = 0;
    size_t n = 0;
    while ((c = getc(in)) != EOF && c != '\n') {
        if (c == 0) nul = 1;
        if (n + 2 > b->cap) {
            size_t cap = b->cap ? 2 * b->cap : 256;
            char *s = realloc(b->s, cap);
            if (!s) return -2;
            b->s = s;
            b->cap = cap;
        }
        b->s[n++] = (char)c;
    }
    if (c == EOF && ferror(in)) return -4;
    if (c == EOF && n == 0) return -1;
    if (!b->s && !(b->s = malloc(b->cap = 1))) return -2;
    if (n && b->s[n - 1] == '\r') n--;   /* files edited on Windows */
    b->s[n] = 0;
    return nul ? -3 : 0;
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

/* Say why line `lineno` could not be read (read_line's code r < 0). */
static void line_error(const sink *o, size_t lineno, int r) {
    if (r == -2) load_error(o, lineno, "out of memory", "sin memoria");
    else if (r == -3) load_error(o, lineno, "a NUL byte", "un byte NUL");
    else if (r == -4)
        load_error(o, lineno, "read error: %s", "error de lectura: %s", strerror(errno));
}

/* A parameter's line as it should be shown in a message: at most 40
 * bytes, control characters (an invisible carriage return, say) as \r,
 * \xNN. */
static const char *shown(char buf[200], const char *s) {
    size_t k = 0, i = 0;
    for (; s[i] && i < 40; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\r') k += (size_t)snprintf(buf + k, 5, "\\r");
        else if (c < 0x20 || c == 0x7F) k += (size_t)snprintf(buf + k, 5, "\\x%02X", c);
        else buf[k++] = (char)c;
    }
    if (s[i]) k += (size_t)snprintf(buf + k, 4, "...");
    buf[k] = 0;
    return buf;
}

/* The number on one parameter line (spaces and tabs around it allowed);
 * 0, or -1 with the message written. */
static int parse_param(const sink *o, size_t lineno, const char *line, double *x) {
    const char *a = line + strspn(line, " \t"), *b = a + strlen(a);
    while (b > a && (b[-1] == ' ' || b[-1] == '\t')) b--;
    char tmp[200];
    char *end;
    mg_num_parse(a, &end);
    if (end > a && *end == ',' && end[1] >= '0' && end[1] <= '9') {
        /* a file written with a decimal comma (printf under es_CL, say) */
        load_error(o, lineno, "'%s' has a decimal comma: write the number with a point",
                   "'%s' tiene coma decimal: escriba el número con punto", shown(tmp, line));
        return -1;
    }
    switch (mg__num_read(a, (size_t)(b - a), x)) {
    case MG__NUM_OK: return 0;
    case MG__NUM_HUGE:
        load_error(o, lineno, "'%s' is too large for a double", "'%s' es demasiado grande para un double",
                   shown(tmp, a));
        return -1;
    case MG__NUM_TINY:
        load_error(o, lineno, "'%s' is too small for a double: it would be read as 0",
                   "'%s' es demasiado pequeño para un double: se leería como 0", shown(tmp, a));
        return -1;
    case MG__NUM_NONFINITE:
        load_error(o, lineno, "'%s' is not a finite number", "'%s' no es un número finito",
                   shown(tmp, a));
        return -1;
    default:
        load_error(o, lineno, "'%s' is not a number", "'%s' no es un número", shown(tmp, line));
        return -1;
    }
}

mg_mlp *mg_mlp_load(mg_graph *g, FILE *in, char *err, size_t errlen) {
    if (err && errlen) err[0] = 0;
    const sink o = {err, errlen, mg_graph_lang(g) == MG_LANG_ES};
    if (!g || !in) {
        if (err && errlen) snprintf(err, errlen, "mg_mlp_load: the graph or file is NULL");
        return NULL;
    }
    line_buf line = {0};
    size_t sizes[MAX_LAYERS], n_in, n_layers;
    mg_activation acts[MAX_LAYERS];
    double *values = NULL;
    mg_mlp *m = NULL;
    int r = read_line(in, &line);
    if (r == -1) {
        load_error(&o, 1, "the file is empty", "el archivo está vacío");
        goto done;
    }
    if (r < 0) {
        line_error(&o, 1, r);
        goto done;
    }
    /* a UTF-8 byte-order mark, as some editors write, is not part of the text */
    char *header = line.s + (!strncmp(line.s, "\xEF\xBB\xBF", 3) ? 3 : 0);
    if (strlen(header) > 4096) {
        load_error(&o, 1, "the header is too long", "la cabecera es demasiado larga");
        goto done;
    }
    if (parse_header(header, &n_in, sizes, acts, &n_layers, &o)) goto done;

    /* weights and bias per neuron: fan + 1 each, counted without overflow
     * (fan + 1 itself wraps to 0 for 18446744073709551615 inputs) */
    const size_t max_params = (size_t)1 << 40;
    size_t n = 0, fan = n_in;
    for (size_t l = 0; l < n_layers; l++) {
        if (fan > max_params - 1 || sizes[l] > (max_params - n) / (fan + 1)) {
            load_error(&o, 1, "layer %zu (%zu neurons of %zu inputs) makes too many parameters",
                       "la capa %zu (%zu neuronas de %zu entradas) da demasiados parámetros", l + 1,
                       sizes[l], fan);
            goto done;
        }
        n += sizes[l] * (fan + 1);
        fan = sizes[l];
    }
    /* the values array grows with the lines actually read, so a short file
     * whose header declares a billion parameters costs no more than it
     * holds */
    size_t cap = 0, lineno = 1;
    for (size_t k = 0; k < n; k++) {
        lineno++;
        r = read_line(in, &line);
        if (r == -1) {
            load_error(&o, lineno, "the file ends after %zu of %zu parameters",
                       "el archivo termina después de %zu de %zu parámetros", k, n);
            goto done;
        }
        if (r < 0) {
            line_error(&o, lineno, r);
            goto done;
        }
        if (k == cap) {
            size_t c = cap ? (2 * cap < n ? 2 * cap : n) : (n < 1024 ? n : 1024);
            double *v = realloc(values, c * sizeof *v);
            if (!v) {
                load_error(&o, lineno, "out of memory for the parameters",
                           "sin memoria para los parámetros");
                goto done;
            }
            values = v;
            cap = c;
        }
        if (parse_param(&o, lineno, line.s, &values[k])) goto done;
    }
    /* anything but blank lines after the last parameter is a mistake */
    while ((r = read_line(in, &line)) != -1) {
        lineno++;
        if (r == -2 || r == -4) {
            line_error(&o, lineno, r);
            goto done;
        }
        if (r < 0 || line.s[strspn(line.s, " \t")]) {
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
    free(line.s);
    return m;
}
