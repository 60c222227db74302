/* layout.h -- what the files of the layout share (layout.c builds the
 * columns and the dummies, layout_order.c orders each column,
 * layout_place.c gives the coordinates): the working state. */
#ifndef MG_LAYOUT_H
#define MG_LAYOUT_H

#include "teach/page.h"

#define MG_LAY_MAX_DEPTH 6     /* deeper clusters are drawn as their ancestor */
#define MG_LAY_MAX_SWEEPS 24   /* up to 12 rounds of a down and an up sweep */

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
    unsigned *chain;            /* [items * MG_LAY_MAX_DEPTH]: cluster ancestors, outermost first */
    unsigned char *depth;       /* [items]: length of its chain */
    double *gkey, *gsum;        /* [groups + 1] */
    size_t *gcnt;
    unsigned *stamp;            /* [items]: frame the item was placed in, +1 */
    double *colx, *colw;        /* [layers] */
    size_t *glo, *ghi;          /* [groups + 1]: column range of a cluster */
    size_t *gitem_first, *gitem;    /* items directly in each cluster */
    unsigned *gsub_first, *gsub;    /* clusters directly in each cluster */
} lay;

/* layout.c: renumber column l's positions after a change of order */
void mg__lay_renumber(lay *s, size_t l);
/* layout_order.c: order every column to few crossings (0, or -1 when out
 * of memory); layout_place.c: the coordinates (0 or -1 likewise) */
int mg__lay_order(lay *s);
int mg__lay_place(lay *s);

#endif
