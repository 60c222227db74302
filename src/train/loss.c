/* loss.c -- losses as graph builders.
 *
 * Every loss here is made of the ordinary ops, so backward, dumps, traces
 * and DOT see each step of it, and replay (mg_forward) recomputes it from
 * new leaf values: nothing is decided at build time from the data.  The
 * stable forms (clamp, softplus, log-sum-exp) are written with relu, which
 * is the one op that can choose between two branches at run time. */
#include "core/core.h"

#include <stdlib.h>

/* The graph of the first non-NULL prediction, after checking the arrays;
 * NULL (with the error recorded when there is a graph to record it in)
 * when a loss cannot be built. */
static mg_graph *loss_graph(const char *fn, mg_value *const *pred, mg_value *const *target,
                            size_t n) {
    if (!pred || n == 0) return NULL;
    mg_graph *g = NULL;
    for (size_t i = 0; i < n && !g; i++)
        if (pred[i]) g = mg_value_graph(pred[i]);
    if (!g) return NULL;
    if (!target) {
        mg__error(g, "%s: the target array is NULL", "%s: el arreglo de objetivos es NULL", fn);
        return NULL;
    }
    return g;
}

/* (terms[0] + terms[1] + ... ) * (1/n): micrograd's mean, which multiplies
 * by the reciprocal instead of dividing. */
static mg_value *mean(mg_value *const *terms, size_t n) {
    return mg_mul_c(mg_sum(terms, n), 1.0 / (double)n);
}

/* A scratch array of n node pointers, or NULL with the error recorded. */
static mg_value **scratch(mg_graph *g, const char *fn, size_t n) {
    mg_value **t = n <= SIZE_MAX / sizeof *t ? malloc(n * sizeof *t) : NULL;
    if (!t) mg__error(g, "%s: out of memory for %zu terms", "%s: sin memoria para %zu términos", fn, n);
    return t;
}

/* Each loss is "a term per row, then combine": this runs the loop, with
 * `term` building row i's term from pred[i] and target[i]. */
typedef mg_value *(*term_fn)(mg_value *pred, mg_value *target);

static mg_value *per_row(const char *fn, mg_value *const *pred, mg_value *const *target,
                         size_t n, term_fn term, int take_mean) {
    mg_graph *g = loss_graph(fn, pred, target, n);
    if (!g) return NULL;
    mg_value **t = scratch(g, fn, n);
    if (!t) return NULL;
    mg_value *loss = NULL;
    size_t i = 0;
    for (; i < n; i++)
        if (!(t[i] = term(pred[i], target[i]))) break;
    if (i == n) loss = take_mean ? mean(t, n) : mg_sum(t, n);
    free(t);
    return loss;
}

/* (p - y)^2 */
static mg_value *squared_error(mg_value *p, mg_value *y) { return mg_pow(mg_sub(p, y), 2.0); }

mg_value *mg_loss_mse(mg_value *const *pred, mg_value *const *target, size_t n) {
    return per_row("mg_loss_mse", pred, target, n, squared_error, 1);
}

/* 1/2 (y - p)^2, written in Mazur's order */
static mg_value *half_squared_error(mg_value *p, mg_value *y) {
    return mg_mul_c(mg_pow(mg_sub(y, p), 2.0), 0.5);
}

mg_value *mg_loss_half_sse(mg_value *const *pred, mg_value *const *target, size_t n) {
    return per_row("mg_loss_half_sse", pred, target, n, half_squared_error, 0);
}

/* clamp(p, lo, hi) = lo + relu(p - lo) - relu(p - hi): p inside [lo, hi]
 * (to a rounding), lo below, hi above, and a gradient of 1 inside, 0
 * outside. */
static mg_value *clamp(mg_value *p, double lo, double hi) {
    return mg_sub(mg_add_c(mg_relu(mg_add_c(p, -lo)), lo), mg_relu(mg_add_c(p, -hi)));
}

/* -(y log p + (1 - y) log(1 - p)) on the clamped p */
static mg_value *bce_term(mg_value *p, mg_value *y) {
    mg_value *pc = clamp(p, MG_BCE_EPS, 1.0 - MG_BCE_EPS);
    mg_value *one_minus_y = mg_add_c(mg_neg(y), 1.0);
    mg_value *one_minus_p = mg_add_c(mg_neg(pc), 1.0);
    return mg_neg(mg_add(mg_mul(y, mg_log(pc)), mg_mul(one_minus_y, mg_log(one_minus_p))));
}

mg_value *mg_loss_bce(mg_value *const *prob, mg_value *const *target, size_t n) {
    return per_row("mg_loss_bce", prob, target, n, bce_term, 1);
}

/* softplus(z) - y z, where softplus(z) = log(1 + e^z) = relu(z) +
 * log(1 + e^-|z|).  |z| is written 2 relu(z) - z: its derivative at 0 is
 * then -1, which makes the whole term's derivative at 0 come out as the
 * true sigmoid(0) - y = 0.5 - y (writing |z| as relu(z) + relu(-z) would
 * give -y there).  For z > 0, 2z - z is exactly z. */
static mg_value *bce_logit_term(mg_value *z, mg_value *y) {
    mg_value *r = mg_relu(z);
    mg_value *abs_z = mg_sub(mg_mul_c(r, 2.0), z);
    mg_value *softplus = mg_add(r, mg_log(mg_add_c(mg_exp(mg_neg(abs_z)), 1.0)));
    return mg_sub(softplus, mg_mul(y, z));
}

mg_value *mg_loss_bce_logits(mg_value *const *logit, mg_value *const *target, size_t n) {
    return per_row("mg_loss_bce_logits", logit, target, n, bce_logit_term, 1);
}

/* relu(1 + s * -y): micrograd's (1 + -yi*scorei).relu(), whose product is
 * scorei * (-yi) and whose sum is that plus 1. */
static mg_value *hinge_term(mg_value *s, mg_value *y) {
    return mg_relu(mg_add_c(mg_mul(s, mg_neg(y)), 1.0));
}

mg_value *mg_loss_hinge(mg_value *const *score, mg_value *const *target, size_t n,
                        mg_value *const *params, size_t n_params, double alpha) {
    mg_value *data_loss = per_row("mg_loss_hinge", score, target, n, hinge_term, 1);
    if (!data_loss || !params || n_params == 0 || alpha == 0.0) return data_loss;
    mg_graph *g = mg_value_graph(data_loss);
    mg_value **sq = scratch(g, "mg_loss_hinge", n_params);
    if (!sq) return NULL;
    size_t i = 0;
    for (; i < n_params; i++)
        if (!(sq[i] = mg_mul(params[i], params[i]))) break;
    mg_value *loss = i == n_params ? mg_add(data_loss, mg_mul_c(mg_sum(sq, n_params), alpha))
                                   : NULL;
    free(sq);
    return loss;
}

/* One row of softmax cross-entropy: LSE(z) - sum_j t_j z_j, where
 * LSE(z) = m + log(sum_j e^(z_j - m)).  With m the largest z_j every
 * exponent is <= 0, so nothing overflows and at least one term is 1, so
 * the log never sees 0.  m is built as m_j = m_(j-1) + relu(z_j - m_(j-1)):
 * a max that replay recomputes.  Its gradient is 1 - sum softmax = 0 (to a
 * rounding), as the true LSE does not depend on the shift. */
static mg_value *softmax_row(mg_value *const *z, mg_value *const *t, size_t k, mg_value **tmp) {
    mg_value *m = z[0];
    for (size_t j = 1; j < k; j++) m = mg_add(m, mg_relu(mg_sub(z[j], m)));
    for (size_t j = 0; j < k; j++) tmp[j] = mg_exp(mg_sub(z[j], m));
    mg_value *lse = mg_add(m, mg_log(mg_sum(tmp, k)));
    for (size_t j = 0; j < k; j++) tmp[j] = mg_mul(t[j], z[j]);
    return mg_sub(lse, mg_sum(tmp, k));
}

mg_value *mg_loss_softmax_ce(mg_value *const *logits, mg_value *const *target, size_t k,
                             size_t n) {
    const char *fn = "mg_loss_softmax_ce";
    if (k == 0 || n > SIZE_MAX / k) return NULL;
    mg_graph *g = loss_graph(fn, logits, target, n * k);
    if (!g) return NULL;
    mg_value **rows = scratch(g, fn, n), **tmp = scratch(g, fn, k);
    mg_value *loss = NULL;
    if (rows && tmp) {
        size_t r = 0;
        for (; r < n; r++)
            if (!(rows[r] = softmax_row(logits + r * k, target + r * k, k, tmp))) break;
        if (r == n) loss = mean(rows, n);
    }
    free(rows);
    free(tmp);
    return loss;
}
