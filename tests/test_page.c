/* test_page.c -- pictures and pages with no Graphviz: the layout (edges
 * left to right, clusters holding their nodes and nothing else, few
 * crossings, the same every time), the SVG (well-formed XML whatever the
 * labels hold, data attributes equal to the engine's numbers) and the HTML
 * page (the trace's lines in the engine's order, the update, the quiz).
 * The browser side is checked by `make check-browser`. */
#include "teach_util.h"
#include "teach/page.h"

/* ------------------------------------------------------------- helpers */

static char *svg_of(const mg_value *root, const mg_page_options *opt) {
    FILE *f = teach_tmp();
    cr_assert_eq(mg_svg_write(f, root, opt), 0);
    return mgt_slurp(f);
}

static char *html_of(const mg_value *root, const mg_page_options *opt) {
    FILE *f = teach_tmp();
    cr_assert_eq(mg_html_write(f, root, opt), 0);
    return mgt_slurp(f);
}

/* A small XML well-formedness check: one root element, tags nested and
 * closed in order, attribute values quoted with no '<', every '&' a known
 * entity or a character reference, valid UTF-8 with no character XML
 * forbids.  Returns NULL when well-formed, else what is wrong. */
static const char *xml_problem(const char *s) {
    static char why[128];
    const char *stack[64];
    size_t depth = 0, roots = 0;
    const unsigned char *p = (const unsigned char *)s;
    if (!strncmp(s, "<?xml", 5)) p = (const unsigned char *)strstr(s, "?>") + 2;
    while (*p) {
        if (*p == '<') {
            if (!strncmp((const char *)p, "<!--", 4)) {
                const char *end = strstr((const char *)p + 4, "-->");
                if (!end) return "comment never closed";
                p = (const unsigned char *)end + 3;
                continue;
            }
            int closing = p[1] == '/';
            const unsigned char *name = p + 1 + closing;
            size_t len = strcspn((const char *)name, " \t\n/>");
            if (!len) return "a tag without a name";
            p = name + len;
            if (closing) {
                if (!depth || strncmp(stack[depth - 1], (const char *)name, len) ||
                    (stack[depth - 1][len] != ' ' && stack[depth - 1][len] != '>' &&
                     stack[depth - 1][len] != '/' && stack[depth - 1][len] != '\n'))
                    return snprintf(why, sizeof why, "</%.*s> closes the wrong tag", (int)len, name), why;
                depth--;
                while (*p == ' ' || *p == '\n') p++;
                if (*p++ != '>') return "junk in a closing tag";
                continue;
            }
            /* attributes: name="value" */
            for (;;) {
                while (*p == ' ' || *p == '\n' || *p == '\t') p++;
                if (*p == '>' || (*p == '/' && p[1] == '>')) break;
                size_t an = strcspn((const char *)p, "= \t\n/>");
                if (!an || p[an] != '=' || (p[an + 1] != '"' && p[an + 1] != '\'')) return "a bad attribute";
                char q = (char)p[an + 1];
                p += an + 2;
                while (*p && *p != q) {
                    if (*p == '<') return "'<' in an attribute value";
                    if (*p == '&') {
                        size_t el = strcspn((const char *)p, ";");
                        if (strncmp((const char *)p, "&amp;", 5) && strncmp((const char *)p, "&lt;", 4) &&
                            strncmp((const char *)p, "&gt;", 4) && strncmp((const char *)p, "&quot;", 6) &&
                            strncmp((const char *)p, "&apos;", 6) && strncmp((const char *)p, "&#", 2))
                            return "an unknown entity in an attribute";
                        p += el;
                    }
                    p++;
                }
                if (!*p) return "an attribute value never closed";
                p++;
            }
            int empty = *p == '/';
            p += empty ? 2 : 1;
            if (!depth) roots++;
            if (!empty) {
                if (depth == 64) return "nested too deep for this checker";
                stack[depth++] = (const char *)name;
            }
            continue;
        }
        if (*p == '&') {
            if (strncmp((const char *)p, "&amp;", 5) && strncmp((const char *)p, "&lt;", 4) &&
                strncmp((const char *)p, "&gt;", 4) && strncmp((const char *)p, "&quot;", 6) &&
                strncmp((const char *)p, "&apos;", 6) && strncmp((const char *)p, "&#", 2))
                return "an unknown entity in text";
        }
        if (*p >= 0x80) {
            size_t n = mg__utf8_len(p);
            if (!n) return "bytes that are not UTF-8";
            if (n == 3 && p[0] == 0xEF && p[1] == 0xBF && p[2] >= 0xBE) return "U+FFFE or U+FFFF";
            p += n;
            continue;
        }
        if (*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r') return "a control character";
        if (!depth && *p != '\n' && *p != ' ') return "text outside the root element";
        p++;
    }
    if (depth) return "an element never closed";
    if (roots != 1) return "not exactly one root element";
    return NULL;
}

/* The value of attribute `name` of the element starting at `tag`, with
 * the entities the writer uses decoded, into out (NUL-terminated). */
static int attr(const char *tag, const char *name, char *out, size_t size) {
    char key[32];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *end = strchr(tag, '>'), *p = strstr(tag, key);
    if (!p || p > end) return 0;
    p += strlen(key);
    size_t k = 0;
    while (*p != '"' && k + 1 < size) {
        static const char *const ent[5][2] = {{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"},
                                              {"&quot;", "\""}, {"&#39;", "'"}};
        int done = 0;
        for (int e = 0; e < 5 && !done; e++)
            if (!strncmp(p, ent[e][0], strlen(ent[e][0]))) {
                out[k++] = ent[e][1][0];
                p += strlen(ent[e][0]);
                done = 1;
            }
        if (!done) out[k++] = *p++;
    }
    out[k] = 0;
    return 1;
}

/* The text mg__put_text makes of s (what the pictures show for a label),
 * except that U+FFFE and U+FFFF, which XML forbids, are shown byte by
 * byte as \xNN too. */
static char *text_form(const char *s) {
    FILE *f = teach_tmp();
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF)) {
            fprintf(f, "\\xEF\\xBF\\x%02X", p[2]);
            p += 3;
            continue;
        }
        char one[5] = {0};
        size_t len = mg__utf8_len(p);
        memcpy(one, p, len ? len : 1);
        mg__put_text(f, one);
        p += len ? len : 1;
    }
    return mgt_slurp(f);
}

/* Check a layout's geometry: every edge left to right, boxes apart,
 * every node inside its cluster (and that cluster's ancestors) and
 * outside every other cluster, sibling clusters apart. */
static void check_geometry(const mg__layout *L) {
    for (size_t e = 0; e < L->n_edges; e++) {
        const mg__pedge *E = &L->edges[e];
        const mg__pnode *a = &L->nodes[E->from], *b = &L->nodes[E->to];
        cr_expect_lt(a->layer, b->layer, "edge %zu goes from column %zu to %zu", e, a->layer, b->layer);
        double x = a->x + a->w;
        for (size_t k = 0; k < E->n_pts; k++) {
            double px = L->pts[2 * (E->first_pt + k)];
            cr_expect_geq(px, x, "edge %zu turns back at bend %zu", e, k);
            x = px;
        }
        cr_expect_lt(x, b->x, "edge %zu does not end left of its node", e);
    }
    for (size_t i = 0; i < L->n; i++) {
        const mg__pnode *a = &L->nodes[i];
        for (size_t j = i + 1; j < L->n; j++) {
            const mg__pnode *b = &L->nodes[j];
            int apart = a->x + a->w <= b->x || b->x + b->w <= a->x || a->y + a->h <= b->y || b->y + b->h <= a->y;
            cr_expect(apart, "nodes %zu and %zu overlap", i, j);
        }
        for (unsigned g = 1; g <= L->n_groups; g++) {
            const mg__pgroup *G = &L->groups[g];
            if (!G->n_nodes) continue;
            int member = 0;
            for (unsigned c = a->group; c; c = L->groups[c].parent) member |= c == g;
            int inside = a->x >= G->x && a->x + a->w <= G->x + G->w && a->y >= G->y && a->y + a->h <= G->y + G->h;
            int outside = a->x + a->w <= G->x || G->x + G->w <= a->x || a->y + a->h <= G->y || G->y + G->h <= a->y;
            if (member) cr_expect(inside, "node %zu sticks out of its cluster %u", i, g);
            else cr_expect(outside, "node %zu lies inside cluster %u, not its own", i, g);
        }
    }
    for (unsigned g = 1; g <= L->n_groups; g++)
        for (unsigned h = g + 1; h <= L->n_groups; h++) {
            const mg__pgroup *A = &L->groups[g], *B = &L->groups[h];
            if (!A->n_nodes || !B->n_nodes) continue;
            int nested = 0;
            for (unsigned c = h; c; c = L->groups[c].parent) nested |= c == g;
            int apart = A->x + A->w <= B->x || B->x + B->w <= A->x || A->y + A->h <= B->y || B->y + B->h <= A->y;
            int inside = B->x >= A->x && B->x + B->w <= A->x + A->w && B->y >= A->y && B->y + B->h <= A->y + A->h;
            if (nested) cr_expect(inside, "cluster %u sticks out of its parent %u", h, g);
            else cr_expect(apart, "clusters %u and %u overlap", g, h);
        }
}

/* The lecture's MLP(3, [4, 4, 1]) loss on one example: clusters per layer
 * and neuron. */
static mg_value *mlp_loss(mg_graph *g) {
    static const size_t sizes[3] = {4, 4, 1};
    mg_mlp *m = mg_mlp_new(g, 3, sizes, 3, NULL, 2);
    cr_assert(m != NULL);
    mg_value *y;
    cr_assert_eq(mg_mlp_forward_d(m, (double[]){2, 3, -1}, &y), 1);
    mg_value *loss = mg_pow(mg_sub(y, mg_leaf(g, 1.0, "target")), 2.0);
    mg_mlp_free(m);
    cr_assert(loss != NULL);
    return loss;
}

/* -------------------------------------------------------------- layout */

Test(page, layout_of_the_lecture_graphs_is_clean) {
    mg_graph *g = mg_graph_new();
    mg_value *v[10], *e[7];
    mg_value *o = teach_neuron(g, v);
    mg_value *L = teach_expr(g, e);
    const mg_value *roots[2] = {o, L};
    for (int r = 0; r < 2; r++) {
        mg__layout lay;
        cr_assert_eq(mg__layout_make(&lay, roots[r], 1, NULL), 0);
        check_geometry(&lay);
        cr_expect_eq(lay.crossings, 0, "the lecture's graphs have a drawing with no crossing");
        cr_expect_eq(mg__layout_count_crossings(&lay), 0);
        /* inputs on the left, the root alone in the last column */
        cr_expect_eq(lay.nodes[lay.n - 1].layer, lay.n_layers - 1);
        for (size_t i = 0; i + 1 < lay.n; i++) cr_expect_lt(lay.nodes[i].layer, lay.n_layers - 1);
        mg__layout_free(&lay);
    }
    mg_graph_free(g);
}

Test(page, layout_random_graphs_left_to_right_and_fewer_crossings) {
    for (uint64_t seed = 1; seed <= 6; seed++) {
        mg_graph *g = mg_graph_new();
        mg_value *leaves[8];
        mg_value *root = teach_random_graph(g, seed, 8, 60 + 20 * seed, leaves);
        mg__layout lay;
        cr_assert_eq(mg__layout_make(&lay, root, 0, NULL), 0);
        check_geometry(&lay);
        cr_expect_leq(lay.crossings, lay.crossings_start, "seed %llu: the sweeps made it worse",
                      (unsigned long long)seed);
        /* with no clusters, the coordinates keep the order the sweeps chose */
        cr_expect_eq(mg__layout_count_crossings(&lay), lay.crossings, "seed %llu",
                     (unsigned long long)seed);
        mg__layout_free(&lay);
        mg_graph_free(g);
    }
}

Test(page, layout_clusters_hold_their_nodes) {
    mg_graph *g = mg_graph_new();
    mg_value *loss = mlp_loss(g);
    /* and nested groups made by hand around part of a second graph */
    unsigned outer = mg_group_push(g, "outer");
    mg_value *a = mg_leaf(g, 1.0, "a");
    mg_group_push(g, "inner");
    mg_value *b = mg_mul(a, loss);
    mg_group_pop(g);
    mg_value *c = mg_add(b, a);
    mg_group_pop(g);
    mg_value *root = mg_tanh(mg_add(c, mg_leaf(g, 2.0, "d")));
    cr_assert(root != NULL && outer != 0);
    mg__layout lay;
    cr_assert_eq(mg__layout_make(&lay, root, 1, NULL), 0);
    size_t drawn = 0;
    for (unsigned k = 1; k <= lay.n_groups; k++) drawn += lay.groups[k].n_nodes > 0;
    cr_expect_geq(drawn, 10, "3 layers, 9 neurons, outer and inner: %zu drawn", drawn);
    check_geometry(&lay);
    mg__layout_free(&lay);
    mg_graph_free(g);
}

Test(page, output_is_deterministic) {
    mg_graph *g = mg_graph_new();
    mg_value *root = mlp_loss(g);
    char *s1 = svg_of(root, NULL), *s2 = svg_of(root, NULL);
    char *h1 = html_of(root, NULL), *h2 = html_of(root, NULL);
    cr_expect_str_eq(s1, s2);
    cr_expect_str_eq(h1, h2);
    free(s1), free(s2), free(h1), free(h2);
    mg_graph_free(g);
}

/* ------------------------------------------------------------- the SVG */

Test(page, svg_is_well_formed_for_hostile_labels) {
    static const char *const hostile[] = {
        "a\"b'c", "<script>alert(1)</script>", "x & y &amp; z", "]]>", "</svg>", "<!-- -->",
        "tab\there", "new\nline", "\x01\x02\x1f\x7f", "bad \xC3\x28 utf8", "\xFF\xFE", "cut \xE2\x82",
        "\xEF\xBF\xBE\xEF\xBF\xBF", "back\\slash", "ok \xC3\xA9\xE2\x86\x92", "", "--", "&#0;",
        "a very long label that goes on and on and on well past the box"};
    size_t n = sizeof hostile / sizeof hostile[0];
    mg_graph *g = mg_graph_new();
    mg_value *sum = mg_leaf(g, 0.0, hostile[0]);
    for (size_t i = 1; i < n; i++) sum = mg_label(mg_add(sum, mg_leaf(g, (double)i, hostile[i])), hostile[n - i]);
    mg_group_push(g, "<group> & \"cluster\" \x01");
    mg_value *root = mg_label(mg_tanh(sum), "]]></script>");
    mg_group_pop(g);
    cr_assert(root != NULL);
    mg_page_options opt = {.title = "title </title> & \xFF"};
    char *svg = svg_of(root, &opt);
    teach_save_dot("page_hostile.svg", svg);   /* make check-browser parses it with Python's XML parser */
    const char *why = xml_problem(svg);
    cr_expect(why == NULL, "not well-formed XML: %s", why ? why : "");
    /* every label comes back as the text the other writers print */
    for (size_t i = 0; i < n; i++) {
        char want[256], got[256];
        char *t = text_form(hostile[i]);
        snprintf(want, sizeof want, "%s", t);
        free(t);
        int found = 0;
        for (const char *p = strstr(svg, "<g class=\"node "); p && !found; p = strstr(p + 1, "<g class=\"node "))
            found = attr(p, "data-label", got, sizeof got) && !strcmp(got, want);
        cr_expect(found, "no node with data-label '%s'", want);
    }
    free(svg);
    /* the page: the data block can never be closed early by a label */
    char *html = html_of(root, &opt);
    const char *json = strstr(html, "id=\"mg-data\">");
    cr_assert(json != NULL);
    const char *end = strstr(json, "</script>");
    cr_assert(end != NULL);
    for (const char *p = json + 13; p < end; p++) {
        cr_expect(*p != '<' && *p != '>', "a raw '%c' in the page's data", *p);
        if (*p == '<' || *p == '>') break;
    }
    /* 2 script elements, nothing else closes one */
    size_t closes = 0;
    for (const char *p = strstr(html, "</script"); p; p = strstr(p + 1, "</script")) closes++;
    cr_expect_eq(closes, 2);
    free(html);
    mg_graph_free(g);
}

Test(page, data_attributes_equal_the_engine) {
    mg_graph *g = mg_graph_new();
    mg_value *leaves[6];
    mg_value *root = teach_random_graph(g, 77, 6, 120, leaves);
    mg_zero_grad(root);
    mg_backward(root);
    char *svg = svg_of(root, NULL);
    size_t n, seen = 0;
    mg_value *const *topo = mg_topo(root, &n);
    for (const char *p = strstr(svg, "<g class=\"node "); p; p = strstr(p + 1, "<g class=\"node ")) {
        char id[32], data[64], grad[64];
        cr_assert(attr(p, "data-id", id, sizeof id) && attr(p, "data-data", data, sizeof data) &&
                  attr(p, "data-grad", grad, sizeof grad));
        size_t k = (size_t)strtoull(id, NULL, 10), i = 0;
        while (i < n && mg_value_id(topo[i]) != k) i++;
        cr_assert_lt(i, n, "data-id %s is not a node of the graph", id);
        /* %.17g: the very same doubles, bit for bit */
        cr_expect_eq(mg_num_parse(data, NULL), topo[i]->data, "node %s data %s", id, data);
        cr_expect_eq(mg_num_parse(grad, NULL), topo[i]->grad, "node %s grad %s", id, grad);
        seen++;
    }
    cr_expect_eq(seen, n);
    free(svg);
    mg_graph_free(g);
}

Test(page, the_graph_is_left_as_it_was) {
    mg_graph *g = mg_graph_new();
    mg_value *v[10];
    mg_value *o = teach_neuron(g, v);
    for (int i = 0; i < 10; i++) v[i]->grad = 100.0 + i;   /* not a backward's grads */
    char *svg = svg_of(o, NULL), *html = html_of(o, NULL);
    for (int i = 0; i < 10; i++) cr_expect_eq(v[i]->grad, 100.0 + i);
    /* and the pictures show a fresh backward's gradients all the same:
     * do/dw1 = x1 * (1 - o^2) = 2 * 0.5 = 1 */
    cr_expect(strstr(svg, "data-label=\"w1\" data-data=\"-3\" data-grad=\"1\"") ||
              strstr(svg, "data-label=\"w1\" data-data=\"-3\" data-grad=\"0.99999999999999"),
              "w1's gradient is not 1 in the picture");
    free(svg), free(html);
    mg_graph_free(g);
}

/* ------------------------------------------------------------ the page */

Test(page, steps_are_the_trace_in_the_engines_order) {
    mg_graph *g = mg_graph_new();
    mg_value *v[10];
    mg_value *o = teach_neuron(g, v);
    char *html = html_of(o, NULL);
    mg_zero_grad(o);
    FILE *f = teach_tmp();
    cr_assert_eq(mg_trace_backward(f, o), 0);
    char *trace = mgt_slurp(f);
    /* each line after the header is a step, in order ("x":"LINE") */
    const char *at = html;
    size_t lines = 0;
    for (char *line = strchr(trace, '\n') + 1; *line; lines++) {
        char *nl = strchr(line, '\n');
        *nl = 0;
        char want[512];
        snprintf(want, sizeof want, "\"x\":\"%s\"", line);
        const char *found = strstr(at, want);
        cr_expect(found != NULL, "step '%s' missing or out of order", line);
        if (found) at = found;
        line = nl + 1;
    }
    cr_expect_eq(lines, 1 + 9, "grad(o) = 1, then one line per edge");
    /* the forward steps come first, one per computed node */
    cr_expect(strstr(html, "\"x\":\"x1*w1 = x1 * w1 = 2.000000000 * -3.000000000 = -6.000000000\"") != NULL);
    cr_expect(strstr(html, "\"x\":\"o = tanh(n) = tanh(0.881373587) = 0.707106781\"") != NULL);
    free(trace), free(html);
    mg_graph_free(g);
}

Test(page, training_steps_show_the_update) {
    mg_graph *g = mg_graph_new();
    mg_value *v[7];
    mg_value *L = teach_expr(g, v);
    /* dL/da = 6 (hand math: L = (a*b + c)*f, dL/da = b*f = -3 * -2) */
    const mg_value *params[2] = {v[0], v[1]};
    double losses[4] = {-8, -9.5, -10.25, -11};
    mg_page_training tr = {params, 2, 0.01, losses, 4};
    mg_page_options opt = {.training = &tr};
    char *html = html_of(L, &opt);
    cr_expect(strstr(html, "a+ = a - 0.01 * dL/da = 2.000000000 - 0.01 * 6.000000000 = 1.940000000") != NULL);
    cr_expect(strstr(html, "b+ = b - 0.01 * dL/db = -3.000000000 - 0.01 * -4.000000000 = -2.960000000") != NULL);
    cr_expect(strstr(html, "after 3 updates: L = -11.000000000") != NULL);
    cr_expect(strstr(html, "<polyline class=\"loss\"") != NULL);
    free(html);
    /* in Spanish */
    mg_graph_set_lang(g, MG_LANG_ES);
    html = html_of(L, &opt);
    cr_expect(strstr(html, "tras 1 actualizaci\xC3\xB3n: L = -9.500000000") != NULL);
    cr_expect(strstr(html, "<html lang=\"es\">") != NULL);
    free(html);
    mg_graph_free(g);
}

Test(page, quiz_hides_every_gradient) {
    mg_graph *g = mg_graph_new();
    mg_value *v[7];
    mg_value *L = teach_expr(g, v);
    mg_page_options opt = {.quiz = 1};
    char *html = html_of(L, &opt);
    cr_expect(strstr(html, "<body class=\"quiz\">") != NULL);
    size_t hidden = 0;
    for (const char *p = strstr(html, "<tspan class=\"k\">grad</tspan> <tspan class=\"v\">"); p;
         p = strstr(p + 1, "<tspan class=\"k\">grad</tspan> <tspan class=\"v\">"))
        hidden += p[strlen("<tspan class=\"k\">grad</tspan> <tspan class=\"v\">")] == '?';
    cr_expect_eq(hidden, 7);
    /* no backward steps to give the answers away */
    cr_expect(strstr(html, "\"k\":\"b\"") == NULL);
    free(html);
    mg_graph_free(g);
}

Test(page, a_thousand_nodes) {
    mg_graph *g = mg_graph_new();
    static const size_t sizes[3] = {16, 16, 1};
    mg_mlp *m = mg_mlp_new(g, 3, sizes, 3, NULL, 7);
    mg_value *root;
    cr_assert_eq(mg_mlp_forward_d(m, (double[]){1, -2, 0.5}, &root), 1);
    mg_mlp_free(m);
    size_t n;
    mg_topo(root, &n);
    cr_assert_geq(n, 1000, "only %zu nodes", n);
    mg__layout lay;
    cr_assert_eq(mg__layout_make(&lay, root, 1, NULL), 0);
    for (size_t e = 0; e < lay.n_edges; e++)
        cr_expect_lt(lay.nodes[lay.edges[e].from].layer, lay.nodes[lay.edges[e].to].layer);
    mg__layout_free(&lay);
    char *html = html_of(root, NULL);
    cr_expect_lt(strlen(html), 6u << 20, "a 1000-node page of %zu bytes", strlen(html));
    free(html);
    mg_graph_free(g);
}

Test(page, bad_arguments) {
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, 1.0, "a");
    FILE *f = teach_tmp();
    cr_expect_eq(mg_svg_write(NULL, a, NULL), -1);
    cr_expect_eq(mg_svg_write(f, NULL, NULL), -1);
    cr_expect_eq(mg_html_write(NULL, a, NULL), -1);
    cr_expect_eq(mg_html_write(f, NULL, NULL), -1);
    /* a lone leaf is a picture too */
    cr_expect_eq(mg_svg_write(f, a, NULL), 0);
    cr_expect_eq(mg_html_write(f, a, NULL), 0);
    fclose(f);
    mg_graph_free(g);
}

/* The page's script and style sheet are embedded from the files people
 * edit: make page-assets keeps them equal. */
static void expect_embedded(const char *path, const char *const *lines) {
    FILE *f = fopen(path, "rb");
    cr_assert(f != NULL, "cannot open %s (run the tests from the project root)", path);
    fseek(f, 0, SEEK_END);
    char *file = mgt_slurp(f);
    size_t at = 0;
    for (; *lines; lines++) {
        size_t len = strlen(*lines);
        cr_expect(!strncmp(file + at, *lines, len), "%s differs from page_assets.c near byte %zu: "
                  "run make page-assets", path, at);
        if (strncmp(file + at, *lines, len)) break;
        at += len;
    }
    cr_expect_eq(file[at], 0, "%s is longer than page_assets.c: run make page-assets", path);
    free(file);
}

extern const char *const mg__page_js[];
extern const char *const mg__page_css[];

Test(page, embedded_assets_match_their_files) {
    expect_embedded("src/teach/page.js", mg__page_js);
    expect_embedded("src/teach/page.css", mg__page_css);
}
