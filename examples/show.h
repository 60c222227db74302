/* show.h -- the command-line flags the small teaching examples share:
 * the same graph shown five ways.
 *
 *   (none)          the example's own table of nodes (after backward)
 *   --dot           Graphviz DOT on stdout (pipe into: dot -Tsvg > g.svg)
 *   --dump [--tsv]  one line per node: inputs, data, grad, local derivatives
 *   --trace         the backward pass narrated, one chain-rule step a line
 *   --explain NAME  d(root)/d(NAME) as a sum over paths of products
 *   --gradcheck     backward against finite differences, exit 1 on mismatch
 *   --html FILE     a page to step through forward and backward (--quiz: a worksheet)
 *   --svg FILE      the graph as a picture, no Graphviz needed
 *
 * Bad flags print the usage on stderr and exit with status 2. */
#ifndef SHOW_H
#define SHOW_H

#include <micrograd.h>
#include <stdio.h>
#include <string.h>

static void show_usage(FILE *out, const char *prog) {
    fprintf(out,
            "usage: %s [--dot | --dump [--tsv] | --trace | --explain NAME | --gradcheck]\n"
            "  (no flag)       the table of nodes with their data and grad\n"
            "  --dot           the graph as Graphviz DOT (pipe into: dot -Tsvg > graph.svg)\n"
            "  --dump          one line per node: op, inputs, data, grad, local derivatives\n"
            "  --tsv           with --dump: tab-separated, round-trip precision\n"
            "  --trace         the backward pass narrated, one chain-rule step per line\n"
            "  --explain NAME  the gradient of the output with respect to NAME, path by path\n"
            "  --gradcheck     compare backward with finite differences (exit 1 on mismatch)\n"
            "  --html FILE     also write a page that steps through forward and backward\n"
            "                  (open it in a browser; --quiz hides the gradients: a worksheet)\n"
            "  --svg FILE      also write the graph as an SVG picture\n",
            prog);
}

/* ---- pictures and pages (issue 16): --html FILE, --svg FILE, --quiz.
 * Returns 1 when argv[*i] is one of them (taking its value), 0 when not,
 * -1 (usage printed) when its value is missing. */
typedef struct show_pages { const char *html, *svg; int quiz; } show_pages;

static int show_page_flag(int argc, char **argv, int *i, show_pages *p, const char *prog) {
    const char *a = argv[*i];
    if (!strcmp(a, "--quiz")) return p->quiz = 1;
    if (strcmp(a, "--html") && strcmp(a, "--svg")) return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "%s: %s needs a file name\n", prog, a);
        return -1;
    }
    *(a[2] == 'h' ? &p->html : &p->svg) = argv[++*i];
    return 1;
}

/* Write the pages asked for; 0, or 1 with a message when one failed. */
static int show_write_pages(const show_pages *p, mg_value *root, const char *prog,
                            const mg_page_training *training) {
    const char *path[2] = {p->html, p->svg};
    for (int k = 0; k < 2; k++) {
        if (!path[k]) continue;
        FILE *f = fopen(path[k], "wb");
        mg_page_options opt = {0};
        opt.quiz = p->quiz;
        opt.training = training;
        int rc = !f ? -1 : k == 0 ? mg_html_write(f, root, &opt) : mg_svg_write(f, root, &opt);
        if ((f && fclose(f)) || rc) {
            fprintf(stderr, "%s: could not write %s\n", prog, path[k]);
            return 1;
        }
    }
    return 0;
}

/* The node of root's graph labelled `name`, or NULL. */
static mg_value *show_find(mg_value *root, const char *name) {
    size_t n;
    mg_value *const *topo = mg_topo(root, &n);
    for (size_t i = 0; i < n; i++) {
        const char *label = mg_value_label(topo[i]);
        if (label && !strcmp(label, name)) return topo[i];
    }
    return NULL;
}

/* Parse the flags and show root's graph the way they ask; `table` prints
 * the default view.  Returns the exit status. */
static int show_main(int argc, char **argv, mg_value *root, mg_value *const *leaves,
                     size_t n_leaves, void (*table)(mg_value *root)) {
    const char *prog = argc > 0 ? argv[0] : "example";
    const char *mode = NULL, *explain = NULL;
    int tsv = 0;
    show_pages pages = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int page_flag = show_page_flag(argc, argv, &i, &pages, prog);
        if (page_flag) {
            if (page_flag > 0) continue;
            show_usage(stderr, prog);
            return 2;
        }
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            show_usage(stdout, prog);
            return 0;
        }
        if (!strcmp(a, "--tsv")) {
            tsv = 1;
            continue;
        }
        if (strcmp(a, "--dot") && strcmp(a, "--dump") && strcmp(a, "--trace") &&
            strcmp(a, "--explain") && strcmp(a, "--gradcheck")) {
            fprintf(stderr, "%s: unknown option '%s'\n", prog, a);
            show_usage(stderr, prog);
            return 2;
        }
        if (mode) {
            fprintf(stderr, "%s: give one of --dot, --dump, --trace, --explain, --gradcheck "
                            "(got %s and %s)\n", prog, mode, a);
            show_usage(stderr, prog);
            return 2;
        }
        mode = a;
        if (!strcmp(a, "--explain")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "%s: --explain needs the name of a node\n", prog);
                show_usage(stderr, prog);
                return 2;
            }
            explain = argv[++i];
        }
    }
    if (tsv && (!mode || strcmp(mode, "--dump"))) {
        fprintf(stderr, "%s: --tsv goes with --dump\n", prog);
        show_usage(stderr, prog);
        return 2;
    }

    if (pages.quiz && !pages.html) {
        fprintf(stderr, "%s: --quiz goes with --html FILE\n", prog);
        show_usage(stderr, prog);
        return 2;
    }
    if (show_write_pages(&pages, root, prog, NULL)) return 1;

    int rc = 0;
    if (!mode) {
        mg_backward(root);
        table(root);
    } else if (!strcmp(mode, "--dot")) {
        mg_backward(root);
        rc = mg_dot_write(stdout, root, NULL);
    } else if (!strcmp(mode, "--dump")) {
        mg_backward(root);
        rc = mg_dump(stdout, root, tsv ? MG_DUMP_TSV : 0);
    } else if (!strcmp(mode, "--trace")) {
        rc = mg_trace_backward(stdout, root);
    } else if (!strcmp(mode, "--explain")) {
        mg_value *x = show_find(root, explain);
        if (!x) {
            fprintf(stderr, "%s: no node named '%s' in this graph\n", prog, explain);
            return 2;
        }
        rc = mg_explain(stdout, root, x);
    } else {
        double worst = mg_gradcheck(root, leaves, n_leaves, 0.0, stdout);
        return worst <= MG_GRADCHECK_TOL ? 0 : 1;
    }
    if (rc != 0) {
        fprintf(stderr, "%s: could not write the output\n", prog);
        return 1;
    }
    return 0;
}

#endif
