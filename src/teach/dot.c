/* dot.c -- the graph as Graphviz DOT, drawn the way micrograd's draw_dot
 * draws it: a record { label | data | grad } per value, a small oval per
 * operation, edges input -> op -> output, left to right.
 *
 * Node names are v<id> and op<id>, ids being creation order, so the same
 * program always writes the same bytes (never a pointer in the output).
 * Groups (mg_group_push) become nested clusters. */
#include "teach/teach.h"

#include <stdlib.h>
#include <string.h>

/* Write s inside a double-quoted DOT string so that Graphviz shows it as
 * written.  The DOT lexer only knows \" ; the label code then reads \\ as a
 * backslash and \n as a line break, and a record label also gives
 * { } | < > a meaning unless they are escaped.  Control characters and
 * bytes that are not UTF-8 (dot warns about those and guesses Latin-1) are
 * shown as the text \xNN instead. */
static void put_dot_text(FILE *out, const char *s, int record) {
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t len = mg__utf8_len(p);
        if (*p == '"') fputs("\\\"", out);
        else if (*p == '\\') fputs("\\\\", out);
        else if (*p == '\n') fputs("\\n", out);
        else if (record && strchr("{}|<>", *p)) fprintf(out, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7F || len == 0) fprintf(out, "\\\\x%02X", *p);
        else {
            fwrite(p, 1, len, out);
            p += len;
            continue;
        }
        p++;
    }
}

static void put_dot_name(FILE *out, const mg_value *v) {
    const char *label = mg_value_label(v);
    if (label) put_dot_text(out, label, 1);
    else fprintf(out, "#%zu", mg_value_id(v));
}

/* A record's fields are named in the graph's language ("data" is "valor"
 * in Spanish); the numbers are written with '.' in every locale. */
static void put_value_node(FILE *out, const mg_value *v, int digits, int grad, int indent) {
    size_t id = mg_value_id(v);
    mg_lang lang = mg_graph_lang(mg_value_graph(v));
    fprintf(out, "%*sv%zu [label=\"{ ", indent, "", id);
    put_dot_name(out, v);
    mg__printf(out, MG__TEXT(lang, " | data %.*f", " | valor %.*f"), digits, v->data);
    if (grad) mg__printf(out, " | grad %.*f", digits, v->grad);
    fputs(" }\"];\n", out);
    if (v->op == MG_OP_LEAF) return;
    fprintf(out, "%*sop%zu [label=\"", indent, "", id);
    if (v->op == MG_OP_POW) mg__printf(out, "**%g", v->u.pow.k);
    else put_dot_text(out, mg_op_symbol((mg_op)v->op), 0);
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
        put_dot_text(out, mg_group_label(g, gr), 0);
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
    if (!out || !root) return -1;
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
