/* teach.c -- names and numbers printed the same way by every teaching
 * output (dumps, traces, explanations, gradient checks). */
#include "teach/teach.h"

#include <math.h>
#include <string.h>

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
            n++;   /* one character on the screen, whatever its bytes */
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
    for (const char *p = label; p && *p && simple; p++) {
        char c = *p;
        simple = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '#';
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
    else if (x != 0.0 && (fabs(x) < 1e-3 || fabs(x) >= 1e9)) snprintf(buf, 32, "%.9e", x);
    else snprintf(buf, 32, "%.9f", x);
    return buf;
}

int mg__finish(FILE *out) {
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
