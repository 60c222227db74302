/* modes.c -- forward mode and reverse mode: the chain rule taken two ways
 * on the same graph, with the same numbers and very different costs.
 *
 *   forward mode (mg_jvp): one sweep from the leaves up carries d(node)/dx
 *       for ONE input x to every node.  n inputs need n sweeps.
 *   reverse mode (mg_backward): one sweep from the output down carries
 *       d(output)/d(node) to EVERY node.  n inputs need one sweep.
 *
 * A loss has one output and many inputs (the weights), which is why
 * training uses reverse mode: backpropagation.  Forward mode wins the other
 * way round (one input, many outputs), and needs no memory of the graph.
 *
 *   build/examples/modes             the lecture's neuron, then a bigger one
 *   build/examples/modes --lang es   en español (also LANG=es_MX.UTF-8 ...) */
#include <math.h>
#include <micrograd.h>
#include <stdio.h>
#include <string.h>

#include "show.h"

/* Every derivative of `out` by leaves[0..n) both ways: prints a row per
 * input when `rows`, then the node visits.  Returns the largest difference
 * between the two modes. */
static double both_modes(mg_value *out, mg_value **leaves, size_t n, int rows, int es) {
    size_t n_nodes;
    mg_topo(out, &n_nodes);   /* each sweep visits every node once */

    for (size_t i = 0; i < n; i++) leaves[i]->grad = 0.0;
    mg_backward(out);   /* reverse: one sweep, every leaf's grad at once */

    if (rows)
        printf("%-8s %20s %20s\n", es ? "entrada" : "input", es ? "directo (mg_jvp)" : "forward (mg_jvp)",
               es ? "inverso (backward)" : "reverse (backward)");
    double worst = 0.0, tangent[256];
    for (size_t i = 0; i < n; i++) {
        /* forward: a sweep of its own for each input, moving only that one */
        for (size_t k = 0; k < n; k++) tangent[k] = k == i ? 1.0 : 0.0;
        double fwd = mg_jvp(out, leaves, tangent, n);
        worst = fmax(worst, fabs(fwd - leaves[i]->grad));
        if (rows) printf("%-8s %20.9f %20.9f\n", mg_value_label(leaves[i]), fwd, leaves[i]->grad);
    }
    printf(es ? "visitas a nodos: modo directo %zu barridos x %zu nodos = %zu; "
                "modo inverso 1 barrido x %zu nodos = %zu\n"
              : "node visits: forward mode %zu sweeps x %zu nodes = %zu; "
                "reverse mode 1 sweep x %zu nodes = %zu\n",
           n, n_nodes, n * n_nodes, n_nodes, n_nodes);
    printf(es ? "mayor diferencia entre los dos modos: %g\n\n"
              : "largest difference between the two modes: %g\n\n",
           worst);
    return worst;
}

int main(int argc, char **argv) {
    show_prog sp = {"modes", "modes [--lang es|en]\n", "modes [--lang es|en]\n", MG_LANG_EN};
    int rc = show_start(&sp, &argc, argv);   /* --lang, --help */
    if (rc >= 0) return rc;
    if (argc > 1) return show_bad_option(&sp, argv[1]);
    mg_lang lang = sp.lang;
    int es = lang == MG_LANG_ES;
    mg_graph *g = mg_graph_new();
    if (!g) return 1;
    mg_graph_set_lang(g, lang);

    /* the lecture's neuron: 5 inputs, 10 nodes */
    mg_value *x1 = mg_leaf(g, 2.0, "x1"), *x2 = mg_leaf(g, 0.0, "x2");
    mg_value *w1 = mg_leaf(g, -3.0, "w1"), *w2 = mg_leaf(g, 1.0, "w2");
    mg_value *b = mg_leaf(g, 6.8813735870195432, "b");
    mg_value *o = mg_label(mg_tanh(mg_add(mg_add(mg_mul(x1, w1), mg_mul(x2, w2)), b)), "o");
    if (!o) {
        fprintf(stderr, "modes: %s\n", mg_graph_error(g));
        mg_graph_free(g);
        return 1;
    }
    puts(es ? "La neurona de la clase, o = tanh(x1*w1 + x2*w2 + b): cada derivada parcial de o,\n"
              "por los dos modos de aplicar la regla de la cadena.\n"
            : "The lecture's neuron, o = tanh(x1*w1 + x2*w2 + b): every partial derivative of o,\n"
              "by the two ways of applying the chain rule.\n");
    mg_value *leaves[256] = {x1, x2, w1, w2, b};
    double worst = both_modes(o, leaves, 5, 1, es);

    /* one neuron with 100 inputs: 201 leaves (weights, inputs, bias) */
    size_t n_in = 100, n = 0;
    mg_value *sum = leaves[n++] = mg_leaf(g, 0.1, "b");
    for (size_t k = 0; k < n_in; k++) {
        mg_value *w = leaves[n++] = mg_leaf(g, sin((double)k), "w");
        mg_value *x = leaves[n++] = mg_leaf(g, cos(3.0 * (double)k), "x");
        sum = mg_add(sum, mg_mul(w, x));
    }
    mg_value *out = mg_tanh(sum);
    if (!out) {
        fprintf(stderr, "modes: %s\n", mg_graph_error(g));
        mg_graph_free(g);
        return 1;
    }
    printf(es ? "Una neurona con %zu entradas: %zu hojas (pesos, entradas y el sesgo).\n"
              : "A neuron with %zu inputs: %zu leaves (weights, inputs and the bias).\n",
           n_in, n);
    worst = fmax(worst, both_modes(out, leaves, n, 0, es));
    puts(es ? "Una pérdida tiene una sola salida y muchos pesos: por eso se entrena con el modo\n"
              "inverso, la retropropagación.  El modo directo conviene al revés (pocas entradas,\n"
              "muchas salidas) y no necesita guardar el grafo."
            : "A loss has one output and many weights: that is why training uses reverse mode,\n"
              "backpropagation.  Forward mode pays off the other way round (few inputs, many\n"
              "outputs), and it needs no memory of the graph.");
    mg_graph_free(g);
    return worst <= 1e-12 ? 0 : 1;
}
