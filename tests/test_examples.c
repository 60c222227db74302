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

/* Input the examples must refuse: a colour that is not a number, a data
 * file with the wrong columns (font_shade leaked its data set there; in
 * the sanitizer builds LeakSanitizer turns that into another exit status),
 * a reference folder whose points are not two coordinates. */
Test(examples, hostile_input_is_refused_cleanly) {
    int rc;
    char *out = mgt_run(EX "font_shade --lang en --steps 1 --predict nan,1,1 2>&1", &rc);
    cr_expect_eq(rc, 2, "%s", out);
    cr_expect(strstr(out, "--predict wants R,G,B with each in 0..255, got 'nan,1,1'"), "%s", out);
    free(out);
    free(mgt_run("mkdir -p " MG_TEST_BUILD "/tests/hostile && printf 'r,g,label\\n1,2,0\\n3,4,1\\n' > "
                 MG_TEST_BUILD "/tests/hostile/two.csv",
                 &rc));
    cr_assert_eq(rc, 0);
    out = mgt_run(EX "font_shade --lang en --steps 1 --data " MG_TEST_BUILD "/tests/hostile/two.csv 2>&1",
                  &rc);
    cr_expect_eq(rc, 2, "%s", out);
    cr_expect(strstr(out, "expected three colour columns and a label"), "%s", out);
    free(out);
    free(mgt_run("mkdir -p " MG_TEST_BUILD "/tests/hostile/ref && printf 'x0,x1,x2,y\\n1,2,3,1\\n' > "
                 MG_TEST_BUILD "/tests/hostile/ref/moons.csv && cp data/micrograd_demo/params_init.txt "
                 MG_TEST_BUILD "/tests/hostile/ref/",
                 &rc));
    cr_assert_eq(rc, 0);
    out = mgt_run(EX "moons --lang en --quiet --reference " MG_TEST_BUILD "/tests/hostile/ref 2>&1", &rc);
    cr_expect_eq(rc, 2, "%s", out);
    cr_expect(strstr(out, "expected the columns x0, x1 and y, found 3 besides y"), "%s", out);
    free(out);
    /* a parameter line longer than the reader's buffer is not two numbers */
    free(mgt_run("printf 'x0,x1,y\\n1,2,1\\n' > " MG_TEST_BUILD "/tests/hostile/ref/moons.csv && "
                 "printf '0.%0200d1\\n' 0 > " MG_TEST_BUILD "/tests/hostile/ref/params_init.txt",
                 &rc));
    out = mgt_run(EX "moons --lang en --quiet --reference " MG_TEST_BUILD "/tests/hostile/ref 2>&1", &rc);
    cr_expect_eq(rc, 2, "%s", out);
    cr_expect(strstr(out, "params_init.txt:1: line too long"), "%s", out);
    free(out);
}
