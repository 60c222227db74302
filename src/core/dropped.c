/* dropped.c -- refusing nodes a reset dropped: the message every entry
 * point that takes a node records when given one (the check itself is
 * mg__dropped in core.h, O(1)). */
#include "core/core.h"

int mg__refuse_dropped(const char *fn, const mg_value *v, size_t which, size_t of) {
    if (!v || !mg__dropped(v)) return 0;
    mg_graph *g = mg__graph_of(v);
    size_t id = mg__id(v);
    if (of > 1)
        mg__error(g,
                   "%s: operand %zu of %zu (#%zu) was dropped by mg_graph_reset; build it "
                   "again after the reset",
                   "%s: el operando %zu de %zu (#%zu) fue descartado por mg_graph_reset; "
                   "vuelve a construirlo después del reset",
                   fn, which + 1, of, id);
    else
        mg__error(g,
                   "%s: the node #%zu was dropped by mg_graph_reset; build it again after "
                   "the reset",
                   "%s: el nodo #%zu fue descartado por mg_graph_reset; vuelve a construirlo "
                   "después del reset",
                   fn, id);
    return 1;
}

int mg__refuse_dropped_n(const char *fn, mg_value *const *xs, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (mg__refuse_dropped(fn, xs[i], i, n > 1 ? n : 0)) return 1;
    return 0;
}
