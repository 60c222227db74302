/* parse.h -- the mgrad language: turn a program text into a micrograd graph.
 *
 *     program   := statement { (';' | newline) statement }
 *     statement := NAME '=' expr | expr
 *     expr      := term { ('+' | '-') term }
 *     term      := unary { ('*' | '/') unary }
 *     unary     := '-' unary | power
 *     power     := primary [ ('**' | '^') unary ]     (exponent: a constant)
 *     primary   := NUMBER | NAME | FUNC '(' expr ')' | '(' expr ')'
 *     FUNC      := exp | log | tanh | relu | sigmoid
 *
 * So -a**2 is -(a**2) and 2**3**2 is 2**9, as in Python.  `#` starts a
 * comment to the end of the line; inside parentheses a newline is just space.
 *
 * The parser builds the graph as it reads: every operator makes its node at
 * once, so there is no syntax tree to free.  It recurses only through
 * parentheses, unary minus, powers and function calls, and never deeper than
 * MGRAD_MAX_DEPTH: 100,000 nested parentheses give an error, not a stack
 * overflow.  Every error names its line and column, in the program's
 * language (mgrad_prog_set_lang).
 *
 * Names are letters, digits and _, not starting with a digit, where a
 * letter is an ASCII one or one of Latin-1, Latin Extended-A and -B,
 * Greek, Cyrillic or Latin Extended Additional (mg__letter): pérdida,
 * salida_ĥ, η and σ are names.  A combining accent (U+0300 to U+036F) may
 * follow any character but the first.  Names are compared byte for byte:
 * "é" typed as one character and as e + U+0301 are two different names.
 *
 * Files: parse.c (lexer and parser), prog.c (symbols, command-line values,
 * errors, spelling of names and numbers), source.c (UTF-8, line:column and
 * the echoed line with its caret).
 */
#ifndef MGRAD_PARSE_H
#define MGRAD_PARSE_H

#include <micrograd.h>

/* the library's own text rules (letters, terminal widths), shared so that
 * the tool and the library agree */
#include "teach/teach.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* Deepest nesting of parentheses, unary minus, powers and calls. */
#define MGRAD_MAX_DEPTH 256

/* Functions of one argument the language knows. */
#define MGRAD_FUNCTIONS "exp log tanh relu sigmoid"

/* A name and the node it stands for. */
typedef struct mgrad_sym {
    char *name;            /* malloc'd, NUL-terminated */
    mg_value *node;        /* the node; an alias (e = a) shares a's node */
    size_t where;          /* byte offset of its definition in the source */
    const char *arg;       /* the command-line argument that gave it, or NULL */
} mgrad_sym;

/* Everything the parser knows about one program. */
typedef struct mgrad_prog {
    mg_graph *g;           /* owns every node; made by mgrad_prog_init */
    mg_lang lang;          /* of the error messages (and the graph's writers) */

    mgrad_sym *syms;       /* in definition order: command line, then program */
    size_t n_syms, cap_syms;
    size_t *hash;          /* open addressing: index into syms + 1, 0 = empty */
    size_t hash_cap;

    size_t *node_at;       /* source byte offset of the token that made node id */
    size_t n_node_at;

    mg_value *root;        /* the last statement's node, after mgrad_parse */
    const char *root_name; /* its name when that statement was an assignment */

    /* the first error: message, and where (has_pos: `at` is a byte offset
     * into the source; otherwise the message names its own place) */
    int has_error, has_pos;
    size_t at;
    char error[512];
} mgrad_prog;

/* Prepare p with a fresh graph.  Returns 0, or -1 when out of memory (p is
 * then still safe to pass to mgrad_prog_free). */
int mgrad_prog_init(mgrad_prog *p);

/* The language of p's messages and of its graph's writers (trace, dump,
 * explain, ...); English until set. */
void mgrad_prog_set_lang(mgrad_prog *p, mg_lang lang);

/* Free the graph, the symbols and everything else p holds.  Safe on a
 * zeroed or failed p. */
void mgrad_prog_free(mgrad_prog *p);

/* Define a leaf from a command-line argument "NAME=NUMBER".  Returns 0, or
 * -1 with p->error set (not a name, not a number, a function's name, given
 * twice).  Call before mgrad_parse. */
int mgrad_define(mgrad_prog *p, const char *arg);

/* Whether arg has the form NAME=NUMBER (so it is a value, not a program). */
int mgrad_is_definition(const char *arg);

/* Parse src[0..len) (need not be NUL-terminated; NUL bytes in it are an
 * error) and build its graph in p->g: names given with mgrad_define become
 * the labelled leaves, assignments label the node they name, and p->root is
 * the last statement's node.  Returns 0, or -1 with the first error in p
 * (p->has_pos and p->at say where).  Does not run backward. */
int mgrad_parse(mgrad_prog *p, const char *src, size_t len);

/* The symbol called `name`, or NULL. */
mgrad_sym *mgrad_lookup(const mgrad_prog *p, const char *name, size_t len);

/* Line and column (both from 1; the column counts UTF-8 characters) of byte
 * offset `at` in src[0..len). */
void mgrad_line_col(const char *src, size_t len, size_t at, size_t *line, size_t *col);

/* Print p's error as "mgrad: [SRCNAME:]LINE:COL: message", then the line
 * echoed (cut to a window around the column when long; bytes that would not
 * print are shown as '?') and a caret under the column.  srcname may be NULL
 * (the program came from the command line or stdin). */
void mgrad_print_error(FILE *err, const mgrad_prog *p, const char *src, size_t len,
                       const char *srcname);

/* Echo the line holding byte offset `at` with a caret under its column, as
 * mgrad_print_error does after its message. */
void mgrad_echo_line(FILE *err, const char *src, size_t len, size_t at);

/* Where node v came from in the source (a byte offset), or MGRAD_NO_POS when
 * it came from the command line. */
size_t mgrad_node_at(const mgrad_prog *p, const mg_value *v);

/* ------------------------------------------------------------------------
 * Shared by the tool's files (prog.c, parse.c, source.c); not for callers. */

/* A byte offset that means "no place in the source". */
#define MGRAD_NO_POS ((size_t)-1)

/* Record the first error (later ones are dropped); `at` is a byte offset or
 * MGRAD_NO_POS.  mgrad__fail takes the message whole in English and in
 * Spanish (the same arguments in the same order) and keeps the one of
 * p->lang; mgrad__vfail takes the one already chosen.  Both return -1, so
 * `return mgrad__fail(...)` fails. */
int mgrad__fail(mgrad_prog *p, size_t at, const char *en, const char *es, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 5), format(printf, 4, 5)))
#endif
    ;
int mgrad__vfail(mgrad_prog *p, size_t at, const char *fmt, va_list ap);

/* s[0..n) made safe for a message in buf: at most 32 bytes, letters of
 * names kept whole (UTF-8), '?' for anything else that is not printable
 * ASCII, "..." when cut.  Returns buf. */
const char *mgrad__quote(char buf[40], const char *s, size_t n);

/* Spelling.  Which code points are letters names may use is the
 * library's own rule (mg__letter, src/teach/text.c), so that the library
 * writes d<name> bare exactly for the names mgrad reads as one word.
 * mgrad__name_len: the length in bytes of the name at s[0..n), 0 when none
 * starts there.  A number is as in mgrad__scan_number. */
size_t mgrad__name_len(const char *s, size_t n);
int mgrad__is_function(const char *s, size_t n);

/* Length of the number at s[0..n) (0: none); *bad_exp when its exponent
 * has no digits. */
size_t mgrad__scan_number(const char *s, size_t n, int *bad_exp);

/* The double s[0..n) spells: 0, -1 when it overflows, -2 out of memory. */
int mgrad__to_double(const char *s, size_t n, double *out);

/* Add a new symbol; remember which source offset made node v.  0 or -1
 * (out of memory). */
int mgrad__sym_add(mgrad_prog *p, const char *name, size_t len, mg_value *node, size_t where,
                   const char *arg);
int mgrad__note_node(mgrad_prog *p, const mg_value *v, size_t at);

/* Length (1 to 4) of the well-formed UTF-8 sequence at s[0..n), storing its
 * code point; 0 when it is not well formed. */
size_t mgrad__utf8_seq(const unsigned char *s, size_t n, unsigned *cp);

/* 3 when src starts with a UTF-8 byte-order mark (skipped, and not counted
 * as a column), else 0. */
size_t mgrad__bom(const char *src, size_t len);

/* Columns the UTF-8 text s[0..n) takes on a terminal (bytes that are not
 * UTF-8 count one column each; each code point as the library's
 * mg__cp_width counts it). */
size_t mgrad__text_width(const char *s, size_t n);

#endif
