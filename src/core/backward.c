/* backward.c -- reverse mode: the chain rule, from the root down. */
#include "core/ops.h"

/* Every node's grad is d(root)/d(node): the sum, over the nodes c that use
 * it, of d(root)/d(c) * d(c)/d(node).
 *
 * Nodes are made after their inputs, so creation order is already a
 * topological order, and walking it backwards from the root (ids going
 * down) reaches each node only after every node that uses it has added its
 * share: by then its grad is complete and can be passed on.  No sort, no
 * recursion, no memory: which nodes the root depends on is found on the
 * way down, a node being flagged (MG_SEEN) when a node above it uses it,
 * and the walk stops when no flagged node is left below. */
void mg_backward(mg_value *root) {
    if (!root || mg__refuse_dropped("mg_backward", root, 0, 0)) return;
    mg_graph *g = mg__graph_of(root);
    g->grad_writes++;   /* for tapes: grads were written */
    /* d root / d root = 1; a leaf keeps what it had, as every leaf does:
     * leaves (parameters) accumulate across calls, as in PyTorch */
    root->grad = root->op == MG_OP_LEAF ? root->grad + 1.0 : 1.0;
    root->flags |= MG_SEEN;
    size_t pending = 1;   /* flagged nodes not reached yet */
    for (mg_value *v = root; pending; v = mg__below(g, v)) {
        if (!(v->flags & MG_SEEN)) continue;   /* root does not depend on v */
        v->flags &= (uint8_t)~MG_SEEN;
        pending--;
        for (size_t k = 0; k < mg__arity(v); k++) {
            mg_value *in = mg__input(v, k);
            if (!(in->flags & MG_SEEN)) {   /* its first user: a non-leaf grad starts at 0 */
                in->flags |= MG_SEEN;
                pending++;
                if (in->op != MG_OP_LEAF) in->grad = 0.0;
            }
            in->grad += mg__local_grad(v, k) * v->grad;
        }
    }
}
