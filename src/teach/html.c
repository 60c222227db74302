/* html.c -- backprop on the projector: one self-contained HTML page that
 * steps through the forward pass node by node and the backward pass edge
 * by edge, in exactly the order mg_backward applies the chain rule.
 *
 * Everything a step shows is computed first (html_page.c) and embedded
 * here as JSON, with the picture (svg.c), the styles and the script
 * (page.css and page.js, embedded from page_assets.c), which only shows
 * what it is given. */
#include "teach/html.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* page_assets.c, made from page.js and page.css by tools/embed_assets.sh */
extern const char *const mg__page_js[];
extern const char *const mg__page_css[];

#define CURVE_POINTS 300         /* points of the loss curve at most */
#define CURVE_W 360.0
#define CURVE_H 200.0

/* ------------------------------------------------------------- words */

/* Words the script shows, each whole in both languages. */
static const char *const words[][3] = {
    {"start", "The graph before anything is computed: the leaves hold their values. "
              "Press \xE2\x86\x92 (or space) to take a step.",
     "El grafo antes de calcular nada: las hojas ya tienen sus valores. "
     "Pulsa \xE2\x86\x92 (o la barra espaciadora) para avanzar un paso."},
    {"forward", "forward pass", "propagaci\xC3\xB3n hacia adelante"},
    {"backward", "backward pass", "retropropagaci\xC3\xB3n"},
    {"update", "update", "actualizaci\xC3\xB3n de los pesos"},
    {"training", "training", "entrenamiento"},
    {"ready", "start", "inicio"},
    {"stepof", "step %1 of %2", "paso %1 de %2"},
    {"hint", "Click a node to see its value, its gradient and where the gradient comes from.",
     "Haz clic en un nodo para ver su valor, su gradiente y de d\xC3\xB3nde sale el gradiente."},
    {"value", "value (data)", "valor (data)"},
    {"grad", "gradient (grad)", "gradiente (grad)"},
    {"op", "operation", "operaci\xC3\xB3n"},
    {"leaf", "a leaf: an input or a parameter", "una hoja: una entrada o un par\xC3\xA1metro"},
    {"local", "local derivative towards each input", "derivada local respecto de cada entrada"},
    {"paths", "its gradient, the chain rule along every path to the output",
     "su gradiente: la regla de la cadena por cada camino hasta la salida"},
    {"noexplain", "This graph is too big to explain every node here; --explain NAME prints one.",
     "Este grafo es demasiado grande para explicar cada nodo aqu\xC3\xAD; --explain NOMBRE explica uno."},
    {"notyet", "not computed yet", "a\xC3\xBAn no calculado"},
    {"notfinal", "not final yet: step on", "a\xC3\xBAn no es definitivo: sigue avanzando"},
    {"quizask", "Your answer: the gradient of the output with respect to this node",
     "Tu respuesta: el gradiente de la salida respecto de este nodo"},
    {"check", "Check", "Comprobar"},
    {"show", "Show the answer", "Ver la respuesta"},
    {"right", "Right!", "\xC2\xA1" "Correcto!"},
    {"wrong", "Not quite: try again.", "No es correcto: int\xC3\xA9ntalo de nuevo."},
    {"nonum", "Type a number, e.g. -0.5 or 0,25.", "Escribe un n\xC3\xBAmero, por ejemplo -0.5 o 0,25."},
    {"answer", "The answer", "La respuesta"},
    {"fold", "Click a cluster's name to fold or unfold it.",
     "Haz clic en el nombre de un grupo para plegarlo o desplegarlo."},
};

static void put_words(FILE *out, mg_lang lang) {
    fputs("\"t\":{", out);
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        /* the words are ours: plain UTF-8 with no character JSON escapes */
        fprintf(out, "%s\"%s\":\"%s\"", i ? "," : "", words[i][0], words[i][lang == MG_LANG_ES ? 2 : 1]);
    }
    fputs("}", out);
}

static const char *word(const char *key, mg_lang lang) {
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (!strcmp(words[i][0], key)) return words[i][lang == MG_LANG_ES ? 2 : 1];
    return key;
}

/* --------------------------------------------------------------- JSON */

/* s[0..len) as a JSON string that is also safe inside <script>: quotes,
 * backslashes and control characters escaped, < > & as \u003c ..., so no
 * "</script>" or "<!--" can appear; U+2028/9 escaped; bytes that are not
 * UTF-8 become U+FFFD. */
static void json_str_n(FILE *out, const char *s, size_t len) {
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    fputc('"', out);
    while (p < end) {
        unsigned c = *p;
        size_t n = c ? mg__utf8_len(p) : 0;
        if (p + n > end) n = 0;
        if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
        else if (c == '\n') fputs("\\n", out);
        else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7F) fprintf(out, "\\u%04x", c);
        else if (n == 0) fputs("\\ufffd", out);
        else if (n == 3 && p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9))
            fprintf(out, "\\u202%c", p[2] == 0xA8 ? '8' : '9');
        else {
            fwrite(p, 1, n, out);
            p += n;
            continue;
        }
        p++;
    }
    fputc('"', out);
}

static void json_num(FILE *out, double x) {
    char b[40];
    if (!isfinite(x)) {
        fputs("null", out);
        return;
    }
    mg_num_format(b, sizeof b, "%.17g", x);
    fputs(b, out);
}

/* ------------------------------------------------ texts, captured */

/* The piece as a JSON string (without its final newline); pieces longer
 * than `cap` bytes (0: no cap) are cut at a line end, with `note` added. */
static int json_seg(FILE *out, FILE *t, seg s, size_t cap, const char *note) {
    size_t len = s.len > 0 ? (size_t)s.len : 0, extra = note ? strlen(note) : 0;
    char *buf = malloc(len + extra + 1);
    if (!buf) return -1;
    long back = ftell(t);
    if (fseek(t, s.at, SEEK_SET) || fread(buf, 1, len, t) != len || fseek(t, back, SEEK_SET)) {
        free(buf);
        return -1;
    }
    while (len && buf[len - 1] == '\n') len--;
    if (cap && len > cap) {
        while (cap > 0 && buf[cap - 1] != '\n') cap--;
        len = cap ? cap - 1 : 0;   /* without that newline: the note starts with one */
        memcpy(buf + len, note, extra);
        len += extra;
    }
    json_str_n(out, buf, len);
    free(buf);
    return 0;
}

/* ------------------------------------------------------------ writing */

static void put_html_text(FILE *out, const char *s) { mg__put_xml(out, s, 0); }

/* The page's title: the caller's, or one naming the root. */
static void put_title(FILE *out, const page *p) {
    if (p->o.title) {
        put_html_text(out, p->o.title);
        return;
    }
    fputs(p->lang == MG_LANG_ES ? "Retropropagaci\xC3\xB3n paso a paso: " : "Backprop step by step: ", out);
    mg__put_xml_name(out, p->root, 60);
}

/* The loss curve: an inline SVG of at most CURVE_POINTS points, a log
 * scale when the loss spans more than two decades; the marker the script
 * moves sits at the positions written into the steps. */
typedef struct curve { double lo, hi; int log_y, log_x; size_t n; } curve;

/* Plot area: x from CURVE_L to CURVE_W - 10, y from 10 to CURVE_H - 30.
 * Long runs get a log scale of iterations (log10(k + 1)), so the first
 * steps, which the page steps through, stay apart. */
#define CURVE_L 84.0
static double curve_x(const curve *c, size_t k) {
    double f = c->n < 2 ? 0 : c->log_x ? log10((double)k + 1) / log10((double)c->n)
                                       : (double)k / (double)(c->n - 1);
    return CURVE_L + (CURVE_W - 10 - CURVE_L) * f;
}
static double curve_y(const curve *c, double v) {
    double a = c->log_y ? log10(v > 0 ? v : c->lo) : v, lo = c->log_y ? log10(c->lo) : c->lo;
    double hi = c->log_y ? log10(c->hi) : c->hi;
    double f = hi > lo ? (a - lo) / (hi - lo) : 0.5;
    return 10 + (CURVE_H - 40) * (1 - f);
}

static curve curve_of(const mg_page_training *tr) {
    curve c = {INFINITY, -INFINITY, 0, tr->n_loss > 100, tr->n_loss};
    for (size_t k = 0; k < tr->n_loss; k++)
        if (isfinite(tr->loss[k])) {
            if (tr->loss[k] < c.lo) c.lo = tr->loss[k];
            if (tr->loss[k] > c.hi) c.hi = tr->loss[k];
        }
    if (!(c.lo <= c.hi)) c.lo = 0, c.hi = 1;
    c.log_y = c.lo > 0 && c.hi / c.lo > 100;
    return c;
}

static void put_point(FILE *out, const curve *c, size_t k, double loss) {
    char a[32], b[32];
    mg_num_format(a, sizeof a, "%.1f", curve_x(c, k));
    mg_num_format(b, sizeof b, "%.1f", curve_y(c, loss));
    fprintf(out, "%s,%s ", a, b);
}

static void put_curve(FILE *out, const page *p) {
    const mg_page_training *tr = p->o.training;
    curve c = curve_of(tr);
    char a[32], b[32];
    int es = p->lang == MG_LANG_ES, L = (int)CURVE_L, W = (int)CURVE_W, H = (int)CURVE_H;
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"curve\" viewBox=\"0 0 %d %d\">\n", W, H);
    fprintf(out, "<path class=\"axis\" d=\"M%d 10 V%d H%d\"/>\n", L, H - 30, W - 10);
    fputs("<polyline class=\"loss\" points=\"", out);
    /* at most CURVE_POINTS points, evenly spread on the x axis as drawn */
    size_t prev = SIZE_MAX;
    for (size_t j = 0; j < CURVE_POINTS; j++) {
        double f = (double)j / (CURVE_POINTS - 1);
        size_t k = c.log_x ? (size_t)(pow((double)tr->n_loss, f) - 1 + 0.5) : (size_t)(f * (double)(tr->n_loss - 1) + 0.5);
        if (k >= tr->n_loss) k = tr->n_loss - 1;
        if (k == prev || !isfinite(tr->loss[k])) continue;
        put_point(out, &c, k, tr->loss[k]);
        prev = k;
    }
    fputs("\"/>\n", out);
    fprintf(out, "<text x=\"%d\" y=\"18\" class=\"tick\" text-anchor=\"end\">%s</text>\n", L - 4,
            mg__fmt_short(a, c.hi));
    fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">%s</text>\n", L - 4, H - 30,
            mg__fmt_short(a, c.lo));
    if (c.log_y)
        fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">%s</text>\n", L - 4, H / 2,
                es ? "(escala log)" : "(log scale)");
    fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"tick\">0</text>\n", L, H - 12);
    fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">%zu</text>\n", W - 10, H - 12,
            tr->n_loss - 1);
    fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s</text>\n",
            (L + W) / 2, H - 12,
            c.log_x ? (es ? "iteraciones (escala log)" : "iterations (log scale)")
                    : (es ? "iteraciones" : "iterations"));
    mg_num_format(a, sizeof a, "%.1f", curve_x(&c, 0));
    mg_num_format(b, sizeof b, "%.1f", curve_y(&c, tr->loss[0]));
    fprintf(out, "<circle id=\"curve-dot\" r=\"6\" cx=\"%s\" cy=\"%s\"/>\n</svg>\n", a, b);
}

static int put_json(FILE *out, const page *p) {
    const mg_page_training *tr = p->o.training;
    size_t n = p->n;
    FILE *t = p->t;
    fprintf(out, "{\"lang\":\"%s\",\"quiz\":%d,\"noGrad\":%d,\"n\":%zu,\"root\":%zu,\n",
            p->lang == MG_LANG_ES ? "es" : "en", p->o.quiz != 0, p->o.no_grad != 0, n, n - 1);
#define ARRAY(name, expr)                                   \
    fputs("\"" name "\":[", out);                           \
    for (size_t i = 0; i < n; i++) fprintf(out, "%s%ld", i ? "," : "", (long)(expr)); \
    fputs("],\n", out);
    ARRAY("fwd", p->fwd[i])
    ARRAY("fin", p->fin[i])
    ARRAY("upd", p->upd[i])
#undef ARRAY
    fputs("\"ein\":[", out);
    for (size_t i = 0; i <= n; i++) fprintf(out, "%s%zu", i ? "," : "", p->edge0[i]);
    fputs("],\n\"dd\":[", out);
    char b[32];
    for (size_t i = 0; i < n; i++) fprintf(out, "%s\"%s\"", i ? "," : "", mg__fmt_num(b, p->L.topo[i]->data));
    fputs("],\n\"gd\":[", out);
    for (size_t i = 0; i < n; i++) fprintf(out, "%s\"%s\"", i ? "," : "", mg__fmt_num(b, p->grads[i]));
    fputs("],\n\"gv\":[", out);
    for (size_t i = 0; i < n; i++) {
        if (i) fputc(',', out);
        json_num(out, p->grads[i]);
    }
    fputs("],\n\"gs\":[", out);
    for (size_t i = 0; i < n; i++) fprintf(out, "%s\"%s\"", i ? "," : "", mg__fmt_short(b, p->grads[i]));
    fputs("],\n\"nv\":[", out);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s\"%s\"", i ? "," : "", p->upd[i] >= 0 ? mg__fmt_short(b, p->new_value[i]) : "");
    fputs("],\n\"loc\":[", out);
    for (size_t i = 0; i < n; i++) {
        if (i) fputc(',', out);
        if (json_seg(out, t, p->loc_text[i], 0, NULL)) return -1;
    }
    fputs("],\n\"ex\":[", out);
    const char *cut = p->lang == MG_LANG_ES
                          ? "\n\xE2\x80\xA6 (recortado: --explain NOMBRE imprime la explicaci\xC3\xB3n completa)"
                          : "\n\xE2\x80\xA6 (cut short: --explain NAME prints the whole explanation)";
    size_t cap = EXPLAIN_BUDGET / n;
    cap = cap > EXPLAIN_CAP ? EXPLAIN_CAP : cap < EXPLAIN_MIN ? EXPLAIN_MIN : cap;
    for (size_t i = 0; i < n; i++) {
        if (i) fputs(",\n", out);
        if (p->ex_text[i].len < 0) fputs("null", out);
        else if (json_seg(out, t, p->ex_text[i], cap, cut)) return -1;
    }
    fputs("],\n\"steps\":[\n{\"k\":\"s\",\"n\":-1}", out);
    curve c = tr ? curve_of(tr) : (curve){0, 1, 0, 0, 0};
    for (size_t s = 1; s < p->n_steps; s++) {
        const char *kind;
        size_t node = 0;
        if (s < p->first_bwd) kind = "f", node = p->fwd_node[s - p->first_fwd];
        else if (s == p->first_bwd) kind = "r", node = n - 1;
        else if (s < p->first_upd) kind = "b", node = p->steps[s - p->first_bwd - 1].input;
        else if (s < p->first_loss) kind = "u", node = p->upd_node[s - p->first_upd];
        else kind = "l";
        fprintf(out, ",\n{\"k\":\"%s\",\"n\":%ld,\"x\":", kind, *kind == 'l' ? -1L : (long)node);
        if (json_seg(out, t, p->step_text[s], 0, NULL)) return -1;
        if (*kind == 'b') {
            const mg__edge_step *E = &p->steps[s - p->first_bwd - 1];
            fprintf(out, ",\"e\":%zu,\"c\":%zu", p->edge0[E->node] + E->slot, E->node);
        } else if (*kind == 'l') {
            size_t k = p->loss_k[s - p->first_loss];
            char a[32];
            mg_num_format(a, sizeof a, "%.1f", curve_x(&c, k));
            mg_num_format(b, sizeof b, "%.1f", curve_y(&c, isfinite(tr->loss[k]) ? tr->loss[k] : c.lo));
            fprintf(out, ",\"px\":%s,\"py\":%s", a, b);
        }
        fputc('}', out);
    }
    fputs("],\n", out);
    put_words(out, p->lang);
    fputs("}\n", out);
    return 0;
}

/* Lines of a C string table (page_assets.c), written out as they are. */
static void put_lines(FILE *out, const char *const *lines) {
    for (; *lines; lines++) fputs(*lines, out);
}

int mg_html_write(FILE *out, const mg_value *root, const mg_page_options *opt) {
    if (!out || !root || mg__refuse_dropped("mg_html_write", root, 0, 0)) return -1;
    page p;
    memset(&p, 0, sizeof p);
    p.root = root;
    if (opt) p.o = *opt;
    p.lang = mg_graph_lang(mg_value_graph(root));
    if (mg__page_make(&p)) {
        mg__page_free(&p);
        return -1;
    }
    int es = p.lang == MG_LANG_ES;
    fprintf(out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
            es ? "es" : "en");
    put_title(out, &p);
    fputs("</title>\n<style>\n", out);
    fputs(mg__graph_css, out);
    put_lines(out, mg__page_css);
    fprintf(out, "</style>\n</head>\n<body class=\"%s%s\">\n<header id=\"bar\">\n<h1>",
            p.o.quiz ? "quiz" : "", p.o.no_grad ? " nograd" : "");
    put_title(out, &p);
    fprintf(out, "</h1>\n<nav id=\"controls\">\n"
            "<button id=\"b-home\" title=\"%s\">|&#9664;</button>"
            "<button id=\"b-prev\" title=\"%s\">&#9664;</button>"
            "<button id=\"b-next\" title=\"%s\">&#9654;</button>"
            "<button id=\"b-end\" title=\"%s\">&#9654;|</button>\n"
            "<span id=\"counter\"></span>\n"
            "<button id=\"b-out\" title=\"%s\">&#8722;</button>"
            "<button id=\"b-fit\" title=\"%s\">&#9633;</button>"
            "<button id=\"b-in\" title=\"%s\">+</button>\n</nav>\n</header>\n",
            es ? "Al inicio (Inicio)" : "To the start (Home)",
            es ? "Paso anterior (\xE2\x86\x90, retroceso)" : "Previous step (\xE2\x86\x90, Backspace)",
            es ? "Paso siguiente (\xE2\x86\x92, espacio)" : "Next step (\xE2\x86\x92, space)",
            es ? "Al final: todos los gradientes (Fin)" : "To the end: every gradient (End)",
            es ? "Alejar (-)" : "Zoom out (-)", es ? "Ver todo (0)" : "Fit to the window (0)",
            es ? "Acercar (+)" : "Zoom in (+)");
    fprintf(out, "<div id=\"stepline\"><span id=\"phase\"></span><code id=\"steptext\"></code></div>\n"
            "<main>\n<div id=\"view\">\n");
    mg__svg_graph(out, &p.L, p.grads, MG__SVG_PAGE | (p.o.quiz ? MG__SVG_QUIZ : 0), p.lang, NULL);
    fprintf(out, "</div>\n<aside id=\"side\">\n<section id=\"details\"><p class=\"hint\">%s</p>"
            "<p class=\"hint\">%s</p></section>\n", word("hint", p.lang), word("fold", p.lang));
    if (p.n_loss_steps) {
        fputs("<section id=\"training\"><h2>", out);
        fputs(es ? "Error en cada iteraci\xC3\xB3n: " : "The loss at each iteration: ", out);
        mg__put_xml_name(out, root, 40);
        fputs("</h2>\n", out);
        put_curve(out, &p);
        fputs("</section>\n", out);
    }
    fputs("</aside>\n</main>\n<script type=\"application/json\" id=\"mg-data\">\n", out);
    int rc = put_json(out, &p);
    fputs("</script>\n<script>\n", out);
    put_lines(out, mg__page_js);
    fputs("</script>\n</body>\n</html>\n", out);
    mg__page_free(&p);
    return rc ? -1 : mg__finish(out);
}
