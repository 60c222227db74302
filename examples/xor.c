/* xor.c -- the noisy XOR cloud: 1000 points from a standard normal, label
 * (x0 > 0) xor (x1 > 0), split 80/20.  The net: three hidden ReLU layers of
 * 10 with a residual connection (the first hidden layer's output is added
 * into the third's pre-activation), a sigmoid output, binary cross-entropy,
 * mini-batches of 16, SGD at 0.05 for 500 epochs.
 *
 *   h1 = relu(W1 x + b1)
 *   h2 = relu(W2 h1 + b2)
 *   h3 = relu(W3 h2 + b3 + h1)      <- the residual
 *   p  = sigmoid(w4 . h3 + b4)
 *
 * Each layer is a one-layer mg_mlp; the residual is one mg_add per neuron.
 * Fast path by default (fused neurons, a batch graph built once and
 * replayed on each batch's rows); --teaching-graph rebuilds the
 * one-node-per-op graph for every batch, with the same numbers.
 *
 *   xor [--seed N] [--epochs N] [--teaching-graph] [--plot FILE.svg] [--lang es|en] */
#define _POSIX_C_SOURCE 200809L   /* isatty, for the progress bar */
#include <micrograd.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bridge.h"
#include "show.h"

#define N_POINTS 1000
#define WIDTH 10
#define BATCH 16
#define LR 0.05

static double now(void) {
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct net {
    mg_mlp *layer[4];
    mg_value **params;   /* all four layers' parameters, in order */
    size_t n_params;
} net;

/* The four layers' names in a safetensors file: a torch module with
 * attributes fc1 .. fc4, each a Sequential (Linear, and its activation). */
static const char *const layer_names[4] = {"fc1", "fc2", "fc3", "fc4"};

/* The layers drawn from seed, or read from the file `load`. */
static int net_new(net *nt, mg_graph *g, unsigned long long seed, const char *load) {
    static const size_t in[4] = {2, WIDTH, WIDTH, WIDTH}, out[4] = {WIDTH, WIDTH, WIDTH, 1};
    static const mg_activation act[4] = {MG_ACT_RELU, MG_ACT_RELU, MG_ACT_LINEAR, MG_ACT_SIGMOID};
    nt->n_params = 0;
    for (int l = 0; l < 4; l++) {
        /* a distinct stream per layer: seed * 8 + l */
        nt->layer[l] = load ? bridge_load("xor", g, load, layer_names[l], in[l], out[l])
                            : mg_mlp_new(g, in[l], &out[l], 1, &act[l], seed * 8 + (unsigned)l);
        if (!nt->layer[l]) return -1;
        nt->n_params += mg_mlp_n_params(nt->layer[l]);
    }
    nt->params = malloc(nt->n_params * sizeof *nt->params);
    if (!nt->params) return -1;
    for (int l = 0, k = 0; l < 4; l++)
        for (size_t i = 0; i < mg_mlp_n_params(nt->layer[l]); i++)
            nt->params[k++] = mg_mlp_params(nt->layer[l])[i];
    return 0;
}

/* The forward pass for one point x[0..2): the probability of class 1. */
static mg_value *net_forward(net *nt, mg_value *const *x) {
    mg_value *h1[WIDTH], *h2[WIDTH], *z3[WIDTH], *h3[WIDTH], *p = NULL;
    mg_mlp_forward(nt->layer[0], x, h1);
    mg_mlp_forward(nt->layer[1], h1, h2);
    if (!mg_mlp_forward(nt->layer[2], h2, z3)) return NULL;
    for (int j = 0; j < WIDTH; j++) h3[j] = mg_relu(mg_add(z3[j], h1[j]));
    mg_mlp_forward(nt->layer[3], h3, &p);
    return p;
}

/* p(class 1) for a plain point, in a graph dropped right after. */
static double predict(net *nt, mg_graph *g, double x0, double x1) {
    size_t mark = mg_graph_mark(g);
    mg_value *x[2] = {mg_leaf(g, x0, NULL), mg_leaf(g, x1, NULL)};
    mg_value *p = net_forward(nt, x);
    double v = p ? p->data : NAN;
    mg_graph_reset(g, mark);
    return v;
}

static double accuracy(net *nt, mg_graph *g, const mg_dataset *d) {
    double *p = malloc(d->n_rows * sizeof *p);
    for (size_t i = 0; i < d->n_rows; i++) p[i] = predict(nt, g, d->x[2 * i], d->x[2 * i + 1]);
    double a = mg_accuracy(p, d->y, d->n_rows, 0.5);
    free(p);
    return a;
}

static const char usage_en[] =
    "xor [--seed N] [--epochs N] [--teaching-graph] [--plot FILE.svg] [--save FILE] [--load FILE]\n"
    "    [--lang es|en]\n"
    "  --seed N          seed of the points and the weights (default 1)\n"
    "  --epochs N        passes over the training points (default 500)\n"
    "  --teaching-graph  rebuild the one-node-per-op graph every batch (same numbers)\n"
    "  --plot FILE.svg   write the decision boundary and the loss curve\n"
    "  --save FILE       the trained net as safetensors (four Sequentials, fc1 to fc4)\n"
    "  --load FILE       start from such a file instead of drawing the weights\n"
    "  --lang es|en      Spanish or English (default: from LANG and the like)\n";
static const char usage_es[] =
    "xor [--seed N] [--epochs N] [--teaching-graph] [--plot ARCHIVO.svg] [--save ARCHIVO]\n"
    "    [--load ARCHIVO] [--lang es|en]\n"
    "  --seed N            semilla de los puntos y de los pesos (por omisión, 1)\n"
    "  --epochs N          épocas: pasadas por los puntos de entrenamiento (por omisión, 500)\n"
    "  --teaching-graph    reconstruye en cada lote el grafo de un nodo por operación\n"
    "                      (los mismos números)\n"
    "  --plot ARCHIVO.svg  escribe la frontera de decisión y la curva de pérdida\n"
    "  --save ARCHIVO      la red entrenada en safetensors (cuatro Sequential, fc1 a fc4)\n"
    "  --load ARCHIVO      parte de un archivo así en vez de sortear los pesos\n"
    "  --lang es|en        español o inglés (si no, según LANG y compañía)\n";

int main(int argc, char **argv) {
    show_prog sp = {"xor", usage_en, usage_es, MG_LANG_EN};
    int rc = show_start(&sp, &argc, argv);
    if (rc >= 0) return rc;
    mg_lang lang = sp.lang;
    long long seed = 1, epochs = 500;
    int teaching = 0;
    const char *plot = NULL, *save = NULL, *load = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
            if ((rc = show_count(&sp, "--seed", argv[++i], 0, 0x7fffffffffffffffLL, &seed))) return rc;
        } else if (!strcmp(argv[i], "--epochs") && i + 1 < argc) {
            if ((rc = show_count(&sp, "--epochs", argv[++i], 1, 1000000, &epochs))) return rc;
        } else if (!strcmp(argv[i], "--teaching-graph")) teaching = 1;
        else if (!strcmp(argv[i], "--plot") && i + 1 < argc) plot = argv[++i];
        else if (!strcmp(argv[i], "--save") && i + 1 < argc) save = argv[++i];
        else if (!strcmp(argv[i], "--load") && i + 1 < argc) load = argv[++i];
        else return show_bad_option(&sp, argv[i]);
    }
    printf(TR(lang, "seed %lld\n", "semilla %lld\n"), seed);

    mg_rng rng;
    mg_rng_seed(&rng, (uint64_t)seed);
    mg_dataset *all = mg_make_xor(N_POINTS, &rng);
    mg_dataset *train, *val;
    mg_graph *g = mg_graph_new();
    mg_graph_set_lang(g, lang);   /* before --load's messages */
    net nt;
    if (mg_dataset_split(all, 0.8, &train, &val) || !g || net_new(&nt, g, (uint64_t)seed, load)) {
        if (load) return 2;   /* bridge_load said why */
        fprintf(stderr, TR(lang, "xor: out of memory\n", "xor: sin memoria\n"));
        return 1;
    }
    mg_graph_set_lang(g, lang);
    for (int l = 0; l < 4; l++) mg_mlp_set_fused(nt.layer[l], !teaching);
    mg_optim *opt = mg_sgd_new(nt.params, nt.n_params, LR);
    printf(TR(lang,
              "2-10-10-10-1 net with a residual, %zu parameters; %zu training and %zu validation "
              "points; %s\n",
              "red 2-10-10-10-1 con conexión residual, %zu parámetros; %zu puntos de "
              "entrenamiento y %zu de validación; %s\n"),
           nt.n_params, train->n_rows, val->n_rows,
           teaching ? TR(lang, "teaching graph rebuilt every batch",
                         "grafo de enseñanza reconstruido en cada lote")
                    : TR(lang, "fused batch graph replayed", "grafo fusionado del lote, repetido"));

    /* the batch graph: BATCH input pairs and targets -> mean BCE */
    mg_value *x[BATCH][2], *t[BATCH], *p[BATCH], *loss = NULL;
    mg_tape *tape = NULL;   /* the fused batch graph, compiled for replay */
    size_t mark = mg_graph_mark(g), n_batches = (train->n_rows + BATCH - 1) / BATCH, built = 0;
    double *curve = malloc((size_t)epochs * sizeof *curve), t0 = now();
    int tty = isatty(fileno(stderr));
    for (long long e = 0; e < epochs; e++) {
        mg_dataset_shuffle(train, &rng);
        double sum = 0.0;
        for (size_t b = 0; b < n_batches; b++) {
            const double *bx, *by;
            size_t nb = mg_dataset_batch(train, b, BATCH, &bx, &by);
            /* build when asked, or when the batch's shape is new (a short last batch) */
            if (teaching || !loss || nb != built) {
                mg_tape_free(tape);
                tape = NULL;
                mg_graph_reset(g, mark);
                for (size_t i = 0; i < nb; i++) {
                    mg_leaves(g, bx + 2 * i, 2, x[i]);
                    p[i] = net_forward(&nt, x[i]);
                }
                mg_leaves(g, by, nb, t);
                loss = mg_loss_bce(p, t, nb);
                built = nb;
                if (loss && !teaching) tape = mg_tape_new(loss);
                if (!loss || (!teaching && !tape)) {
                    fprintf(stderr, "xor: %s\n", mg_graph_error(g));
                    return 1;
                }
            } else {
                for (size_t i = 0; i < nb; i++) mg_leaves_set(x[i], bx + 2 * i, 2);
                mg_leaves_set(t, by, nb);
                mg_tape_forward(tape);
            }
            sum += loss->data;
            mg_optim_zero_grad(opt);
            if (tape) mg_tape_backward(tape);
            else mg_backward(loss);
            mg_optim_step(opt);
        }
        curve[e] = sum / (double)n_batches;
        if (tty && (e % 10 == 9 || e + 1 == epochs))
            mg_progress_lang(stderr, lang, (size_t)e + 1, (size_t)epochs, curve[e], now() - t0);
        if ((e + 1) % 50 == 0 || e == 0)
            printf(TR(lang, "epoch %3lld  mean batch loss %.6f\n",
                      "época %3lld  pérdida media por lote %.6f\n"),
                   e + 1, curve[e]);
    }
    double seconds = now() - t0;
    mg_tape_free(tape);
    mg_graph_reset(g, mark);
    double train_acc = accuracy(&nt, g, train), val_acc = accuracy(&nt, g, val);
    printf(TR(lang, "last epoch's mean batch loss %.17g\n",
              "pérdida media por lote en la última época %.17g\n"),
           curve[epochs - 1]);
    printf(TR(lang,
              "training accuracy %.1f%%, validation accuracy %.1f%% (%zu points); %lld epochs in "
              "%.2f s\n",
              "exactitud de entrenamiento %.1f%%, exactitud de validación %.1f%% (%zu puntos); "
              "%lld épocas en %.2f s\n"),
           100 * train_acc, 100 * val_acc, val->n_rows, epochs, seconds);

    int status = 0;
    if (save && bridge_save("xor", save, (const mg_mlp *const *)nt.layer, layer_names, 4)) status = 1;
    if (plot) {
        mg_grid grid = {80, 80, -3.0, 3.0, -3.0, 3.0, 0.5, NULL};
        grid.score = malloc(80 * 80 * sizeof *grid.score);
        for (size_t r = 0; r < grid.ny; r++)
            for (size_t c = 0; c < grid.nx; c++)
                grid.score[r * grid.nx + c] = predict(&nt, g, mg_grid_x(&grid, c), mg_grid_y(&grid, r));
        char title[192];
        snprintf(title, sizeof title,
                 TR(lang, "noisy XOR: validation accuracy %.1f%%; training points, mean loss per epoch",
                    "XOR con ruido: exactitud de validación %.1f%%; puntos de entrenamiento, "
                    "pérdida media por época"),
                 100 * val_acc);
        FILE *f = fopen(plot, "w");
        if (!f || mg_svg_plot_lang(f, lang, title, &grid, train, curve, (size_t)epochs)) {
            perror(plot);
            status = 1;
        } else {
            printf(TR(lang, "wrote %s\n", "escrito %s\n"), plot);
        }
        if (f) fclose(f);
        free(grid.score);
    }
    free(curve);
    free(nt.params);
    for (int l = 0; l < 4; l++) mg_mlp_free(nt.layer[l]);
    mg_optim_free(opt);
    mg_graph_free(g);
    mg_dataset_free(all);
    mg_dataset_free(train);
    mg_dataset_free(val);
    return status;
}
