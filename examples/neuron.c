/* neuron.c -- the lecture's tanh neuron, node by node.
 *
 *   o = tanh(x1*w1 + x2*w2 + b)   with x1=2, x2=0, w1=-3, w2=1, b=6.8813...
 *
 * b is chosen so that n = 0.8813735870195432 and o = tanh(n) = 1/sqrt(2):
 * then do/dn = 1 - o^2 = 0.5, and every gradient is a round number.
 *
 *   build/examples/neuron               the nodes with data and grad
 *   build/examples/neuron --trace       backward, one chain-rule step a line
 *   build/examples/neuron --explain w1  do/dw1 as a product along the path
 *   build/examples/neuron --dot | dot -Tsvg > neuron.svg
 * (--dump, --gradcheck and --lang es too: see show.h.) */
#include <micrograd.h>
#include <stdio.h>

#include "show.h"

static void table(mg_value *o, mg_lang lang) {
    printf(TR(lang, "The lecture's neuron: o = tanh(x1*w1 + x2*w2 + b)\n\n",
              "La neurona de la clase de micrograd: o = tanh(x1*w1 + x2*w2 + b)\n\n"));
    printf("%-16s %12s %12s\n", TR(lang, "node", "nodo"), TR(lang, "data", "valor"), "grad");
    size_t count;
    mg_value *const *topo = mg_topo(o, &count);
    for (size_t i = 0; i < count; i++)
        printf("%-16s %12.6f %12.6f\n", mg_value_label(topo[i]), topo[i]->data, topo[i]->grad);
}

int main(int argc, char **argv) {
    mg_graph *g = mg_graph_new();
    if (!g) {
        fprintf(stderr, "neuron: out of memory\n");
        return 1;
    }
    mg_value *x1 = mg_leaf(g, 2.0, "x1");
    mg_value *x2 = mg_leaf(g, 0.0, "x2");
    mg_value *w1 = mg_leaf(g, -3.0, "w1");
    mg_value *w2 = mg_leaf(g, 1.0, "w2");
    mg_value *b = mg_leaf(g, 6.8813735870195432, "b");
    mg_value *x1w1 = mg_label(mg_mul(x1, w1), "x1*w1");
    mg_value *x2w2 = mg_label(mg_mul(x2, w2), "x2*w2");
    mg_value *sum = mg_label(mg_add(x1w1, x2w2), "x1*w1 + x2*w2");
    mg_value *n = mg_label(mg_add(sum, b), "n");
    mg_value *o = mg_label(mg_tanh(n), "o");
    if (!o) {
        fprintf(stderr, "neuron: %s\n", mg_graph_error(g));
        mg_graph_free(g);
        return 1;
    }
    mg_value *leaves[] = {x1, x2, w1, w2, b};
    int status = show_main("neuron", argc, argv, o, leaves, 5, table);
    mg_graph_free(g);
    return status;
}
