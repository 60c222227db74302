/* nn.c -- neuron, layer, MLP: micrograd's Module classes in C.
 *
 * An MLP is bookkeeping around leaves of a graph: its parameters, made once
 * (before any mark), in the fixed order layer by layer, neuron by neuron,
 * weights w0..w(n-1) then the bias.  Every forward pass builds fresh nodes
 * after the caller's mark, so a training loop resets them away each step
 * while the parameters stay.
 *
 * A neuron computes act(b + w0*x0 + w1*x1 + ...), summed from the bias
 * left to right as micrograd's `sum((wi*xi for ...), self.b)` does, so the
 * rounding, and with it every bit, is the same.  The teaching graph keeps
 * each multiply and add as its own named node, grouped in one cluster per
 * neuron inside one per layer; the fused graph makes one mg_neuron node per
 * neuron and names nothing, for speed.  Both give identical numbers. */
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct mg_mlp {
    mg_graph *g;
    size_t n_in, n_layers;
    size_t *sizes;          /* neurons per layer */
    mg_activation *acts;    /* activation per layer */
    size_t *first;          /* index in params of layer l's first parameter */
    size_t *first_neuron;   /* running neuron count before layer l */
    mg_value **params;
    size_t n_params;
    unsigned *layer_group;  /* DOT cluster per layer */
    unsigned *neuron_group; /* DOT cluster per neuron (all layers, flattened) */
    char **names;           /* per neuron (flattened), NULL: L<l>.N<j> */
    mg_value **buf[2];      /* a layer's inputs and outputs during forward */
    size_t max_width;
    int fused;
};

static const char *const act_names[] = {"tanh", "relu", "sigmoid", "linear"};
#define N_ACTS (sizeof act_names / sizeof act_names[0])

const char *mg_activation_name(mg_activation act) {
    return (unsigned)act < N_ACTS ? act_names[act] : "?";
}

int mg_activation_parse(const char *name) {
    for (size_t i = 0; name && i < N_ACTS; i++)
        if (!strcmp(name, act_names[i])) return (int)i;
    return -1;
}

void mg_mlp_free(mg_mlp *m) {
    if (!m) return;
    if (m->names) {
        size_t total = m->first_neuron[m->n_layers];
        for (size_t k = 0; k < total; k++) free(m->names[k]);
    }
    free(m->names);
    free(m->sizes);
    free(m->acts);
    free(m->first);
    free(m->first_neuron);
    free(m->params);
    free(m->layer_group);
    free(m->neuron_group);
    free(m->buf[0]);
    free(m->buf[1]);
    free(m);
}

/* Check the shape and allocate the bookkeeping; parameters come later. */
static mg_mlp *mlp_alloc(mg_graph *g, const char *fn, size_t n_in, const size_t *sizes,
                         size_t n_layers, const mg_activation *acts) {
    if (!g) return NULL;
    if (n_in == 0 || n_layers == 0 || !sizes) {
        mg__error(g, "%s: an MLP needs at least one input and one layer", fn);
        return NULL;
    }
    for (size_t l = 0; l < n_layers; l++) {
        if (sizes[l] == 0) {
            mg__error(g, "%s: layer %zu has no neurons", fn, l);
            return NULL;
        }
        if (acts && (unsigned)acts[l] >= N_ACTS) {
            mg__error(g, "%s: layer %zu has an unknown activation (%d)", fn, l, (int)acts[l]);
            return NULL;
        }
    }
    mg_mlp *m = calloc(1, sizeof *m);
    if (!m) goto oom;
    m->g = g;
    m->n_in = n_in;
    m->n_layers = n_layers;
    m->sizes = malloc(n_layers * sizeof *m->sizes);
    m->acts = malloc(n_layers * sizeof *m->acts);
    m->first = malloc((n_layers + 1) * sizeof *m->first);
    m->first_neuron = malloc((n_layers + 1) * sizeof *m->first_neuron);
    m->layer_group = calloc(n_layers, sizeof *m->layer_group);
    if (!m->sizes || !m->acts || !m->first || !m->first_neuron || !m->layer_group) goto oom;
    size_t fan_in = n_in, np = 0, nn = 0, width = n_in;
    for (size_t l = 0; l < n_layers; l++) {
        m->sizes[l] = sizes[l];
        m->acts[l] = acts ? acts[l] : MG_ACT_TANH;
        m->first[l] = np;
        m->first_neuron[l] = nn;
        if (sizes[l] > (SIZE_MAX / 4 - np) / (fan_in + 1)) {
            mg__error(g, "%s: too many parameters", fn);
            mg_mlp_free(m);
            return NULL;
        }
        np += sizes[l] * (fan_in + 1);
        nn += sizes[l];
        fan_in = sizes[l];
        if (sizes[l] > width) width = sizes[l];
    }
    m->first[n_layers] = np;
    m->first_neuron[n_layers] = nn;
    m->n_params = np;
    m->max_width = width;
    m->params = calloc(np, sizeof *m->params);
    m->neuron_group = calloc(nn, sizeof *m->neuron_group);
    m->names = calloc(nn, sizeof *m->names);
    m->buf[0] = malloc(width * sizeof *m->buf[0]);
    m->buf[1] = malloc(width * sizeof *m->buf[1]);
    if (!m->params || !m->neuron_group || !m->names || !m->buf[0] || !m->buf[1]) goto oom;
    return m;
oom:
    mg__error(g, "%s: out of memory", fn);
    mg_mlp_free(m);
    return NULL;
}

static size_t fan_in_of(const mg_mlp *m, size_t layer) {
    return layer ? m->sizes[layer - 1] : m->n_in;
}

/* Make the parameter leaves (values[k] or uniform(-1,1) draws), each named
 * L<l>.N<j>.w<i> / .b, inside a cluster per layer and per neuron. */
static mg_mlp *mlp_build(mg_mlp *m, const double *values, uint64_t seed) {
    mg_rng rng;
    mg_rng_seed(&rng, seed);
    size_t k = 0;
    char name[96];
    for (size_t l = 0; l < m->n_layers; l++) {
        snprintf(name, sizeof name, "L%zu", l);
        m->layer_group[l] = mg_group_push(m->g, name);
        for (size_t j = 0; j < m->sizes[l]; j++) {
            snprintf(name, sizeof name, "L%zu.N%zu", l, j);
            m->neuron_group[m->first_neuron[l] + j] = mg_group_push(m->g, name);
            size_t n = fan_in_of(m, l);
            for (size_t i = 0; i <= n; i++, k++) {
                if (i < n) snprintf(name, sizeof name, "L%zu.N%zu.w%zu", l, j, i);
                else snprintf(name, sizeof name, "L%zu.N%zu.b", l, j);
                double x = values ? values[k] : mg_rng_uniform(&rng, -1.0, 1.0);
                m->params[k] = mg_leaf(m->g, x, name);
            }
            mg_group_pop(m->g);
        }
        mg_group_pop(m->g);
    }
    for (size_t i = 0; i < m->n_params; i++) {
        if (!m->params[i]) {   /* mg_leaf recorded why */
            mg_mlp_free(m);
            return NULL;
        }
    }
    return m;
}

mg_mlp *mg_mlp_new(mg_graph *g, size_t n_in, const size_t *sizes, size_t n_layers,
                   const mg_activation *acts, uint64_t seed) {
    mg_mlp *m = mlp_alloc(g, "mg_mlp_new", n_in, sizes, n_layers, acts);
    return m ? mlp_build(m, NULL, seed) : NULL;
}

mg_mlp *mg_mlp_new_from(mg_graph *g, size_t n_in, const size_t *sizes, size_t n_layers,
                        const mg_activation *acts, const double *params) {
    if (g && !params) {
        mg__error(g, "mg_mlp_new_from: the parameter array is NULL");
        return NULL;
    }
    mg_mlp *m = mlp_alloc(g, "mg_mlp_new_from", n_in, sizes, n_layers, acts);
    return m ? mlp_build(m, params, 0) : NULL;
}

/* ---------------------------------------------------------------- shape */

mg_value **mg_mlp_params(const mg_mlp *m) { return m ? m->params : NULL; }
size_t mg_mlp_n_params(const mg_mlp *m) { return m ? m->n_params : 0; }
size_t mg_mlp_n_in(const mg_mlp *m) { return m ? m->n_in : 0; }
size_t mg_mlp_n_layers(const mg_mlp *m) { return m ? m->n_layers : 0; }
mg_graph *mg_mlp_graph(const mg_mlp *m) { return m ? m->g : NULL; }

size_t mg_mlp_layer_size(const mg_mlp *m, size_t layer) {
    return m && layer < m->n_layers ? m->sizes[layer] : 0;
}

mg_activation mg_mlp_layer_act(const mg_mlp *m, size_t layer) {
    return m && layer < m->n_layers ? m->acts[layer] : MG_ACT_TANH;
}

mg_value *mg_mlp_param(const mg_mlp *m, size_t layer, size_t neuron, size_t i) {
    if (!m || layer >= m->n_layers || neuron >= m->sizes[layer]) return NULL;
    size_t n = fan_in_of(m, layer);
    if (i > n) return NULL;
    return m->params[m->first[layer] + neuron * (n + 1) + i];
}

void mg_mlp_zero_grad(mg_mlp *m) {
    if (!m) return;
    for (size_t i = 0; i < m->n_params; i++) m->params[i]->grad = 0.0;
}

void mg_mlp_set_fused(mg_mlp *m, int fused) {
    if (m) m->fused = fused != 0;
}

int mg_mlp_set_names(mg_mlp *m, size_t layer, const char *const *names) {
    if (!m || layer >= m->n_layers) return -1;
    char **slot = m->names + m->first_neuron[layer];
    char deflt[64];
    for (size_t j = 0; j < m->sizes[layer]; j++) {
        char *copy = NULL;
        if (names && names[j]) {
            size_t n = strlen(names[j]) + 1;
            if (!(copy = malloc(n))) {
                mg__error(m->g, "mg_mlp_set_names: out of memory");
                return -1;
            }
            memcpy(copy, names[j], n);
        }
        free(slot[j]);
        slot[j] = copy;
        /* the neuron's DOT cluster carries its name too */
        snprintf(deflt, sizeof deflt, "L%zu.N%zu", layer, j);
        if (mg__group_relabel(m->g, m->neuron_group[m->first_neuron[layer] + j],
                              copy ? copy : deflt))
            return -1;
    }
    return 0;
}

int mg_mlp_set_layer_name(mg_mlp *m, size_t layer, const char *name) {
    if (!m || layer >= m->n_layers) return -1;
    char deflt[32];
    snprintf(deflt, sizeof deflt, "L%zu", layer);
    return mg__group_relabel(m->g, m->layer_group[layer], name ? name : deflt);
}

/* -------------------------------------------------------------- forward */

/* Label v and put it in `group` (a neuron's cluster); NULL stays NULL. */
static mg_value *tag(mg_value *v, unsigned group, const char *label) {
    if (!v) return NULL;
    if (!mg_label(v, label)) return NULL;
    return mg_group_set(v, group);
}

static mg_value *activate(mg_value *net, mg_activation act) {
    switch (act) {
    case MG_ACT_RELU: return mg_relu(net);
    case MG_ACT_SIGMOID: return mg_sigmoid(net);
    case MG_ACT_LINEAR: return net;
    case MG_ACT_TANH:
    default: return mg_tanh(net);
    }
}

/* One neuron of the teaching graph: b, then acc = acc + w_i*x_i left to
 * right, every node named after the math (w5*out_h1, net_o1.1, net_o1,
 * out_o1) and in the neuron's cluster. */
static mg_value *neuron_teaching(mg_mlp *m, size_t l, size_t j, mg_value *const *w,
                                 mg_value *b, mg_value *const *x, size_t n) {
    unsigned grp = m->neuron_group[m->first_neuron[l] + j];
    const char *name = m->names[m->first_neuron[l] + j];
    char net[96], label[192], b1[32], b2[32];
    if (name) snprintf(net, sizeof net, "net_%s", name);
    else snprintf(net, sizeof net, "L%zu.N%zu.net", l, j);
    mg_value *acc = b;
    for (size_t i = 0; i < n; i++) {
        if (!w[i] || !x[i]) return NULL;
        snprintf(label, sizeof label, "%s*%s", mg__name(w[i], b1), mg__name(x[i], b2));
        mg_value *p = tag(mg_mul(w[i], x[i]), grp, label);
        if (i + 1 < n) snprintf(label, sizeof label, "%s.%zu", net, i + 1);
        acc = tag(mg_add(acc, p), grp, i + 1 < n ? label : net);
    }
    if (n == 0) return NULL;
    if (m->acts[l] == MG_ACT_LINEAR) return acc;
    if (name) snprintf(label, sizeof label, "out_%s", name);
    else snprintf(label, sizeof label, "L%zu.N%zu.out", l, j);
    return tag(activate(acc, m->acts[l]), grp, label);
}

size_t mg_mlp_forward(mg_mlp *m, mg_value *const *x, mg_value **out) {
    if (!m) return 0;
    if (!x || !out) {
        mg__error(m->g, "mg_mlp_forward: the input or output array is NULL");
        return 0;
    }
    for (size_t i = 0; i < m->n_in; i++) {
        if (!x[i]) {
            mg__error(m->g, "mg_mlp_forward: input %zu of %zu is NULL", i, m->n_in);
            return 0;
        }
    }
    mg_value *const *in = x;
    size_t n = m->n_in;
    for (size_t l = 0; l < m->n_layers; l++) {
        mg_value **dst = l + 1 == m->n_layers ? out : m->buf[l % 2];
        mg_value **p = m->params + m->first[l];
        for (size_t j = 0; j < m->sizes[l]; j++, p += n + 1) {
            mg_value *v;
            if (m->fused) v = activate(mg_neuron(p[n], p, in, n), m->acts[l]);
            else v = neuron_teaching(m, l, j, p, p[n], in, n);
            if (!v) return 0;   /* the graph holds the error */
            dst[j] = v;
        }
        in = dst;
        n = m->sizes[l];
    }
    return n;
}

size_t mg_mlp_forward_d(mg_mlp *m, const double *x, mg_value **out) {
    if (!m) return 0;
    if (!x) {
        mg__error(m->g, "mg_mlp_forward_d: the input array is NULL");
        return 0;
    }
    /* the input leaves need their own array: buf[] is the layers' */
    mg_value *stack[16];
    mg_value **xs = m->n_in <= 16 ? stack : malloc(m->n_in * sizeof *xs);
    if (!xs) {
        mg__error(m->g, "mg_mlp_forward_d: out of memory");
        return 0;
    }
    char label[32];
    size_t r = 0;
    for (size_t i = 0; i < m->n_in; i++) {
        if (!m->fused) snprintf(label, sizeof label, "x%zu", i);
        if (!(xs[i] = mg_leaf(m->g, x[i], m->fused ? NULL : label))) goto done;
    }
    r = mg_mlp_forward(m, xs, out);
done:
    if (xs != stack) free(xs);
    return r;
}

/* ------------------------------------------------------------ save/load */

/* Header: "mg_mlp 1 <n_in> <size>:<act> <size>:<act> ...", then the
 * parameters, one %.17g per line (round-trip exact). */
int mg_mlp_save(const mg_mlp *m, FILE *out) {
    if (!m || !out) return -1;
    if (fprintf(out, "mg_mlp 1 %zu", m->n_in) < 0) return -1;
    for (size_t l = 0; l < m->n_layers; l++)
        if (fprintf(out, " %zu:%s", m->sizes[l], mg_activation_name(m->acts[l])) < 0) return -1;
    if (fputc('\n', out) == EOF) return -1;
    for (size_t i = 0; i < m->n_params; i++)
        if (fprintf(out, "%.17g\n", m->params[i]->data) < 0) return -1;
    return fflush(out) == 0 ? 0 : -1;
}

#define MAX_LINE 512
#define MAX_LAYERS 64

/* Read one line (without its newline) into buf.  Returns its length, -1 at
 * end of file, -2 when longer than MAX_LINE - 1 bytes, -3 on a NUL byte. */
static int read_line(FILE *in, char buf[MAX_LINE]) {
    int c, n = 0, nul = 0;
    while ((c = getc(in)) != EOF && c != '\n') {
        if (c == 0) nul = 1;
        if (n < MAX_LINE - 1) buf[n] = (char)c;
        n++;
    }
    if (c == EOF && n == 0) return -1;
    if (n >= MAX_LINE) return -2;
    if (n && buf[n - 1] == '\r') n--;   /* files edited on Windows */
    buf[n] = 0;
    return nul ? -3 : n;
}

static void load_error(char *err, size_t errlen, size_t line, const char *fmt, const char *what) {
    if (!err || !errlen) return;
    int k = snprintf(err, errlen, "line %zu: ", line);
    if (k >= 0 && (size_t)k < errlen) snprintf(err + k, errlen - (size_t)k, fmt, what);
}

/* The next space-separated word of *s (cut off in place), or NULL. */
static char *next_word(char **s) {
    char *p = *s + strspn(*s, " \t");
    if (!*p) return NULL;
    char *end = p + strcspn(p, " \t");
    *s = *end ? end + 1 : end;
    *end = 0;
    return p;
}

/* Parse the header line into n_in, sizes, acts; 0 or -1 (err written). */
static int parse_header(char *s, size_t *n_in, size_t *sizes, mg_activation *acts,
                        size_t *n_layers, char *err, size_t errlen) {
    char *tok = next_word(&s);
    if (!tok || strcmp(tok, "mg_mlp")) {
        load_error(err, errlen, 1, "%s", "not an MLP file (the header must start with \"mg_mlp 1\")");
        return -1;
    }
    tok = next_word(&s);
    if (!tok || strcmp(tok, "1")) {
        load_error(err, errlen, 1, "unsupported format version '%s' (expected 1)", tok ? tok : "");
        return -1;
    }
    tok = next_word(&s);
    char *end;
    errno = 0;
    unsigned long long v = tok ? strtoull(tok, &end, 10) : 0;
    if (!tok || *end || v == 0 || errno || tok[0] == '-') {
        load_error(err, errlen, 1, "the input count '%s' is not a positive integer", tok ? tok : "");
        return -1;
    }
    *n_in = (size_t)v;
    *n_layers = 0;
    while ((tok = next_word(&s))) {
        if (*n_layers == MAX_LAYERS) {
            load_error(err, errlen, 1, "more than %s layers", "64");
            return -1;
        }
        char *colon = strchr(tok, ':');
        if (!colon) {
            load_error(err, errlen, 1, "layer '%s' is not SIZE:ACTIVATION", tok);
            return -1;
        }
        *colon = 0;
        errno = 0;
        v = strtoull(tok, &end, 10);
        if (*end || v == 0 || errno || tok[0] == '-' || v > (1u << 24)) {
            load_error(err, errlen, 1, "layer size '%s' is not a positive integer", tok);
            return -1;
        }
        int act = mg_activation_parse(colon + 1);
        if (act < 0) {
            load_error(err, errlen, 1,
                       "unknown activation '%s' (expected tanh, relu, sigmoid or linear)", colon + 1);
            return -1;
        }
        sizes[*n_layers] = (size_t)v;
        acts[(*n_layers)++] = (mg_activation)act;
    }
    if (*n_layers == 0) {
        load_error(err, errlen, 1, "%s", "the header names no layers");
        return -1;
    }
    return 0;
}

mg_mlp *mg_mlp_load(mg_graph *g, FILE *in, char *err, size_t errlen) {
    if (err && errlen) err[0] = 0;
    if (!g || !in) {
        if (err && errlen) snprintf(err, errlen, "mg_mlp_load: the graph or file is NULL");
        return NULL;
    }
    char line[MAX_LINE];
    size_t sizes[MAX_LAYERS], n_in, n_layers;
    mg_activation acts[MAX_LAYERS];
    int len = read_line(in, line);
    if (len == -1) {
        load_error(err, errlen, 1, "%s", "the file is empty");
        return NULL;
    }
    if (len < 0) {
        load_error(err, errlen, 1, "%s", len == -2 ? "the header is too long" : "a NUL byte");
        return NULL;
    }
    if (parse_header(line, &n_in, sizes, acts, &n_layers, err, errlen)) return NULL;

    size_t n = 0, fan = n_in;
    for (size_t l = 0; l < n_layers; l++) {
        if (sizes[l] > (SIZE_MAX / 16 - n) / (fan + 1)) {
            load_error(err, errlen, 1, "%s", "too many parameters");
            return NULL;
        }
        n += sizes[l] * (fan + 1);
        fan = sizes[l];
    }
    double *values = malloc(n * sizeof *values);
    if (!values) {
        load_error(err, errlen, 1, "%s", "out of memory for the parameters");
        return NULL;
    }
    mg_mlp *m = NULL;
    size_t lineno = 1;
    for (size_t k = 0; k < n; k++) {
        lineno++;
        len = read_line(in, line);
        if (len == -1) {
            char msg[96];
            snprintf(msg, sizeof msg, "the file ends after %zu of %zu parameters", k, n);
            load_error(err, errlen, lineno, "%s", msg);
            goto done;
        }
        if (len == -2 || len == -3) {
            load_error(err, errlen, lineno, "%s", len == -2 ? "the line is too long" : "a NUL byte");
            goto done;
        }
        char *end;
        errno = 0;
        double x = strtod(line, &end);
        while (*end == ' ' || *end == '\t') end++;
        if (end == line || *end) {
            load_error(err, errlen, lineno, "'%s' is not a number", line);
            goto done;
        }
        if (!isfinite(x)) {
            load_error(err, errlen, lineno, "'%s' is not a finite number", line);
            goto done;
        }
        values[k] = x;
    }
    /* anything but blank lines after the last parameter is a mistake */
    while ((len = read_line(in, line)) != -1) {
        lineno++;
        size_t blank = len >= 0 ? strspn(line, " \t") : 0;
        if (len < 0 || line[blank]) {
            char msg[96];
            snprintf(msg, sizeof msg, "more values than the %zu parameters the header declares", n);
            load_error(err, errlen, lineno, "%s", msg);
            goto done;
        }
    }
    m = mg_mlp_new_from(g, n_in, sizes, n_layers, acts, values);
    if (!m) load_error(err, errlen, 1, "%s", mg_graph_error(g) ? mg_graph_error(g) : "no memory");
done:
    free(values);
    return m;
}
