/* nn.h -- what the files of src/nn share (not public). */
#ifndef MG_NN_H
#define MG_NN_H

#include "core/core.h"

/* init.c: whether init's fields are in range (kind known, scale and bias
 * value finite, scale >= 0), and one weight drawn by it for a layer of
 * fan_in inputs and fan_out neurons. */
int mg__init_check(const mg_init *init);
double mg__init_draw(const mg_init *init, size_t fan_in, size_t fan_out, mg_rng *rng);

#endif
