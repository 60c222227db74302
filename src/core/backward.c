/* backward.c -- reverse mode: the chain rule over the topological order. */
#include "core/ops.h"

/* Every node's grad is d(root)/d(node): the sum, over the nodes c that
 * use it, of d(root)/d(c) * d(c)/d(node).  Walking the order backwards
 * (root first) reaches each node only after every c that uses it has added
 * its share, so by then its grad is complete and can be passed on. */
void mg__chain_rule(mg_value *const *topo, size_t n) {
    if (!n) return;
    mg__graph_of(topo[0])->grad_writes++;   /* for tapes: grads were written */
    /* non-leaf grads start from 0; leaves (parameters) accumulate across
     * calls, as in PyTorch */
    for (size_t i = 0; i < n; i++)
        if (topo[i]->op != MG_OP_LEAF) topo[i]->grad = 0.0;
    topo[n - 1]->grad += 1.0;   /* d root / d root: the root is last */
    for (size_t i = n; i-- > 0;) {
        mg_value *v = topo[i];
        for (size_t k = 0; k < mg__arity(v); k++)
            mg__input(v, k)->grad += mg__local_grad(v, k) * v->grad;
    }
}

void mg_backward(mg_value *root) {
    /* the nodes root depends on, inputs first and root last: nodes are
     * made after their inputs, so creation order is already a topological
     * order, and topo.c only has to find which nodes are reachable */
    size_t n;
    mg_value *const *topo = mg__topo(root, &n);
    mg__chain_rule(topo, n);
}
