/* source.c -- places in a program text: UTF-8, line:column, and the
 * echoed line with a caret that every message about the text ends with. */
#include "parse.h"

#include <string.h>

/* Length of the well-formed UTF-8 sequence at s[0..n) (1 to 4), storing its
 * code point, or 0 when it is not well formed: stray continuation bytes,
 * overlong forms, surrogates and code points above U+10FFFF are all 0. */
size_t mgrad__utf8_seq(const unsigned char *s, size_t n, unsigned *cp) {
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

size_t mgrad__text_width(const char *s, size_t n) {
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t k = mgrad__utf8_seq((const unsigned char *)s + i, n - i, &cp);
        w += k ? mg__cp_width(cp) : 1;
        i += k ? k : 1;
    }
    return w;
}

size_t mgrad__bom(const char *src, size_t len) {
    return len >= 3 && !memcmp(src, "\xEF\xBB\xBF", 3) ? 3 : 0;
}

void mgrad_line_col(const char *src, size_t len, size_t at, size_t *line, size_t *col) {
    size_t l = 1, c = 1;
    if (at > len) at = len;
    for (size_t i = at < 3 ? 0 : mgrad__bom(src, len); i < at;) {   /* the BOM is no column */
        if (src[i] == '\n') {
            l++, c = 1, i++;
            continue;
        }
        unsigned cp;
        size_t k = mgrad__utf8_seq((const unsigned char *)src + i, len - i, &cp);
        i += k ? k : 1;
        c++;
    }
    *line = l;
    *col = c;
}

/* Print line src[b..e) from character `from` to `to`, unprintable ones as
 * '?'; with `caret`, print instead the blanks that put a caret under
 * character `col` (tabs copied, so it lines up; as many blanks as the
 * character takes columns: none for a combining accent, two for a wide
 * one). */
static void echo(FILE *f, const char *src, size_t b, size_t e, size_t from, size_t to,
                 size_t caret_col) {
    size_t ch = 0;
    for (size_t i = b; i < e && ch < to; ch++) {
        unsigned cp = 0;
        size_t k = mgrad__utf8_seq((const unsigned char *)src + i, e - i, &cp);
        if (ch >= from) {
            if (caret_col) {
                if (ch + 1 >= caret_col) break;
                if (src[i] == '\t') fputc('\t', f);
                else for (size_t w = k ? mg__cp_width(cp) : 1; w > 0; w--) fputc(' ', f);
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
    if (b == 0) b = mgrad__bom(src, len);   /* not echoed: it would shift the caret */
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
