/* mazur.c -- Matt Mazur's "A Step by Step Backpropagation Example" (2015),
 * computed by the engine, section by section, every number printed next to
 * the one the post publishes.
 *
 *     make run                      the whole walk-through
 *     build/examples/mazur --trace  ... with the backward pass narrated
 *     build/examples/mazur --dot | dot -Tsvg > mazur.svg
 *     build/examples/mazur --lang es     in Spanish (LANG=es_MX.UTF-8 make run too)
 *     build/examples/mazur --html mazur.html   a page to step through, then train
 *
 * The network: inputs i1, i2; hidden neurons h1, h2; outputs o1, o2; the
 * logistic sigmoid everywhere; E = 1/2 (target_o1 - out_o1)^2 +
 * 1/2 (target_o2 - out_o2)^2; learning rate 0.5; the biases never updated.
 * Mazur's weights: w1 i1->h1, w2 i2->h1, w3 i1->h2, w4 i2->h2,
 * w5 h1->o1, w6 h2->o1, w7 h1->o2, w8 h2->o2.
 *
 * The post shares one bias b1 between h1 and h2 (and b2 between o1 and o2);
 * an MLP gives every neuron its own.  Both copies hold the same value and
 * are frozen, so every number is the same; the post's dE/db1 is the sum of
 * the two copies' gradients.
 *
 * Section 7 replays a Spanish course notebook that retells the post: its
 * second forward pass, exactly as it is typed there (w2..w4 rounded to 8
 * digits, w7 = w8_new, w8 left at 0.55), so that the engine reproduces the
 * notebook's printed numbers and shows them beside the right ones.
 *
 * Every text exists in English and in Spanish (TR, from show.h); the
 * numbers are printed by the same calls in both, digit for digit. */
#include <micrograd.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "show.h"

/* ------------------------------------------------------------- the net */

/* Parameters in the MLP's order: per neuron its weights, then its bias. */
static const double mazur_params[12] = {
    .15, .20, .35, /* h1: w1 w2 b1 */ .25, .30, .35, /* h2: w3 w4 b1 */
    .40, .45, .60, /* o1: w5 w6 b2 */ .50, .55, .60, /* o2: w7 w8 b2 */
};
static const char *const param_names[12] = {"w1", "w2", "b1_h1", "w3", "w4", "b1_h2",
                                            "w5", "w6", "b2_o1", "w7", "w8", "b2_o2"};
static const double lr = 0.5;

typedef struct net {
    mg_graph *g;
    mg_mlp *m;
    mg_value *w[9];             /* w[1] .. w[8], Mazur's numbering */
    mg_value *i1, *i2, *t1, *t2;
    mg_value *out[2];           /* out_o1, out_o2 */
    mg_value *e1, *e2, *e;      /* E_o1, E_o2, E_total */
    size_t mark;
} net;

static mg_lang lang;   /* of every text; the numbers are the same in both */

static int net_make(net *n) {
    static const size_t sizes[2] = {2, 2};
    static const mg_activation acts[2] = {MG_ACT_SIGMOID, MG_ACT_SIGMOID};
    static const char *const hidden[2] = {"h1", "h2"}, *const output[2] = {"o1", "o2"};
    memset(n, 0, sizeof *n);
    if (!(n->g = mg_graph_new())) return -1;
    n->m = mg_mlp_new_from(n->g, 2, sizes, 2, acts, mazur_params);
    if (!n->m) return -1;
    /* names for dumps and pictures: net_h1, out_h1, clusters h1 in "hidden layer" */
    mg_mlp_set_names(n->m, 0, hidden);
    mg_mlp_set_names(n->m, 1, output);
    mg_mlp_set_layer_name(n->m, 0, TR(lang, "hidden layer", "capa oculta"));
    mg_mlp_set_layer_name(n->m, 1, TR(lang, "output layer", "capa de salida"));
    mg_graph_set_lang(n->g, lang);   /* the writers' words: trace, dump, explain, DOT */
    mg_value **p = mg_mlp_params(n->m);
    for (int k = 0, wi = 1; k < 12; k++) {
        mg_label(p[k], param_names[k]);
        if (param_names[k][0] == 'b') mg_freeze(p[k], 1);   /* Mazur never updates them */
        else n->w[wi++] = p[k];
    }
    n->i1 = mg_leaf(n->g, 0.05, "i1");
    n->i2 = mg_leaf(n->g, 0.10, "i2");
    n->t1 = mg_leaf(n->g, 0.01, "target_o1");
    n->t2 = mg_leaf(n->g, 0.99, "target_o2");
    n->mark = mg_graph_mark(n->g);   /* everything after this is one pass */
    return mg_graph_error(n->g) ? -1 : 0;
}

static void net_free(net *n) {
    mg_mlp_free(n->m);
    mg_graph_free(n->g);
}

/* E_o = 1/2 (target - out)^2, its nodes named err_o1 = target_o1 - out_o1
 * and err_o1^2 so that explanations read like the math. */
static mg_value *half_sq(mg_value *target, mg_value *out, const char *o) {
    char err[32], sq[32], e[32];
    snprintf(err, sizeof err, "err_%s", o);
    snprintf(sq, sizeof sq, "err_%s^2", o);
    snprintf(e, sizeof e, "E_%s", o);
    mg_value *half = mg_leaf(mg_value_graph(out), 0.5, "1/2");
    return mg_label(mg_mul(mg_label(mg_pow(mg_label(mg_sub(target, out), err), 2.0), sq), half), e);
}

/* Build the forward pass and the error after the mark; 0 or -1. */
static int net_forward(net *n) {
    mg_graph_reset(n->g, n->mark);
    mg_value *x[2] = {n->i1, n->i2};
    if (mg_mlp_forward(n->m, x, n->out) != 2) return -1;
    mg_group_push(n->g, "error");
    n->e1 = half_sq(n->t1, n->out[0], "o1");
    n->e2 = half_sq(n->t2, n->out[1], "o2");
    n->e = mg_label(mg_add(n->e1, n->e2), "E_total");
    mg_group_pop(n->g);
    return n->e ? 0 : -1;
}

/* p -= lr * grad for the parameters that are not frozen. */
static void net_update(net *n) {
    mg_value **p = mg_mlp_params(n->m);
    for (size_t k = 0; k < mg_mlp_n_params(n->m); k++)
        if (!mg_is_frozen(p[k])) p[k]->data -= lr * p[k]->grad;
}

/* One step of gradient descent: forward, backward, update.  Returns E
 * before the update, or NAN on error. */
static double net_step(net *n) {
    if (net_forward(n)) return NAN;
    mg_mlp_zero_grad(n->m);
    mg_backward(n->e);
    net_update(n);
    return n->e->data;
}

/* The same step as the post's first script took it: the output weights
 * were updated before the hidden layer's gradients were computed, so those
 * used the new w5..w8.  In the graph that is: update w5..w8, then run
 * backward again without recomputing the forward values (the local
 * derivative of w5*out_h1 towards out_h1 reads w5's current value). */
static void net_step_buggy(net *n) {
    if (net_forward(n)) return;
    mg_mlp_zero_grad(n->m);
    mg_backward(n->e);
    for (int k = 5; k <= 8; k++) n->w[k]->data -= lr * n->w[k]->grad;
    mg_mlp_zero_grad(n->m);
    mg_backward(n->e);
    for (int k = 1; k <= 4; k++) n->w[k]->data -= lr * n->w[k]->grad;
}

/* ------------------------------------------------------------- printing */

static int quiet;
static int n_checked, n_ok, n_explained, n_bad;

/* Columns a UTF-8 string takes on the screen (one per character; the
 * texts here have no wide or combining characters). */
static int cols(const char *s) {
    int n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* s, then blanks up to `width` columns, appended at *at (printf pads by
 * bytes, and "parámetro" has more bytes than letters). */
static void put_padded(char **at, const char *end, const char *s, int width) {
    int n = snprintf(*at, (size_t)(end - *at), "%s%*s", s, width > cols(s) ? width - cols(s) : 0, "");
    if (n > 0) *at += n < end - *at ? n : end - *at - 1;
}

/* Does `x` round to the published figure at the digits it prints? */
static int matches(double x, const char *published) {
    const char *dot = strchr(published, '.');
    int decimals = dot ? (int)strlen(dot + 1) : 0;
    return fabs(x - strtod(published, NULL)) <= 0.5 * pow(10.0, -decimals) * (1 + 1e-9);
}

/* Run a teaching writer into a temporary file and print what it wrote,
 * indented by two, folding lines longer than WIDTH at " * ", " + " or
 * " = " (else at a space) so that the walk-through fits 100 columns. */
#define WIDTH 99
static void folded(int (*write)(FILE *, void *), void *arg) {
    FILE *tmp = tmpfile();
    if (!tmp) {   /* no temporary file: print unfolded rather than nothing */
        write(stdout, arg);
        return;
    }
    write(tmp, arg);
    rewind(tmp);
    char line[8192];
    while (fgets(line, sizeof line, tmp)) {
        line[strcspn(line, "\n")] = 0;
        char *p = line;
        size_t indent = 2, next = 2 + strspn(p, " ") + 4;
        while (strlen(p) + indent > WIDTH) {
            size_t room = WIDTH - indent, cut = 0;
            for (size_t k = 1; k + 3 <= room; k++)
                if (p[k] == ' ' && strchr("*+=", p[k + 1]) && p[k + 2] == ' ') cut = k;
            for (size_t k = room; !cut && k > 0; k--)   /* else at the last space */
                if (p[k] == ' ') cut = k;
            if (!cut) break;   /* nothing to fold at: print it long */
            printf("%*s%.*s\n", (int)indent, "", (int)cut, p);
            p += cut + 1;
            indent = next;
        }
        printf("%*s%s\n", (int)indent, "", p);
    }
    fclose(tmp);
}

typedef struct explain_args { const mg_value *root, *x; } explain_args;
static int write_explain(FILE *f, void *a) {
    explain_args *e = a;
    return mg_explain(f, e->root, e->x);
}
static int write_trace(FILE *f, void *root) { return mg_trace_backward(f, root); }
static int write_dump(FILE *f, void *root) { return mg_dump(f, root, 0); }

static void section(const char *title) {
    if (quiet) return;
    printf("\n== %s ", title);
    for (int k = cols(title) + 4; k < 96; k++) putchar('=');
    printf("\n\n");
}

static void say(const char *text) {
    if (!quiet) fputs(text, stdout);
}

/* One row: what it is, how it is computed, the engine's value, the post's
 * figure ("-" when it prints none) and whether they agree.  `why` (or NULL)
 * is the reason the post differs, when it is known to. */
static void row(const char *name, const char *formula, double x, const char *published,
                const char *why) {
    const char *verdict = "";
    int wrong = 0;
    if (strcmp(published, "-")) {
        n_checked++;
        if (matches(x, published)) verdict = "ok", n_ok++;
        else if (why) verdict = TR(lang, "differs *", "difiere *"), n_explained++;
        else verdict = TR(lang, "WRONG", "MAL"), n_bad++, wrong = 1;
    }
    if (quiet && !wrong) return;
    /* tiny numbers (E late in training) keep their digits in e-notation */
    char line[240], *at = line, *end = line + sizeof line;
    at += snprintf(at, (size_t)(end - at), "  ");
    put_padded(&at, end, name, 16);
    at += snprintf(at, (size_t)(end - at), " ");
    put_padded(&at, end, formula, 36);
    snprintf(at, (size_t)(end - at), fabs(x) >= 1e-3 || x == 0 ? " %15.9f  %-13s %s"
                                     : fabs(x) >= 1e-6             ? " %15.12f  %-13s %s"
                                                                   : " %15.9e  %-13s %s",
             x, published, verdict);
    size_t len = strlen(line);
    while (len && line[len - 1] == ' ') line[--len] = 0;
    printf("%s\n", line);
    if (why && !matches(x, published)) printf("%s\n", why);
}

static void header(void) {
    if (!quiet) printf("  %-16s %-36s %15s  %s\n", "", "", TR(lang, "engine", "motor"),
                       TR(lang, "post", "Mazur"));
}

/* ------------------------------------------------------------- sections */

static void show_network(const net *n) {
    section(TR(lang, "1. The network and its weights", "1. La red y sus pesos"));
    say(TR(lang,
           "  i1, i2 -> h1, h2 -> o1, o2, the logistic sigmoid in every neuron:\n"
           "    out = 1 / (1 + e^-net),  net = bias + sum of weight * input\n"
           "  E = 1/2 (target_o1 - out_o1)^2 + 1/2 (target_o2 - out_o2)^2, learning rate 0.5\n\n",
           "  i1, i2 -> h1, h2 -> o1, o2, con la sigmoide logística en cada neurona:\n"
           "    out = 1 / (1 + e^-net),  net = sesgo + suma de peso * entrada (la entrada neta)\n"
           "  E = 1/2 (target_o1 - out_o1)^2 + 1/2 (target_o2 - out_o2)^2, tasa de aprendizaje 0.5\n\n"));
    if (quiet) return;
    printf(TR(lang, "  inputs   i1 = %.2f  i2 = %.2f     targets  target_o1 = %.2f  target_o2 = %.2f\n",
              "  entradas i1 = %.2f  i2 = %.2f     objetivos target_o1 = %.2f  target_o2 = %.2f\n"),
           n->i1->data, n->i2->data, n->t1->data, n->t2->data);
    static const char *const edge[9] = {"", "i1->h1", "i2->h1", "i1->h2", "i2->h2",
                                        "h1->o1", "h2->o1", "h1->o2", "h2->o2"};
    for (int k = 1; k <= 8; k++)
        printf("%s w%d = %.2f (%s)%s",
               k % 4 == 1 ? TR(lang, "  weights ", "  pesos   ") : "", k, n->w[k]->data, edge[k],
               k % 4 == 0 ? "\n" : "  ");
    printf(TR(lang, "  biases   b1 = %.2f (h1, h2)  b2 = %.2f (o1, o2), never updated\n\n",
              "  sesgos   b1 = %.2f (h1, h2)  b2 = %.2f (o1, o2), nunca se actualizan\n\n"),
           mg_mlp_param(n->m, 0, 0, 2)->data, mg_mlp_param(n->m, 1, 0, 2)->data);
    say(TR(lang,
           "  The post shares b1 between h1 and h2; the MLP gives each neuron its own copy\n"
           "  (b1_h1, b1_h2), both 0.35 and frozen, so every number below is the same.\n",
           "  El artículo comparte b1 entre h1 y h2; el MLP le da a cada neurona su propia copia\n"
           "  (b1_h1, b1_h2), las dos en 0.35 y congeladas, así que todos los números de abajo\n"
           "  son los mismos.\n"));
}

static void show_forward(const net *n) {
    section(TR(lang, "2. The forward pass", "2. La propagación hacia adelante"));
    header();
    mg_value *net_o1 = mg_value_input(n->out[0], 0), *net_o2 = mg_value_input(n->out[1], 0);
    mg_value *out_h1 = mg_value_input(mg_value_input(mg_value_input(net_o1, 0), 1), 1);
    mg_value *out_h2 = mg_value_input(mg_value_input(net_o1, 1), 1);
    mg_value *net_h1 = mg_value_input(out_h1, 0), *net_h2 = mg_value_input(out_h2, 0);
    row("net_h1", "b1 + w1*i1 + w2*i2", net_h1->data, "0.3775", NULL);
    row("net_h2", "b1 + w3*i1 + w4*i2", net_h2->data, "-", NULL);
    row("out_h1", "1 / (1 + e^-net_h1)", out_h1->data, "0.593269992", NULL);
    row("out_h2", "1 / (1 + e^-net_h2)", out_h2->data, "0.596884378", NULL);
    row("net_o1", "b2 + w5*out_h1 + w6*out_h2", net_o1->data, "1.105905967", NULL);
    row("net_o2", "b2 + w7*out_h1 + w8*out_h2", net_o2->data, "-", NULL);
    row("out_o1", "1 / (1 + e^-net_o1)", n->out[0]->data, "0.75136507", NULL);
    row("out_o2", "1 / (1 + e^-net_o2)", n->out[1]->data, "0.772928465", NULL);
    row("E_o1", "1/2 (target_o1 - out_o1)^2", n->e1->data, "0.274811083", NULL);
    row("E_o2", "1/2 (target_o2 - out_o2)^2", n->e2->data, "0.023560026", NULL);
    row("E_total", "E_o1 + E_o2", n->e->data, "0.298371109", NULL);
}

/* The product node of `weight` inside neuron output `out`'s net. */
static mg_value *product_of(mg_value *out, const mg_value *weight) {
    mg_value *v = mg_value_input(out, 0);   /* net */
    while (mg_value_op(v) == MG_OP_ADD) {
        mg_value *p = mg_value_input(v, 1);
        if (mg_value_input(p, 0) == weight) return p;
        v = mg_value_input(v, 0);
    }
    return NULL;
}

static void show_output_layer(const net *n) {
    section(TR(lang, "3. Backward pass: the output layer", "3. Retropropagación: la capa de salida"));
    say(TR(lang,
           "  dE/dw5 = dE/dout_o1 * dout_o1/dnet_o1 * dnet_o1/dw5, each factor from the graph:\n\n",
           "  dE/dw5 = dE/dout_o1 * dout_o1/dnet_o1 * dnet_o1/dw5 (la regla de la cadena), cada\n"
           "  derivada parcial sacada del grafo:\n\n"));
    header();
    mg_value *out_o1 = n->out[0], *out_o2 = n->out[1];
    mg_value *net_o1 = mg_value_input(out_o1, 0), *net_o2 = mg_value_input(out_o2, 0);
    mg_value *w5x = product_of(out_o1, n->w[5]);
    row("dE/dout_o1", "-(target_o1 - out_o1)", out_o1->grad, "0.74136507", NULL);
    row("dE/dout_o2", "-(target_o2 - out_o2)", out_o2->grad, "-", NULL);
    row("dout_o1/dnet_o1", "out_o1 (1 - out_o1)", mg_local_grad(out_o1, 0), "0.186815602", NULL);
    row("dout_o2/dnet_o2", "out_o2 (1 - out_o2)", mg_local_grad(out_o2, 0), "-", NULL);
    row("dnet_o1/dw5", "out_h1", mg_local_grad(w5x, 0), "0.593269992", NULL);
    row("dE/dw5", TR(lang, "the product of the three", "el producto de las tres"), n->w[5]->grad,
        "0.082167041", NULL);
    if (!quiet) {
        printf(TR(lang, "\n  The same, as the engine's paths from w5 to E (mg_explain):\n\n",
                  "\n  Lo mismo, como los caminos del motor desde w5 hasta E (mg_explain):\n\n"));
        folded(write_explain, &(explain_args){n->e, n->w[5]});
        printf(TR(lang,
                  "\n  The first four factors multiply to dE/dout_o1 (err_o1 = target_o1 - out_o1);"
                  " the\n  factors 1 are the + nodes: the graph adds b2 + w5*out_h1 first, then"
                  " w6*out_h2.\n\n",
                  "\n  Los cuatro primeros factores dan dE/dout_o1 (err_o1 = target_o1 - out_o1); los"
                  "\n  factores 1 son los nodos +: el grafo suma primero b2 + w5*out_h1 y después"
                  " w6*out_h2.\n\n"));
        header();
    }
    row("dE/dw6", "dE/dnet_o1 * out_h2", n->w[6]->grad, "-", NULL);
    row("dE/dw7", "dE/dnet_o2 * out_h1", n->w[7]->grad, "-", NULL);
    row("dE/dw8", "dE/dnet_o2 * out_h2", n->w[8]->grad, "-", NULL);
    row("dE/dnet_o1", "dE/dout_o1 * dout_o1/dnet_o1", net_o1->grad, "0.138498562", NULL);
    row("dE/dnet_o2", "dE/dout_o2 * dout_o2/dnet_o2", net_o2->grad, "-", NULL);
}

static void show_hidden_layer(const net *n) {
    section(TR(lang, "4. Backward pass: the hidden layer", "4. Retropropagación: la capa oculta"));
    say(TR(lang,
           "  out_h1 feeds both outputs, so its gradient is a sum of two paths:\n"
           "  dE/dw1 = (dE_o1/dout_h1 + dE_o2/dout_h1) * dout_h1/dnet_h1 * dnet_h1/dw1\n\n",
           "  out_h1 alimenta a las dos salidas, así que su gradiente es la suma de dos caminos:\n"
           "  dE/dw1 = (dE_o1/dout_h1 + dE_o2/dout_h1) * dout_h1/dnet_h1 * dnet_h1/dw1\n\n"));
    header();
    mg_value *net_o1 = mg_value_input(n->out[0], 0), *net_o2 = mg_value_input(n->out[1], 0);
    mg_value *w5x = product_of(n->out[0], n->w[5]), *w7x = product_of(n->out[1], n->w[7]);
    mg_value *out_h1 = mg_value_input(w5x, 1);
    mg_value *out_h2 = mg_value_input(product_of(n->out[0], n->w[6]), 1);
    mg_value *w1x = product_of(out_h1, n->w[1]);
    /* what the engine adds into out_h1 along each path */
    double via_o1 = mg_local_grad(w5x, 1) * net_o1->grad;
    double via_o2 = mg_local_grad(w7x, 1) * net_o2->grad;
    row("dnet_o1/dout_h1", "w5", mg_local_grad(w5x, 1), "0.40", NULL);
    row("dE_o1/dout_h1", "dE/dnet_o1 * w5", via_o1, "0.055399425", NULL);
    row("dE_o2/dout_h1", "dE/dnet_o2 * w7", via_o2, "-0.019049119",
        TR(lang, "    * the post multiplied rounded intermediates; the exact product is -0.0190491182...",
           "    * el artículo multiplicó valores intermedios redondeados; el producto exacto es\n"
           "      -0.0190491182..."));
    row("dE/dout_h1", "dE_o1/dout_h1 + dE_o2/dout_h1", out_h1->grad, "0.036350306", NULL);
    row("dE/dout_h2", "dE/dnet_o1 * w6 + dE/dnet_o2 * w8", out_h2->grad, "-", NULL);
    row("dout_h1/dnet_h1", "out_h1 (1 - out_h1)", mg_local_grad(out_h1, 0), "0.241300709", NULL);
    row("dout_h2/dnet_h2", "out_h2 (1 - out_h2)", mg_local_grad(out_h2, 0), "-", NULL);
    row("dnet_h1/dw1", "i1", mg_local_grad(w1x, 0), "0.05", NULL);
    row("dE/dw1", TR(lang, "the product of the three", "el producto de las tres"), n->w[1]->grad,
        "0.000438568", NULL);
    if (!quiet) {
        printf(TR(lang, "\n  The same, path by path (mg_explain):\n\n",
                  "\n  Lo mismo, camino por camino (mg_explain):\n\n"));
        folded(write_explain, &(explain_args){n->e, n->w[1]});
        printf("\n");
        header();
    }
    row("dE/dw2", "dE/dnet_h1 * i2", n->w[2]->grad, "-", NULL);
    row("dE/dw3", "dE/dnet_h2 * i1", n->w[3]->grad, "-", NULL);
    row("dE/dw4", "dE/dnet_h2 * i2", n->w[4]->grad, "-", NULL);
    mg_value *b[4] = {mg_mlp_param(n->m, 0, 0, 2), mg_mlp_param(n->m, 0, 1, 2),
                      mg_mlp_param(n->m, 1, 0, 2), mg_mlp_param(n->m, 1, 1, 2)};
    row("dE/db1", TR(lang, "dE/db1_h1 + dE/db1_h2 (not used)", "dE/db1_h1 + dE/db1_h2 (no se usa)"),
        b[0]->grad + b[1]->grad, "-", NULL);
    row("dE/db2", TR(lang, "dE/db2_o1 + dE/db2_o2 (not used)", "dE/db2_o1 + dE/db2_o2 (no se usa)"),
        b[2]->grad + b[3]->grad, "-", NULL);
}

/* The weights after the first update, w - 0.5 * dE/dw: w_new[1..8]. */
static double w_new[9];

static void show_update(const net *n) {
    static const char *const published[9] = {"",          "0.149780716", "0.19956143",
                                             "0.24975114", "0.29950229",  "0.35891648",
                                             "0.408666186", "0.511301270", "0.561370121"};
    section(TR(lang, "5. The eight updated weights: w+ = w - 0.5 * dE/dw",
               "5. Los ocho pesos actualizados: w+ = w - 0.5 * dE/dw"));
    header();
    char name[8], formula[40];
    for (int k = 1; k <= 8; k++) {
        snprintf(name, sizeof name, "w%d+", k);
        snprintf(formula, sizeof formula, "%.2f - 0.5 * %.9f", n->w[k]->data, n->w[k]->grad);
        w_new[k] = n->w[k]->data - lr * n->w[k]->grad;
        row(name, formula, w_new[k], published[k], NULL);
    }
}

/* Section 6: train on; report E after 1, 2, 10, ... updates.  *e_after_1
 * gets E after the first update, the number section 7 compares with. */
static int show_training(net *n, long long steps, double *e_after_1) {
    section(TR(lang, "6. The error after the first update, and training on",
               "6. El error tras la primera actualización, y el entrenamiento que sigue"));
    say(TR(lang, "  Each update: forward, backward, w -= 0.5 * dE/dw; E below is measured after it.\n\n",
           "  Cada actualización: propagación hacia adelante, retropropagación y w -= 0.5 * dE/dw;\n"
           "  la E de abajo se mide después de ella.\n\n"));
    header();
    double e_prev = NAN, e = NAN;
    for (long long s = 1; s <= steps; s++) {
        e_prev = e;
        net_step(n);                 /* update number s */
        if (net_forward(n)) return -1;
        e = n->e->data;              /* E after s updates */
        char name[32];
        snprintf(name, sizeof name, TR(lang, "E after %lld", "E tras %lld"), s);
        if (s == 1) {
            *e_after_1 = e;
            const char *after1 = TR(lang, "after 1 update", "tras 1 actualización");
            row("out_o1", after1, n->out[0]->data, "-", NULL);
            row("out_o2", after1, n->out[1]->data, "-", NULL);
            row(name, "", e, "0.291027924",
                TR(lang,
                   "    * the post's first script computed the hidden gradients with the already\n"
                   "      updated w5..w8 (fixed a day later; the post kept its numbers).",
                   "    * el primer script del artículo calculó los gradientes de la capa oculta con\n"
                   "      w5..w8 ya actualizados (lo corrigió al día siguiente; el artículo conservó\n"
                   "      sus números)."));
        } else if (s == 10000) {
            row(name, "", e, "0.0000351085",
                TR(lang, "    * the post's figure is the error after 9,999 updates, one fewer:",
                   "    * la cifra del artículo es el error tras 9999 actualizaciones, una menos:"));
            if (!quiet) {
                char line[160], *at = line, *end = line + sizeof line;
                at += snprintf(at, (size_t)(end - at), "  ");
                put_padded(&at, end, TR(lang, "E after 9999", "E tras 9999"), 16);
                snprintf(at, (size_t)(end - at), " %-36s %15.12f  %-13s %s", "", e_prev,
                         "0.0000351085", matches(e_prev, "0.0000351085") ? "ok" : "no");
                printf("%s\n", line);
            }
        } else if (s == 2 || s == 10 || s == 100 || s == 1000 || s == steps) {
            row(name, "", e, "-", NULL);
        }
    }
    if (steps == 10000) {
        const char *after = TR(lang, "after 10000 updates", "tras 10000 actualizaciones");
        row("out_o1", after, n->out[0]->data, "0.015912196",
            TR(lang, "    * the post's outputs come from its first, buggy script (below).",
               "    * las salidas del artículo vienen de su primer script, el del error (abajo)."));
        row("out_o2", after, n->out[1]->data, "0.984065734",
            TR(lang, "    * the same script.", "    * el mismo script."));
    } else {
        row("out_o1", "", n->out[0]->data, "-", NULL);
        row("out_o2", "", n->out[1]->data, "-", NULL);
    }
    return 0;
}

/* One line of the buggy script's replay: name, what, value, the post's
 * figure and whether they agree. */
static void buggy_row(const char *name, const char *what, double x, const char *published) {
    char line[200], *at = line, *end = line + sizeof line;
    at += snprintf(at, (size_t)(end - at), "  ");
    put_padded(&at, end, name, 16);
    at += snprintf(at, (size_t)(end - at), " ");
    put_padded(&at, end, what, 36);
    snprintf(at, (size_t)(end - at), " %15.9f  %-13s %s", x, published,
             matches(x, published) ? "ok" : "no");
    printf("%s\n", line);
}

/* The post's first script, replayed: hidden gradients from updated w5..w8. */
static int show_buggy(long long steps) {
    net b;
    double e1 = NAN;
    int ok = !net_make(&b);
    for (long long s = 1; ok && s <= steps; s++) {
        net_step_buggy(&b);
        if (s == 1 && (ok = !net_forward(&b))) e1 = b.e->data;
    }
    if (!ok || net_forward(&b)) {
        net_free(&b);
        return -1;
    }
    printf(TR(lang,
              "\n  The post's first script, replayed by the engine (update w5..w8 first, then\n"
              "  backpropagate into the hidden layer through the new weights):\n\n",
              "\n  El primer script del artículo, repetido por el motor (actualiza primero w5..w8 y\n"
              "  después retropropaga hacia la capa oculta a través de los pesos nuevos):\n\n"));
    const char *order = TR(lang, "buggy order", "orden del error");
    buggy_row(TR(lang, "E after 1", "E tras 1"), order, e1, "0.291027924");
    if (steps == 10000) {
        const char *order_n = TR(lang, "buggy order, 10000 updates", "orden del error, 10000 pasos");
        buggy_row("out_o1", order_n, b.out[0]->data, "0.015912196");
        buggy_row("out_o2", order_n, b.out[1]->data, "0.984065734");
    }
    net_free(&b);
    return 0;
}

/* ------------------------------------------------- section 7: the notebook */

/* x as Python prints a float: the fewest digits that read back to x. */
static const char *shortest(char buf[32], double x) {
    for (int digits = 1; digits <= 17; digits++) {
        char conv[8];
        snprintf(conv, sizeof conv, "%%.%dg", digits);
        mg_num_format(buf, 32, conv, x);
        if (mg_num_parse(buf, NULL) == x) break;
    }
    return buf;
}

/* One printed number of the notebook: the engine's value, digit for digit
 * beside the notebook's.  Returns 1 when they are the same text. */
static int notebook_row(const char *name, const char *formula, const mg_value *v,
                        const char *printed) {
    char mine[32];
    shortest(mine, v->data);
    int same = !strcmp(mine, printed);
    if (!quiet || !same)
        printf("  %-12s %-26s %21s  %-21s %s\n", name, formula, mine, printed,
               same ? TR(lang, "same", "igual") : TR(lang, "DIFFERENT", "DISTINTO"));
    return same;
}

/* A Spanish course notebook retells the post and, in its second iteration,
 * types the new weights by hand: w1, w5, w6 from the update, w2..w4
 * rounded to 8 digits, w7 = w8_new where w7_new was meant, and w8 never
 * updated.  Its second forward pass is replayed here in the notebook's
 * own order of operations (i1*w1 + i2*w2 + b1, e1 = out_o1 - o1,
 * 0.5*(e1**2)), so every number it printed comes out again; then its error
 * total is set beside the right one.  Returns the mismatches, -1 on error. */
static int show_notebook(double e_correct) {
    section(TR(lang, "7. A Spanish notebook's second iteration, replayed as typed",
               "7. La segunda iteración de un cuaderno en español, tal como está escrita"));
    say(TR(lang,
           "  A Spanish course notebook retells this example in Python.  Its second forward pass\n"
           "  types the new weights by hand:\n",
           "  Un cuaderno de curso en español cuenta este ejemplo en Python.  En su segunda\n"
           "  propagación hacia adelante escribe a mano los pesos nuevos:\n"));
    say("    w1=w1_new  w2=0.19956143  w3=0.24975114  w4=0.29950229\n"
        "    w5=w5_new  w6=w6_new  w7=w8_new  (w8 = 0.55)\n\n");
    mg_graph *g = mg_graph_new();
    if (!g) return -1;
    mg_graph_set_lang(g, lang);
    mg_value *i1 = mg_leaf(g, 0.05, "i1"), *i2 = mg_leaf(g, 0.1, "i2");
    mg_value *o1 = mg_leaf(g, 0.01, "o1"), *o2 = mg_leaf(g, 0.99, "o2");
    mg_value *b1 = mg_leaf(g, 0.35, "b1"), *b2 = mg_leaf(g, 0.6, "b2");
    mg_value *w1 = mg_leaf(g, w_new[1], "w1"), *w2 = mg_leaf(g, 0.19956143, "w2");
    mg_value *w3 = mg_leaf(g, 0.24975114, "w3"), *w4 = mg_leaf(g, 0.29950229, "w4");
    mg_value *w5 = mg_leaf(g, w_new[5], "w5"), *w6 = mg_leaf(g, w_new[6], "w6");
    mg_value *w7 = mg_leaf(g, w_new[8], "w7"), *w8 = mg_leaf(g, 0.55, "w8");
    mg_value *half = mg_leaf(g, 0.5, NULL);
    mg_value *net_h1 = mg_add(mg_add(mg_mul(i1, w1), mg_mul(i2, w2)), b1);
    mg_value *net_h2 = mg_add(mg_add(mg_mul(i1, w3), mg_mul(i2, w4)), b1);
    mg_value *out_h1 = mg_sigmoid(net_h1), *out_h2 = mg_sigmoid(net_h2);
    mg_value *net_o1 = mg_add(mg_add(mg_mul(out_h1, w5), mg_mul(out_h2, w6)), b2);
    mg_value *net_o2 = mg_add(mg_add(mg_mul(out_h1, w7), mg_mul(out_h2, w8)), b2);
    mg_value *out_o1 = mg_sigmoid(net_o1), *out_o2 = mg_sigmoid(net_o2);
    mg_value *e1 = mg_sub(out_o1, o1), *e2 = mg_sub(out_o2, o2);
    mg_value *loss_e1 = mg_mul(half, mg_pow(e1, 2.0)), *loss_e2 = mg_mul(half, mg_pow(e2, 2.0));
    mg_value *total = mg_add(loss_e1, loss_e2);
    if (!total) {
        mg_graph_free(g);
        return -1;
    }
    if (!quiet)
        printf("  %-12s %-26s %21s  %s\n", "", "", TR(lang, "engine", "motor"),
               TR(lang, "notebook", "cuaderno"));
    /* the notebook's printed numbers, as it printed them */
    int same = notebook_row("net_h1", "i1*w1+i2*w2+b1", net_h1, "0.37744517880663814") +
               notebook_row("net_h2", "i1*w3+i2*w4+b1", net_h2, "0.392437786") +
               notebook_row("out_h1", "logistic_func(net_h1)", out_h1, "0.5932567636467482") +
               notebook_row("out_h2", "logistic_func(net_h2)", out_h2, "0.5968694086464008") +
               notebook_row("net_o1", "out_h1*w5+out_h2*w6+b2", net_o1, "1.0568499739940174") +
               notebook_row("net_o2", "out_h1*w7+out_h2*w8+b2", net_o2, "1.2613147960120292") +
               notebook_row("out_o1", "logistic_func(net_o1)", out_o1, "0.7420881111887568") +
               notebook_row("out_o2", "logistic_func(net_o2)", out_o2, "0.7792523595555513") +
               notebook_row("e1", "out_o1-o1", e1, "0.7320881111887568") +
               notebook_row("e2", "out_o2-o2", e2, "-0.21074764044444871") +
               notebook_row("loss_e1", "0.5*(e1**2)", loss_e1, "0.26797650127196077") +
               notebook_row("loss_e2", "0.5*(e2**2)", loss_e2, "0.022207283976451317") +
               notebook_row("total_error", "loss_e1+loss_e2", total, "0.2901837852484121");
    int bad = 13 - same;
    if (!quiet) {
        char b1s[32], b2s[32];
        printf(TR(lang,
                  "\n  %d of the notebook's 13 printed numbers reproduced digit for digit.\n\n"
                  "  error total after one update, as the notebook prints it:  %s\n"
                  "  error total after one update, the right one (section 6):  %s\n\n",
                  "\n  %d de los 13 números que imprime el cuaderno, reproducidos dígito a dígito.\n\n"
                  "  error total tras una actualización, el que imprime el cuaderno:  %s\n"
                  "  error total tras una actualización, el correcto (sección 6):     %s\n\n"),
               same, shortest(b1s, total->data), shortest(b2s, e_correct));
        printf(TR(lang,
                  "  What went wrong: the notebook typed w7 = w8_new where w7 = w7_new was meant,\n"
                  "  never updated w8 (left at 0.55) and copied w2..w4 rounded to 8 digits, so its\n"
                  "  second pass evaluates a different network from the one the update produced.\n",
                  "  Qué falló: el cuaderno escribió w7 = w8_new donde iba w7 = w7_new, nunca\n"
                  "  actualizó w8 (quedó en 0.55) y copió w2..w4 redondeados a 8 dígitos, así que su\n"
                  "  segunda pasada evalúa una red distinta de la que produjo la actualización.\n"));
    }
    mg_graph_free(g);
    return bad;
}

/* ---------------------------------------------------------- the pages */

/* --html FILE / --svg FILE: the first forward pass as a page that steps
 * through backward, the update of w1..w8, and the error over `steps`
 * updates (recorded by training a second copy of the net). */
static int write_pages(net *n, const show_prog *sp, const show_pages *pages, long long steps) {
    double *loss = malloc((size_t)(steps + 1) * sizeof *loss);
    net t;
    int made = !net_make(&t), ok = loss && made;
    for (long long k = 0; ok && k <= steps; k++) {   /* loss[k]: E after k updates */
        loss[k] = k < steps ? net_step(&t) : (net_forward(&t) ? NAN : t.e->data);
        ok = !isnan(loss[k]);
    }
    net_free(&t);   /* made or not: net_make leaves it freeable */
    const mg_value *params[8];
    for (int k = 1; k <= 8; k++) params[k - 1] = n->w[k];
    mg_page_training tr = {params, 8, lr, loss, (size_t)steps + 1};
    int rc = ok ? show_write_pages(sp, pages, n->e,
                                   "Matt Mazur, \"A Step by Step Backpropagation Example\"", &tr)
                : 1;
    free(loss);
    return rc;
}

/* ----------------------------------------------------------------- main */

static const char usage_en[] =
    "mazur [--dot] [--dump] [--trace] [--steps N] [--quiet] [--html FILE [--quiz]]\n"
    "             [--svg FILE] [--lang es|en]\n"
    "  (no flag)     the walk-through of Mazur's post, each number beside the post's\n"
    "  --dot         only the graph of the first forward pass, as Graphviz DOT, one\n"
    "                cluster per neuron (pipe into: dot -Tsvg > mazur.svg)\n"
    "  --dump        also print every node (id, label, op, data, grad, local grads)\n"
    "  --trace       also narrate the first backward pass edge by edge\n"
    "  --steps N     train for N updates in section 6 (default 10000)\n"
    "  --quiet       print only the summary line (and any number that disagrees)\n"
    "  --html FILE   only write a page that steps through the first pass, the update\n"
    "                and --steps updates of training (--quiz: a worksheet)\n"
    "  --svg FILE    only write the graph of the first pass as an SVG picture\n"
    "  --lang es|en  Spanish or English (default: from LANG and the like)\n";
static const char usage_es[] =
    "mazur [--dot] [--dump] [--trace] [--steps N] [--quiet] [--html ARCHIVO [--quiz]]\n"
    "           [--svg ARCHIVO] [--lang es|en]\n"
    "  (sin opción)  el recorrido por el artículo de Mazur, cada número junto al publicado\n"
    "  --dot         solo el grafo de la primera propagación hacia adelante, en DOT de\n"
    "                Graphviz, un grupo por neurona (para: dot -Tsvg > mazur.svg)\n"
    "  --dump        además muestra cada nodo (id, etiqueta, op, valor, grad, derivadas\n"
    "                locales)\n"
    "  --trace       además cuenta la primera retropropagación arista por arista\n"
    "  --steps N     entrena N actualizaciones en la sección 6 (por omisión, 10000)\n"
    "  --quiet       solo la línea de resumen (y cualquier número que no coincida)\n"
    "  --html ARCHIVO  solo escribe una página para recorrer la primera pasada, la\n"
    "                actualización y --steps actualizaciones de entrenamiento (--quiz:\n"
    "                una hoja de ejercicios)\n"
    "  --svg ARCHIVO solo escribe el grafo de la primera pasada como imagen SVG\n"
    "  --lang es|en  español o inglés (si no, según LANG y compañía)\n";

int main(int argc, char **argv) {
    show_prog sp = {"mazur", usage_en, usage_es, MG_LANG_EN};
    int rc = show_start(&sp, &argc, argv);
    if (rc >= 0) return rc;
    lang = sp.lang;
    int dot = 0, dump = 0, trace = 0;
    long long steps = 10000;
    show_pages pages = {0};
    for (int i = 1; i < argc; i++) {
        int page_flag = show_page_flag(&sp, argc, argv, &i, &pages);
        if (page_flag == 2) return 2;
        if (page_flag) continue;
        if (!strcmp(argv[i], "--dot")) dot = 1;
        else if (!strcmp(argv[i], "--dump")) dump = 1;
        else if (!strcmp(argv[i], "--trace")) trace = 1;
        else if (!strcmp(argv[i], "--quiet")) quiet = 1;
        else if (!strcmp(argv[i], "--steps") && i + 1 < argc) {
            if ((rc = show_count(&sp, "--steps", argv[++i], 1, 10000000, &steps))) return rc;
        } else {
            return show_bad_option(&sp, argv[i]);
        }
    }

    net n;
    if (net_make(&n) || net_forward(&n)) {
        const char *why = n.g ? mg_graph_error(n.g) : NULL;
        fprintf(stderr, "mazur: %s\n", why ? why : TR(lang, "out of memory", "sin memoria"));
        net_free(&n);
        return 1;
    }
    if (pages.html || pages.svg || pages.quiz) {   /* the pages, and nothing else */
        rc = write_pages(&n, &sp, &pages, steps);
        net_free(&n);
        return rc;
    }
    if (dot) {   /* the graph with its gradients, and nothing else */
        mg_backward(n.e);
        rc = mg_dot_write(stdout, n.e, NULL);
        net_free(&n);
        return rc ? 1 : 0;
    }

    if (!quiet)
        printf(TR(lang,
                  "Matt Mazur, \"A Step by Step Backpropagation Example\" (2015), computed by "
                  "micrograd-c\n",
                  "Matt Mazur, \"A Step by Step Backpropagation Example\" (2015), calculado con "
                  "micrograd-c\n"));
    show_network(&n);
    show_forward(&n);
    if (trace && !quiet) {
        section(TR(lang, "The backward pass, edge by edge (mg_trace_backward)",
                   "La retropropagación, arista por arista (mg_trace_backward)"));
        folded(write_trace, n.e);
    } else {
        mg_backward(n.e);
    }
    if (dump && !quiet) {
        section(TR(lang, "Every node after the backward pass (mg_dump)",
                   "Todos los nodos después de la retropropagación (mg_dump)"));
        folded(write_dump, n.e);
    }
    show_output_layer(&n);
    show_hidden_layer(&n);
    show_update(&n);
    /* the walk-through continues from the same net: the update of section 5
     * is the first step of section 6 */
    mg_graph_reset(n.g, n.mark);
    double e_after_1 = NAN;
    if (show_training(&n, steps, &e_after_1) || (!quiet && show_buggy(steps))) {
        fprintf(stderr, "mazur: %s\n",
                mg_graph_error(n.g) ? mg_graph_error(n.g) : TR(lang, "out of memory", "sin memoria"));
        net_free(&n);
        return 1;
    }
    net_free(&n);
    int notebook_bad = show_notebook(e_after_1);
    if (notebook_bad < 0) {
        fprintf(stderr, "mazur: %s\n", TR(lang, "out of memory", "sin memoria"));
        return 1;
    }

    if (quiet)
        printf(TR(lang,
                  "mazur: %d published numbers: %d reproduced, %d where the post is wrong, %d "
                  "wrong; the notebook: %d of 13\n",
                  "mazur: %d números publicados: %d reproducidos, %d donde el artículo se equivoca, "
                  "%d mal; el cuaderno: %d de 13\n"),
               n_checked, n_ok, n_explained, n_bad, 13 - notebook_bad);
    else
        printf(TR(lang,
                  "\n%d published numbers compared: %d reproduced to the digits printed, %d differ "
                  "where the post\nis known to be wrong (marked *), %d wrong.\n",
                  "\n%d números publicados comparados: %d reproducidos en los dígitos impresos, %d "
                  "difieren donde se\nsabe que el artículo se equivoca (marcados con *), %d mal.\n"),
               n_checked, n_ok, n_explained, n_bad);
    return n_bad || notebook_bad ? 1 : 0;
}
