/* activity.c -- two steps of gradient descent you can check by hand, and
 * what happens when the sign of the update is flipped.
 *
 * MLP(2, [2, 2]) with tanh in both layers, one input x = (-1, -2), targets
 * (0, 1), squared error L = (out0 - 0)^2 + (out1 - 1)^2, and two updates
 * p -= 0.1 * dL/dp.  The update goes AGAINST the gradient (the minus sign
 * is the whole point of descent): after each one the loss must be lower.
 * Every parameter is printed with its gradient and its new value.
 *
 * A class report that did this exercise wrote its update as
 * p.data += 0.1 * p.grad, which climbs the gradient.  The second part runs
 * those two updates from the same start and shows the loss going up, next
 * to the descent.
 *
 *   activity [--seed N] [--lang es|en]
 *   activity --html activity.html   a page: forward, backward, the update,
 *                                   the next losses (--svg FILE: the graph) */
#include <micrograd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "show.h"

#define LR 0.1
#define STEPS 2

static const double x[2] = {-1.0, -2.0}, target[2] = {0.0, 1.0};

/* L for the current parameters, built after the mark; out[] gets the two
 * outputs.  NULL on error (the graph says why). */
static mg_value *loss_of(mg_mlp *m, mg_value *out[2]) {
    mg_graph *g = mg_mlp_graph(m);
    if (mg_mlp_forward_d(m, x, out) != 2) return NULL;
    mg_value *e0 = mg_pow(mg_sub(out[0], mg_leaf(g, target[0], "t0")), 2.0);
    mg_value *e1 = mg_pow(mg_sub(out[1], mg_leaf(g, target[1], "t1")), 2.0);
    return mg_label(mg_add(e0, e1), "L");
}

/* Two updates p += sign * LR * grad from the parameters as they are;
 * L before each update and after the last go to L[0..STEPS].  With `show`,
 * every step is printed parameter by parameter.  0, or -1 on error. */
static int train(mg_mlp *m, double sign, int show, mg_lang lang, double L[STEPS + 1]) {
    mg_graph *g = mg_mlp_graph(m);
    mg_value **p = mg_mlp_params(m);
    size_t n = mg_mlp_n_params(m), mark = mg_graph_mark(g);
    for (int step = 0; step <= STEPS; step++) {
        mg_value *out[2], *loss = loss_of(m, out);
        if (!loss) return -1;
        L[step] = loss->data;
        if (show) {
            printf(TR(lang, "\n%s: out = (%.9f, %.9f), L = %.9f", "\n%s: salida = (%.9f, %.9f), L = %.9f"),
                   step ? TR(lang, "after update", "tras la actualización") : TR(lang, "start", "inicio"),
                   out[0]->data, out[1]->data, loss->data);
            if (step)
                printf(TR(lang, "  (%s by %.9f)", "  (%s %.9f)"),
                       loss->data < L[step - 1] ? TR(lang, "down", "baja") : TR(lang, "UP", "SUBE"),
                       L[step - 1] - loss->data);
            printf("\n");
        }
        if (step == STEPS) break;

        mg_mlp_zero_grad(m);
        mg_backward(loss);
        if (show) {
            printf(TR(lang, "update %d: p %s %.1f * grad\n", "actualización %d: p %s %.1f * grad\n"),
                   step + 1, sign < 0 ? "-=" : "+=", LR);
            printf("  ");
            show_pad(TR(lang, "parameter", "parámetro"), 10);
            printf(" %13s %13s %13s\n", TR(lang, "value", "valor"), "grad",
                   TR(lang, "new value", "valor nuevo"));
        }
        for (size_t i = 0; i < n; i++) {
            double new_value = p[i]->data + sign * LR * p[i]->grad;
            if (show)
                printf("  %-10s %13.9f %13.9f %13.9f\n", mg_value_label(p[i]), p[i]->data,
                       p[i]->grad, new_value);
            p[i]->data = new_value;
        }
        mg_graph_reset(g, mark);
    }
    mg_graph_reset(g, mark);
    return 0;
}

/* --html FILE / --svg FILE: the first step's graph as a page, with the
 * losses of the two descent updates (recorded on a copy of the net first). */
static int write_pages(const show_prog *sp, const show_pages *pages, uint64_t seed) {
    static const size_t sizes[2] = {2, 2};
    double loss[STEPS + 1] = {0};
    mg_graph *g = mg_graph_new();
    mg_mlp *m = g ? mg_mlp_new(g, 2, sizes, 2, NULL, seed) : NULL;
    int rc = !m || train(m, -1.0, 0, sp->lang, loss) ? 1 : 0;
    mg_mlp_free(m);
    mg_graph_free(g);
    g = mg_graph_new();
    m = g && !rc ? mg_mlp_new(g, 2, sizes, 2, NULL, seed) : NULL;
    mg_graph_set_lang(g, sp->lang);   /* the page's words */
    mg_value *out[2], *L = m ? loss_of(m, out) : NULL;
    if (!L) rc = 1;
    if (!rc) {
        mg_page_training tr = {(const mg_value *const *)mg_mlp_params(m), mg_mlp_n_params(m), LR,
                               loss, STEPS + 1};
        rc = show_write_pages(sp, pages, L, NULL, &tr);
    }
    mg_mlp_free(m);
    mg_graph_free(g);
    return rc;
}

int main(int argc, char **argv) {
    show_prog sp = {"activity", "activity [--seed N] [--html FILE [--quiz]] [--svg FILE] [--lang es|en]\n",
                    "activity [--seed N] [--html ARCHIVO [--quiz]] [--svg ARCHIVO] [--lang es|en]\n",
                    MG_LANG_EN};
    int rc = show_start(&sp, &argc, argv);
    if (rc >= 0) return rc;
    mg_lang lang = sp.lang;
    long long seed = 42;
    show_pages pages = {0};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
            if ((rc = show_count(&sp, "--seed", argv[++i], 0, 0x7fffffffffffffffLL, &seed))) return rc;
        } else if ((rc = show_page_flag(&sp, argc, argv, &i, &pages)) != 0) {
            if (rc == 2) return rc;
        } else {
            return show_bad_option(&sp, argv[i]);
        }
    }
    if (pages.html || pages.svg || pages.quiz) return write_pages(&sp, &pages, (uint64_t)seed);
    printf(TR(lang, "seed %lld\n", "semilla %lld\n"), seed);

    static const size_t sizes[2] = {2, 2};
    mg_graph *g = mg_graph_new();
    mg_mlp *m = g ? mg_mlp_new(g, 2, sizes, 2, NULL, (uint64_t)seed) : NULL;
    if (!m) {
        fprintf(stderr, "activity: %s\n", g ? mg_graph_error(g) : TR(lang, "out of memory", "sin memoria"));
        return 1;
    }
    mg_graph_set_lang(g, lang);
    mg_value **p = mg_mlp_params(m);
    size_t n = mg_mlp_n_params(m);
    double *start = malloc(n * sizeof *start);
    if (!start) return 1;
    for (size_t i = 0; i < n; i++) start[i] = p[i]->data;
    printf(TR(lang, "MLP(2, [2, 2]), tanh; x = (%g, %g), targets (%g, %g); L = sum (out - target)^2\n",
              "MLP(2, [2, 2]), tanh; x = (%g, %g), objetivos (%g, %g); L = suma (salida - objetivo)^2\n"),
           x[0], x[1], target[0], target[1]);

    double down[STEPS + 1], up[STEPS + 1];
    printf(TR(lang, "\nGradient descent: p -= %.1f * grad, against the gradient.\n",
              "\nDescenso del gradiente: p -= %.1f * grad, en contra del gradiente.\n"),
           LR);
    if (train(m, -1.0, 1, lang, down)) goto fail;

    /* the class report's sign, from the same start */
    for (size_t i = 0; i < n; i++) p[i]->data = start[i];
    if (train(m, +1.0, 0, lang, up)) goto fail;
    printf(TR(lang,
              "\nThe class report wrote p.data += %.1f * p.grad: the same two updates from the same\n"
              "start, with the sign flipped.  The loss after each update:\n\n",
              "\nEl informe de la clase escribió p.data += %.1f * p.grad: las mismas dos\n"
              "actualizaciones desde el mismo inicio, con el signo cambiado.  La pérdida tras\n"
              "cada actualización:\n\n"),
           LR);
    printf("  %-10s %24s %24s\n", "", TR(lang, "descent p -= 0.1*grad", "descenso p -= 0.1*grad"),
           TR(lang, "report's p += 0.1*grad", "informe p += 0.1*grad"));
    for (int s = 0; s <= STEPS; s++) {
        char name[32];
        if (s) snprintf(name, sizeof name, TR(lang, "update %d", "paso %d"), s);
        else snprintf(name, sizeof name, "%s", TR(lang, "start", "inicio"));
        printf("  %-10s %24.9f %24.9f\n", name, down[s], up[s]);
    }
    printf(TR(lang,
              "\nAdding the gradient climbs the loss: the gradient points where L grows fastest,\n"
              "so a step along it makes L larger (%.9f -> %.9f), and only\n"
              "a step against it makes L smaller (%.9f -> %.9f).\n",
              "\nSumar el gradiente hace subir la pérdida: el gradiente apunta hacia donde L\n"
              "crece más rápido, así que un paso en su dirección agranda L (%.9f -> %.9f),\n"
              "y solo un paso en contra la achica (%.9f -> %.9f).\n"),
           up[0], up[STEPS], down[0], down[STEPS]);
    free(start);
    mg_mlp_free(m);
    mg_graph_free(g);
    return 0;
fail:
    fprintf(stderr, "activity: %s\n", mg_graph_error(g));
    return 1;
}
