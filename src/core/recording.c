/* recording.c -- what every tape starts from: the order of a graph,
 * recorded once (a copy of mg_topo's), and a watch that learns when a
 * reset drops any of its nodes.  The plain tape (tape.c) and the compiled
 * one (src/fast/) both hold one. */
#include "core/core.h"

#include <stdlib.h>
#include <string.h>

int mg__record(mg__recording *r, mg_value *root, const char *fn) {
    memset(r, 0, sizeof *r);
    size_t n;
    if (mg__refuse_dropped(fn, root, 0, 0)) return -1;
    mg_value **topo = mg__topo(root, &n);
    if (!n) return -1;   /* root NULL, or out of memory (recorded) */
    mg_graph *g = mg__graph_of(root);
    r->order = malloc(n * sizeof *r->order);
    if (!r->order) {
        mg__error(g, "%s: out of memory for %zu nodes", "%s: sin memoria para %zu nodos", fn, n);
        return -1;
    }
    memcpy(r->order, topo, n * sizeof *r->order);
    r->n = n;
    mg__watch_add(g, &r->watch, mg__id(root) + 1);
    return 0;
}

int mg__recording_usable(const mg__recording *r, const char *fn) {
    if (!r->watch.dropped) return 1;
    mg__error(r->watch.g,
              "%s: a reset dropped nodes this tape recorded; make a new tape after rebuilding the "
              "graph",
              "%s: un reinicio borró nodos que esta cinta grabó; cree una cinta nueva después de "
              "reconstruir el grafo",
              fn);
    return 0;
}

void mg__recording_free(mg__recording *r) {
    mg__watch_remove(&r->watch);
    free(r->order);
    r->order = NULL;
    r->n = 0;
}
