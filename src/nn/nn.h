/* nn.h -- what the files of src/nn share (not public). */
#ifndef MG_NN_H
#define MG_NN_H

#include "core/core.h"

/* init.c: whether init's fields are in range (kind known, scale and bias
 * value finite, scale >= 0), and one weight drawn by it for a layer of
 * fan_in inputs and fan_out neurons. */
int mg__init_check(const mg_init *init);
double mg__init_draw(const mg_init *init, size_t fan_in, size_t fan_out, mg_rng *rng);

/* safetensors.c: an MLP from the bytes of a safetensors file (see
 * mg_mlp_load_safetensors, which reads a stream into memory and calls
 * this; the fuzzer calls it directly). */
#define MG__SAFETENSORS_MAX_LAYERS 256
mg_mlp *mg__safetensors_parse(mg_graph *g, const unsigned char *bytes, size_t size,
                              const char *prefix, const mg_activation *acts, size_t n_acts,
                              char *err, size_t errlen);

#endif
