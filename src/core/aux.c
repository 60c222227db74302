/* aux.c -- the aux arena (labels and the input arrays of n-ary nodes:
 * chained byte blocks, kept for reuse after a reset) and mg__grow, the
 * doubling array every index of the graph uses. */
#include "core/core.h"

#include <stdlib.h>
#include <string.h>

#define MG_AUX_BLOCK_BYTES ((size_t)1 << 16)

int mg__grow(void **arr, size_t *cap, size_t need, size_t size) {
    if (need <= *cap) return 1;
    size_t cap2 = *cap ? *cap : 16;
    while (cap2 < need) {
        if (cap2 > SIZE_MAX / 2 / size) return 0;
        cap2 *= 2;
    }
    void *p = realloc(*arr, cap2 * size);
    if (!p) return 0;
    *arr = p;
    *cap = cap2;
    return 1;
}


mg_aux_pos mg__aux_pos(const mg_graph *g) {
    mg_aux_pos p = {g->aux_cur, g->n_aux ? g->aux[g->aux_cur].used : 0};
    return p;
}

void mg__aux_restore(mg_graph *g, mg_aux_pos p) {
    if (!g->n_aux) return;
    g->aux_cur = p.block;
    g->aux[p.block].used = p.used;
    for (size_t i = p.block + 1; i < g->n_aux; i++) g->aux[i].used = 0;
}

/* `bytes` bytes aligned for pointers and doubles, or NULL. */
void *mg__aux_alloc(mg_graph *g, size_t bytes) {
    const size_t align = sizeof(double) > sizeof(void *) ? sizeof(double) : sizeof(void *);
    if (bytes > SIZE_MAX - align || g->fail_allocs) return NULL;
    bytes = (bytes + align - 1) / align * align;
    /* the current block, then the free ones after it */
    for (size_t i = g->aux_cur; i < g->n_aux; i++) {
        mg_aux_block *b = &g->aux[i];
        if (b->cap - b->used >= bytes) {
            void *p = b->mem + b->used;
            b->used += bytes;
            g->aux_cur = i;
            return p;
        }
    }
    size_t cap = bytes > MG_AUX_BLOCK_BYTES ? bytes : MG_AUX_BLOCK_BYTES;
    if (!mg__grow((void **)&g->aux, &g->cap_aux, g->n_aux + 1, sizeof *g->aux)) return NULL;
    char *mem = malloc(cap);
    if (!mem) return NULL;
    g->aux[g->n_aux] = (mg_aux_block){mem, cap, bytes};
    g->aux_cur = g->n_aux++;
    return mem;
}

char *mg__aux_strdup(mg_graph *g, const char *s, size_t *cap) {
    size_t n = strlen(s) + 1;
    char *p = mg__aux_alloc(g, n);
    if (!p) return NULL;   /* *cap untouched: it describes the old bytes */
    memcpy(p, s, n);
    if (cap) *cap = n;
    return p;
}

