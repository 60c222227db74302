/* tape.c -- the plain tape: the order of a graph recorded once, replayed
 * by the core's own forward and backward loops.  This file is built only
 * with make FAST=0; the default build takes the tape from src/fast/, which
 * gives the same numbers faster. */
#include "core/core.h"

#include <stdlib.h>

struct mg_tape {
    mg__recording rec;
};

mg_tape *mg_tape_new(mg_value *root) {
    mg_tape *t = calloc(1, sizeof *t);
    if (!t) {
        if (root) mg__error(mg__graph_of(root), "mg_tape_new: out of memory",
                            "mg_tape_new: sin memoria");
        return NULL;
    }
    if (mg__record(&t->rec, root, "mg_tape_new")) {
        free(t);
        return NULL;
    }
    return t;
}

int mg_tape_forward(mg_tape *t) {
    if (!t || !mg__recording_usable(&t->rec, "mg_tape_forward")) return -1;
    mg__forward_order(t->rec.order, t->rec.n);
    return 0;
}

int mg_tape_backward(mg_tape *t) {
    if (!t || !mg__recording_usable(&t->rec, "mg_tape_backward")) return -1;
    mg_backward(t->rec.order[t->rec.n - 1]);   /* the plain loop needs no order */
    return 0;
}

mg_value *mg_tape_root(const mg_tape *t) {
    return t && !t->rec.watch.dropped ? t->rec.order[t->rec.n - 1] : NULL;
}

size_t mg_tape_size(const mg_tape *t) { return t ? t->rec.n : 0; }

size_t mg_tape_bytes(const mg_tape *t) { return t ? sizeof *t + t->rec.n * sizeof *t->rec.order : 0; }

void mg_tape_free(mg_tape *t) {
    if (!t) return;
    mg__recording_free(&t->rec);
    free(t);
}
