/* test_svg.c -- the SVG plots parse as XML (a small well-formedness checker
 * written here, itself tested on broken input), show what they should, and
 * escape hostile titles; the progress line's format. */
#include <micrograd.h>

#include <ctype.h>

#include "test_util.h"

/* ------------------------------------------- a minimal XML checker
 * Enough of XML 1.0 for what an SVG writer may produce: one declaration,
 * comments, elements with quoted attributes (no duplicates), text, the five
 * named entities and numeric ones.  Returns NULL when well-formed, else a
 * static message with the offset in *at. */

static int name_start(int c) { return isalpha(c) || c == '_' || c == ':' || c >= 0x80; }
static int name_char(int c) { return name_start(c) || isdigit(c) || c == '-' || c == '.'; }

/* Skip an entity at s ('&' already seen); 0 if it is not a valid one. */
static size_t entity(const char *s) {
    static const char *named[] = {"amp;", "lt;", "gt;", "quot;", "apos;"};
    for (int i = 0; i < 5; i++)
        if (!strncmp(s + 1, named[i], strlen(named[i]))) return 1 + strlen(named[i]);
    if (s[1] == '#') {
        size_t k = 2;
        int hex = s[k] == 'x';
        k += hex;
        size_t start = k;
        while (hex ? isxdigit((unsigned char)s[k]) : isdigit((unsigned char)s[k])) k++;
        if (k > start && s[k] == ';') return k + 1;
    }
    return 0;
}

/* Character data up to `stop` (a quote, or '<' for text): no raw '<', '&'
 * only in entities, no control characters but tab and newlines. */
static const char *chars(const char *s, size_t *i, char stop) {
    while (s[*i] && s[*i] != stop) {
        unsigned char c = (unsigned char)s[*i];
        if (c == '<') return "raw '<' in character data";
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return "control character";
        if (c == '&') {
            size_t k = entity(s + *i);
            if (!k) return "bare '&'";
            *i += k;
        } else {
            (*i)++;
        }
    }
    return NULL;
}

static const char *xml_check(const char *s, size_t *at) {
    const char *stack[64];
    size_t lens[64], depth = 0, i = 0;
    int roots = 0;
    const char *why = NULL;
    if (!strncmp(s, "<?xml", 5)) {
        const char *e = strstr(s, "?>");
        if (!e) return *at = 0, "unterminated declaration";
        i = (size_t)(e - s) + 2;
    }
    while (s[i]) {
        *at = i;
        if (s[i] != '<') {
            if (depth == 0 && !isspace((unsigned char)s[i])) return "text outside the root";
            if ((why = chars(s, &i, '<'))) return why;
            continue;
        }
        if (!strncmp(s + i, "<!--", 4)) {
            const char *e = strstr(s + i + 4, "-->");
            if (!e) return "unterminated comment";
            i = (size_t)(e - s) + 3;
            continue;
        }
        if (s[i + 1] == '/') {   /* end tag */
            size_t k = i + 2, start = k;
            while (name_char((unsigned char)s[k])) k++;
            if (depth == 0 || k - start != lens[depth - 1] || strncmp(s + start, stack[depth - 1], k - start))
                return "end tag does not match";
            while (isspace((unsigned char)s[k])) k++;
            if (s[k] != '>') return "bad end tag";
            depth--;
            i = k + 1;
            continue;
        }
        size_t k = i + 1, start = k;   /* start tag */
        if (!name_start((unsigned char)s[k])) return "bad element name";
        while (name_char((unsigned char)s[k])) k++;
        if (depth == 0 && roots++) return "a second root element";
        const char *name = s + start;
        size_t len = k - start;
        const char *attr[64];
        size_t alen[64], na = 0;
        for (;;) {
            int space = isspace((unsigned char)s[k]);
            while (isspace((unsigned char)s[k])) k++;
            if (s[k] == '>' || (s[k] == '/' && s[k + 1] == '>')) break;
            if (!space || !name_start((unsigned char)s[k])) return "bad attribute";
            size_t as = k;
            while (name_char((unsigned char)s[k])) k++;
            for (size_t j = 0; j < na; j++)
                if (alen[j] == k - as && !strncmp(attr[j], s + as, k - as)) return "duplicate attribute";
            if (na < 64) attr[na] = s + as, alen[na++] = k - as;
            if (s[k++] != '=') return "attribute without '='";
            char q = s[k++];
            if (q != '"' && q != '\'') return "unquoted attribute";
            if ((why = chars(s, &k, q))) return why;
            if (s[k++] != q) return "unterminated attribute";
        }
        if (s[k] == '/') {
            i = k + 2;
        } else {
            if (depth == 64) return "too deep";
            stack[depth] = name, lens[depth++] = len;
            i = k + 1;
        }
    }
    if (depth) return "unclosed element";
    if (!roots) return "no root element";
    return NULL;
}

Test(svg, the_checker_rejects_broken_xml) {
    size_t at;
    cr_expect_null(xml_check("<a x=\"1\"><b/>t &amp; &#233;</a>", &at));
    cr_expect(xml_check("<a><b></a>", &at));
    cr_expect(xml_check("<a x=1/>", &at));
    cr_expect(xml_check("<a>&</a>", &at));
    cr_expect(xml_check("<a x=\"<\"/>", &at));
    cr_expect(xml_check("<a x=\"1\" x=\"2\"/>", &at));
    cr_expect(xml_check("<a/><b/>", &at));
    cr_expect(xml_check("<a>", &at));
    cr_expect(xml_check("<a>\001</a>", &at));
}

/* ------------------------------------------------------------ plots */


static size_t count(const char *s, const char *what) {
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)); p++) n++;
    return n;
}

static char *plot(const char *title, const mg_grid *grid, const mg_dataset *pts,
                  const double *loss, size_t n_loss) {
    FILE *f = tmpfile();
    cr_assert(f);
    cr_assert_eq(mg_svg_plot(f, title, grid, pts, loss, n_loss), 0);
    char *s = mgt_slurp(f);
    size_t at = 0;
    const char *why = xml_check(s, &at);
    cr_expect_null(why, "not well-formed XML at byte %zu: %s: %.40s", at, why, s + at);
    return s;
}

Test(svg, boundary_and_loss_curve) {
    /* score = x - y on a 30 x 20 grid over [-2, 3] x [-1, 1.5] */
    double score[20 * 30];
    mg_grid grid = {30, 20, -2.0, 3.0, -1.0, 1.5, 0.0, score};
    for (size_t r = 0; r < 20; r++)
        for (size_t c = 0; c < 30; c++) score[r * 30 + c] = mg_grid_x(&grid, c) - mg_grid_y(&grid, r);
    expect_close(mg_grid_x(&grid, 0), -2.0 + 5.0 / 60.0, 1e-15);
    expect_close(mg_grid_y(&grid, 19), 1.5 - 2.5 / 40.0, 1e-15);
    mg_dataset *pts = mg_make_moons(40, 0.0, NULL);
    pts->x[0] = 100.0;   /* one point off the grid: left out */
    double loss[50];
    for (int i = 0; i < 50; i++) loss[i] = 2.0 * pow(0.85, i);   /* spans > 2 decades */
    char *s = plot("moons: <step 99> & \"done\" 'ok' \001 \xff caf\xc3\xa9", &grid, pts, loss, 50);
    cr_expect(strstr(s, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
    cr_expect_eq(count(s, "<circle"), 39);
    cr_expect(strstr(s, "moons: &lt;step 99&gt; &amp; &quot;done&quot; &apos;ok&apos; ? ? caf\xc3\xa9"),
              "title not escaped as expected");
    cr_expect(strstr(s, "loss (log scale)"));
    cr_expect(strstr(s, "<polyline"));
    cr_expect_gt(count(s, "M"), 10);   /* boundary segments along x = y */
    cr_expect_null(strstr(s, "nan"));
    free(s);
    mg_dataset_free(pts);
}

Test(svg, non_finite_scores_still_draw) {
    double score[4] = {NAN, INFINITY, -INFINITY, 0.25};
    mg_grid grid = {2, 2, 0.0, 1.0, 0.0, 1.0, 0.5, score};
    char *s = plot("bad scores", &grid, NULL, NULL, 0);
    cr_expect_eq(count(s, "<circle"), 0);
    cr_expect_null(strstr(s, "nan"));
    free(s);
}

Test(svg, loss_curve_alone_with_gaps) {
    const double loss[5] = {1.0, NAN, 0.8, INFINITY, 0.5};
    char *s = plot(NULL, NULL, NULL, loss, 5);
    cr_expect(strstr(s, "<polyline"));
    cr_expect_null(strstr(s, "log scale"));
    cr_expect_null(strstr(s, "nan"));
    cr_expect_null(strstr(s, "inf"));
    cr_expect_eq(count(s, "<rect x="), 1);   /* one frame, no grid cells */
    free(s);
}

Test(svg, write_errors_are_reported) {
    cr_expect_eq(mg_svg_plot(NULL, "t", NULL, NULL, NULL, 0), -1);
    FILE *full = fopen("/dev/full", "w");
    if (!full) cr_skip_test("no /dev/full here");
    const double loss[2] = {1.0, 0.5};
    cr_expect_eq(mg_svg_plot(full, "t", NULL, NULL, loss, 2), -1);
    fclose(full);
}

Test(svg, progress_line) {
    FILE *f = tmpfile();
    cr_assert_eq(mg_progress(f, 50, 100, 0.125, 0.5), 0);
    char *s = mgt_slurp(f);
    cr_expect_str_eq(s, "\r[###############...............]  50%  step 50/100  loss 0.125  100.0 steps/s");
    free(s);
    f = tmpfile();
    mg_progress(f, 20000, 20000, 0.01, 2.0);
    s = mgt_slurp(f);
    cr_expect(strstr(s, "100%  step 20000/20000  loss 0.01  10.0k steps/s\n"), "%s", s);
    free(s);
}

/* Whether s is well-formed UTF-8 made of XML characters (#x9 | #xA | #xD |
 * [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]), decoded here by
 * the table of RFC 3629, section 4 (not by the library's code). */
static int xml_utf8_ok(const unsigned char *s) {
    while (*s) {
        unsigned c = s[0], cp;
        size_t n;
        if (c < 0x80) n = 1, cp = c;
        else if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07;
        else return 0;
        for (size_t i = 1; i < n; i++) {
            if (s[i] < 0x80 || s[i] > 0xBF) return 0;
            cp = cp << 6 | (s[i] & 0x3F);
        }
        /* the second byte's narrower ranges: no overlong, no surrogate,
         * nothing past U+10FFFF */
        if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F) ||
            (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))
            return 0;
        int xml = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                  (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
        if (!xml) return 0;
        s += n;
    }
    return 1;
}

/* Titles that passed invalid UTF-8 through: an overlong '/', a surrogate,
 * a code point beyond U+10FFFF, U+FFFE and U+FFFF, cut-short sequences.
 * Each is replaced; the good characters around them stay. */
Test(svg, titles_with_invalid_utf8_stay_well_formed) {
    const char *bad[] = {
        "a\xC0\xAF" "b",          /* overlong '/' */
        "a\xE0\x80\xAF" "b",      /* overlong, three bytes */
        "a\xED\xA0\x80" "b",      /* U+D800, a surrogate */
        "a\xF4\x90\x80\x80" "b",  /* U+110000 */
        "a\xEF\xBF\xBE" "b",      /* U+FFFE */
        "a\xEF\xBF\xBF" "b",      /* U+FFFF */
        "a\xE2\x82" "b",          /* cut short */
        "a\xF0\x9F\x98" "",       /* cut short at the end */
        "a\x01\x7F" "b",          /* control characters */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *s = plot(bad[i], NULL, NULL, (double[]){1, 0.5}, 2);
        cr_expect(xml_utf8_ok((const unsigned char *)s), "title %zu passed through: %s", i, s);
        free(s);
    }
    /* the checker itself */
    cr_expect(xml_utf8_ok((const unsigned char *)"p\xC3\xA9rdida \xE2\x82\xAC \xF0\x9F\x98\x80"));
    cr_expect_not(xml_utf8_ok((const unsigned char *)"\xEF\xBF\xBE"));
    char *s = plot("p\xC3\xA9rdida \xE2\x86\x92 0", NULL, NULL, (double[]){1, 0.5}, 2);
    cr_expect(strstr(s, "p\xC3\xA9rdida \xE2\x86\x92 0"), "good characters are kept");
    free(s);
}
