/* mlp.c -- the lecture's MLP: MLP(3, [4, 4, 1]), tanh everywhere, trained
 * on four examples with a sum-of-squares loss and plain gradient descent.
 *
 *     build/examples/mlp               20 steps from seed 2
 *     build/examples/mlp --seed 7      another start
 *     build/examples/mlp --dot | dot -Tsvg > mlp.svg   the graph of one example
 *     build/examples/mlp --lang es     in Spanish (or LANG=es_MX.UTF-8)
 *     build/examples/mlp --html mlp.html   the whole loss as a page: about 370
 *                                          nodes to step through, then training
 *
 * Every step builds the whole graph after a mark (the parameters were made
 * before it), runs backward, moves each parameter against its gradient, and
 * resets to the mark: memory stays flat however long it trains. */
#include <micrograd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "show.h"

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

static const char usage_en[] =
    "mlp [--seed N] [--steps N] [--dot] [--html FILE [--quiz]] [--svg FILE] [--lang es|en]\n"
    "  --seed N      seed of the initial weights (default 2)\n"
    "  --steps N     gradient steps (default 20)\n"
    "  --dot         print the graph of the first example as Graphviz DOT and stop\n"
    "  --html FILE   write a page of the whole loss (forward, backward, the update,\n"
    "                the loss of the next steps) and stop\n"
    "  --svg FILE    write the graph of the whole loss as an SVG picture and stop\n"
    "  --lang es|en  Spanish or English (default: from LANG and the like)\n";
static const char usage_es[] =
    "mlp [--seed N] [--steps N] [--dot] [--html ARCHIVO [--quiz]] [--svg ARCHIVO]\n"
    "         [--lang es|en]\n"
    "  --seed N        semilla de los pesos iniciales (por omisión, 2)\n"
    "  --steps N       pasos de descenso del gradiente (por omisión, 20)\n"
    "  --dot           muestra el grafo del primer ejemplo en DOT de Graphviz y termina\n"
    "  --html ARCHIVO  escribe una página con la pérdida completa (propagación hacia\n"
    "                  adelante, retropropagación, la actualización y la pérdida de los\n"
    "                  pasos siguientes) y termina\n"
    "  --svg ARCHIVO   escribe el grafo de la pérdida completa como imagen SVG y termina\n"
    "  --lang es|en    español o inglés (si no, según LANG y compañía)\n";

/* --html / --svg: the first step's loss as a page, with the losses of
 * `steps` steps recorded first on a copy of the net. */
static int write_pages(const show_prog *sp, const show_pages *pages, uint64_t seed,
                       long long steps) {
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
        for (size_t i = 0; i < mg_mlp_n_params(m); i++)
            mg_mlp_params(m)[i]->data -= 0.1 * mg_mlp_params(m)[i]->grad;
        mg_graph_reset(g, mark);
    }
    mg_mlp_free(m);
    mg_graph_free(g);
    g = mg_graph_new();
    mg_graph_set_lang(g, sp->lang);   /* the page's words */
    m = g ? mg_mlp_new(g, 3, sizes, 3, NULL, seed) : NULL;
    mg_value *loss = m && losses ? build_loss(m, pred) : NULL;
    int rc = 1;
    if (loss) {
        mg_page_training tr = {(const mg_value *const *)mg_mlp_params(m), mg_mlp_n_params(m), 0.1,
                               losses, (size_t)steps + 1};
        rc = show_write_pages(sp, pages, loss, "MLP(3, [4, 4, 1])", &tr);
    }
    mg_mlp_free(m);
    mg_graph_free(g);
    free(losses);
    return rc;
}

int main(int argc, char **argv) {
    show_prog sp = {"mlp", usage_en, usage_es, MG_LANG_EN};
    int rc = show_start(&sp, &argc, argv);
    if (rc >= 0) return rc;
    mg_lang lang = sp.lang;
    long long seed = 2, steps = 20;
    int dot = 0;
    show_pages pages = {0};
    for (int i = 1; i < argc; i++) {
        int page_flag = show_page_flag(&sp, argc, argv, &i, &pages);
        if (page_flag == 2) return 2;
        if (page_flag) continue;
        if (!strcmp(argv[i], "--dot")) {
            dot = 1;
        } else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
            if ((rc = show_count(&sp, "--seed", argv[++i], 0, 0x7fffffffffffffffLL, &seed))) return rc;
        } else if (!strcmp(argv[i], "--steps") && i + 1 < argc) {
            if ((rc = show_count(&sp, "--steps", argv[++i], 0, 1000000, &steps))) return rc;
        } else {
            return show_bad_option(&sp, argv[i]);
        }
    }

    if (pages.html || pages.svg || pages.quiz)
        return write_pages(&sp, &pages, (uint64_t)seed, steps);

    mg_graph *g = mg_graph_new();
    const size_t sizes[3] = {4, 4, 1};
    mg_mlp *m = g ? mg_mlp_new(g, 3, sizes, 3, NULL, (uint64_t)seed) : NULL;
    if (!m) {
        fprintf(stderr, "mlp: %s\n", g ? mg_graph_error(g) : TR(lang, "out of memory", "sin memoria"));
        mg_graph_free(g);
        return 1;
    }
    mg_graph_set_lang(g, lang);   /* DOT fields and errors */

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
        fprintf(stderr, TR(lang, "mlp: seed %lld\n", "mlp: semilla %lld\n"), seed);   /* stdout is the DOT */
        int rc = mg_dot_write(stdout, loss, NULL);
        mg_mlp_free(m);
        mg_graph_free(g);
        return rc ? 1 : 0;
    }

    printf(TR(lang, "MLP(3, [4, 4, 1]), tanh, %zu parameters, seed %lld\n",
              "MLP(3, [4, 4, 1]), tanh, %zu parámetros, semilla %lld\n"),
           mg_mlp_n_params(m), seed);
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
        printf(TR(lang, "step %3lld  loss %.6f\n", "paso %3lld  pérdida %.6f\n"), step, loss->data);
        for (size_t i = 0; i < mg_mlp_n_params(m); i++) p[i]->data -= 0.1 * p[i]->grad;
        mg_graph_reset(g, mark);
    }

    /* the predictions of the trained net */
    mg_value *loss = build_loss(m, pred);
    if (!loss) {
        fprintf(stderr, "mlp: %s\n", mg_graph_error(g));
        return 1;
    }
    printf(TR(lang, "after %lld steps: loss %.6f\n", "tras %lld pasos: pérdida %.6f\n"), steps,
           loss->data);
    for (int k = 0; k < 4; k++)
        printf(TR(lang, "  x = (%4.1f, %4.1f, %4.1f)  target %+.0f  prediction %+.6f\n",
                  "  x = (%4.1f, %4.1f, %4.1f)  objetivo %+.0f  predicción %+.6f\n"),
               xs[k][0], xs[k][1], xs[k][2], ys[k], pred[k]->data);
    mg_mlp_free(m);
    mg_graph_free(g);
    return 0;
}
