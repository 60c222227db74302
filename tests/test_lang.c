/* test_lang.c -- choosing the language (mg_lang_parse, mg_lang_from_env,
 * as gettext reads the environment) and the locale-proof numbers
 * (mg_num_format, mg_num_parse, and the library's mg__printf), checked
 * against the C library in the C locale, the independent reference here.
 *
 * The suites expect English unless a test asks for Spanish: the hook below
 * clears the language variables of the person running them, so an es_MX
 * terminal does not turn every English expectation into a failure. */
#define _POSIX_C_SOURCE 200809L   /* setenv, unsetenv */
#include "test_util.h"

#include <criterion/hooks.h>
#include <errno.h>
#include <float.h>
#include <micrograd.h>

#include "core/core.h"

ReportHook(PRE_ALL)(struct criterion_test_set *tests) {
    (void)tests;
    unsetenv("LANGUAGE");
    unsetenv("LC_ALL");
    unsetenv("LC_MESSAGES");
    setenv("LANG", "C", 1);
}

/* Set the four variables (NULL: unset) and ask. */
static mg_lang lang_with(const char *language, const char *lc_all, const char *lc_messages,
                         const char *lang) {
    const char *names[4] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};
    const char *values[4] = {language, lc_all, lc_messages, lang};
    for (int i = 0; i < 4; i++) {
        if (values[i]) setenv(names[i], values[i], 1);
        else unsetenv(names[i]);
    }
    return mg_lang_from_env();
}

Test(lang, parse) {
    cr_expect_eq(mg_lang_parse("es"), MG_LANG_ES);
    cr_expect_eq(mg_lang_parse("es_CL.UTF-8"), MG_LANG_ES);
    cr_expect_eq(mg_lang_parse("es_MX"), MG_LANG_ES);
    cr_expect_eq(mg_lang_parse("es-419"), MG_LANG_ES);
    cr_expect_eq(mg_lang_parse("es@euro"), MG_LANG_ES);
    cr_expect_eq(mg_lang_parse("en"), MG_LANG_EN);
    cr_expect_eq(mg_lang_parse("en_US.UTF-8"), MG_LANG_EN);
    cr_expect_eq(mg_lang_parse("C"), MG_LANG_EN);
    cr_expect_eq(mg_lang_parse("C.UTF-8"), MG_LANG_EN);
    cr_expect_eq(mg_lang_parse("POSIX"), MG_LANG_EN);
    cr_expect_eq(mg_lang_parse("fr_FR.UTF-8"), -1);
    cr_expect_eq(mg_lang_parse("esperanto"), -1);   /* begins with "es", is not Spanish */
    cr_expect_eq(mg_lang_parse(""), -1);
    cr_expect_eq(mg_lang_parse(NULL), -1);
}

Test(lang, environment_in_posix_order) {
    /* LC_ALL before LC_MESSAGES before LANG */
    cr_expect_eq(lang_with(NULL, "es_CL.UTF-8", "en_US.UTF-8", "en_US.UTF-8"), MG_LANG_ES);
    cr_expect_eq(lang_with(NULL, "en_US.UTF-8", "es_CL.UTF-8", "es_CL.UTF-8"), MG_LANG_EN);
    cr_expect_eq(lang_with(NULL, NULL, "es_ES.UTF-8", "en_US.UTF-8"), MG_LANG_ES);
    cr_expect_eq(lang_with(NULL, NULL, "en_GB.UTF-8", "es_ES.UTF-8"), MG_LANG_EN);
    cr_expect_eq(lang_with(NULL, NULL, NULL, "es_MX.UTF-8"), MG_LANG_ES);
    cr_expect_eq(lang_with(NULL, NULL, NULL, "de_DE.UTF-8"), MG_LANG_EN);
    cr_expect_eq(lang_with(NULL, NULL, NULL, NULL), MG_LANG_EN);
    /* an empty variable counts as unset */
    cr_expect_eq(lang_with(NULL, "", "", "es_AR.UTF-8"), MG_LANG_ES);
}

Test(lang, language_list_first_and_ignored_under_c) {
    /* LANGUAGE comes first, the first entry we know wins */
    cr_expect_eq(lang_with("es", NULL, NULL, "en_US.UTF-8"), MG_LANG_ES);
    cr_expect_eq(lang_with("fr:es:en", NULL, NULL, "en_US.UTF-8"), MG_LANG_ES);
    cr_expect_eq(lang_with("en:es", "es_CL.UTF-8", NULL, NULL), MG_LANG_EN);
    cr_expect_eq(lang_with("fr:de", NULL, NULL, "es_CL.UTF-8"), MG_LANG_ES);   /* none known */
    /* as gettext: LANGUAGE means nothing when the locale is C or unset */
    cr_expect_eq(lang_with("es", NULL, NULL, NULL), MG_LANG_EN);
    cr_expect_eq(lang_with("es", "C", NULL, "es_MX.UTF-8"), MG_LANG_EN);
    cr_expect_eq(lang_with("es", NULL, NULL, "POSIX"), MG_LANG_EN);
    cr_expect_eq(lang_with("es", NULL, NULL, "C.UTF-8"), MG_LANG_EN);
}

Test(lang, a_locale_that_is_not_installed) {
    /* only the name is read: es_AR.UTF-8 need not exist on this machine */
    cr_expect_eq(lang_with(NULL, NULL, NULL, "es_AR.UTF-8"), MG_LANG_ES);
    cr_expect_eq(lang_with(NULL, "es_AR.UTF-8", NULL, NULL), MG_LANG_ES);
}

Test(lang, graph_setting) {
    mg_graph *g = mg_graph_new();
    cr_expect_eq(mg_graph_lang(g), MG_LANG_EN);
    mg_graph_set_lang(g, MG_LANG_ES);
    cr_expect_eq(mg_graph_lang(g), MG_LANG_ES);
    mg_graph_set_lang(g, (mg_lang)7);   /* anything else is English */
    cr_expect_eq(mg_graph_lang(g), MG_LANG_EN);
    cr_expect_eq(mg_graph_lang(NULL), MG_LANG_EN);
    mg_graph_free(g);
}

/* ----------------------------------------------------------- numbers */

Test(num, format_matches_printf_in_the_c_locale) {
    /* this process never calls setlocale: printf is the C one */
    static const char *const convs[] = {"%.17g", "%.9f", "%.9e", "%g", "%.3g", "%16.9g", "%-12.4f",
                                        "%+.2f", "%a", "%.0f", "%e"};
    static const double xs[] = {0.0, -0.0, 0.5, -1.25, 1e-300, 4.9e-324, 1e300, DBL_MAX,
                                0.1, 2.0 / 3.0, 123456789.123, -6.8813735870195432, INFINITY,
                                -INFINITY, NAN};
    for (size_t c = 0; c < sizeof convs / sizeof *convs; c++)
        for (size_t i = 0; i < sizeof xs / sizeof *xs; i++) {
            char want[512], got[512];
            int n = snprintf(want, sizeof want, convs[c], xs[i]);
            cr_expect_eq(mg_num_format(got, sizeof got, convs[c], xs[i]), n);
            cr_expect_str_eq(got, want, "%s of %a", convs[c], xs[i]);
        }
}

Test(num, format_truncates_like_snprintf) {
    char buf[6];
    cr_expect_eq(mg_num_format(buf, sizeof buf, "%.17g", 0.1), 19);   /* the length it needs */
    cr_expect_str_eq(buf, "0.100");
    cr_expect_eq(mg_num_format(NULL, 0, "%.17g", 0.1), 19);
    cr_expect_eq(mg_num_format(buf, sizeof buf, NULL, 0.1), -1);
}

Test(num, parse_matches_strtod_in_the_c_locale) {
    static const char *const inputs[] = {
        "0", "0.5", "-1.25", "+3", ".5", "5.", "1e3", "1E-3", "1e", "1e+", "-.5e-2x", "  \t7",
        "0x1p3", "0x1.8p-1", "0X.8", "0x", "0xg", "inf", "-Infinity", "nan", "NaN(123)", "nan(",
        "1,5", "abc", "", "-", ".", "1e400", "-1e400", "1e-400", "4.9e-324", "00012.5000",
        "0.1000000000000000055511151231257827", "123456789012345678901234567890"};
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        char *end_c, *end_mg;
        errno = 0;
        double want = strtod(inputs[i], &end_c);
        int errno_c = errno;
        errno = 0;
        double got = mg_num_parse(inputs[i], &end_mg);
        cr_expect(memcmp(&want, &got, sizeof want) == 0 || (isnan(want) && isnan(got)),
                  "'%s': %a, strtod %a", inputs[i], got, want);
        cr_expect_eq(end_mg - inputs[i], end_c - inputs[i], "'%s'", inputs[i]);
        cr_expect_eq(errno, errno_c, "'%s': errno", inputs[i]);
    }
    char *end;
    cr_expect_eq(mg_num_parse(NULL, &end), 0.0);
    cr_expect_null(end);
    cr_expect_eq(mg_num_parse("2.5", NULL), 2.5);
}

Test(num, random_doubles_round_trip) {
    mg_rng r;
    mg_rng_seed(&r, 2024);
    for (int i = 0; i < 20000; i++) {
        uint64_t bits = mg_rng_next(&r);
        double x;
        memcpy(&x, &bits, sizeof x);
        if (isnan(x)) continue;
        char buf[40], *end;
        mg_num_format(buf, sizeof buf, "%.17g", x);
        double y = mg_num_parse(buf, &end);
        cr_assert(memcmp(&x, &y, sizeof x) == 0 && *end == 0, "%s", buf);
    }
}

Test(num, printf_without_locale) {
    FILE *f = tmpfile();
    mg__printf(f, "%d|%5.2f|%-4s|%zu|%%|%.*f|%*d|%g|%lld|%c|%x|%lu", -3, 3.14159, "ab", (size_t)42,
               3, 0.5, 4, 7, 1e-7, -5LL, 'z', 255u, 123456789UL);
    char *s = mgt_slurp(f);
    char want[256];
    snprintf(want, sizeof want, "%d|%5.2f|%-4s|%zu|%%|%.*f|%*d|%g|%lld|%c|%x|%lu", -3, 3.14159, "ab",
             (size_t)42, 3, 0.5, 4, 7, 1e-7, -5LL, 'z', 255u, 123456789UL);
    cr_expect_str_eq(s, want);
    free(s);
}
