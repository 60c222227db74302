/* safetensors.c -- an MLP as a safetensors file, the format PyTorch users
 * share weights in, and back: the bridge to and from torch.nn.Sequential.
 *
 * The format: 8 bytes, the header's length N as a little-endian unsigned
 * 64-bit integer; N bytes of JSON, an object whose keys name the tensors,
 * each {"dtype": "F64", "shape": [out, in], "data_offsets": [begin, end]}
 * with offsets counted from the first byte after the header, and an
 * optional "__metadata__" object of strings; then the data, row-major and
 * little-endian, every byte belonging to exactly one tensor.
 *
 * An MLP is written as torch.nn.Sequential(Linear, act, Linear, act, ...)
 * names its state: layer l's weight is "<k>.weight" with shape [out, in]
 * and its bias "<k>.bias" [out], where k counts the Sequential's modules,
 * so each activation module takes an index (linear layers have none): 0, 2,
 * 4, ... for tanh/relu/sigmoid layers.  The activations go in the metadata,
 * "mg_activations": "relu,relu,linear", since tensors alone cannot say.
 *
 * The reader is strict and trusts nothing: the header length against the
 * file, the JSON by a strict parser (json.c), every offset against the
 * data, each tensor's byte count against its shape and dtype, and no two
 * tensors sharing a byte.  Each problem is one message naming it. */
#include "nn/json.h"
#include "nn/nn.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The reference implementation refuses headers above 100 MB too. */
#define MAX_HEADER 100000000u
#define MAX_DIMS 8

/* ---------------------------------------------------------------- write */

/* A growing byte buffer; `failed` once any growth failed. */
typedef struct text {
    char *s;
    size_t len, cap;
    int failed;
} text;

static void put(text *t, const char *s, size_t n) {
    if (t->failed) return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < t->len + n + 1) cap *= 2;
        char *p = realloc(t->s, cap);
        if (!p) {
            t->failed = 1;
            return;
        }
        t->s = p;
        t->cap = cap;
    }
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = 0;
}

static void puts_(text *t, const char *s) { put(t, s, strlen(s)); }

/* An unsigned integer in decimal: integers need no locale care, but this
 * keeps every byte of the header in our hands. */
static void put_uint(text *t, uint64_t v) {
    char buf[24], *p = buf + sizeof buf;
    do *--p = (char)('0' + v % 10); while (v /= 10);
    put(t, p, (size_t)(buf + sizeof buf - p));
}

/* The Sequential index of each layer's Linear module. */
static size_t module_index(const mg_mlp *m, size_t layer) {
    size_t k = 0;
    for (size_t l = 0; l < layer; l++) k += 1 + (mg_mlp_layer_act(m, l) != MG_ACT_LINEAR);
    return k;
}

/* name = prefix + "." + rest, or rest alone for no prefix */
static void put_name(text *t, const char *prefix, size_t module, const char *what) {
    puts_(t, "\"");
    if (prefix && *prefix) {
        puts_(t, prefix);
        puts_(t, ".");
    }
    put_uint(t, module);
    puts_(t, what);
    puts_(t, "\"");
}

/* One net's tensors in the header, from data offset *at on. */
static void put_tensors(text *h, const mg_mlp *m, const char *prefix, uint64_t *at) {
    for (size_t l = 0; l < mg_mlp_n_layers(m); l++) {
        const size_t n_out = mg_mlp_layer_size(m, l);
        const size_t n_in = l ? mg_mlp_layer_size(m, l - 1) : mg_mlp_n_in(m);
        for (int bias = 0; bias < 2; bias++) {
            const uint64_t bytes = 8u * (uint64_t)n_out * (bias ? 1 : (uint64_t)n_in);
            puts_(h, ",");
            put_name(h, prefix, module_index(m, l), bias ? ".bias" : ".weight");
            puts_(h, ":{\"dtype\":\"F64\",\"shape\":[");
            put_uint(h, n_out);
            if (!bias) {
                puts_(h, ",");
                put_uint(h, n_in);
            }
            puts_(h, "],\"data_offsets\":[");
            put_uint(h, *at);
            puts_(h, ",");
            put_uint(h, *at + bytes);
            puts_(h, "]}");
            *at += bytes;
        }
    }
}

/* One net's data: each layer's weights row by row (a neuron's inputs),
 * then its biases, as little-endian doubles.  0, or -1 when writing failed. */
static int put_data(FILE *out, const mg_mlp *m) {
    mg_value *const *p = mg_mlp_params(m);
    for (size_t l = 0, first = 0; l < mg_mlp_n_layers(m); l++) {
        const size_t n_out = mg_mlp_layer_size(m, l);
        const size_t n_in = l ? mg_mlp_layer_size(m, l - 1) : mg_mlp_n_in(m);
        for (int bias = 0; bias < 2; bias++)
            for (size_t j = 0; j < n_out; j++)
                for (size_t i = bias ? n_in : 0; i < (bias ? n_in + 1 : n_in); i++) {
                    uint64_t bits;
                    unsigned char b[8];
                    memcpy(&bits, &p[first + j * (n_in + 1) + i]->data, 8);
                    for (int k = 0; k < 8; k++) b[k] = (unsigned char)(bits >> (8 * k));
                    if (fwrite(b, 1, 8, out) != 8) return -1;
                }
        first += n_out * (n_in + 1);
    }
    return 0;
}

int mg_safetensors_save(FILE *out, const mg_mlp *const *mlps, const char *const *prefixes,
                        size_t n) {
    if (!out || !mlps || n == 0) return -1;
    for (size_t k = 0; k < n; k++) {
        if (!mlps[k] || !mg_mlp_params(mlps[k])) return -1;   /* NULL: a reset dropped them */
        const char *pre = prefixes ? prefixes[k] : NULL;
        for (const char *c = pre; c && *c; c++)   /* written into JSON as they are */
            if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20) return -1;
    }
    text h = {0};
    puts_(&h, "{\"__metadata__\":{\"format\":\"pt\"");
    for (size_t k = 0; k < n; k++) {
        const char *pre = prefixes ? prefixes[k] : NULL;
        puts_(&h, ",\"");
        if (pre && *pre) {
            puts_(&h, pre);
            puts_(&h, ".");
        }
        puts_(&h, "mg_activations\":\"");
        for (size_t l = 0; l < mg_mlp_n_layers(mlps[k]); l++) {
            if (l) puts_(&h, ",");
            puts_(&h, mg_activation_name(mg_mlp_layer_act(mlps[k], l)));
        }
        puts_(&h, "\"");
    }
    puts_(&h, "}");
    uint64_t at = 0;
    for (size_t k = 0; k < n; k++) put_tensors(&h, mlps[k], prefixes ? prefixes[k] : NULL, &at);
    puts_(&h, "}");
    while (!h.failed && h.len % 8) puts_(&h, " ");   /* the data starts 8-aligned */
    if (h.failed) {
        free(h.s);
        return -1;
    }
    unsigned char len8[8];
    for (int k = 0; k < 8; k++) len8[k] = (unsigned char)((uint64_t)h.len >> (8 * k));
    int ok = fwrite(len8, 1, 8, out) == 8 && fwrite(h.s, 1, h.len, out) == h.len;
    free(h.s);
    for (size_t k = 0; ok && k < n; k++) ok = put_data(out, mlps[k]) == 0;
    return ok && fflush(out) == 0 ? 0 : -1;
}

int mg_mlp_save_safetensors(const mg_mlp *m, FILE *out) {
    return m ? mg_safetensors_save(out, &m, NULL, 1) : -1;
}

/* ----------------------------------------------------------------- read */

typedef struct tensor {
    char *name;
    unsigned elem;            /* bytes per element: 4 (F32) or 8 (F64) */
    uint64_t shape[MAX_DIMS];
    size_t ndim;
    uint64_t begin, end;      /* data_offsets */
    size_t module;            /* from the name "<module>.weight" / ".bias" */
    int is_bias;
} tensor;

typedef struct reader {
    char *err;
    size_t errlen;
    int es;                   /* messages in Spanish */
    tensor *t;
    size_t n, cap;
    char *acts;               /* the metadata's mg_activations, or NULL */
    const char *prefix;       /* "" for none */
} reader;

static int say(reader *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static int say(reader *r, const char *fmt, ...) {
    if (r->err && r->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->err, r->errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* A tensor's name fit for a message: at most 60 bytes, control bytes as '?'. */
static const char *shown(const char *name, char buf[64]) {
    size_t k = 0;
    for (; name[k] && k < 60; k++) buf[k] = (unsigned char)name[k] < 0x20 || name[k] == 0x7f ? '?' : name[k];
    if (name[k]) buf[k - 1] = buf[k - 2] = buf[k - 3] = '.';
    buf[k] = 0;
    return buf;
}

/* The JSON reader's problem, in words. */
static int json_error(reader *r, const mg__json *j) {
    static const char *const codes[] = {MG__JSON_WANT_STRING, MG__JSON_UNTERMINATED,
                                        MG__JSON_CONTROL, MG__JSON_BAD_ESCAPE, MG__JSON_WANT_UINT,
                                        MG__JSON_TOO_BIG, MG__JSON_BAD_VALUE, MG__JSON_TOO_DEEP,
                                        MG__JSON_WANT_COLON, MG__JSON_WANT_COMMA,
                                        MG__JSON_NO_MEMORY, "object", "end", "field", "twice",
                                        "missing", "dims", "pair", "meta"};
    static const char *const en[] = {
        "expected a string", "a string never ends", "a control character inside a string",
        "a bad escape in a string", "expected a non-negative integer",
        "an integer too large", "expected a JSON value", "nesting too deep", "expected ':'",
        "expected ',' or a closing bracket", "out of memory", "expected '{'",
        "something follows the closing '}'", "an unknown field in a tensor",
        "a field given twice", "a tensor without dtype, shape or data_offsets",
        "a shape with more than 8 dimensions", "data_offsets must be two integers",
        "__metadata__ values must be strings"};
    static const char *const es[] = {
        "se esperaba una cadena", "una cadena que no termina",
        "un carácter de control dentro de una cadena", "un escape inválido en una cadena",
        "se esperaba un entero no negativo", "un entero demasiado grande",
        "se esperaba un valor JSON", "anidamiento demasiado profundo", "se esperaba ':'",
        "se esperaba ',' o un cierre", "sin memoria", "se esperaba '{'",
        "hay algo después de la '}' final", "un campo desconocido en un tensor",
        "un campo repetido", "un tensor sin dtype, shape o data_offsets",
        "una forma (shape) de más de 8 dimensiones",
        "data_offsets debe tener dos enteros", "los valores de __metadata__ deben ser cadenas"};
    size_t k = 0;
    while (k < sizeof codes / sizeof codes[0] - 1 && strcmp(codes[k], j->what)) k++;
    return say(r, r->es ? "encabezado JSON inválido en el byte %zu: %s"
                        : "bad JSON header at byte %zu: %s",
               j->at, r->es ? es[k] : en[k]);
}

/* [a, b, ...] of at most max non-negative integers into v; their count in *n. */
static int uint_array(mg__json *j, uint64_t *v, size_t max, size_t *n, const char *too_many) {
    *n = 0;
    if (mg__json_expect(j, '[', MG__JSON_BAD_VALUE)) return -1;
    if (mg__json_peek(j) == ']') return j->i++, 0;
    for (;;) {
        if (*n == max) return mg__json_fail(j, too_many);
        if (mg__json_uint(j, &v[(*n)++])) return -1;
        if (mg__json_peek(j) == ']') return j->i++, 0;
        if (mg__json_expect(j, ',', MG__JSON_WANT_COMMA)) return -1;
    }
}

/* One tensor's {"dtype": ..., "shape": [...], "data_offsets": [b, e]}.
 * An unknown dtype is noted as elem 0, for a message naming it later. */
static int tensor_info(mg__json *j, tensor *t, char **dtype) {
    int seen[3] = {0, 0, 0};
    if (mg__json_expect(j, '{', "object")) return -1;
    if (mg__json_peek(j) == '}') return mg__json_fail(j, "missing");
    for (;;) {
        char *key;
        if (mg__json_string(j, &key)) return -1;
        int k = !strcmp(key, "dtype") ? 0 : !strcmp(key, "shape") ? 1
                : !strcmp(key, "data_offsets") ? 2 : -1;
        free(key);
        if (k < 0) return mg__json_fail(j, "field");
        if (seen[k]++) return mg__json_fail(j, "twice");
        if (mg__json_expect(j, ':', MG__JSON_WANT_COLON)) return -1;
        uint64_t off[2];
        size_t n_off;
        if (k == 0 && mg__json_string(j, dtype)) return -1;
        if (k == 1 && uint_array(j, t->shape, MAX_DIMS, &t->ndim, "dims")) return -1;
        if (k == 2) {
            if (uint_array(j, off, 2, &n_off, "pair")) return -1;
            if (n_off != 2) return mg__json_fail(j, "pair");
            t->begin = off[0];
            t->end = off[1];
        }
        if (mg__json_peek(j) == '}') break;
        if (mg__json_expect(j, ',', MG__JSON_WANT_COMMA)) return -1;
    }
    j->i++;
    return seen[0] && seen[1] && seen[2] ? 0 : mg__json_fail(j, "missing");
}

/* Whether key is "<prefix>.mg_activations" (or "mg_activations" for no prefix). */
static int is_acts_key(const reader *r, const char *key) {
    size_t n = strlen(r->prefix);
    if (n && (strncmp(key, r->prefix, n) || key[n] != '.')) return 0;
    return !strcmp(key + n + (n > 0), "mg_activations");
}

/* {"key": "value", ...}: keeps the activations of the net asked for. */
static int metadata(mg__json *j, reader *r) {
    if (mg__json_expect(j, '{', "object")) return -1;
    if (mg__json_peek(j) == '}') return j->i++, 0;
    for (;;) {
        char *key, *value;
        if (mg__json_string(j, &key)) return -1;
        int keep = is_acts_key(r, key);
        free(key);
        if (mg__json_expect(j, ':', MG__JSON_WANT_COLON)) return -1;
        if (mg__json_peek(j) != '"') return mg__json_fail(j, "meta");
        if (mg__json_string(j, &value)) return -1;
        if (keep) {
            free(r->acts);
            r->acts = value;
        } else {
            free(value);
        }
        if (mg__json_peek(j) == '}') return j->i++, 0;
        if (mg__json_expect(j, ',', MG__JSON_WANT_COMMA)) return -1;
    }
}

/* The whole header: every tensor into r->t, the metadata into r->acts. */
static int header(reader *r, const char *s, size_t n) {
    mg__json j = {s, n, 0, NULL, 0};
    if (n == 0 || s[0] != '{') return say(r, r->es ? "el encabezado no empieza con '{'"
                                                   : "the header does not start with '{'");
    j.i = 1;
    int seen_meta = 0;
    if (mg__json_peek(&j) == '}') {
        j.i++;
    } else {
        for (;;) {
            char *key, *dtype = NULL;
            if (mg__json_string(&j, &key)) break;
            if (mg__json_expect(&j, ':', MG__JSON_WANT_COLON)) {
                free(key);
                break;
            }
            if (!strcmp(key, "__metadata__")) {
                free(key);
                if (seen_meta++) {
                    mg__json_fail(&j, "twice");
                    break;
                }
                if (metadata(&j, r)) break;
            } else {
                if (r->n == r->cap) {
                    size_t cap = r->cap ? 2 * r->cap : 16;
                    tensor *t = realloc(r->t, cap * sizeof *t);
                    if (!t) {
                        free(key);
                        mg__json_fail(&j, MG__JSON_NO_MEMORY);
                        break;
                    }
                    r->t = t;
                    r->cap = cap;
                }
                tensor *t = &r->t[r->n++];
                memset(t, 0, sizeof *t);
                t->name = key;
                int bad = tensor_info(&j, t, &dtype);
                if (dtype) t->elem = !strcmp(dtype, "F64") ? 8 : !strcmp(dtype, "F32") ? 4 : 0;
                if (!bad && !t->elem) {
                    char b1[64], b2[64];
                    say(r, r->es ? "el tensor '%s' es de tipo %s: solo se leen F32 y F64"
                                 : "tensor '%s' has dtype %s: only F32 and F64 are read",
                        shown(t->name, b1), shown(dtype, b2));
                    free(dtype);
                    return -1;
                }
                free(dtype);
                if (bad) break;
            }
            if (mg__json_peek(&j) == '}') {
                j.i++;
                break;
            }
            if (mg__json_expect(&j, ',', MG__JSON_WANT_COMMA)) break;
        }
    }
    if (!j.what) {
        mg__json_ws(&j);   /* writers pad the header with spaces */
        if (j.i < j.n) mg__json_fail(&j, "end");
    }
    return j.what ? json_error(r, &j) : 0;
}

/* "<k>.weight" or "<k>.bias" (after the prefix and its dot) -> t->module,
 * t->is_bias; -1 for other names. */
static int layer_name(tensor *t, size_t skip) {
    const char *s = t->name + skip;
    size_t k = 0;
    if (*s < '0' || *s > '9' || (s[0] == '0' && s[1] >= '0' && s[1] <= '9')) return -1;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (k > (SIZE_MAX - 9) / 10) return -1;
        k = k * 10 + (size_t)(*s - '0');
    }
    if (strcmp(s, ".weight") && strcmp(s, ".bias")) return -1;
    t->module = k;
    t->is_bias = s[1] == 'b';
    return 0;
}

static int by_begin(const void *a, const void *b) {
    const tensor *x = a, *y = b;
    return (x->begin > y->begin) - (x->begin < y->begin);
}

static int by_module(const void *a, const void *b) {
    const tensor *x = a, *y = b;
    if (x->module != y->module) return (x->module > y->module) - (x->module < y->module);
    return x->is_bias - y->is_bias;   /* the weight first */
}

/* Each tensor's bytes inside the data and matching its shape; no byte
 * shared, none left over. */
static int check_data(reader *r, uint64_t data_len) {
    char b1[64], b2[64];
    for (size_t k = 0; k < r->n; k++) {
        tensor *t = &r->t[k];
        uint64_t count = 1;
        for (size_t d = 0; d < t->ndim; d++) {
            if (t->shape[d] && count > UINT64_MAX / t->elem / t->shape[d])
                return say(r, r->es ? "el tensor '%s' tiene una forma demasiado grande"
                                    : "tensor '%s' has a shape too large", shown(t->name, b1));
            count *= t->shape[d];
        }
        if (t->end < t->begin)
            return say(r, r->es ? "el tensor '%s' tiene data_offsets [%llu, %llu]: el fin va antes del inicio"
                                : "tensor '%s' has data_offsets [%llu, %llu]: the end comes before the beginning",
                       shown(t->name, b1), (unsigned long long)t->begin, (unsigned long long)t->end);
        if (t->end > data_len)
            return say(r, r->es ? "archivo truncado: el tensor '%s' llega hasta el byte %llu de los datos, "
                                  "pero tras el encabezado hay %llu bytes"
                                : "truncated file: tensor '%s' reaches byte %llu of the data, "
                                  "but %llu bytes follow the header",
                       shown(t->name, b1), (unsigned long long)t->end, (unsigned long long)data_len);
        if (t->end - t->begin != count * t->elem)
            return say(r, r->es ? "el tensor '%s' ocupa %llu bytes, pero su forma y tipo piden %llu"
                                : "tensor '%s' spans %llu bytes, but its shape and dtype need %llu",
                       shown(t->name, b1), (unsigned long long)(t->end - t->begin),
                       (unsigned long long)(count * t->elem));
    }
    if (r->n) qsort(r->t, r->n, sizeof *r->t, by_begin);   /* a file of no tensors has no array */
    uint64_t at = 0;
    for (size_t k = 0; k < r->n; k++) {
        const tensor *t = &r->t[k];
        if (k && t->begin < at && t->end > t->begin)
            return say(r, r->es ? "los tensores '%s' y '%s' comparten bytes de datos"
                                : "tensors '%s' and '%s' overlap in the data",
                       shown(r->t[k - 1].name, b1), shown(t->name, b2));
        if (t->begin > at)
            return say(r, r->es ? "los bytes %llu a %llu de los datos no son de ningún tensor"
                                : "bytes %llu to %llu of the data belong to no tensor",
                       (unsigned long long)at, (unsigned long long)t->begin);
        if (t->end > at) at = t->end;
    }
    if (at != data_len)
        return say(r, r->es ? "%llu bytes al final del archivo no son de ningún tensor"
                            : "%llu bytes at the end of the file belong to no tensor",
                   (unsigned long long)(data_len - at));
    return 0;
}

/* Element k of tensor t as a double (little-endian F64, or F32 widened). */
static double element(const unsigned char *data, const tensor *t, uint64_t k) {
    const unsigned char *p = data + t->begin + k * t->elem;
    uint64_t bits = 0;
    for (unsigned b = 0; b < t->elem; b++) bits |= (uint64_t)p[b] << (8 * b);
    if (t->elem == 8) {
        double d;
        memcpy(&d, &bits, sizeof d);
        return d;
    }
    uint32_t b32 = (uint32_t)bits;
    float f;
    memcpy(&f, &b32, sizeof f);
    return (double)f;
}

/* The activations: the caller's, else the metadata's; n_layers of them. */
static int activations(reader *r, const mg_activation *given, size_t n_given, size_t n_layers,
                       mg_activation *acts) {
    if (given) {
        if (n_given != n_layers)
            return say(r, r->es ? "el archivo tiene %zu capas, pero se dieron %zu activaciones"
                                : "the file has %zu layers, but %zu activations were given",
                       n_layers, n_given);
        memcpy(acts, given, n_layers * sizeof *acts);
        return 0;
    }
    if (!r->acts)
        return say(r, r->es ? "el archivo no dice las activaciones (no tiene mg_activations en "
                              "__metadata__): indíquelas al cargarlo"
                            : "the file does not say the activations (no mg_activations in "
                              "__metadata__): give them when loading");
    size_t n = 0;
    for (char *s = r->acts, *end; n <= n_layers; s = end + 1) {
        end = s + strcspn(s, ",");
        char save = *end;
        *end = 0;
        int a = mg_activation_parse(s);
        char b1[64];
        if (a < 0)
            return say(r, r->es ? "mg_activations: activación desconocida '%s'"
                                : "mg_activations: unknown activation '%s'", shown(s, b1));
        if (n < n_layers) acts[n] = (mg_activation)a;
        n++;
        *end = save;
        if (!save) break;
    }
    if (n != n_layers)
        return say(r, r->es ? "mg_activations nombra %zu activaciones para %zu capas"
                            : "mg_activations names %zu activations for %zu layers",
                   n, n_layers);
    return 0;
}

/* The layers, from the tensors sorted by module: a weight [out, in] and a
 * bias [out] per module, each layer's `in` the last one's `out`.  Fills
 * sizes and the parameters in mg_mlp_params order. */
static int layers(reader *r, const unsigned char *data, size_t *n_in, size_t *sizes,
                  size_t *n_layers, double **params) {
    char b1[64];
    /* with a prefix, only its tensors (moved to the front) make the net */
    const size_t skip = *r->prefix ? strlen(r->prefix) + 1 : 0;
    size_t mine = r->n;
    if (skip) {
        mine = 0;
        for (size_t k = 0; k < r->n; k++) {
            const char *name = r->t[k].name;
            if (strncmp(name, r->prefix, skip - 1) || name[skip - 1] != '.') continue;
            tensor tmp = r->t[mine];
            r->t[mine++] = r->t[k];
            r->t[k] = tmp;
        }
    }
    for (size_t k = 0; k < mine; k++)
        if (layer_name(&r->t[k], skip))
            return say(r, r->es ? "el tensor '%s' no es una capa de torch.nn.Sequential "
                                  "('<índice>.weight' o '<índice>.bias')"
                                : "tensor '%s' is not a layer of torch.nn.Sequential "
                                  "('<index>.weight' or '<index>.bias')",
                       shown(r->t[k].name, b1));
    if (mine) qsort(r->t, mine, sizeof *r->t, by_module);
    size_t n = 0, count = 0;
    for (size_t k = 0; k < mine; k += 2, n++) {
        const tensor *w = &r->t[k], *b = k + 1 < mine ? &r->t[k + 1] : NULL;
        if (w->is_bias || !b || !b->is_bias || b->module != w->module)
            return say(r, r->es ? "a la capa %zu le falta '%zu.weight' o '%zu.bias' (o está repetido)"
                                : "layer %zu lacks '%zu.weight' or '%zu.bias' (or has one twice)",
                       n, w->module, w->module);
        if (w->ndim != 2 || b->ndim != 1 || b->shape[0] != w->shape[0] || w->shape[0] == 0 ||
            w->shape[1] == 0)
            return say(r, r->es ? "capa %zu: '%s' debe ser [salidas, entradas] y su sesgo [salidas], "
                                  "ambos no vacíos"
                                : "layer %zu: '%s' must be [out, in] and its bias [out], neither empty",
                       n, shown(w->name, b1));
        size_t in = (size_t)w->shape[1];
        if (n == 0) *n_in = in;
        else if (in != sizes[n - 1])
            return say(r, r->es ? "capa %zu: '%s' tiene %zu entradas, pero la capa anterior tiene %zu salidas"
                                : "layer %zu: '%s' has %zu inputs, but the layer before has %zu outputs",
                       n, shown(w->name, b1), in, sizes[n - 1]);
        if (n == MG__SAFETENSORS_MAX_LAYERS)
            return say(r, r->es ? "más de %d capas" : "more than %d layers",
                       MG__SAFETENSORS_MAX_LAYERS);
        sizes[n] = (size_t)w->shape[0];
        count += sizes[n] * (in + 1);   /* no overflow: the bytes are in memory */
    }
    if (n == 0)
        return say(r, r->es ? "el archivo no tiene ningún tensor '%s%s<índice>.weight'"
                            : "the file has no tensor '%s%s<index>.weight'",
                   r->prefix, skip ? "." : "");
    *n_layers = n;
    double *p = *params = malloc(count * sizeof *p);
    if (!p) return say(r, r->es ? "sin memoria" : "out of memory");
    for (size_t l = 0; l < n; l++) {
        const tensor *w = &r->t[2 * l], *b = &r->t[2 * l + 1];
        const uint64_t out = w->shape[0], in = w->shape[1];
        for (uint64_t j = 0; j < out; j++) {
            for (uint64_t i = 0; i < in; i++) *p++ = element(data, w, j * in + i);
            *p++ = element(data, b, j);
        }
    }
    return 0;
}

mg_mlp *mg__safetensors_parse(mg_graph *g, const unsigned char *bytes, size_t size,
                              const char *prefix, const mg_activation *acts, size_t n_acts,
                              char *err, size_t errlen) {
    reader r = {err, errlen, mg_graph_lang(g) == MG_LANG_ES, NULL, 0, 0, NULL,
                prefix ? prefix : ""};
    mg_mlp *m = NULL;
    double *params = NULL;
    size_t n_in = 0, n_layers = 0, sizes[MG__SAFETENSORS_MAX_LAYERS];
    mg_activation a[MG__SAFETENSORS_MAX_LAYERS];
    if (err && errlen) err[0] = 0;
    if (!g) return NULL;
    if (size < 8) {
        say(&r, r.es ? "el archivo tiene %zu bytes: no alcanza para los 8 de la longitud del encabezado"
                     : "the file has %zu bytes: too short for the 8-byte header length", size);
        return NULL;
    }
    uint64_t len = 0;
    for (int k = 0; k < 8; k++) len |= (uint64_t)bytes[k] << (8 * k);
    if (len > MAX_HEADER) {
        say(&r, r.es ? "longitud del encabezado de %llu bytes: más que el límite de %u"
                     : "header length of %llu bytes: over the limit of %u",
            (unsigned long long)len, MAX_HEADER);
        return NULL;
    }
    if (len > size - 8) {
        say(&r, r.es ? "longitud del encabezado de %llu bytes, pero al archivo le quedan %zu"
                     : "header length of %llu bytes, but the file has %zu more",
            (unsigned long long)len, size - 8);
        return NULL;
    }
    if (!header(&r, (const char *)bytes + 8, (size_t)len) &&
        !check_data(&r, size - 8 - len) &&
        !layers(&r, bytes + 8 + len, &n_in, sizes, &n_layers, &params) &&
        !activations(&r, acts, n_acts, n_layers, a)) {
        m = mg_mlp_new_from(g, n_in, sizes, n_layers, a, params);
        if (!m) say(&r, "%s", mg_graph_error(g) ? mg_graph_error(g) : "out of memory");
    }
    for (size_t k = 0; k < r.n; k++) free(r.t[k].name);
    free(r.t);
    free(r.acts);
    free(params);
    return m;
}

mg_mlp *mg_mlp_load_safetensors(mg_graph *g, FILE *in, const char *prefix,
                                const mg_activation *acts, size_t n_acts, char *err,
                                size_t errlen) {
    if (!g) return NULL;
    const int es = mg_graph_lang(g) == MG_LANG_ES;
    if (!in) {
        if (err && errlen) snprintf(err, errlen, "%s", es ? "no hay archivo" : "no file");
        return NULL;
    }
    /* the whole file in memory; a header length past the limit is refused
     * before the rest is read */
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    for (size_t got; buf && (got = fread(buf + n, 1, cap - n, in)) > 0;) {
        n += got;
        if (n >= 8 && n - got < 8) {
            uint64_t len = 0;
            for (int k = 0; k < 8; k++) len |= (uint64_t)buf[k] << (8 * k);
            if (len > MAX_HEADER) break;   /* the parser says so */
        }
        if (n == cap) {
            unsigned char *more = cap < SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
            if (!more) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = more;
            cap *= 2;
        }
    }
    if (!buf || ferror(in)) {
        if (err && errlen)
            snprintf(err, errlen, "%s", !buf ? (es ? "sin memoria para el archivo" : "out of memory for the file")
                                             : (es ? "error al leer el archivo" : "error reading the file"));
        free(buf);
        return NULL;
    }
    mg_mlp *m = mg__safetensors_parse(g, buf, n, prefix, acts, n_acts, err, errlen);
    free(buf);
    return m;
}
