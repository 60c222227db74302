/* parse.c -- the lexer and the recursive-descent parser of the mgrad
 * language (grammar in parse.h).  The parser makes graph nodes as it reads. */
#include "parse.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int digit(int c) { return c >= '0' && c <= '9'; }

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

static void lex_fail(parser *ps, size_t at, const char *en, const char *es, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 5), format(printf, 4, 5)))
#endif
    ;
static void lex_fail(parser *ps, size_t at, const char *en, const char *es, ...) {
    if (ps->quiet) return;   /* the error is found again when the token is reached */
    va_list ap;
    va_start(ap, es);
    mgrad__vfail(ps->p, at, ps->p->lang == MG_LANG_ES ? es : en, ap);
    va_end(ap);
}

/* Lex one token from *pos (moving it past the token). */
static tok lex_at(parser *ps, size_t *pos) {
    const char *s = ps->src;
    size_t i = *pos, n = ps->len;
    tok t = {T_EOF, n, 0, 0};
    if (i == 0) i = mgrad__bom(s, n);   /* a byte-order mark some editors write */
    for (;;) {   /* skip spaces and comments; newlines only inside parentheses */
        if (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || (s[i] == '\n' && ps->paren)))
            i++;
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
            t.len = mgrad__scan_number(s + i, n - i, &bad_exp);
            if (bad_exp) {
                lex_fail(ps, i, "malformed number '%s': the exponent has no digits",
                         "número mal formado '%s': el exponente no tiene dígitos",
                         mgrad__quote(q, s + i, t.len));
                t.kind = T_BAD;
                break;
            }
            size_t end = i + t.len, whole = 0, frac = 0;
            while (whole < t.len && digit(s[i + whole])) whole++;
            while (end + 1 + frac < n && digit(s[end + 1 + frac])) frac++;
            if (whole == t.len && end < n && s[end] == ',' && frac) {
                /* 3,5: a decimal comma, as a decimal-comma locale writes 3.5 */
                char point[40];
                mgrad__quote(q, s + i, t.len + 1 + frac);
                memcpy(point, q, sizeof point);
                char *comma = strchr(point, ',');
                if (comma) *comma = '.';
                lex_fail(ps, i, "'%s' has a decimal comma; write %s (with a point)",
                         "'%s' lleva coma decimal; escriba %s (con punto)", q, point);
                t.kind = T_BAD;
                break;
            }
            int rc = mgrad__to_double(s + i, t.len, &t.num);
            if (rc) {
                if (rc == -1)
                    lex_fail(ps, i, "number %s is too large for a double",
                             "el número %s es demasiado grande para un double",
                             mgrad__quote(q, s + i, t.len));
                else lex_fail(ps, i, "out of memory", "sin memoria");
                t.kind = T_BAD;
                break;
            }
            t.kind = T_NUM;
        } else if ((t.len = mgrad__name_len(s + i, n - i)) > 0) {
            t.kind = T_NAME;   /* ASCII or not: pérdida, η */
        } else {
            unsigned cp;
            size_t k = mgrad__utf8_seq((const unsigned char *)s + i, n - i, &cp);
            t.len = 1;
            if (c >= 0x80 && k)
                lex_fail(ps, i,
                         "unexpected character U+%04X (names are letters, digits and _; "
                         "operators are ASCII)",
                         "carácter inesperado U+%04X (los nombres son letras, dígitos y _; los "
                         "operadores son ASCII)",
                         cp);
            else if (c < 0x20 || c == 0x7F)
                lex_fail(ps, i, "unexpected control character 0x%02X",
                         "carácter de control inesperado 0x%02X", c);
            else if (c < 0x80)
                lex_fail(ps, i, "unexpected character '%c'", "carácter inesperado '%c'", c);
            else
                lex_fail(ps, i, "invalid UTF-8 (byte 0x%02X)", "UTF-8 inválido (byte 0x%02X)", c);
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

/* A few words for token t in a message: "end of input", "name 'b'", "'+'"
 * (in Spanish with the article: "el final de la entrada", "el nombre 'b'"). */
static const char *describe(const parser *ps, const tok *t, char buf[64]) {
    char q[40];
    int es = ps->p->lang == MG_LANG_ES;
    switch (t->kind) {
    case T_EOF: return es ? "el final de la entrada" : "end of input";
    case T_SEP:
        if (ps->src[t->at] != '\n') return "';'";
        return es ? "el final de la línea" : "end of line";
    case T_NUM:
        snprintf(buf, 64, es ? "el número %s" : "number %s",
                 mgrad__quote(q, ps->src + t->at, t->len));
        return buf;
    case T_NAME:
        snprintf(buf, 64, es ? "el nombre '%s'" : "name '%s'",
                 mgrad__quote(q, ps->src + t->at, t->len));
        return buf;
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

/* "expected WHAT before <the current token>"; `what` is given in both
 * languages. */
static int expected(parser *ps, const char *what_en, const char *what_es) {
    tok *t = peek(ps);
    if (t->kind == T_BAD) return -1;   /* the lexer said why */
    char buf[64];
    const char *what = ps->p->lang == MG_LANG_ES ? what_es : what_en;
    return mgrad__fail(ps->p, where(ps, t), "expected %s before %s", "se esperaba %s y se encontró %s",
                       what, describe(ps, t, buf));
}

/* --------------------------------------------------------------- parser */

typedef struct val {
    mg_value *v;
    int is_const;   /* made from numbers only: usable as an exponent */
} val;

/* Record node v, made by the token at `at`; fails if the op failed. */
static int made(parser *ps, mg_value *v, size_t at, val *out, int is_const) {
    if (!v || mgrad__note_node(ps->p, v, at)) {
        const char *why = mg_graph_error(ps->p->g);
        if (why) return mgrad__fail(ps->p, at, "%s", "%s", why);   /* in the graph's language */
        return mgrad__fail(ps->p, at, "out of memory", "sin memoria");
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
        char en[48], es[48];
        snprintf(en, sizeof en, "'(' after '%.*s'", (int)name->len, fn);
        snprintf(es, sizeof es, "'(' después de '%.*s'", (int)name->len, fn);
        return expected(ps, en, es);
    }
    advance(ps);
    ps->paren++;
    val x;
    if (parse_expr(ps, &x)) return -1;
    if (peek(ps)->kind == T_COMMA)
        return mgrad__fail(ps->p, ps->cur.at, "%.*s takes one argument",
                           "%.*s recibe un solo argumento", (int)name->len, fn);
    if (peek(ps)->kind != T_RPAREN) return expected(ps, "')'", "')'");
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
        if (peek(ps)->kind != T_RPAREN) return expected(ps, "')'", "')'");
        ps->paren--;
        advance(ps);
        return 0;
    }
    if (t.kind != T_NAME) return expected(ps, "a number, a name or '('", "un número, un nombre o '('");
    advance(ps);
    const char *s = ps->src + t.at;
    if (mgrad__is_function(s, t.len)) return parse_call(ps, &t, out);
    if (peek(ps)->kind == T_LPAREN)
        return mgrad__fail(ps->p, t.at,
                           "unknown function '%s' (the functions are " MGRAD_FUNCTIONS ")",
                           "función desconocida '%s' (las funciones son " MGRAD_FUNCTIONS ")",
                           mgrad__quote(q, s, t.len));
    mgrad_sym *sym = mgrad_lookup(ps->p, s, t.len);
    if (!sym)
        return mgrad__fail(ps->p, t.at,
                           "unknown name '%s': give it a value on the command line (%s=1.5) "
                           "or assign it in an earlier statement",
                           "nombre desconocido '%s': dele un valor en la línea de comandos "
                           "(%s=1.5) o asígnelo en una instrucción anterior",
                           mgrad__quote(q, s, t.len), q);
    out->v = sym->node;
    out->is_const = 0;
    return 0;
}

/* power := primary [ ('**' | '^') unary ]: right-associative through unary.
 * An exponent made of numbers only becomes mg_pow's constant (drawn "**2",
 * as micrograd does); any other exponent is a node of its own (mg_pow_v),
 * so that the gradient reaches it too. */
static int parse_power(parser *ps, val *out) {
    if (parse_primary(ps, out)) return -1;
    if (peek(ps)->kind != T_POW) return 0;
    tok op = ps->cur;
    advance(ps);
    val k;
    if (parse_unary(ps, &k)) return -1;
    if (k.is_const) return made(ps, mg_pow(out->v, k.v->data), op.at, out, out->is_const);
    return made(ps, mg_pow_v(out->v, k.v), op.at, out, 0);
}

static int parse_unary(parser *ps, val *out) {
    if (++ps->depth > MGRAD_MAX_DEPTH)
        return mgrad__fail(ps->p, peek(ps)->at,
                           "nested more than %d deep (parentheses, unary minus, powers, calls)",
                           "anidado a más de %d niveles (paréntesis, menos unario, potencias, "
                           "llamadas)",
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
        return mgrad__fail(p, next.at,
                           "'==' is not an operator: there are no comparisons, and '=' names a node",
                           "'==' no es un operador: no hay comparaciones, y '=' le da nombre a un "
                           "nodo");
    if (t.kind == T_NAME && next.kind == T_ASSIGN) {
        const char *s = ps->src + t.at;
        if (mgrad__is_function(s, t.len))
            return mgrad__fail(p, t.at, "'%s' is a function and cannot be assigned",
                               "'%s' es una función y no se le puede asignar un valor",
                               mgrad__quote(q, s, t.len));
        mgrad_sym *old = mgrad_lookup(p, s, t.len);
        if (old && old->arg)
            return mgrad__fail(p, t.at, "'%s' already has a value (given on the command line as %s)",
                               "'%s' ya tiene un valor (dado en la línea de comandos como %s)",
                               mgrad__quote(q, s, t.len),
                               mgrad__quote(q2, old->arg, strlen(old->arg)));
        if (old) {
            size_t line, col;
            mgrad_line_col(ps->src, ps->len, old->where, &line, &col);
            return mgrad__fail(p, t.at, "'%s' is assigned twice (first at %zu:%zu)",
                               "'%s' se asigna dos veces (la primera en %zu:%zu)",
                               mgrad__quote(q, s, t.len), line, col);
        }
        advance(ps);
        advance(ps);
        val x;
        if (parse_expr(ps, &x)) return -1;
        /* label the node it names, unless it already has a name (e = a
         * makes e another name for a's node) */
        if (!mg_value_label(x.v)) {
            char *name = malloc(t.len + 1);
            if (!name) return mgrad__fail(p, t.at, "out of memory", "sin memoria");
            memcpy(name, s, t.len);
            name[t.len] = 0;
            mg_value *ok = mg_label(x.v, name);
            free(name);
            if (!ok) return mgrad__fail(p, t.at, "out of memory", "sin memoria");
        }
        if (mgrad__sym_add(p, s, t.len, x.v, t.at, NULL))
            return mgrad__fail(p, t.at, "out of memory", "sin memoria");
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
        return mgrad__fail(p, ps->cur.at,
                           "'==' is not an operator: there are no comparisons, and '=' names a node",
                           "'==' no es un operador: no hay comparaciones, y '=' le da nombre a un "
                           "nodo");
    if (k == T_ASSIGN)
        return mgrad__fail(p, ps->cur.at, "'=' needs a single name on its left, like e = a*b",
                           "'=' necesita un solo nombre a su izquierda, como e = a*b");
    if (k == T_RPAREN)
        return mgrad__fail(p, ps->cur.at, "')' without a matching '('",
                           "')' sin su '(' correspondiente");
    return expected(ps, "an operator, ';' or a new line", "un operador, ';' o una línea nueva");
}

int mgrad_parse(mgrad_prog *p, const char *src, size_t len) {
    if (p->has_error) return -1;
    /* bytes no token may hold are rejected first, wherever they are (even in
     * comments), so every later message and echo sees clean text */
    for (size_t i = 0; i < len;) {
        unsigned cp;
        size_t k = mgrad__utf8_seq((const unsigned char *)src + i, len - i, &cp);
        if (!k)
            return mgrad__fail(p, i, "invalid UTF-8 (byte 0x%02X)", "UTF-8 inválido (byte 0x%02X)",
                               (unsigned char)src[i]);
        if (cp == 0) return mgrad__fail(p, i, "NUL byte in the input", "byte NUL en la entrada");
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
    if (!statements)
        return mgrad__fail(p, 0, "empty program: there is no statement to evaluate",
                           "programa vacío: no hay ninguna instrucción que evaluar");
    return 0;
}
