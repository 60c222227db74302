/* mlp.c -- the lecture's MLP: MLP(3, [4, 4, 1]), tanh everywhere, trained
 * on four examples with a sum-of-squares loss and plain gradient descent.
 *
 *     build/examples/mlp               20 steps from seed 2
 *     build/examples/mlp --seed 7      another start
 *     build/examples/mlp --dot | dot -Tsvg > mlp.svg   the graph of one example
 *     build/examples/mlp --html mlp.html   the whole loss as a page: about 370
 *                                          nodes to step through, then training
 *
 * Every step builds the whole graph after a mark (the parameters were made
 * before it), runs backward, moves each parameter against its gradient, and
 * resets to the mark: memory stays flat however long it trains. */
#include <micrograd.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double xs[4][3] = {{2, 3, -1}, {3, -1, 0.5}, {0.5, 1, 1}, {1, 1, -1}};
static const double ys[4] = {1, -1, -1, 1};   /* the targets */

/* loss = sum over the examples of (ypred - y)^2; the predictions go to pred. */
static mg_value *build_loss(mg_mlp *m, mg_value **pred) {
    mg_graph *g = mg_mlp_graph(m);
    mg_value *loss = NULL;
    for (int k = 0; k < 4; k++) {
        if (mg_mlp_forward_d(m, xs[k], &pred[k]) != 1) return NULL;
        mg_value *err = mg_pow(mg_sub(pred[k], mg_leaf(g, ys[k], NULL)), 2.0);
        loss = loss ? mg_add(loss, err) : err;
    }
    return mg_label(loss, "loss");
}

static void usage(FILE *f) {
    fprintf(f, "usage: mlp [--seed N] [--steps N] [--dot] [--html FILE [--quiz]] [--svg FILE]\n"
               "  --seed N    seed of the initial weights (default 2)\n"
               "  --steps N   gradient steps (default 20)\n"
               "  --dot       print the graph of the first example as Graphviz DOT and stop\n"
               "  --html FILE write a page of the whole loss (forward, backward, the update,\n"
               "              the loss of the next steps) and stop\n"
               "  --svg FILE  write the graph of the whole loss as an SVG picture and stop\n");
}

/* --html / --svg: the first step's loss as a page, with the losses of
 * `steps` steps recorded first on a copy of the net. */
static int write_pages(uint64_t seed, long long steps, const char *html, const char *svg, int quiz) {
    const size_t sizes[3] = {4, 4, 1};
    double *losses = calloc((size_t)steps + 1, sizeof *losses);
    mg_value *pred[4];
    mg_graph *g = mg_graph_new();
    mg_mlp *m = g ? mg_mlp_new(g, 3, sizes, 3, NULL, seed) : NULL;
    size_t mark = mg_graph_mark(g);
    for (long long step = 0; m && losses && step <= steps; step++) {
        mg_value *loss = build_loss(m, pred);
        if (!loss) break;
        losses[step] = loss->data;
        mg_mlp_zero_grad(m);
        mg_backward(loss);
        for (size_t i = 0; i < mg_mlp_n_params(m); i++) mg_mlp_params(m)[i]->data -= 0.1 * mg_mlp_params(m)[i]->grad;
        mg_graph_reset(g, mark);
    }
    mg_mlp_free(m);
    mg_graph_free(g);
    g = mg_graph_new();
    m = g ? mg_mlp_new(g, 3, sizes, 3, NULL, seed) : NULL;
    mg_value *loss = m && losses ? build_loss(m, pred) : NULL;
    int rc = loss ? 0 : 1;
    mg_page_training tr = {(const mg_value *const *)mg_mlp_params(m), mg_mlp_n_params(m), 0.1, losses,
                           (size_t)steps + 1};
    mg_page_options opt = {0};
    opt.title = "MLP(3, [4, 4, 1])";
    opt.quiz = quiz;
    opt.training = &tr;
    const char *path[2] = {html, svg};
    for (int k = 0; !rc && k < 2; k++) {
        if (!path[k]) continue;
        FILE *f = fopen(path[k], "wb");
        int bad = !f ? -1 : k == 0 ? mg_html_write(f, loss, &opt) : mg_svg_write(f, loss, &opt);
        if ((f && fclose(f)) || bad) fprintf(stderr, "mlp: could not write %s\n", path[k]), rc = 1;
    }
    mg_mlp_free(m);
    mg_graph_free(g);
    free(losses);
    return rc;
}

/* A whole number from text, or -1 when it is not one. */
static long long parse_count(const char *s) {
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    return (*s && !*end && !errno && v >= 0) ? v : -1;
}

static int bad_number(const char *flag, const char *text) {
    fprintf(stderr, "mlp: %s wants a whole number, not '%s'\n", flag, text);
    usage(stderr);
    return 2;
}

int main(int argc, char **argv) {
    long long seed = 2, steps = 20;
    int dot = 0, quiz = 0;
    const char *html = NULL, *svg = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--dot")) {
            dot = 1;
        } else if (!strcmp(argv[i], "--quiz")) {
            quiz = 1;
        } else if (!strcmp(argv[i], "--html") && i + 1 < argc) {
            html = argv[++i];
        } else if (!strcmp(argv[i], "--svg") && i + 1 < argc) {
            svg = argv[++i];
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
            if ((seed = parse_count(argv[++i])) < 0) return bad_number("--seed", argv[i]);
        } else if (!strcmp(argv[i], "--steps") && i + 1 < argc) {
            steps = parse_count(argv[++i]);
            if (steps < 0 || steps > 1000000) return bad_number("--steps", argv[i]);
        } else {
            fprintf(stderr, "mlp: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }

    if (html || svg) return write_pages((uint64_t)seed, steps, html, svg, quiz);

    mg_graph *g = mg_graph_new();
    const size_t sizes[3] = {4, 4, 1};
    mg_mlp *m = g ? mg_mlp_new(g, 3, sizes, 3, NULL, (uint64_t)seed) : NULL;
    if (!m) {
        fprintf(stderr, "mlp: %s\n", g ? mg_graph_error(g) : "out of memory");
        mg_graph_free(g);
        return 1;
    }

    if (dot) {   /* one example's forward pass, after backward so grads show */
        mg_value *y;
        mg_value *target = mg_leaf(g, ys[0], "y0");
        mg_value *loss = NULL;
        if (mg_mlp_forward_d(m, xs[0], &y) == 1)
            loss = mg_label(mg_pow(mg_label(mg_sub(y, target), "y - y0"), 2.0), "loss");
        if (!loss) {
            fprintf(stderr, "mlp: %s\n", mg_graph_error(g));
            return 1;
        }
        mg_backward(loss);
        fprintf(stderr, "mlp: seed %lld\n", seed);   /* stdout is the DOT */
        int rc = mg_dot_write(stdout, loss, NULL);
        mg_mlp_free(m);
        mg_graph_free(g);
        return rc ? 1 : 0;
    }

    printf("MLP(3, [4, 4, 1]), tanh, %zu parameters, seed %lld\n", mg_mlp_n_params(m), seed);
    size_t mark = mg_graph_mark(g);
    mg_value *pred[4];
    mg_value **p = mg_mlp_params(m);
    for (long long step = 0; step < steps; step++) {
        mg_value *loss = build_loss(m, pred);
        if (!loss) {
            fprintf(stderr, "mlp: %s\n", mg_graph_error(g));
            return 1;
        }
        mg_mlp_zero_grad(m);
        mg_backward(loss);
        printf("step %3lld  loss %.6f\n", step, loss->data);
        for (size_t i = 0; i < mg_mlp_n_params(m); i++) p[i]->data -= 0.1 * p[i]->grad;
        mg_graph_reset(g, mark);
    }

    /* the predictions of the trained net */
    mg_value *loss = build_loss(m, pred);
    if (!loss) {
        fprintf(stderr, "mlp: %s\n", mg_graph_error(g));
        return 1;
    }
    printf("after %lld steps: loss %.6f\n", steps, loss->data);
    for (int k = 0; k < 4; k++)
        printf("  x = (%4.1f, %4.1f, %4.1f)  target %+.0f  prediction %+.6f\n", xs[k][0], xs[k][1],
               xs[k][2], ys[k], pred[k]->data);
    mg_mlp_free(m);
    mg_graph_free(g);
    return 0;
}
