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
 * neuron and names nothing, for speed.  Both give identical numbers.
 * Saving and loading the parameters as text is in nn_io.c. */
#include "core/ops.h"
#include "nn/nn.h"

#include <stdlib.h>
#include <string.h>

/* Bounds that keep every size computed from a shape far from overflow
 * (and tell a size that cannot be meant from a big one). */
#define MAX_LAYERS 4096
#define MAX_PARAMS ((size_t)1 << 40)

struct mg_mlp {
    mg_graph *g;
    mg__watch watch;        /* tells when a reset drops the parameters */
    size_t n_in, n_layers;
    size_t *sizes;          /* neurons per layer */
    mg_activation *acts;    /* activation per layer */
    size_t *first;          /* index in params of layer l's first parameter */
    size_t *first_neuron;   /* running neuron count before layer l */
    mg_value **params;
    size_t n_params;
    unsigned *layer_group;  /* DOT cluster per layer */
    unsigned *neuron_group; /* DOT cluster per neuron (all layers, flattened) */
    char **net_label;       /* per neuron (flattened): "L0.N1.net" or "net_h1" */
    char **out_label;       /* per neuron: "L0.N1.out" or "out_h1" */
    mg_value **buf[2];      /* a layer's inputs and outputs during forward */
    size_t max_width;
    int fused;
    int unnamed;      /* teaching graph without labels and groups (for speed) */
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
    mg__watch_remove(&m->watch);
    /* the label arrays exist only once first_neuron is filled in */
    size_t total = m->net_label ? m->first_neuron[m->n_layers] : 0;
    for (size_t k = 0; m->net_label && k < total; k++) free(m->net_label[k]);
    for (size_t k = 0; m->out_label && k < total; k++) free(m->out_label[k]);
    free(m->net_label);
    free(m->out_label);
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

/* A fresh copy of a + b (b may be NULL), or NULL when out of memory. */
static char *concat(const char *a, const char *b) {
    size_t na = strlen(a), nb = b ? strlen(b) : 0;
    char *s = malloc(na + nb + 1);
    if (!s) return NULL;
    memcpy(s, a, na);
    if (nb) memcpy(s + na, b, nb);
    s[na + nb] = 0;
    return s;
}

/* (Re)make the net and out labels of layer l's neurons, from names[j] or
 * the default L<l>.N<j>.  Built once here so that forward passes copy
 * strings instead of formatting them: formatting was most of the time of
 * a teaching-graph forward pass. */
static int set_labels(mg_mlp *m, size_t l, const char *const *names) {
    for (size_t j = 0; j < m->sizes[l]; j++) {
        size_t k = m->first_neuron[l] + j;
        char dflt[64];
        snprintf(dflt, sizeof dflt, "L%zu.N%zu.", l, j);
        int named = names && names[j];
        char *net = named ? concat("net_", names[j]) : concat(dflt, "net");
        char *out = named ? concat("out_", names[j]) : concat(dflt, "out");
        if (!net || !out) {
            free(net);
            free(out);
            return -1;
        }
        free(m->net_label[k]);
        free(m->out_label[k]);
        m->net_label[k] = net;
        m->out_label[k] = out;
    }
    return 0;
}

/* Check the shape and allocate the bookkeeping; parameters come later. */
static mg_mlp *mlp_alloc(mg_graph *g, const char *fn, size_t n_in, const size_t *sizes,
                         size_t n_layers, const mg_activation *acts) {
    if (!g) return NULL;
    if (n_in == 0 || n_layers == 0 || !sizes) {
        mg__error(g, "%s: an MLP needs at least one input and one layer",
                  "%s: un MLP necesita al menos una entrada y una capa", fn);
        return NULL;
    }
    if (n_layers > MAX_LAYERS) {
        mg__error(g, "%s: %zu layers are too many (at most %d)",
                   "%s: %zu capas son demasiadas (a lo más %d)", fn, n_layers, MAX_LAYERS);
        return NULL;
    }
    for (size_t l = 0; l < n_layers; l++) {
        if (sizes[l] == 0) {
            mg__error(g, "%s: layer %zu has no neurons", "%s: la capa %zu no tiene neuronas", fn, l);
            return NULL;
        }
        if (acts && (unsigned)acts[l] >= N_ACTS) {
            mg__error(g, "%s: layer %zu has an unknown activation (%d)",
                      "%s: la capa %zu tiene una activación desconocida (%d)", fn, l, (int)acts[l]);
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
        /* fan_in + 1 weights and bias per neuron, counted without overflow
         * (fan_in + 1 itself wraps to 0 for SIZE_MAX inputs) */
        if (fan_in > MAX_PARAMS - 1 || sizes[l] > (MAX_PARAMS - np) / (fan_in + 1)) {
            mg__error(g, "%s: layer %zu (%zu neurons of %zu inputs) makes too many parameters "
                          "(at most %zu in all)",
                       "%s: la capa %zu (%zu neuronas de %zu entradas) da demasiados parámetros "
                       "(a lo más %zu en total)",
                       fn, l, sizes[l], fan_in, (size_t)MAX_PARAMS);
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
    m->net_label = calloc(nn, sizeof *m->net_label);
    m->out_label = calloc(nn, sizeof *m->out_label);
    m->buf[0] = malloc(width * sizeof *m->buf[0]);
    m->buf[1] = malloc(width * sizeof *m->buf[1]);
    if (!m->params || !m->neuron_group || !m->net_label || !m->out_label || !m->buf[0] ||
        !m->buf[1])
        goto oom;
    for (size_t l = 0; l < n_layers; l++)
        if (set_labels(m, l, NULL)) goto oom;
    return m;
oom:
    mg__error(g, "%s: out of memory", "%s: sin memoria", fn);
    mg_mlp_free(m);
    return NULL;
}

/* 0 while m's parameters are alive; 1 after recording (when the graph
 * still exists) that a reset dropped them. */
static int params_dropped(const mg_mlp *m, const char *fn) {
    if (!m->watch.dropped) return 0;
    if (m->watch.g)
        mg__error(m->watch.g,
                   "%s: the MLP's weights and biases were dropped by mg_graph_reset (take the "
                   "training loop's mark after mg_mlp_new)",
                   "%s: los pesos y sesgos del MLP fueron descartados por mg_graph_reset (toma "
                   "la marca del ciclo de entrenamiento después de mg_mlp_new)",
                   fn);
    return 1;
}

static size_t fan_in_of(const mg_mlp *m, size_t layer) {
    return layer ? m->sizes[layer - 1] : m->n_in;
}

/* Make the parameter leaves (values[k], or draws by inits[l]: micrograd's
 * uniform(-1,1) when inits is NULL), each named L<l>.N<j>.w<i> / .b, inside
 * a cluster per layer and per neuron. */
static mg_mlp *mlp_build(mg_mlp *m, const double *values, const mg_init *inits, uint64_t seed) {
    static const mg_init micrograd = {MG_INIT_UNIFORM, 0.0, MG_BIAS_DRAWN, 0.0};
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
            const mg_init *init = inits ? &inits[l] : &micrograd;
            for (size_t i = 0; i <= n; i++, k++) {
                if (i < n) snprintf(name, sizeof name, "L%zu.N%zu.w%zu", l, j, i);
                else snprintf(name, sizeof name, "L%zu.N%zu.b", l, j);
                double x = values ? values[k]
                           : i == n && init->bias == MG_BIAS_CONST
                               ? init->bias_value
                               : mg__init_draw(init, n, m->sizes[l], &rng);
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
    /* a reset to a mark taken before now would drop the parameters */
    mg__watch_add(m->g, &m->watch, mg__id(m->params[m->n_params - 1]) + 1);
    return m;
}

mg_mlp *mg_mlp_new(mg_graph *g, size_t n_in, const size_t *sizes, size_t n_layers,
                   const mg_activation *acts, uint64_t seed) {
    mg_mlp *m = mlp_alloc(g, "mg_mlp_new", n_in, sizes, n_layers, acts);
    return m ? mlp_build(m, NULL, NULL, seed) : NULL;
}

mg_mlp *mg_mlp_new_init(mg_graph *g, size_t n_in, const size_t *sizes, size_t n_layers,
                        const mg_activation *acts, const mg_init *inits, uint64_t seed) {
    for (size_t l = 0; g && inits && sizes && l < n_layers; l++) {
        if (!mg__init_check(&inits[l])) {
            mg__error(g,
                      "mg_mlp_new_init: layer %zu: unknown initialiser (%d), a scale that is "
                      "negative or not finite, or a bias that is not finite",
                      "mg_mlp_new_init: capa %zu: inicialización desconocida (%d), escala "
                      "negativa o no finita, o sesgo no finito",
                      l, (int)inits[l].kind);
            return NULL;
        }
    }
    mg_mlp *m = mlp_alloc(g, "mg_mlp_new_init", n_in, sizes, n_layers, acts);
    return m ? mlp_build(m, NULL, inits, seed) : NULL;
}

mg_mlp *mg_mlp_new_from(mg_graph *g, size_t n_in, const size_t *sizes, size_t n_layers,
                        const mg_activation *acts, const double *params) {
    if (g && !params) {
        mg__error(g, "mg_mlp_new_from: the parameter array is NULL",
                  "mg_mlp_new_from: el arreglo de parámetros es NULL");
        return NULL;
    }
    mg_mlp *m = mlp_alloc(g, "mg_mlp_new_from", n_in, sizes, n_layers, acts);
    return m ? mlp_build(m, params, NULL, 0) : NULL;
}

/* ---------------------------------------------------------------- shape */

mg_value **mg_mlp_params(const mg_mlp *m) {
    return m && !params_dropped(m, "mg_mlp_params") ? m->params : NULL;
}
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
    if (!m || params_dropped(m, "mg_mlp_param")) return NULL;
    if (layer >= m->n_layers || neuron >= m->sizes[layer]) return NULL;
    size_t n = fan_in_of(m, layer);
    if (i > n) return NULL;
    return m->params[m->first[layer] + neuron * (n + 1) + i];
}

void mg_mlp_zero_grad(mg_mlp *m) {
    if (!m || params_dropped(m, "mg_mlp_zero_grad")) return;
    for (size_t i = 0; i < m->n_params; i++) m->params[i]->grad = 0.0;
}

void mg_mlp_set_fused(mg_mlp *m, int fused) {
    if (m) m->fused = fused != 0;
}

void mg_mlp_set_naming(mg_mlp *m, int on) {
    if (m) m->unnamed = !on;
}

int mg_mlp_set_names(mg_mlp *m, size_t layer, const char *const *names) {
    if (!m || layer >= m->n_layers) return -1;
    if (set_labels(m, layer, names)) {
        mg__error(m->g, "mg_mlp_set_names: out of memory", "mg_mlp_set_names: sin memoria");
        return -1;
    }
    /* the neuron's DOT cluster carries its name too */
    for (size_t j = 0; j < m->sizes[layer]; j++) {
        char dflt[64];
        snprintf(dflt, sizeof dflt, "L%zu.N%zu", layer, j);
        const char *name = names && names[j] ? names[j] : dflt;
        if (mg__group_relabel(m->g, m->neuron_group[m->first_neuron[layer] + j], name)) return -1;
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

/* Write a, then sep, then b into buf[cap], truncating; returns buf.  One
 * pass over the bytes: labels are short, and gcc's inline memcpy for them
 * (rep movsq) took a third of the time to build a named graph. */
static const char *join(char *buf, size_t cap, const char *a, char sep, const char *b) {
    char *p = buf, *end = buf + cap - 2;   /* room for sep and the NUL */
    while (*a && p < end) *p++ = *a++;
    *p++ = sep;
    end++;
    while (*b && p < end) *p++ = *b++;
    *p = 0;
    return buf;
}

/* The decimal digits of k (without printf: see set_labels). */
static const char *digits(size_t k, char buf[24]) {
    char *p = buf + 23;
    *p = 0;
    do *--p = (char)('0' + k % 10); while (k /= 10);
    return p;
}

/* One neuron of the teaching graph: b, then acc = acc + w_i*x_i left to
 * right, every node named after the math (w5*out_h1, net_o1.1, net_o1,
 * out_o1) and in the neuron's cluster. */
static mg_value *neuron_teaching(mg_mlp *m, size_t l, size_t j, mg_value *const *w,
                                 mg_value *b, mg_value *const *x, size_t n) {
    size_t k = m->first_neuron[l] + j;
    unsigned grp = m->neuron_group[k];
    char label[192], b1[32], b2[32], num[24];
    mg_value *acc = b;
    if (m->unnamed) {   /* the same nodes, in the same order, without names */
        for (size_t i = 0; i < n; i++) acc = mg__add_in(m->g, acc, mg__mul_in(m->g, w[i], x[i]));
        return n == 0 ? NULL : activate(acc, m->acts[l]);
    }
    for (size_t i = 0; i < n; i++) {
        if (!w[i] || !x[i]) return NULL;
        join(label, sizeof label, mg__name(w[i], b1), '*', mg__name(x[i], b2));
        mg_value *p = tag(mg_mul(w[i], x[i]), grp, label);
        if (i + 1 < n) join(label, sizeof label, m->net_label[k], '.', digits(i + 1, num));
        acc = tag(mg_add(acc, p), grp, i + 1 < n ? label : m->net_label[k]);
    }
    if (n == 0) return NULL;
    if (m->acts[l] == MG_ACT_LINEAR) return acc;
    return tag(activate(acc, m->acts[l]), grp, m->out_label[k]);
}

size_t mg_mlp_forward(mg_mlp *m, mg_value *const *x, mg_value **out) {
    if (!m || params_dropped(m, "mg_mlp_forward")) return 0;
    if (!x || !out) {
        mg__error(m->g, "mg_mlp_forward: the input or output array is NULL",
                  "mg_mlp_forward: el arreglo de entradas o de salidas es NULL");
        return 0;
    }
    for (size_t i = 0; i < m->n_in; i++) {
        if (!x[i]) {
            mg__error(m->g, "mg_mlp_forward: input %zu of %zu is NULL",
                      "mg_mlp_forward: la entrada %zu de %zu es NULL", i, m->n_in);
            return 0;
        }
        if (mg__graph_of(x[i]) != m->g) {
            mg__error(m->g, "mg_mlp_forward: input %zu of %zu and the MLP are in different graphs",
                      "mg_mlp_forward: la entrada %zu de %zu y el MLP están en grafos distintos", i,
                      m->n_in);
            return 0;
        }
        if (mg__refuse_dropped("mg_mlp_forward", x[i], i, m->n_in)) return 0;
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
    if (!m || params_dropped(m, "mg_mlp_forward_d")) return 0;
    if (!x) {
        mg__error(m->g, "mg_mlp_forward_d: the input array is NULL",
                  "mg_mlp_forward_d: el arreglo de entradas es NULL");
        return 0;
    }
    /* the input leaves need their own array: buf[] is the layers' */
    mg_value *stack[16];
    mg_value **xs = m->n_in <= 16 ? stack : malloc(m->n_in * sizeof *xs);
    if (!xs) {
        mg__error(m->g, "mg_mlp_forward_d: out of memory", "mg_mlp_forward_d: sin memoria");
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
