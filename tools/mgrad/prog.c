/* prog.c -- what a program knows besides its text: the first error, the
 * names and the nodes they stand for, the values given on the command line,
 * and how names and numbers are spelled. */
#include "parse.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* --------------------------------------------------------------- errors */

int mgrad__vfail(mgrad_prog *p, size_t at, const char *fmt, va_list ap) {
    if (p->has_error) return -1;   /* the first error is the one reported */
    vsnprintf(p->error, sizeof p->error, fmt, ap);
    p->has_error = 1;
    p->has_pos = at != MGRAD_NO_POS;
    p->at = at == MGRAD_NO_POS ? 0 : at;
    return -1;
}

int mgrad__fail(mgrad_prog *p, size_t at, const char *en, const char *es, ...) {
    va_list ap;
    va_start(ap, es);
    mgrad__vfail(p, at, p->lang == MG_LANG_ES ? es : en, ap);
    va_end(ap);
    return -1;
}

/* Copy s[0..n) into buf for a message: at most 32 bytes, whole UTF-8
 * letters kept (pérdida), '?' for anything else that is not printable
 * ASCII, "..." when cut. */
const char *mgrad__quote(char buf[40], const char *s, size_t n) {
    size_t k = 0;
    while (k < n) {
        unsigned cp;
        size_t len = mgrad__utf8_seq((const unsigned char *)s + k, n - k, &cp);
        int keep = len > 1 && (mg__letter(cp) || (cp >= 0x300 && cp <= 0x36F));
        if (!keep) len = 1;
        if (k + len > 32) break;
        if (keep) memcpy(buf + k, s + k, len);
        else buf[k] = s[k] >= 0x20 && s[k] < 0x7F ? s[k] : '?';
        k += len;
    }
    if (k < n) memcpy(buf + k, "...", 4);
    else buf[k] = 0;
    return buf;
}

/* Whether arg[0..n) is written with a decimal comma: digits, ',' and
 * digits (1,5 or -0,25), the way a decimal-comma locale writes 1.5. */
static int decimal_comma(const char *s, size_t n) {
    size_t i = n && (s[0] == '-' || s[0] == '+'), d1 = 0, d2 = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++, d1++;
    if (i >= n || s[i] != ',') return 0;
    i++;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++, d2++;
    return d1 && d2 && i == n;
}

int mgrad_is_definition(const char *arg) {
    size_t i = mgrad__name_len(arg, strlen(arg));
    if (!i || arg[i] != '=') return 0;
    const char *v = arg + i + 1;
    size_t n = strlen(v), sign = n && (v[0] == '-' || v[0] == '+');
    if (decimal_comma(v, n)) return 1;   /* a value, written 1,5: mgrad_define says how to fix it */
    int bad_exp;
    return n > sign && mgrad__scan_number(v + sign, n - sign, &bad_exp) == n - sign && !bad_exp;
}

/* -------------------------------------------------------------- symbols */

static size_t hash_name(const char *s, size_t n) {
    uint64_t h = 1469598103934665603u;   /* FNV-1a */
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return (size_t)h;
}

mgrad_sym *mgrad_lookup(const mgrad_prog *p, const char *name, size_t len) {
    if (!p->hash_cap) return NULL;
    for (size_t i = hash_name(name, len) & (p->hash_cap - 1);; i = (i + 1) & (p->hash_cap - 1)) {
        size_t k = p->hash[i];
        if (!k) return NULL;
        mgrad_sym *s = &p->syms[k - 1];
        if (strlen(s->name) == len && !memcmp(s->name, name, len)) return s;
    }
}

/* Add a symbol (the caller checked that the name is new).  0 or -1 (OOM). */
int mgrad__sym_add(mgrad_prog *p, const char *name, size_t len, mg_value *node, size_t where,
                   const char *arg) {
    if (p->n_syms == p->cap_syms) {
        size_t cap = p->cap_syms ? 2 * p->cap_syms : 16;
        mgrad_sym *s = realloc(p->syms, cap * sizeof *s);
        if (!s) return -1;
        p->syms = s;
        p->cap_syms = cap;
    }
    if (2 * (p->n_syms + 1) > p->hash_cap) {   /* keep the table at most half full */
        size_t cap = p->hash_cap ? 2 * p->hash_cap : 32;
        size_t *h = calloc(cap, sizeof *h);
        if (!h) return -1;
        for (size_t k = 0; k < p->n_syms; k++) {
            size_t i = hash_name(p->syms[k].name, strlen(p->syms[k].name)) & (cap - 1);
            while (h[i]) i = (i + 1) & (cap - 1);
            h[i] = k + 1;
        }
        free(p->hash);
        p->hash = h;
        p->hash_cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy) return -1;
    memcpy(copy, name, len);
    copy[len] = 0;
    p->syms[p->n_syms] = (mgrad_sym){copy, node, where, arg};
    size_t i = hash_name(name, len) & (p->hash_cap - 1);
    while (p->hash[i]) i = (i + 1) & (p->hash_cap - 1);
    p->hash[i] = ++p->n_syms;
    return 0;
}

int mgrad__is_function(const char *s, size_t n) {
    static const char *const fns[] = {"exp", "log", "tanh", "relu", "sigmoid"};
    for (size_t i = 0; i < sizeof fns / sizeof *fns; i++)
        if (strlen(fns[i]) == n && !memcmp(fns[i], s, n)) return 1;
    return 0;
}

size_t mgrad__name_len(const char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        unsigned cp;
        size_t k = mgrad__utf8_seq((const unsigned char *)s + i, n - i, &cp);
        if (!k) break;
        int ok = mg__letter(cp) || cp == '_' ||
                 (i > 0 && ((cp >= '0' && cp <= '9') || (cp >= 0x300 && cp <= 0x36F)));
        if (!ok) break;
        i += k;
    }
    return i;
}
static int digit(int c) { return c >= '0' && c <= '9'; }

/* Length of the number at s[0..n): digits with at most one '.', at least one
 * digit, then an optional exponent e[+-]digits.  0 if there is no number;
 * *bad_exp is set when an 'e' follows but its digits are missing. */
size_t mgrad__scan_number(const char *s, size_t n, int *bad_exp) {
    size_t i = 0, digits = 0;
    *bad_exp = 0;
    while (i < n && digit(s[i])) i++, digits++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && digit(s[i])) i++, digits++;
    }
    if (!digits) return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        if (j < n && (s[j] == '+' || s[j] == '-')) j++;
        if (j < n && digit(s[j])) {
            while (j < n && digit(s[j])) j++;
            i = j;
        } else {
            *bad_exp = 1;
            i = j;
        }
    }
    return i;
}

/* The double s[0..n) spells (already checked by mgrad__scan_number, with an
 * optional sign in front).  Returns 0, or -1 when it overflows a double.
 * mg_num_parse reads '.' as the point whatever the locale. */
int mgrad__to_double(const char *s, size_t n, double *out) {
    char small[64], *buf = n < sizeof small ? small : malloc(n + 1);
    if (!buf) return -2;
    memcpy(buf, s, n);
    buf[n] = 0;
    errno = 0;
    double d = mg_num_parse(buf, NULL);
    if (buf != small) free(buf);
    *out = d;
    return d == HUGE_VAL || d == -HUGE_VAL ? -1 : 0;
}

/* -------------------------------------------------------- prog lifetime */

int mgrad_prog_init(mgrad_prog *p) {
    memset(p, 0, sizeof *p);
    p->g = mg_graph_new();
    if (!p->g) return mgrad__fail(p, MGRAD_NO_POS, "out of memory", "sin memoria");
    return 0;
}

void mgrad_prog_set_lang(mgrad_prog *p, mg_lang lang) {
    p->lang = lang;
    mg_graph_set_lang(p->g, lang);
}

void mgrad_prog_free(mgrad_prog *p) {
    for (size_t i = 0; i < p->n_syms; i++) free(p->syms[i].name);
    free(p->syms);
    free(p->hash);
    free(p->node_at);
    mg_graph_free(p->g);
    memset(p, 0, sizeof *p);
}

/* Remember that node v came from source offset `at`. */
int mgrad__note_node(mgrad_prog *p, const mg_value *v, size_t at) {
    size_t id = mg_value_id(v);
    if (id >= p->n_node_at) {
        size_t cap = p->n_node_at ? p->n_node_at : 64;
        while (cap <= id) cap *= 2;
        size_t *a = realloc(p->node_at, cap * sizeof *a);
        if (!a) return -1;
        for (size_t i = p->n_node_at; i < cap; i++) a[i] = MGRAD_NO_POS;
        p->node_at = a;
        p->n_node_at = cap;
    }
    p->node_at[id] = at;
    return 0;
}

size_t mgrad_node_at(const mgrad_prog *p, const mg_value *v) {
    size_t id = mg_value_id(v);
    return id < p->n_node_at ? p->node_at[id] : MGRAD_NO_POS;
}

int mgrad_define(mgrad_prog *p, const char *arg) {
    char q1[40], q2[40], q3[40];
    const char *eq = strchr(arg, '=');
    mgrad__quote(q1, arg, strlen(arg));
    if (!eq)
        return mgrad__fail(p, MGRAD_NO_POS, "argument '%s': expected NAME=VALUE, like a=2",
                           "argumento '%s': se esperaba NOMBRE=VALOR, como a=2", q1);
    size_t n = (size_t)(eq - arg);
    const char *val = eq + 1;
    if (!n)
        return mgrad__fail(p, MGRAD_NO_POS, "argument '%s': no name before '='",
                           "argumento '%s': falta el nombre antes de '='", q1);
    if (mgrad__name_len(arg, n) != n)
        return mgrad__fail(p, MGRAD_NO_POS,
                           "argument '%s': '%s' is not a name (letters, digits and _, not "
                           "starting with a digit)",
                           "argumento '%s': '%s' no es un nombre (letras, dígitos y _, sin "
                           "empezar por un dígito)",
                           q1, mgrad__quote(q2, arg, n));
    if (mgrad__is_function(arg, n))
        return mgrad__fail(p, MGRAD_NO_POS, "argument '%s': '%s' is a function, not a variable",
                           "argumento '%s': '%s' es una función, no una variable", q1,
                           mgrad__quote(q2, arg, n));
    mgrad_sym *old = mgrad_lookup(p, arg, n);
    if (old)
        return mgrad__fail(p, MGRAD_NO_POS, "argument '%s': '%s' is given twice (first as '%s')",
                           "argumento '%s': '%s' viene dos veces (primero como '%s')", q1,
                           mgrad__quote(q2, arg, n), mgrad__quote(q3, old->arg, strlen(old->arg)));
    if (!*val)
        return mgrad__fail(p, MGRAD_NO_POS, "argument '%s': no value after '='",
                           "argumento '%s': falta el valor después de '='", q1);
    size_t vn = strlen(val), sign = vn && (val[0] == '-' || val[0] == '+');
    if (decimal_comma(val, vn)) {
        /* 1,5 as a decimal-comma locale writes it: say how to write it */
        char point[40];
        mgrad__quote(point, val, vn);
        *strchr(point, ',') = '.';
        return mgrad__fail(p, MGRAD_NO_POS,
                           "argument '%s': '%s' has a decimal comma; write %s (with a point)",
                           "argumento '%s': '%s' lleva coma decimal; escriba %s (con punto)", q1,
                           mgrad__quote(q2, val, vn), point);
    }
    int bad_exp;
    size_t len = mgrad__scan_number(val + sign, vn - sign, &bad_exp);
    if (!vn || !len || bad_exp || sign + len != vn)
        return mgrad__fail(p, MGRAD_NO_POS, "argument '%s': '%s' is not a number",
                           "argumento '%s': '%s' no es un número", q1, mgrad__quote(q2, val, vn));
    double d;
    int rc = mgrad__to_double(val, vn, &d);
    if (rc == -1)
        return mgrad__fail(p, MGRAD_NO_POS, "argument '%s': %s is too large for a double",
                           "argumento '%s': %s es demasiado grande para un double", q1,
                           mgrad__quote(q2, val, vn));
    mg_value *leaf = rc ? NULL : mg_leaf(p->g, d, NULL);
    char *name = leaf ? malloc(n + 1) : NULL;
    if (name) {
        memcpy(name, arg, n);
        name[n] = 0;
        leaf = mg_label(leaf, name);
        free(name);
    }
    if (!leaf || !name || mgrad__sym_add(p, arg, n, leaf, MGRAD_NO_POS, arg))
        return mgrad__fail(p, MGRAD_NO_POS, "out of memory", "sin memoria");
    return 0;
}
