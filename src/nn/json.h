/* json.h -- a strict JSON reader's pieces for the safetensors header
 * (json.c; not public). */
#ifndef MG_NN_JSON_H
#define MG_NN_JSON_H

#include <stddef.h>
#include <stdint.h>

/* Deepest nesting mg__json_skip follows. */
#define MG__JSON_DEPTH 32

/* What went wrong: one code per problem, turned into words (in the
 * caller's language) by the caller. */
#define MG__JSON_WANT_STRING  "string"
#define MG__JSON_UNTERMINATED "unterminated"
#define MG__JSON_CONTROL      "control"
#define MG__JSON_BAD_ESCAPE   "escape"
#define MG__JSON_WANT_UINT    "uint"
#define MG__JSON_TOO_BIG      "too big"
#define MG__JSON_BAD_VALUE    "value"
#define MG__JSON_TOO_DEEP     "deep"
#define MG__JSON_WANT_COLON   "colon"
#define MG__JSON_WANT_COMMA   "comma"
#define MG__JSON_NO_MEMORY    "memory"

/* The text s[0..n) and where reading stands; what/at: the first problem. */
typedef struct mg__json {
    const char *s;
    size_t n, i;
    const char *what;   /* NULL while all is well */
    size_t at;
} mg__json;

int mg__json_fail(mg__json *j, const char *what);       /* record; returns -1 */
void mg__json_ws(mg__json *j);                           /* skip white space */
int mg__json_peek(mg__json *j);                          /* next byte after white space, -1 at end */
int mg__json_expect(mg__json *j, char c, const char *what);
int mg__json_string(mg__json *j, char **out);            /* out may be NULL */
int mg__json_uint(mg__json *j, uint64_t *out);           /* 0 .. 2^64-1, digits only */
int mg__json_skip(mg__json *j, int depth);               /* any value */

#endif
