/* mgrad.h -- the mgrad command-line tool as functions, so that the tests and
 * the fuzzer drive exactly what the binary runs. */
#ifndef MGRAD_H
#define MGRAD_H

#include <micrograd.h>

#include <stddef.h>
#include <stdio.h>

/* Exit codes, as documented in --help and docs/mgrad.1. */
#define MGRAD_OK      0   /* evaluated; every value and gradient finite (or not asked) */
#define MGRAD_NUMERIC 1   /* --check-finite found a non-finite value, or --gradcheck a mismatch */
#define MGRAD_USAGE   2   /* bad usage or bad input, or the output could not be written */

/* Largest program read from a file or stdin. */
#define MGRAD_MAX_INPUT ((size_t)64 << 20)

/* What to print after evaluating. */
typedef enum mgrad_mode {
    MGRAD_TABLE,      /* name, data, grad of every named node (the default) */
    MGRAD_JSON,       /* the same as JSON, numbers with %.17g */
    MGRAD_DUMP,       /* mg_dump: every node, inputs first */
    MGRAD_TRACE,      /* mg_trace_backward: the chain rule edge by edge */
    MGRAD_EXPLAIN,    /* mg_explain: one gradient as a sum over paths */
    MGRAD_GRADCHECK,  /* mg_gradcheck against finite differences */
    MGRAD_DOT,        /* mg_dot_write: Graphviz DOT */
    MGRAD_D2,         /* --d2 NAME: d(last)/d(NAME) and its derivatives (higher.c) */
    MGRAD_HESSIAN,    /* --hessian: every second derivative of the named leaves */
    MGRAD_FORWARD,    /* --forward NAME: forward mode narrated, tangent by tangent */
    MGRAD_HTML,       /* mg_html_write into the file `page` ("-": stdout) */
    MGRAD_SVG         /* mg_svg_write into the file `page` ("-": stdout) */
} mgrad_mode;

typedef struct mgrad_opts {
    mgrad_mode mode;
    int tsv;              /* table or dump as tab-separated, %.17g */
    int check_finite;     /* exit MGRAD_NUMERIC when a value or gradient is not finite */
    const char *explain;  /* MGRAD_EXPLAIN: the name to explain */
    int no_grad;          /* MGRAD_DOT: records without the grad field */
    const char *wrt;      /* MGRAD_D2, MGRAD_FORWARD: the leaf to differentiate by */
    const char *page;     /* MGRAD_HTML, MGRAD_SVG: the file to write */
    int quiz;             /* MGRAD_HTML: a worksheet, gradients hidden */
    mg_lang lang;         /* of messages, the table and the teaching writers */
} mgrad_opts;

/* Evaluate the program src[0..len) with the leaves defs[0..n_defs) (each
 * "NAME=NUMBER"), run backward from its last statement and print per `o` to
 * `out`; messages go to `err`.  srcname names a program file in messages
 * (NULL: it came from the command line or stdin).  Returns an exit code. */
int mgrad_run(const mgrad_opts *o, const char *src, size_t len, const char *srcname,
              char *const *defs, size_t n_defs, FILE *out, FILE *err);

/* The whole tool: parse argv (argv[0] is skipped), read the program (from
 * argv, -f FILE, or `in`), run it.  The language is --lang es|en, else
 * mg_lang_from_env().  Returns an exit code; never exits. */
int mgrad_main(int argc, char **argv, FILE *in, FILE *out, FILE *err);

/* higher.c: the output of --d2, --hessian and --forward for a parsed
 * program (struct mgrad_prog, parse.h).  Each returns an exit code, having
 * written any message to err in the graph's language. */
struct mgrad_prog;
int mgrad_print_d2(FILE *out, FILE *err, struct mgrad_prog *p, const char *name);
int mgrad_print_hessian(FILE *out, FILE *err, struct mgrad_prog *p);
int mgrad_print_forward(FILE *out, FILE *err, struct mgrad_prog *p, const char *name);

#endif
