/* mlp_bridge.c -- the C side of tools/torch_bridge.py (make
 * check-torch-bridge): nets written for PyTorch and read from it.
 *
 *   mlp_bridge save FILE               a 3-5-4-3-2 net with every activation,
 *                                      written to FILE
 *   mlp_bridge load FILE OUT [--acts a,b,...]
 *                                      FILE read (activations from the file,
 *                                      or given), then written again to OUT
 *
 * Either way it prints, for eight fixed inputs, one line
 *     x0,x1,...<TAB>y0,y1,...
 * with every number %.17g (round trip), the net's outputs for that input. */
#include <micrograd.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void) {
    fprintf(stderr, "usage: mlp_bridge save FILE | mlp_bridge load FILE OUT [--acts a,b,...]\n");
    return 2;
}

static void print_list(const double *v, size_t n) {
    char buf[32];
    for (size_t i = 0; i < n; i++) {
        mg_num_format(buf, sizeof buf, "%.17g", v[i]);
        printf("%s%s", i ? "," : "", buf);
    }
}

/* Eight inputs spread over [-2, 2], and the net's outputs for each. */
static int print_outputs(mg_mlp *m) {
    mg_graph *g = mg_mlp_graph(m);
    const size_t n_in = mg_mlp_n_in(m), k = mg_mlp_layer_size(m, mg_mlp_n_layers(m) - 1);
    double *x = malloc(n_in * sizeof *x), *y = malloc(k * sizeof *y);
    mg_value **out = malloc(k * sizeof *out);
    if (!x || !y || !out) return -1;
    for (int r = 0; r < 8; r++) {
        for (size_t i = 0; i < n_in; i++) x[i] = 2.0 * sin(1.0 + 7.0 * r + 3.0 * (double)i);
        size_t mark = mg_graph_mark(g);
        if (mg_mlp_forward_d(m, x, out) != k) return -1;
        for (size_t j = 0; j < k; j++) y[j] = out[j]->data;
        mg_graph_reset(g, mark);
        print_list(x, n_in);
        putchar('\t');
        print_list(y, k);
        putchar('\n');
    }
    free(x);
    free(y);
    free(out);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3) return usage();
    mg_graph *g = mg_graph_new();
    mg_mlp *m = NULL;
    FILE *f = NULL;
    if (!strcmp(argv[1], "save") && argc == 3) {
        const size_t sizes[4] = {5, 4, 3, 2};
        const mg_activation acts[4] = {MG_ACT_RELU, MG_ACT_TANH, MG_ACT_SIGMOID, MG_ACT_LINEAR};
        m = mg_mlp_new(g, 3, sizes, 4, acts, 2024);
        if (!m || !(f = fopen(argv[2], "wb")) || mg_mlp_save_safetensors(m, f) || fclose(f)) {
            fprintf(stderr, "mlp_bridge: cannot write %s\n", argv[2]);
            return 1;
        }
    } else if (!strcmp(argv[1], "load") && (argc == 4 || (argc == 6 && !strcmp(argv[4], "--acts")))) {
        mg_activation acts[64];
        size_t n_acts = 0;
        for (char *s = argc == 6 ? argv[5] : NULL; s && n_acts < 64; n_acts++) {
            char *comma = strchr(s, ',');
            if (comma) *comma = 0;
            int a = mg_activation_parse(s);
            if (a < 0) return usage();
            acts[n_acts] = (mg_activation)a;
            s = comma ? comma + 1 : NULL;
        }
        char err[512];
        if (!(f = fopen(argv[2], "rb"))) {
            fprintf(stderr, "mlp_bridge: cannot open %s\n", argv[2]);
            return 1;
        }
        m = mg_mlp_load_safetensors(g, f, NULL, n_acts ? acts : NULL, n_acts, err, sizeof err);
        fclose(f);
        if (!m) {
            fprintf(stderr, "mlp_bridge: %s: %s\n", argv[2], err);
            return 1;
        }
        if (!(f = fopen(argv[3], "wb")) || mg_mlp_save_safetensors(m, f) || fclose(f)) {
            fprintf(stderr, "mlp_bridge: cannot write %s\n", argv[3]);
            return 1;
        }
    } else {
        return usage();
    }
    int bad = print_outputs(m);
    mg_mlp_free(m);
    mg_graph_free(g);
    return bad ? 1 : 0;
}
