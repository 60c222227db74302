/* gradgradcheck.c -- check second derivatives the way PyTorch's
 * gradgradcheck does.  First mg_gradcheck: backward against finite
 * differences.  Then, for each leaf x, d root / d x built as nodes by
 * mg_grad: its value against the grad backward gave (which the first check
 * has just verified), and its own derivatives checked like any node's (its
 * value replayed at x +- h against its backward through the nodes mg_grad
 * made). */
#include "teach/teach.h"

#include <math.h>
#include <stdlib.h>

/* As in gradcheck.c: relative for large numbers, absolute for small ones. */
static double rel_error(double num, double ana) {
    double scale = fmax(1.0, fmax(fabs(num), fabs(ana)));
    return isfinite(num) && isfinite(ana) ? fabs(num - ana) / scale : NAN;
}

static double worse(double worst, double e) {
    return isnan(e) || (!isnan(worst) && e > worst) ? e : worst;
}

double mg__gradgradcheck_with(mg_value *root, mg_value *const *leaves, size_t n, double eps,
                              FILE *report, mg_value *(*grad)(mg_value *root, mg_value *x)) {
    if (!root || (n && !leaves)) return NAN;
    mg_graph *g = mg__graph_of(root);
    int es = mg_graph_lang(g) == MG_LANG_ES;
    double worst = mg_gradcheck(root, leaves, n, eps, report);
    if (isnan(worst)) return worst;   /* a bad leaf, or numbers that are not finite */
    double *first = malloc((n ? n : 1) * sizeof *first);   /* backward's, now verified */
    if (!first) return NAN;
    for (size_t i = 0; i < n; i++) first[i] = leaves[i]->grad;
    const size_t mark = mg_graph_mark(g);
    for (size_t i = 0; i < n && !isnan(worst); i++) {
        mg_value *d = grad(root, leaves[i]);
        if (!d) {
            if (report)
                fprintf(report, es ? "gradgradcheck: mg_grad falló: %s\n"
                                   : "gradgradcheck: mg_grad failed: %s\n",
                        mg_graph_error(g) ? mg_graph_error(g) : "?");
            worst = NAN;
            break;
        }
        double e = rel_error(first[i], d->data);
        worst = worse(worst, e);
        if (report) {
            char b1[32], b2[32];
            fputs(es ? "# segundas derivadas: " : "# second derivatives: ", report);
            mg__put_name(report, d);
            mg__printf(report, es ? " (construida con mg_grad) vale %s, backward dio %s, error %.2e  %s\n"
                               : " (built by mg_grad) is %s, backward gave %s, error %.2e  %s\n",
                    mg__fmt_num(b1, d->data), mg__fmt_num(b2, first[i]), e,
                    isnan(e) ? (es ? "NO FINITO" : "NOT FINITE")
                             : e > MG_GRADCHECK_TOL ? (es ? "NO COINCIDE" : "MISMATCH") : "ok");
        }
        worst = worse(worst, mg_gradcheck(d, leaves, n, eps, report));
        mg_graph_reset(g, mark);   /* drop d and the nodes that built it */
    }
    free(first);
    if (report) {
        mg__printf(report, es ? "gradgradcheck: peor error %.2e\n" : "gradgradcheck: worst error %.2e\n",
                worst);
        fflush(report);
    }
    return worst;
}

double mg_gradgradcheck(mg_value *root, mg_value *const *leaves, size_t n, double eps,
                        FILE *report) {
    return mg__gradgradcheck_with(root, leaves, n, eps, report, mg_grad);
}
