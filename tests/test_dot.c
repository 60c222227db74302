/* test_dot.c -- the Graphviz DOT writer: the structure of the lecture
 * neuron's picture, escaping of any label, clusters, options, determinism.
 * Each DOT written here is also saved under MG_TEST_DOT_DIR, and
 * `make check-dot` renders all of them with dot -Tsvg. */
#include "teach_util.h"

/* DOT text of root with the given options. */
static char *dot_of(const mg_value *root, const mg_dot_options *opt) {
    FILE *f = teach_tmp();
    cr_assert_eq(mg_dot_write(f, root, opt), 0);
    return mgt_slurp(f);
}

/* Undo the writer's escaping of a record field: \" \\ \{ \} \| \< \> \n. */
static void unescape(const char *s, size_t len, char *out) {
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\\' && i + 1 < len) {
            i++;
            out[k++] = s[i] == 'n' ? '\n' : s[i];
        } else {
            out[k++] = s[i];
        }
    }
    out[k] = 0;
}

/* The parsed picture: records (id, label, data, grad), op nodes (id,
 * symbol) and edges, read from the lines the writer makes. */
typedef struct parsed {
    size_t n_rec, n_op, n_edge;
    size_t rec_id[64], op_id[64];
    char rec_label[64][64], op_sym[64][16];
    double rec_data[64], rec_grad[64];
    char edge[64][2][24];
} parsed;

/* Parse DOT text, checking on the way that every quoted string closes on
 * its line and that a record label has its three fields at brace depth 1
 * (escaped characters do not count). */
static void parse_dot(const char *text, parsed *p) {
    memset(p, 0, sizeof *p);
    const char *line = text;
    while (*line) {
        const char *end = strchr(line, '\n');
        cr_assert(end != NULL, "DOT text does not end with a newline");
        size_t id;
        int used = 0;
        if (sscanf(line, " v%zu [label=\"{%n", &id, &used) == 1 && used > 0) {
            cr_assert(p->n_rec < 64);
            const char *s = line + used;
            int depth = 1, bars = 0;
            const char *bar[2] = {NULL, NULL};
            for (; *s && *s != '"'; s++) {
                if (*s == '\\') { s++; continue; }
                if (*s == '{') depth++;
                if (*s == '}') depth--;
                if (*s == '|' && depth == 1) {
                    if (bars < 2) bar[bars] = s;
                    bars++;
                }
            }
            cr_assert_eq(*s, '"', "unterminated label: %.60s", line);
            cr_assert_eq(depth, 0, "unbalanced braces in: %.60s", line);
            cr_assert_eq(bars, 2, "record with %d fields: %.60s", bars + 1, line);
            size_t k = p->n_rec++;
            p->rec_id[k] = id;
            /* the label field is between "{ " and " |" */
            const char *l0 = line + used + 1;
            size_t llen = (size_t)(bar[0] - 1 - l0);
            char *lab = malloc(llen + 1);
            unescape(l0, llen, lab);
            snprintf(p->rec_label[k], sizeof p->rec_label[k], "%s", lab);
            free(lab);
            cr_assert_eq(sscanf(bar[0], "| data %lf", &p->rec_data[k]), 1);
            cr_assert_eq(sscanf(bar[1], "| grad %lf", &p->rec_grad[k]), 1);
        } else if (sscanf(line, " op%zu [label=\"%n", &id, &used) == 1 && used > 0) {
            size_t k = p->n_op++;
            p->op_id[k] = id;
            const char *q = strchr(line + used, '"');
            cr_assert(q && q < end);
            snprintf(p->op_sym[k], sizeof p->op_sym[k], "%.*s", (int)(q - line - used), line + used);
        } else if (strstr(line, " -> ") && strstr(line, " -> ") < end) {
            size_t k = p->n_edge++;
            cr_assert(k < 64);
            cr_assert_eq(sscanf(line, " %23s -> %23[^;];", p->edge[k][0], p->edge[k][1]), 2,
                         "bad edge line %.40s", line);
        }
        line = end + 1;
    }
}

static int has_edge(const parsed *p, const char *from, const char *to) {
    for (size_t k = 0; k < p->n_edge; k++)
        if (!strcmp(p->edge[k][0], from) && !strcmp(p->edge[k][1], to)) return 1;
    return 0;
}

Test(dot, lecture_neuron_records_ops_edges) {
    mg_graph *g = mg_graph_new();
    mg_value *v[10];
    mg_value *o = teach_neuron(g, v);
    mg_backward(o);
    char *text = dot_of(o, NULL);
    teach_save_dot("lecture_neuron.dot", text);
    cr_expect(strstr(text, "rankdir=LR;") != NULL);

    parsed p;
    parse_dot(text, &p);
    cr_assert_eq(p.n_rec, 10, "value records: %zu", p.n_rec);
    cr_assert_eq(p.n_op, 5, "op nodes: %zu", p.n_op);
    cr_expect_eq(p.n_edge, 14, "edges: %zu", p.n_edge);

    /* every node's record: its label, and data/grad (4 decimals) against
     * the lecture's numbers */
    for (size_t i = 0; i < 10; i++) {
        size_t k = 0;
        while (k < p.n_rec && p.rec_id[k] != mg_value_id(v[i])) k++;
        cr_assert(k < p.n_rec, "no record for %s", teach_neuron_names[i]);
        cr_expect_str_eq(p.rec_label[k], teach_neuron_names[i]);
        double data = teach_ref("lecture.tsv", "neuron", teach_neuron_names[i], 2);
        double grad = teach_ref("lecture.tsv", "neuron", teach_neuron_names[i], 3);
        cr_expect(fabs(p.rec_data[k] - data) <= 5e-5, "%s data %g vs %g", teach_neuron_names[i],
                  p.rec_data[k], data);
        cr_expect(fabs(p.rec_grad[k] - grad) <= 5e-5, "%s grad %g vs %g", teach_neuron_names[i],
                  p.rec_grad[k], grad);
    }

    /* the ops: output node -> symbol and inputs, written out by hand */
    static const struct { int out; const char *sym; int in[2]; } ops[5] = {
        {5, "*", {0, 2}}, {6, "*", {1, 3}}, {7, "+", {5, 6}}, {8, "+", {7, 4}}, {9, "tanh", {8, -1}},
    };
    for (int k = 0; k < 5; k++) {
        char opn[24], outn[24], inn[24];
        size_t id = mg_value_id(v[ops[k].out]);
        snprintf(opn, sizeof opn, "op%zu", id);
        snprintf(outn, sizeof outn, "v%zu", id);
        size_t j = 0;
        while (j < p.n_op && p.op_id[j] != id) j++;
        cr_assert(j < p.n_op, "no op node for %s", teach_neuron_names[ops[k].out]);
        cr_expect_str_eq(p.op_sym[j], ops[k].sym);
        cr_expect(has_edge(&p, opn, outn), "missing %s -> %s", opn, outn);
        for (int i = 0; i < 2 && ops[k].in[i] >= 0; i++) {
            snprintf(inn, sizeof inn, "v%zu", mg_value_id(v[ops[k].in[i]]));
            cr_expect(has_edge(&p, inn, opn), "missing %s -> %s", inn, opn);
        }
    }
    free(text);
    mg_graph_free(g);
}

Test(dot, same_program_same_bytes) {
    /* two builds in two graphs, the second after other allocations, so
     * that every address differs: the text must not */
    mg_graph *g1 = mg_graph_new();
    mg_value *v[10];
    mg_value *o1 = teach_neuron(g1, v);
    mg_backward(o1);
    char *t1 = dot_of(o1, NULL);

    void *junk = malloc(1 << 20);
    mg_graph *other = mg_graph_new();
    for (int i = 0; i < 5000; i++) mg_leaf(other, i, NULL);
    mg_graph *g2 = mg_graph_new();
    mg_value *o2 = teach_neuron(g2, v);
    mg_backward(o2);
    char *t2 = dot_of(o2, NULL);
    cr_expect(o1 != o2);
    cr_expect_str_eq(t1, t2);
    cr_expect(strstr(t1, "0x") == NULL, "a pointer in the DOT text?");
    free(t1), free(t2), free(junk);
    mg_graph_free(g1), mg_graph_free(g2), mg_graph_free(other);
}

/* Run dot -Tsvg on text when Graphviz is installed: no error, no warning.
 * (make check-dot does the same for every saved file, and CI runs it.)
 * MG_TEST_NO_DOT=1 skips it, e.g. under valgrind --trace-children, which
 * would report Graphviz's own leaks as ours. */
static void render_if_possible(const char *name) {
    if (getenv("MG_TEST_NO_DOT") || system("command -v dot >/dev/null 2>&1") != 0) return;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "dot -Tsvg '%s/%s' -o /dev/null 2>&1", MG_TEST_DOT_DIR, name);
    FILE *pipe = popen(cmd, "r");
    cr_assert(pipe != NULL);
    char msg[512] = "";
    size_t got = fread(msg, 1, sizeof msg - 1, pipe);
    msg[got] = 0;
    int status = pclose(pipe);
    cr_expect_eq(status, 0, "dot failed on %s: %s", name, msg);
    cr_expect_eq(got, 0, "dot complained about %s: %s", name, msg);
}

Test(dot, hostile_labels_are_escaped) {
    static char longest[10001];
    memset(longest, 'x', 10000);
    longest[0] = '{';
    longest[9999] = '\\';
    const char *labels[] = {
        "say \"hi\"", "{ braces } | pipe <port> a>b", "back\\slash\\", "two\nlines\n",
        "tab\there", "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80", "bad \xff\xfe bytes \xc3(",
        "\\\"", "\\n is not a newline", "}{", "", "ctl \x01\x7f", longest,
    };
    size_t n = sizeof labels / sizeof *labels;
    mg_graph *g = mg_graph_new();
    mg_value *acc = mg_leaf(g, 1.0, labels[0]);
    for (size_t i = 1; i < n; i++)
        acc = mg_label(mg_add(acc, mg_leaf(g, (double)i, labels[i])), labels[n - i]);
    mg_group_push(g, "cluster \"quoted\" {x} \\ \n end");
    acc = mg_tanh(acc);
    mg_group_pop(g);
    cr_assert(acc != NULL, "%s", mg_graph_error(g));
    mg_backward(acc);
    char *text = dot_of(acc, NULL);
    teach_save_dot("hostile_labels.dot", text);

    parsed p;
    parse_dot(text, &p);   /* every string closes, every record has 3 fields */
    cr_expect_eq(p.n_rec, 2 * n);
    /* labels that are valid UTF-8 without control characters come back
     * exactly once the writer's escapes are undone */
    size_t at = 0;
    for (const char *line = text; (line = strstr(line, " [label=\"{ ")); line++, at++) {
        size_t idx = 0;
        const char *s = line + 11, *e = strstr(s, " | data ");
        cr_assert(e != NULL);
        char *buf = malloc((size_t)(e - s) + 1);
        unescape(s, (size_t)(e - s), buf);
        int found = 0;
        for (idx = 0; idx < n; idx++) found |= !strcmp(buf, labels[idx]);
        if (!strchr(buf, '\t') && !strstr(buf, "\\x") && !strstr(buf, "#")) {
            cr_expect(found, "label did not survive escaping: [%s]", buf);
        }
        free(buf);
    }
    cr_expect(strstr(text, "bad \\\\xFF\\\\xFE bytes \\\\xC3(") != NULL,
              "invalid UTF-8 is written as \\xNN text");
    cr_expect(strstr(text, "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80") != NULL,
              "valid UTF-8 passes through");
    cr_expect(strstr(text, "tab\\\\x09here") != NULL);
    cr_expect(strstr(text, "two\\nlines\\n") != NULL, "a newline becomes a line break");
    render_if_possible("hostile_labels.dot");
    free(text);
    mg_graph_free(g);
}

/* Which cluster each line sits in: the stack of "subgraph cluster_gN {"
 * lines open above it. */
static void cluster_path(const char *text, const char *needle, char *path, size_t cap) {
    unsigned stack[16];
    int depth = 0;
    path[0] = 0;
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        unsigned gid;
        if (sscanf(line, " subgraph cluster_g%u {", &gid) == 1) {
            cr_assert(depth < 16);
            stack[depth++] = gid;
        } else if (line[strspn(line, " ")] == '}' && depth > 0) {
            depth--;
        } else if (!strncmp(line + strspn(line, " "), needle, strlen(needle))) {
            size_t k = 0;
            for (int d = 0; d < depth; d++) k += (size_t)snprintf(path + k, cap - k, "/g%u", stack[d]);
            return;
        }
        line = end + 1;
    }
    cr_assert_fail("no line starting %s", needle);
}

Test(dot, groups_are_nested_clusters) {
    mg_graph *g = mg_graph_new();
    mg_value *x = mg_leaf(g, 0.5, "x");
    unsigned layer = mg_group_push(g, "layer 1");
    unsigned n1 = mg_group_push(g, "neuron 1");
    mg_value *w1 = mg_leaf(g, 2.0, "w1");
    mg_value *o1 = mg_label(mg_tanh(mg_mul(w1, x)), "out1");
    mg_group_pop(g);
    unsigned n2 = mg_group_push(g, "neuron 2");
    mg_value *w2 = mg_leaf(g, -1.0, "w2");
    mg_value *o2 = mg_label(mg_tanh(mg_mul(w2, x)), "out2");
    mg_group_pop(g);
    mg_group_pop(g);
    mg_value *L = mg_label(mg_add(o1, o2), "L");
    cr_assert(L != NULL);
    cr_assert(layer == 1 && n1 == 2 && n2 == 3);
    cr_assert_eq(mg_group_parent(g, n2), layer);
    mg_backward(L);
    char *text = dot_of(L, NULL);
    teach_save_dot("clusters.dot", text);
    char path[64], want[64];
    struct { const mg_value *v; const char *path; } where[] = {
        {x, ""}, {w1, "/g1/g2"}, {o1, "/g1/g2"}, {w2, "/g1/g3"}, {o2, "/g1/g3"}, {L, ""},
    };
    for (size_t i = 0; i < sizeof where / sizeof *where; i++) {
        char needle[32];
        snprintf(needle, sizeof needle, "v%zu [", mg_value_id(where[i].v));
        cluster_path(text, needle, path, sizeof path);
        snprintf(want, sizeof want, "%s", where[i].path);
        cr_expect_str_eq(path, want, "%s is in %s, expected %s", mg_value_label(where[i].v), path, want);
        /* an op node sits with its value */
        if (mg_value_op(where[i].v) != MG_OP_LEAF) {
            snprintf(needle, sizeof needle, "op%zu [", mg_value_id(where[i].v));
            cluster_path(text, needle, path, sizeof path);
            cr_expect_str_eq(path, want);
        }
    }
    cr_expect(strstr(text, "label=\"layer 1\";") && strstr(text, "label=\"neuron 2\";"));
    render_if_possible("clusters.dot");
    free(text);

    mg_dot_options flat = {.no_clusters = 1};
    text = dot_of(L, &flat);
    cr_expect(strstr(text, "subgraph") == NULL);
    free(text);
    mg_graph_free(g);
}

Test(dot, options) {
    mg_graph *g = mg_graph_new();
    mg_value *v[7];
    mg_value *L = teach_expr(g, v);
    mg_backward(L);
    mg_dot_options o = {.digits = 2, .top_to_bottom = 1, .no_grad = 1};
    char *text = dot_of(L, &o);
    cr_expect(strstr(text, "rankdir=TB;") != NULL);
    cr_expect(strstr(text, "v6 [label=\"{ L | data -8.00 }\"];") != NULL, "%s", text);
    cr_expect(strstr(text, "| grad") == NULL);
    free(text);
    text = dot_of(L, NULL);
    cr_expect(strstr(text, "v6 [label=\"{ L | data -8.0000 | grad 1.0000 }\"];") != NULL);
    teach_save_dot("expression.dot", text);
    free(text);
    mg_graph_free(g);
}

Test(dot, op_symbols_and_unlabelled_nodes) {
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, 1.5, NULL);
    mg_value *terms[10];   /* one per statement: ids follow creation order */
    terms[0] = mg_pow(a, 2);
    terms[1] = mg_pow(a, -1);
    terms[2] = mg_pow(a, 0.5);
    terms[3] = mg_exp(a);
    terms[4] = mg_relu(a);
    terms[5] = mg_sigmoid(a);
    terms[6] = mg_log(a);
    terms[7] = mg_neg(a);
    terms[8] = mg_div(a, a);
    terms[9] = mg_sub(a, a);
    mg_value *root = mg_sum(terms, 10);
    cr_assert(root != NULL);
    char *text = dot_of(root, NULL);
    teach_save_dot("op_symbols.dot", text);
    const char *want[] = {"op1 [label=\"**2\"", "op2 [label=\"**-1\"", "op3 [label=\"**0.5\"",
                          "[label=\"exp\"", "[label=\"relu\"", "[label=\"sigmoid\"",
                          "[label=\"log\"", "[label=\"neg\"", "[label=\"/\"", "[label=\"-\"",
                          "[label=\"sum\"", "v0 [label=\"{ #0 | data 1.5000"};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        cr_expect(strstr(text, want[i]) != NULL, "missing %s", want[i]);
    /* a twice-used input gets both edges (a/a, a-a) */
    size_t edges = 0;
    for (const char *s = text; (s = strstr(s, "v0 -> op")); s++) edges++;
    cr_expect_eq(edges, 12);
    free(text);
    mg_graph_free(g);
}

Test(dot, random_graph_renders) {
    mg_graph *g = mg_graph_new();
    mg_value *leaves[6];
    mg_value *root = teach_random_graph(g, 7, 6, 120, leaves);
    mg_backward(root);
    char *text = dot_of(root, NULL);
    teach_save_dot("random_graph.dot", text);
    size_t n;
    mg_topo(root, &n);
    size_t records = 0;
    for (const char *s = text; (s = strstr(s, " [label=\"{ ")); s++) records++;
    cr_expect_eq(records, n);
    free(text);
    mg_graph_free(g);
}

Test(dot, errors) {
    mg_graph *g = mg_graph_new();
    mg_value *v[7];
    mg_value *L = teach_expr(g, v);
    cr_expect_eq(mg_dot_write(NULL, L, NULL), -1);
    cr_expect_eq(mg_dot_write(stdout, NULL, NULL), -1);
    FILE *full = fopen("/dev/full", "w");
    if (full) {
        cr_expect_eq(mg_dot_write(full, L, NULL), -1, "a failed write must be reported");
        fclose(full);
    }
    mg_graph_free(g);
}

Test(dot, random_byte_labels_render) {
    /* 300 labels of random bytes 1..255 (NUL ends a C string): whatever
     * they hold, each record keeps three fields and dot renders the file
     * without a complaint */
    teach_rng r = {2024};
    mg_graph *g = mg_graph_new();
    mg_value *acc = mg_leaf(g, 0.0, "start");
    for (int i = 0; i < 300; i++) {
        char label[64];
        size_t len = 1 + teach_below(&r, 60);
        for (size_t k = 0; k < len; k++) label[k] = (char)(1 + teach_below(&r, 255));
        label[len] = 0;
        acc = mg_add(acc, mg_leaf(g, i, label));
        if (i % 3 == 0) mg_label(acc, label);
    }
    cr_assert(acc != NULL);
    mg_backward(acc);
    char *text = dot_of(acc, NULL);
    teach_save_dot("random_bytes.dot", text);
    const char *line = text;
    size_t records = 0;
    while ((line = strstr(line, " [label=\"{ "))) {   /* three fields each */
        int depth = 1, bars = 0;
        const char *s = line + 10;
        for (; *s && *s != '"'; s++) {
            if (*s == '\\') { s++; continue; }
            depth += (*s == '{') - (*s == '}');
            bars += *s == '|' && depth == 1;
            cr_assert(*s != '\n', "a raw newline inside a label");
        }
        cr_expect(*s == '"' && depth == 0 && bars == 2, "record %zu is malformed", records);
        records++;
        line = s;
    }
    cr_expect_eq(records, 601);
    render_if_possible("random_bytes.dot");
    free(text);
    mg_graph_free(g);
}

/* %.4f showed a gradient of 3e-05 as 0.0000.  Small and huge numbers take
 * the exponent form now, with the same number of digits. */
Test(dot, no_value_collapses_to_zero) {
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, 3e-5, "a"), *b = mg_leaf(g, -2.5e-7, "b");
    mg_value *c = mg_leaf(g, 1e10, "c"), *z = mg_leaf(g, 0.0, "z");
    mg_value *h = mg_leaf(g, 0.0012, "h");
    mg_value *sum = mg_label(mg_add(mg_add(mg_add(mg_add(a, b), c), z), h), "s");
    mg_backward(sum);
    a->grad = 3e-5;
    char *text = dot_of(sum, NULL);
    cr_expect(strstr(text, "{ a | data 3.0000e-05 | grad 3.0000e-05 }"), "%s", text);
    cr_expect(strstr(text, "{ b | data -2.5000e-07 | grad 1.0000 }"), "%s", text);
    cr_expect(strstr(text, "{ c | data 1.0000e+10 | grad 1.0000 }"), "%s", text);
    cr_expect(strstr(text, "{ z | data 0.0000 | grad 1.0000 }"), "%s", text);
    cr_expect(strstr(text, "{ h | data 0.0012 | grad 1.0000 }"), "%s", text);
    teach_save_dot("small_numbers.dot", text);
    free(text);
    mg_dot_options o = {.digits = 2};
    text = dot_of(sum, &o);
    cr_expect(strstr(text, "{ h | data 1.20e-03 | grad 1.00 }"), "%s", text);
    free(text);
    mg_graph_free(g);
}

/* The longest quoted string in DOT text (escapes counted as written). */
static size_t longest_quoted(const char *t) {
    size_t best = 0;
    for (const char *p = t; (p = strchr(p, '"'));) {
        const char *q = p + 1;
        while (*q && *q != '"') q += *q == '\\' && q[1] ? 2 : 1;
        if ((size_t)(q - p - 1) > best) best = (size_t)(q - p - 1);
        p = *q ? q + 1 : q;
    }
    return best;
}

/* A label over 16,384 bytes made DOT that Graphviz rejects.  What is drawn
 * is cut with an ellipsis; the tooltip holds the whole text, in quoted
 * pieces joined by '+'. */
Test(dot, labels_longer_than_graphviz_takes_are_cut) {
    static char big[40001], grp[30001];
    for (int i = 0; i < 40000; i++) big[i] = "abc\"{|}\\"[i % 8];
    memset(grp, 'g', 30000);
    mg_graph *g = mg_graph_new();
    mg_group_push(g, grp);
    mg_value *x = mg_leaf(g, 2.0, big);
    mg_group_pop(g);
    mg_value *y = mg_label(mg_tanh(x), "y");
    mg_backward(y);
    char *text = dot_of(y, NULL);
    teach_save_dot("long_labels.dot", text);
    cr_expect_leq(longest_quoted(text), 16384, "a quoted string of %zu bytes", longest_quoted(text));
    cr_expect(strstr(text, "\xE2\x80\xA6 | data 2.0000 | grad"), "the drawn label ends in an ellipsis");
    /* the tooltip, pieces joined, is the label itself */
    const char *tip = strstr(text, "tooltip=\"abc");
    cr_assert(tip);
    tip += 9;
    static char whole[80001];
    size_t k = 0;
    for (const char *p = tip; *p;) {
        if (*p == '\\' && p[1]) {
            whole[k++] = p[1];
            p += 2;
        } else if (*p == '"') {
            if (strncmp(p, "\" + \"", 5)) break;
            p += 5;
        } else {
            whole[k++] = *p++;
        }
    }
    whole[k] = 0;
    cr_expect(!strcmp(whole, big), "the tooltip holds %zu of the label's 40000 bytes", k);
    cr_expect(strstr(text, "label=\"ggg") && strstr(text, "tooltip=\"ggg"), "the cluster too");
    render_if_possible("long_labels.dot");
    free(text);
    mg_graph_free(g);
}
