/* num.c -- numbers written for files and programs: always with '.', and
 * read back exactly, whatever locale the host program has set with
 * setlocale().  printf and strtod follow LC_NUMERIC, so a program running
 * under es_CL would write 0,5 and refuse to read 0.5.  Formatting swaps the
 * locale's decimal point for '.' after the fact; parsing finds the number
 * by the C grammar first and hands strtod a copy in the locale's form. */
#include "core/core.h"

#include <ctype.h>
#include <stddef.h>
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The locale's decimal point, or "." when it is the C one. */
static const char *decimal_point(void) {
    const struct lconv *lc = localeconv();
    return lc && lc->decimal_point && *lc->decimal_point ? lc->decimal_point : ".";
}

int mg_num_format(char *buf, size_t size, const char *conv, double x) {
    char tmp[512];
    if (!conv) return -1;
    int n = snprintf(tmp, sizeof tmp, conv, x);
    if (n < 0 || (size_t)n >= sizeof tmp) return -1;
    const char *dp = decimal_point();
    size_t dl = strlen(dp);
    char *at = dl == 1 && dp[0] == '.' ? NULL : strstr(tmp, dp);
    if (at) {   /* one decimal point at most in one number */
        *at = '.';
        memmove(at + 1, at + dl, strlen(at + dl) + 1);
        n -= (int)(dl - 1);
    }
    if (buf && size) {
        size_t k = (size_t)n < size ? (size_t)n : size - 1;
        memcpy(buf, tmp, k);
        buf[k] = '\0';
    }
    return n;
}

/* strncasecmp for ASCII letters (not in C11; tolower would follow the
 * locale, and in Turkish 'I' is not the capital of 'i'). */
static int ascii_lower(int c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }
static int strncasecmp_c(const char *a, const char *b, size_t n) {
    for (size_t i = 0; i < n; i++) {
        int ca = ascii_lower((unsigned char)a[i]), cb = ascii_lower((unsigned char)b[i]);
        if (ca != cb || !ca) return ca - cb;
    }
    return 0;
}

/* Where the number ends when an exponent ("e-12", or "p+3" for hex) may
 * follow at i: after its digits, or at i when there is none. */
static size_t exponent_end(const char *s, size_t i, char mark) {
    if (ascii_lower((unsigned char)s[i]) != mark) return i;
    size_t k = i + 1;
    if (s[k] == '+' || s[k] == '-') k++;
    if (!isdigit((unsigned char)s[k])) return i;
    while (isdigit((unsigned char)s[k])) k++;
    return k;
}

/* Length of the C-locale number at s (after strtod's optional white space,
 * which *lead counts): sign, then decimal digits with an optional point and
 * exponent, or a hexadecimal float, or inf/infinity/nan/nan(chars).  0 when
 * there is none. */
static size_t c_number_span(const char *s, size_t *lead) {
    size_t i = 0;
    while (isspace((unsigned char)s[i])) i++;
    *lead = i;
    size_t start = i;
    if (s[i] == '+' || s[i] == '-') i++;
    if (!strncmp(s + i, "0x", 2) || !strncmp(s + i, "0X", 2)) {
        size_t j = i + 2, digits = 0;
        while (isxdigit((unsigned char)s[j])) j++, digits++;
        if (s[j] == '.') {
            j++;
            while (isxdigit((unsigned char)s[j])) j++, digits++;
        }
        if (digits) return exponent_end(s, j, 'p') - start;
        return isdigit((unsigned char)s[i]) ? i + 1 - start : 0;   /* "0x" alone reads 0 */
    }
    size_t digits = 0;
    while (isdigit((unsigned char)s[i])) i++, digits++;
    if (s[i] == '.') {
        size_t j = i + 1, frac = 0;
        while (isdigit((unsigned char)s[j])) j++, frac++;
        if (digits || frac) i = j, digits += frac;
    }
    if (!digits) {   /* inf, infinity, nan, nan(...) in any case */
        size_t j = i;
        if (!strncasecmp_c(s + j, "infinity", 8)) return j + 8 - start;
        if (!strncasecmp_c(s + j, "inf", 3)) return j + 3 - start;
        if (!strncasecmp_c(s + j, "nan", 3)) {
            j += 3;
            if (s[j] == '(') {
                size_t k = j + 1;
                while (isalnum((unsigned char)s[k]) || s[k] == '_') k++;
                if (s[k] == ')') j = k + 1;
            }
            return j - start;
        }
        return 0;
    }
    return exponent_end(s, i, 'e') - start;
}

double mg_num_parse(const char *s, char **end) {
    if (end) *end = (char *)s;
    if (!s) return 0.0;
    size_t lead, len = c_number_span(s, &lead);
    if (!len) return 0.0;
    /* strtod reads a copy of just that span, its point (if any) in the
     * locale's form: given the text itself, a decimal-comma strtod would
     * read "1,5" as 1.5 */
    const char *dp = decimal_point(), *num = s + lead;
    const char *point = memchr(num, '.', len);
    size_t dl = point ? strlen(dp) : 1;
    char small[128], *copy = len + dl < sizeof small ? small : malloc(len + dl);
    if (!copy) return 0.0;   /* *end stays at s: nothing was read */
    if (point) {
        size_t before = (size_t)(point - num);
        memcpy(copy, num, before);
        memcpy(copy + before, dp, dl);
        memcpy(copy + before + dl, point + 1, len - before - 1);
        copy[len - 1 + dl] = '\0';
    } else {
        memcpy(copy, num, len);
        copy[len] = '\0';
    }
    double x = strtod(copy, NULL);
    if (copy != small) free(copy);
    if (end) *end = (char *)(num + len);
    return x;
}

/* ------------------------------------------------- fprintf without locale */

/* Append c to spec[0..*k), leaving room for the conversion and its NUL. */
static void spec_put(char *spec, size_t *k, size_t cap, char c) {
    if (*k + 4 < cap) spec[(*k)++] = c;
}

/* Append the number a '*' stands for. */
static void spec_int(char *spec, size_t *k, size_t cap, int v) {
    char d[16];
    snprintf(d, sizeof d, "%d", v);
    for (const char *p = d; *p; p++) spec_put(spec, k, cap, *p);
}

int mg__printf(FILE *out, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    long total = 0;
    int failed = 0;
    const char *p = fmt;
    while (*p) {
        if (*p != '%' || p[1] == '%') {   /* plain text, or "%%" */
            size_t n = *p == '%' ? 1 : strcspn(p, "%");
            fwrite(p, 1, n, out);
            total += (long)n;
            p += *p == '%' ? 2 : n;
            continue;
        }
        /* one conversion spec, '*' replaced by the int it takes */
        char spec[64];
        size_t k = 0;
        spec[k++] = *p++;
        while (*p && strchr("-+ #0", *p)) spec_put(spec, &k, sizeof spec, *p++);
        if (*p == '*') spec_int(spec, &k, sizeof spec, va_arg(ap, int)), p++;
        while (isdigit((unsigned char)*p)) spec_put(spec, &k, sizeof spec, *p++);
        if (*p == '.') {
            spec_put(spec, &k, sizeof spec, *p++);
            if (*p == '*') spec_int(spec, &k, sizeof spec, va_arg(ap, int)), p++;
            while (isdigit((unsigned char)*p)) spec_put(spec, &k, sizeof spec, *p++);
        }
        char len[3] = "";   /* length modifier: hh h l ll z j t */
        size_t nl = 0;
        while (*p && strchr("hlzjt", *p) && nl < 2) len[nl++] = *p, spec_put(spec, &k, sizeof spec, *p++);
        len[nl] = 0;
        char conv = *p ? *p++ : 0;
        spec[k++] = conv;
        spec[k] = 0;
        int n = 0;
        switch (conv) {
        case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A': {
            char buf[512];
            n = mg_num_format(buf, sizeof buf, spec, va_arg(ap, double));
            if (n > 0) fputs(buf, out);
            break;
        }
        case 'd': case 'i':
            if (!strcmp(len, "l")) n = fprintf(out, spec, va_arg(ap, long));
            else if (!strcmp(len, "ll")) n = fprintf(out, spec, va_arg(ap, long long));
            else if (!strcmp(len, "z") || !strcmp(len, "t")) n = fprintf(out, spec, va_arg(ap, ptrdiff_t));
            else if (!strcmp(len, "j")) n = fprintf(out, spec, va_arg(ap, intmax_t));
            else n = fprintf(out, spec, va_arg(ap, int));   /* hh and h are promoted */
            break;
        case 'u': case 'x': case 'X': case 'o':
            if (!strcmp(len, "l")) n = fprintf(out, spec, va_arg(ap, unsigned long));
            else if (!strcmp(len, "ll")) n = fprintf(out, spec, va_arg(ap, unsigned long long));
            else if (!strcmp(len, "z") || !strcmp(len, "t")) n = fprintf(out, spec, va_arg(ap, size_t));
            else if (!strcmp(len, "j")) n = fprintf(out, spec, va_arg(ap, uintmax_t));
            else n = fprintf(out, spec, va_arg(ap, unsigned));
            break;
        case 'c': n = fprintf(out, spec, va_arg(ap, int)); break;
        case 's': n = fprintf(out, spec, va_arg(ap, const char *)); break;
        case 'p': n = fprintf(out, spec, va_arg(ap, void *)); break;
        default: n = -1;   /* not a conversion this writer knows: a bug in the caller */
        }
        if (n < 0) failed = 1;
        else total += n;
    }
    va_end(ap);
    return failed || ferror(out) ? -1 : (int)total;
}
