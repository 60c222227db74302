/* test_locale.c -- numbers survive a decimal-comma locale, and Spanish
 * needs no installed locale.
 *
 * tests/locale_check (built by make with the tests) calls
 * setlocale(LC_ALL, "") and round-trips every number the library and mgrad
 * write.  Here it runs under es_CL.UTF-8, a locale with a decimal comma,
 * built with localedef into the build folder (tests/make_locale.sh): no
 * system change.  When localedef or its sources are missing the test says
 * so and skips; `make check-locale` runs the same and fails instead. */
#define _POSIX_C_SOURCE 200809L   /* popen, pclose */
#include "run_util.h"

#include <micrograd.h>

Test(locale, decimal_comma_round_trips, .timeout = 120) {
    int rc;
    char *why = mgt_run("sh tests/make_locale.sh " MG_TEST_BUILD "/locale es_CL 2>&1", &rc);
    if (rc != 0) {
        why[strcspn(why, "\n")] = 0;
        cr_skip("no es_CL.UTF-8 locale to test with: %s (make check-locale fails on this)", why);
        free(why);
        return;
    }
    free(why);
    char *out = mgt_run("LOCPATH=" MG_TEST_BUILD "/locale LC_ALL=es_CL.UTF-8 " MG_TEST_BUILD
                    "/tests/locale_check --want-comma " MG_TEST_DATA " 2>&1",
                    &rc);
    cr_expect_eq(rc, 0, "%s", out);
    cr_expect(strstr(out, "decimal point ','"), "%s", out);
    cr_expect(strstr(out, ", 0 failed"), "%s", out);
    free(out);
}

Test(locale, spanish_without_the_locale_installed) {
    /* LOCPATH points nowhere: es_AR.UTF-8 cannot be found, setlocale
     * fails, and still the language is Spanish and every number reads back */
    int rc;
    char *out = mgt_run("LOCPATH=" MG_TEST_BUILD "/no-locales LANG=es_AR.UTF-8 " MG_TEST_BUILD
                    "/tests/locale_check " MG_TEST_DATA " 2>&1",
                    &rc);
    cr_expect_eq(rc, 0, "%s", out);
    cr_expect(strstr(out, "locale (not installed: C)") && strstr(out, "language es"), "%s", out);
    free(out);
    out = mgt_run("LOCPATH=" MG_TEST_BUILD "/no-locales LANG=es_AR.UTF-8 " MG_TEST_BUILD
              "/examples/neuron --trace",
              &rc);
    cr_expect(rc == 0 && strstr(out, "# retropropagación desde o"), "%s", out);
    free(out);
    out = mgt_run("LOCPATH=" MG_TEST_BUILD "/no-locales LANG=es_AR.UTF-8 " MG_TEST_BUILD
              "/mgrad --json 2>&1 </dev/null",
              &rc);
    cr_expect(rc == 2 && strstr(out, "mgrad: falta la orden (la orden es eval)") && strstr(out, "uso: "),
              "%s", out);
    free(out);
}
