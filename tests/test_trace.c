/* test_trace.c -- the dump, the narrated backward pass and explain: their
 * printed numbers, read back, against the lecture's and CS231n's, and the
 * trace against mg_backward bit for bit. */
#include "teach_util.h"

/* ----------------------------------------------------------- helpers */

static char *dump_of(const mg_value *root, unsigned flags) {
    FILE *f = teach_tmp();
    cr_assert_eq(mg_dump(f, root, flags), 0);
    return mgt_slurp(f);
}

static char *trace_of(mg_value *root) {
    FILE *f = teach_tmp();
    cr_assert_eq(mg_trace_backward(f, root), 0);
    return mgt_slurp(f);
}

static char *explain_of(const mg_value *root, const mg_value *x) {
    FILE *f = teach_tmp();
    cr_assert_eq(mg_explain(f, root, x), 0);
    return mgt_slurp(f);
}

/* From a TSV dump: data and grad of the node labelled name. */
static void tsv_lookup(const char *text, const char *name, double *data, double *grad) {
    const char *line = strchr(text, '\n') + 1;   /* after the header */
    for (; *line; line = strchr(line, '\n') + 1) {
        const char *tab = strchr(line, '\t');
        const char *label = tab + 1;
        const char *tab2 = strchr(label, '\t');
        if ((size_t)(tab2 - label) == strlen(name) && !strncmp(label, name, strlen(name))) {
            const char *p = tab2 + 1;
            p = strchr(p, '\t') + 1;   /* skip op */
            p = strchr(p, '\t') + 1;   /* skip inputs */
            char *end;
            *data = strtod(p, &end);
            cr_assert_eq(*end, '\t');
            *grad = strtod(end + 1, &end);
            cr_assert_eq(*end, '\t');
            return;
        }
    }
    cr_assert_fail("no node %s in the dump", name);
}

/* From an aligned dump: data and grad of the node labelled name, cut out
 * of the columns that the header's "data" and "grad" end. */
static void aligned_lookup(const char *text, const char *name, double *data, double *grad) {
    const char *nl = strchr(text, '\n');
    size_t data_end = (size_t)(strstr(text, "data") + 4 - text);
    size_t grad_end = (size_t)(strstr(text, "grad") + 4 - text);
    size_t label_at = (size_t)(strstr(text, "label") - text);
    cr_assert(data_end < (size_t)(nl - text) && grad_end < (size_t)(nl - text));
    size_t width = grad_end - data_end - 2;   /* "  " between the columns */
    for (const char *line = nl + 1; *line; line = strchr(line, '\n') + 1) {
        if (strncmp(line + label_at, name, strlen(name)) || line[label_at + strlen(name)] != ' ')
            continue;
        char buf[64];
        snprintf(buf, sizeof buf, "%.*s", (int)width, line + data_end - width);
        *data = strtod(buf, NULL);
        snprintf(buf, sizeof buf, "%.*s", (int)width, line + grad_end - width);
        *grad = strtod(buf, NULL);
        return;
    }
    cr_assert_fail("no node %s in the dump", name);
}

/* ----------------------------------------------------------------- dump */

Test(dump, lecture_numbers_read_back) {
    mg_graph *g = mg_graph_new();
    mg_value *e[7], *n[10];
    mg_value *L = teach_expr(g, e);
    mg_value *o = teach_neuron(g, n);
    mg_backward(L);
    mg_backward(o);
    struct { mg_value *root; const char *example; const char *const *names; int count; } cases[2] = {
        {L, "expr", teach_expr_names, 7}, {o, "neuron", teach_neuron_names, 10}};
    for (int c = 0; c < 2; c++) {
        char *tsv = dump_of(cases[c].root, MG_DUMP_TSV);
        char *people = dump_of(cases[c].root, 0);
        char *exact = dump_of(cases[c].root, MG_DUMP_ROUNDTRIP);
        for (int i = 0; i < cases[c].count; i++) {
            const char *name = cases[c].names[i];
            double data_ref = teach_ref("lecture.tsv", cases[c].example, name, 2);
            double grad_ref = teach_ref("lecture.tsv", cases[c].example, name, 3);
            double data, grad;
            /* %.17g gives back the very double.  The expression is exact
             * arithmetic; the neuron goes through libm's tanh, which need not
             * be correctly rounded (glibc's gives o one ulp above the
             * reference's 0.7071067811865476), so there a few ulp (1e-15
             * relative) are allowed */
            double rel = c == 0 ? 0.0 : 1e-15;
            tsv_lookup(tsv, name, &data, &grad);
            cr_expect(fabs(data - data_ref) <= rel * fabs(data_ref), "%s data %.17g vs %.17g", name,
                      data, data_ref);
            cr_expect(fabs(grad - grad_ref) <= rel * fabs(grad_ref), "%s grad %.17g vs %.17g", name,
                      grad, grad_ref);
            double d2, g2;
            aligned_lookup(exact, name, &d2, &g2);
            cr_expect(d2 == data && g2 == grad, "%s: round-trip columns differ from the TSV", name);
            /* nine decimals: within half a unit of the last one */
            aligned_lookup(people, name, &data, &grad);
            cr_expect(fabs(data - data_ref) <= 5e-10, "%s data %.10f vs %.17g", name, data, data_ref);
            cr_expect(fabs(grad - grad_ref) <= 5e-10, "%s grad %.10f vs %.17g", name, grad, grad_ref);
        }
        free(tsv), free(people), free(exact);
    }
    mg_graph_free(g);
}

/* CS231n's 2-D sigmoid neuron f = sigmoid(w0*x0 + w1*x1 + w2). */
static mg_value *cs231n_neuron(mg_graph *g) {
    mg_value *w0 = mg_leaf(g, 2.0, "w0"), *x0 = mg_leaf(g, -1.0, "x0");
    mg_value *w1 = mg_leaf(g, -3.0, "w1"), *x1 = mg_leaf(g, -2.0, "x1");
    mg_value *w2 = mg_leaf(g, -3.0, "w2");
    mg_value *w0x0 = mg_mul(w0, x0);
    mg_value *w1x1 = mg_mul(w1, x1);
    mg_value *dot = mg_label(mg_add(mg_add(w0x0, w1x1), w2), "dot");
    mg_value *f = mg_label(mg_sigmoid(dot), "f");
    cr_assert(f != NULL);
    return f;
}

Test(dump, cs231n_numbers_read_back) {
    mg_graph *g = mg_graph_new();
    mg_value *f = cs231n_neuron(g);
    mg_backward(f);
    char *tsv = dump_of(f, MG_DUMP_TSV);
    char *people = dump_of(f, 0);
    /* quantity in cs231n.tsv -> node and column (data or grad) */
    static const struct { const char *ref, *node; int grad; } rows[] = {
        {"dot", "dot", 0}, {"f", "f", 0}, {"d_dot", "dot", 1}, {"dx0", "x0", 1},
        {"dx1", "x1", 1}, {"dw0", "w0", 1}, {"dw1", "w1", 1}, {"dw2", "w2", 1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        double want = teach_ref("cs231n.tsv", "neuron", rows[i].ref, 2), data, grad;
        tsv_lookup(tsv, rows[i].node, &data, &grad);
        double got = rows[i].grad ? grad : data;
        /* the sigmoid op's s(1-s) is the reference's fused form */
        cr_expect(got == want, "%s: %.17g vs %.17g", rows[i].ref, got, want);
        aligned_lookup(people, rows[i].node, &data, &grad);
        got = rows[i].grad ? grad : data;
        cr_expect(fabs(got - want) <= 5e-10, "%s: %.10f vs %.17g", rows[i].ref, got, want);
    }
    free(tsv), free(people);

    /* the staged example f = (x + sigmoid(y)) / (sigmoid(x) + (x+y)^2) */
    mg_value *x = mg_leaf(g, 3.0, "x"), *y = mg_leaf(g, -4.0, "y");
    mg_value *num = mg_add(x, mg_sigmoid(y));
    mg_value *den = mg_add(mg_sigmoid(x), mg_pow(mg_add(x, y), 2.0));
    mg_value *fs = mg_label(mg_div(num, den), "fs");
    cr_assert(fs != NULL);
    mg_backward(fs);
    tsv = dump_of(fs, MG_DUMP_TSV);
    double data, grad;
    tsv_lookup(tsv, "fs", &data, &grad);
    cr_expect(fabs(data - teach_ref("cs231n.tsv", "staged", "f", 2)) <= 1e-15 * fabs(data));
    tsv_lookup(tsv, "x", &data, &grad);
    cr_expect(fabs(grad - teach_ref("cs231n.tsv", "staged", "dx", 2)) <= 1e-14 * fabs(grad),
              "dx %.17g", grad);
    tsv_lookup(tsv, "y", &data, &grad);
    cr_expect(fabs(grad - teach_ref("cs231n.tsv", "staged", "dy", 2)) <= 1e-14 * fabs(grad),
              "dy %.17g", grad);
    free(tsv);
    mg_graph_free(g);
}

Test(dump, columns_names_and_ops) {
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, 3.0, NULL);
    mg_value *b = mg_leaf(g, 0.5, "two\nlines\tand \\");
    mg_value *p = mg_pow(a, 2.0);
    mg_value *root = mg_mul(p, b);
    mg_backward(root);
    char *text = dump_of(root, 0);
    size_t lines = 0;
    for (const char *s = text; *s; s++) lines += *s == '\n';
    cr_expect_eq(lines, 5, "one line per node plus the header:\n%s", text);
    cr_expect(strstr(text, "two\\nlines\\tand \\\\") != NULL, "%s", text);
    /* unlabelled nodes are #id; pow shows its exponent; the local grads:
     * d(a^2)/da = 2a = 6, d(p*b)/dp = b = 0.5, d(p*b)/db = p = 9 */
    cr_expect(strstr(text, "#0") && strstr(text, "pow(2)"), "%s", text);
    cr_expect(strstr(text, " 6.000000000\n") != NULL, "%s", text);
    cr_expect(strstr(text, "0.500000000  9.000000000\n") != NULL, "%s", text);
    free(text);
    text = dump_of(root, MG_DUMP_TSV);
    const char *header = "id\tlabel\top\tinputs\tdata\tgrad\tlocal_grads\n";
    cr_expect(strncmp(text, header, strlen(header)) == 0, "%s", text);
    cr_expect(strstr(text, "\tpow(2)\t0\t9\t") != NULL, "%s", text);
    cr_expect(strstr(text, "\t2,1\t4.5\t1\t0.5,9\n") != NULL, "%s", text);
    free(text);
    cr_expect_eq(mg_dump(NULL, root, 0), -1);
    cr_expect_eq(mg_dump(stdout, NULL, 0), -1);
    mg_graph_free(g);
}

/* ---------------------------------------------------------------- trace */

/* One parsed trace line: grad(in) += grad(out) * ... = g * local = product */
typedef struct step {
    char in[64], out[64];
    double g, local, product;
} step;

static size_t parse_trace(const char *text, step *steps, size_t max, char *root_name) {
    const char *line = text;
    cr_assert_eq(line[0], '#', "the trace opens with a comment line");
    line = strchr(line, '\n') + 1;
    cr_assert_eq(sscanf(line, "grad(%63[^)]) = 1\n", root_name), 1, "%.40s", line);
    line = strchr(line, '\n') + 1;
    size_t n = 0;
    for (; *line; line = strchr(line, '\n') + 1) {
        cr_assert(n < max);
        step *s = &steps[n++];
        cr_assert_eq(sscanf(line, "grad(%63[^)]) += grad(%63[^)])", s->in, s->out), 2, "%.60s", line);
        const char *nl = strchr(line, '\n');
        /* the numbers follow the second-to-last " = " of the line */
        const char *eq2 = NULL, *eq1 = NULL;
        for (const char *q = line; q < nl; q++)
            if (!strncmp(q, " = ", 3)) eq1 = eq2, eq2 = q;
        cr_assert(eq1 && eq2);
        cr_assert_eq(sscanf(eq1, " = %lf * %lf", &s->g, &s->local), 2, "%.60s", eq1);
        cr_assert_eq(sscanf(eq2, " = %lf", &s->product), 1);
    }
    return n;
}

/* The trace of `example` from lecture.tsv: every step's numbers, read
 * back, against the reference grads and the hand rule product = g * local. */
static void check_trace(mg_value *root, const char *file, const char *example,
                        const char *const *names, int count, size_t edges) {
    char *text = trace_of(root);
    step steps[64];
    char root_name[64];
    size_t n = parse_trace(text, steps, 64, root_name);
    cr_expect_eq(n, edges, "one line per edge:\n%s", text);
    cr_expect_str_eq(root_name, mg_value_label(root));
    double sum[16] = {0};
    for (size_t k = 0; k < n; k++) {
        const step *s = &steps[k];
        cr_expect(fabs(s->g * s->local - s->product) <= 2e-9 * fmax(1.0, fabs(s->product)),
                  "%s: %.9f * %.9f != %.9f", s->in, s->g, s->local, s->product);
        double g_ref = teach_ref(file, example, s->out, 3);
        cr_expect(fabs(s->g - g_ref) <= 5e-10, "grad(%s) printed %.9f, reference %.17g", s->out,
                  s->g, g_ref);
        for (int i = 0; i < count; i++)
            if (!strcmp(names[i], s->in)) sum[i] += s->product;
    }
    for (int i = 0; i < count; i++) {
        if (!strcmp(names[i], root_name)) continue;
        double g_ref = teach_ref(file, example, names[i], 3);
        cr_expect(fabs(sum[i] - g_ref) <= 1e-9, "grad(%s): steps add to %.10f, reference %.17g",
                  names[i], sum[i], g_ref);
    }
    free(text);
}

Test(trace, lecture_numbers_read_back) {
    mg_graph *g = mg_graph_new();
    mg_value *e[7], *n[10];
    check_trace(teach_expr(g, e), "lecture.tsv", "expr", teach_expr_names, 7, 6);
    check_trace(teach_neuron(g, n), "lecture.tsv", "neuron", teach_neuron_names, 10, 9);
    mg_graph_free(g);
}

Test(trace, lecture_expression_line_by_line) {
    /* The lecture's chain rule by hand: L = d*f, d = e + c, e = a*b, at
     * a=2, b=-3, c=10, f=-2: dL/dd = f = -2, dL/df = d = 4, then through
     * the + (local 1) and the * (locals b = -3 and a = 2). */
    mg_graph *g = mg_graph_new();
    mg_value *v[7];
    char *text = trace_of(teach_expr(g, v));
    const char *want =
        "grad(L) = 1\n"
        "grad(d) += grad(L) * dL/dd = 1.000000000 * -2.000000000 = -2.000000000\n"
        "grad(f) += grad(L) * dL/df = 1.000000000 * 4.000000000 = 4.000000000\n"
        "grad(e) += grad(d) * dd/de = -2.000000000 * 1.000000000 = -2.000000000\n"
        "grad(c) += grad(d) * dd/dc = -2.000000000 * 1.000000000 = -2.000000000\n"
        "grad(a) += grad(e) * de/da = -2.000000000 * -3.000000000 = 6.000000000\n"
        "grad(b) += grad(e) * de/db = -2.000000000 * 2.000000000 = -4.000000000\n";
    cr_expect_str_eq(strchr(text, '\n') + 1, want);
    free(text);
    mg_graph_free(g);
}

Test(trace, cs231n_neuron) {
    mg_graph *g = mg_graph_new();
    mg_value *f = cs231n_neuron(g);
    char *text = trace_of(f);
    step steps[16];
    char root_name[64];
    size_t n = parse_trace(text, steps, 16, root_name);
    cr_expect_eq(n, 9);
    /* the first step goes through the sigmoid: local d_dot, and each
     * weight's step ends on its reference gradient */
    cr_expect_str_eq(steps[0].in, "dot");
    cr_expect(fabs(steps[0].product - teach_ref("cs231n.tsv", "neuron", "d_dot", 2)) <= 5e-10);
    static const char *const leaf[5][2] = {{"w0", "dw0"}, {"x0", "dx0"}, {"w1", "dw1"},
                                            {"x1", "dx1"}, {"w2", "dw2"}};
    for (int i = 0; i < 5; i++) {
        size_t k = 0;
        while (k < n && strcmp(steps[k].in, leaf[i][0])) k++;
        cr_assert(k < n, "no step into %s", leaf[i][0]);
        double want = teach_ref("cs231n.tsv", "neuron", leaf[i][1], 2);
        cr_expect(fabs(steps[k].product - want) <= 5e-10, "%s: %.9f vs %.17g", leaf[i][0],
                  steps[k].product, want);
    }
    free(text);
    mg_graph_free(g);
}

/* The grads of every node reachable from root, in topo order. */
static double *grads_of(mg_value *root, size_t *n) {
    mg_value *const *topo = mg_topo(root, n);
    double *gr = malloc(*n * sizeof *gr);
    for (size_t i = 0; i < *n; i++) gr[i] = topo[i]->grad;
    return gr;
}

/* Forget the graph's cached order, so that mg_backward(root) takes its
 * one-sweep path rather than walking the cached array. */
static void forget_order(mg_value *root) {
    size_t n;
    mg_value *first = mg_topo(root, &n)[0];
    if (first != root) mg_topo(first, &n);
}

/* backward and trace from the same start give the same bits, once and
 * then again (leaves accumulating), whichever way backward walks. */
static void check_same_bits(mg_value *root) {
    FILE *null = fopen("/dev/null", "w");
    cr_assert(null != NULL);
    size_t n1, n2, n3;
    double *b[2], *c[2], *t[2];
    mg_zero_grad(root);
    for (int k = 0; k < 2; k++) {   /* the sweep */
        forget_order(root);
        mg_backward(root);
        b[k] = grads_of(root, &n1);
    }
    mg_zero_grad(root);
    for (int k = 0; k < 2; k++) {   /* the cached order */
        mg_topo(root, &n2);
        mg_backward(root);
        c[k] = grads_of(root, &n2);
    }
    mg_zero_grad(root);
    for (int k = 0; k < 2; k++) {
        cr_assert_eq(mg_trace_backward(null, root), 0);
        t[k] = grads_of(root, &n3);
    }
    cr_assert(n1 == n2 && n2 == n3);
    for (int k = 0; k < 2; k++) {
        cr_expect(memcmp(b[k], t[k], n1 * sizeof(double)) == 0, "trace and backward differ (%d)", k);
        cr_expect(memcmp(c[k], t[k], n1 * sizeof(double)) == 0, "trace and replayed backward differ (%d)", k);
        free(b[k]), free(c[k]), free(t[k]);
    }
    fclose(null);
}

Test(trace, same_bits_as_backward) {
    mg_graph *g = mg_graph_new();
    mg_value *v[10];
    check_same_bits(teach_neuron(g, v));
    check_same_bits(teach_expr(g, v));
    check_same_bits(cs231n_neuron(g));
    for (uint64_t seed = 1; seed <= 8; seed++) {
        mg_value *leaves[8];
        check_same_bits(teach_random_graph(g, seed, 8, 400, leaves));
    }
    mg_value *leaf = mg_leaf(g, 4.0, "lonely");   /* a root that is a leaf */
    check_same_bits(leaf);
    mg_graph_free(g);
}

Test(trace, reuse_shows_the_running_total) {
    /* a used twice: a*a + a at a = 3 gives 2a + 1 = 7, in three steps */
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, 3.0, "a");
    mg_value *sq = mg_label(mg_mul(a, a), "sq");
    mg_value *y = mg_label(mg_add(sq, a), "y");
    char *text = trace_of(y);
    cr_expect(strstr(text, "grad(a) += grad(y) * dy/da = 1.000000000 * 1.000000000 = 1.000000000\n"));
    cr_expect(strstr(text, "= 1.000000000 * 3.000000000 = 3.000000000  (now 4.000000000)\n"));
    cr_expect(strstr(text, "= 1.000000000 * 3.000000000 = 3.000000000  (now 7.000000000)\n"), "%s", text);
    cr_expect_eq(a->grad, 7.0);
    free(text);
    cr_expect_eq(mg_trace_backward(NULL, y), -1);
    cr_expect_eq(mg_trace_backward(stdout, NULL), -1);
    mg_graph_free(g);
}

/* -------------------------------------------------------------- explain */

/* The numbers line of a one-path explanation "  = f1 * f2 * ... = P":
 * checks that the factors multiply to P and returns P. */
static double check_product_line(const char *line) {
    const char *p = strstr(line, "= ");
    cr_assert(p != NULL, "%.60s", line);
    p += 2;
    double product = 1.0;
    for (;;) {
        char *end;
        double f = strtod(p, &end);
        cr_assert(end != p, "not a number: %.30s", p);
        product *= f;
        if (!strncmp(end, " * ", 3)) p = end + 3;
        else if (!strncmp(end, " = ", 3)) {
            double printed = strtod(end + 3, NULL);
            cr_expect(fabs(printed - product) <= 1e-8 * fmax(1.0, fabs(printed)),
                      "factors multiply to %.10g, printed %.10g", product, printed);
            return printed;
        } else cr_assert_fail("unexpected text after a factor: %.30s", end);
    }
}

Test(explain, lecture_neuron_terms_multiply_to_the_grads) {
    mg_graph *g = mg_graph_new();
    mg_value *v[10];
    mg_value *o = teach_neuron(g, v);
    for (int i = 0; i < 5; i++) {   /* the five leaves */
        char *text = explain_of(o, v[i]);
        const char *second = strchr(text, '\n') + 1;
        double p = check_product_line(second);
        double want = teach_ref("lecture.tsv", "neuron", teach_neuron_names[i], 3);
        cr_expect(fabs(p - want) <= 5e-10, "d o/d %s: %.9f vs %.17g", teach_neuron_names[i], p, want);
        free(text);
    }
    /* the path from w1, factor by factor, as the lecture writes it */
    char *text = explain_of(o, v[2]);
    const char *path = "do/dw1 = do/dn * dn/d(x1*w1 + x2*w2) * d(x1*w1 + x2*w2)/d(x1*w1)"
                       " * d(x1*w1)/dw1\n       = ";
    cr_expect(!strncmp(text, path, strlen(path)), "%s", text);
    free(text);
    text = explain_of(o, v[8]);   /* n is a direct input of o */
    cr_expect(!strncmp(text, "do/dn = 0.500000000\n", 20) || !strncmp(text, "do/dn = 0.49999", 15),
              "%s", text);
    free(text);
    mg_graph_free(g);
}

Test(explain, several_paths_are_summed) {
    /* the lecture's a=-2, b=3, d=a*b, e=a+b, f=d*e.  By hand:
     * df/da = e*b + d*1 = 1*3 + (-6) = -3 and df/db = e*a + d = -2 - 6 = -8 */
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, -2.0, "a"), *b = mg_leaf(g, 3.0, "b");
    mg_value *d = mg_label(mg_mul(a, b), "d"), *e = mg_label(mg_add(a, b), "e");
    mg_value *f = mg_label(mg_mul(d, e), "f");
    const double want[2] = {-3.0, -8.0};
    mg_value *leaf[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        char *text = explain_of(f, leaf[i]);
        cr_expect(strstr(text, "is the sum over 2 paths") != NULL, "%s", text);
        double sum = 0.0;
        int paths = 0;
        for (const char *s = text; (s = strstr(s, "\n          = ")); s++, paths++)
            sum += check_product_line(s + 1);
        cr_expect_eq(paths, 2, "%s", text);
        cr_expect(fabs(sum - want[i]) <= 1e-9, "%s", text);
        const char *total = strstr(text, "sum of the 2 path products = ");
        cr_assert(total != NULL, "%s", text);
        cr_expect(fabs(strtod(total + 29, NULL) - want[i]) <= 1e-9);
        free(text);
    }
    mg_graph_free(g);
}

/* y = x; then `steps` times y = y + y: 2^steps paths from x, all of
 * local derivative 1, and dy/dx = 2^steps. */
static mg_value *doubling_chain(mg_graph *g, mg_value **x, int steps) {
    *x = mg_leaf(g, 0.5, "x");
    mg_value *y = *x;
    for (int i = 0; i < steps; i++) y = mg_add(y, y);
    cr_assert(y != NULL);
    return mg_label(y, "y");
}

/* The value at the end of the last line of text. */
static double last_value(const char *text) {
    const char *end = text + strlen(text) - 1, *p = end;
    while (p > text && p[-1] != ' ') p--;
    return strtod(p, NULL);
}

Test(explain, many_paths_switch_to_the_grouped_form, .timeout = 10) {
    mg_graph *g = mg_graph_new();
    mg_value *x;
    mg_value *y = doubling_chain(g, &x, 6);   /* 64 paths: still listed */
    char *text = explain_of(y, x);
    cr_expect(strstr(text, "is the sum over 64 paths") != NULL);
    cr_expect(strstr(text, "  path 64:") != NULL);
    cr_expect(fabs(last_value(text) - 64.0) <= 1e-9, "%s", text);
    free(text);

    y = doubling_chain(g, &x, 10);   /* 1024 paths: grouped */
    text = explain_of(y, x);
    cr_expect(strstr(text, ": 1024 paths (more than 64 to list); grouped by node") != NULL, "%s", text);
    cr_expect(strstr(text, "path 1:") == NULL);
    cr_expect(fabs(last_value(text) - 1024.0) <= 1e-9);
    free(text);

    y = doubling_chain(g, &x, 300);   /* 2^300 paths: counted without overflow */
    text = explain_of(y, x);
    cr_expect(strstr(text, ": at least 18446744073709551615 paths") != NULL, "%.200s", text);
    cr_expect(fabs(last_value(text) / ldexp(1.0, 300) - 1.0) <= 1e-9, "%s", strrchr(text, '='));
    free(text);
    mg_graph_free(g);
}

Test(explain, grouped_form_matches_backward_on_random_graphs) {
    mg_graph *g = mg_graph_new();
    for (uint64_t seed = 11; seed <= 14; seed++) {
        mg_value *leaves[6];
        mg_value *root = teach_random_graph(g, seed, 6, 300, leaves);
        mg_zero_grad(root);
        mg_backward(root);
        for (int i = 0; i < 6; i++) {
            char *text = explain_of(root, leaves[i]);
            double got = last_value(text), want = leaves[i]->grad;
            if (strstr(text, "= 0: no path")) cr_expect_eq(want, 0.0);
            else cr_expect(fabs(got - want) <= 1e-8 * fmax(1.0, fabs(want)), "seed %llu x%d: %.10g vs %.17g",
                           (unsigned long long)seed, i, got, want);
            free(text);
        }
    }
    mg_graph_free(g);
}

Test(explain, edge_cases) {
    mg_graph *g = mg_graph_new(), *other = mg_graph_new();
    mg_value *v[7];
    mg_value *L = teach_expr(g, v);
    mg_value *stray = mg_leaf(g, 1.0, "stray");
    char *text = explain_of(L, stray);
    cr_expect_str_eq(text, "dL/dstray = 0: no path leads from stray to L\n");
    free(text);
    text = explain_of(L, L);
    cr_expect_str_eq(text, "dL/dL = 1: the node itself\n");
    free(text);
    text = explain_of(L, v[5]);
    cr_expect_str_eq(text, "dL/df = 4.000000000\n");
    free(text);
    mg_value *far = mg_leaf(other, 1.0, "far");
    cr_expect_eq(mg_explain(stdout, L, far), -1);
    cr_expect(mg_graph_error(g) != NULL && strstr(mg_graph_error(g), "different graphs"));
    cr_expect_eq(mg_explain(NULL, L, v[0]), -1);
    cr_expect_eq(mg_explain(stdout, NULL, v[0]), -1);
    cr_expect_eq(mg_explain(stdout, L, NULL), -1);
    mg_graph_free(g), mg_graph_free(other);
}
