/*
 * micrograd.h -- a scalar reverse-mode autograd engine in C11.
 *
 * Every scalar operation becomes a node (an mg_value) in a graph (an
 * mg_graph).  Each node remembers its inputs and its operation, so that
 * mg_backward() can walk the graph in reverse topological order and apply the
 * chain rule: grad(input) += local_derivative * grad(output).
 *
 * Usage (the lecture's tanh neuron):
 *
 *     mg_graph *g  = mg_graph_new();
 *     mg_value *x1 = mg_leaf(g, 2.0, "x1"), *w1 = mg_leaf(g, -3.0, "w1");
 *     mg_value *x2 = mg_leaf(g, 0.0, "x2"), *w2 = mg_leaf(g,  1.0, "w2");
 *     mg_value *b  = mg_leaf(g, 6.8813735870195432, "b");
 *     mg_value *n  = mg_add(mg_add(mg_mul(x1, w1), mg_mul(x2, w2)), b);
 *     mg_value *o  = mg_label(mg_tanh(n), "o");
 *     if (!o) { fprintf(stderr, "%s\n", mg_graph_error(g)); ... }
 *     mg_backward(o);            // now w1->grad == 1.0 (to the last ulp or so)
 *     mg_graph_free(g);          // frees every node at once
 *
 * Memory.  A graph owns all its nodes; they live in an arena of fixed-size
 * blocks that never move, so an mg_value * stays valid until the graph is
 * freed or reset below it.  There is no per-node free.  A training loop
 * makes its parameters, takes a mark, and every step builds after the mark
 * and resets to it:
 *
 *     size_t mark = mg_graph_mark(g);
 *     for (step = 0; step < n; step++) {
 *         mg_value *loss = build_loss(g, params);   // nodes after the mark
 *         mg_backward(loss);
 *         update(params);
 *         mg_graph_reset(g, mark);                  // drop the step's graph
 *     }
 *
 * A node costs MG_BYTES_PER_NODE (40) bytes in the arena; a label costs its
 * length plus one byte and a 16-byte index entry, and only when given.
 *
 * Errors.  Operations never abort and never print.  A NULL operand, operands
 * from two different graphs or a failed allocation make the operation return
 * NULL and record the first such error in the graph (mg_graph_error).  Every
 * operation given a NULL returns NULL, so one check at the end of an
 * expression is enough.  Numeric trouble (log of a negative number, overflow)
 * is not an error: it follows IEEE arithmetic, and mg_check_finite() names the
 * first node whose value or gradient went non-finite.
 *
 * Threads.  A graph is not thread-safe; distinct graphs may be used from
 * distinct threads.
 */
#ifndef MICROGRAD_H
#define MICROGRAD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MG_VERSION_MAJOR 0
#define MG_VERSION_MINOR 1
#define MG_VERSION_PATCH 0
#define MG_VERSION "0.1.0"

/* The operations.  One X-macro lists each once: its enum name, its name as
 * printed, the symbol drawn in graphs, and its number of inputs (-1: any). */
#define MG_OP_LIST(X)              \
    X(LEAF,    "leaf",    "",        0) \
    X(ADD,     "add",     "+",       2) \
    X(SUB,     "sub",     "-",       2) \
    X(MUL,     "mul",     "*",       2) \
    X(DIV,     "div",     "/",       2) \
    X(NEG,     "neg",     "neg",     1) \
    X(POW,     "pow",     "**",      1) \
    X(EXP,     "exp",     "exp",     1) \
    X(LOG,     "log",     "log",     1) \
    X(TANH,    "tanh",    "tanh",    1) \
    X(RELU,    "relu",    "relu",    1) \
    X(SIGMOID, "sigmoid", "sigmoid", 1) \
    X(SUM,     "sum",     "sum",    -1) \
    X(NEURON,  "neuron",  "b+w.x",  -1)

typedef enum mg_op {
#define MG_OP_ENUM_(name, str, sym, arity) MG_OP_##name,
    MG_OP_LIST(MG_OP_ENUM_)
#undef MG_OP_ENUM_
    MG_OP_COUNT
} mg_op;

/* The graph that owns every node; opaque. */
typedef struct mg_graph mg_graph;

/* One scalar node.  `data` and `grad` are the caller's to read and write
 * (write `data` of leaves only: parameters, inputs).  Everything below them is
 * the library's: read it through the accessors further down. */
typedef struct mg_value {
    double data;   /* forward value */
    double grad;   /* d(root)/d(this node) after mg_backward(root) */

    /* private: the inputs.  Binary ops use in[0], in[1]; unary ops in[0];
     * pow keeps its constant exponent in `k`; n-ary ops (sum, neuron) keep
     * an array of `n` inputs in the graph's arena. */
    union {
        struct mg_value *in[2];
        struct { struct mg_value *x; double k; } pow;
        struct { struct mg_value **args; size_t n; } many;
    } u;
    uint32_t meta;   /* private: index of the label/group entry, 0 for none */
    uint8_t  op;     /* private: an mg_op */
    uint8_t  flags;  /* private: MG_FROZEN and the library's scratch bits */
    uint16_t spare_; /* private: padding, kept zero */
} mg_value;

/* Bytes one node takes in the arena. */
#define MG_BYTES_PER_NODE ((int)sizeof(mg_value))

/* Flag bit: a frozen parameter is skipped by the optimizers. */
#define MG_FROZEN 0x01u

/* ---------------------------------------------------------------- graph */

/* Make an empty graph.  Returns NULL when out of memory.
 * The caller owns it and frees it with mg_graph_free. */
mg_graph *mg_graph_new(void);

/* Free the graph and every node, label and group in it.  NULL is a no-op.
 * Every mg_value * of this graph is invalid afterwards. */
void mg_graph_free(mg_graph *g);

/* A point to come back to with mg_graph_reset: the number of nodes alive now.
 * Cheap; a loop may take the same mark again and again. */
size_t mg_graph_mark(const mg_graph *g);

/* Drop every node made after `mark` (and the labels and groups made after
 * it).  Pointers to dropped nodes become invalid; the memory is kept and
 * reused, so a loop that resets every step runs in flat memory.  A mark
 * beyond the current size is recorded as an error and changes nothing. */
void mg_graph_reset(mg_graph *g, size_t mark);

/* Number of nodes alive in the graph (0 for NULL). */
size_t mg_graph_size(const mg_graph *g);

/* The first error recorded in the graph, or NULL if none.  The string belongs
 * to the graph and stays valid until mg_graph_clear_error or mg_graph_free. */
const char *mg_graph_error(const mg_graph *g);

/* Forget the recorded error, so that the next one is recorded. */
void mg_graph_clear_error(mg_graph *g);

/* ----------------------------------------------------------------- nodes */

/* A new leaf (an input or parameter) holding `data`.  `label` may be NULL; it
 * is copied.  Returns NULL (recording an error) when g is NULL or memory ran
 * out. */
mg_value *mg_leaf(mg_graph *g, double data, const char *label);

/* Name a node: copies `label` into the graph (NULL removes the name).
 * Returns v, or NULL when v is NULL or the copy could not be stored. */
mg_value *mg_label(mg_value *v, const char *label);

/* The node's label, or NULL if it has none.  Owned by the graph. */
const char *mg_value_label(const mg_value *v);

/* The node's id: its position in creation order, counted from 0.  Ids are
 * what the DOT writer and dumps print; they never depend on addresses. */
size_t mg_value_id(const mg_value *v);

/* The graph that owns v. */
mg_graph *mg_value_graph(const mg_value *v);

/* The node's operation (MG_OP_LEAF for leaves). */
mg_op mg_value_op(const mg_value *v);

/* Number of inputs of v. */
size_t mg_value_arity(const mg_value *v);

/* Input i of v (0-based), or NULL when i is out of range. */
mg_value *mg_value_input(const mg_value *v, size_t i);

/* The constant exponent of a pow node (0 for other nodes). */
double mg_value_exponent(const mg_value *v);

/* The local derivative d(v)/d(input i), from the current data. */
double mg_local_grad(const mg_value *v, size_t i);

/* Name, as printed ("mul"), and symbol, as drawn ("*"), of an op.
 * Static strings; "?" for an unknown op. */
const char *mg_op_name(mg_op op);
const char *mg_op_symbol(mg_op op);

/* Freeze or thaw a parameter (optimizers skip frozen ones).  Returns v. */
mg_value *mg_freeze(mg_value *v, int frozen);
int       mg_is_frozen(const mg_value *v);

/* ------------------------------------------------------------ operations
 * Each returns a new node in the operands' graph, or NULL (recording the
 * error in that graph) when an operand is NULL, the operands belong to two
 * different graphs, or memory ran out.  Domain trouble follows IEEE. */

mg_value *mg_add(mg_value *a, mg_value *b);        /* a + b */
mg_value *mg_sub(mg_value *a, mg_value *b);        /* a - b */
mg_value *mg_mul(mg_value *a, mg_value *b);        /* a * b */
mg_value *mg_div(mg_value *a, mg_value *b);        /* a / b */
mg_value *mg_neg(mg_value *a);                     /* -a */
mg_value *mg_pow(mg_value *a, double exponent);    /* a ** exponent (a constant) */
mg_value *mg_exp(mg_value *a);                     /* e ** a */
mg_value *mg_log(mg_value *a);                     /* natural log of a */
mg_value *mg_tanh(mg_value *a);                    /* tanh a, no overflow */
mg_value *mg_relu(mg_value *a);                    /* max(0, a); gradient 0 at 0 */
mg_value *mg_sigmoid(mg_value *a);                 /* 1/(1+e^-a), stable at +-1000 */

/* One node for xs[0] + xs[1] + ... + xs[n-1], added left to right.  The
 * array is copied.  xs == NULL or n == 0 gives NULL (there is no operand
 * whose graph could record an error). */
mg_value *mg_sum(mg_value *const *xs, size_t n);

/* One node for a whole neuron's pre-activation b + w[0]*x[0] + ... +
 * w[n-1]*x[n-1], summed left to right starting at the bias: the same numbers
 * as the chain of mul and add nodes, in one node instead of 2n. */
mg_value *mg_neuron(mg_value *b, mg_value *const *w, mg_value *const *x, size_t n);

/* Shorthands with a constant: each makes a leaf for c, then the op. */
mg_value *mg_add_c(mg_value *a, double c);
mg_value *mg_mul_c(mg_value *a, double c);

/* -------------------------------------------------------------- backward */

/* Backpropagate from root: root->grad = 1, then for every node reachable from
 * root, in reverse topological order, add grad * local derivative into each
 * input.  The gradients of non-leaf nodes are recomputed from scratch on
 * every call; leaves accumulate, as in PyTorch (call mg_zero_grad between
 * steps).  No recursion: a chain of ten million nodes is fine.  Does
 * nothing for NULL. */
void mg_backward(mg_value *root);

/* Set grad = 0 on every node reachable from root (root included). */
void mg_zero_grad(mg_value *root);

/* Recompute the data of every non-leaf node reachable from root, in
 * topological order, from the current data of the leaves (graph replay: no
 * allocation once the order is cached). */
void mg_forward(mg_value *root);

/* The nodes reachable from root in topological order, inputs first (which is
 * creation order).  Stores the count in *n.  The array belongs to the graph
 * and stays valid until the next call that walks a graph (backward, forward,
 * zero_grad, topo, check_finite) or a reset.  NULL with *n = 0 when root is
 * NULL or memory ran out. */
mg_value *const *mg_topo(const mg_value *root, size_t *n);

/* The first node, in topological order, whose data or grad is not finite
 * (NaN or infinity), or NULL when every node reachable from root is finite. */
const mg_value *mg_check_finite(const mg_value *root);

/* ---------------------------------------------------------------- groups
 * Groups name a set of nodes (a neuron, a layer) so that the DOT writer can
 * draw them as clusters.  Nodes made while a group is open belong to it;
 * groups nest.  Group ids start at 1; 0 means "no group". */

/* Open a group named `label` (copied) inside the currently open one; returns
 * its id, or 0 when memory ran out (error recorded). */
unsigned mg_group_push(mg_graph *g, const char *label);

/* Close the innermost open group (no-op when none is open). */
void mg_group_pop(mg_graph *g);

/* Put v into group `group` (0: none).  Returns v. */
mg_value *mg_group_set(mg_value *v, unsigned group);

/* The group of v (0 for none), a group's label and its enclosing group. */
unsigned    mg_value_group(const mg_value *v);
const char *mg_group_label(const mg_graph *g, unsigned group);
unsigned    mg_group_parent(const mg_graph *g, unsigned group);
unsigned    mg_group_count(const mg_graph *g);   /* groups made so far */

/* ------------------------------------------------------ teaching outputs
 * Writers take the FILE * the caller gives and never print elsewhere.  Each
 * returns 0, or -1 when an argument is NULL, memory ran out or writing
 * failed (checked by flushing `out` at the end; errno is left as the failed
 * write set it).  Nodes are named by their label, or "#id" when they have
 * none; ids come from creation order, so the same program writes
 * byte-identical output on every run.  In text output (dump, trace,
 * explain, gradcheck) a label is kept on one line: backslash, tab, newline,
 * other control characters and bytes that are not UTF-8 are written as
 * \\, \t, \n and \xNN.  Numbers for people have nine decimals, or the
 * form 1.234567890e-05 when fixed point would hide the digits (below 1e-3
 * or from 1e9 up). */

/* Options of mg_dot_write; a zeroed struct (or NULL) means the defaults. */
typedef struct mg_dot_options {
    int digits;          /* decimals of data and grad, 1 to 17; others mean 4 */
    int top_to_bottom;   /* nonzero: rankdir=TB instead of LR */
    int no_clusters;     /* nonzero: ignore groups, draw no clusters */
    int no_grad;         /* nonzero: records show label | data only */
} mg_dot_options;

/* The graph reachable from root as Graphviz DOT, like micrograd's draw_dot:
 * a record { label | data | grad } per value (node v<id>), an oval per
 * operation (node op<id>, showing "+", "*", "tanh", "**2" ...), edges
 * input -> op -> output (a node used twice by one op gets two edges), and
 * one cluster per group (mg_group_push), nested as the groups are.  Every
 * label is escaped, so `dot -Tsvg` accepts the output whatever the labels
 * hold: quotes, braces, <>|, backslashes and newlines are shown as written,
 * control characters and invalid UTF-8 as \xNN.
 *     mg_backward(L);
 *     mg_dot_write(stdout, L, NULL);      // then: ./prog | dot -Tsvg > g.svg */
int mg_dot_write(FILE *out, const mg_value *root, const mg_dot_options *opt);

/* Flags of mg_dump. */
#define MG_DUMP_TSV       0x1u  /* tab-separated, header line, %.17g numbers */
#define MG_DUMP_ROUNDTRIP 0x2u  /* aligned columns but %.17g numbers */

/* One line per node reachable from root, inputs first: id, label, op (with
 * the exponent for pow: "pow(2)"), input ids ("0,2", "-" for a leaf),
 * data, grad, and the local derivative d(node)/d(input) towards each input.
 * Aligned columns under a header line by default.  With MG_DUMP_TSV: a
 * header "id label op inputs data grad local_grads", tab-separated, local
 * grads comma-separated, every number %.17g so that strtod gives back the
 * exact double.  Prints data and grad as they are: call mg_backward first
 * for meaningful grads.
 *     mg_backward(L); mg_dump(stdout, L, 0); */
int mg_dump(FILE *out, const mg_value *root, unsigned flags);

/* Run mg_backward(root) and narrate it: a header line, "grad(root) = 1",
 * then one line per edge, in the order the engine applies them (nodes in
 * reverse topological order, each node's inputs in order), e.g.
 *     grad(net_o1) += grad(out_o1) * dout_o1/dnet_o1 = 0.741365070 * 0.186815602 = 0.138498562
 * with "  (now X)" added when the input already had a gradient (a node used
 * twice, or a leaf keeping an earlier one).  The arithmetic is mg_backward's
 * own, so the grads it leaves are bit for bit the same; like mg_backward,
 * non-leaf grads start from 0 and leaves accumulate (mg_zero_grad first for
 * a clean narration). */
int mg_trace_backward(FILE *out, mg_value *root);

/* Write d(root)/d(x) as the sum over every path from x up to root of the
 * product of local derivatives, with the numbers, as Mazur does:
 *     dE/dw5 = dE/dout_o1 * dout_o1/dnet_o1 * dnet_o1/dw5
 *            = 0.741365070 * 0.186815602 * 0.593269992 = 0.082167041
 * Several paths are listed one by one ("  path 1: ...") and then summed.
 * Above MG_EXPLAIN_MAX_PATHS paths it says how many there are (counted
 * without overflow: "at least 18446744073709551615") and writes the
 * grouped form instead, in time linear in the graph: for each node v on a
 * path, from root down to x,
 *     dR/dv = dR/dc1 * dc1/dv + dR/dc2 * dc2/dv = ... = value
 * over the nodes c that consume v.  x may be any node, leaf or not; it is
 * computed from the current data only (no mg_backward needed, no grad
 * changed).  x not reachable from root prints that the derivative is 0.
 * Returns -1 (error recorded in root's graph) when x is in another graph. */
#define MG_EXPLAIN_MAX_PATHS 64
int mg_explain(FILE *out, const mg_value *root, const mg_value *x);

/* Error above which mg_gradcheck's report marks a leaf MISMATCH. */
#define MG_GRADCHECK_TOL 1e-6

/* Check backward against central finite differences: for each of the n
 * leaves, nudge it by +-h (h = eps when eps > 0, else 1e-6 * max(1, |x|)),
 * re-evaluate root with mg_forward, and compare (f(x+h)-f(x-h))/2h with the
 * leaf's gradient from a fresh mg_backward (every grad reachable from root,
 * and the given leaves' grads, are zeroed first).  Afterwards the leaves'
 * data and every node's data are as before, and the leaves' grads hold
 * d(root)/d(leaf).  Returns the worst error |num - ana| / max(1, |num|,
 * |ana|), NaN if any number is not finite or when root is NULL or a leaf
 * is NULL, in another graph or not a leaf (nothing is changed then).  When
 * report is not NULL, writes a header, one line per leaf
 *     w1  backward 1.000000000  numeric 1.000000000  error 3.11e-11  ok
 * (MISMATCH above MG_GRADCHECK_TOL, NOT FINITE for NaN) and the worst.
 *     double err = mg_gradcheck(L, params, n_params, 0, stdout); */
double mg_gradcheck(mg_value *root, mg_value *const *leaves, size_t n, double eps, FILE *report);

/* ------------------------------------------------------------------- rng
 * A small, seeded PRNG (xoshiro256** seeded through splitmix64): the same
 * numbers on every platform and compiler.  Never rand(). */
typedef struct mg_rng { uint64_t s[4]; } mg_rng;

void     mg_rng_seed(mg_rng *r, uint64_t seed);
uint64_t mg_rng_next(mg_rng *r);                        /* 64 random bits */
double   mg_rng_uniform(mg_rng *r, double lo, double hi); /* in [lo, hi) */
double   mg_rng_normal(mg_rng *r);                      /* standard normal */
uint64_t mg_rng_below(mg_rng *r, uint64_t n);           /* in [0, n), unbiased; 0 for n = 0 */

/* -------------------------------------------------------- neuron, layer, MLP
 * An MLP lives in a graph: its parameters are leaves made by mg_mlp_new,
 * before any mark a training loop takes, so resets never drop them. */
typedef enum mg_activation {
    MG_ACT_TANH = 0,   /* the default, as in the lecture */
    MG_ACT_RELU,
    MG_ACT_SIGMOID,
    MG_ACT_LINEAR
} mg_activation;

typedef struct mg_mlp mg_mlp;

/* Name of an activation ("tanh", ...) and the reverse (-1 when unknown). */
const char *mg_activation_name(mg_activation act);
int         mg_activation_parse(const char *name);

/* An MLP with n_in inputs and n_layers layers of sizes[i] neurons, layer i
 * using acts[i] (acts NULL: tanh everywhere).  Weights and biases uniform in
 * [-1, 1) from mg_rng seeded with `seed`, drawn in parameter order.  Returns
 * NULL (error recorded in g) on bad sizes or no memory.  Free with
 * mg_mlp_free; the parameters belong to g. */
mg_mlp *mg_mlp_new(mg_graph *g, size_t n_in, const size_t *sizes, size_t n_layers,
                   const mg_activation *acts, uint64_t seed);

/* The same, with every parameter given, in parameter order (see
 * mg_mlp_params): for worked examples such as Mazur's. */
mg_mlp *mg_mlp_new_from(mg_graph *g, size_t n_in, const size_t *sizes, size_t n_layers,
                        const mg_activation *acts, const double *params);

/* Free the MLP's bookkeeping (not its nodes: they belong to the graph). */
void mg_mlp_free(mg_mlp *m);

/* Build the forward pass for inputs x[0..n_in) and store the n_out outputs
 * in out[].  Returns the number of outputs, or 0 on error (recorded in the
 * graph).  mg_mlp_forward_d makes leaves for plain numbers first. */
size_t mg_mlp_forward(mg_mlp *m, mg_value *const *x, mg_value **out);
size_t mg_mlp_forward_d(mg_mlp *m, const double *x, mg_value **out);

/* Parameters in the fixed order: layer by layer, neuron by neuron, each
 * neuron's weights w0..w(n-1) and then its bias.  The array belongs to m. */
mg_value **mg_mlp_params(const mg_mlp *m);
size_t     mg_mlp_n_params(const mg_mlp *m);
void       mg_mlp_zero_grad(mg_mlp *m);

/* Shape: inputs, layers, neurons in layer i, activation of layer i. */
size_t        mg_mlp_n_in(const mg_mlp *m);
size_t        mg_mlp_n_layers(const mg_mlp *m);
size_t        mg_mlp_layer_size(const mg_mlp *m, size_t layer);
mg_activation mg_mlp_layer_act(const mg_mlp *m, size_t layer);
mg_graph     *mg_mlp_graph(const mg_mlp *m);

/* Parameter of neuron `neuron` of layer `layer`: weight i for i < fan-in,
 * the bias for i == fan-in.  NULL when out of range. */
mg_value *mg_mlp_param(const mg_mlp *m, size_t layer, size_t neuron, size_t i);

/* Fused mode (nonzero): each neuron's b + sum w*x becomes one mg_neuron node
 * instead of 2n nodes: the same numbers, several times fewer nodes.  The
 * teaching graph (0) is the default. */
void mg_mlp_set_fused(mg_mlp *m, int fused);

/* Names of the neurons of a layer for labels (e.g. {"h1", "h2"}): forward
 * then labels that neuron's nodes net_h1 and out_h1 instead of L0.N0.net
 * and L0.N0.out.  Names are copied; NULL restores the defaults. */
int mg_mlp_set_names(mg_mlp *m, size_t layer, const char *const *names);

/* Save the parameters as text: a header line naming the input count, the
 * layer sizes and activations, then one %.17g per line in parameter order.
 * Returns 0, or -1 when writing failed. */
int mg_mlp_save(const mg_mlp *m, FILE *out);

/* Load an MLP saved by mg_mlp_save into g.  On error returns NULL and, when
 * err is not NULL, writes a message naming the line into err[0..errlen). */
mg_mlp *mg_mlp_load(mg_graph *g, FILE *in, char *err, size_t errlen);

/* @@ training (issue 5) @@ */

#ifdef __cplusplus
}
#endif
#endif /* MICROGRAD_H */
