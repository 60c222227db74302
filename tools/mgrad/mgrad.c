/* mgrad.c -- the mgrad tool: options, reading the program, evaluating it,
 * and the output modes.  The language itself is in parse.c. */
#define _POSIX_C_SOURCE 200809L   /* isatty, fileno */

#include "mgrad.h"
#include "parse.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__unix__) || defined(__APPLE__)
#include <sys/ioctl.h>
#endif

static const char usage_en[] =
    "usage: mgrad eval [OPTIONS] 'PROGRAM' [NAME=VALUE ...]\n"
    "       mgrad eval [OPTIONS] -f FILE [NAME=VALUE ...]   (FILE - is stdin)\n"
    "       mgrad eval [OPTIONS] < FILE\n"
    "       mgrad --help | --version\n";

static const char usage_es[] =
    "uso: mgrad eval [OPCIONES] 'PROGRAMA' [NOMBRE=VALOR ...]\n"
    "     mgrad eval [OPCIONES] -f ARCHIVO [NOMBRE=VALOR ...]   (ARCHIVO -: la entrada estándar)\n"
    "     mgrad eval [OPCIONES] < ARCHIVO\n"
    "     mgrad --help | --version\n";

static const char help_en[] =
    "\n"
    "Evaluate a formula, backpropagate from its last statement, and print every\n"
    "named node's value (data) and gradient (grad).\n"
    "\n"
    "    mgrad eval 'e = a*b; d = e + c; L = d*f' a=2 b=-3 c=10 f=-2\n"
    "\n"
    "The language: statements separated by ';' or new lines, '#' comments;\n"
    "numbers with a decimal point (2, 0.5, 1e-3), names (letters, digits and _;\n"
    "accented and Greek letters too: pérdida, η), + - * /, ** or ^ (any\n"
    "exponent), unary minus, parentheses, the functions " MGRAD_FUNCTIONS ",\n"
    "and assignments NAME = expr that name intermediate nodes.  -a**2 is -(a**2),\n"
    "2**3**2 is 512.  The first argument after eval is the program, always (also\n"
    "'y=2'); the NAME=VALUE arguments after it give the leaves their values.\n"
    "With -f FILE every argument is a NAME=VALUE; with no argument at all the\n"
    "program is read from stdin.\n"
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
    "  --lang es|en     the language of messages and tables (default: from\n"
    "                   LANGUAGE, LC_ALL, LC_MESSAGES or LANG; es when it starts so)\n"
    "  -h, --help       this help;  --version  the version\n"
    "\n"
    "Exit status: 0 ok; 1 a numeric problem (--check-finite found a value or\n"
    "gradient that is not finite, or --gradcheck a mismatch); 2 bad usage, bad\n"
    "input (every input error names its line and column), or a failed write.\n";

static const char help_es[] =
    "\n"
    "Evalúa una fórmula, hace la retropropagación desde su última instrucción y\n"
    "muestra el valor y el gradiente (grad) de cada nodo que tiene nombre.\n"
    "\n"
    "    mgrad eval 'e = a*b; d = e + c; L = d*f' a=2 b=-3 c=10 f=-2\n"
    "\n"
    "El lenguaje: instrucciones separadas por ';' o por saltos de línea, y\n"
    "comentarios con '#'; números con punto decimal (2, 0.5, 1e-3; nunca 0,5);\n"
    "nombres hechos de letras, dígitos y _ (valen tildes y letras griegas:\n"
    "pérdida, η); + - * /, ** o ^ (con cualquier exponente), menos unario,\n"
    "paréntesis, las funciones " MGRAD_FUNCTIONS ", y asignaciones\n"
    "NOMBRE = expr que dan nombre a los nodos intermedios.  -a**2 es -(a**2) y\n"
    "2**3**2 es 512.  El primer argumento después de eval es siempre el programa\n"
    "(también 'y=2'); los argumentos NOMBRE=VALOR que lo siguen les dan valor a\n"
    "las hojas.  Con -f ARCHIVO todos los argumentos son NOMBRE=VALOR; sin ningún\n"
    "argumento, el programa se lee de la entrada estándar.\n"
    "\n"
    "Salida (una de estas):\n"
    "  (sin opción)     una tabla: nombre, valor, grad\n"
    "  --tsv            la tabla (o --dump) separada por tabuladores, %.17g exacto\n"
    "  --json           la tabla en JSON, %.17g exacto\n"
    "  --dump           cada nodo: id, etiqueta, op, entradas, valor, grad y\n"
    "                   derivadas locales\n"
    "  --trace          la retropropagación contada paso a paso, un paso de la regla\n"
    "                   de la cadena por línea\n"
    "  --explain NOMBRE d(última)/d(NOMBRE) como suma, sobre los caminos, de\n"
    "                   productos de derivadas locales\n"
    "  --gradcheck      compara los gradientes con diferencias finitas centrales\n"
    "  --dot            el grafo en DOT de Graphviz (para dot -Tsvg); con\n"
    "                   --no-grad, sin los gradientes (una hoja de ejercicios)\n"
    "  --d2 NOMBRE      d(última)/d(NOMBRE) y su derivada respecto de cada hoja\n"
    "                   con nombre\n"
    "  --hessian        todas las segundas derivadas de la última instrucción (una\n"
    "                   matriz)\n"
    "  --forward NOMBRE modo hacia adelante: la derivada de cada nodo respecto de\n"
    "                   NOMBRE, las entradas primero\n"
    "  --html ARCHIVO   una página para recorrer la propagación hacia adelante y la\n"
    "                   retropropagación ('-': la salida estándar); con --quiz, una\n"
    "                   hoja de ejercicios: gradientes ocultos y respuestas revisadas\n"
    "  --svg ARCHIVO    el grafo como imagen SVG, sin necesidad de Graphviz\n"
    "Otras opciones:\n"
    "  -f, --file ARCHIVO  lee el programa de ARCHIVO ('-': la entrada estándar)\n"
    "  --check-finite   termina con 1 si un valor o un gradiente no es finito\n"
    "  --lang es|en     el idioma de los mensajes y las tablas (si no se da: el de\n"
    "                   LANGUAGE, LC_ALL, LC_MESSAGES o LANG; es si empieza así)\n"
    "  -h, --help       esta ayuda;  --version  la versión\n"
    "\n"
    "Estado de salida: 0 todo bien; 1 un problema numérico (--check-finite halló\n"
    "un valor o gradiente que no es finito, o --gradcheck una discrepancia); 2 mal\n"
    "uso, entrada con errores (cada error nombra su línea y columna) o una\n"
    "escritura fallida.\n";

#define TEXT(lang, en, es) ((lang) == MG_LANG_ES ? (es) : (en))

/* --------------------------------------------------------------- output */

/* A node's name for messages: 'label' (cut at 32 bytes), or #id. */
static const char *node_name(const mg_value *v, char buf[48]) {
    const char *l = mg_value_label(v);
    char q[40];
    if (l) snprintf(buf, 48, "'%s'", mgrad__quote(q, l, strlen(l)));
    else snprintf(buf, 48, "#%zu", mg_value_id(v));
    return buf;
}

/* A number for a file or a program: '.' whatever the locale. */
static const char *num(char buf[48], const char *conv, double x) {
    mg_num_format(buf, 48, conv, x);
    return buf;
}

/* One row of the table: a symbol, or the unnamed result. */
typedef struct row {
    const char *name;
    const mg_value *v;
} row;

/* The rows: every symbol in definition order, then the result when the last
 * statement gave it no name ("(result)": the same word in every language in
 * TSV and JSON, which programs read; "(resultado)" in the Spanish table).
 * Returns a malloc'd array (NULL: no memory). */
static row *rows_of(const mgrad_prog *p, const char *result, size_t *n) {
    row *r = malloc((p->n_syms + 1) * sizeof *r);
    if (!r) return NULL;
    *n = 0;
    for (size_t i = 0; i < p->n_syms; i++) r[(*n)++] = (row){p->syms[i].name, p->syms[i].node};
    if (!p->root_name) r[(*n)++] = (row){result, p->root};
    return r;
}

/* Blanks after text that took `used` columns, up to `width`. */
static void pad_to(FILE *out, size_t used, size_t width) {
    for (; used < width; used++) fputc(' ', out);
}

static void print_table(FILE *out, const row *r, size_t n, int tsv, mg_lang lang) {
    char b1[48], b2[48];
    if (tsv) {   /* for programs: the same header in every language */
        fputs("name\tdata\tgrad\n", out);
        for (size_t i = 0; i < n; i++)
            fprintf(out, "%s\t%s\t%s\n", r[i].name, num(b1, "%.17g", r[i].v->data),
                    num(b2, "%.17g", r[i].v->grad));
        return;
    }
    /* the name column fits the longest name, up to 40 columns on the screen
     * (pérdida is 7 columns in 8 bytes; an accent added to a letter takes none) */
    const char *h_name = TEXT(lang, "name", "nombre");
    size_t w = strlen(h_name);
    for (size_t i = 0; i < n; i++) {
        size_t len = mgrad__text_width(r[i].name, strlen(r[i].name));
        if (len > w) w = len > 40 ? 40 : len;
    }
    fputs(h_name, out);
    pad_to(out, strlen(h_name), w);
    fprintf(out, "  %16s  %16s\n", TEXT(lang, "data", "valor"), "grad");
    for (size_t i = 0; i < n; i++) {
        fputs(r[i].name, out);
        pad_to(out, mgrad__text_width(r[i].name, strlen(r[i].name)), w);
        fprintf(out, "  %s  %s\n", num(b1, "%16.9g", r[i].v->data), num(b2, "%16.9g", r[i].v->grad));
    }
}

/* A JSON number, or null for what JSON cannot hold (NaN, infinities). */
static void json_num(FILE *out, double d) {
    char b[48];
    if (isfinite(d)) fputs(num(b, "%.17g", d), out);
    else fputs("null", out);
}

/* A JSON string.  Names are UTF-8 (pérdida, η) and go through as they are,
 * which JSON allows; quotes, backslashes and control characters are
 * escaped. */
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
    mg_lang lang = p->lang;
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
        snprintf(where, sizeof where, TEXT(lang, " at %s%s%zu:%zu", " en %s%s%zu:%zu"),
                 srcname ? srcname : "", srcname ? ":" : "", line, col);
    } else {
        /* a leaf from the command line: name the argument that made it */
        for (size_t i = 0; i < p->n_syms; i++)
            if (p->syms[i].node == bad && p->syms[i].arg) {
                char q[40];
                snprintf(where, sizeof where, TEXT(lang, " (argument %s)", " (argumento %s)"),
                         mgrad__quote(q, p->syms[i].arg, strlen(p->syms[i].arg)));
                break;
            }
    }
    const char *op = mg_op_name(mg_value_op(bad));
    char b[48];
    if (in_data)
        fprintf(err,
                TEXT(lang,
                     "mgrad: numeric problem%s: node %s (%s) is %s, the first value that is not "
                     "finite\n",
                     "mgrad: problema numérico%s: el nodo %s (%s) vale %s, el primer valor que no "
                     "es finito\n"),
                where, node_name(bad, nb), op, num(b, "%g", bad->data));
    else
        fprintf(err,
                TEXT(lang,
                     "mgrad: numeric problem%s: the gradient of node %s (%s) is %s, the first "
                     "gradient that is not finite\n",
                     "mgrad: problema numérico%s: el gradiente del nodo %s (%s) vale %s, el primer "
                     "gradiente que no es finito\n"),
                where, node_name(bad, nb), op, num(b, "%g", bad->grad));
    if (at != MGRAD_NO_POS) mgrad_echo_line(err, src, len, at);
    return 1;
}

/* ------------------------------------------------------------- wrapping */

/* Columns to wrap --explain at: the terminal's width when out is one
 * (COLUMNS, else what the terminal says), else 100. */
static size_t wrap_width(FILE *out) {
    if (!isatty(fileno(out))) return 100;
    const char *cols = getenv("COLUMNS");
    if (cols && atoi(cols) >= 20) return (size_t)atoi(cols);
#if defined(TIOCGWINSZ)
    struct winsize ws;
    if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
#endif
    return 80;
}

/* Write line[0..n) wrapped at `width` columns: each piece ends before a
 * " * ", " + " or " = " that stands outside parentheses (so that a name
 * like d(a*b + c) stays whole), and the pieces after the first start
 * under the first "= " of the line, with the operator:
 *     dL/dx = dL/dd * dd/de
 *             * de/dx = ... */
static void put_wrapped(FILE *out, const char *line, size_t n, size_t width) {
    size_t lead = 0;
    while (lead < n && line[lead] == ' ') lead++;
    const char *eq = NULL;
    for (size_t i = lead; i + 2 < n && !eq; i++)
        if (line[i] == ' ' && line[i + 1] == '=' && line[i + 2] == ' ') eq = line + i + 1;
    if (lead + 1 < n && line[lead] == '=' && line[lead + 1] == ' ') eq = line + lead;
    size_t indent = eq ? mgrad__text_width(line, (size_t)(eq - line)) + 2 : lead + 4;
    if (indent > width / 2) indent = 4;
    size_t first = 1;
    while (mgrad__text_width(line, n) > width) {
        /* the last break that fits, else the first one there is */
        size_t fit = 0, any = 0, start = first ? (eq ? (size_t)(eq - line) + 2 : lead) : indent;
        int depth = 0;
        for (size_t i = 0; i + 2 < n; i++) {
            if (line[i] == '(') depth++;
            else if (line[i] == ')' && depth) depth--;
            if (depth || i <= start || line[i] != ' ' || !strchr("*+=", line[i + 1]) ||
                line[i + 2] != ' ')
                continue;
            if (!any) any = i;
            if (mgrad__text_width(line, i) <= width) fit = i;
        }
        size_t cut = fit ? fit : any;
        if (!cut) break;
        fwrite(line, 1, cut, out);
        fputc('\n', out);
        /* the rest, after the space, indented: reuse the bytes before it */
        line += cut + 1;
        n -= cut + 1;
        for (size_t k = 0; k < indent; k++) fputc(' ', out);
        width = width > indent + 20 ? width - indent : 20;
        first = 0;
    }
    fwrite(line, 1, n, out);
}

/* --explain: mg_explain's text, wrapped at wrap_width(out).  Returns
 * mg_explain's result (-1 on failure). */
static int explain_wrapped(FILE *out, mg_value *root, const mg_value *x) {
    FILE *tmp = tmpfile();
    if (!tmp) return mg_explain(out, root, x);
    int rc = mg_explain(tmp, root, x);
    size_t width = wrap_width(out);
    rewind(tmp);
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    while ((got = getline(&line, &cap, tmp)) > 0) {
        size_t n = (size_t)got;
        int nl = line[n - 1] == '\n';
        put_wrapped(out, line, n - (size_t)nl, width);
        if (nl) fputc('\n', out);
    }
    free(line);
    fclose(tmp);
    return rc;
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
    if (rc)
        fprintf(err, TEXT(o->lang, "mgrad: %s: could not write the page\n",
                          "mgrad: %s: no se pudo escribir la página\n"),
                o->page);
    return rc;
}

/* ------------------------------------------------------------- evaluate */

int mgrad_run(const mgrad_opts *o, const char *src, size_t len, const char *srcname,
              char *const *defs, size_t n_defs, FILE *out, FILE *err) {
    mgrad_prog p;
    int rc = MGRAD_OK;
    mg_lang lang = o->lang;
    if (mgrad_prog_init(&p)) goto bad_input;
    mgrad_prog_set_lang(&p, lang);
    for (size_t i = 0; i < n_defs; i++)
        if (mgrad_define(&p, defs[i])) goto bad_input;
    if (mgrad_parse(&p, src, len)) goto bad_input;
    /* every node no assignment named gets its own text (a*b), not #7 */
    if (mgrad_name_subexpressions(&p, src, len)) {
        fputs(TEXT(lang, "mgrad: out of memory\n", "mgrad: sin memoria\n"), err);
        mgrad_prog_free(&p);
        return MGRAD_USAGE;
    }

    mg_value *root = p.root;
    const mg_value *explain = NULL;
    if (o->mode == MGRAD_EXPLAIN) {
        mgrad_sym *s = o->explain ? mgrad_lookup(&p, o->explain, strlen(o->explain)) : NULL;
        if (!s) {
            char q[40];
            const char *name = o->explain ? o->explain : "";
            fprintf(err,
                    TEXT(lang, "mgrad: --explain %s: the program has no node of that name\n",
                         "mgrad: --explain %s: el programa no tiene ningún nodo con ese nombre\n"),
                    mgrad__quote(q, name, strlen(name)));
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
    row *r = rows_of(&p, o->mode == MGRAD_TABLE && !o->tsv ? TEXT(lang, "(result)", "(resultado)")
                                                            : "(result)", &n);
    if (!r) {
        fputs(TEXT(lang, "mgrad: out of memory\n", "mgrad: sin memoria\n"), err);
        mgrad_prog_free(&p);
        return MGRAD_USAGE;
    }
    switch (o->mode) {
    case MGRAD_TABLE: print_table(out, r, n, o->tsv, lang); break;
    case MGRAD_JSON: print_json(out, &p, r, n, !nonfinite); break;
    case MGRAD_DUMP: wrote = mg_dump(out, root, o->tsv ? MG_DUMP_TSV : 0); break;
    case MGRAD_TRACE: break;
    case MGRAD_EXPLAIN: wrote = explain_wrapped(out, root, explain); break;
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
            char b[48];
            fprintf(err,
                    TEXT(lang,
                         "mgrad: --gradcheck: backward and finite differences disagree (worst "
                         "error %s)\n",
                         "mgrad: --gradcheck: la retropropagación y las diferencias finitas no "
                         "coinciden (peor error %s)\n"),
                    num(b, "%g", worst));
            rc = MGRAD_NUMERIC;
        }
        break;
    }
    }
    if (wrote < 0 || fflush(out) || ferror(out)) {
        fprintf(err, TEXT(lang, "mgrad: writing the output failed: %s\n",
                          "mgrad: no se pudo escribir la salida: %s\n"),
                strerror(errno));
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
static char *read_all(FILE *f, const char *name, size_t *len, FILE *err, mg_lang lang) {
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fputs(TEXT(lang, "mgrad: out of memory\n", "mgrad: sin memoria\n"), err);
        return NULL;
    }
    for (;;) {
        if (n == cap) {
            /* one byte past the limit tells a file of exactly the limit
             * from a longer one */
            if (cap > MGRAD_MAX_INPUT) {
                fprintf(err,
                        TEXT(lang, "mgrad: %s: larger than %zu MiB, the most mgrad reads\n",
                             "mgrad: %s: mide más de %zu MiB, lo máximo que lee mgrad\n"),
                        name, MGRAD_MAX_INPUT >> 20);
                free(buf);
                return NULL;
            }
            size_t grow = 2 * cap > MGRAD_MAX_INPUT ? MGRAD_MAX_INPUT + 1 : 2 * cap;
            char *b = realloc(buf, grow);
            if (!b) {
                fputs(TEXT(lang, "mgrad: out of memory\n", "mgrad: sin memoria\n"), err);
                free(buf);
                return NULL;
            }
            buf = b;
            cap = grow;
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

/* "mgrad: MESSAGE" and the usage, on err; returns MGRAD_USAGE.  The
 * message comes whole in both languages, with the same arguments. */
static int usage_error(FILE *err, mg_lang lang, const char *en, const char *es, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 5), format(printf, 4, 5)))
#endif
    ;
static int usage_error(FILE *err, mg_lang lang, const char *en, const char *es, ...) {
    va_list ap;
    va_start(ap, es);
    fputs("mgrad: ", err);
    vfprintf(err, TEXT(lang, en, es), ap);
    va_end(ap);
    fputs("\n", err);
    fputs(TEXT(lang, usage_en, usage_es), err);
    return MGRAD_USAGE;
}

/* MGRAD_OK when everything written to out reached it; else MGRAD_USAGE
 * after saying so on err (help to a full disk is not a success). */
static int written(FILE *out, FILE *err, mg_lang lang) {
    if (fflush(out) == 0 && !ferror(out)) return MGRAD_OK;
    fprintf(err, TEXT(lang, "mgrad: writing the output failed: %s\n",
                      "mgrad: no se pudo escribir la salida: %s\n"),
            strerror(errno));
    return MGRAD_USAGE;
}

/* The language: --lang es|en (or --lang=...) anywhere before "--", else
 * the environment.  Read before anything else, so that every message,
 * even about an earlier option, is in it.  Returns 0, or -1 after saying
 * that the value is not a language. */
static int find_lang(int argc, char **argv, mg_lang *lang, FILE *err) {
    *lang = mg_lang_from_env();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = NULL;
        if (!strcmp(a, "--")) break;
        if (!strcmp(a, "--lang")) val = i + 1 < argc ? argv[++i] : "";
        else if (!strncmp(a, "--lang=", 7)) val = a + 7;
        else continue;
        int l = mg_lang_parse(val);
        if (l < 0) {
            char q[40];
            usage_error(err, *lang, "--lang wants es or en, not '%s'", "--lang acepta es o en, no '%s'",
                        mgrad__quote(q, val, strlen(val)));
            return -1;
        }
        *lang = (mg_lang)l;
    }
    return 0;
}

int mgrad_main(int argc, char **argv, FILE *in, FILE *out, FILE *err) {
    mgrad_opts o = {0};   /* MGRAD_TABLE, English, nothing else */
    if (find_lang(argc, argv, &o.lang, err)) return MGRAD_USAGE;
    mg_lang lang = o.lang;
    const char *file = NULL, *cmd = NULL, *mode_opt = NULL;
    char **pos = malloc((size_t)(argc > 0 ? argc : 1) * sizeof *pos);
    size_t n_pos = 0;
    int rc = MGRAD_USAGE, only_pos = 0;
    if (!pos) {
        fputs(TEXT(lang, "mgrad: out of memory\n", "mgrad: sin memoria\n"), err);
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
            rc = usage_error(err, lang, "unknown option '%s'", "opción desconocida '%s'", a);
            goto done;
        }
        memcpy(opt, a, name_len);
        opt[name_len] = 0;
        if (!strcmp(opt, "-f") || !strcmp(opt, "--file") || !strcmp(opt, "--explain") ||
            !strcmp(opt, "--d2") || !strcmp(opt, "--forward") || !strcmp(opt, "--html") ||
            !strcmp(opt, "--svg") || !strcmp(opt, "--lang")) {
            if (eq) val = eq + 1;
            else if (i + 1 < argc) val = argv[++i];
            else {
                rc = usage_error(err, lang, "%s needs a value", "%s necesita un valor", opt);
                goto done;
            }
        } else if (eq) {
            rc = usage_error(err, lang, "%s takes no value", "%s no lleva valor", opt);
            goto done;
        }
        mgrad_mode mode = (mgrad_mode)-1;
        if (!strcmp(opt, "--")) only_pos = 1;
        else if (!strcmp(opt, "--lang")) continue;   /* read by find_lang */
        else if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
            fputs(TEXT(lang, usage_en, usage_es), out);
            fputs(TEXT(lang, help_en, help_es), out);
            rc = written(out, err, lang);
            goto done;
        } else if (!strcmp(opt, "--version")) {
            fprintf(out, "mgrad %s (micrograd-c)\n", MG_VERSION);
            rc = written(out, err, lang);
            goto done;
        } else if (!strcmp(opt, "-f") || !strcmp(opt, "--file")) {
            if (file) {
                rc = usage_error(err, lang, "%s: only one program file",
                                 "%s: solo un archivo de programa", opt);
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
            /* the first argument is the program, so a forgotten file name
             * would make the program the file: refuse a name that reads
             * like a program */
            if (strpbrk(val, "=;\n")) {
                char q[40];
                rc = usage_error(err, lang,
                                 "%s %s: that looks like a program, not a file name (give the "
                                 "file first: %s page.html 'L = ...')",
                                 "%s %s: eso parece un programa, no un nombre de archivo (dé "
                                 "primero el archivo: %s pagina.html 'L = ...')",
                                 opt, mgrad__quote(q, val, strlen(val)), opt);
                goto done;
            }
            mode = opt[2] == 'h' ? MGRAD_HTML : MGRAD_SVG;
            o.page = val;
        }
        else if (!strcmp(opt, "--quiz")) o.quiz = 1;
        else {
            rc = usage_error(err, lang, "unknown option '%s'", "opción desconocida '%s'", a);
            goto done;
        }
        if (mode != (mgrad_mode)-1) {
            if (mode_opt) {
                fprintf(err, TEXT(lang, "mgrad: %s and %s: choose one output mode\n",
                                  "mgrad: %s y %s: elija un solo modo de salida\n"),
                        mode_opt, a);
                fputs(TEXT(lang, usage_en, usage_es), err);
                goto done;
            }
            mode_opt = a;
            o.mode = mode;
        }
    }
    if (o.quiz && o.mode != MGRAD_HTML) {
        rc = usage_error(err, lang, "--quiz goes with --html FILE", "--quiz va con --html ARCHIVO");
        goto done;
    }
    if (o.no_grad && o.mode != MGRAD_DOT && o.mode != MGRAD_HTML && o.mode != MGRAD_SVG) {
        rc = usage_error(err, lang, "--no-grad goes with --dot, --html or --svg",
                         "--no-grad va con --dot, --html o --svg");
        goto done;
    }
    if (o.tsv && o.mode != MGRAD_TABLE && o.mode != MGRAD_DUMP) {
        rc = usage_error(err, lang, "--tsv goes with the table or --dump, not %s",
                         "--tsv va con la tabla o con --dump, no con %s", mode_opt);
        goto done;
    }
    if (!cmd) {
        rc = usage_error(err, lang, "%s", "%s",
                         TEXT(lang, "no command (the command is eval)",
                              "falta la orden (la orden es eval)"));
        goto done;
    }
    if (strcmp(cmd, "eval")) {
        rc = usage_error(err, lang, "unknown command '%s' (the command is eval)",
                         "orden desconocida '%s' (la orden es eval)", cmd);
        goto done;
    }

    /* a page written over the program it was made from would lose it */
    struct stat st_prog, st_page;
    if (file && o.page && strcmp(file, "-") && strcmp(o.page, "-") && !stat(file, &st_prog) &&
        !stat(o.page, &st_page) && st_prog.st_dev == st_page.st_dev &&
        st_prog.st_ino == st_page.st_ino) {
        char q[40];
        rc = usage_error(err, lang, "%s %s would overwrite the program file %s",
                         "%s %s sobrescribiría el archivo del programa %s", mode_opt,
                         mgrad__quote(q, o.page, strlen(o.page)), file);
        goto done;
    }

    /* the program: -f FILE, else the first argument, else stdin */
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
        buf = read_all(f, file, &len, err, lang);
        if (f != in) fclose(f);
        if (!buf) goto done;
        src = buf;
        srcname = strcmp(file, "-") ? file : NULL;
    } else if (n_pos) {   /* the first argument is the program, whatever it looks like */
        src = pos[0];
        len = strlen(src);
        defs++, n_defs--;
    } else if (isatty(fileno(in))) {
        rc = usage_error(err, lang, "%s", "%s",
                         TEXT(lang, "no program: give it as an argument, with -f FILE, or on stdin",
                              "no hay programa: délo como argumento, con -f ARCHIVO o por la "
                              "entrada estándar"));
        goto done;
    } else {
        buf = read_all(in, "stdin", &len, err, lang);
        if (!buf) goto done;
        src = buf;
    }
    rc = mgrad_run(&o, src, len, srcname, defs, n_defs, out, err);
    free(buf);
done:
    free(pos);
    return rc;
}
