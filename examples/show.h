/* show.h -- what the examples share: the language they speak, how they
 * answer --help and a bad option, and (for the small teaching examples)
 * the same graph shown five ways.
 *
 * Every example takes --lang es or --lang en; without it the language
 * comes from the environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG, as
 * gettext reads them; Spanish when the value begins with "es", installed or
 * not).  Each text is written whole in both languages and picked with
 * TR(lang, english, spanish).  --help prints the usage on stdout and exits
 * 0; a bad option prints what is wrong and the usage on stderr and exits 2.
 *
 * The small teaching examples (neuron, expression) add, through show_main:
 *   (none)          the example's own table of nodes (after backward)
 *   --dot           Graphviz DOT on stdout (pipe into: dot -Tsvg > g.svg)
 *   --dump [--tsv]  one line per node: inputs, data, grad, local derivatives
 *   --trace         the backward pass narrated, one chain-rule step a line
 *   --explain NAME  d(root)/d(NAME) as a sum over paths of products
 *   --gradcheck     backward against finite differences, exit 1 on mismatch
 *   --html FILE     a page to step through forward and backward (--quiz: a worksheet)
 *   --svg FILE      the graph as a picture, no Graphviz needed
 * (--html, --svg and --quiz also serve the training examples: show_page_flag.)
 *
 * The functions are static inline so that an example that needs only a
 * few of them compiles without warnings about the rest. */
#ifndef SHOW_H
#define SHOW_H

#include <micrograd.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The English or the Spanish of a text. */
#define TR(lang, en, es) ((lang) == MG_LANG_ES ? (es) : (en))

/* Print s and blanks up to `width` columns: printf's %-10s counts bytes,
 * and "parámetro" has one more byte than letters. */
static inline void show_pad(const char *s, int width) {
    int cols = 0;
    for (const char *p = s; *p; p++) cols += ((unsigned char)*p & 0xC0) != 0x80;
    printf("%s%*s", s, width > cols ? width - cols : 0, "");
}

/* What an example says about itself: its name and its usage text (the
 * lines after "usage: " / "uso: ") in both languages. */
typedef struct show_prog {
    const char *name;
    const char *usage_en, *usage_es;
    mg_lang lang;
} show_prog;

static inline void show_usage_to(FILE *out, const show_prog *p) {
    fputs(TR(p->lang, "usage: ", "uso: "), out);
    fputs(TR(p->lang, p->usage_en, p->usage_es), out);
}

/* The usage on stderr after a message about `arg`; returns 2, the exit
 * status of a usage error. */
static inline int show_bad_option(const show_prog *p, const char *arg) {
    fprintf(stderr, TR(p->lang, "%s: unknown option '%s'\n", "%s: opción desconocida '%s'\n"),
            p->name, arg);
    show_usage_to(stderr, p);
    return 2;
}

/* A whole number in [lo, hi] from text into *out: 0, or 2 after saying
 * that `flag` wants one (and printing the usage). */
static inline int show_count(const show_prog *p, const char *flag, const char *text, long long lo,
                             long long hi, long long *out) {
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (*text && !*end && !errno && v >= lo && v <= hi) {
        *out = v;
        return 0;
    }
    fprintf(stderr,
            TR(p->lang, "%s: %s wants a whole number from %lld to %lld, not '%s'\n",
               "%s: %s pide un número entero de %lld a %lld, no '%s'\n"),
            p->name, flag, lo, hi, text);
    show_usage_to(stderr, p);
    return 2;
}

/* Read the language and drop it from argv: --lang es|en or --lang=es|en
 * (the last one wins), else the environment.  Also answers --help and -h
 * (the usage on stdout).  Returns -1 to go on, or the exit status: 0 after
 * --help, 2 for a bad --lang. */
static inline int show_start(show_prog *p, int *argc, char **argv) {
    p->lang = mg_lang_from_env();
    int help = 0, k = 1;
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i], *val = NULL;
        if (!strcmp(a, "--lang")) {
            val = i + 1 < *argc ? argv[++i] : "";
        } else if (!strncmp(a, "--lang=", 7)) {
            val = a + 7;
        } else {
            help |= !strcmp(a, "--help") || !strcmp(a, "-h");
            argv[k++] = argv[i];
            continue;
        }
        int l = mg_lang_parse(val);
        if (l < 0) {
            fprintf(stderr, TR(p->lang, "%s: --lang wants es or en, not '%s'\n",
                               "%s: --lang acepta es o en, no '%s'\n"),
                    p->name, val);
            show_usage_to(stderr, p);
            return 2;
        }
        p->lang = (mg_lang)l;
    }
    *argc = k;
    argv[k] = NULL;
    if (help) {
        show_usage_to(stdout, p);
        return 0;
    }
    return -1;
}

/* ------------------------------------------------- pictures and pages */

/* --html FILE, --svg FILE, --quiz (issue 16). */
typedef struct show_pages { const char *html, *svg; int quiz; } show_pages;

/* 1 when argv[*i] is one of them (its value taken), 0 when not, 2 (the
 * usage printed) when its file name is missing. */
static inline int show_page_flag(const show_prog *p, int argc, char **argv, int *i,
                                 show_pages *pg) {
    const char *a = argv[*i];
    if (!strcmp(a, "--quiz")) return pg->quiz = 1;
    if (strcmp(a, "--html") && strcmp(a, "--svg")) return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, TR(p->lang, "%s: %s needs a file name\n",
                           "%s: %s necesita el nombre de un archivo\n"),
                p->name, a);
        show_usage_to(stderr, p);
        return 2;
    }
    *(a[2] == 'h' ? &pg->html : &pg->svg) = argv[++*i];
    return 1;
}

/* Write the pages asked for, of root's graph (in its language), with an
 * optional title and training record.  0, or 1 with a message when one
 * could not be written; 2 (the usage printed) for --quiz without --html. */
static inline int show_write_pages(const show_prog *p, const show_pages *pg, mg_value *root,
                                   const char *title, const mg_page_training *training) {
    if (pg->quiz && !pg->html) {
        fprintf(stderr, TR(p->lang, "%s: --quiz goes with --html FILE\n",
                           "%s: --quiz va con --html ARCHIVO\n"),
                p->name);
        show_usage_to(stderr, p);
        return 2;
    }
    const char *path[2] = {pg->html, pg->svg};
    for (int k = 0; k < 2; k++) {
        if (!path[k]) continue;
        FILE *f = fopen(path[k], "wb");
        mg_page_options opt = {0};
        opt.title = title;
        opt.quiz = pg->quiz;
        opt.training = training;
        int rc = !f ? -1 : k == 0 ? mg_html_write(f, root, &opt) : mg_svg_write(f, root, &opt);
        if ((f && fclose(f)) || rc) {
            fprintf(stderr, TR(p->lang, "%s: could not write %s\n", "%s: no se pudo escribir %s\n"),
                    p->name, path[k]);
            return 1;
        }
    }
    return 0;
}

/* ------------------------------------------------ the small examples */

static const char show_usage_en[] =
    "%s [--dot | --dump [--tsv] | --trace | --explain NAME | --gradcheck]\n"
    "       [--html FILE [--quiz]] [--svg FILE] [--lang es|en]\n"
    "  (no flag)       the table of nodes with their data and grad\n"
    "  --dot           the graph as Graphviz DOT (pipe into: dot -Tsvg > graph.svg)\n"
    "  --dump          one line per node: op, inputs, data, grad, local derivatives\n"
    "  --tsv           with --dump: tab-separated, round-trip precision\n"
    "  --trace         the backward pass narrated, one chain-rule step per line\n"
    "  --explain NAME  the gradient of the output with respect to NAME, path by path\n"
    "  --gradcheck     compare backward with finite differences (exit 1 on mismatch)\n"
    "  --html FILE     also write a page that steps through forward and backward\n"
    "                  (open it in a browser; --quiz hides the gradients: a worksheet)\n"
    "  --svg FILE      also write the graph as an SVG picture\n"
    "  --lang es|en    Spanish or English (default: from LANG and the like)\n";

static const char show_usage_es[] =
    "%s [--dot | --dump [--tsv] | --trace | --explain NOMBRE | --gradcheck]\n"
    "       [--html ARCHIVO [--quiz]] [--svg ARCHIVO] [--lang es|en]\n"
    "  (sin opción)      la tabla de nodos con su valor y su gradiente\n"
    "  --dot             el grafo en DOT de Graphviz (para: dot -Tsvg > grafo.svg)\n"
    "  --dump            una línea por nodo: op, entradas, valor, grad, derivadas locales\n"
    "  --tsv             con --dump: separado por tabuladores, con todos los dígitos\n"
    "  --trace           la retropropagación paso a paso, un paso de la regla de la\n"
    "                    cadena por línea\n"
    "  --explain NOMBRE  el gradiente de la salida respecto de NOMBRE, camino por camino\n"
    "  --gradcheck       compara la retropropagación con diferencias finitas (termina\n"
    "                    con 1 si no coinciden)\n"
    "  --html ARCHIVO    además escribe una página para recorrer la propagación hacia\n"
    "                    adelante y la retropropagación (ábrala en un navegador; --quiz\n"
    "                    oculta los gradientes: una hoja de ejercicios)\n"
    "  --svg ARCHIVO     además escribe el grafo como imagen SVG\n"
    "  --lang es|en      español o inglés (si no, según LANG y compañía)\n";

/* The node of root's graph labelled `name`, or NULL. */
static inline mg_value *show_find(mg_value *root, const char *name) {
    size_t n;
    mg_value *const *topo = mg_topo(root, &n);
    for (size_t i = 0; i < n; i++) {
        const char *label = mg_value_label(topo[i]);
        if (label && !strcmp(label, name)) return topo[i];
    }
    return NULL;
}

/* Parse the flags of example `prog` and show root's graph the way they
 * ask, in the language asked for (the graph's writers speak it too);
 * `table` prints the default view.  Returns the exit status. */
static inline int show_main(const char *prog, int argc, char **argv, mg_value *root,
                            mg_value *const *leaves, size_t n_leaves,
                            void (*table)(mg_value *root, mg_lang lang)) {
    char usage_en[sizeof show_usage_en + 64], usage_es[sizeof show_usage_es + 64];
    snprintf(usage_en, sizeof usage_en, show_usage_en, prog);
    snprintf(usage_es, sizeof usage_es, show_usage_es, prog);
    show_prog sp = {prog, usage_en, usage_es, MG_LANG_EN};
    int rc = show_start(&sp, &argc, argv);
    if (rc >= 0) return rc;
    mg_lang lang = sp.lang;
    mg_graph_set_lang(mg_value_graph(root), lang);
    const char *mode = NULL, *explain = NULL;
    int tsv = 0;
    show_pages pages = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int page_flag = show_page_flag(&sp, argc, argv, &i, &pages);
        if (page_flag == 2) return 2;
        if (page_flag) continue;
        if (!strcmp(a, "--tsv")) {
            tsv = 1;
            continue;
        }
        if (strcmp(a, "--dot") && strcmp(a, "--dump") && strcmp(a, "--trace") &&
            strcmp(a, "--explain") && strcmp(a, "--gradcheck"))
            return show_bad_option(&sp, a);
        if (mode) {
            fprintf(stderr,
                    TR(lang, "%s: give one of --dot, --dump, --trace, --explain, --gradcheck "
                             "(got %s and %s)\n",
                       "%s: elija una sola de --dot, --dump, --trace, --explain, --gradcheck "
                       "(llegaron %s y %s)\n"),
                    prog, mode, a);
            show_usage_to(stderr, &sp);
            return 2;
        }
        mode = a;
        if (!strcmp(a, "--explain")) {
            if (i + 1 >= argc) {
                fprintf(stderr, TR(lang, "%s: --explain needs the name of a node\n",
                                   "%s: --explain necesita el nombre de un nodo\n"),
                        prog);
                show_usage_to(stderr, &sp);
                return 2;
            }
            explain = argv[++i];
        }
    }
    if (tsv && (!mode || strcmp(mode, "--dump"))) {
        fprintf(stderr, TR(lang, "%s: --tsv goes with --dump\n", "%s: --tsv va con --dump\n"), prog);
        show_usage_to(stderr, &sp);
        return 2;
    }

    if ((rc = show_write_pages(&sp, &pages, root, NULL, NULL))) return rc;
    if (!mode) {
        mg_backward(root);
        table(root, lang);
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
            fprintf(stderr, TR(lang, "%s: no node named '%s' in this graph\n",
                               "%s: ningún nodo de este grafo se llama '%s'\n"),
                    prog, explain);
            return 2;
        }
        rc = mg_explain(stdout, root, x);
    } else {
        double worst = mg_gradcheck(root, leaves, n_leaves, 0.0, stdout);
        return worst <= MG_GRADCHECK_TOL ? 0 : 1;
    }
    if (rc != 0) {
        fprintf(stderr, TR(lang, "%s: could not write the output\n",
                           "%s: no se pudo escribir la salida\n"),
                prog);
        return 1;
    }
    return 0;
}

#endif
