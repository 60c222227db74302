/* fuzz_mlp_load.c -- libFuzzer target for the model loader (mg_mlp_load),
 * with a round-trip property.
 *
 * The first byte chooses the size of the error buffer (full, 1 byte, or
 * none) and the graph's language; the rest is the file.  A load must
 * either fail with a message that fits its buffer, or give an MLP that
 * mg_mlp_save writes and mg_mlp_load reads back into the same shape and
 * the same parameters, bit for bit (a saved file always loads).
 *
 *     make fuzz FUZZ_SECONDS=60
 */
#define _POSIX_C_SOURCE 200809L   /* fmemopen */

#include <micrograd.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MG_FUZZ_ENTRY
#define MG_FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int MG_FUZZ_ENTRY(const uint8_t *data, size_t size);

/* Whether a and b are the same net: shape, activations, every parameter's
 * bits (memcmp: NaN payloads and -0 count). */
static int same_mlp(const mg_mlp *a, const mg_mlp *b) {
    if (mg_mlp_n_in(a) != mg_mlp_n_in(b) || mg_mlp_n_layers(a) != mg_mlp_n_layers(b) ||
        mg_mlp_n_params(a) != mg_mlp_n_params(b))
        return 0;
    for (size_t l = 0; l < mg_mlp_n_layers(a); l++)
        if (mg_mlp_layer_size(a, l) != mg_mlp_layer_size(b, l) ||
            mg_mlp_layer_act(a, l) != mg_mlp_layer_act(b, l))
            return 0;
    mg_value **pa = mg_mlp_params(a), **pb = mg_mlp_params(b);
    for (size_t i = 0; i < mg_mlp_n_params(a); i++)
        if (memcmp(&pa[i]->data, &pb[i]->data, sizeof(double))) return 0;
    return 1;
}

int MG_FUZZ_ENTRY(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    size_t errlen = data[0] & 1 ? 1 : 256;
    int no_err = (data[0] >> 1) & 1;
    mg_lang lang = (data[0] >> 2) & 1 ? MG_LANG_ES : MG_LANG_EN;
    data++, size--;

    FILE *in = size ? fmemopen((void *)data, size, "r") : tmpfile();
    if (!in) return 0;
    mg_graph *g = mg_graph_new();
    if (!g) abort();
    mg_graph_set_lang(g, lang);
    char err[256];
    memset(err, 'x', sizeof err);
    mg_mlp *m = mg_mlp_load(g, in, no_err ? NULL : err, errlen);
    fclose(in);
    if (!m) {
        if (!no_err && !memchr(err, 0, errlen)) abort();   /* message not terminated */
        if (!no_err && errlen == 256 && !err[0]) abort();  /* an error must say something */
        mg_graph_free(g);
        return 0;
    }
    /* the round trip: what was loaded saves, and the saved file loads */
    FILE *f = tmpfile();
    if (!f) abort();
    if (mg_mlp_save(m, f)) abort();
    rewind(f);
    char err2[256];
    mg_mlp *back = mg_mlp_load(g, f, err2, sizeof err2);
    fclose(f);
    if (!back) {
        fprintf(stderr, "a saved model does not load: %s\n", err2);
        abort();
    }
    if (!same_mlp(m, back)) abort();
    mg_mlp_free(back);
    mg_mlp_free(m);
    mg_graph_free(g);
    return 0;
}
