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
 * overflow.  Every error names its line and column.
 */
#ifndef MGRAD_PARSE_H
#define MGRAD_PARSE_H

#include <micrograd.h>

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

/* Where node v came from in the source (a byte offset), or (size_t)-1 when
 * it came from the command line. */
size_t mgrad_node_at(const mgrad_prog *p, const mg_value *v);

#endif
