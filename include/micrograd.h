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

/* MG_API marks the library's public functions: the shared library is built
 * with hidden visibility, so these are the only symbols it exports. */
#if defined(__GNUC__) || defined(__clang__)
#define MG_API __attribute__((visibility("default")))
#else
#define MG_API
#endif

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
    X(POW_V,   "pow_v",   "**",      2) \
    X(EXP,     "exp",     "exp",     1) \
    X(LOG,     "log",     "log",     1) \
    X(TANH,    "tanh",    "tanh",    1) \
    X(RELU,    "relu",    "relu",    1) \
    X(SIGMOID, "sigmoid", "sigmoid", 1) \
    X(SUM,     "sum",     "sum",    -1) \
    X(NEURON,  "neuron",  "b+w.x",  -1) \
    X(WHERE,   "where",   "where",   2)

typedef enum mg_op {
#define MG_OP_ENUM_(name, str, sym, arity) MG_OP_##name,
    MG_OP_LIST(MG_OP_ENUM_)
#undef MG_OP_ENUM_
    MG_OP_COUNT
} mg_op;

/* The graph that owns every node; opaque. */
typedef struct mg_graph mg_graph;

/* One scalar node.  `data` and `grad` are the caller's to read and write
 * (write `data` of leaves only: parameters, inputs; and between
 * mg_forward(root) and mg_backward(root), write nothing but leaves).
 * Everything below them is the library's: read it through the accessors
 * further down. */
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
MG_API mg_graph *mg_graph_new(void);

/* Free the graph and every node, label and group in it.  NULL is a no-op.
 * Every mg_value * of this graph is invalid afterwards. */
MG_API void mg_graph_free(mg_graph *g);

/* A point to come back to with mg_graph_reset: the number of nodes alive now.
 * Cheap; a loop may take the same mark again and again. */
MG_API size_t mg_graph_mark(const mg_graph *g);

/* Drop every node made after `mark` (and the labels and groups made after
 * it).  Pointers to dropped nodes become invalid; the memory is kept and
 * reused, so a loop that resets every step runs in flat memory.  A mark
 * beyond the current size is recorded as an error and changes nothing.  A
 * plain node count works as a mark too; its label memory is reclaimed from
 * the second reset to it on (take marks with mg_graph_mark to reclaim it
 * from the first). */
MG_API void mg_graph_reset(mg_graph *g, size_t mark);

/* Number of nodes alive in the graph (0 for NULL). */
MG_API size_t mg_graph_size(const mg_graph *g);

/* @@ dropped nodes (issue 20) @@
 * A node a reset dropped must not be used again.  What the library
 * catches, and what it cannot:
 *  - Always, in O(1): a dropped node whose slot no newer node has taken
 *    yet.  Every function that takes a node refuses it: constructors
 *    return NULL, walkers and writers return their error value (-1, NaN,
 *    nothing done), accessors return what they return for NULL (0, NULL,
 *    MG_OP_LEAF; mg_value_graph still gives the graph), and the graph's
 *    error says "mg_mul: operand 2 of 2 (#7) was dropped by
 *    mg_graph_reset".  (The label went with the node, so it is named by
 *    its id.)
 *  - Always: the MLP, the optimizers and tapes watch the nodes they hold.
 *    A reset below any of them makes them refuse for good (forward, step,
 *    zero_grad, ...), even after newer nodes have taken those slots.
 *  - Only in checking mode (below): a pointer to a node the most recent
 *    reset dropped, even after newer nodes took its id.
 *  - Never: a node dropped two or more resets ago outside checking mode,
 *    or in checking mode once a later reset has recycled its slot; a
 *    pointer into a freed graph (that is use after free: build with
 *    -fsanitize=address to catch it). */

/* Checking mode (off by default): a reset no longer hands the slots it
 * drops to the next nodes.  The blocks it drops wholly are kept apart
 * until the following reset (memory grows to about twice one step's
 * nodes), and the block holding the mark is sealed there (the rest of
 * that block is never used again), so that mg_value_alive and every entry
 * point see a pointer to a node of the last reset's step as dropped, even
 * after the next step has made as many nodes again.  Constructors take
 * their slow path in this mode (a few times slower to build).  It may be
 * turned on or off at any time; it applies from the next reset on. */
MG_API void mg_graph_set_checking(mg_graph *g, int on);
MG_API int  mg_graph_checking(const mg_graph *g);   /* 0 for NULL */

/* 1 when v is a node its graph holds, 0 when v is NULL or a reset dropped
 * it (as far as the rules above can tell).  O(1); records nothing. */
MG_API int mg_value_alive(const mg_value *v);
/* @@ end dropped nodes @@ */

/* Bytes the graph holds from the allocator: node blocks, label and input
 * arrays, indexes, the cached order (node blocks come in slabs that each
 * reserve up to 64 KiB more address space for alignment, never touched and
 * not counted here).  Kept across resets (memory is reused),
 * so a training loop that resets every step shows a flat figure. */
MG_API size_t mg_graph_bytes(const mg_graph *g);

/* The language of the messages the library writes for this graph (its
 * errors, and the words of the teaching writers: trace, explain, dump
 * headers, DOT fields, gradcheck, mg_mlp_load's messages): English (the
 * default) or Spanish.  Numbers are the same in both, digit for digit.
 * The library never looks at the environment itself; a program that wants
 * the usual rule calls mg_lang_from_env():
 *     mg_graph_set_lang(g, mg_lang_from_env());
 * Functions that take no graph (CSV, IDX, SVG plots, the progress line)
 * have _lang variants that take the language as an argument. */
typedef enum mg_lang { MG_LANG_EN = 0, MG_LANG_ES = 1 } mg_lang;
MG_API void    mg_graph_set_lang(mg_graph *g, mg_lang lang);
MG_API mg_lang mg_graph_lang(const mg_graph *g);   /* MG_LANG_EN for NULL */

/* The language the environment asks for, as gettext reads it: LANGUAGE (a
 * list such as "fr:es", heeded when a locale is set), then the first set
 * of LC_ALL, LC_MESSAGES, LANG; Spanish when that begins with "es".  Only
 * the names are read, so es_MX.UTF-8 works on a machine that does not
 * have that locale installed. */
MG_API mg_lang mg_lang_from_env(void);

/* MG_LANG_ES for "es" or any locale name beginning with it ("es_CL.UTF-8"),
 * MG_LANG_EN for "en", "en_US..." and "C"/"POSIX", -1 for anything else
 * (NULL included). */
MG_API int mg_lang_parse(const char *name);

/* The first error recorded in the graph, or NULL if none.  The string belongs
 * to the graph and stays valid until mg_graph_clear_error or mg_graph_free. */
MG_API const char *mg_graph_error(const mg_graph *g);

/* Forget the recorded error, so that the next one is recorded. */
MG_API void mg_graph_clear_error(mg_graph *g);

/* Numbers for files and programs, whatever locale the host program set with
 * setlocale(): always '.' as the decimal point, so that every file the
 * library writes reads back exactly (printf and strtod follow LC_NUMERIC,
 * and under es_CL would write and expect 0,5).
 *
 * mg_num_format writes x with `conv`, a single printf conversion for a
 * double ("%.17g" round-trips), into buf[0..size) like snprintf: returns
 * the length the number has (-1 for a bad conversion), and buf always ends
 * in NUL when size > 0.
 *
 * mg_num_parse reads a number at s as strtod does in the C locale (leading
 * white space, sign, digits with '.', exponent, hex floats, inf, nan), and
 * stores in *end (when end is not NULL) where it stopped: s when there is
 * no number.  "1,5" reads 1 and stops at the comma.  Overflow gives +-inf
 * and underflow 0 or a subnormal, with errno set to ERANGE as strtod sets
 * it. */
MG_API int    mg_num_format(char *buf, size_t size, const char *conv, double x);
MG_API double mg_num_parse(const char *s, char **end);

/* ----------------------------------------------------------------- nodes */

/* A new leaf (an input or parameter) holding `data`.  `label` may be NULL; it
 * is copied.  Returns NULL (recording an error) when g is NULL or memory ran
 * out. */
MG_API mg_value *mg_leaf(mg_graph *g, double data, const char *label);

/* Name a node: copies `label` into the graph (NULL removes the name).
 * Returns v, or NULL when v is NULL or the copy could not be stored. */
MG_API mg_value *mg_label(mg_value *v, const char *label);

/* The node's label, or NULL if it has none.  Owned by the graph. */
MG_API const char *mg_value_label(const mg_value *v);

/* The node's id: its position in creation order, counted from 0.  Ids are
 * what the DOT writer and dumps print; they never depend on addresses. */
MG_API size_t mg_value_id(const mg_value *v);

/* The graph that owns v. */
MG_API mg_graph *mg_value_graph(const mg_value *v);

/* The node's operation (MG_OP_LEAF for leaves). */
MG_API mg_op mg_value_op(const mg_value *v);

/* Number of inputs of v. */
MG_API size_t mg_value_arity(const mg_value *v);

/* Input i of v (0-based), or NULL when i is out of range. */
MG_API mg_value *mg_value_input(const mg_value *v, size_t i);

/* The constant exponent of a pow node (0 for other nodes). */
MG_API double mg_value_exponent(const mg_value *v);

/* The local derivative d(v)/d(input i), from the current data. */
MG_API double mg_local_grad(const mg_value *v, size_t i);

/* Name, as printed ("mul"), and symbol, as drawn ("*"), of an op.
 * Static strings; "?" for an unknown op. */
MG_API const char *mg_op_name(mg_op op);
MG_API const char *mg_op_symbol(mg_op op);

/* Freeze or thaw a parameter (optimizers skip frozen ones).  Returns v. */
MG_API mg_value *mg_freeze(mg_value *v, int frozen);
MG_API int       mg_is_frozen(const mg_value *v);

/* ------------------------------------------------------------ operations
 * Each returns a new node in the operands' graph, or NULL (recording the
 * error in that graph) when an operand is NULL, the operands belong to two
 * different graphs, or memory ran out.  Domain trouble follows IEEE. */

MG_API mg_value *mg_add(mg_value *a, mg_value *b);        /* a + b */
MG_API mg_value *mg_sub(mg_value *a, mg_value *b);        /* a - b */
MG_API mg_value *mg_mul(mg_value *a, mg_value *b);        /* a * b */
MG_API mg_value *mg_div(mg_value *a, mg_value *b);        /* a / b */
MG_API mg_value *mg_neg(mg_value *a);                     /* -a */
MG_API mg_value *mg_pow(mg_value *a, double exponent);    /* a ** exponent (a constant) */
MG_API mg_value *mg_pow_v(mg_value *a, mg_value *b);      /* a ** b, the exponent a node: d/db = a^b ln a */
MG_API mg_value *mg_exp(mg_value *a);                     /* e ** a */
MG_API mg_value *mg_log(mg_value *a);                     /* natural log of a */
MG_API mg_value *mg_tanh(mg_value *a);                    /* tanh a, no overflow */
MG_API mg_value *mg_relu(mg_value *a);                    /* 0 if a < 0, else a; gradient 0 at 0 */
MG_API mg_value *mg_sigmoid(mg_value *a);                 /* 1/(1+e^-a), stable at +-1000 */

/* x where cond is not 0, else 0 (torch.where(cond != 0, x, 0)): a NaN or
 * infinity in x where cond is 0 stays out of the value.  The gradient
 * passes to x where cond is not 0 and never to cond.  mg_grad builds
 * relu's derivative and pow's special cases from it. */
MG_API mg_value *mg_where(mg_value *cond, mg_value *x);

/* One node for xs[0] + xs[1] + ... + xs[n-1], added left to right.  The
 * array is copied.  xs == NULL or n == 0 gives NULL (there is no operand
 * whose graph could record an error). */
MG_API mg_value *mg_sum(mg_value *const *xs, size_t n);

/* One node for a whole neuron's pre-activation b + w[0]*x[0] + ... +
 * w[n-1]*x[n-1], summed left to right starting at the bias: the same numbers
 * as the chain of mul and add nodes, in one node instead of 2n. */
MG_API mg_value *mg_neuron(mg_value *b, mg_value *const *w, mg_value *const *x, size_t n);

/* Shorthands with a constant: each makes a leaf for c, then the op. */
MG_API mg_value *mg_add_c(mg_value *a, double c);
MG_API mg_value *mg_mul_c(mg_value *a, double c);

/* -------------------------------------------------------------- backward */

/* Backpropagate from root: root->grad = 1, then for every node reachable from
 * root, in reverse topological order, add grad * local derivative into each
 * input.  The gradients of non-leaf nodes are recomputed from zero on every
 * call; leaves accumulate, as in PyTorch (call mg_zero_grad between steps).
 * No recursion: a chain of ten million nodes is fine.  Where a local
 * derivative is infinite or NaN, inf * 0 = NaN flows on, as IEEE says.
 * Does nothing for NULL. */
MG_API void mg_backward(mg_value *root);

/* Set grad = 0 on every node reachable from root (root included). */
MG_API void mg_zero_grad(mg_value *root);

/* Recompute the data of every non-leaf node reachable from root, in
 * topological order, from the current data of the leaves, and set those
 * nodes' grads to 0.  For a graph replayed step after step, a tape
 * (mg_tape_new) does the same without finding the order each time. */
MG_API void mg_forward(mg_value *root);

/* The nodes reachable from root in topological order, inputs first (which is
 * creation order).  Stores the count in *n.  The array belongs to the graph
 * and stays valid until the next call that walks the graph (backward,
 * forward, zero_grad, topo, check_finite, the teaching outputs, a new
 * tape) or a reset.  NULL with *n = 0 when root is
 * NULL or memory ran out. */
MG_API mg_value *const *mg_topo(const mg_value *root, size_t *n);

/* The first node, in topological order, whose data or grad is not finite
 * (NaN or infinity), or NULL when every node reachable from root is finite. */
MG_API const mg_value *mg_check_finite(const mg_value *root);

/* ------------------------------------- derivatives as nodes, forward mode
 * mg_backward leaves numbers in grad.  mg_grad records the same backward
 * pass as new nodes of the graph instead, so the derivative is an
 * expression that can be differentiated again: second and third
 * derivatives, Hessian-vector products, Newton's method.  mg_jvp is forward
 * mode: one sweep from the inputs up gives the derivative of root along one
 * direction, with no node built.  For n inputs, reverse mode needs one
 * backward sweep and forward mode n forward sweeps (examples/modes.c).
 *
 *     mg_value *x = mg_leaf(g, 0.5, "x"), *w = mg_leaf(g, -1.5, "w");
 *     mg_value *L = mg_label(mg_tanh(mg_mul(x, w)), "L");
 *     mg_value *dx  = mg_grad(L, x);     // a node "dL/dx": w (1 - L^2)
 *     mg_value *dxx = mg_grad(dx, x);    // "d(dL/dx)/dx": -2 w^2 L (1 - L^2)
 *     if (!dxx) { fprintf(stderr, "%s\n", mg_graph_error(g)); ... }
 *     // x->data = 0.7; mg_forward(dx); mg_forward(dxx): both recomputed
 *     // there, as any graph replays (Newton's method works this way).
 *     double along = mg_jvp(L, (mg_value *[]){x, w}, (double[]){1, 0}, 2);
 *     // along == dx->data (to the last bit or so): d L / d x, forward mode
 */

/* d root / d x as a node of root's graph: the backward pass from root
 * recorded as new nodes, each op's local derivative built from ops, so the
 * result can be given to mg_grad again, to mg_backward, mg_forward (the
 * graph replays right on new leaf values: relu's step and pow's special
 * cases are where nodes), the DOT writer, the trace.  Its value equals the
 * grad mg_backward gives x.  No existing node's grad or data changes; only
 * nodes on a path from x to root get a derivative node.  x may be any node
 * of the graph, leaf or not.  The new nodes are named: the result
 * "dL/dx" (root's and x's labels, or #id), the derivatives of named nodes
 * on the way "dL/dh" (a derivative an add passes on unchanged keeps the
 * first name it got), the root's own 1 "dL/dL".
 *  - x in root's graph but not reachable from it (or every path passes
 *    nothing back, as pow's k = 0): a new leaf 0, named dL/dx.  (PyTorch
 *    raises an error here unless allow_unused; the derivative is 0, and a
 *    number is what a learner expects.)
 *  - relu's derivative is a step, whose derivative is 0, as in PyTorch.
 *  - pow_v follows PyTorch's conventions for the first derivative (0 towards
 *    a where b = 0, 0 towards b where a = 0 and b >= 0) and differentiates
 *    those formulas as PyTorch does.
 * No recursion: a chain of millions of nodes is fine.  Returns NULL and
 * records the error in the graph when root or x is NULL, x is in another
 * graph (recorded in both) or memory ran out (the graph is then left as
 * it was). */
MG_API mg_value *mg_grad(mg_value *root, mg_value *x);

/* mg_grad for n nodes in one pass: out[k] = d root / d xs[k], the shared
 * part of the backward pass built once.  Returns 0, or -1 (every out[k]
 * NULL, error recorded as for mg_grad; nothing recorded when root is NULL
 * and there is no x to name a graph). */
MG_API int mg_grad_n(mg_value *root, mg_value *const *xs, size_t n, mg_value **out);

/* Forward mode: the derivative of root along the direction that moves
 * leaves[k] by tangent[k] (the others stay): sum over k of d root /
 * d leaves[k] * tangent[k], in one sweep of (value, tangent) pairs over
 * the topological order, using the data as it is (run mg_forward first if
 * leaves changed).  Builds no node and changes no grad or data.  A leaf
 * listed twice moves by the sum; a leaf root does not reach adds 0.  A
 * product with a zero factor (no dependence, or a local derivative of 0
 * like a relu's below 0) adds 0 even when the other factor is infinite.
 * Returns NaN when root is NULL, and NaN with the error recorded when a
 * leaf is NULL, in another graph or not a leaf, or memory ran out. */
MG_API double mg_jvp(const mg_value *root, mg_value *const *leaves, const double *tangent,
                     size_t n);

/* Narrate mg_jvp(root, leaves, tangent, n): a header naming the direction,
 * then one line per node, inputs first, in the graph's language:
 *     t(#5) = d#5/dx1 * t(x1) + d#5/dw1 * t(w1) = -3.000000000 * 0 + 2.000000000 * 1 = 2.000000000
 * where t(v) is v's tangent, d v / d s along the direction.  The numbers are
 * mg_jvp's, bit for bit; nothing in the graph changes.  Returns 0, or -1
 * when out or root is NULL, an argument is wrong as for mg_jvp (error
 * recorded), or writing failed. */
MG_API int mg_trace_forward(FILE *out, const mg_value *root, mg_value *const *leaves,
                            const double *tangent, size_t n);

/* ------------------------------------------------------------------ tape
 * A tape is the compiled form of a graph whose shape stays the same from
 * step to step (a training loop over fixed input leaves): the order of
 * root's nodes, recorded once, then walked forward and backward on new leaf
 * values with no allocation and no search.  Its numbers are those of
 * mg_forward and mg_backward on the same graph, bit for bit.  The default
 * build compiles the tape with the speed work of src/fast/ (neurons that
 * share their inputs evaluated side by side, stretches that pass nothing
 * back jumped over); make FAST=0 builds the plain loops of src/core/tape.c.
 *
 *     mg_value *loss = build_loss(g, params, x);   // once
 *     mg_tape *t = mg_tape_new(loss);
 *     for (step = 0; step < n_steps; step++) {
 *         mg_leaves_set(x, next_batch, n_x);       // new inputs, if any
 *         mg_tape_forward(t);                      // every value from the leaves
 *         mg_optim_zero_grad(opt);
 *         mg_tape_backward(t);                     // every grad
 *         mg_optim_step(opt);
 *     }
 *     mg_tape_free(t);
 *
 * mg_forward, mg_backward and the teaching outputs work on the same graph
 * at any time; the tape never changes what they do. */
typedef struct mg_tape mg_tape;

/* Record the graph reachable from root.  The caller owns the tape and frees
 * it with mg_tape_free (before or after the graph).  Its nodes must stay: a
 * reset that drops any of them makes the tape refuse to walk.  NULL when
 * root is NULL or memory ran out (error recorded in root's graph). */
MG_API mg_tape *mg_tape_new(mg_value *root);

/* mg_forward(root) over the recorded order: every non-leaf value from the
 * current leaf values, non-leaf grads set to 0.  Returns 0; -1 when t is
 * NULL, or when a reset dropped nodes it recorded (error recorded in the
 * graph) or the graph was freed. */
MG_API int mg_tape_forward(mg_tape *t);

/* mg_backward(root) over the recorded order: the same grads, bit for bit
 * (non-leaf grads from 0, leaves accumulate).  Right after
 * mg_tape_forward it saves a pass of its own; between the two, write the
 * data and grads of leaves only.  Returns 0, or -1 as mg_tape_forward. */
MG_API int mg_tape_backward(mg_tape *t);

/* The recorded root (NULL when t is NULL or its nodes were dropped), the
 * number of nodes recorded, and the bytes the tape holds. */
MG_API mg_value *mg_tape_root(const mg_tape *t);
MG_API size_t    mg_tape_size(const mg_tape *t);
MG_API size_t    mg_tape_bytes(const mg_tape *t);

/* Free the tape (not the graph's nodes).  NULL is a no-op. */
MG_API void mg_tape_free(mg_tape *t);

/* ---------------------------------------------------------------- groups
 * Groups name a set of nodes (a neuron, a layer) so that the DOT writer can
 * draw them as clusters.  Nodes made while a group is open belong to it;
 * groups nest.  Group ids start at 1; 0 means "no group". */

/* Open a group named `label` (copied) inside the currently open one; returns
 * its id, or 0 when memory ran out (error recorded). */
MG_API unsigned mg_group_push(mg_graph *g, const char *label);

/* Close the innermost open group (no-op when none is open). */
MG_API void mg_group_pop(mg_graph *g);

/* Put v into group `group` (0: none).  Returns v. */
MG_API mg_value *mg_group_set(mg_value *v, unsigned group);

/* The group of v (0 for none), a group's label and its enclosing group. */
MG_API unsigned    mg_value_group(const mg_value *v);
MG_API const char *mg_group_label(const mg_graph *g, unsigned group);
MG_API unsigned    mg_group_parent(const mg_graph *g, unsigned group);
MG_API unsigned    mg_group_count(const mg_graph *g);   /* groups made so far */

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
 * or from 1e9 up).  Every number is written with '.', whatever locale the
 * program set, and has the same digits in both languages.  The words
 * (headers, "path", "now") are in the graph's language (mg_graph_set_lang);
 * columns are aligned by what a terminal shows (pérdida is 7 columns, an
 * accent written as a combining mark takes none). */

/* Options of mg_dot_write; a zeroed struct (or NULL) means the defaults. */
typedef struct mg_dot_options {
    int digits;          /* decimals of data and grad, 1 to 17; others mean 4 (as
                          * micrograd's %.4f); a value fixed point would show with
                          * fewer than two significant digits (0 < |x| <
                          * 10^(1-digits)) or from 1e9 up is written 3.0000e-05,
                          * so no value shows as 0 that is not */
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
 * control characters and invalid UTF-8 as \xNN.  A label whose escaped
 * text passes 16,000 bytes (Graphviz refuses quoted strings over 16,384)
 * is drawn cut, with an ellipsis, and the node's tooltip holds the whole
 * text (quoted pieces joined by '+'); group labels likewise.
 *     mg_backward(L);
 *     mg_dot_write(stdout, L, NULL);      // then: ./prog | dot -Tsvg > g.svg */
MG_API int mg_dot_write(FILE *out, const mg_value *root, const mg_dot_options *opt);

/* Flags of mg_dump. */
#define MG_DUMP_TSV       0x1u  /* tab-separated, header line, %.17g numbers */
#define MG_DUMP_ROUNDTRIP 0x2u  /* aligned columns but %.17g numbers */

/* One line per node reachable from root, inputs first: id, label, op (with
 * the exponent for pow: "pow(2)"), input ids ("0,2", "-" for a leaf),
 * data, grad, and the local derivative d(node)/d(input) towards each input.
 * Aligned columns under a header line by default.  With MG_DUMP_TSV: a
 * header "id label op inputs data grad local_grads" (the same in every
 * language: it is for programs), tab-separated, local grads
 * comma-separated, every number %.17g so that mg_num_parse (or strtod in
 * the C locale) gives back the exact double.  Prints data and grad as they are: call mg_backward first
 * for meaningful grads.
 *     mg_backward(L); mg_dump(stdout, L, 0); */
MG_API int mg_dump(FILE *out, const mg_value *root, unsigned flags);

/* Run mg_backward(root) and narrate it: a header line, "grad(root) = 1",
 * then one line per edge, in the order the engine applies them (nodes in
 * reverse topological order, each node's inputs in order), e.g.
 *     grad(net_o1) += grad(out_o1) * dout_o1/dnet_o1 = 0.741365070 * 0.186815602 = 0.138498562
 * with "  (now X)" added when the input already had a gradient (a node used
 * twice, or a leaf keeping an earlier one).  The arithmetic is mg_backward's
 * own, so the grads it leaves are bit for bit the same; like mg_backward,
 * non-leaf grads start from 0 and leaves accumulate (mg_zero_grad first for
 * a clean narration). */
MG_API int mg_trace_backward(FILE *out, mg_value *root);

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
MG_API int mg_explain(FILE *out, const mg_value *root, const mg_value *x);

/* Tolerance of mg_gradcheck: a leaf is ok when |num - ana| <= TOL + TOL *
 * |num| (PyTorch's allclose with atol = rtol = 1e-6). */
#define MG_GRADCHECK_TOL 1e-6

/* Check backward against central finite differences: for each of the n
 * leaves, nudge it by +-h, re-evaluate root with mg_forward, and compare
 * (f(x+h)-f(x-h))/2h with the leaf's gradient from a fresh mg_backward
 * (every grad reachable from root, and the given leaves' grads, are
 * zeroed first).  h = eps when eps > 0; else h follows the leaf's size,
 * 1e-6 |x| (1e-6 at 0), so that a leaf of 1e-8 under a log is not pushed
 * across zero, kept within [1e-8 |f| / |grad|, 1e-6 max(1, |x|)] so that
 * rounding f cannot swamp the difference.  When f(x +- h) is not finite
 * while f(x) is (the step left the function's domain), the step shrinks
 * by 1000 up to three times; a leaf no step fits is reported as NOT
 * CHECKED and left out of the result, never called a mismatch.
 * Afterwards every leaf holds its data again, every other node the value
 * mg_forward gives it (the same as before, unless a leaf had been changed
 * without replaying), the leaves' grads hold d(root)/d(leaf), and the
 * other nodes' grads are 0 (its last replay clears them).  Returns the
 * worst error |num - ana| / (1 + |num|) over the leaves checked (at most
 * MG_GRADCHECK_TOL means all agree; smooth functions of moderate size
 * agree to about 1e-9, a long chain of rounding can reach 1e-5, a kink
 * (relu at 0) 1/3); NaN if any number is not finite or when root is NULL
 * or a leaf is NULL, in another graph or not a leaf (nothing is changed
 * then).  When report is not NULL, writes a header, one line per leaf
 *     w1  backward 1.000000000  numeric 1.000000000  error 3.11e-11  ok
 * (MISMATCH above MG_GRADCHECK_TOL, NOT FINITE for NaN, NOT CHECKED with
 * the step and f(x +- h) when no step fits) and the worst.
 *     double err = mg_gradcheck(L, params, n_params, 0, stdout); */
MG_API double mg_gradcheck(mg_value *root, mg_value *const *leaves, size_t n, double eps, FILE *report);

/* gradgradcheck: check second derivatives, as PyTorch's gradgradcheck does.
 * First mg_gradcheck(root, leaves, n, eps, report); then, for each leaf x,
 * d root / d x is built with mg_grad, its value compared with the grad
 * backward gave, and the node checked with mg_gradcheck: its value
 * replayed at x +- h against its own backward, so the nodes mg_grad builds
 * and their derivatives are both checked.  The nodes it builds
 * are dropped again (the graph keeps its size); leaves' data are restored,
 * grads are left as mg_gradcheck leaves them.  Returns the worst error of
 * all the checks, NaN as mg_gradcheck (or when mg_grad failed).  report
 * as for mg_gradcheck, with a line before each derivative's check. */
MG_API double mg_gradgradcheck(mg_value *root, mg_value *const *leaves, size_t n, double eps,
                               FILE *report);

/* ------------------------------------------------------------------- rng
 * A small, seeded PRNG (xoshiro256** seeded through splitmix64): the same
 * numbers on every platform and compiler.  Never rand(). */
typedef struct mg_rng { uint64_t s[4]; } mg_rng;

MG_API void     mg_rng_seed(mg_rng *r, uint64_t seed);
MG_API uint64_t mg_rng_next(mg_rng *r);                        /* 64 random bits */
MG_API double   mg_rng_uniform(mg_rng *r, double lo, double hi); /* in [lo, hi) */
MG_API double   mg_rng_normal(mg_rng *r);                      /* standard normal */
MG_API uint64_t mg_rng_below(mg_rng *r, uint64_t n);           /* in [0, n), unbiased; 0 for n = 0 */

/* -------------------------------------------------------- neuron, layer, MLP
 * An MLP lives in a graph: its parameters are leaves made by mg_mlp_new,
 * before any mark a training loop takes, so resets never drop them; every
 * forward pass builds new nodes after the mark.  Neuron j of layer l is
 * act(b + w0*x0 + w1*x1 + ...), summed from the bias left to right as
 * micrograd does, so the numbers match it bit for bit.
 *
 * Names and clusters.  Parameters are labelled L<l>.N<j>.w<i> and
 * L<l>.N<j>.b; a neuron's nodes sit in a group (DOT cluster) "L<l>.N<j>"
 * inside one per layer "L<l>".  The teaching graph labels each product
 * "<w>*<x>" (from the operands' labels), each partial sum L<l>.N<j>.net.<k>,
 * the pre-activation L<l>.N<j>.net and the output L<l>.N<j>.out (a linear
 * layer's output is its net).  mg_mlp_forward_d labels its input leaves
 * x0, x1, ... */
typedef enum mg_activation {
    MG_ACT_TANH = 0,   /* the default, as in the lecture */
    MG_ACT_RELU,
    MG_ACT_SIGMOID,
    MG_ACT_LINEAR
} mg_activation;

typedef struct mg_mlp mg_mlp;

/* Name of an activation ("tanh", ...) and the reverse (-1 when unknown). */
MG_API const char *mg_activation_name(mg_activation act);
MG_API int         mg_activation_parse(const char *name);

/* An MLP with n_in inputs and n_layers layers of sizes[i] neurons, layer i
 * using acts[i] (acts NULL: tanh everywhere).  Weights and biases uniform in
 * [-1, 1) from mg_rng seeded with `seed`, drawn in parameter order.  Returns
 * NULL (error recorded in g) on bad sizes or no memory.  Free with
 * mg_mlp_free; the parameters belong to g. */
MG_API mg_mlp *mg_mlp_new(mg_graph *g, size_t n_in, const size_t *sizes, size_t n_layers,
                          const mg_activation *acts, uint64_t seed);

/* The same, with every parameter given, in parameter order (see
 * mg_mlp_params): for worked examples such as Mazur's. */
MG_API mg_mlp *mg_mlp_new_from(mg_graph *g, size_t n_in, const size_t *sizes, size_t n_layers,
                               const mg_activation *acts, const double *params);

/* @@ initialisers (issue 17) @@
 * How mg_mlp_new_init draws a layer's first weights, each one from mg_rng
 * in parameter order (so a seed gives the same net everywhere).  fan_in is
 * the layer's number of inputs, fan_out its number of neurons; `scale` is
 * the half-width (uniform) or standard deviation (normal) of the first two
 * kinds and a gain multiplying the others; 0 means 1.
 *   MG_INIT_UNIFORM         uniform in [-scale, scale): micrograd's, the default
 *   MG_INIT_NORMAL          scale * N(0, 1) (the MNIST course notebook: 0.1)
 *   MG_INIT_XAVIER_UNIFORM  uniform in [-a, a), a = scale * sqrt(6 / (fan_in + fan_out))
 *   MG_INIT_XAVIER_NORMAL   scale * sqrt(2 / (fan_in + fan_out)) * N(0, 1)
 *   MG_INIT_HE_UNIFORM      uniform in [-a, a), a = scale * sqrt(6 / fan_in)
 *   MG_INIT_HE_NORMAL       scale * sqrt(2 / fan_in) * N(0, 1)
 * (Glorot and Bengio's variance 2 / (fan_in + fan_out), He et al.'s
 * 2 / fan_in for ReLU layers; PyTorch's xavier_*_ and kaiming_*_ with
 * gain 1 and sqrt(2).)  Biases are drawn like the weights (MG_BIAS_DRAWN,
 * as micrograd does) or all set to bias_value (MG_BIAS_CONST: 0 for zero
 * biases), which draws nothing for them.  A zeroed mg_init is micrograd's. */
typedef enum mg_init_kind {
    MG_INIT_UNIFORM = 0,
    MG_INIT_NORMAL,
    MG_INIT_XAVIER_UNIFORM,
    MG_INIT_XAVIER_NORMAL,
    MG_INIT_HE_UNIFORM,
    MG_INIT_HE_NORMAL
} mg_init_kind;

typedef enum mg_init_bias { MG_BIAS_DRAWN = 0, MG_BIAS_CONST } mg_init_bias;

typedef struct mg_init {
    mg_init_kind kind;
    double scale;        /* see above; 0 means 1 */
    mg_init_bias bias;
    double bias_value;   /* every bias, with MG_BIAS_CONST */
} mg_init;

/* An MLP like mg_mlp_new, with layer l's parameters drawn by inits[l]
 * (inits NULL: micrograd's uniform(-1, 1) everywhere, the very numbers of
 * mg_mlp_new with the same seed).  Draws go in parameter order from one
 * mg_rng seeded with `seed`.  Returns NULL (error recorded in g) on bad
 * sizes, an unknown kind, a scale that is negative or not finite, a bias
 * value that is not finite, or no memory.
 *     mg_init notebook = {MG_INIT_NORMAL, 0.1, MG_BIAS_CONST, 0.0};
 *     mg_init both[2] = {notebook, notebook};
 *     mg_mlp *m = mg_mlp_new_init(g, 784, (size_t[]){64, 1}, 2, acts, both, seed); */
MG_API mg_mlp *mg_mlp_new_init(mg_graph *g, size_t n_in, const size_t *sizes, size_t n_layers,
                               const mg_activation *acts, const mg_init *inits, uint64_t seed);

/* Name of a kind ("uniform", "normal", "xavier-uniform", "xavier-normal",
 * "he-uniform", "he-normal"; "?" when unknown), and the reverse for
 * command lines: "KIND" or "KIND:SCALE" (SCALE a positive number, e.g.
 * "normal:0.1") sets init->kind and init->scale (0 without SCALE), leaves
 * the bias fields alone and returns 0; -1 (init untouched) otherwise. */
MG_API const char *mg_init_name(mg_init_kind kind);
MG_API int         mg_init_parse(const char *text, mg_init *init);
/* @@ end initialisers @@ */

/* Free the MLP's bookkeeping (not its nodes: they belong to the graph). */
MG_API void mg_mlp_free(mg_mlp *m);

/* Build the forward pass for inputs x[0..n_in) and store the n_out outputs
 * in out[] (room for the last layer's size).  Returns the number of
 * outputs, or 0 on error (a NULL array or input, no memory: recorded in
 * the graph).  mg_mlp_forward_d makes leaves for plain numbers first.
 *     mg_value *y;  mg_mlp_forward_d(m, (double[]){2, 3, -1}, &y); */
MG_API size_t mg_mlp_forward(mg_mlp *m, mg_value *const *x, mg_value **out);
MG_API size_t mg_mlp_forward_d(mg_mlp *m, const double *x, mg_value **out);

/* Parameters in the fixed order: layer by layer, neuron by neuron, each
 * neuron's weights w0..w(n-1) and then its bias.  The array belongs to m.
 * The MLP watches its parameters: once a reset has gone below them (a mark
 * taken before mg_mlp_new, say), mg_mlp_params, mg_mlp_param, the forward
 * passes, mg_mlp_zero_grad, mg_mlp_save and the batch and safetensors
 * writers refuse (NULL, 0, -1), and the graph's error says "the MLP's
 * weights and biases were dropped by mg_graph_reset" -- even after newer
 * nodes have taken those slots.  Sizes are checked against overflow: more
 * than 2^40 parameters, or more than 4096 layers, is refused. */
MG_API mg_value **mg_mlp_params(const mg_mlp *m);
MG_API size_t     mg_mlp_n_params(const mg_mlp *m);
MG_API void       mg_mlp_zero_grad(mg_mlp *m);

/* Shape: inputs, layers, neurons in layer i, activation of layer i. */
MG_API size_t        mg_mlp_n_in(const mg_mlp *m);
MG_API size_t        mg_mlp_n_layers(const mg_mlp *m);
MG_API size_t        mg_mlp_layer_size(const mg_mlp *m, size_t layer);
MG_API mg_activation mg_mlp_layer_act(const mg_mlp *m, size_t layer);
MG_API mg_graph     *mg_mlp_graph(const mg_mlp *m);

/* Parameter of neuron `neuron` of layer `layer`: weight i for i < fan-in,
 * the bias for i == fan-in.  NULL when out of range. */
MG_API mg_value *mg_mlp_param(const mg_mlp *m, size_t layer, size_t neuron, size_t i);

/* Fused mode (nonzero): each neuron's b + sum w*x becomes one mg_neuron node
 * instead of 2n nodes: the same numbers and gradients, bit for bit, with
 * several times fewer nodes.  Per-step nodes get no labels or groups, for
 * speed.  The teaching graph (0) is the default. */
MG_API void mg_mlp_set_fused(mg_mlp *m, int fused);

/* Naming (on by default): the teaching graph labels every node it makes
 * (w5*out_h1, net_o1.1, out_o1) and puts each in its neuron's cluster, which
 * is what dumps and pictures want.  Off: the same nodes in the same order,
 * unnamed, several times faster to build.  Fused mode never names. */
MG_API void mg_mlp_set_naming(mg_mlp *m, int on);

/* Names of the neurons of a layer for labels (e.g. {"h1", "h2"}): forward
 * then labels that neuron's nodes net_h1 and out_h1 instead of L0.N0.net
 * and L0.N0.out, and the neuron's cluster is called h1.  Names are copied;
 * NULL (or a NULL entry) restores the defaults.  Returns 0, or -1 when the
 * layer does not exist or memory ran out.  Parameters keep their labels:
 * rename them with mg_label (mg_mlp_param finds them). */
MG_API int mg_mlp_set_names(mg_mlp *m, size_t layer, const char *const *names);

/* Name layer `layer`'s DOT cluster (default "L<layer>"; NULL restores it),
 * e.g. "hidden layer".  Returns 0, or -1 when the layer does not exist or
 * memory ran out. */
MG_API int mg_mlp_set_layer_name(mg_mlp *m, size_t layer, const char *name);

/* Save the parameters as text: a header line naming the input count, the
 * layer sizes and activations, then one %.17g per line in parameter order
 * (exact round trip), e.g. for MLP(3, [4, 4, 1]):
 *     mg_mlp 1 3 4:tanh 4:tanh 1:tanh
 *     -0.83227405788023567
 *     ...
 * Frozen flags and names are not saved.  Returns 0, or -1 when writing
 * failed, or when a parameter is not finite (a training run that
 * diverged): then nothing is written and the graph's error names the
 * parameter ("parameter 1 ('L0.N0.w1') is inf"), so that every file
 * mg_mlp_save writes loads again. */
MG_API int mg_mlp_save(const mg_mlp *m, FILE *out);

/* Load an MLP saved by mg_mlp_save into g.  Strict: exactly one number
 * per line, as many as the header's shape needs (blank lines may follow).
 * On error returns NULL and, when err is not NULL, writes a message naming
 * the line into err[0..errlen): "line 1: the file is empty", "line 1:
 * unknown activation 'softmax' ...", "line 3: '0.2x' is not a number",
 * "line 4: the file ends after 2 of 3 parameters", "line 5: more values
 * than the 3 parameters the header declares"; in Spanish when g's language
 * is ("línea 3: '0.2x' no es un número").  A number written with a decimal
 * comma is named as such, and so is one too large for a double ("'1e309'
 * is too large"), too small ("'1e-400' is too small for a double: it
 * would be read as 0"), or not finite; a number may have any number of
 * digits.  A UTF-8 byte-order mark before the header is skipped.  Memory
 * grows with the lines the file holds, not with the count its header
 * declares.  Files are read and written with '.' whatever the
 * locale, so a model saved under es_CL loads under C and back. */
MG_API mg_mlp *mg_mlp_load(mg_graph *g, FILE *in, char *err, size_t errlen);

/* @@ safetensors (issue 17) @@
 * The bridge to PyTorch.  mg_mlp_save_safetensors writes the parameters
 * in the safetensors format (8-byte little-endian header length, a JSON
 * header, then the data), F64, under the names and shapes that
 * torch.nn.Sequential(Linear, act, Linear, act, ...) gives its
 * state_dict: layer l's weights "<k>.weight" [out, in] (row j is neuron
 * j's weights) and biases "<k>.bias" [out], where k counts the modules
 * before it: an activation module follows every layer that is not
 * linear, so the indices are 0, 2, 4, ... when all are.  The header's
 * __metadata__ holds "format": "pt" and "mg_activations" ("relu,relu,
 * linear"), which tensors alone cannot tell.  In PyTorch:
 *     net = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), ...).double()
 *     net.load_state_dict(tensors, strict=True)   # tensors read from the file
 * Returns 0, or -1 when m or out is NULL, memory ran out or writing failed. */
MG_API int mg_mlp_save_safetensors(const mg_mlp *m, FILE *out);

/* Several nets in one file, net k's tensors named "<prefixes[k]>.<k>.weight"
 * and its activations "<prefixes[k]>.mg_activations": the state_dict of a
 * torch module whose attribute prefixes[k] is net k's Sequential (a net
 * with a residual connection, made of several mg_mlp).  prefixes NULL, or
 * an empty one, gives the plain names.  -1 also for a prefix holding '"',
 * '\' or a control character. */
MG_API int mg_safetensors_save(FILE *out, const mg_mlp *const *mlps, const char *const *prefixes,
                               size_t n);

/* Read a safetensors file (from PyTorch, or from the writers above) into a
 * new MLP in g, so that a net trained there can be traced and explained
 * here.  Its tensors are those named "<k>.weight" and "<k>.bias" after
 * "<prefix>." (prefix NULL or "": all of the file's tensors, and then every
 * one must be named so), the layers in the order of k, with F64 or F32 data
 * (F32 is widened exactly).  The activations are acts[0..n_acts) when acts
 * is not NULL (one per layer), else the file's mg_activations.  The reader
 * checks everything and refuses the file, returning NULL with one message in
 * err[0..errlen) (in g's language), when: the file is shorter than 8
 * bytes; the header length is over 100,000,000 or past the end of the
 * file; the header is not strict JSON ("bad JSON header at byte 17:
 * expected ':'"); a tensor has a dtype other than F32/F64, offsets past the
 * data ("truncated file: ..."), a byte count that does not fit its shape,
 * or shares bytes with another; bytes belong to no tensor; a name is not a
 * layer's; a layer lacks its weight or bias; the shapes do not chain
 * ("layer 1: '2.weight' has 32 inputs, but the layer before has 64
 * outputs"); or the activations are missing, unknown or not one per layer.
 * The stream is read to its end. */
MG_API mg_mlp *mg_mlp_load_safetensors(mg_graph *g, FILE *in, const char *prefix,
                                       const mg_activation *acts, size_t n_acts, char *err,
                                       size_t errlen);
/* @@ end safetensors @@ */

/* @@ training (issue 5) @@ */

/* Losses build graph nodes, so mg_backward(loss) reaches every parameter;
 * optimizers update the parameters from their grads; data sets are plain
 * arrays of doubles.  A training step, the teaching way (a fresh graph each
 * step, here on rows x[i] with labels y[i]):
 *
 *     mg_optim *opt = mg_sgd_new(mg_mlp_params(m), mg_mlp_n_params(m), 0.05);
 *     size_t mark = mg_graph_mark(g);
 *     for (step = 0; step < n_steps; step++) {
 *         for (i = 0; i < n; i++) mg_mlp_forward_d(m, mg_dataset_row(d, i), &pred[i]);
 *         mg_leaves(g, d->y, n, target);
 *         mg_value *loss = mg_loss_mse(pred, target, n);
 *         mg_optim_zero_grad(opt);
 *         mg_backward(loss);
 *         mg_optim_step(opt);
 *         mg_graph_reset(g, mark);
 *     }
 *
 * The fast way builds the graph once on input and target leaves; then each
 * step writes the new rows into those leaves (mg_leaves_set) and replays:
 * mg_forward(loss), mg_optim_zero_grad(opt), mg_backward(loss),
 * mg_optim_step(opt).  No loss takes a branch at build time, so a replayed
 * graph gives the same numbers as a fresh one. */

/* ---- losses
 * Each takes n predictions and n targets, both nodes of one graph, and
 * returns one node: the loss.  Targets are nodes (usually leaves made with
 * mg_leaves) so that a graph built once can be replayed on new data by
 * writing new values into the input and target leaves.  Every sum is taken
 * left to right from its first term and a mean is that sum times 1/n, as
 * micrograd writes them.  NULL when pred or target is NULL, n is 0, or an
 * operation failed (the graph's error says which). */

/* Mean squared error: (sum (pred[i] - target[i])^2) * (1/n). */
MG_API mg_value *mg_loss_mse(mg_value *const *pred, mg_value *const *target, size_t n);

/* Mazur's error: the sum of 1/2 (target[i] - pred[i])^2, no mean
 * (E_total = E_o1 + E_o2). */
MG_API mg_value *mg_loss_half_sse(mg_value *const *pred, mg_value *const *target, size_t n);

/* Binary cross-entropy on probabilities, targets in [0, 1]:
 * (sum -(y log p + (1 - y) log(1 - p))) * (1/n), with p first clamped to
 * [MG_BCE_EPS, 1 - MG_BCE_EPS] so that log never sees 0 (outside that range
 * the clamp passes no gradient, as a clamp does). */
#define MG_BCE_EPS 1e-12
MG_API mg_value *mg_loss_bce(mg_value *const *prob, mg_value *const *target, size_t n);

/* Binary cross-entropy on logits z (before the sigmoid), targets in [0, 1]:
 * (sum softplus(z) - y z) * (1/n), with softplus(z) = max(z, 0) +
 * log(1 + e^-|z|): no exp ever overflows, and the gradient is sigmoid(z) - y
 * everywhere (0.5 - y at z = 0). */
MG_API mg_value *mg_loss_bce_logits(mg_value *const *logit, mg_value *const *target, size_t n);

/* The SVM max-margin loss of micrograd's demo, targets -1 or +1:
 * (sum relu(1 + score[i] * -target[i])) * (1/n) + (sum p*p) * alpha, the
 * second sum over params in their order.  params may be NULL (or alpha 0)
 * for no regularisation.  The same operations in the same order as the
 * demo, so the same numbers to the last bit. */
MG_API mg_value *mg_loss_hinge(mg_value *const *score, mg_value *const *target, size_t n,
                               mg_value *const *params, size_t n_params, double alpha);

/* Softmax cross-entropy over k classes for n rows: logits[r*k + j] is row
 * r's logit for class j and target[r*k + j] the probability of class j
 * (one-hot for hard labels).  Returns (sum over rows of LSE_r - sum_j
 * t_rj z_rj) * (1/n), where LSE_r = m + log(sum_j e^(z_rj - m)) and m is the
 * row's largest logit (a max made of relu nodes, so replay keeps it
 * right): logits of +-1000 give finite losses and gradients. */
MG_API mg_value *mg_loss_softmax_ce(mg_value *const *logits, mg_value *const *target, size_t k,
                                    size_t n);

/* @@ batches (issue 17) @@
 * An MLP and a loss over many rows at once, for training on data sets of
 * some size (MNIST: 784 inputs a row).  mg_batch_grad gives what this loop
 * gives, without building any graph:
 *
 *     for (r = 0; r < n_rows; r++) {          // x: leaves for row r's inputs
 *         mg_mlp_forward(m, x, pred);          // pred[0..k): the outputs
 *         loss = <the loss>(pred, target_r, k);
 *         mg_backward(loss);                   // the parameters accumulate
 *         loss_sum += loss->data;
 *     }
 *
 * that is, every row's own gradient added into each parameter's grad, row
 * after row, and the sum of the rows' losses: the notebook's "gradient
 * summed over the training set" for the whole set, a mini-batch's summed
 * gradient for a slice of it.  The numbers are that loop's to the last bit
 * (tests/test_batch.c holds them to 1e-12 relative, in both builds): the
 * default build takes the same sums in the same order on blocks of rows
 * with vector instructions where the CPU has them (src/fast/dense.c); make
 * FAST=0 replays the loop's own graph.  Each call reads the parameters'
 * current values, so an optimizer steps between calls as usual:
 *
 *     mg_batch *b = mg_batch_new(m, MG_LOSS_BCE);
 *     for (epoch = 0; epoch < 30; epoch++) {
 *         mg_optim_zero_grad(opt);
 *         mg_batch_grad(b, train->x, train->y, train->n_rows, &loss_sum);
 *         mg_optim_step(opt);
 *     }
 *     mg_batch_free(b);
 *
 * The loss of one row over the net's k outputs and the row's k targets:
 *   MG_LOSS_MSE         mg_loss_mse(pred, target, k)
 *   MG_LOSS_HALF_SSE    mg_loss_half_sse(pred, target, k)
 *   MG_LOSS_BCE         mg_loss_bce(pred, target, k)   (a sigmoid output layer)
 *   MG_LOSS_BCE_LOGITS  mg_loss_bce_logits(pred, target, k)
 *   MG_LOSS_SOFTMAX_CE  mg_loss_softmax_ce(pred, target, k, 1)   (targets one-hot) */
typedef enum mg_loss_kind {
    MG_LOSS_MSE = 0,
    MG_LOSS_HALF_SSE,
    MG_LOSS_BCE,
    MG_LOSS_BCE_LOGITS,
    MG_LOSS_SOFTMAX_CE
} mg_loss_kind;

typedef struct mg_batch mg_batch;

/* Names of the losses ("mse", "half-sse", "bce", "bce-logits",
 * "softmax-ce"; "?" when unknown) and the reverse (-1 when unknown). */
MG_API const char *mg_loss_name(mg_loss_kind kind);
MG_API int         mg_loss_parse(const char *name);

/* A batch evaluator for m and the loss `loss`.  It keeps pointers to m's
 * parameters (m must outlive it) and a small graph of its own; it adds no
 * node to m's graph.  The caller frees it with mg_batch_free (NULL is a
 * no-op).  NULL when m is NULL, the loss is unknown or memory ran out
 * (error recorded in m's graph). */
MG_API mg_batch *mg_batch_new(mg_mlp *m, mg_loss_kind loss);
MG_API void      mg_batch_free(mg_batch *b);

/* For rows r = 0 .. n_rows-1, with inputs x[r*n_in .. (r+1)*n_in) and
 * targets target[r*k .. (r+1)*k) (k = the last layer's size): add d(loss
 * of row r)/d(p) into every parameter's grad, row after row (frozen ones
 * too, as mg_backward does; nothing is zeroed), and store the sum of the
 * rows' losses in *loss_sum (when not NULL).  Returns 0, or -1 when b, x
 * or target is NULL (error recorded in m's graph).  n_rows 0 adds
 * nothing and gives a sum of 0. */
MG_API int mg_batch_grad(mg_batch *b, const double *x, const double *target, size_t n_rows,
                         double *loss_sum);

/* The net's k outputs for each row into out[r*k .. (r+1)*k): the values
 * mg_mlp_forward gives.  Changes no grad.  Returns 0, or -1 as above. */
MG_API int mg_batch_predict(mg_batch *b, const double *x, size_t n_rows, double *out);
/* @@ end batches @@ */

/* ---- optimizers
 * An optimizer holds a copy of the parameter array (the nodes themselves
 * stay the graph's) and its own state; free it with mg_optim_free.  Every
 * step updates each parameter that is not frozen (mg_freeze) from its grad
 * and leaves frozen ones untouched.  The parameters must be live nodes of
 * one graph (NULL entries are skipped).  The constructors refuse settings
 * PyTorch refuses, and a few more: a learning rate that is negative or not
 * finite, a negative momentum, betas outside [0, 1), eps <= 0 (with eps 0
 * a zero gradient gives 0/0).  A refusal returns NULL and records why in
 * the parameters' graph (mg_graph_error), in its language: "mg_adam_new:
 * beta1 = 1 is outside [0, 1)".  The optimizer watches its parameters:
 * after a reset went below any of them, step and zero_grad do nothing and
 * record that they were dropped by mg_graph_reset (their slots may hold
 * newer nodes by then). */
typedef struct mg_optim mg_optim;

/* Plain SGD: p -= lr * grad.  Returns NULL when params is NULL or n is 0
 * (nothing recorded: there is no graph to tell), or when a parameter or
 * the rate is refused or memory ran out (recorded, see above). */
MG_API mg_optim *mg_sgd_new(mg_value *const *params, size_t n, double lr);

/* SGD with momentum mu (PyTorch's form): v = mu * v + grad; p -= lr * v,
 * v starting at 0.  NULL as for mg_sgd_new. */
MG_API mg_optim *mg_momentum_new(mg_value *const *params, size_t n, double lr, double mu);

/* SGD with Nesterov momentum mu, as PyTorch writes it (SGD with
 * nesterov=True, no dampening): v = mu * v + grad; p -= lr * (grad + mu * v),
 * v starting at 0 (issue 17).  NULL as for mg_sgd_new. */
MG_API mg_optim *mg_nesterov_new(mg_value *const *params, size_t n, double lr, double mu);

/* Adam (Kingma and Ba): m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
 * p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps) at step t = 1,
 * 2, ..., with m and v starting at 0.  The usual values are b1 0.9, b2
 * 0.999, eps 1e-8.  NULL as for mg_sgd_new. */
MG_API mg_optim *mg_adam_new(mg_value *const *params, size_t n, double lr, double b1, double b2,
                             double eps);

/* Linear decay of the learning rate, as in micrograd's demo: at step k the
 * rate is lr - ((lr - lr_end) * k) / n_steps (for lr 1.0, lr_end 0.1 and
 * 100 steps: 1.0 - 0.9*k/100, bit for bit), and lr_end after n_steps.
 * n_steps 0 restores the constant rate.  An lr_end that is negative or not
 * finite is refused (recorded; the rate stays as it was).  Returns o. */
MG_API mg_optim *mg_optim_linear_decay(mg_optim *o, double lr_end, size_t n_steps);

/* The learning rate the next step will use. */
MG_API double mg_optim_lr(const mg_optim *o);

/* Steps taken so far. */
MG_API size_t mg_optim_steps(const mg_optim *o);

/* Set every parameter's grad to 0 (frozen ones too). */
MG_API void mg_optim_zero_grad(mg_optim *o);

/* One update of every parameter that is not frozen, from its grad. */
MG_API void mg_optim_step(mg_optim *o);

/* Free the optimizer and its state (not the parameters).  NULL is a no-op. */
MG_API void mg_optim_free(mg_optim *o);

/* ---- data sets
 * n_rows rows of n_features doubles (row-major) and one label per row. */
typedef struct mg_dataset {
    size_t n_rows, n_features;
    double *x;   /* x[i * n_features + j]: feature j of row i */
    double *y;   /* y[i]: the label of row i */
} mg_dataset;

/* A zeroed data set of the given shape; NULL when out of memory or the
 * sizes overflow.  Free with mg_dataset_free (NULL is a no-op). */
MG_API mg_dataset *mg_dataset_new(size_t n_rows, size_t n_features);
MG_API void        mg_dataset_free(mg_dataset *d);

/* Row i's features (a pointer into d->x). */
MG_API const double *mg_dataset_row(const mg_dataset *d, size_t i);

/* sklearn's make_moons without its shuffle: n/2 points of the outer moon
 * (cos t, sin t), label 0, then n - n/2 of the inner one (1 - cos t,
 * 1 - sin t - 0.5), label 1, t evenly spaced over [0, pi] with both ends
 * included; then, when noise > 0, normal noise of that standard deviation
 * from rng added to x0 and x1 of each row in turn (rng may be NULL when
 * noise is 0).  NULL when out of memory, or when noise is negative or
 * not finite. */
MG_API mg_dataset *mg_make_moons(size_t n, double noise, mg_rng *rng);

/* The noisy XOR cloud: n points (x0, x1) drawn from a standard normal,
 * label (x0 > 0) xor (x1 > 0) as 0 or 1.  NULL when out of memory. */
MG_API mg_dataset *mg_make_xor(size_t n, mg_rng *rng);

/* Read a CSV file: a header line naming the columns, then one row of
 * numbers per line (blank lines are skipped, CRLF is accepted).  The column
 * named `label` (NULL: the last column) becomes y, the others the features,
 * in file order.  On error returns NULL and, when err is not NULL, writes
 * one message into err[0..errlen) naming the file, line and column:
 *     data.csv:7:9: field 3 ('BLUE'): '2x5' is not a number
 * or why a number cannot be used: "'1e309' is too large for a double",
 * "'1e-400' is too small for a double: it would be read as 0", "'nan' is
 * not a finite number" (numbers may have any number of digits); control
 * characters in a field are shown escaped ('0\r'), and a file that cannot
 * be read (a directory) says "read error".  A UTF-8 byte-order mark before
 * the header is skipped.  Column names are checked for repeats in linear
 * time.  mg_csv_read does the same from an open stream; `name` is used in
 * messages. */
MG_API mg_dataset *mg_csv_load(const char *path, const char *label, char *err, size_t errlen);
MG_API mg_dataset *mg_csv_read(FILE *in, const char *name, const char *label, char *err,
                               size_t errlen);

/* The same, with the messages in `lang` (MG_LANG_ES: "datos.csv:7:9: campo
 * 3 ('AZUL'): '2x5' no es un número"); the plain forms above are these with
 * MG_LANG_EN.  Numbers are read with '.' in every locale (mg_num_parse). */
MG_API mg_dataset *mg_csv_load_lang(const char *path, const char *label, mg_lang lang, char *err,
                                    size_t errlen);
MG_API mg_dataset *mg_csv_read_lang(FILE *in, const char *name, const char *label, mg_lang lang,
                                    char *err, size_t errlen);

/* Make n leaves holding data[0..n) and store them in out[0..n).  Returns
 * 0, or -1 when an argument is NULL or memory ran out (error recorded in g). */
MG_API int mg_leaves(mg_graph *g, const double *data, size_t n, mg_value **out);

/* Write data[0..n) into the leaves v[0..n): new inputs or targets for a
 * replayed graph. */
MG_API void mg_leaves_set(mg_value *const *v, const double *data, size_t n);

/* Shuffle the rows (and their labels) in place, Fisher-Yates with rng. */
MG_API void mg_dataset_shuffle(mg_dataset *d, mg_rng *rng);

/* Copy rows [first, first + n) into a new data set (NULL when out of range
 * or out of memory). */
MG_API mg_dataset *mg_dataset_slice(const mg_dataset *d, size_t first, size_t n);

/* Train/test split (shuffle first): the first floor(train_frac * n_rows)
 * rows are copied into *train, the rest into *test.  Returns 0, or -1 (with
 * both set to NULL) when an argument is NULL, train_frac is outside [0, 1]
 * or memory ran out.  The caller frees both. */
MG_API int mg_dataset_split(const mg_dataset *d, double train_frac, mg_dataset **train,
                            mg_dataset **test);

/* Mini-batch b of size `size`: points *x and *y at its first row and
 * returns its number of rows (the last batch may be short; 0 past the end;
 * a size of SIZE_MAX makes one batch of every row).  No copy is made: rows
 * are contiguous. */
MG_API size_t mg_dataset_batch(const mg_dataset *d, size_t b, size_t size, const double **x,
                               const double **y);

/* Share of i in [0, n) where (pred[i] > threshold) == (target[i] >
 * threshold): threshold 0 for -1/+1 labels and raw scores, 0.5 for 0/1
 * labels and probabilities.  0 when n is 0; NaN when a prediction, a
 * target or the threshold is NaN (a run that diverged has no accuracy). */
MG_API double mg_accuracy(const double *pred, const double *target, size_t n, double threshold);

/* Read an MNIST-style pair of IDX files (images: magic 0x00000803, count,
 * rows, cols, then bytes; labels: magic 0x00000801, count, then bytes),
 * keeping only the images whose label's bit is set in `keep` (bit d for
 * digit d; 0 keeps all).  Pixels are stored as read, 0 to 255.  Checks the
 * magic numbers, the sizes, that the counts agree and that neither file is
 * truncated or longer than its header says; on error returns NULL with a
 * message naming the file and the problem in err ("images: is a
 * directory, not an IDX file").  Memory grows with the bytes the files
 * hold, not with the counts their headers claim. */
MG_API mg_dataset *mg_idx_load(const char *images, const char *labels, unsigned keep, char *err,
                               size_t errlen);
/* The same, with the messages in `lang`; mg_idx_load is this with MG_LANG_EN. */
MG_API mg_dataset *mg_idx_load_lang(const char *images, const char *labels, unsigned keep,
                                    mg_lang lang, char *err, size_t errlen);

/* ---- pictures: a small SVG writer
 * A model's score sampled on a grid: score[r * nx + c] at x = x_lo + (c +
 * 0.5) * (x_hi - x_lo) / nx and y = y_lo + (r + 0.5) * (y_hi - y_lo) / ny
 * (row 0 at the bottom).  Scores above `threshold` mean class 1. */
typedef struct mg_grid {
    size_t nx, ny;
    double x_lo, x_hi, y_lo, y_hi;
    double threshold;
    double *score;
} mg_grid;

/* The grid's cell centres (see mg_grid). */
MG_API double mg_grid_x(const mg_grid *grid, size_t c);
MG_API double mg_grid_y(const mg_grid *grid, size_t r);

/* A self-contained SVG image, `title` on top, with up to two panels: on
 * the left the decision boundary (the grid's cells shaded by score, in
 * bands like a contour plot, the class boundary drawn darker, and the data
 * points on top coloured by label > grid->threshold), on the right the
 * loss curve loss[0..n_loss) against the step, with labelled axes (a log
 * scale when the loss spans more than two decades).  grid NULL leaves out
 * the boundary panel, points NULL the points, loss NULL the curve.  The
 * title is escaped: control characters, bytes that are not well-formed
 * UTF-8 (overlong forms, surrogates, code points beyond U+10FFFF) and
 * U+FFFE/U+FFFF, which XML does not allow, become '?', so the file is
 * always well-formed XML.  Returns 0, or -1 when out is NULL or writing
 * failed. */
MG_API int mg_svg_plot(FILE *out, const char *title, const mg_grid *grid, const mg_dataset *points,
                       const double *loss, size_t n_loss);
/* The same with the axis names in `lang` ("paso", "pérdida"); the title is
 * the caller's, in whatever language it is written.  mg_svg_plot is this
 * with MG_LANG_EN.  Coordinates are written with '.' in every locale. */
MG_API int mg_svg_plot_lang(FILE *out, mg_lang lang, const char *title, const mg_grid *grid,
                            const mg_dataset *points, const double *loss, size_t n_loss);

/* One progress line for long runs: "\r[#####.....]  42%  step 4200/10000
 * loss 0.0123  8.1k steps/s", overwritten in place, ending the line once
 * step reaches total.  The caller decides whether `out` is a terminal (a
 * bar in a log file is noise).  Returns 0, or -1 when writing failed. */
MG_API int mg_progress(FILE *out, size_t step, size_t total, double loss, double seconds);
/* The same in `lang` ("paso 4200/10000  pérdida 0.0123  8.1k pasos/s"); the
 * numbers are written with '.' in every locale.  mg_progress is this with
 * MG_LANG_EN. */
MG_API int mg_progress_lang(FILE *out, mg_lang lang, size_t step, size_t total, double loss,
                            double seconds);

/* @@ pages (issue 16) @@ */

/* ---- pictures and pages of a graph, with no Graphviz
 * The graph reachable from root, laid out by the library itself, left to
 * right (inputs on the left, the root on the right, few edge crossings,
 * one cluster per group): a box per value (label, data, grad) with its
 * operation in a circle where the edges from its inputs arrive.
 *
 * The gradients shown are d(root)/d(node) as a fresh backward pass from
 * root computes them (mg_zero_grad then mg_backward, bit for bit), worked
 * out in the writer's own memory: the graph's data and grads are neither
 * needed nor changed.  Every node element carries data-label (the label,
 * escaped, empty for none), data-data and data-grad (%.17g, '.' whatever
 * the locale), so programs can read a picture back.  Labels are escaped:
 * any bytes give well-formed XML (control characters, backslashes and
 * bytes that are not UTF-8 are shown as \xNN, \n, \\ as in the other
 * writers).  The words on them are in the graph's language. */

/* A training run the page steps through after the backward pass: the
 * update w+ = w - lr * dE/dw of each parameter (frozen ones skipped; the
 * gradients are the page's, from root), then the loss after each of the
 * next iterations, with the loss curve.  The caller records the losses
 * (the writer copies what it shows; a long run is drawn from at most a few
 * hundred points, and steps through its first iterations and then powers
 * of ten). */
typedef struct mg_page_training {
    const mg_value *const *params;   /* parameters updated (nodes of root's graph) */
    size_t n_params;
    double lr;                       /* the learning rate */
    const double *loss;              /* loss[k]: the loss after k updates (loss[0]: root's value) */
    size_t n_loss;
} mg_page_training;

/* Options of mg_svg_write and mg_html_write; a zeroed struct (or NULL)
 * means the defaults. */
typedef struct mg_page_options {
    const char *title;                  /* NULL: a title naming the root */
    int quiz;                           /* page: gradients hidden; the student types them */
    int no_grad;                        /* boxes without the grad line; page: forward only */
    int no_clusters;                    /* ignore groups */
    const mg_page_training *training;   /* page: NULL for no training steps */
} mg_page_options;

/* The graph as a standalone SVG image (well-formed XML, with its own
 * style) for slides and documents.  Returns 0, or -1 when out or root is
 * NULL, memory ran out or writing failed. */
MG_API int mg_svg_write(FILE *out, const mg_value *root, const mg_page_options *opt);

/* The graph as one self-contained HTML page to step through backprop on a
 * projector or at home: inline SVG, CSS and script, no network request,
 * opens from file://.  Keys (and buttons): Right/Left or space/backspace a
 * step, Home/End.  The forward pass node by node, then the backward pass
 * edge by edge in mg_backward's order, each step with its chain-rule line
 * (mg_trace_backward's); a node's grad appears when it is final.  Clicking
 * a node shows its value, grad, op, local derivatives and the sum over
 * paths (mg_explain's text).  Pan by dragging, zoom with the wheel, fold a
 * cluster by clicking its name.  With opt->quiz the gradients are hidden
 * and the student types them (checked to the digits typed, or 1e-3
 * relative).  Everything is computed here and embedded as data; the
 * script only shows it.  Needs a temporary file (tmpfile) while it works.
 * Returns 0, or -1 as mg_svg_write, or when no temporary file could be
 * made. */
MG_API int mg_html_write(FILE *out, const mg_value *root, const mg_page_options *opt);

#ifdef __cplusplus
}
#endif
#endif /* MICROGRAD_H */
