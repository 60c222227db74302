/* utf8.c -- telling well-formed UTF-8 from bytes that are not, for every
 * writer that must not pass them on: text for people (teach), XML and SVG
 * (teach, train's plots), JSON. */
#include "core/core.h"

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

size_t mg__utf8_xml_len(const unsigned char *s) {
    size_t len = mg__utf8_len(s);
    /* U+FFFE and U+FFFF (EF BF BE, EF BF BF) are well-formed UTF-8 but not
     * characters XML allows */
    if (len == 3 && s[0] == 0xEF && s[1] == 0xBF && (s[2] == 0xBE || s[2] == 0xBF)) return 0;
    return len;
}
