/* test_docs.c -- docs/api.md names every public function and macro of
 * include/micrograd.h, so that the API guide cannot fall behind the
 * header: a new MG_API function, or a new public #define MG_..., must be
 * written up before this passes. */
#include "test_util.h"

static char *slurp_path(const char *path) {
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fseek(f, 0, SEEK_END), 0);
    return mgt_slurp(f);   /* from the start up to here; closes f */
}

static int is_ident(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Whether `name` occurs in text as a whole word. */
static int mentions(const char *text, const char *name) {
    size_t n = strlen(name);
    for (const char *p = text; (p = strstr(p, name)); p++)
        if ((p == text || !is_ident(p[-1])) && !is_ident(p[n])) return 1;
    return 0;
}

Test(docs, api_md_names_every_public_function_and_macro) {
    char *header = slurp_path("include/micrograd.h");
    char *api = slurp_path("docs/api.md");
    int checked = 0, missing = 0;
    for (char *line = strtok(header, "\n"); line; line = strtok(NULL, "\n")) {
        char name[128] = "";
        if (!strncmp(line, "MG_API ", 7)) {
            /* the identifier just before the first '(' */
            const char *paren = strchr(line, '(');
            if (!paren) continue;
            const char *end = paren;
            while (end > line && end[-1] == ' ') end--;
            const char *start = end;
            while (start > line && is_ident(start[-1])) start--;
            snprintf(name, sizeof name, "%.*s", (int)(end - start), start);
        } else if (!strncmp(line, "#define MG_", 11)) {
            /* public macros; helpers of the X-macros end in '_' and are
             * #undef'd right after use */
            sscanf(line + 8, "%127[A-Za-z0-9_]", name);
            if (name[0] && name[strlen(name) - 1] == '_') continue;
            if (!strcmp(name, "MICROGRAD_H")) continue;
        } else {
            continue;
        }
        if (!name[0]) continue;
        checked++;
        if (!mentions(api, name)) {
            missing++;
            cr_expect_fail("docs/api.md does not mention %s", name);
        }
    }
    cr_expect_gt(checked, 100, "only %d names found in the header", checked);
    cr_expect_eq(missing, 0, "%d public names missing from docs/api.md", missing);
    free(header);
    free(api);
}
