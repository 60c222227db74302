/* test_examples.c -- the examples behave like Unix tools wherever they
 * are started: their data files are found from any working directory
 * (the checkout's data/ compiled in, or MICROGRAD_DATA), and a file that
 * is nowhere is named in the error. */
#define _POSIX_C_SOURCE 200809L   /* popen, pclose */
#include "run_util.h"

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

/* The absolute path of the build folder, so that commands may cd. */
static const char *build_dir(void) {
    static char abs[PATH_MAX];
    if (MG_TEST_BUILD[0] == '/') return MG_TEST_BUILD;
    cr_assert_not_null(getcwd(abs, sizeof abs - sizeof MG_TEST_BUILD - 1));
    strcat(abs, "/" MG_TEST_BUILD);
    return abs;
}

Test(examples, data_is_found_from_another_folder) {
    char cmd[PATH_MAX + 256];
    snprintf(cmd, sizeof cmd, "cd / && %s/examples/font_shade --steps 200 --lang en 2>&1", build_dir());
    SAYS(cmd, "1345 rows");
    snprintf(cmd, sizeof cmd,
             "cd / && %s/examples/moons --reference data/micrograd_demo --quiet --lang en 2>&1",
             build_dir());
    SAYS(cmd, "final loss 0.010978370135492717,", "identical to the bit");
}

Test(examples, data_folder_from_the_environment) {
    char cmd[PATH_MAX + 512];
    /* a copy of the font data under another name, found through the variable */
    int rc;
    free(mgt_run("mkdir -p " MG_TEST_BUILD "/tests/datadir && head -n 11 "
                 "data/light_dark_font_training_set.csv > " MG_TEST_BUILD
                 "/tests/datadir/ten.csv",
                 &rc));
    cr_assert_eq(rc, 0);
    snprintf(cmd, sizeof cmd,
             "cd / && MICROGRAD_DATA=%s/tests/datadir %s/examples/font_shade --data ten.csv "
             "--steps 10 --lang en 2>&1",
             build_dir(), build_dir());
    SAYS(cmd, "ten.csv: 10 rows");
    snprintf(cmd, sizeof cmd, "cd / && %s/examples/font_shade --data no-such.csv --lang en 2>&1",
             build_dir());
    char *out = mgt_run(cmd, &rc);
    cr_expect_neq(rc, 0);
    cr_expect(strstr(out, "no-such.csv"), "%s", out);
    free(out);
}
