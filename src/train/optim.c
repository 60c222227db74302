/* optim.c -- SGD (with an optional linear learning-rate decay), momentum,
 * Nesterov momentum and Adam over an array of parameters.  An optimizer
 * owns a copy of the array and its per-parameter state, in one allocation;
 * frozen parameters are skipped by every step. */
#include "core/core.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef enum { SGD, MOMENTUM, NESTEROV, ADAM } kind;

struct mg_optim {
    kind kind;
    mg__watch watch;      /* tells when a reset drops a parameter */
    size_t n, t;          /* parameters; steps taken */
    double lr;            /* the starting (or constant) rate */
    double lr_end;        /* linear decay: rate after decay_steps */
    size_t decay_steps;   /* 0: constant rate */
    double mu;            /* momentum */
    double b1, b2, eps;   /* Adam */
    double b1_t, b2_t;    /* b1^t and b2^t, kept as running products */
    mg_value **p;         /* the parameters (copy of the caller's array) */
    double *m, *v;        /* momentum buffer / Adam moments, NULL when unused */
};

/* The graph of params[0..n) (NULL entries are skipped), or NULL after
 * recording why the optimizer cannot take them: two graphs, or a node a
 * reset dropped.  *needs: one past the highest parameter id. */
static mg_graph *params_graph(const char *fn, mg_value *const *params, size_t n, size_t *needs) {
    mg_graph *g = NULL;
    *needs = 0;
    for (size_t i = 0; i < n; i++) {
        if (!params[i]) continue;
        if (!g) g = mg__graph_of(params[i]);
        if (mg__graph_of(params[i]) != g) {
            mg__error(g, "%s: parameter %zu is in another graph than parameter 0",
                       "%s: el parámetro %zu está en otro grafo que el parámetro 0", fn, i);
            return NULL;
        }
        if (mg__refuse_dropped(fn, params[i], i, n)) return NULL;
        if (mg__id(params[i]) >= *needs) *needs = mg__id(params[i]) + 1;
    }
    return g;
}

/* 0 when the learning rate (and the other settings) can be used; else -1,
 * the reason recorded in g.  PyTorch's rules (lr >= 0, momentum >= 0,
 * betas in [0, 1), eps >= 0) and finite numbers, with eps > 0: with eps 0
 * a zero gradient gives 0/0 and NaN-poisons the parameter. */
static int check_setting(mg_graph *g, const char *fn, const char *name, double x, double lo,
                         double hi, int lo_open) {
    if (isfinite(x) && (lo_open ? x > lo : x >= lo) && x < hi) return 0;
    char xs[32], los[32], his[32];   /* '.' whatever the locale */
    mg_num_format(xs, sizeof xs, "%g", x);
    mg_num_format(los, sizeof los, "%g", lo);
    mg_num_format(his, sizeof his, "%g", hi);
    if (!isfinite(x))
        mg__error(g, "%s: %s = %s is not a finite number", "%s: %s = %s no es un número finito", fn,
                   name, xs);
    else if (hi < HUGE_VAL)
        mg__error(g, "%s: %s = %s is outside [%s, %s)", "%s: %s = %s está fuera de [%s, %s)", fn,
                   name, xs, los, his);
    else if (lo_open)
        mg__error(g, "%s: %s = %s must be greater than %s", "%s: %s = %s debe ser mayor que %s", fn,
                   name, xs, los);
    else
        mg__error(g, "%s: %s = %s must not be negative", "%s: %s = %s no puede ser negativo", fn,
                   name, xs);
    return -1;
}

static mg_optim *optim_new(const char *fn, kind k, mg_value *const *params, size_t n, double lr,
                           int n_buffers) {
    if (!params || n == 0) return NULL;
    size_t needs;
    mg_graph *g = params_graph(fn, params, n, &needs);
    if (!g) return NULL;
    if (check_setting(g, fn, "lr", lr, 0, HUGE_VAL, 0)) return NULL;
    size_t per = sizeof(mg_value *) + (size_t)n_buffers * sizeof(double);
    if (n > (SIZE_MAX - sizeof(mg_optim)) / per) return NULL;
    /* one block: the struct, the moment buffers, then the pointer copy
     * (doubles first keeps them aligned) */
    mg_optim *o = calloc(1, sizeof *o + n * per);
    if (!o) {
        mg__error(g, "%s: out of memory for %zu parameters", "%s: sin memoria para %zu parámetros",
                   fn, n);
        return NULL;
    }
    mg__watch_add(g, &o->watch, needs);
    double *buf = (double *)(o + 1);
    o->kind = k;
    o->n = n;
    o->lr = lr;
    o->b1_t = o->b2_t = 1.0;
    if (n_buffers > 0) o->m = buf;
    if (n_buffers > 1) o->v = buf + n;
    o->p = (mg_value **)(buf + (size_t)n_buffers * n);
    memcpy(o->p, params, n * sizeof *o->p);
    return o;
}

mg_optim *mg_sgd_new(mg_value *const *params, size_t n, double lr) {
    return optim_new("mg_sgd_new", SGD, params, n, lr, 0);
}

mg_optim *mg_momentum_new(mg_value *const *params, size_t n, double lr, double mu) {
    mg_optim *o = optim_new("mg_momentum_new", MOMENTUM, params, n, lr, 1);
    if (o && check_setting(o->watch.g, "mg_momentum_new", "momentum", mu, 0, HUGE_VAL, 0)) {
        mg_optim_free(o);
        return NULL;
    }
    if (o) o->mu = mu;
    return o;
}

mg_optim *mg_nesterov_new(mg_value *const *params, size_t n, double lr, double mu) {
    mg_optim *o = optim_new("mg_nesterov_new", NESTEROV, params, n, lr, 1);
    if (o && check_setting(o->watch.g, "mg_nesterov_new", "momentum", mu, 0, HUGE_VAL, 0)) {
        mg_optim_free(o);
        return NULL;
    }
    if (o) o->mu = mu;
    return o;
}

mg_optim *mg_adam_new(mg_value *const *params, size_t n, double lr, double b1, double b2,
                      double eps) {
    const char *fn = "mg_adam_new";
    mg_optim *o = optim_new(fn, ADAM, params, n, lr, 2);
    if (o && (check_setting(o->watch.g, fn, "beta1", b1, 0, 1, 0) ||
              check_setting(o->watch.g, fn, "beta2", b2, 0, 1, 0) ||
              check_setting(o->watch.g, fn, "eps", eps, 0, HUGE_VAL, 1))) {
        mg_optim_free(o);
        return NULL;
    }
    if (o) {
        o->b1 = b1;
        o->b2 = b2;
        o->eps = eps;
    }
    return o;
}

mg_optim *mg_optim_linear_decay(mg_optim *o, double lr_end, size_t n_steps) {
    if (o && o->watch.g &&
        check_setting(o->watch.g, "mg_optim_linear_decay", "lr_end", lr_end, 0, HUGE_VAL, 0))
        return o;   /* the rate stays as it was */
    if (o) {
        o->lr_end = lr_end;
        o->decay_steps = n_steps;
    }
    return o;
}

double mg_optim_lr(const mg_optim *o) {
    if (!o) return 0.0;
    if (o->decay_steps == 0) return o->lr;
    if (o->t >= o->decay_steps) return o->lr_end;
    /* grouped as the demo writes 1.0 - 0.9*k/100, so the rates agree to the bit */
    return o->lr - ((o->lr - o->lr_end) * (double)o->t) / (double)o->decay_steps;
}

size_t mg_optim_steps(const mg_optim *o) { return o ? o->t : 0; }

/* 0 while every parameter is alive; 1 after recording (when the graph
 * still exists) that a reset dropped some: their slots may hold newer
 * nodes, which a step must not write. */
static int params_dropped(const mg_optim *o, const char *fn) {
    if (!o->watch.dropped) return 0;
    if (o->watch.g)
        mg__error(o->watch.g,
                   "%s: the optimizer's parameters were dropped by mg_graph_reset (make the "
                   "parameters, then take the training loop's mark)",
                   "%s: los parámetros del optimizador fueron descartados por mg_graph_reset "
                   "(crea los parámetros y después toma la marca del ciclo de entrenamiento)",
                   fn);
    return 1;
}

void mg_optim_zero_grad(mg_optim *o) {
    if (!o || params_dropped(o, "mg_optim_zero_grad")) return;
    for (size_t i = 0; i < o->n; i++)
        if (o->p[i]) o->p[i]->grad = 0.0;
}

void mg_optim_step(mg_optim *o) {
    if (!o || params_dropped(o, "mg_optim_step")) return;
    double lr = mg_optim_lr(o);
    o->t++;
    if (o->kind == ADAM) {
        o->b1_t *= o->b1;
        o->b2_t *= o->b2;
    }
    for (size_t i = 0; i < o->n; i++) {
        mg_value *p = o->p[i];
        if (!p || mg_is_frozen(p)) continue;
        double g = p->grad;
        switch (o->kind) {
        case SGD:
            p->data -= lr * g;
            break;
        case MOMENTUM:
            o->m[i] = o->mu * o->m[i] + g;
            p->data -= lr * o->m[i];
            break;
        case NESTEROV:   /* the step looks ahead along the updated velocity */
            o->m[i] = o->mu * o->m[i] + g;
            p->data -= lr * (g + o->mu * o->m[i]);
            break;
        case ADAM: {
            o->m[i] = o->b1 * o->m[i] + (1.0 - o->b1) * g;
            o->v[i] = o->b2 * o->v[i] + (1.0 - o->b2) * g * g;
            double m_hat = o->m[i] / (1.0 - o->b1_t); /* undo the bias towards 0 */
            double v_hat = o->v[i] / (1.0 - o->b2_t); /* of moments started at 0 */
            p->data -= lr * m_hat / (sqrt(v_hat) + o->eps);
            break;
        }
        }
    }
}

void mg_optim_free(mg_optim *o) {
    if (!o) return;
    mg__watch_remove(&o->watch);
    free(o);
}
