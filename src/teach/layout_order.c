/* layout_order.c -- step 3 of the layout (see layout.c): the order of
 * the items in each column, by barycenter sweeps that keep every cluster
 * together, keeping the order with the fewest crossings. */
#include "teach/layout.h"

#include <stdlib.h>
#include <string.h>

/* ----------------------------------------------------------- ordering */

/* Order of two items of one column: find where their cluster chains part,
 * and compare what each has there -- a cluster by its key, an item by its
 * barycenter.  Ties keep the previous order. */
static int item_cmp(const lay *s, size_t a, size_t b) {
    const unsigned *ca = s->chain + a * MG_LAY_MAX_DEPTH, *cb = s->chain + b * MG_LAY_MAX_DEPTH;
    unsigned da = s->depth[a], db = s->depth[b], d = 0;
    while (d < da && d < db && ca[d] == cb[d]) d++;
    double ka = d < da ? s->gkey[ca[d]] : s->key[a];
    double kb = d < db ? s->gkey[cb[d]] : s->key[b];
    if (ka != kb) return ka < kb ? -1 : 1;
    unsigned ta = d < da ? ca[d] : 0, tb = d < db ? cb[d] : 0;
    if (ta != tb) return ta < tb ? -1 : 1;
    return s->pos[a] < s->pos[b] ? -1 : s->pos[a] > s->pos[b];
}

/* Stable merge sort of a[0..n) by item_cmp (qsort has no context). */
static void sort_items(const lay *s, size_t *a, size_t n) {
    size_t *t = s->tmp;
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) t[k++] = item_cmp(s, a[j], a[i]) < 0 ? a[j++] : a[i++];
            while (i < mid) t[k++] = a[i++];
            while (j < hi) t[k++] = a[j++];
        }
        memcpy(a, t, n * sizeof *a);
    }
}

static double norm_pos(const lay *s, size_t it) {
    size_t l = s->layer[it];
    return ((double)s->pos[it] + 0.5) / (double)(s->col_first[l + 1] - s->col_first[l]);
}

void mg__lay_renumber(lay *s, size_t l) {
    for (size_t k = s->col_first[l]; k < s->col_first[l + 1]; k++) s->pos[s->col[k]] = k - s->col_first[l];
}

/* Each cluster's key: the mean position of everything inside it. */
static void group_keys(lay *s) {
    unsigned ng = s->L->n_groups;
    memset(s->gsum, 0, (ng + 1) * sizeof *s->gsum);
    memset(s->gcnt, 0, (ng + 1) * sizeof *s->gcnt);
    for (size_t it = 0; it < s->n_items; it++) {
        double p = norm_pos(s, it);
        for (unsigned k = 0; k < s->depth[it]; k++) {
            s->gsum[s->chain[it * MG_LAY_MAX_DEPTH + k]] += p;
            s->gcnt[s->chain[it * MG_LAY_MAX_DEPTH + k]]++;
        }
    }
    for (unsigned gr = 1; gr <= ng; gr++) s->gkey[gr] = s->gcnt[gr] ? s->gsum[gr] / (double)s->gcnt[gr] : 0;
}

/* One sweep: down (each column by its inputs) or up (by its consumers). */
static void sweep(lay *s, int down) {
    size_t nl = s->L->n_layers;
    group_keys(s);
    for (size_t step = 1; step < nl; step++) {
        size_t l = down ? step : nl - 1 - step;
        const size_t *first = down ? s->pred_first : s->succ_first, *nb = down ? s->pred : s->succ;
        for (size_t k = s->col_first[l]; k < s->col_first[l + 1]; k++) {
            size_t it = s->col[k];
            double sum = 0;
            for (size_t j = first[it]; j < first[it + 1]; j++) sum += norm_pos(s, nb[j]);
            size_t cnt = first[it + 1] - first[it];
            s->key[it] = cnt ? sum / (double)cnt : norm_pos(s, it);
        }
        sort_items(s, s->col + s->col_first[l], s->col_first[l + 1] - s->col_first[l]);
        mg__lay_renumber(s, l);
    }
}

/* Crossings between adjacent columns: per column pair, the segments sorted
 * by their left end, then the inversions of their right ends (counted with
 * a Fenwick tree).  Segments that share an end never cross. */
typedef struct pair { size_t u, v; } pair;
static int pair_cmp(const void *a, const void *b) {
    const pair *p = a, *q = b;
    if (p->u != q->u) return p->u < q->u ? -1 : 1;
    return p->v < q->v ? -1 : p->v > q->v;
}
static size_t count_crossings(const lay *s, pair *pairs, size_t *tree) {
    size_t total = 0;
    for (size_t l = 0; l + 1 < s->L->n_layers; l++) {
        size_t m = 0, width = s->col_first[l + 2] - s->col_first[l + 1];
        for (size_t k = s->col_first[l]; k < s->col_first[l + 1]; k++) {
            size_t it = s->col[k];
            for (size_t j = s->succ_first[it]; j < s->succ_first[it + 1]; j++)
                if (s->layer[s->succ[j]] == l + 1) pairs[m++] = (pair){s->pos[it], s->pos[s->succ[j]]};
        }
        qsort(pairs, m, sizeof *pairs, pair_cmp);
        memset(tree, 0, (width + 1) * sizeof *tree);
        for (size_t i = 0; i < m; i++) {
            /* segment i crosses each earlier one whose right end is strictly
             * lower (further down the column); an earlier one with the same
             * left end has a right end no lower, so sharing an end is never
             * a crossing */
            size_t not_lower = 0;   /* earlier right ends at or above v */
            for (size_t k = pairs[i].v + 1; k > 0; k -= k & (~k + 1)) not_lower += tree[k];
            total += i - not_lower;
            for (size_t k = pairs[i].v + 1; k <= width; k += k & (~k + 1)) tree[k]++;
        }
    }
    return total;
}

/* 3. the order: sweeps, keeping the best one seen */
int mg__lay_order(lay *s) {
    pair *pairs = malloc((s->n_seg ? s->n_seg : 1) * sizeof *pairs);
    size_t *tree = malloc((s->n_items + 2) * sizeof *tree);
    size_t *best = malloc((s->n_items ? s->n_items : 1) * sizeof *best);
    if (!pairs || !tree || !best) {
        free(pairs), free(tree), free(best);
        return -1;
    }
    /* first, cluster members together: one sort of every column by the
     * clusters' keys, items keeping their creation order */
    group_keys(s);
    for (size_t l = 0; l < s->L->n_layers; l++) {
        for (size_t k = s->col_first[l]; k < s->col_first[l + 1]; k++) s->key[s->col[k]] = norm_pos(s, s->col[k]);
        sort_items(s, s->col + s->col_first[l], s->col_first[l + 1] - s->col_first[l]);
        mg__lay_renumber(s, l);
    }
    size_t best_x = count_crossings(s, pairs, tree), stale = 0;
    s->L->crossings_start = best_x;
    memcpy(best, s->col, s->n_items * sizeof *best);
    for (int k = 0; k < MG_LAY_MAX_SWEEPS && best_x > 0 && stale < 4; k++) {
        sweep(s, k % 2 == 0);
        size_t x = count_crossings(s, pairs, tree);
        if (x < best_x) {
            best_x = x, stale = 0;
            memcpy(best, s->col, s->n_items * sizeof *best);
        } else {
            stale++;
        }
    }
    memcpy(s->col, best, s->n_items * sizeof *best);
    for (size_t l = 0; l < s->L->n_layers; l++) mg__lay_renumber(s, l);
    s->L->crossings = best_x;
    free(pairs), free(tree), free(best);
    return 0;
}
