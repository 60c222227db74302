/* tape.c -- the plain tape: the order of a graph recorded once, replayed
 * by the core's own forward and backward loops.  This file is built only
 * with make FAST=0; the default build takes the tape from src/fast/, which
 * gives the same numbers faster. */
#include "core/core.h"

#include <stdlib.h>
#include <string.h>

struct mg_tape {
    mg__watch watch;   /* tells when a reset drops the recorded nodes */
    mg_value **order;  /* inputs first, the root last */
    size_t n;
};

mg_tape *mg_tape_new(mg_value *root) {
    size_t n;
    if (mg__refuse_dropped("mg_tape_new", root, 0, 0)) return NULL;
    mg_value **topo = mg__topo(root, &n);
    if (!n) return NULL;   /* root NULL, or out of memory (recorded) */
    mg_graph *g = mg__graph_of(root);
    mg_tape *t = calloc(1, sizeof *t);
    mg_value **order = malloc(n * sizeof *order);
    if (!t || !order) {
        free(t);
        free(order);
        mg__error(g, "mg_tape_new: out of memory for %zu nodes", "mg_tape_new: sin memoria para %zu nodos", n);
        return NULL;
    }
    memcpy(order, topo, n * sizeof *order);
    t->order = order;
    t->n = n;
    mg__watch_add(g, &t->watch, mg__id(root) + 1);
    return t;
}

static int usable(const mg_tape *t, const char *fn) {
    if (!t) return 0;
    if (!t->watch.dropped) return 1;
    mg__error(t->watch.g,
              "%s: a reset dropped nodes this tape recorded; make a new tape after rebuilding the "
              "graph",
              "%s: un reinicio borró nodos que esta cinta grabó; cree una cinta nueva después de "
              "reconstruir el grafo",
              fn);
    return 0;
}

int mg_tape_forward(mg_tape *t) {
    if (!usable(t, "mg_tape_forward")) return -1;
    mg__forward_order(t->order, t->n);
    return 0;
}

int mg_tape_backward(mg_tape *t) {
    if (!usable(t, "mg_tape_backward")) return -1;
    mg_backward(t->order[t->n - 1]);   /* the plain loop needs no order */
    return 0;
}

mg_value *mg_tape_root(const mg_tape *t) {
    return t && !t->watch.dropped ? t->order[t->n - 1] : NULL;
}

size_t mg_tape_size(const mg_tape *t) { return t ? t->n : 0; }

size_t mg_tape_bytes(const mg_tape *t) { return t ? sizeof *t + t->n * sizeof *t->order : 0; }

void mg_tape_free(mg_tape *t) {
    if (!t) return;
    mg__watch_remove(&t->watch);
    free(t->order);
    free(t);
}
