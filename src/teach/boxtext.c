/* boxtext.c -- what a box of a graph picture shows, and how wide that is:
 * short numbers, labels escaped for XML and HTML, operation symbols.
 * Shared by the layout (which sizes the boxes), the SVG and the page. */
#include "teach/page.h"

#include <math.h>
#include <string.h>

char *mg__fmt_short(char buf[32], double x) {
    if (isnan(x)) snprintf(buf, 32, "nan");
    else if (isinf(x)) snprintf(buf, 32, x > 0 ? "inf" : "-inf");
    else if (x != 0.0 && (fabs(x) < 1e-4 || fabs(x) >= 1e5)) mg_num_format(buf, 32, "%.3e", x);
    else mg_num_format(buf, 32, "%.4f", x);
    return buf;
}

size_t mg__box_label_len(const mg_value *v) {
    size_t n = mg__put_name(NULL, v);
    return n > MG_PG_MAX_LABEL ? MG_PG_MAX_LABEL + 1 : n;   /* + the ellipsis */
}

/* U+FFFE and U+FFFF are valid UTF-8 but not XML characters. */
static int xml_forbidden(const unsigned char *p, size_t len) {
    return len == 3 && p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF);
}

size_t mg__put_xml(FILE *out, const char *s, size_t max) {
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    while (*p) {
        size_t len = mg__utf8_len(p);
        char esc[8];
        const char *text = NULL;   /* what stands for *p as shown (escapes) */
        if (*p == '\\') text = "\\\\";
        else if (*p == '\n') text = "\\n";
        else if (*p == '\t') text = "\\t";
        else if (*p < 0x20 || *p == 0x7F || len == 0 || xml_forbidden(p, len)) {
            snprintf(esc, sizeof esc, "\\x%02X", *p);
            text = esc;
            len = 1;
        }
        size_t shown = text ? strlen(text) : 1;
        if (max && n + shown > max) {
            fputs("\xE2\x80\xA6", out);   /* ... */
            return n + 1;
        }
        n += shown;
        if (text) fputs(text, out);
        else if (*p == '&') fputs("&amp;", out);
        else if (*p == '<') fputs("&lt;", out);
        else if (*p == '>') fputs("&gt;", out);
        else if (*p == '"') fputs("&quot;", out);
        else if (*p == '\'') fputs("&#39;", out);
        else fwrite(p, 1, len, out);
        p += len;
    }
    return n;
}

void mg__put_xml_name(FILE *out, const mg_value *v, size_t max) {
    const char *label = mg_value_label(v);
    if (label) mg__put_xml(out, label, max);
    else fprintf(out, "#%zu", mg_value_id(v));
}

const char *mg__op_text(char buf[40], const mg_value *v) {
    if (v->op == MG_OP_POW) {
        char k[32];
        mg_num_format(k, sizeof k, "%g", v->u.pow.k);
        snprintf(buf, 40, "**%s", k);
    } else {
        snprintf(buf, 40, "%s", v->op == MG_OP_LEAF ? "" : mg_op_symbol((mg_op)v->op));
    }
    return buf;
}

/* the pill's width: a circle for one or two characters, wider beyond */
static double pill_width(const char *text) {
    double w = 10.0 * (double)strlen(text) + 14;
    return w > 2 * MG_PG_OP_R ? w : 2 * MG_PG_OP_R;
}

double mg__op_width(const mg_value *v) {
    char b[40];
    return v->op == MG_OP_LEAF ? 0 : 2 + pill_width(mg__op_text(b, v)) + MG_PG_OP_GAP;
}

