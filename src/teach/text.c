/* teach.c -- names and numbers printed the same way by every teaching
 * output (dumps, traces, explanations, gradient checks). */
#include "teach/teach.h"

#include <math.h>
#include <string.h>

size_t mg__utf8_len(const unsigned char *s) {
    unsigned c = s[0];
    size_t len;
    unsigned min;   /* smallest code point that needs this many bytes */
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) len = 2, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, min = 0x10000;
    else return 0;   /* continuation byte, C0/C1 (overlong) or F5..FF */
    unsigned cp = c & (0x7Fu >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;   /* also stops at the NUL */
        cp = cp << 6 | (s[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

/* The code point of the valid UTF-8 sequence at s, of length len. */
static unsigned utf8_cp(const unsigned char *s, size_t len) {
    unsigned cp = len == 1 ? s[0] : s[0] & (0x7Fu >> len);
    for (size_t i = 1; i < len; i++) cp = cp << 6 | (s[i] & 0x3Fu);
    return cp;
}

size_t mg__cp_width(unsigned cp) {
    /* combining marks sit on the character before them */
    if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
        (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
        (cp >= 0xFE20 && cp <= 0xFE2F) || cp == 0x200B || cp == 0x200D)
        return 0;
    /* East Asian wide and full-width forms, and the emoji blocks */
    if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF && cp != 0x303F) ||
        (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
        (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
        (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
        (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD))
        return 2;
    return 1;
}

size_t mg__put_text(FILE *out, const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    while (*p) {
        size_t len = mg__utf8_len(p);
        const char *esc = NULL;
        char hex[8];
        if (*p == '\\') esc = "\\\\";
        else if (*p == '\n') esc = "\\n";
        else if (*p == '\t') esc = "\\t";
        else if (*p < 0x20 || *p == 0x7F || len == 0) {
            snprintf(hex, sizeof hex, "\\x%02X", *p);
            esc = hex;
        }
        if (esc) {
            if (out) fputs(esc, out);
            n += strlen(esc);
            p++;
        } else {
            if (out) fwrite(p, 1, len, out);
            n += mg__cp_width(utf8_cp(p, len));   /* columns on the screen, not bytes */
            p += len;
        }
    }
    return n;
}

size_t mg__put_name(FILE *out, const mg_value *v) {
    const char *label = mg_value_label(v);
    if (label) return mg__put_text(out, label);
    char buf[32];
    int n = snprintf(buf, sizeof buf, "#%zu", mg_value_id(v));
    if (out) fputs(buf, out);
    return (size_t)n;
}

size_t mg__put_dname(FILE *out, const mg_value *v) {
    const char *label = mg_value_label(v);
    int simple = 1;
    for (const unsigned char *p = (const unsigned char *)label; p && *p && simple;) {
        unsigned char c = *p;
        size_t len = mg__utf8_len(p);
        unsigned cp = len ? utf8_cp(p, len) : 0;
        /* letters of any alphabet names use (pérdida, η), with their accents */
        simple = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '.' || c == '#' ||
                 (len > 1 && (mg__letter(cp) || (cp >= 0x300 && cp <= 0x36F)));
        p += len ? len : 1;
    }
    if (label && !*label) simple = 0;
    if (out) fputs(simple ? "d" : "d(", out);
    size_t n = mg__put_name(out, v);
    if (out && !simple) fputc(')', out);
    return n + (simple ? 1 : 3);
}

char *mg__fmt_num(char buf[32], double x) {
    if (isnan(x)) snprintf(buf, 32, "nan");
    else if (isinf(x)) snprintf(buf, 32, x > 0 ? "inf" : "-inf");
    else if (x != 0.0 && (fabs(x) < 1e-3 || fabs(x) >= 1e9)) mg_num_format(buf, 32, "%.9e", x);
    else mg_num_format(buf, 32, "%.9f", x);   /* '.' in every locale and language */
    return buf;
}

int mg__letter(unsigned cp) {
    if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    return cp == 0xB5 || (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
           cp == 0x386 || (cp >= 0x388 && cp <= 0x3FF && cp != 0x38B && cp != 0x38D &&
                           cp != 0x3A2 && cp != 0x3F6) ||
           (cp >= 0x400 && cp <= 0x52F && !(cp >= 0x482 && cp <= 0x489)) ||
           (cp >= 0x1E00 && cp <= 0x1EFF);
}

int mg__finish(FILE *out) {
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
