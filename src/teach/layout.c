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
#include "teach/layout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- clusters */

/* The drawn cluster of a node: its group if that exists (a reset may have
 * dropped it) and is at most MG_LAY_MAX_DEPTH deep, else its nearest ancestor that is. */
static unsigned drawn_group(const lay *s, const mg_value *v) {
    const mg_graph *g = mg_value_graph(v);
    unsigned gr = mg_value_group(v);
    if (gr > mg_group_count(g)) return 0;
    while (gr && s->L->groups[gr].depth > MG_LAY_MAX_DEPTH) gr = s->L->groups[gr].parent;
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
    unsigned c[MG_LAY_MAX_DEPTH + 1];
    unsigned d = 0;
    for (unsigned gr = s->grp[it]; gr && d < MG_LAY_MAX_DEPTH; gr = s->L->groups[gr].parent) c[d++] = gr;
    s->depth[it] = (unsigned char)d;
    for (unsigned k = 0; k < d; k++) s->chain[it * MG_LAY_MAX_DEPTH + k] = c[d - 1 - k];
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
    s->chain = grab(&fail, ni * MG_LAY_MAX_DEPTH, sizeof(unsigned));
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
    for (size_t l = 0; l < nl; l++) mg__lay_renumber(s, l);
    for (size_t i = 0; i < ni; i++) item_chain(s, i);

    /* which clusters are drawn: those holding a node (and their ancestors) */
    for (size_t i = 0; i < n; i++)
        for (unsigned gr = s->grp[i]; gr; gr = L->groups[gr].parent) L->groups[gr].n_nodes++;
    for (unsigned gr = 1; gr <= ng; gr++) s->glo[gr] = SIZE_MAX;
    for (size_t i = 0; i < ni; i++)
        for (unsigned k = 0; k < s->depth[i]; k++) {
            unsigned gr = s->chain[i * MG_LAY_MAX_DEPTH + k];
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
    if (!rc) rc = mg__lay_order(&s);
    if (!rc) rc = mg__lay_place(&s);
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
