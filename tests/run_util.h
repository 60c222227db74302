/* run_util.h -- running the built programs from a test: their output as a
 * string and their exit status.  The including file defines
 * _POSIX_C_SOURCE (for popen) before any include.  Programs are run as make
 * built them (MG_TEST_BUILD), from the project root, as `make test` runs. */
#ifndef MG_RUN_UTIL_H
#define MG_RUN_UTIL_H

#include "test_util.h"

#include <sys/wait.h>

#ifndef MG_TEST_BUILD
#define MG_TEST_BUILD "build"
#endif
#define EX MG_TEST_BUILD "/examples/"

/* Run a shell command; its stdout (and stderr when the command says 2>&1)
 * as a string the caller frees, and its exit status in *rc. */
static inline char *mgt_run(const char *cmd, int *rc) {
    FILE *p = popen(cmd, "r");
    cr_assert(p, "cannot run %s", cmd);
    size_t cap = 1 << 16, n = 0, k;
    char *s = malloc(cap);
    cr_assert(s);
    while ((k = fread(s + n, 1, cap - n - 1, p)) > 0)
        if ((n += k) + 1 == cap) cr_assert(s = realloc(s, cap *= 2));
    s[n] = 0;
    int status = pclose(p);
    *rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return s;
}

/* Run and expect exit status 0 and every one of the NULL-terminated
 * phrases in the output. */
static inline char *mgt_run_says(const char *cmd, const char *const *phrases) {
    int rc;
    char *out = mgt_run(cmd, &rc);
    cr_expect_eq(rc, 0, "%s: exit %d\n%s", cmd, rc, out);
    for (; *phrases; phrases++)
        cr_expect(strstr(out, *phrases), "%s: no \"%s\" in:\n%s", cmd, *phrases, out);
    return out;
}
#define SAYS(cmd, ...) free(mgt_run_says(cmd, (const char *const[]){__VA_ARGS__, NULL}))

#endif
