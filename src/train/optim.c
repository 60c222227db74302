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

static mg_optim *optim_new(kind k, mg_value *const *params, size_t n, double lr, int n_buffers) {
    if (!params || n == 0) return NULL;
    size_t per = sizeof(mg_value *) + (size_t)n_buffers * sizeof(double);
    if (n > (SIZE_MAX - sizeof(mg_optim)) / per) return NULL;
    /* one block: the struct, the moment buffers, then the pointer copy
     * (doubles first keeps them aligned) */
    mg_optim *o = calloc(1, sizeof *o + n * per);
    if (!o) return NULL;
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
    return optim_new(SGD, params, n, lr, 0);
}

mg_optim *mg_momentum_new(mg_value *const *params, size_t n, double lr, double mu) {
    mg_optim *o = optim_new(MOMENTUM, params, n, lr, 1);
    if (o) o->mu = mu;
    return o;
}

mg_optim *mg_nesterov_new(mg_value *const *params, size_t n, double lr, double mu) {
    mg_optim *o = optim_new(NESTEROV, params, n, lr, 1);
    if (o) o->mu = mu;
    return o;
}

mg_optim *mg_adam_new(mg_value *const *params, size_t n, double lr, double b1, double b2,
                      double eps) {
    mg_optim *o = optim_new(ADAM, params, n, lr, 2);
    if (o) {
        o->b1 = b1;
        o->b2 = b2;
        o->eps = eps;
    }
    return o;
}

mg_optim *mg_optim_linear_decay(mg_optim *o, double lr_end, size_t n_steps) {
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

void mg_optim_zero_grad(mg_optim *o) {
    if (!o) return;
    for (size_t i = 0; i < o->n; i++)
        if (o->p[i]) o->p[i]->grad = 0.0;
}

void mg_optim_step(mg_optim *o) {
    if (!o) return;
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

void mg_optim_free(mg_optim *o) { free(o); }
