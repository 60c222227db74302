/* locale_check.c -- numbers survive the host program's locale.
 *
 * A program that calls setlocale(LC_ALL, "") under a decimal-comma locale
 * (es_CL, es_AR, es_ES, ...) makes printf write 0,5 and strtod stop at
 * "0.5"'s point.  This program does exactly that, then writes and reads
 * everything the library and mgrad write or read for files and programs:
 * numbers, a saved MLP, a CSV, dumps, DOT, trace, explain, gradcheck, an
 * SVG plot, the progress line and mgrad's table, TSV and JSON.  Every
 * number must use '.' and read back exactly.
 *
 *     locale_check [--want-comma] DATA_DIR
 *
 * --want-comma fails unless the locale really has a decimal comma (so a
 * missing locale cannot pass for a working one).  The test suite runs it
 * under a locale built with localedef (tests/test_locale.c); `make
 * check-locale` does the same and must not skip.  It prints one line per
 * failed check and a summary, and exits 0 when every check passed. */
#include <micrograd.h>

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tools/mgrad/mgrad.h"

static int n_checks, n_failed;

static void check(int ok, const char *what, const char *detail) {
    n_checks++;
    if (ok) return;
    n_failed++;
    printf("FAIL: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
}

/* Everything written to f (a tmpfile) as a string the caller frees. */
static char *slurp(FILE *f) {
    long len = ftell(f);
    rewind(f);
    char *s = malloc(len > 0 ? (size_t)len + 1 : 1);
    size_t got = s && len > 0 ? fread(s, 1, (size_t)len, f) : 0;
    if (s) s[got] = 0;
    fclose(f);
    return s ? s : calloc(1, 1);
}

/* A decimal comma: a digit, ',' and three digits or more (every number
 * here has four decimals or more; lists of node ids such as "6,5" or
 * "10,12" have fewer digits after a comma). */
static int has_decimal_comma(const char *s) {
    for (; s[0] && s[1]; s++) {
        if (!(s[0] >= '0' && s[0] <= '9' && s[1] == ',')) continue;
        size_t k = 2;
        while (s[k] >= '0' && s[k] <= '9') k++;
        if (k >= 5) return 1;
    }
    return 0;
}

/* s[0..n) is one whole number in the C form. */
static int whole_number(const char *s, size_t n, double *x) {
    char buf[64];
    if (n == 0 || n >= sizeof buf) return 0;
    memcpy(buf, s, n);
    buf[n] = 0;
    char *end;
    *x = mg_num_parse(buf, &end);
    return end == buf + n;
}

static void numbers(void) {
    mg_rng r;
    mg_rng_seed(&r, 15);
    int bad = 0;
    for (int i = 0; i < 100000 && bad < 3; i++) {
        uint64_t bits = mg_rng_next(&r);
        double x;
        memcpy(&x, &bits, sizeof x);
        if (isnan(x)) continue;
        char buf[40], *end;
        mg_num_format(buf, sizeof buf, "%.17g", x);
        double y = mg_num_parse(buf, &end);
        if (strchr(buf, ',') || *end || memcmp(&x, &y, sizeof x)) {
            check(0, "mg_num_format/mg_num_parse round trip", buf);
            bad++;
        }
    }
    check(!bad, "100000 random doubles round-trip", NULL);
    char buf[40], *end;
    mg_num_format(buf, sizeof buf, "%.9f", 0.5);
    check(!strcmp(buf, "0.500000000"), "the people's nine decimals use '.'", buf);
    double one = mg_num_parse("1,5", &end);
    check(one == 1.0 && *end == ',', "\"1,5\" reads 1 and stops at the comma", NULL);
}

static void mlp_files(const char *dir) {
    mg_graph *g = mg_graph_new(), *g2 = mg_graph_new();
    static const size_t sizes[3] = {4, 4, 1};
    mg_mlp *m = mg_mlp_new(g, 3, sizes, 3, NULL, 7);
    FILE *f = tmpfile();
    check(m && f && mg_mlp_save(m, f) == 0, "mg_mlp_save", NULL);
    rewind(f);
    char err[256] = "";
    mg_mlp *back = mg_mlp_load(g2, f, err, sizeof err);
    check(back != NULL, "mg_mlp_load reads what mg_mlp_save wrote", err);
    int same = back && mg_mlp_n_params(back) == mg_mlp_n_params(m);
    for (size_t i = 0; same && i < mg_mlp_n_params(m); i++)
        same = mg_mlp_params(m)[i]->data == mg_mlp_params(back)[i]->data;
    check(same, "the saved MLP's parameters come back bit for bit", NULL);
    char *text = slurp(f);
    check(!has_decimal_comma(text), "mg_mlp_save writes '.'", text);
    free(text);

    /* a file written with a decimal comma is refused, saying why */
    f = tmpfile();
    fputs("mg_mlp 1 1 1:linear\n0,5\n0.25\n", f);
    rewind(f);
    mg_mlp *comma = mg_mlp_load(g2, f, err, sizeof err);
    check(!comma && strstr(err, "decimal comma"), "a decimal comma in an MLP file is named", err);
    fclose(f);

    char path[1024];
    snprintf(path, sizeof path, "%s/micrograd_demo/moons.csv", dir);
    mg_dataset *d = mg_csv_load(path, "y", err, sizeof err);
    check(d && d->n_rows == 100 && d->x[0] == 1.1221146075409685 && d->x[1] == 0.08147717341718697 &&
              d->y[0] == -1.0,
          "mg_csv_load reads moons.csv exactly", d ? NULL : err);
    mg_dataset_free(d);
    mg_mlp_free(m);
    mg_mlp_free(back);
    mg_graph_free(g);
    mg_graph_free(g2);
}

/* The lecture's neuron, with a pow and a fractional exponent for good
 * measure: o = tanh(x1*w1 + x2*w2 + b) ** 1.5. */
typedef struct neuron { mg_graph *g; mg_value *leaves[5], *o; } neuron;

static void make_neuron(neuron *n, mg_lang lang) {
    mg_graph *g = n->g = mg_graph_new();
    mg_graph_set_lang(g, lang);
    mg_value *x1 = mg_leaf(g, 2.0, "x1"), *x2 = mg_leaf(g, 0.0, "x2");
    mg_value *w1 = mg_leaf(g, -3.0, "w1"), *w2 = mg_leaf(g, 1.0, "w2");
    mg_value *b = mg_leaf(g, 6.8813735870195432, "b");
    mg_value *t = mg_tanh(mg_add(mg_add(mg_mul(x1, w1), mg_mul(x2, w2)), b));
    n->o = mg_label(mg_pow(t, 1.5), "o");
    mg_value *l[5] = {x1, x2, w1, w2, b};
    memcpy(n->leaves, l, sizeof l);
}

static void writers(mg_lang lang) {
    neuron n;
    make_neuron(&n, lang);
    const char *tag = lang == MG_LANG_ES ? " (es)" : " (en)";
    char what[96];

    FILE *f = tmpfile();
    mg_trace_backward(f, n.o);
    char *text = slurp(f);
    snprintf(what, sizeof what, "mg_trace_backward writes '.'%s", tag);
    check(!has_decimal_comma(text) && strstr(text, "0.500000000"), what, text);
    free(text);

    f = tmpfile();
    mg_explain(f, n.o, n.leaves[2]);
    text = slurp(f);
    snprintf(what, sizeof what, "mg_explain writes '.'%s", tag);
    check(!has_decimal_comma(text) && strstr(text, "."), what, text);
    free(text);

    f = tmpfile();
    mg_dump(f, n.o, 0);
    text = slurp(f);
    snprintf(what, sizeof what, "mg_dump writes '.'%s", tag);
    check(!has_decimal_comma(text) && strstr(text, "pow(1.5)"), what, text);
    free(text);

    /* TSV: every data and grad field reads back as the node's double */
    f = tmpfile();
    mg_dump(f, n.o, MG_DUMP_TSV);
    text = slurp(f);
    size_t nodes;
    mg_value *const *topo = mg_topo(n.o, &nodes);
    int ok = 1;
    char *line = strchr(text, '\n');
    for (size_t i = 0; ok && i < nodes && line; i++) {
        char *field[7], *p = line + 1;
        for (int k = 0; k < 7; k++) {
            field[k] = p;
            p += strcspn(p, "\t\n");
            if (*p) p++;
        }
        double data, grad;
        ok = whole_number(field[4], strcspn(field[4], "\t"), &data) && data == topo[i]->data &&
             whole_number(field[5], strcspn(field[5], "\t"), &grad) && grad == topo[i]->grad;
        /* local grads: as many comma-separated numbers as inputs */
        size_t commas = 0, len = strcspn(field[6], "\n");
        for (size_t k = 0; k < len; k++) commas += field[6][k] == ',';
        ok = ok && (mg_value_arity(topo[i]) ? commas + 1 == mg_value_arity(topo[i]) : 1);
        line = strchr(line + 1, '\n');
    }
    snprintf(what, sizeof what, "mg_dump TSV reads back exactly%s", tag);
    check(ok, what, text);
    free(text);

    f = tmpfile();
    mg_dot_write(f, n.o, NULL);
    text = slurp(f);
    snprintf(what, sizeof what, "mg_dot_write writes '.'%s", tag);
    check(!has_decimal_comma(text) && strstr(text, "2.0000") && strstr(text, "**1.5"), what, text);
    free(text);

    f = tmpfile();
    double worst = mg_gradcheck(n.o, n.leaves, 5, 0.0, f);
    text = slurp(f);
    snprintf(what, sizeof what, "mg_gradcheck writes '.'%s", tag);
    check(worst < 1e-6 && !has_decimal_comma(text) && strstr(text, "e-"), what, text);
    free(text);
    mg_graph_free(n.g);
}

/* Every attribute value of the SVG that holds numbers parses whole. */
static void svg(void) {
    double loss[50], score[16];
    for (int i = 0; i < 50; i++) loss[i] = 1.0 / (1.0 + i);
    for (int i = 0; i < 16; i++) score[i] = i / 15.0 - 0.5;
    mg_grid grid = {4, 4, -1.5, 1.5, -2.25, 2.25, 0.0, score};
    mg_dataset *pts = mg_dataset_new(2, 2);
    pts->x[0] = 0.5, pts->x[1] = -0.25, pts->x[2] = -1.0, pts->x[3] = 1.75;
    pts->y[0] = 1.0;
    FILE *f = tmpfile();
    check(mg_svg_plot_lang(f, MG_LANG_ES, "pérdida", &grid, pts, loss, 50) == 0, "mg_svg_plot", NULL);
    char *text = slurp(f);
    int ok = 1;
    for (const char *p = text; ok && (p = strstr(p, "=\"")); p += 2) {
        const char *v = p + 2, *end = strchr(v, '"');
        size_t n = (size_t)(end - v);
        const char *name = p;
        while (name > text && name[-1] != ' ') name--;
        double x;
        if (!strncmp(name, "points=", 7)) {   /* "x,y x,y ..." */
            for (const char *t = v; ok && t < end;) {
                size_t tl = strcspn(t, " \"");
                const char *comma = memchr(t, ',', tl);
                ok = comma && whole_number(t, (size_t)(comma - t), &x) &&
                     whole_number(comma + 1, tl - (size_t)(comma - t) - 1, &x);
                t += tl + (t[tl] == ' ');
            }
        } else if (!strncmp(name, "d=", 2)) {   /* a path: M x y h w ... */
            ok = !memchr(v, ',', n);
        } else if (n && ((v[0] >= '0' && v[0] <= '9') || v[0] == '-') && !memchr(v, '%', n) &&
                   !memchr(v, ' ', n)) {
            ok = whole_number(v, n, &x);
        }
        if (!ok) {
            char show[80];
            snprintf(show, sizeof show, "%.60s", name);
            check(0, "an SVG attribute holds a number that does not read back", show);
        }
    }
    /* the tick labels: the text of every <text> element */
    for (const char *t = text; ok && (t = strstr(t, "<text")); t++) {
        const char *open = strchr(t, '>'), *close = open ? strstr(open, "</text>") : NULL;
        if (!close) break;
        for (const char *c = open + 1; c + 2 < close; c++)
            if (c[0] >= '0' && c[0] <= '9' && c[1] == ',' && c[2] >= '0' && c[2] <= '9') ok = 0;
    }
    check(ok, "mg_svg_plot writes '.'", NULL);
    check(strstr(text, ">paso<") && strstr(text, ">pérdida<"), "mg_svg_plot_lang speaks Spanish",
          NULL);
    free(text);
    mg_dataset_free(pts);

    f = tmpfile();
    mg_progress_lang(f, MG_LANG_ES, 5, 10, 0.0123, 0.5);
    text = slurp(f);
    check(strstr(text, "pérdida 0.0123") && !has_decimal_comma(text), "mg_progress writes '.'", text);
    free(text);
}

/* mgrad's output for programs and people, and its input. */
static void mgrad(void) {
    static const char *const modes[][2] = {{"--json", "\"data\": -2.75"},
                                           {"--tsv", "L\t-2.75\t1"},
                                           {"--dump", "-2.750000000"},
                                           {"--trace", "grad(a) += "},
                                           {"--gradcheck", "e-"},
                                           {"--dot", "-2.7500"}};
    for (size_t k = 0; k < sizeof modes / sizeof *modes; k++) {
        char *argv[] = {"mgrad", "eval", (char *)modes[k][0], "L = a*b + 0.25", "a=1.5", "b=-2", NULL};
        FILE *in = tmpfile(), *out = tmpfile(), *err = tmpfile();
        int rc = mgrad_main(6, argv, in, out, err);
        fclose(in);
        char *o = slurp(out), *e = slurp(err);
        char what[96];
        snprintf(what, sizeof what, "mgrad %s reads and writes '.'", modes[k][0]);
        check(rc == 0 && strstr(o, modes[k][1]) && !has_decimal_comma(o), what, *e ? e : o);
        free(o), free(e);
    }
    char *argv[] = {"mgrad", "eval", "L = a*2", "a=1,5", NULL};
    FILE *in = tmpfile(), *out = tmpfile(), *err = tmpfile();
    int rc = mgrad_main(4, argv, in, out, err);
    fclose(in);
    char *o = slurp(out), *e = slurp(err);
    check(rc == 2 && strstr(e, "1.5"), "mgrad a=1,5 says to write 1.5", e);
    free(o), free(e);
}

int main(int argc, char **argv) {
    int want_comma = argc > 1 && !strcmp(argv[1], "--want-comma");
    const char *dir = argc > 1 + want_comma ? argv[1 + want_comma] : "tests/data";
    const char *loc = setlocale(LC_ALL, "");
    const char *dp = localeconv()->decimal_point;
    char shown[16];
    snprintf(shown, sizeof shown, "%.1f", 0.5);
    printf("locale %s, decimal point '%s' (printf writes 0.5 as %s), language %s\n",
           loc ? loc : "(not installed: C)", dp, shown, mg_lang_from_env() == MG_LANG_ES ? "es" : "en");
    if (want_comma) check(!strcmp(dp, ",") && !strcmp(shown, "0,5"), "the locale has a decimal comma", dp);
    numbers();
    mlp_files(dir);
    writers(MG_LANG_EN);
    writers(MG_LANG_ES);
    svg();
    mgrad();
    printf("locale_check: %d checks, %d failed\n", n_checks, n_failed);
    return n_failed ? 1 : 0;
}
