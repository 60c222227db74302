/* lang.c -- which language a graph's messages and writers use.  The
 * library never reads the environment on its own: the caller decides,
 * and mg_lang_from_env is there for callers who want the usual rule. */
#include "core/core.h"

#include <stdlib.h>
#include <string.h>

int mg_lang_parse(const char *name) {
    if (!name) return -1;
    if (name[0] == 'e' && name[1] == 's' && (name[2] == '\0' || name[2] == '_' ||
                                             name[2] == '-' || name[2] == '.' || name[2] == '@'))
        return MG_LANG_ES;
    if (name[0] == 'e' && name[1] == 'n' && (name[2] == '\0' || name[2] == '_' ||
                                             name[2] == '-' || name[2] == '.' || name[2] == '@'))
        return MG_LANG_EN;
    if (!strcmp(name, "C") || !strcmp(name, "POSIX") || !strncmp(name, "C.", 2))
        return MG_LANG_EN;
    return -1;
}

/* gettext's order: LANGUAGE (a colon-separated list of preferences, used
 * only when a locale is set at all), then LC_ALL, LC_MESSAGES, LANG; the
 * first one set and non-empty decides.  The locale need not be installed:
 * only the name is read. */
mg_lang mg_lang_from_env(void) {
    const char *lc_all = getenv("LC_ALL"), *lc_msg = getenv("LC_MESSAGES");
    const char *lang = getenv("LANG"), *language = getenv("LANGUAGE");
    const char *locale = lc_all && *lc_all ? lc_all : lc_msg && *lc_msg ? lc_msg : lang;
    /* gettext ignores LANGUAGE when the locale is "C" (or unset) */
    const int locale_is_c = !locale || !*locale || !strcmp(locale, "C") ||
                            !strcmp(locale, "POSIX") || !strncmp(locale, "C.", 2);
    if (language && *language && !locale_is_c) {
        /* the first entry we know; "fr:es" means Spanish */
        const char *p = language;
        while (*p) {
            char one[32];
            size_t n = strcspn(p, ":");
            if (n > 0 && n < sizeof one) {
                memcpy(one, p, n);
                one[n] = '\0';
                int l = mg_lang_parse(one);
                if (l >= 0) return (mg_lang)l;
            }
            p += n;
            if (*p == ':') p++;
        }
    }
    return locale && mg_lang_parse(locale) == MG_LANG_ES ? MG_LANG_ES : MG_LANG_EN;
}

void mg_graph_set_lang(mg_graph *g, mg_lang lang) {
    if (g) g->lang = lang == MG_LANG_ES ? MG_LANG_ES : MG_LANG_EN;
}

mg_lang mg_graph_lang(const mg_graph *g) {
    return g ? g->lang : MG_LANG_EN;
}
