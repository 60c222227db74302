/* font_shade.c -- light or dark font on a background colour?  The RGB ->
 * font shade set of "Essential Math for Data Science" (1 = dark font):
 * inputs scaled by 1/255, a 3-3-1 net (ReLU hidden, logistic output),
 * squared error, one random training row per SGD step at learning rate 0.05
 * for 100,000 steps, 2/3 of the rows to train and 1/3 to test.
 *
 *   font_shade                           train, print the test accuracy
 *   font_shade --predict 255,220,0       ... then answer for a colour
 *   font_shade --data FILE.csv           another CSV with the same columns
 *   font_shade --lang es                 in Spanish (or LANG=es_MX.UTF-8)
 *
 * The fast path (default) builds the one-row graph once and replays it on
 * each row; --teaching-graph rebuilds it every step, with the same numbers. */
#define _POSIX_C_SOURCE 200809L   /* isatty, for the progress bar */
#include <micrograd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "data_path.h"
#include "bridge.h"
#include "show.h"

#define STEPS 100000
#define LR 0.05

static double now(void) {
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static const char usage_en[] =
    "font_shade [--data FILE.csv] [--seed N] [--steps N] [--teaching-graph]\n"
    "                  [--predict R,G,B] [--save FILE] [--load FILE] [--lang es|en]\n"
    "  --data FILE.csv   the colours and labels (default data/light_dark_font_training_set.csv)\n"
    "  --seed N          seed of the split, the weights and the rows drawn (default 1)\n"
    "  --steps N         one-row SGD steps (default 100000)\n"
    "  --teaching-graph  rebuild the one-node-per-op graph every step (same numbers)\n"
    "  --predict R,G,B   then say which font suits that background (each 0..255)\n"
    "  --save FILE       the trained net as safetensors (PyTorch's torch.nn.Sequential)\n"
    "  --load FILE       start from a safetensors file instead of drawing the weights\n"
    "  --lang es|en      Spanish or English (default: from LANG and the like)\n";
static const char usage_es[] =
    "font_shade [--data ARCHIVO.csv] [--seed N] [--steps N] [--teaching-graph]\n"
    "                [--predict R,G,B] [--save ARCHIVO] [--load ARCHIVO] [--lang es|en]\n"
    "  --data ARCHIVO.csv  los colores y sus etiquetas (por omisión,\n"
    "                      data/light_dark_font_training_set.csv)\n"
    "  --seed N            semilla de la división, los pesos y las filas sorteadas (por\n"
    "                      omisión, 1)\n"
    "  --steps N           pasos de descenso estocástico, una fila por paso (por omisión,\n"
    "                      100000)\n"
    "  --teaching-graph    reconstruye en cada paso el grafo de un nodo por operación\n"
    "                      (los mismos números)\n"
    "  --predict R,G,B     al final dice qué letra conviene sobre ese fondo (cada uno de\n"
    "                      0 a 255)\n"
    "  --save ARCHIVO      la red entrenada en safetensors (torch.nn.Sequential de PyTorch)\n"
    "  --load ARCHIVO      parte de un archivo safetensors en vez de sortear los pesos\n"
    "  --lang es|en        español o inglés (si no, según LANG y compañía)\n";

/* The net's probability of "dark font" for one row of scaled inputs. */
static double predict(mg_mlp *m, const double *x) {
    mg_graph *g = mg_mlp_graph(m);
    size_t mark = mg_graph_mark(g);
    mg_value *p;
    double v = mg_mlp_forward_d(m, x, &p) ? p->data : -1.0;
    mg_graph_reset(g, mark);
    return v;
}

/* R,G,B as three numbers 0..255 separated by commas: 1, or 0 when not. */
static int parse_rgb(const char *s, double rgb[3]) {
    for (int k = 0; k < 3; k++) {
        char *end;
        rgb[k] = mg_num_parse(s, &end);
        if (end == s || !(rgb[k] >= 0 && rgb[k] <= 255)) return 0;
        if (*end != (k < 2 ? ',' : '\0')) return 0;
        s = end + 1;
    }
    return 1;
}

int main(int argc, char **argv) {
    show_prog sp = {"font_shade", usage_en, usage_es, MG_LANG_EN};
    int rc = show_start(&sp, &argc, argv);
    if (rc >= 0) return rc;
    mg_lang lang = sp.lang;
    const char *path = "data/light_dark_font_training_set.csv", *ask = NULL, *save = NULL,
               *load = NULL;
    long long seed = 1, steps = STEPS;
    int teaching = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--data") && i + 1 < argc) path = argv[++i];
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
            if ((rc = show_count(&sp, "--seed", argv[++i], 0, 0x7fffffffffffffffLL, &seed))) return rc;
        } else if (!strcmp(argv[i], "--steps") && i + 1 < argc) {
            if ((rc = show_count(&sp, "--steps", argv[++i], 1, 100000000, &steps))) return rc;
        } else if (!strcmp(argv[i], "--predict") && i + 1 < argc) ask = argv[++i];
        else if (!strcmp(argv[i], "--teaching-graph")) teaching = 1;
        else if (!strcmp(argv[i], "--save") && i + 1 < argc) save = argv[++i];
        else if (!strcmp(argv[i], "--load") && i + 1 < argc) load = argv[++i];
        else return show_bad_option(&sp, argv[i]);
    }
    double rgb[3];
    if (ask && !parse_rgb(ask, rgb)) {
        fprintf(stderr, TR(lang, "font_shade: --predict wants R,G,B with each in 0..255, got '%s'\n",
                           "font_shade: --predict pide R,G,B, cada uno de 0 a 255, y llegó '%s'\n"),
                ask);
        show_usage_to(stderr, &sp);
        return 2;
    }
    printf(TR(lang, "seed %lld\n", "semilla %lld\n"), seed);

    char err[512], found[1200];
    const char *file = data_find(argv[0], path, found, sizeof found);
    mg_dataset *d = mg_csv_load_lang(file ? file : path, NULL, lang, err, sizeof err);
    if (!d || d->n_features != 3) {
        fprintf(stderr, "font_shade: %s\n",
                d ? TR(lang, "expected three colour columns and a label",
                       "se esperaban tres columnas de color y una etiqueta")
                  : err);
        mg_dataset_free(d);
        return 2;
    }
    for (size_t k = 0; k < d->n_rows * 3; k++) d->x[k] *= 1.0 / 255.0;
    mg_rng rng;
    mg_rng_seed(&rng, (uint64_t)seed);
    mg_dataset_shuffle(d, &rng);
    mg_dataset *train, *test;
    mg_dataset_split(d, 2.0 / 3.0, &train, &test);

    static const size_t sizes[2] = {3, 1};
    static const mg_activation acts[2] = {MG_ACT_RELU, MG_ACT_SIGMOID};
    mg_graph *g = mg_graph_new();
    mg_graph_set_lang(g, lang);   /* before --load's messages */
    mg_mlp *m = load ? bridge_load("font_shade", g, load, NULL, 3, 1)
                     : mg_mlp_new(g, 3, sizes, 2, acts, (uint64_t)seed);
    if (load && !m) return 2;
    if (!train || !test || !m) {
        fprintf(stderr, TR(lang, "font_shade: out of memory\n", "font_shade: sin memoria\n"));
        return 1;
    }
    mg_graph_set_lang(g, lang);
    mg_mlp_set_fused(m, !teaching);
    mg_optim *opt = mg_sgd_new(mg_mlp_params(m), mg_mlp_n_params(m), LR);
    printf(TR(lang, "%s: %zu rows, %zu to train, %zu to test; 3-3-1 net, %lld steps, %s\n",
              "%s: %zu filas, %zu de entrenamiento, %zu de prueba; red 3-3-1, %lld pasos, %s\n"),
           path, d->n_rows, train->n_rows, test->n_rows, steps,
           teaching ? TR(lang, "teaching graph rebuilt every step",
                         "grafo de enseñanza reconstruido en cada paso")
                    : TR(lang, "one-row graph replayed", "grafo de una fila, repetido"));

    /* one row -> (p - y)^2 */
    mg_value *x[3], *p, *y, *loss = NULL;
    mg_tape *tape = NULL;   /* the one-row graph, compiled for replay */
    size_t mark = mg_graph_mark(g);
    int tty = isatty(fileno(stderr));
    double t0 = now(), recent = 0.0;
    for (long long s = 0; s < steps; s++) {
        size_t i = (size_t)mg_rng_below(&rng, train->n_rows);
        if (teaching || !loss) {
            mg_graph_reset(g, mark);
            mg_leaves(g, mg_dataset_row(train, i), 3, x);
            mg_mlp_forward(m, x, &p);
            y = mg_leaf(g, train->y[i], "y");
            loss = mg_loss_mse(&p, &y, 1);
            if (loss && !teaching) tape = mg_tape_new(loss);
            if (!loss || (!teaching && !tape)) {
                fprintf(stderr, "font_shade: %s\n", mg_graph_error(g));
                return 1;
            }
        } else {
            mg_leaves_set(x, mg_dataset_row(train, i), 3);
            y->data = train->y[i];
            mg_tape_forward(tape);
        }
        recent = 0.999 * recent + 0.001 * loss->data;   /* a running mean, for the bar */
        mg_optim_zero_grad(opt);
        if (tape) mg_tape_backward(tape);
        else mg_backward(loss);
        mg_optim_step(opt);
        if (tty && ((s + 1) % 2000 == 0 || s + 1 == steps))
            mg_progress_lang(stderr, lang, (size_t)s + 1, (size_t)steps, recent, now() - t0);
    }
    double seconds = now() - t0;
    mg_tape_free(tape);
    mg_graph_reset(g, mark);

    double *prob = malloc(test->n_rows * sizeof *prob);
    for (size_t i = 0; i < test->n_rows; i++) prob[i] = predict(m, mg_dataset_row(test, i));
    double acc = mg_accuracy(prob, test->y, test->n_rows, 0.5);
    free(prob);
    printf(TR(lang, "test accuracy %.2f%% (%zu rows); %lld steps in %.2f s (%.0f steps/s)\n",
              "exactitud de prueba %.2f%% (%zu filas); %lld pasos en %.2f s (%.0f pasos/s)\n"),
           100 * acc, test->n_rows, steps, seconds, (double)steps / seconds);

    if (ask) {
        double xs[3] = {rgb[0] / 255.0, rgb[1] / 255.0, rgb[2] / 255.0};
        double pd = predict(m, xs);
        if (pd > 0.5)
            printf(TR(lang, "background %s -> dark font (p(dark) = %.3f)\n",
                      "fondo %s -> letra oscura (p(oscura) = %.3f)\n"),
                   ask, pd);
        else
            printf(TR(lang, "background %s -> light font (p(dark) = %.3f)\n",
                      "fondo %s -> letra clara (p(oscura) = %.3f)\n"),
                   ask, pd);
    }
    int status = save && bridge_save("font_shade", save, (const mg_mlp *[]){m}, NULL, 1) ? 1 : 0;
    mg_optim_free(opt);
    mg_mlp_free(m);
    mg_graph_free(g);
    mg_dataset_free(d);
    mg_dataset_free(train);
    mg_dataset_free(test);
    return status;
}
