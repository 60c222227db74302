/* svg.c -- the graph as a picture with no Graphviz: a standalone SVG for
 * slides and docs (mg_svg_write), and the <svg> element the HTML page
 * embeds.  The layout is layout.c's; this file only draws it.
 *
 * Every node is a <g class="node"> carrying data-label, data-data and
 * data-grad (the numbers %.17g, locale-proof), so that programs can read
 * the picture back.  All text is escaped for XML, so the file parses
 * whatever the labels hold. */
#include "teach/page.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Colours chosen for a projector: dark text on white, values in blue,
 * gradients in red, thick lines.  The page adds its state classes. */
const char mg__graph_css[] =
    ".mg-graph{font-family:'DejaVu Sans Mono','Menlo','Consolas',monospace;}\n"
    ".mg-graph .box{fill:#ffffff;stroke:#333333;stroke-width:2;}\n"
    ".mg-graph .leaf .box{fill:#eef4ff;}\n"
    ".mg-graph .opc{fill:#ffe9c7;stroke:#9a5b00;stroke-width:2;}\n"
    ".mg-graph .ops{font-size:16px;font-weight:bold;fill:#5c3700;text-anchor:middle;"
    "dominant-baseline:central;}\n"
    ".mg-graph .link{stroke:#9a5b00;stroke-width:2;}\n"
    ".mg-graph .lbl{font-size:18px;font-weight:bold;fill:#111111;}\n"
    ".mg-graph .dat{font-size:18px;fill:#0b4f9c;}\n"
    ".mg-graph .grd{font-size:18px;fill:#b3261e;}\n"
    ".mg-graph .k{fill:#555555;}\n"
    ".mg-graph .edge{fill:none;stroke:#7a7a7a;stroke-width:2;}\n"
    ".mg-graph .cluster rect{fill:#f4f4f0;stroke:#8a8a80;stroke-width:1.5;stroke-dasharray:6 4;}\n"
    ".mg-graph .cluster text{font-size:16px;font-weight:bold;fill:#55554a;}\n";

/* A number for a program: %.17g with '.', whatever the locale. */
static void put_num17(FILE *out, double x) {
    char b[40];
    mg_num_format(b, sizeof b, "%.17g", x);
    fputs(b, out);
}

/* A coordinate: one decimal is plenty. */
static void put_xy(FILE *out, double x, double y) {
    char a[32], b[32];
    mg_num_format(a, sizeof a, "%.1f", x);
    mg_num_format(b, sizeof b, "%.1f", y);
    fprintf(out, "%s %s", a, b);
}

/* ------------------------------------------------------------ backward */

int mg__fresh_backward(mg_value *const *topo, size_t n, double *grads, mg__edge_step *steps) {
    if (!n) return 0;
    for (size_t i = 0; i < n; i++) grads[i] = 0.0;
    grads[n - 1] += 1.0;
    size_t e = 0;
    for (size_t i = n; i-- > 0;) {
        const mg_value *v = topo[i];
        for (size_t k = 0; k < mg__arity(v); k++) {
            size_t j = mg__topo_index(topo, n, mg__input(v, k));
            double local = mg__local_grad(v, k), before = grads[j];
            grads[j] += local * grads[i];   /* mg_backward's arithmetic, operand for operand */
            if (steps) steps[e] = (mg__edge_step){i, k, j, grads[i], local, local * grads[i], before};
            e++;
        }
    }
    return 0;
}

/* ----------------------------------------------------------------- draw */

/* An edge: a curve from the input's right edge, straight through each
 * column it crosses, into the op circle (inputs spread a little so that
 * a*a shows two edges). */
static void put_edge(FILE *out, const mg__layout *L, size_t e, int page) {
    const mg__pedge *E = &L->edges[e];
    const mg__pnode *a = &L->nodes[E->from], *b = &L->nodes[E->to];
    size_t arity = mg__arity(b->v);
    double spread = arity > 1 ? 10.0 / (double)(arity - 1) : 0;
    if (spread > 6) spread = 6;
    double x0 = a->x + a->w, y0 = a->y + a->h / 2;
    double x1 = b->x + 2, y1 = b->y + b->h / 2 + ((double)E->slot - (double)(arity - 1) / 2) * spread;
    fprintf(out, "<path class=\"edge\"");
    if (page) fprintf(out, " id=\"e%zu\"", e);
    fputs(" d=\"M", out);
    put_xy(out, x0, y0);
    double px = x0, py = y0;
    for (size_t k = 0; k <= E->n_pts; k += 2) {
        double qx = k < E->n_pts ? L->pts[2 * (E->first_pt + k)] : x1;
        double qy = k < E->n_pts ? L->pts[2 * (E->first_pt + k) + 1] : y1;
        double mid = (px + qx) / 2;
        fputs(" C", out);
        put_xy(out, mid, py);
        fputc(' ', out);
        put_xy(out, mid, qy);
        fputc(' ', out);
        put_xy(out, qx, qy);
        if (k < E->n_pts) {   /* straight across the column */
            px = L->pts[2 * (E->first_pt + k + 1)], py = qy;
            fputs(" L", out);
            put_xy(out, px, py);
        }
    }
    fputs("\"/>\n", out);
}

static const char *const word_data[2] = {"data", "valor"};

/* x with one decimal, '.' whatever the locale (printf's %f follows it). */
static const char *f1(char b[32], double x) {
    mg_num_format(b, 32, "%.1f", x);
    return b;
}

static void put_node(FILE *out, const mg__layout *L, size_t i, const double *grads, int page,
                     mg_lang lang) {
    const mg__pnode *N = &L->nodes[i];
    const mg_value *v = N->v;
    int is_op = v->op != MG_OP_LEAF;
    char b[32], c[32], d[32], e[32];
    fprintf(out, "<g class=\"node %s\" id=\"n%zu\" data-id=\"%zu\" data-label=\"", is_op ? "op" : "leaf",
            i, mg_value_id(v));
    if (mg_value_label(v)) mg__put_xml(out, mg_value_label(v), 0);
    fputs("\" data-data=\"", out);
    put_num17(out, v->data);
    fputs("\" data-grad=\"", out);
    put_num17(out, grads[i]);
    fprintf(out, "\" data-op=\"%s\"", mg_op_name((mg_op)v->op));
    if (N->group) fprintf(out, " data-grp=\"%u\"", N->group);
    fputs(" transform=\"translate(", out);
    put_xy(out, N->x, N->y);
    fputs(")\">\n", out);
    double bx = mg__op_width(v), bw = N->w - bx, cy = N->h / 2;
    if (is_op) {
        char sym[40];
        mg__op_text(sym, v);
        double pw = mg__op_width(v) - 2 - MG_PG_OP_GAP;
        fprintf(out, "<line class=\"link\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"/>",
                f1(b, 2 + pw), f1(c, cy), f1(d, bx), f1(e, cy));
        fprintf(out, "<rect class=\"opc\" x=\"2\" y=\"%s\" width=\"%s\" height=\"%s\" rx=\"%s\"/>",
                f1(b, cy - MG_PG_OP_R), f1(c, pw), f1(d, 2 * MG_PG_OP_R), f1(e, MG_PG_OP_R));
        fprintf(out, "<text class=\"ops\" x=\"%s\" y=\"%s\">", f1(b, 2 + pw / 2), f1(c, cy));
        mg__put_xml(out, sym, 0);
        fputs("</text>\n", out);
    }
    fprintf(out, "<rect class=\"box\" x=\"%s\" y=\"0\" width=\"%s\" height=\"%s\" rx=\"6\"/>\n",
            f1(b, bx), f1(c, bw), f1(d, N->h));
    double tx = bx + MG_PG_BOX_PAD, base = MG_PG_BOX_PAD + MG_PG_ROW_H * 0.75;
    fprintf(out, "<text class=\"lbl\" x=\"%s\" y=\"%s\">", f1(b, tx), f1(c, base));
    mg__put_xml_name(out, v, MG_PG_MAX_LABEL);
    fprintf(out, "</text>\n<text class=\"dat\" x=\"%s\" y=\"%s\"><tspan class=\"k\">%s</tspan> "
            "<tspan class=\"v\">%s</tspan></text>\n", f1(b, tx), f1(c, base + MG_PG_ROW_H),
            word_data[lang == MG_LANG_ES], mg__fmt_short(d, v->data));
    if (L->grad_row)
        fprintf(out, "<text class=\"grd\" x=\"%s\" y=\"%s\"><tspan class=\"k\">grad</tspan> "
                "<tspan class=\"v\">%s</tspan></text>\n", f1(b, tx), f1(c, base + 2 * MG_PG_ROW_H),
                (page & MG__SVG_QUIZ) ? "?" : mg__fmt_short(d, grads[i]));
    fputs("</g>\n", out);
}

static void put_cluster(FILE *out, const mg__layout *L, const mg_graph *g, unsigned gr, int cover) {
    const mg__pgroup *G = &L->groups[gr];
    char b[32], c[32], d[32], e[32];
    fprintf(out, "<g class=\"%s\" data-group=\"%u\" data-parent=\"%u\"><rect x=\"%s\" y=\"%s\" "
            "width=\"%s\" height=\"%s\" rx=\"10\"/>", cover ? "cover" : "cluster", gr, G->parent,
            f1(b, G->x), f1(c, G->y), f1(d, G->w), f1(e, G->h));
    fprintf(out, "<text x=\"%s\" y=\"%s\">", f1(b, G->x + 10), f1(c, G->y + 19));
    mg__put_xml(out, mg_group_label(g, gr), 40);
    if (cover) fprintf(out, " (%zu)", G->n_nodes);
    fputs("</text></g>\n", out);
}

void mg__svg_graph(FILE *out, const mg__layout *L, const double *grads, int page, mg_lang lang,
                   const char *title) {
    const mg_graph *g = L->n ? mg_value_graph(L->nodes[0].v) : NULL;
    char w[32], h[32];
    mg_num_format(w, sizeof w, "%.0f", ceil(L->width));
    mg_num_format(h, sizeof h, "%.0f", ceil(L->height));
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"mg-graph\" viewBox=\"0 0 %s %s\" "
            "width=\"%s\" height=\"%s\"", w, h, w, h);
    fputs(page ? " id=\"graph\">\n" : ">\n", out);
    if (title) {
        fputs("<title>", out);
        mg__put_xml(out, title, 0);
        fputs("</title>\n", out);
    }
    if (!page) fprintf(out, "<style>\n%s</style>\n", mg__graph_css);
    fputs(page ? "<g id=\"world\">\n" : "<g>\n", out);
    fputs("<g class=\"clusters\">\n", out);
    for (unsigned gr = 1; gr <= L->n_groups; gr++)
        if (L->groups[gr].n_nodes) put_cluster(out, L, g, gr, 0);
    fputs("</g>\n<g class=\"edges\">\n", out);
    for (size_t e = 0; e < L->n_edges; e++) put_edge(out, L, e, page);
    fputs("</g>\n<g class=\"nodes\">\n", out);
    for (size_t i = 0; i < L->n; i++) put_node(out, L, i, grads, page, lang);
    fputs("</g>\n", out);
    if (page) {   /* drawn over everything when a cluster is folded */
        fputs("<g class=\"covers\">\n", out);
        for (unsigned gr = 1; gr <= L->n_groups; gr++)
            if (L->groups[gr].n_nodes) put_cluster(out, L, g, gr, 1);
        fputs("</g>\n", out);
    }
    fputs("</g>\n</svg>\n", out);
}

int mg_svg_write(FILE *out, const mg_value *root, const mg_page_options *opt) {
    if (!out || !root) return -1;
    mg_page_options o = {0};
    if (opt) o = *opt;
    size_t n;
    mg_value **topo = mg__topo(root, &n);
    double *grads = topo ? malloc(n * sizeof *grads) : NULL;
    if (!grads) return -1;
    mg__fresh_backward(topo, n, grads, NULL);
    mg__layout L;
    if (mg__layout_make(&L, root, !o.no_clusters, o.no_grad ? NULL : grads)) {
        free(grads);
        return -1;
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    mg__svg_graph(out, &L, grads, 0, mg_graph_lang(mg_value_graph(root)), o.title);
    mg__layout_free(&L);
    free(grads);
    return mg__finish(out);
}
