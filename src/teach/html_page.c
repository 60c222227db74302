/* html_page.c -- everything the page shows, computed before it is
 * written (html.c writes it): the forward lines, the trace's chain-rule
 * lines (trace.c writes them), each node's local derivatives and its
 * mg_explain text, the training updates.  The texts are written by the
 * same functions as the text outputs into a temporary file, and html.c
 * copies them into the page as JSON strings. */
#include "teach/html.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static long here(FILE *t) { return ftell(t); }
static seg since(FILE *t, long at) { return (seg){at, ftell(t) - at}; }

/* A name inside a formula: bare when it is one word, in parentheses
 * otherwise ("(x1*w1 + x2*w2) + b"). */
static void put_operand(FILE *out, const mg_value *v) {
    const char *label = mg_value_label(v);
    int simple = label && *label;
    for (const char *p = label; p && *p && simple; p++)
        simple = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                 *p == '_' || *p == '.' || *p == '#' || (unsigned char)*p >= 0x80;
    if (!label) simple = 1;   /* #id */
    if (!simple) fputc('(', out);
    mg__put_name(out, v);
    if (!simple) fputc(')', out);
}

/* One forward step: "n = a + b = 1.000000000 + 2.000000000 = 3.000000000".
 * The formula is written once with names and once with numbers. */
static void put_forward(FILE *t, const mg_value *v) {
    char b[32];
    size_t n = mg__arity(v);
    mg__put_name(t, v);
    for (int numbers = 0; numbers < 2; numbers++) {
        fputs(" = ", t);
#define ARG(i)                                                                   \
    (numbers ? (void)fputs(mg__fmt_num(b, mg__input(v, i)->data), t)            \
             : put_operand(t, mg__input(v, i)))
        switch ((mg_op)v->op) {
        case MG_OP_ADD: case MG_OP_SUB: case MG_OP_MUL: case MG_OP_DIV: case MG_OP_POW_V:
            ARG(0);
            fprintf(t, " %s ", mg_op_symbol((mg_op)v->op));
            ARG(1);
            break;
        case MG_OP_NEG: fputs("-", t); ARG(0); break;
        case MG_OP_POW:
            ARG(0);
            mg_num_format(b, sizeof b, "%g", v->u.pow.k);
            fprintf(t, "**%s", b);
            break;
        case MG_OP_SUM:
            for (size_t i = 0; i < n; i++) {
                if (i) fputs(" + ", t);
                ARG(i);
            }
            break;
        case MG_OP_NEURON:
            ARG(0);
            for (size_t i = 1; i + 1 < n; i += 2) {
                fputs(" + ", t);
                ARG(i);
                fputs("*", t);
                ARG(i + 1);
            }
            break;
        default:   /* exp, log, tanh, relu, sigmoid */
            fprintf(t, "%s(", mg_op_name((mg_op)v->op));
            ARG(0);
            fputs(")", t);
        }
#undef ARG
    }
    fprintf(t, " = %s\n", mg__fmt_num(b, v->data));
}

/* The local derivative towards each input, one line each. */
static void put_locals(FILE *t, const mg_value *v) {
    char b[32];
    for (size_t k = 0; k < mg__arity(v); k++) {
        mg__put_dname(t, v);
        fputc('/', t);
        mg__put_dname(t, mg__input(v, k));
        fprintf(t, " = %s\n", mg__fmt_num(b, mg__local_grad(v, k)));
    }
}

void mg__page_free(page *p) {
    mg__layout_free(&p->L);
    free(p->grads), free(p->steps), free(p->edge0), free(p->fwd), free(p->fin), free(p->upd);
    free(p->new_value), free(p->fwd_text), free(p->loc_text), free(p->ex_text), free(p->step_text);
    free(p->fwd_node), free(p->upd_node), free(p->loss_k);
    if (p->t) fclose(p->t);
}

/* Which iterations the training steps show: 1..10, then 100, 1000, ...,
 * and the last. */
static size_t loss_steps(const mg_page_training *tr, size_t *k) {
    size_t m = 0, last = tr->n_loss - 1;
    for (size_t i = 1; i <= last; i = i < 10 ? i + 1 : i * 10) k[m++] = i;
    if (m && k[m - 1] != last) k[m++] = last;
    return m;
}

int mg__page_make(page *p) {
    const mg_value *root = p->root;
    size_t n;
    mg_value **topo = mg__topo(root, &n);
    if (!topo) return -1;
    p->n = n;
    size_t n_edges = 0;
    for (size_t i = 0; i < n; i++) n_edges += mg__arity(topo[i]);
    p->grads = malloc(n * sizeof *p->grads);
    p->steps = malloc((n_edges + 1) * sizeof *p->steps);
    if (!p->grads || !p->steps) return -1;
    mg__fresh_backward(topo, n, p->grads, p->steps);
    if (mg__layout_make(&p->L, root, !p->o.no_clusters, p->o.no_grad ? NULL : p->grads)) return -1;
    mg_value *const *T = p->L.topo;

    const mg_page_training *tr = p->o.training;
    int backward = !p->o.no_grad && !p->o.quiz;
    int training = backward && tr && (tr->params || !tr->n_params) && (tr->loss || !tr->n_loss);
    p->edge0 = calloc(n + 1, sizeof *p->edge0);
    p->fwd = calloc(n, sizeof *p->fwd);
    p->fin = calloc(n, sizeof *p->fin);
    p->upd = calloc(n, sizeof *p->upd);
    p->new_value = calloc(n, sizeof *p->new_value);
    p->fwd_text = calloc(n, sizeof *p->fwd_text);
    p->loc_text = calloc(n, sizeof *p->loc_text);
    p->ex_text = calloc(n, sizeof *p->ex_text);
    p->fwd_node = calloc(n, sizeof *p->fwd_node);
    size_t n_par = training ? tr->n_params : 0, n_loss = training && tr->n_loss ? tr->n_loss : 0;
    p->upd_node = calloc(n_par + 1, sizeof *p->upd_node);
    p->loss_k = calloc(n_loss + 1, sizeof *p->loss_k);   /* loss_steps gives fewer */
    p->step_text = calloc(2 + n + n_edges + n_par + n_loss, sizeof *p->step_text);
    p->t = tmpfile();
    if (!p->edge0 || !p->fwd || !p->fin || !p->upd || !p->new_value || !p->fwd_text || !p->loc_text ||
        !p->ex_text || !p->fwd_node || !p->upd_node || !p->loss_k || !p->step_text || !p->t)
        return -1;
    FILE *t = p->t;
    for (size_t i = 0; i < n; i++) p->edge0[i + 1] = p->edge0[i] + mg__arity(T[i]);

    /* step 0 shows the leaves; then one step per computed node */
    size_t s = 1;
    p->first_fwd = 1;
    for (size_t i = 0; i < n; i++) {
        p->upd[i] = p->fin[i] = -1;
        if (T[i]->op == MG_OP_LEAF) continue;
        p->fwd[i] = (long)s;
        p->fwd_node[p->n_fwd++] = i;
        long at = here(t);
        put_forward(t, T[i]);
        p->step_text[s++] = since(t, at);
    }
    /* backward: the root, then every edge; a node's grad is final after
     * the last edge into it */
    p->first_bwd = s;
    if (backward) {
        long at = here(t);
        mg__put_trace_root(t, root, 0, 1.0);
        p->fin[n - 1] = (long)s;
        p->step_text[s++] = since(t, at);
        for (size_t e = 0; e < n_edges; e++) {
            const mg__edge_step *E = &p->steps[e];
            at = here(t);
            mg__put_trace_edge(t, T[E->node], T[E->input], E->g, E->local, E->product, E->before,
                               E->before + E->product);
            p->fin[E->input] = (long)s;
            p->step_text[s++] = since(t, at);
        }
        p->n_bwd = n_edges + 1;
    }
    /* training: the update of each parameter, then the loss after each
     * of the next iterations */
    p->first_upd = s;
    for (size_t k = 0; k < n_par; k++) {
        const mg_value *w = tr->params[k];
        size_t i = w ? mg__layout_index(&p->L, w) : n;
        if (i == n || mg_is_frozen(w) || p->upd[i] >= 0) continue;   /* not here, frozen, twice */
        char b1[32], b2[32], b3[32], b4[32];
        p->new_value[i] = w->data - tr->lr * p->grads[i];
        long at = here(t);
        mg__put_name(t, w);
        fputs("+ = ", t);
        mg__put_name(t, w);
        mg_num_format(b4, sizeof b4, "%g", tr->lr);
        fprintf(t, " - %s * ", b4);
        mg__put_dname(t, root);
        fputc('/', t);
        mg__put_dname(t, w);
        fprintf(t, " = %s - %s * %s = %s\n", mg__fmt_num(b1, w->data), b4, mg__fmt_num(b2, p->grads[i]),
                mg__fmt_num(b3, p->new_value[i]));
        p->upd[i] = (long)s;
        p->upd_node[p->n_upd++] = i;
        p->step_text[s++] = since(t, at);
    }
    p->first_loss = s;
    if (n_loss > 1) {
        p->n_loss_steps = loss_steps(tr, p->loss_k);
        for (size_t j = 0; j < p->n_loss_steps; j++) {
            char b[32];
            size_t k = p->loss_k[j];
            long at = here(t);
            if (p->lang == MG_LANG_ES)
                fprintf(t, k == 1 ? "tras %zu actualizaci\xC3\xB3n: " : "tras %zu actualizaciones: ", k);
            else
                fprintf(t, k == 1 ? "after %zu update: " : "after %zu updates: ", k);
            mg__put_name(t, root);
            fprintf(t, " = %s\n", mg__fmt_num(b, tr->loss[k]));
            p->step_text[s++] = since(t, at);
        }
    }
    p->n_steps = s;

    /* per node: the local derivatives and the explanation */
    for (size_t i = 0; i < n; i++) {
        long at = here(t);
        put_locals(t, T[i]);
        p->loc_text[i] = since(t, at);
        if (n <= EXPLAIN_MAX_NODES) {
            at = here(t);
            if (mg_explain(t, root, T[i])) return -1;
            p->ex_text[i] = since(t, at);
        } else {
            p->ex_text[i] = (seg){0, -1};
        }
    }
    return ferror(t) ? -1 : 0;
}
