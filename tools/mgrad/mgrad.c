/* mgrad.c -- the mgrad tool: options, reading the program, evaluating it,
 * and the output modes.  The language itself is in parse.c. */
#define _POSIX_C_SOURCE 200809L   /* isatty, fileno */

#include "mgrad.h"
#include "parse.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: mgrad eval [OPTIONS] 'PROGRAM' [NAME=VALUE ...]\n"
    "       mgrad eval [OPTIONS] -f FILE [NAME=VALUE ...]   (FILE - is stdin)\n"
    "       mgrad eval [OPTIONS] [NAME=VALUE ...] < FILE\n"
    "       mgrad --help | --version\n";

static const char help[] =
    "\n"
    "Evaluate a formula, backpropagate from its last statement, and print every\n"
    "named node's value (data) and gradient (grad).\n"
    "\n"
    "    mgrad eval 'e = a*b; d = e + c; L = d*f' a=2 b=-3 c=10 f=-2\n"
    "\n"
    "The language: statements separated by ';' or new lines, '#' comments;\n"
    "numbers (2, 0.5, 1e-3), names, + - * /, ** or ^ (any exponent),\n"
    "unary minus, parentheses, the functions " MGRAD_FUNCTIONS ",\n"
    "and assignments NAME = expr that name intermediate nodes.  -a**2 is -(a**2),\n"
    "2**3**2 is 512.  NAME=VALUE arguments give the leaves their values.\n"
    "\n"
    "Output (one of):\n"
    "  (default)        a table: name, data, grad\n"
    "  --tsv            the table (or --dump) tab-separated, round-trip %.17g\n"
    "  --json           the table as JSON, round-trip %.17g\n"
    "  --dump           every node: id, label, op, inputs, data, grad, local grads\n"
    "  --trace          the backward pass narrated, one chain-rule step per line\n"
    "  --explain NAME   d(last)/d(NAME) as a sum over paths of local derivatives\n"
    "  --gradcheck      compare the gradients with central finite differences\n"
    "  --dot            the graph as Graphviz DOT (pipe into dot -Tsvg);\n"
    "                   with --no-grad, without the gradients (a worksheet)\n"
    "  --d2 NAME        d(last)/d(NAME) and its derivative by every named leaf\n"
    "  --hessian        every second derivative of the last statement (a matrix)\n"
    "  --forward NAME   forward mode: every node's derivative by NAME, inputs first\n"
    "  --html FILE      a page that steps through forward and backward ('-': stdout);\n"
    "                   with --quiz a worksheet: gradients hidden, answers checked\n"
    "  --svg FILE       the graph as an SVG picture, no Graphviz needed\n"
    "Other options:\n"
    "  -f, --file FILE  read the program from FILE ('-': stdin)\n"
    "  --check-finite   exit 1 when a value or gradient is not finite\n"
    "  -h, --help       this help;  --version  the version\n"
    "\n"
    "Exit status: 0 ok; 1 a numeric problem (--check-finite found a value or\n"
    "gradient that is not finite, or --gradcheck a mismatch); 2 bad usage, bad\n"
    "input (every input error names its line and column), or a failed write.\n";

/* --------------------------------------------------------------- output */

/* A node's name for messages: 'label' (cut at 40 bytes), or #id. */
static const char *node_name(const mg_value *v, char buf[48]) {
    const char *l = mg_value_label(v);
    if (l) snprintf(buf, 48, "'%.40s'", l);
    else snprintf(buf, 48, "#%zu", mg_value_id(v));
    return buf;
}

/* One row of the table: a symbol, or the unnamed result. */
typedef struct row {
    const char *name;
    const mg_value *v;
} row;

/* The rows: every symbol in definition order, then the result when the last
 * statement gave it no name.  Returns a malloc'd array (NULL: no memory). */
static row *rows_of(const mgrad_prog *p, size_t *n) {
    row *r = malloc((p->n_syms + 1) * sizeof *r);
    if (!r) return NULL;
    *n = 0;
    for (size_t i = 0; i < p->n_syms; i++) r[(*n)++] = (row){p->syms[i].name, p->syms[i].node};
    if (!p->root_name) r[(*n)++] = (row){"(result)", p->root};
    return r;
}

static void print_table(FILE *out, const row *r, size_t n, int tsv) {
    if (tsv) {
        fputs("name\tdata\tgrad\n", out);
        for (size_t i = 0; i < n; i++)
            fprintf(out, "%s\t%.17g\t%.17g\n", r[i].name, r[i].v->data, r[i].v->grad);
        return;
    }
    int w = 4;   /* the name column fits the longest name, up to 40 */
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(r[i].name);
        if (len > (size_t)w) w = len > 40 ? 40 : (int)len;
    }
    fprintf(out, "%-*s  %16s  %16s\n", w, "name", "data", "grad");
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%-*s  %16.9g  %16.9g\n", w, r[i].name, r[i].v->data, r[i].v->grad);
}

/* A JSON number, or null for what JSON cannot hold (NaN, infinities). */
static void json_num(FILE *out, double d) {
    if (isfinite(d)) fprintf(out, "%.17g", d);
    else fputs("null", out);
}

/* A JSON string.  Names are ASCII identifiers, but escape anyway. */
static void json_str(FILE *out, const char *s) {
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
        else if (c < 0x20) fprintf(out, "\\u%04x", c);
        else fputc(c, out);
    }
    fputc('"', out);
}

/* {"root": NAME, "finite": BOOL, "nodes": [{"name", "data", "grad"}...]};
 * root names a row of nodes: the last statement's name, or "(result)". */
static void print_json(FILE *out, const mgrad_prog *p, const row *r, size_t n, int finite) {
    fputs("{\"root\": ", out);
    json_str(out, p->root_name ? p->root_name : "(result)");
    fprintf(out, ", \"finite\": %s, \"nodes\": [", finite ? "true" : "false");
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",\n  {\"name\": " : "\n  {\"name\": ", out);
        json_str(out, r[i].name);
        fputs(", \"data\": ", out);
        json_num(out, r[i].v->data);
        fputs(", \"grad\": ", out);
        json_num(out, r[i].v->grad);
        fputc('}', out);
    }
    fputs("\n]}\n", out);
}

/* --------------------------------------------------------- numeric check */

/* Say where the numbers went non-finite, if they did.  Returns 1 if so.
 * The first value (in topological order) that is not finite is where the
 * forward pass broke; when every value is finite, the gradient that broke
 * first is the one backward computed first: the last in topological order. */
static int report_nonfinite(FILE *err, const mgrad_prog *p, const char *src, size_t len,
                            const char *srcname) {
    if (!mg_check_finite(p->root)) return 0;
    size_t n;
    mg_value *const *topo = mg_topo(p->root, &n);
    const mg_value *bad = NULL;
    int in_data = 1;
    for (size_t i = 0; i < n && !bad; i++)
        if (!isfinite(topo[i]->data)) bad = topo[i];
    for (size_t i = n; i-- > 0 && !bad;)
        if (!isfinite(topo[i]->grad)) bad = topo[i], in_data = 0;
    if (!bad) return 0;   /* cannot happen: mg_check_finite saw one */

    char nb[48], where[64] = "";
    size_t at = mgrad_node_at(p, bad);
    if (at != MGRAD_NO_POS) {
        size_t line, col;
        mgrad_line_col(src, len, at, &line, &col);
        snprintf(where, sizeof where, " at %s%s%zu:%zu", srcname ? srcname : "", srcname ? ":" : "",
                 line, col);
    } else {
        /* a leaf from the command line: name the argument that made it */
        for (size_t i = 0; i < p->n_syms; i++)
            if (p->syms[i].node == bad && p->syms[i].arg) {
                snprintf(where, sizeof where, " (argument %.40s)", p->syms[i].arg);
                break;
            }
    }
    const char *op = mg_op_name(mg_value_op(bad));
    if (in_data)
        fprintf(
            err,
            "mgrad: numeric problem%s: node %s (%s) is %g, the first value that is not finite\n",
            where, node_name(bad, nb), op, bad->data);
    else
        fprintf(err, "mgrad: numeric problem%s: the gradient of node %s (%s) is %g, the first "
                "gradient that is not finite\n", where, node_name(bad, nb), op, bad->grad);
    if (at != MGRAD_NO_POS) mgrad_echo_line(err, src, len, at);
    return 1;
}

/* ---------------------------------------------------------------- pages */

/* --html FILE / --svg FILE: the page or picture into FILE ("-": out).
 * Returns 0, or -1 after saying why. */
static int write_page(const mgrad_opts *o, const mg_value *root, FILE *out, FILE *err) {
    int to_out = !strcmp(o->page, "-");
    FILE *f = to_out ? out : fopen(o->page, "wb");
    if (!f) {
        fprintf(err, "mgrad: %s: %s\n", o->page, strerror(errno));
        return -1;
    }
    mg_page_options opt = {0};
    opt.quiz = o->quiz;
    opt.no_grad = o->no_grad;
    int rc = o->mode == MGRAD_HTML ? mg_html_write(f, root, &opt) : mg_svg_write(f, root, &opt);
    if (!to_out && fclose(f)) rc = -1;
    if (rc) fprintf(err, "mgrad: %s: could not write the page\n", o->page);
    return rc;
}

/* ------------------------------------------------------------- evaluate */

int mgrad_run(const mgrad_opts *o, const char *src, size_t len, const char *srcname,
              char *const *defs, size_t n_defs, FILE *out, FILE *err) {
    mgrad_prog p;
    int rc = MGRAD_OK;
    if (mgrad_prog_init(&p)) goto bad_input;
    for (size_t i = 0; i < n_defs; i++)
        if (mgrad_define(&p, defs[i])) goto bad_input;
    if (mgrad_parse(&p, src, len)) goto bad_input;

    mg_value *root = p.root;
    const mg_value *explain = NULL;
    if (o->mode == MGRAD_EXPLAIN) {
        mgrad_sym *s = o->explain ? mgrad_lookup(&p, o->explain, strlen(o->explain)) : NULL;
        if (!s) {
            fprintf(err, "mgrad: --explain %.40s: the program has no node of that name\n",
                    o->explain ? o->explain : "");
            mgrad_prog_free(&p);
            return MGRAD_USAGE;
        }
        explain = s->node;
    }

    /* backward from the last statement; --trace narrates it as it runs */
    int wrote = 0;
    if (o->mode == MGRAD_TRACE) wrote = mg_trace_backward(out, root);
    else mg_backward(root);
    int nonfinite = report_nonfinite(err, &p, src, len, srcname);
    if (nonfinite && o->check_finite) rc = MGRAD_NUMERIC;

    size_t n = 0;
    row *r = rows_of(&p, &n);
    if (!r) {
        fputs("mgrad: out of memory\n", err);
        mgrad_prog_free(&p);
        return MGRAD_USAGE;
    }
    switch (o->mode) {
    case MGRAD_TABLE: print_table(out, r, n, o->tsv); break;
    case MGRAD_JSON: print_json(out, &p, r, n, !nonfinite); break;
    case MGRAD_DUMP: wrote = mg_dump(out, root, o->tsv ? MG_DUMP_TSV : 0); break;
    case MGRAD_TRACE: break;
    case MGRAD_EXPLAIN: wrote = mg_explain(out, root, explain); break;
    case MGRAD_DOT: {
        mg_dot_options dot = {0};
        dot.no_grad = o->no_grad;   /* a worksheet: the graph without its answers */
        wrote = mg_dot_write(out, root, &dot);
        break;
    }
    case MGRAD_D2: rc = mgrad_print_d2(out, err, &p, o->wrt) ? MGRAD_USAGE : rc; break;
    case MGRAD_HESSIAN: rc = mgrad_print_hessian(out, err, &p) ? MGRAD_USAGE : rc; break;
    case MGRAD_FORWARD: rc = mgrad_print_forward(out, err, &p, o->wrt) ? MGRAD_USAGE : rc; break;
    case MGRAD_HTML:
    case MGRAD_SVG: wrote = write_page(o, root, out, err); break;
    case MGRAD_GRADCHECK: {
        /* every named leaf, once (e = a names a's node twice) */
        mg_value **leaves = malloc((n ? n : 1) * sizeof *leaves);
        size_t k = 0;
        if (!leaves) {
            wrote = -1;
            break;
        }
        for (size_t i = 0; i < p.n_syms; i++) {
            mg_value *v = p.syms[i].node;
            int seen = mg_value_op(v) != MG_OP_LEAF;
            for (size_t j = 0; j < k && !seen; j++) seen = leaves[j] == v;
            if (!seen) leaves[k++] = v;
        }
        double worst = mg_gradcheck(root, leaves, k, 0.0, out);
        free(leaves);
        if (!(worst <= MG_GRADCHECK_TOL)) {   /* NaN too */
            fprintf(err, "mgrad: --gradcheck: backward and finite differences disagree "
                    "(worst error %g)\n", worst);
            rc = MGRAD_NUMERIC;
        }
        break;
    }
    }
    if (wrote < 0 || fflush(out) || ferror(out)) {
        fprintf(err, "mgrad: writing the output failed: %s\n", strerror(errno));
        rc = MGRAD_USAGE;
    }
    free(r);
    mgrad_prog_free(&p);
    return rc;

bad_input:
    mgrad_print_error(err, &p, src, len, srcname);
    mgrad_prog_free(&p);
    return MGRAD_USAGE;
}

/* ---------------------------------------------------------------- input */

/* Read all of f into a malloc'd buffer (*len bytes).  NULL on error, with a
 * message naming `name` printed to err. */
static char *read_all(FILE *f, const char *name, size_t *len, FILE *err) {
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fputs("mgrad: out of memory\n", err);
        return NULL;
    }
    for (;;) {
        if (n == cap) {
            if (cap >= MGRAD_MAX_INPUT) {
                fprintf(err, "mgrad: %s: larger than %zu MiB, the most mgrad reads\n", name,
                        MGRAD_MAX_INPUT >> 20);
                free(buf);
                return NULL;
            }
            char *b = realloc(buf, 2 * cap);
            if (!b) {
                fputs("mgrad: out of memory\n", err);
                free(buf);
                return NULL;
            }
            buf = b;
            cap *= 2;
        }
        size_t k = fread(buf + n, 1, cap - n, f);
        n += k;
        if (k == 0) break;
    }
    if (ferror(f)) {
        fprintf(err, "mgrad: %s: %s\n", name, strerror(errno));
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* --------------------------------------------------------------- main */

static int usage_error(FILE *err, const char *fmt, const char *arg) {
    fputs("mgrad: ", err);
    fprintf(err, fmt, arg);
    fputs("\n", err);
    fputs(usage, err);
    return MGRAD_USAGE;
}

int mgrad_main(int argc, char **argv, FILE *in, FILE *out, FILE *err) {
    mgrad_opts o = {0};   /* MGRAD_TABLE, nothing else */
    const char *file = NULL, *cmd = NULL, *mode_opt = NULL;
    char **pos = malloc((size_t)(argc > 0 ? argc : 1) * sizeof *pos);
    size_t n_pos = 0;
    int rc = MGRAD_USAGE, only_pos = 0;
    if (!pos) {
        fputs("mgrad: out of memory\n", err);
        return MGRAD_USAGE;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        /* options are --long, -f and -h; anything else (even "-a*b", a
         * program that starts with a minus) is an argument */
        int is_opt = !only_pos && (!strncmp(a, "--", 2) || !strcmp(a, "-f") || !strcmp(a, "-h"));
        if (!is_opt) {
            if (!cmd) cmd = a;
            else pos[n_pos++] = argv[i];
            continue;
        }
        /* the option's name, without "=VALUE" */
        const char *eq = a[1] == '-' ? strchr(a, '=') : NULL, *val = NULL;
        char opt[24];
        size_t name_len = eq ? (size_t)(eq - a) : strlen(a);
        if (name_len >= sizeof opt) {
            rc = usage_error(err, "unknown option '%s'", a);
            goto done;
        }
        memcpy(opt, a, name_len);
        opt[name_len] = 0;
        if (!strcmp(opt, "-f") || !strcmp(opt, "--file") || !strcmp(opt, "--explain") ||
            !strcmp(opt, "--d2") || !strcmp(opt, "--forward") || !strcmp(opt, "--html") ||
            !strcmp(opt, "--svg")) {
            if (eq) val = eq + 1;
            else if (i + 1 < argc) val = argv[++i];
            else {
                rc = usage_error(err, "%s needs a value", opt);
                goto done;
            }
        } else if (eq) {
            rc = usage_error(err, "%s takes no value", opt);
            goto done;
        }
        mgrad_mode mode = (mgrad_mode)-1;
        if (!strcmp(opt, "--")) only_pos = 1;
        else if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
            fputs(usage, out);
            fputs(help, out);
            rc = MGRAD_OK;
            goto done;
        } else if (!strcmp(opt, "--version")) {
            fprintf(out, "mgrad %s (micrograd-c)\n", MG_VERSION);
            rc = MGRAD_OK;
            goto done;
        } else if (!strcmp(opt, "-f") || !strcmp(opt, "--file")) {
            if (file) {
                rc = usage_error(err, "%s: only one program file", opt);
                goto done;
            }
            file = val;
        } else if (!strcmp(opt, "--tsv")) o.tsv = 1;
        else if (!strcmp(opt, "--check-finite")) o.check_finite = 1;
        else if (!strcmp(opt, "--no-grad")) o.no_grad = 1;
        else if (!strcmp(opt, "--json")) mode = MGRAD_JSON;
        else if (!strcmp(opt, "--dump")) mode = MGRAD_DUMP;
        else if (!strcmp(opt, "--trace")) mode = MGRAD_TRACE;
        else if (!strcmp(opt, "--gradcheck")) mode = MGRAD_GRADCHECK;
        else if (!strcmp(opt, "--dot")) mode = MGRAD_DOT;
        else if (!strcmp(opt, "--hessian")) mode = MGRAD_HESSIAN;
        else if (!strcmp(opt, "--d2") || !strcmp(opt, "--forward")) {
            mode = opt[3] == '2' ? MGRAD_D2 : MGRAD_FORWARD;
            o.wrt = val;
        } else if (!strcmp(opt, "--explain")) {
            mode = MGRAD_EXPLAIN;
            o.explain = val;
        }
        else if (!strcmp(opt, "--html") || !strcmp(opt, "--svg")) {
            mode = opt[2] == 'h' ? MGRAD_HTML : MGRAD_SVG;
            o.page = val;
        }
        else if (!strcmp(opt, "--quiz")) o.quiz = 1;
        else {
            rc = usage_error(err, "unknown option '%s'", a);
            goto done;
        }
        if (mode != (mgrad_mode)-1) {
            if (mode_opt) {
                fprintf(err, "mgrad: %s and %s: choose one output mode\n", mode_opt, a);
                goto done;
            }
            mode_opt = a;
            o.mode = mode;
        }
    }
    if (o.quiz && o.mode != MGRAD_HTML) {
        rc = usage_error(err, "%s", "--quiz goes with --html FILE");
        goto done;
    }
    if (o.no_grad && o.mode != MGRAD_DOT && o.mode != MGRAD_HTML && o.mode != MGRAD_SVG) {
        rc = usage_error(err, "%s", "--no-grad goes with --dot, --html or --svg");
        goto done;
    }
    if (o.tsv && o.mode != MGRAD_TABLE && o.mode != MGRAD_DUMP) {
        rc = usage_error(err, "--tsv goes with the table or --dump, not %s", mode_opt);
        goto done;
    }
    if (!cmd) {
        rc = usage_error(err, "%s", "no command (the command is eval)");
        goto done;
    }
    if (strcmp(cmd, "eval")) {
        rc = usage_error(err, "unknown command '%s' (the command is eval)", cmd);
        goto done;
    }

    /* the program: an argument, a file, or stdin */
    char *buf = NULL;
    const char *src, *srcname = NULL;
    size_t len;
    char *const *defs = pos;
    size_t n_defs = n_pos;
    if (file) {
        FILE *f = strcmp(file, "-") ? fopen(file, "rb") : in;
        if (!f) {
            fprintf(err, "mgrad: %s: %s\n", file, strerror(errno));
            goto done;
        }
        buf = read_all(f, file, &len, err);
        if (f != in) fclose(f);
        if (!buf) goto done;
        src = buf;
        srcname = strcmp(file, "-") ? file : NULL;
    } else if (n_pos && !mgrad_is_definition(pos[0])) {
        src = pos[0];
        len = strlen(src);
        defs++, n_defs--;
    } else if (isatty(fileno(in))) {
        rc =
            usage_error(err, "%s", "no program: give it as an argument, with -f FILE, or on stdin");
        goto done;
    } else {
        buf = read_all(in, "stdin", &len, err);
        if (!buf) goto done;
        src = buf;
    }
    rc = mgrad_run(&o, src, len, srcname, defs, n_defs, out, err);
    free(buf);
done:
    free(pos);
    return rc;
}
