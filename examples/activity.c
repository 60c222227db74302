/* activity.c -- two steps of gradient descent you can check by hand.
 *
 * MLP(2, [2, 2]) with tanh in both layers, one input x = (-1, -2), targets
 * (0, 1), squared error L = (out0 - 0)^2 + (out1 - 1)^2, and two updates
 * p -= 0.1 * dL/dp.  The update goes AGAINST the gradient (the minus sign
 * is the whole point of descent): after each one the loss must be lower.
 * Every parameter is printed with its gradient and its new value.
 *
 *   build/examples/activity --html activity.html   a page: forward, backward,
 *                                                  the update, the next losses */
#include <micrograd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LR 0.1

static const double x_in[2] = {-1.0, -2.0}, target_out[2] = {0.0, 1.0};

/* L = (out0 - 0)^2 + (out1 - 1)^2 for the input, after the mark. */
static mg_value *build_L(mg_mlp *m, mg_value *out[2]) {
    mg_graph *g = mg_mlp_graph(m);
    mg_mlp_forward_d(m, x_in, out);
    mg_value *e0 = mg_pow(mg_sub(out[0], mg_leaf(g, target_out[0], "t0")), 2.0);
    mg_value *e1 = mg_pow(mg_sub(out[1], mg_leaf(g, target_out[1], "t1")), 2.0);
    return mg_label(mg_add(e0, e1), "L");
}

/* --html FILE / --svg FILE: the first step's graph as a page, with the
 * losses of the two updates (recorded on a copy of the net first). */
static int write_pages(unsigned long long seed, const char *html, const char *svg, int quiz) {
    static const size_t sizes[2] = {2, 2};
    double loss[3] = {0};
    mg_graph *g = mg_graph_new();
    mg_mlp *m = g ? mg_mlp_new(g, 2, sizes, 2, NULL, seed) : NULL;
    size_t mark = mg_graph_mark(g);
    for (int step = 0; m && step <= 2; step++) {   /* the copy: record L */
        mg_value *out[2], *L = build_L(m, out);
        if (!L) break;
        loss[step] = L->data;
        mg_mlp_zero_grad(m);
        mg_backward(L);
        for (size_t i = 0; i < mg_mlp_n_params(m); i++)
            mg_mlp_params(m)[i]->data -= LR * mg_mlp_params(m)[i]->grad;
        mg_graph_reset(g, mark);
    }
    mg_mlp_free(m);
    mg_graph_free(g);
    g = mg_graph_new();
    m = g ? mg_mlp_new(g, 2, sizes, 2, NULL, seed) : NULL;
    mg_value *out[2], *L = m ? build_L(m, out) : NULL;
    int rc = L ? 0 : 1;
    mg_page_training tr = {(const mg_value *const *)mg_mlp_params(m), mg_mlp_n_params(m), LR, loss, 3};
    mg_page_options opt = {0};
    opt.quiz = quiz;
    opt.training = &tr;
    const char *path[2] = {html, svg};
    for (int k = 0; !rc && k < 2; k++) {
        if (!path[k]) continue;
        FILE *f = fopen(path[k], "wb");
        int bad = !f ? -1 : k == 0 ? mg_html_write(f, L, &opt) : mg_svg_write(f, L, &opt);
        if ((f && fclose(f)) || bad) fprintf(stderr, "activity: could not write %s\n", path[k]), rc = 1;
    }
    mg_mlp_free(m);
    mg_graph_free(g);
    return rc;
}

int main(int argc, char **argv) {
    unsigned long long seed = 42;
    const char *html = NULL, *svg = NULL;
    int quiz = 0;
    for (int i = 1; i < argc; i++) {
        char *end = "";
        if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoull(argv[++i], &end, 10);
        else if (!strcmp(argv[i], "--html") && i + 1 < argc) html = argv[++i];
        else if (!strcmp(argv[i], "--svg") && i + 1 < argc) svg = argv[++i];
        else if (!strcmp(argv[i], "--quiz")) quiz = 1;
        else end = "?";
        if (*end) {
            fprintf(stderr, "usage: activity [--seed N] [--html FILE [--quiz]] [--svg FILE]\n");
            return 2;
        }
    }
    if (html || svg) return write_pages(seed, html, svg, quiz);
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
    const double *x = x_in, *target = target_out;
    printf("MLP(2, [2, 2]), tanh; x = (%g, %g), targets (%g, %g); L = sum (out - target)^2\n",
           x[0], x[1], target[0], target[1]);

    size_t mark = mg_graph_mark(g);
    double previous = 0.0;
    for (int step = 0; step <= 2; step++) {
        mg_value *out[2];
        mg_value *L = build_L(m, out);
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
