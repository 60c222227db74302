/* forward.c -- recompute a graph's values from its leaves. */
#include "core/ops.h"

/* Inputs come first in the order, so each node's inputs already hold their
 * new values when its turn comes.  Grads are set to 0 on the way: they are
 * stale now, and mg_backward would start them from 0 anyway. */
void mg__forward_order(mg_value *const *topo, size_t n) {
    if (!n) return;
    mg__graph_of(topo[0])->grad_writes++;
    for (size_t i = 0; i < n; i++) {
        mg_value *v = topo[i];
        if (v->op == MG_OP_LEAF) continue;
        v->data = mg__forward_node(v);
        v->grad = 0.0;
    }
}

void mg_forward(mg_value *root) {
    size_t n;
    if (mg__refuse_dropped("mg_forward", root, 0, 0)) return;
    mg_value *const *topo = mg__topo(root, &n);
    mg__forward_order(topo, n);
}
