/* mnist01.c -- the MNIST course notebook's net: two digits told apart.
 *
 * By default it does what the notebook does, on zeros and ones: pixels
 * scaled by 1/255, an 80/20 split, a 784-64-1 net with sigmoids, weights
 * 0.1 * N(0, 1) and biases 0, binary cross-entropy, and 30 epochs of
 * gradient descent, each taking one step of 1e-4 times the gradient summed
 * over the whole training set.  The notebook's exercises are options:
 * other digits, more hidden layers, other activations, stochastic
 * mini-batches, Nesterov momentum and Adam (mnist10 does the ten digits).
 *
 *   mnist01 [options] [IMAGES LABELS]   (default: data/mnist/train-*-ubyte)
 *     --digits A,B   the two digits (A is class 0, B class 1; default 0,1)
 *     --help         every option; --lang es: in Spanish (or LANG=es_MX.UTF-8)
 *
 * Fast path: mg_batch_grad adds up the whole batch's gradient in one call,
 * the same numbers as every image's graph and mg_backward; --teaching-graph
 * builds those graphs, one node per multiply and add. */
#include "mnist.h"

static const char usage_en[] =
    "mnist01 [options] [IMAGES LABELS]\n"
    "  IMAGES LABELS       the MNIST files (default data/mnist/train-images-idx3-ubyte and\n"
    "                      data/mnist/train-labels-idx1-ubyte)\n"
    "  --digits A,B        the two digits (A is class 0, B class 1; default 0,1)\n" MNIST_USAGE_EN
    "The defaults are the notebook's: --hidden 64 --act sigmoid --init normal:0.1 --optim sgd\n"
    "--lr 1e-4 --batch 0 --epochs 30 --seed 1.\n";
static const char usage_es[] =
    "mnist01 [opciones] [IMÁGENES ETIQUETAS]\n"
    "  IMÁGENES ETIQUETAS  los archivos de MNIST (por omisión, data/mnist/train-images-idx3-ubyte\n"
    "                      y data/mnist/train-labels-idx1-ubyte)\n"
    "  --digits A,B        los dos dígitos (A es la clase 0, B la 1; por omisión, 0,1)\n" MNIST_USAGE_ES
    "Por omisión, lo del cuaderno: --hidden 64 --act sigmoid --init normal:0.1 --optim sgd\n"
    "--lr 1e-4 --batch 0 --epochs 30 --seed 1.\n";

static mnist_opts o = {
    .sp = {"mnist01", usage_en, usage_es, MG_LANG_EN},
    .prog = "mnist01",
    .images = "data/mnist/train-images-idx3-ubyte",
    .labels = "data/mnist/train-labels-idx1-ubyte",
    .seed = 1, .epochs = 30, .batch = 0, .lr = 1e-4, .optim = "sgd",
    .hidden = {64}, .n_hidden = 1, .act = {MG_ACT_SIGMOID}, .n_act = 1,
    .init = {MG_INIT_NORMAL, 0.1, MG_BIAS_CONST, 0.0},
    .digits = {0, 1},
};

/* BCE targets: the label itself (0 or 1 after relabelling) */
static void targets01(const double *y, size_t n, double *t) { memcpy(t, y, n * sizeof *t); }

int main(int argc, char **argv) {
    int rc = show_start(&o.sp, &argc, argv);
    if (rc >= 0) return rc;
    lang = o.sp.lang;
    int n_paths = 0;
    for (int i = 1; i < argc; i++) {
        if ((rc = mnist_option(&o, argc, argv, &i)) > 1) return rc;
        if (rc) continue;
        if (!strcmp(argv[i], "--digits") && i + 1 < argc) {
            char *end;
            long a = strtol(argv[++i], &end, 10), b = -1;
            if (*end == ',') b = strtol(end + 1, &end, 10);
            if (*end || a < 0 || a > 9 || b < 0 || b > 9 || a == b)
                return mnist_bad_value(&o, "--digits", argv[i]);
            o.digits[0] = (int)a, o.digits[1] = (int)b;
        } else if (argv[i][0] != '-' && n_paths < 2) {
            *(n_paths++ ? &o.labels : &o.images) = argv[i];
        } else {
            return show_bad_option(&o.sp, argv[i]);
        }
    }
    if (n_paths == 1) {
        fprintf(stderr, T("mnist01: give both files, IMAGES and LABELS\n",
                          "mnist01: dé los dos archivos, IMÁGENES y ETIQUETAS\n"));
        show_usage_to(stderr, &o.sp);
        return 2;
    }
    if (o.n_act > 1 && o.n_act != o.n_hidden) return mnist_bad_value(&o, "--act", T("(one per hidden layer)", "(una por capa oculta)"));

    /* the data: the two digits, relabelled 0 and 1, shuffled and split */
    const unsigned keep = (1u << o.digits[0]) | (1u << o.digits[1]);
    mg_dataset *d = mnist_load(o.prog, o.images, o.labels, keep), *train, *test;
    for (size_t i = 0; i < d->n_rows; i++) d->y[i] = d->y[i] == o.digits[1];
    mg_rng rng;
    mg_rng_seed(&rng, o.seed);
    if (o.test_images) {
        train = d;
        test = mnist_load(o.prog, o.test_images, o.test_labels, keep);
        for (size_t i = 0; i < test->n_rows; i++) test->y[i] = test->y[i] == o.digits[1];
        d = NULL;
    } else {
        mg_dataset_shuffle(d, &rng);
        mg_dataset_split(d, 0.8, &train, &test);
    }

    mg_graph *g = mg_graph_new();
    mg_graph_set_lang(g, lang);
    mg_mlp *m = mnist_net(&o, g, train ? train->n_features : 784, 1, MG_ACT_SIGMOID);
    if (!train || !test || !m) {
        fprintf(stderr, "mnist01: %s\n", mg_graph_error(g) ? mg_graph_error(g) : T("out of memory", "sin memoria"));
        return 1;
    }
    printf(T("seed %llu\n%zu images of %d and %d (%zu pixels each): %zu to train, %zu to test\n",
             "semilla %llu\n%zu imágenes de %d y %d (%zu píxeles cada una): %zu para entrenar, %zu para probar\n"),
           o.seed, train->n_rows + test->n_rows, o.digits[0], o.digits[1], train->n_features,
           train->n_rows, test->n_rows);
    printf(T("net %zu", "red %zu"), mg_mlp_n_in(m));
    for (size_t l = 0; l < mg_mlp_n_layers(m); l++)
        printf("-%zu", mg_mlp_layer_size(m, l));
    printf(T(" (%s), %zu parameters, %s; %s, learning rate %g, %s\n",
             " (%s), %zu parámetros, %s; %s, tasa de aprendizaje %g, %s\n"),
           mg_activation_name(mg_mlp_layer_act(m, 0)), mg_mlp_n_params(m),
           o.load ? o.load : mg_init_name(o.init.kind), o.optim, o.lr,
           o.batch ? T("mini-batches", "minilotes") : T("the gradient summed over every image", "el gradiente sumado sobre todas las imágenes"));

    if (mnist_train(&o, m, MG_LOSS_BCE, 1, targets01, train, &rng)) return 1;

    double *p = mnist_predict(m, test, 1);
    size_t right = 0;
    for (size_t i = 0; p && i < test->n_rows; i++) right += (p[i] >= 0.5) == (test->y[i] > 0.5);
    printf(T("test accuracy %.2f%% (%zu of %zu)\n", "exactitud de prueba %.2f%% (%zu de %zu)\n"),
           100.0 * (double)right / (double)test->n_rows, right, test->n_rows);
    int bad = !p || mnist_save(&o, m);
    free(p);
    mg_mlp_free(m);
    mg_graph_free(g);
    mg_dataset_free(d);
    mg_dataset_free(train);
    mg_dataset_free(test);
    return bad;
}
