/* mnist01.c -- zeros against ones from the MNIST training set.
 *
 * The standard IDX files (not shipped: see the message below for where to
 * get them), only the digits 0 and 1, pixels scaled by 1/255, split 80/20.
 * A 784-64-1 net, sigmoid everywhere, binary cross-entropy, full-batch
 * gradient descent: each epoch sums every training image's gradient and then
 * takes one step of 1e-4 times that sum; 30 epochs.
 *
 *   mnist01 [IMAGES LABELS]    default data/mnist/train-images-idx3-ubyte
 *                              and data/mnist/train-labels-idx1-ubyte
 *   mnist01 --lang es          in Spanish (or LANG=es_MX.UTF-8)
 *
 * Fast path (default): the one-image graph (fused neurons) is built once and
 * replayed on every image; backward adds each image's gradient into the
 * parameters, which is exactly the summed gradient.  --teaching-graph
 * rebuilds the one-node-per-op graph for every image (slow: 100,000 nodes
 * an image), with the same numbers. */
#define _POSIX_C_SOURCE 200809L   /* isatty, for the progress bar */
#include <micrograd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "show.h"

#define HIDDEN 64
#define LR 1e-4

static double now(void) {
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static const char usage_en[] =
    "mnist01 [--seed N] [--epochs N] [--teaching-graph] [--lang es|en] [IMAGES LABELS]\n"
    "  IMAGES LABELS     the MNIST training files (default data/mnist/train-images-idx3-ubyte\n"
    "                    and data/mnist/train-labels-idx1-ubyte)\n"
    "  --seed N          seed of the split and the weights (default 1)\n"
    "  --epochs N        full-batch steps (default 30)\n"
    "  --teaching-graph  rebuild the one-node-per-op graph for every image (slow; same numbers)\n"
    "  --lang es|en      Spanish or English (default: from LANG and the like)\n";
static const char usage_es[] =
    "mnist01 [--seed N] [--epochs N] [--teaching-graph] [--lang es|en] [IMÁGENES ETIQUETAS]\n"
    "  IMÁGENES ETIQUETAS  los archivos de entrenamiento de MNIST (por omisión,\n"
    "                      data/mnist/train-images-idx3-ubyte y\n"
    "                      data/mnist/train-labels-idx1-ubyte)\n"
    "  --seed N            semilla de la división y de los pesos (por omisión, 1)\n"
    "  --epochs N          épocas, cada una un paso con el lote completo (por omisión, 30)\n"
    "  --teaching-graph    reconstruye el grafo de un nodo por operación en cada imagen\n"
    "                      (lento; los mismos números)\n"
    "  --lang es|en        español o inglés (si no, según LANG y compañía)\n";

/* The graph of one image: inputs x[0..784), target y -> p, loss. */
typedef struct one {
    mg_value **x, *y, *p, *loss;
} one;

static int build(one *o, mg_mlp *m, const double *pixels, double label) {
    mg_graph *g = mg_mlp_graph(m);
    if (mg_leaves(g, pixels, mg_mlp_n_in(m), o->x) || !mg_mlp_forward(m, o->x, &o->p)) return -1;
    o->y = mg_leaf(g, label, "y");
    o->loss = mg_loss_bce(&o->p, &o->y, 1);
    return o->loss ? 0 : -1;
}

int main(int argc, char **argv) {
    show_prog sp = {"mnist01", usage_en, usage_es, MG_LANG_EN};
    int rc = show_start(&sp, &argc, argv);
    if (rc >= 0) return rc;
    mg_lang lang = sp.lang;
    const char *images = "data/mnist/train-images-idx3-ubyte";
    const char *labels = "data/mnist/train-labels-idx1-ubyte";
    long long seed = 1, epochs = 30;
    int teaching = 0, n_paths = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
            if ((rc = show_count(&sp, "--seed", argv[++i], 0, 0x7fffffffffffffffLL, &seed))) return rc;
        } else if (!strcmp(argv[i], "--epochs") && i + 1 < argc) {
            if ((rc = show_count(&sp, "--epochs", argv[++i], 1, 1000000, &epochs))) return rc;
        } else if (!strcmp(argv[i], "--teaching-graph")) teaching = 1;
        else if (argv[i][0] != '-' && n_paths < 2) *(n_paths++ ? &labels : &images) = argv[i];
        else return show_bad_option(&sp, argv[i]);
    }
    if (n_paths == 1) {
        fprintf(stderr, TR(lang, "mnist01: give both files, IMAGES and LABELS\n",
                           "mnist01: dé los dos archivos, IMÁGENES y ETIQUETAS\n"));
        show_usage_to(stderr, &sp);
        return 2;
    }
    printf(TR(lang, "seed %lld\n", "semilla %lld\n"), seed);

    char err[512];
    mg_dataset *d = mg_idx_load_lang(images, labels, (1u << 0) | (1u << 1), lang, err, sizeof err);
    if (!d) {
        fprintf(stderr,
                TR(lang,
                   "mnist01: %s\n"
                   "This example needs the MNIST training set, which is not shipped with "
                   "micrograd-c.\n"
                   "Download train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz from\n"
                   "  https://yann.lecun.com/exdb/mnist/  (or a mirror, e.g.\n"
                   "  https://storage.googleapis.com/cvdf-datasets/mnist/), gunzip both and "
                   "either\n"
                   "put them in data/mnist/ or give their paths: mnist01 IMAGES LABELS\n",
                   "mnist01: %s\n"
                   "Este ejemplo necesita el conjunto de entrenamiento de MNIST, que no viene con\n"
                   "micrograd-c.  Descargue train-images-idx3-ubyte.gz y "
                   "train-labels-idx1-ubyte.gz de\n"
                   "  https://yann.lecun.com/exdb/mnist/  (o de una copia, por ejemplo\n"
                   "  https://storage.googleapis.com/cvdf-datasets/mnist/), descomprímalos con\n"
                   "gunzip y póngalos en data/mnist/ o dé sus rutas: mnist01 IMÁGENES ETIQUETAS\n"),
                err);
        mg_dataset_free(d);
        return 2;
    }
    for (size_t k = 0; k < d->n_rows * d->n_features; k++) d->x[k] *= 1.0 / 255.0;
    mg_rng rng;
    mg_rng_seed(&rng, (uint64_t)seed);
    mg_dataset_shuffle(d, &rng);
    mg_dataset *train, *test;
    mg_dataset_split(d, 0.8, &train, &test);

    const size_t sizes[2] = {HIDDEN, 1};
    const mg_activation acts[2] = {MG_ACT_SIGMOID, MG_ACT_SIGMOID};
    mg_graph *g = mg_graph_new();
    mg_mlp *m = mg_mlp_new(g, d->n_features, sizes, 2, acts, (uint64_t)seed);
    one o = {malloc(d->n_features * sizeof *o.x), NULL, NULL, NULL};
    if (!train || !test || !m || !o.x) {
        fprintf(stderr, TR(lang, "mnist01: out of memory\n", "mnist01: sin memoria\n"));
        return 1;
    }
    mg_graph_set_lang(g, lang);
    mg_mlp_set_fused(m, !teaching);
    mg_optim *opt = mg_sgd_new(mg_mlp_params(m), mg_mlp_n_params(m), LR);
    printf(TR(lang,
              "%zu images of 0 and 1 (%zu pixels each): %zu to train, %zu to test; %zu-%d-1 net, "
              "%zu parameters; %s\n",
              "%zu imágenes de 0 y 1 (%zu píxeles cada una): %zu de entrenamiento, %zu de prueba; "
              "red %zu-%d-1, %zu parámetros; %s\n"),
           d->n_rows, d->n_features, train->n_rows, test->n_rows, d->n_features, HIDDEN,
           mg_mlp_n_params(m),
           teaching ? TR(lang, "teaching graph rebuilt per image",
                         "grafo de enseñanza reconstruido en cada imagen")
                    : TR(lang, "fused one-image graph replayed",
                         "grafo fusionado de una imagen, repetido"));

    size_t n_train = train->n_rows, mark = mg_graph_mark(g), total = (size_t)epochs * n_train;
    size_t done = 0;
    mg_tape *tape = NULL;   /* the fused one-image graph, compiled for replay */
    int tty = isatty(fileno(stderr));
    double t0 = now();
    for (long long e = 0; e < epochs; e++) {
        double sum = 0.0;
        mg_optim_zero_grad(opt);
        for (size_t i = 0; i < n_train; i++, done++) {
            if (teaching || !o.loss) {
                mg_graph_reset(g, mark);
                if (build(&o, m, mg_dataset_row(train, i), train->y[i]) ||
                    (!teaching && !(tape = mg_tape_new(o.loss)))) {
                    fprintf(stderr, "mnist01: %s\n", mg_graph_error(g));
                    return 1;
                }
            } else {
                mg_leaves_set(o.x, mg_dataset_row(train, i), d->n_features);
                o.y->data = train->y[i];
                mg_tape_forward(tape);
            }
            sum += o.loss->data;
            /* adds this image's gradient into the parameters */
            if (tape) mg_tape_backward(tape);
            else mg_backward(o.loss);
            if (tty && (done % 1000 == 999))
                mg_progress_lang(stderr, lang, done + 1, total, sum / (double)(i + 1), now() - t0);
        }
        mg_optim_step(opt);   /* one step on the summed gradient */
        if (tty) fprintf(stderr, "\r%80s\r", "");
        printf(TR(lang, "epoch %2lld  loss %.6f  (%.1f s)\n", "época %2lld  pérdida %.6f  (%.1f s)\n"),
               e + 1, sum / (double)n_train, now() - t0);
    }
    double seconds = now() - t0;

    size_t right = 0;
    for (size_t i = 0; i < test->n_rows; i++) {
        if (teaching) {
            mg_graph_reset(g, mark);
            build(&o, m, mg_dataset_row(test, i), test->y[i]);
        } else {
            mg_leaves_set(o.x, mg_dataset_row(test, i), d->n_features);
            mg_tape_forward(tape);
        }
        right += (o.p->data > 0.5) == (test->y[i] > 0.5);
    }
    printf(TR(lang, "test accuracy %.2f%% (%zu of %zu); %lld epochs in %.1f s\n",
              "exactitud de prueba %.2f%% (%zu de %zu); %lld épocas en %.1f s\n"),
           100.0 * (double)right / (double)test->n_rows, right, test->n_rows, epochs, seconds);
    mg_tape_free(tape);
    free(o.x);
    mg_optim_free(opt);
    mg_mlp_free(m);
    mg_graph_free(g);
    mg_dataset_free(d);
    mg_dataset_free(train);
    mg_dataset_free(test);
    return 0;
}
