/* dot.c -- the graph as Graphviz DOT, drawn the way micrograd's draw_dot
 * draws it: a record { label | data | grad } per value, a small oval per
 * operation, edges input -> op -> output, left to right.
 *
 * Node names are v<id> and op<id>, ids being creation order, so the same
 * program always writes the same bytes (never a pointer in the output).
 * Groups (mg_group_push) become nested clusters. */
#include "teach/teach.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Graphviz refuses a quoted string longer than 16,384 bytes.  A label is
 * drawn whole while its escaped text fits in MAX_DRAWN bytes (room is left
 * for the record's data and grad); a longer one is cut at a character,
 * with an ellipsis, and its whole text goes to the node's tooltip, written
 * as quoted pieces of about PIECE bytes joined by DOT's '+'. */
#define MAX_DRAWN 16000
#define PIECE 8000

/* The bytes the character at p (of UTF-8 length len, 0 for a bad byte)
 * takes in a DOT string, and the text that stands for it (NULL: itself). */
static size_t dot_escape(const unsigned char *p, size_t len, int record, char esc[8]) {
    if (*p == '"') return strcpy(esc, "\\\""), 2;
    if (*p == '\\') return strcpy(esc, "\\\\"), 2;
    if (*p == '\n') return strcpy(esc, "\\n"), 2;
    if (record && strchr("{}|<>", *p)) return snprintf(esc, 8, "\\%c", *p), 2;
    if (*p < 0x20 || *p == 0x7F || len == 0) return snprintf(esc, 8, "\\\\x%02X", *p), 5;
    esc[0] = 0;
    return len;
}

/* Write s inside a double-quoted DOT string so that Graphviz shows it as
 * written.  The DOT lexer only knows \" ; the label code then reads \\ as a
 * backslash and \n as a line break, and a record label also gives
 * { } | < > a meaning unless they are escaped.  Control characters and
 * bytes that are not UTF-8 (dot warns about those and guesses Latin-1) are
 * shown as the text \xNN instead.  With max > 0, a text whose escaped
 * form is longer than max bytes is cut before a character and ends in an
 * ellipsis; with `pieces`, the string is closed and reopened ("..." +
 * "...") every PIECE bytes.  Returns 1 when s was cut. */
static int put_dot_text(FILE *out, const char *s, int record, size_t max, int pieces) {
    char esc[8];
    const unsigned char *p = (const unsigned char *)s;
    size_t total = 0;
    for (const unsigned char *q = p; *q;) {   /* its escaped length */
        size_t len = mg__utf8_len(q);
        total += dot_escape(q, len, record, esc);
        q += len ? len : 1;
    }
    int cut = max && total > max;
    size_t written = 0, piece = 0;
    while (*p) {
        size_t len = mg__utf8_len(p);
        size_t size = dot_escape(p, len, record, esc);
        if (cut && written + size > max - 3) {
            fputs("\xE2\x80\xA6", out);   /* ... */
            return 1;
        }
        if (pieces && piece + size > PIECE) {
            fputs("\" + \"", out);
            piece = 0;
        }
        if (esc[0]) fputs(esc, out);
        else fwrite(p, 1, len, out);
        written += size;
        piece += size;
        p += len ? len : 1;
    }
    return 0;
}

/* v's label (cut when too long: 1 is returned), or #id. */
static int put_dot_name(FILE *out, const mg_value *v) {
    const char *label = mg_value_label(v);
    if (label) return put_dot_text(out, label, 1, MAX_DRAWN, 0);
    fprintf(out, "#%zu", mg_value_id(v));
    return 0;
}

/* A data or grad field: `digits` decimals, as micrograd's draw_dot writes
 * them (%.4f), unless fixed point would show fewer than two significant
 * digits (0 < |x| < 10^(1-digits): 3e-05 would be 0.0000) or a long run
 * of them (from 1e9 up); then the same digits in the form 3.0000e-05.  No
 * value collapses to 0.  '.' whatever the locale. */
static void put_dot_num(FILE *out, const char *field, int digits, double x) {
    double small = 1.0;
    for (int i = 1; i < digits; i++) small /= 10.0;
    int sci = x != 0.0 && isfinite(x) && (fabs(x) < small || fabs(x) >= 1e9);
    mg__printf(out, sci ? " | %s %.*e" : " | %s %.*f", field, digits, x);
}

/* A record's fields are named in the graph's language ("data" is "valor"
 * in Spanish); the numbers are written with '.' in every locale. */
static void put_value_node(FILE *out, const mg_value *v, int digits, int grad, int indent) {
    size_t id = mg_value_id(v);
    mg_lang lang = mg_graph_lang(mg_value_graph(v));
    fprintf(out, "%*sv%zu [label=\"{ ", indent, "", id);
    int cut = put_dot_name(out, v);
    put_dot_num(out, MG__TEXT(lang, "data", "valor"), digits, v->data);
    if (grad) put_dot_num(out, "grad", digits, v->grad);
    fputs(" }\"", out);
    if (cut) {   /* the whole label in the tooltip */
        fputs(", tooltip=\"", out);
        put_dot_text(out, mg_value_label(v), 0, 0, 1);
        fputs("\"", out);
    }
    fputs("];\n", out);
    if (v->op == MG_OP_LEAF) return;
    fprintf(out, "%*sop%zu [label=\"", indent, "", id);
    if (v->op == MG_OP_POW) mg__printf(out, "**%g", v->u.pow.k);
    else put_dot_text(out, mg_op_symbol((mg_op)v->op), 0, 0, 0);
    fputs("\", shape=ellipse];\n", out);
}

/* The cluster a node is drawn in: its group, or 0 when it has none or the
 * group no longer exists (dropped by a reset). */
static unsigned group_of(const mg_graph *g, const mg_value *v) {
    unsigned gr = mg_value_group(v);
    return gr <= mg_group_count(g) ? gr : 0;
}

/* Draw the nodes, grouped in clusters.  Groups are made inside the group
 * open at the time, so a parent's id is below its children's and id order
 * is the order a depth-first walk of the group tree visits them: walking
 * ids upwards with a stack of open clusters nests them correctly. */
static int put_clustered(FILE *out, mg_value *const *topo, size_t n, int digits, int grad) {
    const mg_graph *g = mg_value_graph(topo[0]);
    unsigned ng = mg_group_count(g);
    size_t *start = calloc((size_t)ng + 2, sizeof *start);   /* bucket bounds */
    size_t *order = malloc(n * sizeof *order);
    unsigned *stack = malloc(((size_t)ng + 1) * sizeof *stack);
    unsigned char *used = calloc((size_t)ng + 1, 1);
    if (!start || !order || !stack || !used) {
        free(start), free(order), free(stack), free(used);
        return -1;
    }
    /* bucket the nodes by group (a counting sort keeps them in topo order)
     * and mark every group that holds a node, with its ancestors */
    for (size_t i = 0; i < n; i++) {
        unsigned gr = group_of(g, topo[i]);
        start[gr + 1]++;
        while (gr && !used[gr]) {
            used[gr] = 1;
            unsigned parent = mg_group_parent(g, gr);
            gr = parent < gr ? parent : 0;   /* never loop on a bad parent */
        }
    }
    for (unsigned gr = 0; gr <= ng; gr++) start[gr + 1] += start[gr];
    for (size_t i = 0; i < n; i++) order[start[group_of(g, topo[i])]++] = i;
    /* start[gr] now marks the end of bucket gr; bucket gr begins at start[gr-1] */
    for (size_t k = 0; k < start[0]; k++) put_value_node(out, topo[order[k]], digits, grad, 2);

    unsigned depth = 0;
    for (unsigned gr = 1; gr <= ng; gr++) {
        if (!used[gr]) continue;
        unsigned parent = mg_group_parent(g, gr);
        while (depth && stack[depth - 1] != parent) {
            depth--;
            fprintf(out, "%*s}\n", 2 * depth + 2, "");
        }
        int ind = 2 * (int)depth + 2;
        fprintf(out, "%*ssubgraph cluster_g%u {\n%*slabel=\"", ind, "", gr, ind + 2, "");
        if (put_dot_text(out, mg_group_label(g, gr), 0, MAX_DRAWN, 0)) {
            fprintf(out, "\";\n%*stooltip=\"", ind + 2, "");
            put_dot_text(out, mg_group_label(g, gr), 0, 0, 1);
        }
        fprintf(out, "\";\n%*sstyle=rounded; color=gray50;\n", ind + 2, "");
        stack[depth++] = gr;
        for (size_t k = start[gr - 1]; k < start[gr]; k++)
            put_value_node(out, topo[order[k]], digits, grad, ind + 2);
    }
    while (depth) {
        depth--;
        fprintf(out, "%*s}\n", 2 * depth + 2, "");
    }
    free(start), free(order), free(stack), free(used);
    return 0;
}

int mg_dot_write(FILE *out, const mg_value *root, const mg_dot_options *opt) {
    if (!out || !root || mg__refuse_dropped("mg_dot_write", root, 0, 0)) return -1;
    mg_dot_options o = {0};
    if (opt) o = *opt;
    int digits = o.digits > 0 && o.digits <= 17 ? o.digits : 4;

    size_t n;
    mg_value *const *topo = mg__topo(root, &n);
    if (!topo) return -1;

    fputs("digraph micrograd {\n", out);
    fprintf(out, "  rankdir=%s;\n", o.top_to_bottom ? "TB" : "LR");
    fputs("  node [shape=record];\n", out);
    if (o.no_clusters || mg_group_count(mg_value_graph(root)) == 0 ||
        put_clustered(out, topo, n, digits, !o.no_grad) != 0) {
        for (size_t i = 0; i < n; i++) put_value_node(out, topo[i], digits, !o.no_grad, 2);
    }
    for (size_t i = 0; i < n; i++) {
        const mg_value *v = topo[i];
        if (v->op == MG_OP_LEAF) continue;
        size_t id = mg_value_id(v), arity = mg__arity(v);
        for (size_t k = 0; k < arity; k++)
            fprintf(out, "  v%zu -> op%zu;\n", mg_value_id(mg__input(v, k)), id);
        fprintf(out, "  op%zu -> v%zu;\n", id, id);
    }
    fputs("}\n", out);
    return mg__finish(out);
}
