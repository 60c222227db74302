/* parse.c -- lexer, recursive-descent parser and symbols of the mgrad
 * language (grammar in parse.h).  The parser makes graph nodes as it reads. */
#include "parse.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NO_POS ((size_t)-1)

/* ---------------------------------------------------------------- UTF-8 */

/* Length of the well-formed UTF-8 sequence at s[0..n) (1 to 4), storing its
 * code point, or 0 when it is not well formed: stray continuation bytes,
 * overlong forms, surrogates and code points above U+10FFFF are all 0. */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp) {
    unsigned c = s[0];
    if (c < 0x80) { *cp = c; return 1; }
    size_t len;
    unsigned min;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; min = 0x80; c &= 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; min = 0x800; c &= 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; min = 0x10000; c &= 0x07; }
    else return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        c = (c << 6) | (s[i] & 0x3Fu);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    *cp = c;
    return len;
}

/* Whether code point c would upset a terminal or reorder text when echoed:
 * C0 and C1 controls, DEL, and the bidirectional overrides. */
static int unprintable(unsigned c) {
    return (c < 0x20 && c != '\t') || (c >= 0x7F && c <= 0x9F) ||
           (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

/* --------------------------------------------------------------- errors */

static int fail_at(mgrad_prog *p, size_t at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int vfail_at(mgrad_prog *p, size_t at, const char *fmt, va_list ap) {
    if (p->has_error) return -1;   /* the first error is the one reported */
    vsnprintf(p->error, sizeof p->error, fmt, ap);
    p->has_error = 1;
    p->has_pos = at != NO_POS;
    p->at = at == NO_POS ? 0 : at;
    return -1;
}

static int fail_at(mgrad_prog *p, size_t at, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vfail_at(p, at, fmt, ap);
    va_end(ap);
    return -1;
}

/* Copy s[0..n) into buf for a message: at most 32 bytes, '?' for anything
 * that is not printable ASCII, "..." when cut. */
static const char *quote(char buf[40], const char *s, size_t n) {
    size_t k = 0;
    for (; k < n && k < 32; k++) {
        unsigned char c = (unsigned char)s[k];
        buf[k] = c >= 0x20 && c < 0x7F ? (char)c : '?';
    }
    if (k < n) memcpy(buf + k, "...", 4);
    else buf[k] = 0;
    return buf;
}

static int name_start(int c);
static int name_char(int c);
static size_t scan_number(const char *s, size_t n, int *bad_exp);

int mgrad_is_definition(const char *arg) {
    size_t i = 0;
    if (!name_start(arg[0])) return 0;
    while (name_char(arg[i])) i++;
    if (arg[i] != '=') return 0;
    const char *v = arg + i + 1;
    size_t n = strlen(v), sign = n && (v[0] == '-' || v[0] == '+');
    int bad_exp;
    return n > sign && scan_number(v + sign, n - sign, &bad_exp) == n - sign && !bad_exp;
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
static int sym_add(mgrad_prog *p, const char *name, size_t len, mg_value *node, size_t where,
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

static int is_function(const char *s, size_t n) {
    static const char *const fns[] = {"exp", "log", "tanh", "relu", "sigmoid"};
    for (size_t i = 0; i < sizeof fns / sizeof *fns; i++)
        if (strlen(fns[i]) == n && !memcmp(fns[i], s, n)) return 1;
    return 0;
}

static int name_start(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int name_char(int c) { return name_start(c) || (c >= '0' && c <= '9'); }
static int digit(int c) { return c >= '0' && c <= '9'; }

/* Length of the number at s[0..n): digits with at most one '.', at least one
 * digit, then an optional exponent e[+-]digits.  0 if there is no number;
 * *bad_exp is set when an 'e' follows but its digits are missing. */
static size_t scan_number(const char *s, size_t n, int *bad_exp) {
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

/* The double s[0..n) spells (already checked by scan_number, with an
 * optional sign in front).  Returns 0, or -1 when it overflows a double. */
static int to_double(const char *s, size_t n, double *out) {
    char small[64], *buf = n < sizeof small ? small : malloc(n + 1);
    if (!buf) return -2;
    memcpy(buf, s, n);
    buf[n] = 0;
    errno = 0;
    double d = strtod(buf, NULL);
    if (buf != small) free(buf);
    *out = d;
    return d == HUGE_VAL || d == -HUGE_VAL ? -1 : 0;
}

/* -------------------------------------------------------- prog lifetime */

int mgrad_prog_init(mgrad_prog *p) {
    memset(p, 0, sizeof *p);
    p->g = mg_graph_new();
    if (!p->g) return fail_at(p, NO_POS, "out of memory");
    return 0;
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
static int note_node(mgrad_prog *p, const mg_value *v, size_t at) {
    size_t id = mg_value_id(v);
    if (id >= p->n_node_at) {
        size_t cap = p->n_node_at ? p->n_node_at : 64;
        while (cap <= id) cap *= 2;
        size_t *a = realloc(p->node_at, cap * sizeof *a);
        if (!a) return -1;
        for (size_t i = p->n_node_at; i < cap; i++) a[i] = NO_POS;
        p->node_at = a;
        p->n_node_at = cap;
    }
    p->node_at[id] = at;
    return 0;
}

size_t mgrad_node_at(const mgrad_prog *p, const mg_value *v) {
    size_t id = mg_value_id(v);
    return id < p->n_node_at ? p->node_at[id] : NO_POS;
}

int mgrad_define(mgrad_prog *p, const char *arg) {
    char q1[40], q2[40], q3[40];
    const char *eq = strchr(arg, '=');
    if (!eq)
        return fail_at(p, NO_POS, "argument '%s': expected NAME=VALUE, like a=2",
                       quote(q1, arg, strlen(arg)));
    size_t n = (size_t)(eq - arg);
    const char *val = eq + 1;
    if (!n) return fail_at(p, NO_POS, "argument '%s': no name before '='", quote(q1, arg, strlen(arg)));
    for (size_t i = 0; i < n; i++)
        if (!(i ? name_char(arg[i]) : name_start(arg[i])))
            return fail_at(p, NO_POS,
                           "argument '%s': '%s' is not a name (letters, digits and _, not "
                           "starting with a digit)",
                           quote(q1, arg, strlen(arg)), quote(q2, arg, n));
    if (is_function(arg, n))
        return fail_at(p, NO_POS, "argument '%s': '%s' is a function, not a variable",
                       quote(q1, arg, strlen(arg)), quote(q2, arg, n));
    mgrad_sym *old = mgrad_lookup(p, arg, n);
    if (old)
        return fail_at(p, NO_POS, "argument '%s': '%s' is given twice (first as '%s')",
                       quote(q1, arg, strlen(arg)), quote(q2, arg, n),
                       quote(q3, old->arg, strlen(old->arg)));
    if (!*val) return fail_at(p, NO_POS, "argument '%s': no value after '='", quote(q1, arg, strlen(arg)));
    size_t vn = strlen(val), sign = vn && (val[0] == '-' || val[0] == '+');
    int bad_exp;
    size_t len = scan_number(val + sign, vn - sign, &bad_exp);
    if (!vn || !len || bad_exp || sign + len != vn)
        return fail_at(p, NO_POS, "argument '%s': '%s' is not a number", quote(q1, arg, strlen(arg)),
                       quote(q2, val, vn));
    double d;
    int rc = to_double(val, vn, &d);
    if (rc == -1)
        return fail_at(p, NO_POS, "argument '%s': %s is too large for a double",
                       quote(q1, arg, strlen(arg)), quote(q2, val, vn));
    mg_value *leaf = rc ? NULL : mg_leaf(p->g, d, NULL);
    char *name = leaf ? malloc(n + 1) : NULL;
    if (name) {
        memcpy(name, arg, n);
        name[n] = 0;
        leaf = mg_label(leaf, name);
        free(name);
    }
    if (!leaf || !name || sym_add(p, arg, n, leaf, NO_POS, arg))
        return fail_at(p, NO_POS, "out of memory");
    return 0;
}

/* ---------------------------------------------------------------- lexer */

enum {
    T_EOF, T_SEP, T_NUM, T_NAME, T_PLUS, T_MINUS, T_STAR, T_SLASH, T_POW,
    T_LPAREN, T_RPAREN, T_ASSIGN, T_COMMA, T_BAD
};

typedef struct tok {
    int kind;
    size_t at, len;   /* where in the source */
    double num;       /* T_NUM: its value */
} tok;

typedef struct parser {
    mgrad_prog *p;
    const char *src;
    size_t len;
    size_t pos;       /* where the next token is lexed from */
    tok cur;          /* the token under the cursor, when have_cur */
    int have_cur;
    size_t prev_end;  /* end of the last token consumed */
    int paren;        /* open parentheses: newlines are spaces inside */
    int depth;        /* recursion depth, capped by MGRAD_MAX_DEPTH */
    int quiet;        /* looking ahead: the lexer records no error */
} parser;

static void lex_fail(parser *ps, size_t at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void lex_fail(parser *ps, size_t at, const char *fmt, ...) {
    if (ps->quiet) return;   /* the error is found again when the token is reached */
    va_list ap;
    va_start(ap, fmt);
    vfail_at(ps->p, at, fmt, ap);
    va_end(ap);
}

/* Lex one token from *pos (moving it past the token). */
static tok lex_at(parser *ps, size_t *pos) {
    const char *s = ps->src;
    size_t i = *pos, n = ps->len;
    tok t = {T_EOF, n, 0, 0};
    for (;;) {   /* skip spaces and comments; newlines only inside parentheses */
        if (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || (s[i] == '\n' && ps->paren))) i++;
        else if (i < n && s[i] == '#') while (i < n && s[i] != '\n') i++;
        else break;
    }
    if (i >= n) {
        *pos = n;
        return t;
    }
    t.at = i;
    t.len = 1;
    unsigned char c = (unsigned char)s[i];
    switch (c) {
    case '\n': case ';': t.kind = T_SEP; break;
    case '+': t.kind = T_PLUS; break;
    case '-': t.kind = T_MINUS; break;
    case '/': t.kind = T_SLASH; break;
    case '^': t.kind = T_POW; break;
    case '(': t.kind = T_LPAREN; break;
    case ')': t.kind = T_RPAREN; break;
    case '=': t.kind = T_ASSIGN; break;
    case ',': t.kind = T_COMMA; break;
    case '*':
        t.kind = T_STAR;
        if (i + 1 < n && s[i + 1] == '*') t.kind = T_POW, t.len = 2;
        break;
    default:
        if (digit(c) || (c == '.' && i + 1 < n && digit(s[i + 1]))) {
            int bad_exp;
            char q[40];
            t.len = scan_number(s + i, n - i, &bad_exp);
            if (bad_exp) {
                lex_fail(ps, i, "malformed number '%s': the exponent has no digits",
                        quote(q, s + i, t.len));
                t.kind = T_BAD;
                break;
            }
            int rc = to_double(s + i, t.len, &t.num);
            if (rc) {
                if (rc == -1) lex_fail(ps, i, "number %s is too large for a double", quote(q, s + i, t.len));
                else lex_fail(ps, i, "out of memory");
                t.kind = T_BAD;
                break;
            }
            t.kind = T_NUM;
        } else if (name_start(c)) {
            while (i + t.len < n && name_char(s[i + t.len])) t.len++;
            t.kind = T_NAME;
        } else {
            unsigned cp;
            size_t k = utf8_seq((const unsigned char *)s + i, n - i, &cp);
            if (c >= 0x80 && k)
                lex_fail(ps, i, "unexpected character U+%04X (names and operators are ASCII)", cp);
            else if (c < 0x20 || c == 0x7F)
                lex_fail(ps, i, "unexpected control character 0x%02X", c);
            else if (c < 0x80)
                lex_fail(ps, i, "unexpected character '%c'", c);
            else
                lex_fail(ps, i, "invalid UTF-8 (byte 0x%02X)", c);
            t.kind = T_BAD;
        }
    }
    *pos = i + t.len;
    return t;
}

static tok *peek(parser *ps) {
    if (!ps->have_cur) {
        ps->cur = lex_at(ps, &ps->pos);
        ps->have_cur = 1;
    }
    return &ps->cur;
}

/* The token after the current one, without moving. */
static tok peek2(parser *ps) {
    peek(ps);
    size_t pos = ps->pos;
    ps->quiet = 1;
    tok t = lex_at(ps, &pos);
    ps->quiet = 0;
    return t;
}

static void advance(parser *ps) {
    peek(ps);
    ps->prev_end = ps->cur.at + ps->cur.len;
    ps->have_cur = 0;
}

/* A few words for token t in a message: "end of input", "name 'b'", "'+'". */
static const char *describe(const parser *ps, const tok *t, char buf[64]) {
    char q[40];
    switch (t->kind) {
    case T_EOF: return "end of input";
    case T_SEP: return ps->src[t->at] == '\n' ? "end of line" : "';'";
    case T_NUM: snprintf(buf, 64, "number %s", quote(q, ps->src + t->at, t->len)); return buf;
    case T_NAME: snprintf(buf, 64, "name '%s'", quote(q, ps->src + t->at, t->len)); return buf;
    default: snprintf(buf, 64, "'%.*s'", (int)t->len, ps->src + t->at); return buf;
    }
}

/* Where an error about token t points: at the token, except that a missing
 * thing at the end of a line or the input is pointed at right after the
 * last token, where it was expected. */
static size_t where(const parser *ps, const tok *t) {
    if (t->kind == T_EOF || (t->kind == T_SEP && ps->src[t->at] == '\n')) return ps->prev_end;
    return t->at;
}

/* "expected WHAT before <the current token>" */
static int expected(parser *ps, const char *what) {
    tok *t = peek(ps);
    if (t->kind == T_BAD) return -1;   /* the lexer said why */
    char buf[64];
    return fail_at(ps->p, where(ps, t), "expected %s before %s", what, describe(ps, t, buf));
}

/* --------------------------------------------------------------- parser */

typedef struct val {
    mg_value *v;
    int is_const;   /* made from numbers only: usable as an exponent */
} val;

/* Record node v, made by the token at `at`; fails if the op failed. */
static int made(parser *ps, mg_value *v, size_t at, val *out, int is_const) {
    if (!v || note_node(ps->p, v, at)) {
        const char *why = mg_graph_error(ps->p->g);
        return fail_at(ps->p, at, "%s", why ? why : "out of memory");
    }
    out->v = v;
    out->is_const = is_const;
    return 0;
}

static int parse_expr(parser *ps, val *out);
static int parse_unary(parser *ps, val *out);

static int parse_call(parser *ps, const tok *name, val *out) {
    const char *fn = ps->src + name->at;
    if (peek(ps)->kind != T_LPAREN) {
        char msg[48];
        snprintf(msg, sizeof msg, "'(' after '%.*s'", (int)name->len, fn);
        return expected(ps, msg);
    }
    advance(ps);
    ps->paren++;
    val x;
    if (parse_expr(ps, &x)) return -1;
    if (peek(ps)->kind == T_COMMA)
        return fail_at(ps->p, ps->cur.at, "%.*s takes one argument", (int)name->len, fn);
    if (peek(ps)->kind != T_RPAREN) return expected(ps, "')'");
    ps->paren--;
    advance(ps);
    mg_value *v;
    switch (fn[0]) {
    case 'e': v = mg_exp(x.v); break;
    case 'l': v = mg_log(x.v); break;
    case 't': v = mg_tanh(x.v); break;
    case 'r': v = mg_relu(x.v); break;
    default: v = mg_sigmoid(x.v); break;
    }
    return made(ps, v, name->at, out, x.is_const);
}

static int parse_primary(parser *ps, val *out) {
    tok t = *peek(ps);
    char q[40];
    if (t.kind == T_NUM) {
        advance(ps);
        return made(ps, mg_leaf(ps->p->g, t.num, NULL), t.at, out, 1);
    }
    if (t.kind == T_LPAREN) {
        advance(ps);
        ps->paren++;
        if (parse_expr(ps, out)) return -1;
        if (peek(ps)->kind != T_RPAREN) return expected(ps, "')'");
        ps->paren--;
        advance(ps);
        return 0;
    }
    if (t.kind != T_NAME) return expected(ps, "a number, a name or '('");
    advance(ps);
    const char *s = ps->src + t.at;
    if (is_function(s, t.len)) return parse_call(ps, &t, out);
    if (peek(ps)->kind == T_LPAREN)
        return fail_at(ps->p, t.at, "unknown function '%s' (the functions are " MGRAD_FUNCTIONS ")",
                       quote(q, s, t.len));
    mgrad_sym *sym = mgrad_lookup(ps->p, s, t.len);
    if (!sym)
        return fail_at(ps->p, t.at,
                       "unknown name '%s': give it a value on the command line (%s=1.5) "
                       "or assign it in an earlier statement",
                       quote(q, s, t.len), q);
    out->v = sym->node;
    out->is_const = 0;
    return 0;
}

/* power := primary [ ('**' | '^') unary ]: right-associative through unary,
 * and the exponent must be made of numbers only (mg_pow takes a constant). */
static int parse_power(parser *ps, val *out) {
    if (parse_primary(ps, out)) return -1;
    if (peek(ps)->kind != T_POW) return 0;
    tok op = ps->cur;
    advance(ps);
    size_t exp_at = peek(ps)->at;
    val k;
    if (parse_unary(ps, &k)) return -1;
    if (!k.is_const)
        return fail_at(ps->p, exp_at,
                       "the exponent of '%.*s' must be a constant (numbers only, no names)",
                       (int)op.len, ps->src + op.at);
    return made(ps, mg_pow(out->v, k.v->data), op.at, out, out->is_const);
}

static int parse_unary(parser *ps, val *out) {
    if (++ps->depth > MGRAD_MAX_DEPTH)
        return fail_at(ps->p, peek(ps)->at,
                       "nested more than %d deep (parentheses, unary minus, powers, calls)",
                       MGRAD_MAX_DEPTH);
    int rc;
    if (peek(ps)->kind == T_MINUS) {
        size_t at = ps->cur.at;
        advance(ps);
        val x;
        rc = parse_unary(ps, &x);
        if (!rc) rc = made(ps, mg_neg(x.v), at, out, x.is_const);
    } else {
        rc = parse_power(ps, out);
    }
    ps->depth--;
    return rc;
}

static int parse_term(parser *ps, val *out) {
    if (parse_unary(ps, out)) return -1;
    for (;;) {
        int k = peek(ps)->kind;
        if (k != T_STAR && k != T_SLASH) return 0;
        size_t at = ps->cur.at;
        advance(ps);
        val b;
        if (parse_unary(ps, &b)) return -1;
        mg_value *v = k == T_STAR ? mg_mul(out->v, b.v) : mg_div(out->v, b.v);
        if (made(ps, v, at, out, out->is_const && b.is_const)) return -1;
    }
}

static int parse_expr(parser *ps, val *out) {
    if (parse_term(ps, out)) return -1;
    for (;;) {
        int k = peek(ps)->kind;
        if (k != T_PLUS && k != T_MINUS) return 0;
        size_t at = ps->cur.at;
        advance(ps);
        val b;
        if (parse_term(ps, &b)) return -1;
        mg_value *v = k == T_PLUS ? mg_add(out->v, b.v) : mg_sub(out->v, b.v);
        if (made(ps, v, at, out, out->is_const && b.is_const)) return -1;
    }
}

/* statement := NAME '=' expr | expr */
static int parse_statement(parser *ps) {
    mgrad_prog *p = ps->p;
    tok t = *peek(ps);
    char q[40], q2[40];
    tok next = t.kind == T_NAME ? peek2(ps) : t;
    if (next.kind == T_ASSIGN && next.at + 1 < ps->len && ps->src[next.at + 1] == '=')
        return fail_at(p, next.at, "'==' is not an operator: there are no comparisons, and '=' "
                                   "names a node");
    if (t.kind == T_NAME && next.kind == T_ASSIGN) {
        const char *s = ps->src + t.at;
        if (is_function(s, t.len))
            return fail_at(p, t.at, "'%s' is a function and cannot be assigned", quote(q, s, t.len));
        mgrad_sym *old = mgrad_lookup(p, s, t.len);
        if (old && old->arg)
            return fail_at(p, t.at, "'%s' already has a value (given on the command line as %s)",
                           quote(q, s, t.len), quote(q2, old->arg, strlen(old->arg)));
        if (old) {
            size_t line, col;
            mgrad_line_col(ps->src, ps->len, old->where, &line, &col);
            return fail_at(p, t.at, "'%s' is assigned twice (first at %zu:%zu)", quote(q, s, t.len),
                           line, col);
        }
        advance(ps);
        advance(ps);
        val x;
        if (parse_expr(ps, &x)) return -1;
        /* label the node it names, unless it already has a name (e = a
         * makes e another name for a's node) */
        if (!mg_value_label(x.v)) {
            char *name = malloc(t.len + 1);
            if (!name) return fail_at(p, t.at, "out of memory");
            memcpy(name, s, t.len);
            name[t.len] = 0;
            mg_value *ok = mg_label(x.v, name);
            free(name);
            if (!ok) return fail_at(p, t.at, "out of memory");
        }
        if (sym_add(p, s, t.len, x.v, t.at, NULL)) return fail_at(p, t.at, "out of memory");
        p->root = x.v;
        p->root_name = p->syms[p->n_syms - 1].name;
    } else {
        val x;
        if (parse_expr(ps, &x)) return -1;
        p->root = x.v;
        p->root_name = NULL;
    }
    int k = peek(ps)->kind;
    if (k == T_SEP || k == T_EOF) return 0;
    if (k == T_ASSIGN && ps->cur.at + 1 < ps->len && ps->src[ps->cur.at + 1] == '=')
        return fail_at(p, ps->cur.at, "'==' is not an operator: there are no comparisons, and "
                                      "'=' names a node");
    if (k == T_ASSIGN)
        return fail_at(p, ps->cur.at, "'=' needs a single name on its left, like e = a*b");
    if (k == T_RPAREN) return fail_at(p, ps->cur.at, "')' without a matching '('");
    return expected(ps, "an operator, ';' or a new line");
}

int mgrad_parse(mgrad_prog *p, const char *src, size_t len) {
    if (p->has_error) return -1;
    /* bytes no token may hold are rejected first, wherever they are (even in
     * comments), so every later message and echo sees clean text */
    for (size_t i = 0; i < len;) {
        unsigned cp;
        size_t k = utf8_seq((const unsigned char *)src + i, len - i, &cp);
        if (!k) return fail_at(p, i, "invalid UTF-8 (byte 0x%02X)", (unsigned char)src[i]);
        if (cp == 0) return fail_at(p, i, "NUL byte in the input");
        i += k;
    }
    parser ps = {p, src, len, 0, {T_EOF, 0, 0, 0}, 0, 0, 0, 0, 0};
    size_t statements = 0;
    for (;;) {
        while (peek(&ps)->kind == T_SEP) advance(&ps);
        if (ps.cur.kind == T_BAD) return -1;
        if (ps.cur.kind == T_EOF) break;
        if (parse_statement(&ps)) return -1;
        statements++;
    }
    if (!statements) return fail_at(p, 0, "empty program: there is no statement to evaluate");
    return 0;
}

/* ------------------------------------------------------ error reporting */

void mgrad_line_col(const char *src, size_t len, size_t at, size_t *line, size_t *col) {
    size_t l = 1, c = 1;
    if (at > len) at = len;
    for (size_t i = 0; i < at;) {
        if (src[i] == '\n') {
            l++, c = 1, i++;
            continue;
        }
        unsigned cp;
        size_t k = utf8_seq((const unsigned char *)src + i, len - i, &cp);
        i += k ? k : 1;
        c++;
    }
    *line = l;
    *col = c;
}

/* Print line src[b..e) from character `from` to `to`, unprintable ones as
 * '?'; with `caret`, print instead the blanks that put a caret under
 * character `col` (tabs copied, so it lines up). */
static void echo(FILE *f, const char *src, size_t b, size_t e, size_t from, size_t to,
                 size_t caret_col) {
    size_t ch = 0;
    for (size_t i = b; i < e && ch < to; ch++) {
        unsigned cp = 0;
        size_t k = utf8_seq((const unsigned char *)src + i, e - i, &cp);
        if (ch >= from) {
            if (caret_col) {
                if (ch + 1 >= caret_col) break;
                fputc(src[i] == '\t' ? '\t' : ' ', f);
            } else if (!k || unprintable(cp)) {
                fputc('?', f);
            } else {
                fwrite(src + i, 1, k, f);
            }
        }
        i += k ? k : 1;
    }
}

void mgrad_print_error(FILE *err, const mgrad_prog *p, const char *src, size_t len,
                       const char *srcname) {
    if (!p->has_pos || !src) {
        fprintf(err, "mgrad: %s\n", p->error);
        return;
    }
    size_t line, col;
    mgrad_line_col(src, len, p->at, &line, &col);
    if (srcname) fprintf(err, "mgrad: %s:%zu:%zu: %s\n", srcname, line, col, p->error);
    else fprintf(err, "mgrad: %zu:%zu: %s\n", line, col, p->error);
    mgrad_echo_line(err, src, len, p->at);
}

void mgrad_echo_line(FILE *err, const char *src, size_t len, size_t at) {
    size_t line, col;
    if (at > len) at = len;
    mgrad_line_col(src, len, at, &line, &col);
    size_t b = at, e = at;
    while (b > 0 && src[b - 1] != '\n') b--;
    while (e < len && src[e] != '\n') e++;
    size_t chars, dummy;
    mgrad_line_col(src + b, e - b, e - b, &dummy, &chars);
    chars--;   /* characters on the line */
    if (!chars) return;   /* nothing to show */
    /* a long line is cut to a window around the column */
    size_t from = col > 50 ? col - 50 : 0, to = from + 100;
    if (to > chars) to = chars;
    int cut_left = from > 0, cut_right = to < chars;
    fputs("    ", err);
    if (cut_left) fputs("...", err);
    echo(err, src, b, e, from, to, 0);
    if (cut_right) fputs("...", err);
    fputs("\n    ", err);
    if (cut_left) fputs("   ", err);
    echo(err, src, b, e, from, to + 1, col);
    fputs("^\n", err);
}
