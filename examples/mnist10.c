/* mnist10.c -- the MNIST notebook's last exercise: all ten digits.
 *
 * The notebook's net grown to ten outputs: 784-64-10, sigmoid hidden
 * neurons with weights 0.1 * N(0, 1) and biases 0, ten linear outputs
 * (logits) and softmax cross-entropy (mg_loss_softmax_ce), trained with
 * Adam on mini-batches of 32 for 10 epochs; pixels scaled by 1/255 and an
 * 80/20 split, as in mnist01.  Each step adds up the batch's gradient
 * (mg_batch_grad), so the learning rate is per image.
 * tools/mnist_torch.py trains the same net, initialisation, optimizer and
 * epochs in PyTorch on the same split, for comparison.
 *
 *   mnist10 [options] [IMAGES LABELS]   (default: data/mnist/train-*-ubyte)
 *     --help   every option; --lang es: in Spanish (or LANG=es_MX.UTF-8)
 *
 * Prints each epoch's mean loss, then the test accuracy and the confusion
 * matrix (rows: the true digit, columns: the one predicted). */
#include "mnist.h"

static const char usage_en[] =
    "mnist10 [options] [IMAGES LABELS]\n"
    "  IMAGES LABELS       the MNIST files (default data/mnist/train-images-idx3-ubyte and\n"
    "                      data/mnist/train-labels-idx1-ubyte)\n" MNIST_USAGE_EN
    "The defaults: --hidden 64 --act sigmoid --init normal:0.1 --optim adam --lr 1e-3\n"
    "--batch 32 --epochs 10 --seed 1.\n";
static const char usage_es[] =
    "mnist10 [opciones] [IMÁGENES ETIQUETAS]\n"
    "  IMÁGENES ETIQUETAS  los archivos de MNIST (por omisión, data/mnist/train-images-idx3-ubyte\n"
    "                      y data/mnist/train-labels-idx1-ubyte)\n" MNIST_USAGE_ES
    "Por omisión: --hidden 64 --act sigmoid --init normal:0.1 --optim adam --lr 1e-3\n"
    "--batch 32 --epochs 10 --seed 1.\n";

static mnist_opts o = {
    .sp = {"mnist10", usage_en, usage_es, MG_LANG_EN},
    .prog = "mnist10",
    .images = "data/mnist/train-images-idx3-ubyte",
    .labels = "data/mnist/train-labels-idx1-ubyte",
    .seed = 1, .epochs = 10, .batch = 32, .lr = 1e-3, .optim = "adam",
    .hidden = {64}, .n_hidden = 1, .act = {MG_ACT_SIGMOID}, .n_act = 1,
    .init = {MG_INIT_NORMAL, 0.1, MG_BIAS_CONST, 0.0},
};

/* softmax targets: label d as one-hot over the ten classes */
static void one_hot(const double *y, size_t n, double *t) {
    memset(t, 0, n * 10 * sizeof *t);
    for (size_t i = 0; i < n; i++) t[i * 10 + (size_t)y[i]] = 1.0;
}

int main(int argc, char **argv) {
    int rc = show_start(&o.sp, &argc, argv);
    if (rc >= 0) return rc;
    lang = o.sp.lang;
    int n_paths = 0;
    for (int i = 1; i < argc; i++) {
        if ((rc = mnist_option(&o, argc, argv, &i)) > 1) return rc;
        if (rc) continue;
        if (argv[i][0] != '-' && n_paths < 2) *(n_paths++ ? &o.labels : &o.images) = argv[i];
        else return show_bad_option(&o.sp, argv[i]);
    }
    if (n_paths == 1) {
        fprintf(stderr, T("mnist10: give both files, IMAGES and LABELS\n",
                          "mnist10: dé los dos archivos, IMÁGENES y ETIQUETAS\n"));
        show_usage_to(stderr, &o.sp);
        return 2;
    }
    if (o.n_act > 1 && o.n_act != o.n_hidden) return mnist_bad_value(&o, "--act", T("(one per hidden layer)", "(una por capa oculta)"));

    mg_dataset *d = mnist_load(o.prog, o.images, o.labels, 0), *train, *test;
    mg_rng rng;
    mg_rng_seed(&rng, o.seed);
    if (o.test_images) {
        train = d;
        test = mnist_load(o.prog, o.test_images, o.test_labels, 0);
        d = NULL;
    } else {
        mg_dataset_shuffle(d, &rng);
        mg_dataset_split(d, 0.8, &train, &test);
    }
    mg_graph *g = mg_graph_new();
    mg_graph_set_lang(g, lang);
    mg_mlp *m = mnist_net(&o, g, train ? train->n_features : 784, 10, MG_ACT_LINEAR);
    if (!train || !test || !m) {
        fprintf(stderr, "mnist10: %s\n", mg_graph_error(g) ? mg_graph_error(g) : T("out of memory", "sin memoria"));
        return 1;
    }
    printf(T("seed %llu\n%zu images of ten digits: %zu to train, %zu to test\n",
             "semilla %llu\n%zu imágenes de diez dígitos: %zu para entrenar, %zu para probar\n"),
           o.seed, train->n_rows + test->n_rows, train->n_rows, test->n_rows);
    printf(T("net %zu", "red %zu"), mg_mlp_n_in(m));
    for (size_t l = 0; l < mg_mlp_n_layers(m); l++) printf("-%zu", mg_mlp_layer_size(m, l));
    printf(T(" (%s, softmax cross-entropy), %zu parameters, %s; %s, learning rate %g, batches of %zu\n",
             " (%s, entropía cruzada softmax), %zu parámetros, %s; %s, tasa de aprendizaje %g, lotes de %zu\n"),
           mg_activation_name(mg_mlp_layer_act(m, 0)), mg_mlp_n_params(m),
           o.load ? o.load : mg_init_name(o.init.kind), o.optim, o.lr,
           o.batch ? o.batch : train->n_rows);

    if (mnist_train(&o, m, MG_LOSS_SOFTMAX_CE, 10, one_hot, train, &rng)) return 1;

    /* the predicted digit: the largest logit (the first of equals) */
    double *p = mnist_predict(m, test, 10);
    size_t right = 0, confusion[10][10] = {{0}};
    for (size_t i = 0; p && i < test->n_rows; i++) {
        size_t best = 0;
        for (size_t k = 1; k < 10; k++)
            if (p[i * 10 + k] > p[i * 10 + best]) best = k;
        right += best == (size_t)test->y[i];
        confusion[(size_t)test->y[i]][best]++;
    }
    printf(T("test accuracy %.2f%% (%zu of %zu)\n", "exactitud de prueba %.2f%% (%zu de %zu)\n"),
           100.0 * (double)right / (double)test->n_rows, right, test->n_rows);
    printf(T("confusion (row: true digit, column: predicted)\n     ",
             "confusión (fila: dígito verdadero, columna: predicho)\n     "));
    for (int k = 0; k < 10; k++) printf("%5d", k);
    for (int t = 0; t < 10; t++) {
        printf("\n%5d", t);
        for (int k = 0; k < 10; k++) printf("%5zu", confusion[t][k]);
    }
    printf("\n");
    int bad = !p || mnist_save(&o, m);
    free(p);
    mg_mlp_free(m);
    mg_graph_free(g);
    mg_dataset_free(d);
    mg_dataset_free(train);
    mg_dataset_free(test);
    return bad;
}
