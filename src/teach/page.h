/* page.h -- what the picture writers share: the layout of a graph
 * (layout.c), the static SVG (svg.c) and the HTML page (html.c).
 *
 * The picture reads left to right like micrograd's draw_dot: inputs on the
 * left, the root on the right, one box per value (label, data, grad) with
 * its operation in a circle at the box's left edge, where the edges from
 * its inputs arrive.  Groups (mg_group_push) become clusters: rounded
 * rectangles that hold their nodes and nothing else. */
#ifndef MG_PAGE_H
#define MG_PAGE_H

#include "teach/teach.h"

/* Sizes in SVG user units (pixels at zoom 1), chosen for a projector:
 * the text of a box is 18 px monospace, about 11 px a character. */
#define MG_PG_FONT 18.0      /* size of the numbers and labels in boxes */
#define MG_PG_CHAR_W 11.0    /* width of one character at that size */
#define MG_PG_ROW_H 24.0     /* one line of a box */
#define MG_PG_BOX_PAD 8.0    /* inside a box, around its text */
#define MG_PG_OP_R 17.0      /* radius of the operation's circle (a pill when wider) */
#define MG_PG_OP_GAP 8.0     /* between the circle and the box */
#define MG_PG_COL_GAP 60.0   /* horizontal room between columns, for edges */
#define MG_PG_ROW_GAP 16.0   /* vertical room between boxes */
#define MG_PG_DUMMY_H 8.0    /* height a long edge takes where it crosses a column */
#define MG_PG_CL_PAD 12.0    /* a cluster's margin around what it holds */
#define MG_PG_CL_TITLE 26.0  /* room for a cluster's name above its content */
#define MG_PG_MARGIN 24.0    /* around the whole picture */
#define MG_PG_MAX_LABEL 24   /* characters of a label shown in a box */

/* One value, placed.  Nodes are kept in topological order (inputs first,
 * the root last), so an index into the layout's nodes is a topo index. */
typedef struct mg__pnode {
    const mg_value *v;
    size_t layer;          /* column, 0 at the left */
    double x, y, w, h;     /* the whole glyph: op circle (if any) and box */
    unsigned group;        /* its cluster, 0 for none */
} mg__pnode;

/* One edge, input -> node (slot `slot` of `to`), drawn from the input's
 * right edge through n_pts bend points (where it crosses the columns in
 * between) to the node's operation circle. */
typedef struct mg__pedge {
    size_t from, to, slot;
    size_t first_pt, n_pts;   /* its bend points: pts[2*first_pt ..] as x, y */
} mg__pedge;

/* One cluster (a group that holds at least one drawn node, or holds such
 * a group).  w == 0 marks a group that is not drawn. */
typedef struct mg__pgroup {
    unsigned parent;       /* enclosing drawn cluster, 0 for none */
    unsigned depth;        /* 1 for a top-level cluster */
    double x, y, w, h;
    size_t n_nodes;        /* nodes inside it, nested clusters included */
} mg__pgroup;

typedef struct mg__layout {
    size_t n;                  /* nodes reachable from the root */
    mg__pnode *nodes;          /* [n], topological order */
    mg_value **topo;           /* [n], the layout's own copy of the order */
    size_t n_edges;
    mg__pedge *edges;          /* [n_edges]: node by node, inputs in order */
    double *pts;               /* bend points, x and y interleaved */
    unsigned n_groups;         /* the graph's groups: ids 1..n_groups */
    mg__pgroup *groups;        /* [n_groups + 1]; groups[0] unused */
    size_t n_layers;
    double width, height;      /* of the whole picture, margins included */
    size_t crossings;          /* edge crossings between adjacent columns */
    size_t crossings_start;    /* ... in the first order, before the sweeps */
    int grad_row;              /* boxes have a grad line */
} mg__layout;

/* Lay out the graph reachable from root: layers by longest path from the
 * leaves (a leaf sits just left of its first consumer), order in each layer
 * by barycenter sweeps that keep every cluster together, then coordinates
 * packed column by column, each box as level with its inputs as the boxes
 * above it allow.  `clusters` 0 ignores groups.  grads[i] is the gradient
 * node i's box shows (topological order, as mg__topo gives it; its width
 * depends on it); NULL makes boxes without the grad line.  Deterministic: depends only on the graph.
 * Returns 0, or -1 when out of memory (L is then empty and may be freed). */
int mg__layout_make(mg__layout *L, const mg_value *root, int clusters, const double *grads);
void mg__layout_free(mg__layout *L);

/* Topo index of v in the layout, or L->n when it is not there. */
size_t mg__layout_index(const mg__layout *L, const mg_value *v);

/* Crossings between adjacent columns for the layout's current order (the
 * layout reports the figure of the order it kept in L->crossings). */
size_t mg__layout_count_crossings(const mg__layout *L);

/* ---- text in pictures and pages (svg.c) */

/* Characters v's label takes in a box (its mg__put_text form, cut to
 * MG_PG_MAX_LABEL), or of "#id". */
size_t mg__box_label_len(const mg_value *v);

/* A number as a box shows it: four decimals, or 3 significant digits in
 * e-notation when that would hide it; "nan", "inf", "-inf".  Locale-proof.
 * Returns buf. */
char *mg__fmt_short(char buf[32], double x);

/* Write s as XML/HTML text or attribute value: & < > " ' as entities;
 * backslash, control characters, bytes that are not UTF-8 and the
 * characters XML forbids (U+FFFE, U+FFFF) as the text \\ \n \t \xNN, the
 * way mg__put_text writes them, so the file always parses.  With max > 0
 * at most max characters are written, then an ellipsis.  Returns the
 * characters of text written. */
size_t mg__put_xml(FILE *out, const char *s, size_t max);

/* v's name (label or #id) through mg__put_xml. */
void mg__put_xml_name(FILE *out, const mg_value *v, size_t max);

/* What v's operation circle shows ("*", "tanh", "**2"; "" for a leaf)
 * into buf, and the room the circle takes left of the box (0 for a leaf). */
const char *mg__op_text(char buf[40], const mg_value *v);
double mg__op_width(const mg_value *v);

/* The graph as an <svg> element (no XML declaration), from a layout.
 * grads[i] is node i's gradient (its data-grad, and its grad line when the
 * layout has one).  `page` flags: MG__SVG_PAGE adds what the HTML page
 * needs (ids, cluster covers, no <style>), MG__SVG_QUIZ shows "?" for
 * every gradient.  title (or NULL) becomes the picture's <title>. */
#define MG__SVG_PAGE 1
#define MG__SVG_QUIZ 2
void mg__svg_graph(FILE *out, const mg__layout *L, const double *grads, int page, mg_lang lang,
                   const char *title);

/* The picture's CSS (svg.c), shared by the standalone SVG and the page. */
extern const char mg__graph_css[];

/* One chain-rule step of a backward pass: topo[node]'s input `slot` is
 * topo[input]; grad(input) += g * local = product, grad(input) having been
 * `before`. */
typedef struct mg__edge_step {
    size_t node, slot, input;
    double g, local, product, before;
} mg__edge_step;

/* A fresh mg_backward over topo[0..n) (root last) into grads[0..n) instead
 * of the nodes: every grad from 0, the same arithmetic operand for operand,
 * so grads[i] is what mg_zero_grad + mg_backward leave in topo[i]->grad,
 * bit for bit.  The graph is not changed.  When steps is not NULL it
 * receives every edge in the order applied (one per input of every node,
 * nodes from the root down).  Returns 0. */
int mg__fresh_backward(mg_value *const *topo, size_t n, double *grads, mg__edge_step *steps);

#endif
