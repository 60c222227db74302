/* bridge.h -- --save FILE.safetensors and --load FILE for the examples:
 * a net to PyTorch (torch.nn.Sequential's state_dict) and back.  Messages
 * in the language of the net's graph. */
#ifndef BRIDGE_H
#define BRIDGE_H

#include <micrograd.h>
#include <stdio.h>

/* nets[0..n) into path (with prefixes, NULL for one plain Sequential);
 * 0, or -1 after saying why. */
static int bridge_save(const char *prog, const char *path, const mg_mlp *const *nets,
                       const char *const *prefixes, size_t n) {
    const int es = mg_graph_lang(mg_mlp_graph(nets[0])) == MG_LANG_ES;
    FILE *f = fopen(path, "wb");
    if (!f || mg_safetensors_save(f, nets, prefixes, n) || fclose(f)) {
        fprintf(stderr, es ? "%s: no se puede escribir %s\n" : "%s: cannot write %s\n", prog, path);
        return -1;
    }
    printf(es ? "guardado %s (safetensors, F64)\n" : "saved %s (safetensors, F64)\n", path);
    return 0;
}

/* The net under `prefix` (NULL: the whole file) of path, into g; it must
 * have n_in inputs and n_out outputs.  NULL after saying why. */
static mg_mlp *bridge_load(const char *prog, mg_graph *g, const char *path, const char *prefix,
                           size_t n_in, size_t n_out) {
    const int es = mg_graph_lang(g) == MG_LANG_ES;
    char err[512];
    FILE *f = fopen(path, "rb");
    mg_mlp *m = f ? mg_mlp_load_safetensors(g, f, prefix, NULL, 0, err, sizeof err) : NULL;
    if (!f) snprintf(err, sizeof err, "%s", es ? "no se puede abrir" : "cannot open it");
    if (f) fclose(f);
    if (m && (mg_mlp_n_in(m) != n_in || mg_mlp_layer_size(m, mg_mlp_n_layers(m) - 1) != n_out)) {
        snprintf(err, sizeof err, es ? "la red tiene %zu entradas y %zu salidas, no %zu y %zu"
                                     : "the net has %zu inputs and %zu outputs, not %zu and %zu",
                 mg_mlp_n_in(m), mg_mlp_layer_size(m, mg_mlp_n_layers(m) - 1), n_in, n_out);
        mg_mlp_free(m);
        m = NULL;
    }
    if (!m) fprintf(stderr, "%s: %s: %s\n", prog, path, err);
    return m;
}

#endif
