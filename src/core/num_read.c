/* num_read.c -- one number from a file's field or line, and what is wrong
 * with it when it is not one: the loaders (CSV, models) tell a number too
 * large or too small for a double, and one that is not finite, from text
 * that is no number at all. */
#include "core/core.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Whether the number text s[0..len) (as mg_num_parse read it) has a digit
 * other than 0 before its exponent: a value that is not zero, though it
 * may read as 0 when it is too small for a double. */
static int nonzero_mantissa(const char *s, size_t len) {
    size_t i = 0;
    if (i < len && (s[i] == '+' || s[i] == '-')) i++;
    int hex = i + 1 < len && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X');
    if (hex) i += 2;
    for (; i < len; i++) {
        char c = s[i];
        if (hex ? c == 'p' || c == 'P' : c == 'e' || c == 'E') break;
        if (c >= '1' && c <= '9') return 1;
        if (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return 1;
    }
    return 0;
}

mg__num_status mg__num_read(const char *s, size_t len, double *out) {
    char small[64], *copy = len < sizeof small ? small : malloc(len + 1);
    if (!copy) return MG__NUM_BAD;
    memcpy(copy, s, len);
    copy[len] = '\0';
    char *end;
    double x = mg_num_parse(copy, &end);
    mg__num_status st = MG__NUM_OK;
    /* no white space before or after: the caller trimmed what it allows */
    if (len == 0 || end != copy + len || copy[0] == ' ' || copy[0] == '\t' ||
        (copy[0] >= '\t' && copy[0] <= '\r'))
        st = MG__NUM_BAD;
    else if (isnan(x) || (isinf(x) && strchr("iInN", copy[copy[0] == '+' || copy[0] == '-'])))
        st = MG__NUM_NONFINITE;
    else if (isinf(x))
        st = MG__NUM_HUGE;
    else if (x == 0.0 && nonzero_mantissa(copy, len))
        st = MG__NUM_TINY;
    else
        *out = x;
    if (copy != small) free(copy);
    return st;
}
