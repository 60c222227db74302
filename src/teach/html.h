/* html.h -- what the page writer's two files share: the page, every step
 * and text computed before a byte is written (html_page.c), and the
 * writing itself (html.c). */
#ifndef MG_HTML_H
#define MG_HTML_H

#include "teach/page.h"

#define EXPLAIN_MAX_NODES 3000   /* above this, no per-node explanations (n^2) */
#define EXPLAIN_CAP 6000         /* bytes of one explanation kept in the page, */
#define EXPLAIN_BUDGET 300000    /* ... fewer on big graphs: about this many in all */
#define EXPLAIN_MIN 600

/* A piece of text written into the temporary file: where and how long. */
typedef struct seg { long at, len; } seg;

/* Everything a page is made of, computed before a byte is written. */
typedef struct page {
    const mg_value *root;
    mg_page_options o;
    mg_lang lang;
    mg__layout L;
    size_t n;
    double *grads;
    mg__edge_step *steps;      /* backward, in the order applied */
    size_t *edge0;             /* [n + 1]: first edge of each node in L.edges */
    long *fwd, *fin, *upd;     /* [n]: step where data shows, grad is final, update happens */
    double *new_value;         /* [n]: after the update */
    FILE *t;
    seg *fwd_text, *loc_text, *ex_text, *step_text;
    size_t n_steps;
    /* steps: 0 start, then forward, root, backward edges, updates, losses */
    size_t first_fwd, first_bwd, first_upd, first_loss, n_fwd, n_bwd, n_upd, n_loss_steps;
    size_t *fwd_node, *upd_node, *loss_k;
} page;

/* html_page.c: compute everything the page shows (0, or -1 when out of
 * memory); free it (also after a failure). */
int mg__page_make(page *p);
void mg__page_free(page *p);

#endif
