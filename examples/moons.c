/* moons.c -- micrograd's demo: a 2-16-16-1 ReLU net learns the two moons
 * with the SVM max-margin loss, L2 1e-4 and a learning rate falling from 1.0
 * to 0.1 over 100 full-batch steps.
 *
 *   moons                                   its own moons, from --seed
 *   moons --reference data/micrograd_demo   the notebook's 100 points and
 *                                           337 initial parameters: every
 *                                           loss matches its trajectory.csv
 *   moons --plot moons.svg                  decision boundary + loss curve
 *   moons --lang es                         in Spanish (or LANG=es_MX.UTF-8)
 *
 * The default is the fast path: fused neurons, the graph built once and
 * replayed every step.  --teaching-graph builds the one-node-per-op graph
 * afresh each step instead; the numbers are the same to the last bit. */
#include <micrograd.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bridge.h"
#include "data_path.h"
#include "show.h"

#define N_POINTS 100
#define ALPHA 1e-4

static double now(void) {
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static const char usage_en[] =
    "moons [--reference DIR] [--seed N] [--steps N] [--teaching-graph]\n"
    "             [--plot FILE.svg] [--quiet] [--save FILE] [--load FILE] [--lang es|en]\n"
    "  --reference DIR   micrograd's own points and initial parameters (DIR/moons.csv,\n"
    "                    DIR/params_init.txt), each loss checked against DIR/trajectory.csv\n"
    "  --seed N          seed of the moons and the weights (default 42)\n"
    "  --steps N         full-batch steps (default 100)\n"
    "  --teaching-graph  rebuild the one-node-per-op graph every step (same numbers)\n"
    "  --plot FILE.svg   write the decision boundary and the loss curve\n"
    "  --quiet           no line per step\n"
    "  --save FILE       the trained net as safetensors (PyTorch's torch.nn.Sequential)\n"
    "  --load FILE       start from a safetensors file instead of drawing the weights\n"
    "  --lang es|en      Spanish or English (default: from LANG and the like)\n";
static const char usage_es[] =
    "moons [--reference DIR] [--seed N] [--steps N] [--teaching-graph]\n"
    "           [--plot ARCHIVO.svg] [--quiet] [--save ARCHIVO] [--load ARCHIVO] [--lang es|en]\n"
    "  --reference DIR    los puntos y parámetros iniciales del propio micrograd\n"
    "                     (DIR/moons.csv, DIR/params_init.txt), y cada pérdida comparada\n"
    "                     con DIR/trajectory.csv\n"
    "  --seed N           semilla de las lunas y de los pesos (por omisión, 42)\n"
    "  --steps N          pasos con el lote completo (por omisión, 100)\n"
    "  --teaching-graph   reconstruye en cada paso el grafo de un nodo por operación\n"
    "                     (los mismos números)\n"
    "  --plot ARCHIVO.svg escribe la frontera de decisión y la curva de pérdida\n"
    "  --quiet            sin una línea por paso\n"
    "  --save ARCHIVO     la red entrenada en safetensors (torch.nn.Sequential de PyTorch)\n"
    "  --load ARCHIVO     parte de un archivo safetensors en vez de sortear los pesos\n"
    "  --lang es|en       español o inglés (si no, según LANG y compañía)\n";

/* n numbers, one per line, from path; 0 or -1 after saying which line is
 * wrong.  mg_num_parse: the file's '.' is read as a point in any locale. */
static int read_params(const char *path, double *p, size_t n, mg_lang lang) {
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return -1;
    }
    char line[128];
    size_t i = 0, lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {   /* cut by fgets: it would read as two numbers */
            fprintf(stderr, "%s:%zu: %s\n", path, lineno,
                    TR(lang, "line too long", "línea demasiado larga"));
            fclose(f);
            return -1;
        }
        char *end;
        double v = mg_num_parse(line, &end);
        while (*end == ' ' || *end == '\r' || *end == '\n') end++;
        if (end == line || *end || !isfinite(v) || i == n) {
            fprintf(stderr, "%s:%zu: %s\n", path, lineno,
                    i == n ? TR(lang, "more parameters than the model has",
                                "más parámetros de los que tiene el modelo")
                           : TR(lang, "not a number", "no es un número"));
            fclose(f);
            return -1;
        }
        p[i++] = v;
    }
    fclose(f);
    if (i < n) {
        fprintf(stderr, TR(lang, "%s:%zu: %zu parameters, the model has %zu\n",
                           "%s:%zu: %zu parámetros, y el modelo tiene %zu\n"),
                path, lineno, i, n);
        return -1;
    }
    return 0;
}

/* The notebook's loss and accuracy at each step, when DIR/trajectory.csv
 * is there: 1 when all n steps were read. */
static int read_trajectory(const char *dir, double *loss, double *acc, size_t n) {
    char path[1024];
    snprintf(path, sizeof path, "%s/trajectory.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char line[256];
    size_t k = 0;
    if (fgets(line, sizeof line, f))
        while (k < n && fgets(line, sizeof line, f)) {   /* step,loss,accuracy */
            char *end;
            long step = strtol(line, &end, 10);
            if (step != (long)k || *end != ',') break;
            loss[k] = mg_num_parse(end + 1, &end);
            if (*end != ',') break;
            acc[k] = mg_num_parse(end + 1, &end);
            k++;
        }
    fclose(f);
    return k == n;
}

int main(int argc, char **argv) {
    show_prog sp = {"moons", usage_en, usage_es, MG_LANG_EN};
    int rc = show_start(&sp, &argc, argv);
    if (rc >= 0) return rc;
    mg_lang lang = sp.lang;
    const char *ref = NULL, *plot = NULL, *save = NULL, *load = NULL;
    long long seed = 42, steps = 100;
    int teaching = 0, quiet = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--reference") && i + 1 < argc) ref = argv[++i];
        else if (!strcmp(argv[i], "--plot") && i + 1 < argc) plot = argv[++i];
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
            if ((rc = show_count(&sp, "--seed", argv[++i], 0, 0x7fffffffffffffffLL, &seed))) return rc;
        } else if (!strcmp(argv[i], "--steps") && i + 1 < argc) {
            if ((rc = show_count(&sp, "--steps", argv[++i], 1, 10000000, &steps))) return rc;
        } else if (!strcmp(argv[i], "--teaching-graph")) teaching = 1;
        else if (!strcmp(argv[i], "--quiet")) quiet = 1;
        else if (!strcmp(argv[i], "--save") && i + 1 < argc) save = argv[++i];
        else if (!strcmp(argv[i], "--load") && i + 1 < argc) load = argv[++i];
        else return show_bad_option(&sp, argv[i]);
    }

    /* the data: the notebook's points, or our own moons (labels -1/+1) */
    mg_rng rng;
    mg_rng_seed(&rng, (uint64_t)seed);
    char err[512], path[1024];
    mg_dataset *d;
    /* DIR as given, or the shipped copy from any folder; messages show DIR
     * as the user wrote it */
    char ref_found[1200];
    const char *ref_shown = ref;
    if (ref && data_find(argv[0], ref, ref_found, sizeof ref_found)) ref = ref_found;
    if (ref) {
        snprintf(path, sizeof path, "%s/moons.csv", ref);
        d = mg_csv_load_lang(path, "y", lang, err, sizeof err);
    } else {
        d = mg_make_moons(N_POINTS, 0.1, &rng);
        if (d) {
            mg_dataset_shuffle(d, &rng);   /* sklearn shuffles too */
            for (size_t i = 0; i < d->n_rows; i++) d->y[i] = 2.0 * d->y[i] - 1.0;
        } else {
            snprintf(err, sizeof err, "%s", TR(lang, "out of memory", "sin memoria"));
        }
    }
    if (!d) {
        fprintf(stderr, "moons: %s\n", err);
        return 2;
    }
    if (d->n_features != 2) {   /* the model reads two coordinates a row */
        fprintf(stderr,
                TR(lang, "moons: %s: expected the columns x0, x1 and y, found %zu besides y\n",
                   "moons: %s: se esperaban las columnas x0, x1 e y, y hay %zu además de y\n"),
                path, d->n_features);
        mg_dataset_free(d);
        return 2;
    }
    size_t n = d->n_rows;

    /* the model: MLP(2, [16, 16, 1]), ReLU, ReLU, linear */
    static const size_t sizes[3] = {16, 16, 1};
    static const mg_activation acts[3] = {MG_ACT_RELU, MG_ACT_RELU, MG_ACT_LINEAR};
    mg_graph *g = mg_graph_new();
    mg_mlp *m = NULL;
    mg_graph_set_lang(g, lang);
    if (load) {
        if (!(m = bridge_load("moons", g, load, NULL, 2, 1))) return 2;
    } else if (ref) {
        double init[337];
        snprintf(path, sizeof path, "%s/params_init.txt", ref);
        if (read_params(path, init, 337, lang)) {
            mg_graph_free(g);
            mg_dataset_free(d);
            return 2;
        }
        m = mg_mlp_new_from(g, 2, sizes, 3, acts, init);
        printf(TR(lang, "seed %lld (unused: the data and parameters come from %s)\n",
                  "semilla %lld (no se usa: los datos y los parámetros vienen de %s)\n"),
               seed, ref_shown);
    } else {
        /* micrograd's init: weights uniform in [-1, 1), biases 0 */
        m = mg_mlp_new(g, 2, sizes, 3, acts, (uint64_t)seed);
        for (size_t l = 0; m && l < 3; l++)
            for (size_t j = 0; j < sizes[l]; j++) mg_mlp_param(m, l, j, l ? sizes[l - 1] : 2)->data = 0.0;
        printf(TR(lang, "seed %lld\n", "semilla %lld\n"), seed);
    }
    if (!m) {
        fprintf(stderr, "moons: %s\n", mg_graph_error(g));
        return 1;
    }
    mg_mlp_set_fused(m, !teaching);
    mg_value **params = mg_mlp_params(m);
    size_t n_params = mg_mlp_n_params(m);
    mg_optim *opt = mg_optim_linear_decay(mg_sgd_new(params, n_params, 1.0), 0.1, 100);
    printf(TR(lang, "MLP(2, [16, 16, 1]), %zu parameters, %zu points, %s\n",
              "MLP(2, [16, 16, 1]), %zu parámetros, %zu puntos, %s\n"),
           n_params, n,
           teaching ? TR(lang, "teaching graph rebuilt every step",
                         "grafo de enseñanza reconstruido en cada paso")
                    : TR(lang, "fused graph built once and replayed",
                         "grafo fusionado, construido una vez y repetido"));

    double *curve = malloc((size_t)steps * sizeof *curve), *score = malloc(n * sizeof *score);
    mg_value **x = malloc(2 * n * sizeof *x), **out = malloc(n * sizeof *out),
             **y = malloc(n * sizeof *y), *loss = NULL;
    mg_tape *tape = NULL;   /* the fused graph, compiled once and replayed */
    double reference[100], ref_acc[100];
    int have_ref = ref && steps == 100 && read_trajectory(ref, reference, ref_acc, 100);
    int acc_mismatches = 0;
    double worst = 0.0, acc = 0.0, t0 = now();
    size_t mark = mg_graph_mark(g);
    for (long long k = 0; k < steps; k++) {
        if (teaching || k == 0) {   /* build: inputs, scores, targets, loss */
            for (size_t i = 0; i < n; i++) {
                mg_leaves(g, mg_dataset_row(d, i), 2, &x[2 * i]);
                mg_mlp_forward(m, &x[2 * i], &out[i]);
            }
            mg_leaves(g, d->y, n, y);
            loss = mg_loss_hinge(out, y, n, params, n_params, ALPHA);
            if (loss && !teaching) tape = mg_tape_new(loss);
            if (!loss || (!teaching && !tape)) {
                fprintf(stderr, "moons: %s\n", mg_graph_error(g));
                return 1;
            }
        } else {
            mg_tape_forward(tape);   /* replay on the updated parameters */
        }
        for (size_t i = 0; i < n; i++) score[i] = out[i]->data;
        acc = 100.0 * mg_accuracy(score, d->y, n, 0.0);
        curve[k] = loss->data;
        if (have_ref) {
            worst = fmax(worst, fabs(loss->data - reference[k]) / reference[k]);
            acc_mismatches += acc != ref_acc[k];
        }
        if (!quiet)
            printf(TR(lang, "step %3lld  loss %.17g  accuracy %5.1f%%\n",
                      "paso %3lld  pérdida %.17g  exactitud %5.1f%%\n"),
                   k, loss->data, acc);
        mg_optim_zero_grad(opt);
        if (tape) mg_tape_backward(tape);
        else mg_backward(loss);
        mg_optim_step(opt);
        if (teaching) mg_graph_reset(g, mark);
    }
    double seconds = now() - t0;
    printf(TR(lang, "final loss %.17g, accuracy %.1f%%, %lld steps in %.3f s (%.2f ms/step)\n",
              "pérdida final %.17g, exactitud %.1f%%, %lld pasos en %.3f s (%.2f ms/paso)\n"),
           curve[steps - 1], acc, steps, seconds, 1e3 * seconds / (double)steps);
    int status = 0;
    if (have_ref) {
        int exact = curve[99] == reference[99];
        printf(TR(lang,
                  "against %s/trajectory.csv: worst relative difference of a loss %.3g, final loss "
                  "%s,\n%d of 100 accuracies different\n",
                  "frente a %s/trajectory.csv: mayor diferencia relativa de una pérdida %.3g, "
                  "pérdida final %s,\n%d de 100 exactitudes distintas\n"),
               ref_shown, worst,
               exact ? TR(lang, "identical to the bit", "idéntica bit a bit")
                     : TR(lang, "DIFFERENT", "DISTINTA"),
               acc_mismatches);
        status = worst <= 1e-12 && exact && !acc_mismatches ? 0 : 1;
    }

    if (save && bridge_save("moons", save, (const mg_mlp *[]){m}, NULL, 1)) status = 1;
    if (plot) {
        /* the model's score on a grid around the data, as the notebook's contour */
        mg_grid grid = {80, 80, -2.0, 3.0, -1.5, 2.0, 0.0, NULL};
        grid.score = malloc(80 * 80 * sizeof *grid.score);
        mg_mlp_set_fused(m, 1);
        size_t grid_mark = mg_graph_mark(g);
        for (size_t r = 0; r < grid.ny; r++)
            for (size_t c = 0; c < grid.nx; c++) {
                double p[2] = {mg_grid_x(&grid, c), mg_grid_y(&grid, r)};
                mg_value *s;
                mg_mlp_forward_d(m, p, &s);
                grid.score[r * grid.nx + c] = s->data;
                mg_graph_reset(g, grid_mark);
            }
        FILE *f = fopen(plot, "w");
        char title[128];
        snprintf(title, sizeof title,
                 TR(lang, "two moons: MLP(2, [16, 16, 1]), accuracy %.0f%%",
                    "dos lunas: MLP(2, [16, 16, 1]), exactitud %.0f%%"),
                 acc);
        if (!f || mg_svg_plot_lang(f, lang, title, &grid, d, curve, (size_t)steps)) {
            perror(plot);
            status = 1;
        } else {
            printf(TR(lang, "wrote %s\n", "escrito %s\n"), plot);
        }
        if (f) fclose(f);
        free(grid.score);
    }
    mg_tape_free(tape);
    free(curve), free(score), free(x), free(out), free(y);
    mg_optim_free(opt);
    mg_mlp_free(m);
    mg_graph_free(g);
    mg_dataset_free(d);
    return status;
}
