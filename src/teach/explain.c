/* explain.c -- one gradient written out as the chain rule, Mazur style:
 * d(root)/d(x) is the sum, over every path from x up to root, of the
 * product of the local derivatives along the path.
 *
 * Paths multiply (a node used twice doubles them), so they are counted
 * first, with arithmetic that saturates instead of wrapping; above
 * MG_EXPLAIN_MAX_PATHS the same sum is written grouped by node, which is
 * linear in the size of the graph: each node's gradient from those of the
 * nodes that consume it, exactly as backward adds them up. */
#include "teach/teach.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* "dA/dB" with both names; returns its length (out NULL: only measures) */
static size_t put_ratio(FILE *out, const mg_value *num, const mg_value *den) {
    size_t n = mg__put_dname(out, num);
    if (out) fputc('/', out);
    return n + 1 + mg__put_dname(out, den);
}

/* Everything the two forms share: the nodes from x (at topo[lo]) up to
 * root (at topo[n-1]), and how many paths lead from x to each of them. */
typedef struct span {
    mg_lang lang;      /* of the words around the math */
    mg_value *const *topo;
    size_t lo, n;
    uint64_t *paths;   /* paths[j - lo]: paths from x to topo[j] */
} span;

/* Topo index of input k of v, or SIZE_MAX when it lies below x (no path
 * from x can go through it). */
static size_t input_index(const span *s, const mg_value *v, size_t k) {
    size_t j = mg__topo_index(s->topo, s->n, mg__input(v, k));
    return j < s->lo || j >= s->n ? SIZE_MAX : j;
}

static int on_path(const span *s, size_t j) { return j != SIZE_MAX && s->paths[j - s->lo] > 0; }

/* Print one path: root = topo[node[0]], ..., x = topo[node[len]], the
 * edge below topo[node[d]] being its input slot[d] - 1.  The line starts
 * with `head` ("  path 3:"), or with "dR/dx =" when head is NULL; the
 * factors' names follow, their numbers go on the next line under the "=".
 * Returns the product, taken from the root down as backward takes it. */
static double put_path(FILE *out, const span *s, const char *head, const size_t *node,
                       const size_t *slot, size_t len) {
    const mg_value *root = s->topo[node[0]], *x = s->topo[node[len]];
    char b[32];
    size_t indent;
    if (head) {
        fputs(head, out);
        indent = strlen(head);
    } else {
        indent = put_ratio(out, root, x);
        fputs(" =", out);
    }
    if (len == 1) {   /* x is an input of root: a single factor */
        double local = mg__local_grad(root, slot[0] - 1);
        if (head) {
            fputc(' ', out);
            put_ratio(out, root, x);
            fputs(" =", out);
        }
        fprintf(out, " %s\n", mg__fmt_num(b, local));
        return local;
    }
    for (size_t d = 0; d < len; d++) {
        fputs(d ? " * " : " ", out);
        put_ratio(out, s->topo[node[d]], s->topo[node[d + 1]]);
    }
    fprintf(out, "\n%*s= ", (int)indent + 1, "");
    double product = 1.0;
    for (size_t d = 0; d < len; d++) {
        double local = mg__local_grad(s->topo[node[d]], slot[d] - 1);
        product = local * product;
        fprintf(out, "%s%s", d ? " * " : "", mg__fmt_num(b, local));
    }
    fprintf(out, " = %s\n", mg__fmt_num(b, product));
    return product;
}

/* Every path, one by one: a depth-first walk from the root down to x with
 * an explicit stack (a path may be as long as the graph: no recursion). */
static int put_paths(FILE *out, const span *s, const mg_value *root, const mg_value *x) {
    size_t cap = s->n - s->lo + 1;
    size_t *node = malloc(cap * sizeof *node), *slot = malloc(cap * sizeof *slot);
    if (!node || !slot) {
        free(node), free(slot);
        return -1;
    }
    uint64_t total_paths = s->paths[s->n - 1 - s->lo], count = 0;
    double sum = 0.0;
    char b[32];
    size_t depth = 1;
    node[0] = s->n - 1;
    slot[0] = 0;
    while (depth) {
        size_t top = node[depth - 1];
        if (top == s->lo) {   /* reached x: print the path on the stack */
            char head[48];
            snprintf(head, sizeof head, MG__TEXT(s->lang, "  path %llu:", "  camino %llu:"),
                     (unsigned long long)++count);
            sum += put_path(out, s, total_paths > 1 ? head : NULL, node, slot, depth - 1);
            depth--;
            continue;
        }
        const mg_value *v = s->topo[top];
        size_t arity = mg__arity(v);
        size_t j = SIZE_MAX;
        while (slot[depth - 1] < arity && !on_path(s, j = input_index(s, v, slot[depth - 1])))
            slot[depth - 1]++;
        if (slot[depth - 1] >= arity) {
            depth--;
            continue;
        }
        slot[depth - 1]++;   /* slot - 1 is the edge taken */
        node[depth] = j;
        slot[depth] = 0;
        depth++;
    }
    if (total_paths > 1) {
        put_ratio(out, root, x);
        fprintf(out,
                MG__TEXT(s->lang, " = sum of the %llu path products = %s\n",
                         " = suma de los productos de los %llu caminos = %s\n"),
                (unsigned long long)count, mg__fmt_num(b, sum));
    }
    free(node), free(slot);
    return 0;
}

/* The grouped form: for each node on a path, from the root down to x,
 *   dR/dv = dR/dc1 * dc1/dv + dR/dc2 * dc2/dv + ...
 * over the nodes c that consume v.  The consumers' gradients are on lines
 * above, and the sums are taken in mg_backward's order. */
static int put_grouped(FILE *out, const span *s, const mg_value *root) {
    size_t m = s->n - s->lo;
    double *adj = calloc(m, sizeof *adj);
    size_t *first = calloc(m + 1, sizeof *first);   /* consumers of j: first[j-lo] .. */
    size_t n_edges = 0;
    for (size_t j = s->lo; j < s->n; j++) {
        if (!on_path(s, j)) continue;
        for (size_t k = 0; k < mg__arity(s->topo[j]); k++)
            if (on_path(s, input_index(s, s->topo[j], k))) n_edges++;
    }
    size_t *edge_node = malloc((n_edges + 1) * sizeof *edge_node);
    size_t *edge_slot = malloc((n_edges + 1) * sizeof *edge_slot);
    if (!adj || !first || !edge_node || !edge_slot) {
        free(adj), free(first), free(edge_node), free(edge_slot);
        return -1;
    }
    /* consumer lists, each in the order backward visits them: consumers by
     * descending index, their input slots ascending */
    for (size_t j = s->n; j-- > s->lo;) {
        if (!on_path(s, j)) continue;
        for (size_t k = 0; k < mg__arity(s->topo[j]); k++) {
            size_t c = input_index(s, s->topo[j], k);
            if (on_path(s, c)) first[c - s->lo + 1]++;
        }
    }
    for (size_t i = 0; i < m; i++) first[i + 1] += first[i];
    size_t *fill = malloc((m + 1) * sizeof *fill);
    if (!fill) {
        free(adj), free(first), free(edge_node), free(edge_slot);
        return -1;
    }
    memcpy(fill, first, (m + 1) * sizeof *fill);
    for (size_t j = s->n; j-- > s->lo;) {
        if (!on_path(s, j)) continue;
        for (size_t k = 0; k < mg__arity(s->topo[j]); k++) {
            size_t c = input_index(s, s->topo[j], k);
            if (!on_path(s, c)) continue;
            edge_node[fill[c - s->lo]] = j;
            edge_slot[fill[c - s->lo]++] = k;
        }
    }
    free(fill);

    char b1[32], b2[32];
    adj[m - 1] = 1.0;
    for (size_t j = s->n - 1; j-- > s->lo;) {
        if (!on_path(s, j)) continue;
        const mg_value *v = s->topo[j];
        size_t e0 = first[j - s->lo], e1 = first[j - s->lo + 1];
        int indent = (int)put_ratio(out, root, v);
        fputs(" = ", out);
        for (size_t e = e0; e < e1; e++) {
            fputs(e > e0 ? " + " : "", out);
            put_ratio(out, root, s->topo[edge_node[e]]);
            fputs(" * ", out);
            put_ratio(out, s->topo[edge_node[e]], v);
        }
        fprintf(out, "\n%*s= ", indent + 1, "");
        double sum = 0.0;
        for (size_t e = e0; e < e1; e++) {
            double g = adj[edge_node[e] - s->lo];
            double local = mg__local_grad(s->topo[edge_node[e]], edge_slot[e]);
            sum += local * g;
            fprintf(out, "%s%s * %s", e > e0 ? " + " : "", mg__fmt_num(b1, g),
                    mg__fmt_num(b2, local));
        }
        adj[j - s->lo] = sum;
        fprintf(out, " = %s\n", mg__fmt_num(b1, sum));
    }
    free(adj), free(first), free(edge_node), free(edge_slot);
    return 0;
}

int mg_explain(FILE *out, const mg_value *root, const mg_value *x) {
    if (!out || !root || !x) return -1;
    if (mg_value_graph(x) != mg_value_graph(root)) {
        char b1[32], b2[32];
        mg__error(mg_value_graph(root), "mg_explain: '%s' and '%s' are in different graphs",
                  "mg_explain: '%s' y '%s' están en grafos distintos", mg__name(root, b1),
                  mg__name(x, b2));
        return -1;
    }
    size_t n;
    mg_value *const *topo = mg__topo(root, &n);
    if (!topo) return -1;
    size_t lo = mg__topo_index(topo, n, x);
    mg_lang lang = mg_graph_lang(mg_value_graph(root));
    if (x == root) {
        put_ratio(out, root, x);
        fputs(MG__TEXT(lang, " = 1: the node itself\n", " = 1: es el mismo nodo\n"), out);
        return mg__finish(out);
    }
    if (lo == n) {
        put_ratio(out, root, x);
        fputs(MG__TEXT(lang, " = 0: no path leads from ", " = 0: ningún camino lleva de "), out);
        mg__put_name(out, x);
        fputs(MG__TEXT(lang, " to ", " a "), out);
        mg__put_name(out, root);
        fputc('\n', out);
        return mg__finish(out);
    }

    /* count the paths from x to every node above it, saturating at the
     * largest uint64_t: a chain of y = y + y doubles them at every step */
    span s = {lang, topo, lo, n, calloc(n - lo, sizeof(uint64_t))};
    if (!s.paths) return -1;
    s.paths[0] = 1;
    for (size_t j = lo + 1; j < n; j++) {
        uint64_t p = 0;
        for (size_t k = 0; k < mg__arity(topo[j]); k++) {
            size_t c = input_index(&s, topo[j], k);
            if (c == SIZE_MAX) continue;
            uint64_t add = s.paths[c - lo];
            p = p > UINT64_MAX - add ? UINT64_MAX : p + add;
        }
        s.paths[j - lo] = p;
    }
    uint64_t total = s.paths[n - 1 - lo];

    int rc;
    if (total <= MG_EXPLAIN_MAX_PATHS) {
        if (total > 1) {
            put_ratio(out, root, x);
            fprintf(out,
                    MG__TEXT(lang,
                             " is the sum over %llu paths of the product of the local "
                             "derivatives:\n",
                             " es la suma, sobre %llu caminos, del producto de las derivadas "
                             "locales:\n"),
                    (unsigned long long)total);
        }
        rc = put_paths(out, &s, root, x);
    } else {
        put_ratio(out, root, x);
        if (total == UINT64_MAX)
            fputs(MG__TEXT(lang, ": at least 18446744073709551615 paths",
                           ": al menos 18446744073709551615 caminos"), out);
        else fprintf(out, MG__TEXT(lang, ": %llu paths", ": %llu caminos"), (unsigned long long)total);
        fprintf(out,
                MG__TEXT(lang, " (more than %d to list); grouped by node instead, from ",
                         " (más de %d, demasiados para listarlos); agrupados por nodo, desde "),
                MG_EXPLAIN_MAX_PATHS);
        mg__put_name(out, root);
        fputs(MG__TEXT(lang, " down to ", " hasta "), out);
        mg__put_name(out, x);
        fputs(":\n", out);
        rc = put_grouped(out, &s, root);
    }
    free(s.paths);
    return rc == 0 ? mg__finish(out) : -1;
}
