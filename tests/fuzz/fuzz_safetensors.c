/* fuzz_safetensors.c -- libFuzzer target for the safetensors reader.
 *
 * The first byte chooses the prefix (none or "fc1"), whether the caller
 * gives activations (none, one, two or three relu layers), the language of
 * the messages and the size of the error buffer; the rest is the file.  A
 * load must either fail with a message that fits its buffer, or give a net
 * that writes back into a file which loads again into the very same
 * parameters (bit for bit, NaNs included).
 *
 *     make fuzz FUZZ_SECONDS=60
 */
#include <micrograd.h>

#include "nn/nn.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MG_FUZZ_ENTRY
#define MG_FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int MG_FUZZ_ENTRY(const uint8_t *data, size_t size);

/* m written to a temporary file and read back: the same parameters. */
static void round_trip(mg_graph *g, const mg_mlp *m, const char *prefix) {
    FILE *f = tmpfile();
    if (!f) return;
    const char *const prefixes[1] = {prefix};
    if (mg_safetensors_save(f, &m, prefixes, 1)) abort();
    rewind(f);
    char err[256];
    mg_mlp *back = mg_mlp_load_safetensors(g, f, prefix, NULL, 0, err, sizeof err);
    fclose(f);
    if (!back || mg_mlp_n_params(back) != mg_mlp_n_params(m)) abort();
    for (size_t k = 0; k < mg_mlp_n_params(m); k++)
        if (memcmp(&mg_mlp_params(back)[k]->data, &mg_mlp_params(m)[k]->data, sizeof(double)))
            abort();
    for (size_t l = 0; l < mg_mlp_n_layers(m); l++)
        if (mg_mlp_layer_act(back, l) != mg_mlp_layer_act(m, l)) abort();
    mg_mlp_free(back);
}

int MG_FUZZ_ENTRY(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    const unsigned opt = data[0];
    const char *prefix = opt & 1 ? "fc1" : NULL;
    static const mg_activation relus[3] = {MG_ACT_RELU, MG_ACT_RELU, MG_ACT_RELU};
    const size_t n_acts = (opt >> 1) & 3;
    const size_t errlen = (opt >> 4) & 1 ? 1 : 256;
    data++, size--;
    mg_graph *g = mg_graph_new();
    if (!g) return 0;
    if ((opt >> 3) & 1) mg_graph_set_lang(g, MG_LANG_ES);
    char err[256];
    memset(err, 'x', sizeof err);
    mg_mlp *m = mg__safetensors_parse(g, data, size, prefix, n_acts ? relus : NULL, n_acts, err,
                                      errlen);
    if (!m) {
        if (!memchr(err, 0, errlen)) abort();            /* not terminated */
        if (errlen == 256 && !err[0]) abort();          /* says nothing */
    } else {
        round_trip(g, m, prefix);
        mg_mlp_free(m);
    }
    mg_graph_free(g);
    return 0;
}
