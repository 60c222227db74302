/* teach.h -- what the teaching outputs (dot.c, trace.c, gradcheck.c) share:
 * printing names and numbers the same way everywhere. */
#ifndef MG_TEACH_H
#define MG_TEACH_H

#include "core/ops.h"

#include <stdio.h>

/* Length of the valid UTF-8 sequence starting at s (1 to 4 bytes), or 0
 * when s does not start one (stray continuation byte, overlong form,
 * surrogate, beyond U+10FFFF, cut short).  s is NUL-terminated. */
size_t mg__utf8_len(const unsigned char *s);

/* Columns code point cp takes on a terminal: 0 for combining marks (the
 * accent of a decomposed "e" + U+0301), 2 for East Asian wide characters
 * and emoji, 1 otherwise.  Tables are aligned by this, not by bytes. */
size_t mg__cp_width(unsigned cp);

/* Whether cp is a letter of the alphabets names may use: ASCII, Latin-1
 * (but the signs x and / of U+00D7, U+00F7), Latin Extended-A and -B,
 * Greek, Cyrillic and Latin Extended Additional (and the micro sign). */
int mg__letter(unsigned cp);

/* Write s on one line, C-style: backslash, tab, newline and the other
 * control characters, and bytes that are not valid UTF-8, become \\ \t \n
 * \xNN.  Writes nothing when out is NULL; returns the columns it took (or
 * would have) on a terminal (mg__cp_width), so the same function measures
 * column widths. */
size_t mg__put_text(FILE *out, const char *s);

/* Write v's name as mg__put_text does: its label, or "#id".  Returns the
 * characters written. */
size_t mg__put_name(FILE *out, const mg_value *v);

/* The name as a factor of a derivative, d<name>: bare when it is a simple
 * word (letters, digits, _ . #), in parentheses otherwise, so that
 * "dL/d(x1*w1 + x2*w2)" cannot be misread. */
size_t mg__put_dname(FILE *out, const mg_value *v);   /* same return as above */

/* Format x for people into buf: nine decimals, or %.9e when fixed point
 * would hide the digits (|x| < 1e-3 or >= 1e9); "nan", "inf", "-inf".
 * Always with '.', whatever the locale: the digits are the same in every
 * language.  Returns buf. */
char *mg__fmt_num(char buf[32], double x);

/* The lines of mg_trace_backward (trace.c), for every writer that narrates
 * backward: one chain-rule step, grad(in) += grad(v) * dv/din = g * local
 * = product, with "(now after)" when `before` was not 0; and the first
 * line, grad(root) = 1 (or "+= 1 (now after)" when the root accumulates,
 * as a leaf does). */
void mg__put_trace_edge(FILE *out, const mg_value *v, const mg_value *in, double g, double local,
                        double product, double before, double after);
void mg__put_trace_root(FILE *out, const mg_value *root, int accumulates, double after);

/* 0 when everything written to out so far has reached it, -1 otherwise. */
int mg__finish(FILE *out);

/* mg_gradcheck with the backward pass given: the tests hand it a broken
 * backward to prove that the check notices. */
double mg__gradcheck_with(mg_value *root, mg_value *const *leaves, size_t n, double eps,
                          FILE *report, void (*backward)(mg_value *root));

/* mg_gradgradcheck with the derivative builder given (mg_grad): the tests
 * hand it a wrong one to prove that the check notices. */
double mg__gradgradcheck_with(mg_value *root, mg_value *const *leaves, size_t n, double eps,
                              FILE *report, mg_value *(*grad)(mg_value *root, mg_value *x));

#endif
