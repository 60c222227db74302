/* grad.c -- derivatives as nodes: the backward pass recorded into the graph,
 * so that a derivative can be differentiated again (mg_grad, mg_grad_n).
 *
 * mg_backward adds numbers: grad(input) += local * grad(v).  Here the same
 * walk adds nodes: adj(input) = adj(input) + dnode(v, input, adj(v)), where
 * adj(v) is the node holding d root / d v and dnode builds local * adj(v)
 * from ops (ops.h, beside each op's local derivative).  The new nodes are
 * ordinary nodes of the graph: mg_backward, mg_grad, the DOT writer and the
 * trace work on them like on any other.  No grad field is touched.
 *
 * Only nodes that depend on one of the targets get an adjoint: a weight's
 * derivative is not built when the question is d root / d x. */
#include "core/ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether a name reads as one word after "d" (letters, digits, _ . #): else
 * it goes in parentheses, as in d(dL/dx)/dx. */
static int one_word(const char *s) {
    if (!*s) return 0;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (!(ch >= 'a' && ch <= 'z') && !(ch >= 'A' && ch <= 'Z') && !(ch >= '0' && ch <= '9') &&
            ch != '_' && ch != '.' && ch != '#')
            return 0;
    }
    return 1;
}

/* Name node `d` "d<root>/d<v>".  A label is a convenience: when there is no
 * memory for it the node stays unnamed. */
static void name_derivative(mg_value *d, const mg_value *root, const mg_value *v) {
    char b1[32], b2[32];
    const char *rn = mg__name(root, b1), *vn = mg__name(v, b2);
    int rw = one_word(rn), vw = one_word(vn);
    size_t len = strlen(rn) + strlen(vn) + 8;
    char *s = malloc(len);
    if (!s) return;
    snprintf(s, len, "d%s%s%s/d%s%s%s", rw ? "" : "(", rn, rw ? "" : ")", vw ? "" : "(", vn,
             vw ? "" : ")");
    int had_error = mg__graph_of(d)->has_error;
    mg_label(d, s);
    if (!had_error) mg__graph_of(d)->has_error = 0;   /* a lost label is no error */
    free(s);
}

/* A name to give: node d is d root / d of.  Names are given at the end of
 * the pass in order of node id, so that each is an append to the graph's
 * sorted label index (naming nodes in the order the walk finishes them
 * would shift the index, quadratic on big named graphs); the first name
 * asked for a node (rank) wins. */
typedef struct pending_name {
    mg_value *d;
    const mg_value *of;
    size_t rank;
} pending_name;

static int by_id_then_rank(const void *pa, const void *pb) {
    const pending_name *a = pa, *b = pb;
    size_t ia = mg__id(a->d), ib = mg__id(b->d);
    if (ia != ib) return ia < ib ? -1 : 1;
    return a->rank < b->rank ? -1 : a->rank > b->rank;
}

static void give_names(pending_name *names, size_t n, const mg_value *root) {
    qsort(names, n, sizeof *names, by_id_then_rank);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || names[i].d != names[i - 1].d) name_derivative(names[i].d, root, names[i].of);
}

/* Record the error of `fn` in g, in g's language. */
static void bad_target(mg_graph *g, const char *fn, const mg_value *root, const mg_value *x) {
    char b1[32], b2[32];
    if (!x) {
        mg__error(g, "%s: the variable to differentiate with respect to is NULL",
                  "%s: la variable respecto de la que se deriva es NULL", fn);
        return;
    }
    mg__error(g, "%s: '%s' is in another graph than '%s'",
              "%s: '%s' pertenece a otro grafo que '%s'", fn, mg__name(x, b1), mg__name(root, b2));
}

static void null_root(mg_graph *g, const char *fn) {
    mg__error(g, "%s: the root (what is differentiated) is NULL",
              "%s: la raíz (lo que se deriva) es NULL", fn);
}

static void out_of_memory(mg_graph *g, const char *fn) {
    mg__error(g, "%s: out of memory", "%s: sin memoria", fn);
}

/* The pass behind mg_grad and mg_grad_n: out[k] = d root / d xs[k] as a
 * node.  0, or -1 with the error recorded and the graph as it was. */
static int grad_pass(const char *fn, mg_value *root, mg_value *const *xs, size_t n_xs,
                     mg_value **out) {
    mg_graph *g = mg__graph_of(root);
    for (size_t k = 0; k < n_xs; k++) {
        if (!xs[k] || mg__graph_of(xs[k]) != g) {
            bad_target(g, fn, root, xs[k]);
            if (xs[k]) bad_target(mg__graph_of(xs[k]), fn, root, xs[k]);
            return -1;
        }
    }
    const size_t start = g->n_nodes;   /* to undo a pass that fails */
    size_t n;
    mg_value **topo = mg__topo(root, &n);
    if (!topo) return -1;   /* out of memory, recorded */
    /* our own copy: building nodes must not depend on the graph's scratch */
    mg_value **order = malloc(n * sizeof *order);
    mg_value **adj = calloc(n, sizeof *adj);       /* NULL: the derivative is 0 */
    unsigned char *dep = calloc(n, 1);             /* depends on a target */
    pending_name *names = malloc((n + n_xs) * sizeof *names);
    size_t n_names = 0;
    mg__pos pos = {0};
    if (!order || !adj || !dep || !names) goto oom;
    memcpy(order, topo, n * sizeof *order);
    if (mg__pos_init(&pos, order, n)) goto oom;

    /* which nodes depend on a target: the targets, then every node with an
     * input that does (inputs come first, so one sweep up is enough) */
    size_t lowest = n;
    for (size_t k = 0; k < n_xs; k++) {
        size_t i = mg__pos_of(&pos, xs[k]);
        if (i < n) {
            dep[i] = 1;
            if (i < lowest) lowest = i;
        }
    }
    for (size_t i = lowest; i < n; i++)
        for (size_t k = 0, arity = mg__arity(order[i]); k < arity && !dep[i]; k++)
            dep[i] = dep[mg__pos_of(&pos, mg__input(order[i], k))];

    /* the chain rule as nodes, root first, exactly as mg_backward walks;
     * each node's adjoint is complete when its turn comes */
    mg__dctx c = {g, NULL, 0};
    if (lowest < n && dep[n - 1]) {
        adj[n - 1] = mg_leaf(g, 1.0, NULL);   /* d root / d root */
        if (!adj[n - 1]) goto oom;
    }
    for (size_t i = n; i-- > lowest;) {
        mg_value *v = order[i], *a = adj[i];
        if (!a) continue;
        /* name the root's 1 and the adjoints of named nodes; an adjoint
         * that an add passed on unchanged keeps the first name it got */
        if (i + 1 == n || mg_value_label(v)) {
            names[n_names] = (pending_name){a, v, n_names};
            n_names++;
        }
        for (size_t k = 0, arity = mg__arity(v); k < arity; k++) {
            size_t j = mg__pos_of(&pos, mg__input(v, k));
            if (!dep[j]) continue;
            c.none = 0;
            mg_value *term = mg__dnode(&c, v, k, a);
            if (c.none) continue;
            adj[j] = adj[j] ? mg_add(adj[j], term) : term;
            if (!adj[j]) goto oom;
        }
    }
    for (size_t k = 0; k < n_xs; k++) {
        size_t i = mg__pos_of(&pos, xs[k]);
        mg_value *d = i < n ? adj[i] : NULL;
        if (!d) {
            /* x is not reachable from root, or no path passes anything
             * back: the derivative is 0 everywhere */
            d = mg_leaf(g, 0.0, NULL);
            if (!d) goto oom;
        }
        names[n_names] = (pending_name){d, xs[k], n_names};
        n_names++;
        out[k] = d;
    }
    give_names(names, n_names, root);
    mg__pos_free(&pos);
    free(order);
    free(adj);
    free(dep);
    free(names);
    return 0;

oom:
    mg__pos_free(&pos);
    free(order);
    free(adj);
    free(dep);
    free(names);
    out_of_memory(g, fn);
    if (g->n_nodes > start) mg_graph_reset(g, start);
    return -1;
}

mg_value *mg_grad(mg_value *root, mg_value *x) {
    if (!root) {
        if (x) null_root(mg__graph_of(x), "mg_grad");
        return NULL;
    }
    mg_value *d = NULL;
    return grad_pass("mg_grad", root, &x, 1, &d) ? NULL : d;
}

int mg_grad_n(mg_value *root, mg_value *const *xs, size_t n, mg_value **out) {
    if (!root || (n && (!xs || !out))) {
        if (!root && n && xs && xs[0]) null_root(mg__graph_of(xs[0]), "mg_grad_n");
        return -1;
    }
    if (grad_pass("mg_grad_n", root, xs, n, out)) {
        for (size_t k = 0; k < n; k++) out[k] = NULL;
        return -1;
    }
    return 0;
}
