/* grad_graphs.c -- random graphs of every op, with the engine's first and
 * second derivatives (mg_grad twice), mg_backward's grads and forward mode
 * (mg_jvp), written as text for check_grad.py to rebuild in PyTorch and
 * compare with its double backward and its forward-mode AD.
 *
 * Output, one item per line, numbers %.17g:
 *     graph NAME
 *     leaf I VALUE            an input (differentiated by)
 *     const I VALUE           a constant leaf (not differentiated by)
 *     op I NAME K IN...       node I = NAME(IN...); K is pow's exponent, else 0
 *     root I
 *     grad I VALUE            mg_backward: d root / d input I
 *     d1 I VALUE              mg_grad(root, input I)
 *     d2 I J VALUE            mg_grad(mg_grad(root, input I), input J)
 *     tangent T0 T1 ...       a direction over the inputs
 *     jvp VALUE               mg_jvp(root) along it
 *     hvp I VALUE             mg_jvp(mg_grad(root, input I)) along it
 *     end
 * Node numbers are creation order within the graph (the first input is 0). */
#include <micrograd.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NODES 4096
#define N_IN 3

static mg_value *nodes[MAX_NODES];   /* by id: a fresh graph's first node is 0 */
static size_t n_nodes;

static void num(double x) {
    char b[40];
    mg_num_format(b, sizeof b, "%.17g", x);
    printf(" %s", b);
}

static size_t idx(const mg_value *v) { return mg_value_id(v); }

/* Write every node made since the last call, in creation order. */
static void emit_new(size_t n_inputs) {
    for (; n_nodes < MAX_NODES && nodes[n_nodes]; n_nodes++) {
        mg_value *v = nodes[n_nodes];
        mg_op op = mg_value_op(v);
        if (op == MG_OP_LEAF) {
            printf(n_nodes < n_inputs ? "leaf %zu" : "const %zu", n_nodes);
            num(v->data);
        } else {
            printf("op %zu %s", n_nodes, mg_op_name(op));
            num(mg_value_exponent(v));
            for (size_t i = 0; i < mg_value_arity(v); i++) printf(" %zu", idx(mg_value_input(v, i)));
        }
        putchar('\n');
    }
}

/* splitmix64, for the graphs' shapes and numbers */
static unsigned long long rng_s;
static unsigned long long next(void) {
    unsigned long long z = (rng_s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static double uniform(double lo, double hi) { return lo + (hi - lo) * (double)(next() >> 11) * 0x1p-53; }
static size_t below(size_t n) { return (size_t)(next() % n); }

/* Every node made goes into nodes[] in creation order: record by id. */
static mg_value *keep(mg_value *v) {
    if (!v) {
        fprintf(stderr, "grad_graphs: an operation failed\n");
        exit(1);
    }
    size_t i = idx(v);
    if (i < MAX_NODES) nodes[i] = v;
    return v;
}

/* A node's value kept where an op is smooth and finite: positive for log
 * and a fractional power, moderate for exp and as an exponent. */
static mg_value *positive(mg_graph *g, mg_value *a) {
    if (a->data > 0.2 && a->data < 20) return a;
    mg_value *c = keep(mg_leaf(g, 0.5, NULL));
    return keep(mg_add(keep(mg_mul(a, a)), c));
}
static mg_value *moderate(mg_value *a) { return fabs(a->data) < 3 ? a : keep(mg_tanh(a)); }

static mg_value *random_graph(mg_graph *g, size_t n_ops) {
    mg_value *pool[256];
    size_t np = 0;
    for (size_t i = 0; i < N_IN; i++) pool[np++] = keep(mg_leaf(g, uniform(-2, 2), NULL));
    static const double ks[] = {2, 3, -1, 0.5, 1.5, 0};
    for (size_t k = 0; k < n_ops && np < 250; k++) {
        mg_value *a = pool[below(np)], *b = pool[below(np)], *v;
        switch (below(16)) {
        case 0: v = mg_add(a, b); break;
        case 1: v = mg_sub(a, b); break;
        case 2: v = mg_mul(a, b); break;
        case 3: v = mg_div(a, positive(g, b)); break;
        case 4: v = mg_neg(a); break;
        case 5: {
            double e = ks[below(6)];
            v = mg_pow(e == floor(e) && e >= 0 ? moderate(a) : positive(g, a), e);
            break;
        }
        case 6: case 7: v = mg_pow_v(positive(g, a), moderate(b)); break;
        case 8: v = mg_exp(moderate(a)); break;
        case 9: v = mg_log(positive(g, a)); break;
        case 10: v = mg_tanh(a); break;
        case 11: v = mg_relu(a); break;
        case 12: v = mg_sigmoid(a); break;
        case 13: {
            mg_value *xs[5];
            size_t m = 2 + below(4);
            for (size_t i = 0; i < m; i++) xs[i] = pool[below(np)];
            v = mg_sum(xs, m);
            break;
        }
        case 14: {
            mg_value *w[2], *x[2];
            w[0] = a, w[1] = pool[below(np)], x[0] = b, x[1] = pool[below(np)];
            v = mg_neuron(pool[below(np)], w, x, 2);
            break;
        }
        default: v = mg_where(keep(mg_relu(b)), a); break;   /* often a zero condition */
        }
        keep(v);
        if (fabs(v->data) > 10) v = keep(mg_tanh(v));
        pool[np++] = v;
    }
    /* the root: the last eight nodes and two random ones, summed */
    mg_value *xs[10];
    size_t m = 0;
    for (size_t i = np > 8 ? np - 8 : 0; i < np; i++) xs[m++] = pool[i];
    xs[m++] = pool[below(np)];
    xs[m++] = pool[below(np)];
    return keep(mg_sum(xs, m));
}

/* Everything the engine says about root's derivatives by inputs[0..n). */
static void emit_derivatives(mg_graph *g, mg_value *root, mg_value **in, size_t n) {
    printf("root %zu\n", idx(root));
    mg_backward(root);
    for (size_t i = 0; i < n; i++) {
        printf("grad %zu", i);
        num(in[i]->grad);
        putchar('\n');
    }
    mg_value *d1[N_IN], *d2[N_IN];
    if (mg_grad_n(root, in, n, d1)) {
        fprintf(stderr, "grad_graphs: mg_grad_n: %s\n", mg_graph_error(g));
        exit(1);
    }
    double t[N_IN];
    for (size_t i = 0; i < n; i++) t[i] = uniform(-1, 1);
    for (size_t i = 0; i < n; i++) {
        printf("d1 %zu", i);
        num(d1[i]->data);
        putchar('\n');
        if (mg_grad_n(d1[i], in, n, d2)) exit(1);
        for (size_t j = 0; j < n; j++) {
            printf("d2 %zu %zu", i, j);
            num(d2[j]->data);
            putchar('\n');
        }
    }
    printf("tangent");
    for (size_t i = 0; i < n; i++) num(t[i]);
    printf("\njvp");
    num(mg_jvp(root, in, t, n));
    putchar('\n');
    for (size_t i = 0; i < n; i++) {
        printf("hvp %zu", i);
        num(mg_jvp(d1[i], in, t, n));
        putchar('\n');
    }
    puts("end");
}

int main(int argc, char **argv) {
    int n_graphs = argc > 1 ? atoi(argv[1]) : 300;
    rng_s = 20260601;
    for (int k = 0; k < n_graphs; k++) {
        mg_graph *g = mg_graph_new();
        memset(nodes, 0, sizeof nodes);
        n_nodes = 0;
        printf("graph random-%d\n", k);
        mg_value *root = random_graph(g, 10 + (size_t)below(30));
        emit_new(N_IN);
        emit_derivatives(g, root, nodes, N_IN);
        mg_graph_free(g);
    }
    /* pow with a node exponent where a <= 0 or b = 0: PyTorch's conventions
     * (its first derivatives, and what its double backward makes of them) */
    static const double special[][2] = {{0, 2}, {0, 0}, {0, -1}, {0, 0.5}, {1.5, 0},
                                        {-2, 3}, {-2, 0}, {0, 1}, {-1.5, 2.5}, {0, 3}};
    for (size_t k = 0; k < sizeof special / sizeof *special; k++) {
        mg_graph *g = mg_graph_new();
        memset(nodes, 0, sizeof nodes);
        n_nodes = 0;
        mg_value *a = keep(mg_leaf(g, special[k][0], NULL));
        mg_value *b = keep(mg_leaf(g, special[k][1], NULL));
        mg_value *root = keep(mg_pow_v(a, b));
        printf("graph pow_v-at-%g-%g\n", special[k][0], special[k][1]);
        emit_new(2);
        emit_derivatives(g, root, nodes, 2);
        mg_graph_free(g);
    }
    return 0;
}
