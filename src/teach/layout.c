/* layout.c -- where each box of a graph picture goes, with no Graphviz.
 *
 * A layered drawing (Sugiyama's method, kept small):
 *   1. layers: a node sits one column right of its deepest input (longest
 *      path from the leaves), two when the edge leaves one cluster for a
 *      sibling (so that the next cluster's leaves get a column of their
 *      own and two layers of a network stand side by side, not in a
 *      staircase); a leaf sits just left of its first consumer, so a
 *      constant used late is drawn beside its use, not far away;
 *   2. an edge that spans several columns gets a "dummy" item in each
 *      column it crosses, so that it takes room and can bend around boxes;
 *   3. order within each column: barycenter sweeps (each item moves to the
 *      mean position of its neighbours in the column before, then after),
 *      comparing a cluster as a whole by the mean position of its members,
 *      so a cluster's items stay together; the order with the fewest
 *      crossings is kept;
 *   4. coordinates: each cluster, innermost first, is packed column by
 *      column in that order, every item as level with its inputs as the
 *      items above it allow; a cluster is then one rigid block in its
 *      parent.  Blocks never overlap, so clusters hold their nodes only.
 * Everything depends on the graph alone: the same graph, the same picture. */
#include "teach/page.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 6     /* deeper clusters are drawn as their ancestor */
#define MAX_SWEEPS 24   /* up to 12 rounds of a down and an up sweep */

/* The working state.  Items 0..n-1 are the nodes (topo order), n.. the
 * dummies.  Segments join items in adjacent columns (or, past the dummy
 * budget, an edge's two ends directly). */
typedef struct lay {
    mg__layout *L;
    size_t n, n_items, n_seg;
    size_t *layer;              /* [items] */
    unsigned *grp;              /* [items]: drawn cluster, 0 for none */
    double *h, *y;              /* [items] */
    size_t *seg_u, *seg_v;      /* [segments], u left of v */
    size_t *pred_first, *pred;  /* per item, the items its segments come from */
    size_t *succ_first, *succ;  /* ... and go to */
    size_t *col_first, *col;    /* items by column, in their current order */
    size_t *pos;                /* [items]: index within its column */
    double *key;                /* [items]: barycenter being sorted by */
    size_t *tmp;                /* merge sort scratch */
    unsigned *chain;            /* [items * MAX_DEPTH]: cluster ancestors, outermost first */
    unsigned char *depth;       /* [items]: length of its chain */
    double *gkey, *gsum;        /* [groups + 1] */
    size_t *gcnt;
    unsigned *stamp;            /* [items]: frame the item was placed in, +1 */
    double *colx, *colw;        /* [layers] */
    size_t *glo, *ghi;          /* [groups + 1]: column range of a cluster */
    size_t *gitem_first, *gitem;    /* items directly in each cluster */
    unsigned *gsub_first, *gsub;    /* clusters directly in each cluster */
} lay;

/* ------------------------------------------------------------- clusters */

/* The drawn cluster of a node: its group if that exists (a reset may have
 * dropped it) and is at most MAX_DEPTH deep, else its nearest ancestor that is. */
static unsigned drawn_group(const lay *s, const mg_value *v) {
    const mg_graph *g = mg_value_graph(v);
    unsigned gr = mg_value_group(v);
    if (gr > mg_group_count(g)) return 0;
    while (gr && s->L->groups[gr].depth > MAX_DEPTH) gr = s->L->groups[gr].parent;
    return gr;
}

/* The deepest cluster holding both a and b (0: the top level). */
static unsigned common_group(const lay *s, unsigned a, unsigned b) {
    const mg__pgroup *G = s->L->groups;
    while (a != b) {
        if (G[a].depth >= G[b].depth) a = G[a].parent;
        else b = G[b].parent;
    }
    return a;
}

/* Whether an edge from cluster a to cluster b goes from one child block of
 * their common cluster to another (then it gets an extra column). */
static int crosses_siblings(const lay *s, unsigned a, unsigned b) {
    const mg__pgroup *G = s->L->groups;
    unsigned c = common_group(s, a, b);
    if (a == c || b == c) return 0;
    while (G[a].parent != c) a = G[a].parent;
    while (G[b].parent != c) b = G[b].parent;
    return a != b;
}

/* The cluster of a dummy in column c of an edge from cluster a to b
 * (common: their common one): the innermost cluster around b whose nodes
 * reach back to column c, else the innermost around a whose nodes reach
 * forward to it, else the common one.  So an edge entering a block runs
 * inside it, and the block is not pushed down to make room for it. */
static unsigned dummy_group(const lay *s, unsigned a, unsigned b, unsigned common, size_t c,
                            const size_t *rlo, const size_t *rhi) {
    for (unsigned g = b; g && g != common; g = s->L->groups[g].parent)
        if (rlo[g] <= c) return g;
    for (unsigned g = a; g && g != common; g = s->L->groups[g].parent)
        if (rhi[g] >= c) return g;
    return common;
}

/* Fill in each group's parent and depth (a parent is made before its
 * children, so its id is lower; a bad parent is treated as none). */
static void group_tree(lay *s, const mg_graph *g) {
    mg__pgroup *G = s->L->groups;
    for (unsigned gr = 1; gr <= s->L->n_groups; gr++) {
        unsigned p = mg_group_parent(g, gr);
        G[gr].parent = p < gr ? p : 0;
        G[gr].depth = G[G[gr].parent].depth + 1;
    }
}

static void item_chain(lay *s, size_t it) {
    unsigned c[MAX_DEPTH + 1];
    unsigned d = 0;
    for (unsigned gr = s->grp[it]; gr && d < MAX_DEPTH; gr = s->L->groups[gr].parent) c[d++] = gr;
    s->depth[it] = (unsigned char)d;
    for (unsigned k = 0; k < d; k++) s->chain[it * MAX_DEPTH + k] = c[d - 1 - k];
}

/* ----------------------------------------------------------- ordering */

/* Order of two items of one column: find where their cluster chains part,
 * and compare what each has there -- a cluster by its key, an item by its
 * barycenter.  Ties keep the previous order. */
static int item_cmp(const lay *s, size_t a, size_t b) {
    const unsigned *ca = s->chain + a * MAX_DEPTH, *cb = s->chain + b * MAX_DEPTH;
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

static void renumber(lay *s, size_t l) {
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
            s->gsum[s->chain[it * MAX_DEPTH + k]] += p;
            s->gcnt[s->chain[it * MAX_DEPTH + k]]++;
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
        renumber(s, l);
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

/* ------------------------------------------------------- coordinates */

static double item_center(const lay *s, size_t it) { return s->y[it] + s->h[it] / 2; }

/* Move a placed cluster (everything in it) down by dy. */
static void shift_group(lay *s, unsigned gr, double dy) {
    s->L->groups[gr].y += dy;
    for (size_t k = s->gitem_first[gr]; k < s->gitem_first[gr + 1]; k++) s->y[s->gitem[k]] += dy;
    for (unsigned k = s->gsub_first[gr]; k < s->gsub_first[gr + 1]; k++) shift_group(s, s->gsub[k], dy);
}

static void stamp_group(lay *s, unsigned gr, unsigned frame) {
    for (size_t k = s->gitem_first[gr]; k < s->gitem_first[gr + 1]; k++) s->stamp[s->gitem[k]] = frame;
    for (unsigned k = s->gsub_first[gr]; k < s->gsub_first[gr + 1]; k++) stamp_group(s, s->gsub[k], frame);
}

/* Where a thing would like its top to be: as level with its inputs placed
 * in this frame as possible.  For a cluster, the mean offset that brings
 * its members level with their inputs outside it.  NAN: no opinion. */
static double wanted_top(const lay *s, size_t it, unsigned frame) {
    double sum = 0;
    size_t cnt = 0;
    for (size_t j = s->pred_first[it]; j < s->pred_first[it + 1]; j++)
        if (s->stamp[s->pred[j]] == frame + 1) sum += item_center(s, s->pred[j]), cnt++;
    return cnt ? sum / (double)cnt - s->h[it] / 2 : NAN;
}
static void wanted_offset(const lay *s, unsigned gr, unsigned frame, double *sum, size_t *cnt) {
    for (size_t k = s->gitem_first[gr]; k < s->gitem_first[gr + 1]; k++) {
        size_t it = s->gitem[k];
        for (size_t j = s->pred_first[it]; j < s->pred_first[it + 1]; j++)
            if (s->stamp[s->pred[j]] == frame + 1) *sum += item_center(s, s->pred[j]) - item_center(s, it), (*cnt)++;
    }
    for (unsigned k = s->gsub_first[gr]; k < s->gsub_first[gr + 1]; k++) wanted_offset(s, s->gsub[k], frame, sum, cnt);
}

/* Pack the contents of cluster gr (0: the whole picture) in its own frame
 * (y from its top), clusters inside it first.  sky[l] is the first free y
 * in column l.  Returns the height of the content. */
static int pack_group(lay *s, unsigned gr, double *sky) {
    for (unsigned k = s->gsub_first[gr]; k < s->gsub_first[gr + 1]; k++)
        if (pack_group(s, s->gsub[k], sky)) return -1;
    mg__pgroup *G = s->L->groups;
    size_t lo = gr ? s->glo[gr] : 0, hi = gr ? s->ghi[gr] : s->L->n_layers - 1;
    double top = gr ? MG_PG_CL_TITLE : 0;
    for (size_t l = lo; l <= hi; l++) sky[l] = top;
    for (size_t l = lo; l <= hi; l++) {
        /* the items of this frame in column l, in column order; a child
         * cluster is placed at the first of its items it meets in its first column */
        for (size_t k = s->col_first[l]; k < s->col_first[l + 1]; k++) {
            size_t it = s->col[k];
            unsigned d = s->depth[it];
            unsigned fd = gr ? G[gr].depth : 0;   /* chain index of the child below gr */
            if (d < fd || (fd && s->chain[it * MAX_DEPTH + fd - 1] != gr)) continue;   /* not in gr */
            if (d == fd) {   /* an item of this frame */
                double y = sky[l], want = wanted_top(s, it, gr);
                if (!isnan(want) && want > y) y = want;
                s->y[it] = y;
                s->stamp[it] = gr + 1;
                sky[l] = y + s->h[it] + MG_PG_ROW_GAP;
                continue;
            }
            unsigned child = s->chain[it * MAX_DEPTH + fd];
            if (s->stamp[it] == gr + 1 || s->glo[child] != l) continue;   /* placed already */
            double y = 0, sum = 0;
            size_t cnt = 0;
            for (size_t c = s->glo[child]; c <= s->ghi[child]; c++) y = sky[c] > y ? sky[c] : y;
            if (y < top) y = top;
            wanted_offset(s, child, gr, &sum, &cnt);
            if (cnt && sum / (double)cnt > y) y = sum / (double)cnt;
            shift_group(s, child, y);
            stamp_group(s, child, gr + 1);
            for (size_t c = s->glo[child]; c <= s->ghi[child]; c++) sky[c] = y + G[child].h + MG_PG_ROW_GAP;
        }
    }
    double bottom = top;
    for (size_t l = lo; l <= hi; l++) bottom = sky[l] - MG_PG_ROW_GAP > bottom ? sky[l] - MG_PG_ROW_GAP : bottom;
    if (gr) {
        G[gr].y = 0;
        G[gr].h = bottom + MG_PG_CL_PAD;
    } else {
        s->L->height = bottom;
    }
    return 0;
}

/* Packing puts an item level with its inputs; a leaf has none, so it went
 * to the top of the free room.  Now that everything is placed, slide each
 * leaf towards its consumers, as far as its neighbours in the column and
 * the clusters (its own, and the others there) let it. */
static void settle_leaves(lay *s) {
    const mg__pgroup *G = s->L->groups;
    for (size_t i = 0; i + 1 < s->n; i++) {
        if (s->L->topo[i]->op != MG_OP_LEAF || s->succ_first[i] == s->succ_first[i + 1]) continue;
        double want = 0;
        for (size_t j = s->succ_first[i]; j < s->succ_first[i + 1]; j++) want += item_center(s, s->succ[j]);
        want = want / (double)(s->succ_first[i + 1] - s->succ_first[i]) - s->h[i] / 2;
        size_t l = s->layer[i];
        double lo = 0, hi = INFINITY, y = s->y[i];
        if (s->grp[i]) {
            lo = G[s->grp[i]].y + MG_PG_CL_TITLE;
            hi = G[s->grp[i]].y + G[s->grp[i]].h - MG_PG_CL_PAD;
        }
        for (size_t k = s->col_first[l]; k < s->col_first[l + 1]; k++) {
            size_t j = s->col[k];
            if (j == i) continue;
            if (s->y[j] < y) lo = fmax(lo, s->y[j] + s->h[j] + MG_PG_ROW_GAP);
            else hi = fmin(hi, s->y[j] - MG_PG_ROW_GAP);
        }
        for (unsigned gr = 1; gr <= s->L->n_groups; gr++) {
            int mine = 0;
            for (unsigned k = 0; k < s->depth[i]; k++) mine |= s->chain[i * MAX_DEPTH + k] == gr;
            if (!G[gr].n_nodes || mine || l < s->glo[gr] || l > s->ghi[gr]) continue;
            if (G[gr].y < y) lo = fmax(lo, G[gr].y + G[gr].h + MG_PG_ROW_GAP);
            else hi = fmin(hi, G[gr].y - MG_PG_ROW_GAP);
        }
        if (lo <= hi - s->h[i]) s->y[i] = fmin(fmax(want, lo), hi - s->h[i]);
    }
    double bottom = 0;   /* a leaf may now stand lower than anything else */
    for (size_t i = 0; i < s->n_items; i++) bottom = fmax(bottom, s->y[i] + s->h[i]);
    for (unsigned gr = 1; gr <= s->L->n_groups; gr++)
        if (G[gr].n_nodes) bottom = fmax(bottom, G[gr].y + G[gr].h);
    s->L->height = bottom;
}

/* ---------------------------------------------------------- the whole */

static void *grab(int *fail, size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size);
    if (!p) *fail = 1;
    return p;
}

/* CSR adjacency from (from[i], to[i]) pairs: first[0..n] and list. */
static void csr(size_t n, size_t m, const size_t *from, const size_t *to, size_t *first, size_t *list) {
    memset(first, 0, (n + 1) * sizeof *first);
    for (size_t i = 0; i < m; i++) first[from[i] + 1]++;
    for (size_t i = 0; i < n; i++) first[i + 1] += first[i];
    for (size_t i = 0; i < m; i++) list[first[from[i]]++] = to[i];
    for (size_t i = n; i > 0; i--) first[i] = first[i - 1];
    first[0] = 0;
}

/* A node's glyph: the op circle (if any) and a box wide enough for its
 * label and its numbers. */
static void node_size(const mg_value *v, double grad, int grad_row, double *w, double *h) {
    char b[32];
    size_t chars = mg__box_label_len(v), num = strlen(mg__fmt_short(b, v->data));
    if (grad_row && strlen(mg__fmt_short(b, grad)) > num) num = strlen(b);
    if (num + 5 > chars) chars = num + 5;   /* "data " / "grad " before the number */
    *w = mg__op_width(v) + 2 * MG_PG_BOX_PAD + MG_PG_CHAR_W * (double)chars;
    *h = 2 * MG_PG_BOX_PAD + MG_PG_ROW_H * (grad_row ? 3 : 2);
}

static int build(lay *s, const mg_value *root, int clusters, const double *grads) {
    mg__layout *L = s->L;
    int fail = 0;
    size_t n;
    mg_value **topo = mg__topo(root, &n);
    if (!topo) return -1;
    const mg_graph *g = mg_value_graph(root);
    L->n = s->n = n;
    L->topo = grab(&fail, n, sizeof *L->topo);
    L->nodes = grab(&fail, n, sizeof *L->nodes);
    L->n_groups = clusters ? mg_group_count(g) : 0;
    L->groups = grab(&fail, L->n_groups + 1, sizeof *L->groups);
    if (fail) return -1;
    memcpy(L->topo, topo, n * sizeof *topo);
    group_tree(s, g);

    /* edges, node by node, inputs in order */
    for (size_t i = 0; i < n; i++) L->n_edges += mg__arity(L->topo[i]);
    L->edges = grab(&fail, L->n_edges, sizeof *L->edges);
    size_t *e_from = grab(&fail, L->n_edges, sizeof(size_t)), *e_to = grab(&fail, L->n_edges, sizeof(size_t));
    size_t *layer0 = grab(&fail, n, sizeof(size_t));
    if (fail) return free(e_from), free(e_to), free(layer0), -1;
    for (size_t i = 0, e = 0; i < n; i++)
        for (size_t k = 0; k < mg__arity(L->topo[i]); k++, e++) {
            size_t j = mg__topo_index(L->topo, n, mg__input(L->topo[i], k));
            L->edges[e] = (mg__pedge){j, i, k, 0, 0};
            e_from[e] = j, e_to[e] = i;
        }

    /* 1. layers: longest path from the leaves, then leaves beside their first use */
    unsigned *ngrp = grab(&fail, n, sizeof(unsigned));
    if (fail) return free(e_from), free(e_to), free(layer0), -1;
    for (size_t i = 0; i < n; i++) ngrp[i] = clusters ? drawn_group(s, L->topo[i]) : 0;
    for (size_t e = 0; e < L->n_edges; e++) {
        size_t step = 1 + (L->topo[e_from[e]]->op != MG_OP_LEAF &&
                           crosses_siblings(s, ngrp[e_from[e]], ngrp[e_to[e]]));
        if (layer0[e_from[e]] + step > layer0[e_to[e]]) layer0[e_to[e]] = layer0[e_from[e]] + step;
    }
    free(ngrp);
    for (size_t i = 0; i + 1 < n; i++)
        if (L->topo[i]->op == MG_OP_LEAF) layer0[i] = SIZE_MAX;
    for (size_t e = 0; e < L->n_edges; e++)
        if (L->topo[e_from[e]]->op == MG_OP_LEAF && e_from[e] + 1 < n && layer0[e_to[e]] - 1 < layer0[e_from[e]])
            layer0[e_from[e]] = layer0[e_to[e]] - 1;
    L->n_layers = layer0[n - 1] + 1;

    /* 2. dummies for long edges, up to a budget (past it, an edge is drawn straight) */
    size_t budget = 8 * n + 1000, n_dummy = 0;
    for (size_t e = 0; e < L->n_edges; e++) {
        size_t span = layer0[e_to[e]] - layer0[e_from[e]];
        if (span > 1 && n_dummy + span - 1 <= budget) n_dummy += span - 1;
    }
    s->n_items = n + n_dummy;
    size_t ni = s->n_items, nseg = L->n_edges + n_dummy;
    s->layer = grab(&fail, ni, sizeof(size_t));
    s->grp = grab(&fail, ni, sizeof(unsigned));
    s->h = grab(&fail, ni, sizeof(double));
    s->y = grab(&fail, ni, sizeof(double));
    s->seg_u = grab(&fail, nseg, sizeof(size_t));
    s->seg_v = grab(&fail, nseg, sizeof(size_t));
    L->pts = grab(&fail, 4 * n_dummy, sizeof(double));
    if (fail) return free(e_from), free(e_to), free(layer0), -1;
    memcpy(s->layer, layer0, n * sizeof *layer0);
    for (size_t i = 0; i < n; i++) {
        L->nodes[i].v = L->topo[i];
        L->nodes[i].layer = layer0[i];
        s->grp[i] = clusters ? drawn_group(s, L->topo[i]) : 0;
        L->nodes[i].group = s->grp[i];
        node_size(L->topo[i], grads ? grads[i] : 0.0, grads != NULL, &L->nodes[i].w, &L->nodes[i].h);
        s->h[i] = L->nodes[i].h;
    }
    /* each cluster's columns, from its nodes: where its dummies may go */
    size_t *rlo = grab(&fail, L->n_groups + 1, sizeof(size_t)), *rhi = grab(&fail, L->n_groups + 1, sizeof(size_t));
    if (fail) return free(e_from), free(e_to), free(layer0), free(rlo), free(rhi), -1;
    for (unsigned gr = 0; gr <= L->n_groups; gr++) rlo[gr] = SIZE_MAX;
    for (size_t i = 0; i < n; i++)
        for (unsigned gr = s->grp[i]; gr; gr = L->groups[gr].parent) {
            if (layer0[i] < rlo[gr]) rlo[gr] = layer0[i];
            if (layer0[i] > rhi[gr]) rhi[gr] = layer0[i];
        }
    size_t it = n;
    for (size_t e = 0; e < L->n_edges; e++) {
        size_t u = e_from[e], first = layer0[u], span = layer0[e_to[e]] - first;
        if (span > 1 && it + span - 1 <= ni) {
            unsigned common = common_group(s, s->grp[u], s->grp[e_to[e]]);
            L->edges[e].first_pt = 2 * (it - n);
            L->edges[e].n_pts = 2 * (span - 1);
            for (size_t d = 1; d < span; d++, it++) {
                s->layer[it] = first + d;
                s->grp[it] = dummy_group(s, s->grp[u], s->grp[e_to[e]], common, first + d, rlo, rhi);
                s->h[it] = MG_PG_DUMMY_H;
                s->seg_u[s->n_seg] = u, s->seg_v[s->n_seg++] = it;
                u = it;
            }
        }
        s->seg_u[s->n_seg] = u, s->seg_v[s->n_seg++] = e_to[e];
    }
    free(e_from), free(e_to), free(layer0), free(rlo), free(rhi);

    /* adjacency, columns, cluster chains and contents */
    size_t nl = L->n_layers;
    unsigned ng = L->n_groups;
    s->pred_first = grab(&fail, ni + 1, sizeof(size_t));
    s->pred = grab(&fail, s->n_seg, sizeof(size_t));
    s->succ_first = grab(&fail, ni + 1, sizeof(size_t));
    s->succ = grab(&fail, s->n_seg, sizeof(size_t));
    s->col_first = grab(&fail, nl + 2, sizeof(size_t));
    s->col = grab(&fail, ni, sizeof(size_t));
    s->pos = grab(&fail, ni, sizeof(size_t));
    s->key = grab(&fail, ni, sizeof(double));
    s->tmp = grab(&fail, ni, sizeof(size_t));
    s->chain = grab(&fail, ni * MAX_DEPTH, sizeof(unsigned));
    s->depth = grab(&fail, ni, 1);
    s->gkey = grab(&fail, ng + 1, sizeof(double));
    s->gsum = grab(&fail, ng + 1, sizeof(double));
    s->gcnt = grab(&fail, ng + 1, sizeof(size_t));
    s->stamp = grab(&fail, ni, sizeof(unsigned));
    s->colx = grab(&fail, nl, sizeof(double));
    s->colw = grab(&fail, nl, sizeof(double));
    s->glo = grab(&fail, ng + 1, sizeof(size_t));
    s->ghi = grab(&fail, ng + 1, sizeof(size_t));
    s->gitem_first = grab(&fail, ng + 2, sizeof(size_t));
    s->gitem = grab(&fail, ni, sizeof(size_t));
    s->gsub_first = grab(&fail, ng + 2, sizeof(unsigned));
    s->gsub = grab(&fail, ng + 1, sizeof(unsigned));
    if (fail) return -1;
    csr(ni, s->n_seg, s->seg_v, s->seg_u, s->pred_first, s->pred);
    csr(ni, s->n_seg, s->seg_u, s->seg_v, s->succ_first, s->succ);
    for (size_t i = 0; i < ni; i++) s->col_first[s->layer[i] + 1]++;
    for (size_t l = 0; l < nl; l++) s->col_first[l + 1] += s->col_first[l];
    for (size_t i = 0; i < ni; i++) s->col[s->col_first[s->layer[i]]++] = i;   /* item order */
    for (size_t l = nl; l > 0; l--) s->col_first[l] = s->col_first[l - 1];
    s->col_first[0] = 0;
    for (size_t l = 0; l < nl; l++) renumber(s, l);
    for (size_t i = 0; i < ni; i++) item_chain(s, i);

    /* which clusters are drawn: those holding a node (and their ancestors) */
    for (size_t i = 0; i < n; i++)
        for (unsigned gr = s->grp[i]; gr; gr = L->groups[gr].parent) L->groups[gr].n_nodes++;
    for (unsigned gr = 1; gr <= ng; gr++) s->glo[gr] = SIZE_MAX;
    for (size_t i = 0; i < ni; i++)
        for (unsigned k = 0; k < s->depth[i]; k++) {
            unsigned gr = s->chain[i * MAX_DEPTH + k];
            if (s->layer[i] < s->glo[gr]) s->glo[gr] = s->layer[i];
            if (s->layer[i] > s->ghi[gr]) s->ghi[gr] = s->layer[i];
        }
    for (size_t i = 0; i < ni; i++) s->gitem_first[s->grp[i] + 1]++;
    for (unsigned gr = 0; gr <= ng; gr++) s->gitem_first[gr + 1] += s->gitem_first[gr];
    for (size_t i = 0; i < ni; i++) s->gitem[s->gitem_first[s->grp[i]]++] = i;
    for (unsigned gr = ng + 1; gr > 0; gr--) s->gitem_first[gr] = s->gitem_first[gr - 1];
    s->gitem_first[0] = 0;
    for (unsigned gr = 1; gr <= ng; gr++)
        if (L->groups[gr].n_nodes) s->gsub_first[L->groups[gr].parent + 1]++;
    for (unsigned gr = 0; gr <= ng; gr++) s->gsub_first[gr + 1] += s->gsub_first[gr];
    for (unsigned gr = 1; gr <= ng; gr++)
        if (L->groups[gr].n_nodes) s->gsub[s->gsub_first[L->groups[gr].parent]++] = gr;
    for (unsigned gr = ng + 1; gr > 0; gr--) s->gsub_first[gr] = s->gsub_first[gr - 1];
    s->gsub_first[0] = 0;
    return 0;
}

/* 3. the order: sweeps, keeping the best one seen */
static int order(lay *s) {
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
        renumber(s, l);
    }
    size_t best_x = count_crossings(s, pairs, tree), stale = 0;
    s->L->crossings_start = best_x;
    memcpy(best, s->col, s->n_items * sizeof *best);
    for (int k = 0; k < MAX_SWEEPS && best_x > 0 && stale < 4; k++) {
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
    for (size_t l = 0; l < s->L->n_layers; l++) renumber(s, l);
    s->L->crossings = best_x;
    free(pairs), free(tree), free(best);
    return 0;
}

/* 4. coordinates */
static int place(lay *s) {
    mg__layout *L = s->L;
    size_t nl = L->n_layers;
    unsigned maxd = 0;
    for (unsigned gr = 1; gr <= L->n_groups; gr++)
        if (L->groups[gr].n_nodes && L->groups[gr].depth > maxd) maxd = L->groups[gr].depth;
    /* each side of a column gap holds a margin per nesting level */
    double gap = MG_PG_COL_GAP + (maxd > 2 ? 2 * MG_PG_CL_PAD * (maxd - 2) : 0);
    double left = MG_PG_MARGIN + MG_PG_CL_PAD * maxd;
    for (size_t i = 0; i < s->n; i++)
        if (L->nodes[i].w > s->colw[L->nodes[i].layer]) s->colw[L->nodes[i].layer] = L->nodes[i].w;
    for (size_t l = 0; l < nl; l++) s->colx[l] = l ? s->colx[l - 1] + s->colw[l - 1] + gap : left;

    double *sky = malloc(nl * sizeof *sky);
    if (!sky) return -1;
    int rc = pack_group(s, 0, sky);
    free(sky);
    if (rc) return -1;
    settle_leaves(s);

    double top = MG_PG_MARGIN + MG_PG_CL_PAD * maxd;
    for (size_t i = 0; i < s->n; i++) {
        L->nodes[i].x = s->colx[L->nodes[i].layer];
        L->nodes[i].y = s->y[i] + top;
    }
    for (size_t e = 0; e < L->n_edges; e++) {
        /* the dummies of edge e were made consecutively, left to right */
        for (size_t d = 0; d < L->edges[e].n_pts / 2; d++) {
            size_t it = s->n + L->edges[e].first_pt / 2 + d, l = s->layer[it];
            double cy = s->y[it] + top + MG_PG_DUMMY_H / 2;
            double *p = L->pts + 2 * (L->edges[e].first_pt + 2 * d);
            p[0] = s->colx[l], p[1] = cy, p[2] = s->colx[l] + s->colw[l], p[3] = cy;
        }
    }
    /* cluster boxes: their columns, widened by a margin per level of
     * clusters inside them (children have higher ids than their parents, so
     * a downward walk sees every child before its parent) */
    unsigned *inner = calloc((size_t)L->n_groups + 1, sizeof *inner);
    if (!inner) return -1;
    for (unsigned gr = L->n_groups; gr >= 1; gr--) {
        mg__pgroup *G = &L->groups[gr];
        if (!G->n_nodes) continue;
        if (G->parent && inner[G->parent] < inner[gr] + 1) inner[G->parent] = inner[gr] + 1;
        double pad = MG_PG_CL_PAD * (inner[gr] + 1);
        G->x = s->colx[s->glo[gr]] - pad;
        G->w = s->colx[s->ghi[gr]] + s->colw[s->ghi[gr]] + pad - G->x;
        G->y += top;
    }
    free(inner);
    L->width = s->colx[nl - 1] + s->colw[nl - 1] + left;
    L->height += 2 * top;
    return 0;
}

static void lay_free(lay *s) {
    free(s->layer), free(s->grp), free(s->h), free(s->y), free(s->seg_u), free(s->seg_v);
    free(s->pred_first), free(s->pred), free(s->succ_first), free(s->succ);
    free(s->col_first), free(s->col), free(s->pos), free(s->key), free(s->tmp);
    free(s->chain), free(s->depth), free(s->gkey), free(s->gsum), free(s->gcnt), free(s->stamp);
    free(s->colx), free(s->colw), free(s->glo), free(s->ghi);
    free(s->gitem_first), free(s->gitem), free(s->gsub_first), free(s->gsub);
}

int mg__layout_make(mg__layout *L, const mg_value *root, int clusters, const double *grads) {
    memset(L, 0, sizeof *L);
    if (!root) return -1;
    L->grad_row = grads != NULL;
    lay s = {0};
    s.L = L;
    int rc = build(&s, root, clusters, grads);
    if (!rc) rc = order(&s);
    if (!rc) rc = place(&s);
    lay_free(&s);
    if (rc) mg__layout_free(L);
    return rc;
}

void mg__layout_free(mg__layout *L) {
    free(L->nodes), free(L->topo), free(L->edges), free(L->pts), free(L->groups);
    memset(L, 0, sizeof *L);
}

size_t mg__layout_index(const mg__layout *L, const mg_value *v) {
    return mg__topo_index(L->topo, L->n, v);
}

/* The y where edge e crosses column c (layer(from) <= c <= layer(to)):
 * node centres at its ends, its bend points between. */
static double edge_y_at(const mg__layout *L, const mg__pedge *e, size_t c) {
    const mg__pnode *a = &L->nodes[e->from], *b = &L->nodes[e->to];
    if (c == a->layer) return a->y + a->h / 2;
    if (c == b->layer) return b->y + b->h / 2;
    return L->pts[2 * (e->first_pt + 2 * (c - a->layer - 1)) + 1];
}

size_t mg__layout_count_crossings(const mg__layout *L) {
    size_t total = 0;
    for (size_t l = 0; l + 1 < L->n_layers; l++)
        for (size_t i = 0; i < L->n_edges; i++) {
            const mg__pedge *a = &L->edges[i];
            size_t la = L->nodes[a->from].layer, ra = L->nodes[a->to].layer;
            if (l < la || l + 1 > ra || (ra - la > 1 && !a->n_pts)) continue;
            for (size_t j = i + 1; j < L->n_edges; j++) {
                const mg__pedge *b = &L->edges[j];
                size_t lb = L->nodes[b->from].layer, rb = L->nodes[b->to].layer;
                if (l < lb || l + 1 > rb || (rb - lb > 1 && !b->n_pts)) continue;
                double d0 = edge_y_at(L, a, l) - edge_y_at(L, b, l);
                double d1 = edge_y_at(L, a, l + 1) - edge_y_at(L, b, l + 1);
                if ((d0 < 0 && d1 > 0) || (d0 > 0 && d1 < 0)) total++;
            }
        }
    return total;
}
