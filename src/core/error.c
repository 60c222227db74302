/* error.c -- the graph's first error: recorded once, read by the caller.
 * Operations never print and never abort; they record what went wrong
 * here and return NULL.  Every message is written whole in both languages
 * at the call site, and the graph's language picks one. */
#include "core/core.h"

#include <stdarg.h>

void mg__error(mg_graph *g, const char *en, const char *es, ...) {
    if (!g || g->has_error) return;
    va_list ap;
    va_start(ap, es);
    vsnprintf(g->error, sizeof g->error, g->lang == MG_LANG_ES ? es : en, ap);
    va_end(ap);
    g->has_error = 1;
}

const char *mg_graph_error(const mg_graph *g) {
    return g && g->has_error ? g->error : NULL;
}

void mg_graph_clear_error(mg_graph *g) {
    if (g) g->has_error = 0;
}
