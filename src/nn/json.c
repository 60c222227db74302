/* json.c -- the few pieces of a strict JSON reader that the safetensors
 * header needs (RFC 8259): white space, literal characters, strings with
 * every escape (\uXXXX pairs included, written out as UTF-8), non-negative
 * integers, and skipping any value.  No allocation beyond the strings the
 * caller asks for, no recursion deeper than MG__JSON_DEPTH.
 *
 * On a problem each function records the first one in the cursor (`what`,
 * at byte `at` of the text) and returns -1; later calls then do nothing
 * and fail too, so the caller may test once at the end of a step. */
#include "nn/json.h"

#include <stdlib.h>
#include <string.h>

int mg__json_fail(mg__json *j, const char *what) {
    if (!j->what) {
        j->what = what;
        j->at = j->i;
    }
    return -1;
}

void mg__json_ws(mg__json *j) {
    while (j->i < j->n && (j->s[j->i] == ' ' || j->s[j->i] == '\t' || j->s[j->i] == '\n' ||
                           j->s[j->i] == '\r'))
        j->i++;
}

int mg__json_peek(mg__json *j) {
    mg__json_ws(j);
    return j->what || j->i >= j->n ? -1 : (unsigned char)j->s[j->i];
}

int mg__json_expect(mg__json *j, char c, const char *what) {
    if (mg__json_peek(j) != (unsigned char)c) return mg__json_fail(j, what);
    j->i++;
    return 0;
}

static int hex4(mg__json *j, unsigned *u) {
    if (j->n - j->i < 4) return mg__json_fail(j, MG__JSON_BAD_ESCAPE);
    *u = 0;
    for (int k = 0; k < 4; k++) {
        char c = j->s[j->i++];
        unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;
        if (d == 16) return mg__json_fail(j, MG__JSON_BAD_ESCAPE);
        *u = *u * 16 + d;
    }
    return 0;
}

/* Append code point u as UTF-8 to out[*len] (room for 4 more bytes). */
static void put_utf8(char *out, size_t *len, unsigned u) {
    if (u < 0x80) {
        out[(*len)++] = (char)u;
    } else if (u < 0x800) {
        out[(*len)++] = (char)(0xC0 | (u >> 6));
        out[(*len)++] = (char)(0x80 | (u & 0x3F));
    } else if (u < 0x10000) {
        out[(*len)++] = (char)(0xE0 | (u >> 12));
        out[(*len)++] = (char)(0x80 | ((u >> 6) & 0x3F));
        out[(*len)++] = (char)(0x80 | (u & 0x3F));
    } else {
        out[(*len)++] = (char)(0xF0 | (u >> 18));
        out[(*len)++] = (char)(0x80 | ((u >> 12) & 0x3F));
        out[(*len)++] = (char)(0x80 | ((u >> 6) & 0x3F));
        out[(*len)++] = (char)(0x80 | (u & 0x3F));
    }
}

/* A string's value (malloc'd, NUL-terminated, the caller frees it; NULL
 * when out is NULL: the string is only checked).  The decoded text is never
 * longer than the encoded one, so one allocation of that size is enough. */
int mg__json_string(mg__json *j, char **out) {
    if (out) *out = NULL;
    if (mg__json_expect(j, '"', MG__JSON_WANT_STRING)) return -1;
    size_t start = j->i, end = start;
    while (end < j->n && j->s[end] != '"') end += j->s[end] == '\\' ? 2 : 1;
    if (end >= j->n) return mg__json_fail(j, MG__JSON_UNTERMINATED);
    char *buf = malloc(end - start + 1);
    if (!buf) return mg__json_fail(j, MG__JSON_NO_MEMORY);
    size_t len = 0;
    while (j->s[j->i] != '"') {
        unsigned char c = (unsigned char)j->s[j->i++];
        if (c < 0x20) {
            j->i--;
            free(buf);
            return mg__json_fail(j, MG__JSON_CONTROL);
        }
        if (c != '\\') {
            buf[len++] = (char)c;
            continue;
        }
        char e = j->s[j->i++];
        const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t", *hit = strchr(from, e);
        unsigned u;
        if (e && hit) {
            buf[len++] = to[hit - from];
        } else if (e == 'u' && !hex4(j, &u)) {
            if (u >= 0xDC00 && u <= 0xDFFF) goto bad;   /* a low surrogate alone */
            if (u >= 0xD800 && u <= 0xDBFF) {            /* needs its low half */
                unsigned lo;
                if (j->n - j->i < 2 || j->s[j->i] != '\\' || j->s[j->i + 1] != 'u') goto bad;
                j->i += 2;
                if (hex4(j, &lo) || lo < 0xDC00 || lo > 0xDFFF) goto bad;
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
            }
            put_utf8(buf, &len, u);
        } else {
            goto bad;
        }
    }
    j->i++;   /* the closing quote */
    buf[len] = 0;
    if (out) *out = buf;
    else free(buf);
    return 0;
bad:
    free(buf);
    return mg__json_fail(j, MG__JSON_BAD_ESCAPE);
}

int mg__json_uint(mg__json *j, uint64_t *out) {
    int c = mg__json_peek(j);
    if (c < '0' || c > '9') return mg__json_fail(j, MG__JSON_WANT_UINT);
    uint64_t v = 0;
    size_t first = j->i;
    while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9') {
        unsigned d = (unsigned)(j->s[j->i] - '0');
        if (v > (UINT64_MAX - d) / 10) return mg__json_fail(j, MG__JSON_TOO_BIG);
        v = v * 10 + d;
        j->i++;
    }
    if (j->s[first] == '0' && j->i - first > 1) {   /* JSON has no leading zeros */
        j->i = first;
        return mg__json_fail(j, MG__JSON_WANT_UINT);
    }
    if (j->i < j->n && (j->s[j->i] == '.' || j->s[j->i] == 'e' || j->s[j->i] == 'E'))
        return mg__json_fail(j, MG__JSON_WANT_UINT);
    *out = v;
    return 0;
}

/* A JSON number of any form (checked, not kept). */
static int number(mg__json *j) {
    size_t i = j->i;
    const char *s = j->s;
#define DIGITS(min)                                              \
    do {                                                         \
        size_t k0 = i;                                           \
        while (i < j->n && s[i] >= '0' && s[i] <= '9') i++;      \
        if (i - k0 < (min)) goto bad;                            \
    } while (0)
    if (i < j->n && s[i] == '-') i++;
    if (i < j->n && s[i] == '0') i++;
    else DIGITS(1);
    if (i < j->n && s[i] == '.') {
        i++;
        DIGITS(1);
    }
    if (i < j->n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < j->n && (s[i] == '+' || s[i] == '-')) i++;
        DIGITS(1);
    }
#undef DIGITS
    j->i = i;
    return 0;
bad:
    j->i = i;
    return mg__json_fail(j, MG__JSON_BAD_VALUE);
}

int mg__json_skip(mg__json *j, int depth) {
    int c = mg__json_peek(j);
    if (depth > MG__JSON_DEPTH) return mg__json_fail(j, MG__JSON_TOO_DEEP);
    if (c == '"') return mg__json_string(j, NULL);
    if (c == '{' || c == '[') {
        const char close = c == '{' ? '}' : ']';
        j->i++;
        if (mg__json_peek(j) == close) return j->i++, 0;
        for (;;) {
            if (c == '{' && (mg__json_string(j, NULL) || mg__json_expect(j, ':', MG__JSON_WANT_COLON)))
                return -1;
            if (mg__json_skip(j, depth + 1)) return -1;
            int next = mg__json_peek(j);
            if (next == close) return j->i++, 0;
            if (mg__json_expect(j, ',', MG__JSON_WANT_COMMA)) return -1;
        }
    }
    static const char *const words[] = {"true", "false", "null"};
    for (int k = 0; k < 3; k++) {
        size_t len = strlen(words[k]);
        if (j->n - j->i >= len && !memcmp(j->s + j->i, words[k], len)) {
            j->i += len;
            return 0;
        }
    }
    if (c == '-' || (c >= '0' && c <= '9')) return number(j);
    return mg__json_fail(j, MG__JSON_BAD_VALUE);
}
