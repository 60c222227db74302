/* activity.c -- two steps of gradient descent you can check by hand.
 *
 * MLP(2, [2, 2]) with tanh in both layers, one input x = (-1, -2), targets
 * (0, 1), squared error L = (out0 - 0)^2 + (out1 - 1)^2, and two updates
 * p -= 0.1 * dL/dp.  The update goes AGAINST the gradient (the minus sign
 * is the whole point of descent): after each one the loss must be lower.
 * Every parameter is printed with its gradient and its new value. */
#include <micrograd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LR 0.1

int main(int argc, char **argv) {
    unsigned long long seed = 42;
    for (int i = 1; i < argc; i++) {
        char *end = "";
        if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoull(argv[++i], &end, 10);
        else end = "?";
        if (*end) {
            fprintf(stderr, "usage: activity [--seed N]\n");
            return 2;
        }
    }
    printf("seed %llu\n", seed);

    static const size_t sizes[2] = {2, 2};
    mg_graph *g = mg_graph_new();
    mg_mlp *m = mg_mlp_new(g, 2, sizes, 2, NULL, seed);
    if (!m) {
        fprintf(stderr, "activity: %s\n", g ? mg_graph_error(g) : "out of memory");
        return 1;
    }
    mg_value **p = mg_mlp_params(m);
    size_t n = mg_mlp_n_params(m);
    const double x[2] = {-1.0, -2.0}, target[2] = {0.0, 1.0};
    printf("MLP(2, [2, 2]), tanh; x = (%g, %g), targets (%g, %g); L = sum (out - target)^2\n",
           x[0], x[1], target[0], target[1]);

    size_t mark = mg_graph_mark(g);
    double previous = 0.0;
    for (int step = 0; step <= 2; step++) {
        mg_value *out[2];
        mg_mlp_forward_d(m, x, out);
        mg_value *e0 = mg_pow(mg_sub(out[0], mg_leaf(g, target[0], "t0")), 2.0);
        mg_value *e1 = mg_pow(mg_sub(out[1], mg_leaf(g, target[1], "t1")), 2.0);
        mg_value *L = mg_label(mg_add(e0, e1), "L");
        if (!L) {
            fprintf(stderr, "activity: %s\n", mg_graph_error(g));
            return 1;
        }
        printf("\n%s: out = (%.9f, %.9f), L = %.9f", step ? "after update" : "start", out[0]->data,
               out[1]->data, L->data);
        if (step) printf("  (%s by %.9f)", L->data < previous ? "down" : "UP", previous - L->data);
        printf("\n");
        previous = L->data;
        if (step == 2) break;

        mg_mlp_zero_grad(m);
        mg_backward(L);
        printf("update %d: p -= %.1f * grad\n", step + 1, LR);
        printf("  %-10s %13s %13s %13s\n", "parameter", "value", "grad", "new value");
        for (size_t i = 0; i < n; i++) {
            double new_value = p[i]->data - LR * p[i]->grad;
            printf("  %-10s %13.9f %13.9f %13.9f\n", mg_value_label(p[i]), p[i]->data, p[i]->grad,
                   new_value);
            p[i]->data = new_value;
        }
        mg_graph_reset(g, mark);
    }
    mg_mlp_free(m);
    mg_graph_free(g);
    return 0;
}
