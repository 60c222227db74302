/* expression.c -- the first expression of Karpathy's micrograd lecture:
 *
 *   a = 2, b = -3, c = 10, f = -2
 *   e = a*b = -6,  d = e + c = 4,  L = d*f = -8
 *
 * Backward gives dL/da = 6, dL/db = -4, dL/dc = -2, dL/df = 4: the lecture
 * finds each by hand with the chain rule, e.g. dL/dc = dL/dd * dd/dc =
 * f * 1 = -2.  Run with --trace to watch the engine take the same steps.
 *
 *   build/examples/expression               the nodes with data and grad
 *   build/examples/expression --trace       backward, step by step
 *   build/examples/expression --explain a   dL/da = dL/dd * dd/de * de/da
 *   build/examples/expression --dot | dot -Tsvg > expression.svg
 * (--dump, --gradcheck and --lang es too: see show.h.) */
#include <micrograd.h>
#include <stdio.h>

#include "show.h"

static void table(mg_value *L, mg_lang lang) {
    printf(TR(lang, "The lecture's expression: L = (a*b + c) * f\n\n",
              "La expresión de la clase de micrograd: L = (a*b + c) * f\n\n"));
    printf("%-6s %10s %10s\n", TR(lang, "node", "nodo"), TR(lang, "data", "valor"), "grad");
    size_t count;
    mg_value *const *topo = mg_topo(L, &count);
    for (size_t i = 0; i < count; i++)
        printf("%-6s %10.4f %10.4f\n", mg_value_label(topo[i]), topo[i]->data, topo[i]->grad);
}

int main(int argc, char **argv) {
    mg_graph *g = mg_graph_new();
    if (!g) {
        fprintf(stderr, "expression: out of memory\n");
        return 1;
    }
    mg_value *a = mg_leaf(g, 2.0, "a");
    mg_value *b = mg_leaf(g, -3.0, "b");
    mg_value *c = mg_leaf(g, 10.0, "c");
    mg_value *e = mg_label(mg_mul(a, b), "e");
    mg_value *d = mg_label(mg_add(e, c), "d");
    mg_value *f = mg_leaf(g, -2.0, "f");
    mg_value *L = mg_label(mg_mul(d, f), "L");
    if (!L) {
        fprintf(stderr, "expression: %s\n", mg_graph_error(g));
        mg_graph_free(g);
        return 1;
    }
    mg_value *leaves[] = {a, b, c, f};
    int status = show_main("expression", argc, argv, L, leaves, 4, table);
    mg_graph_free(g);
    return status;
}
