/* layout_place.c -- step 4 of the layout (see layout.c): coordinates.
 * Each cluster, innermost first, is packed column by column, every item as
 * level with its inputs as the items above it allow; a cluster is then one
 * rigid block in its parent. */
#include "teach/layout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
            if (d < fd || (fd && s->chain[it * MG_LAY_MAX_DEPTH + fd - 1] != gr)) continue;   /* not in gr */
            if (d == fd) {   /* an item of this frame */
                double y = sky[l], want = wanted_top(s, it, gr);
                if (!isnan(want) && want > y) y = want;
                s->y[it] = y;
                s->stamp[it] = gr + 1;
                sky[l] = y + s->h[it] + MG_PG_ROW_GAP;
                continue;
            }
            unsigned child = s->chain[it * MG_LAY_MAX_DEPTH + fd];
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
            for (unsigned k = 0; k < s->depth[i]; k++) mine |= s->chain[i * MG_LAY_MAX_DEPTH + k] == gr;
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

/* 4. coordinates */
int mg__lay_place(lay *s) {
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
