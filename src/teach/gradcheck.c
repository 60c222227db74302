/* gradcheck.c -- check backward against central finite differences.
 *
 * For each leaf x: f(x+h) and f(x-h) by replaying the graph (mg_forward),
 * then (f(x+h) - f(x-h)) / (2h) against the grad backward gave.  The step
 * actually taken is (x+h) - (x-h) as stored in doubles, not 2h as written,
 * which removes one rounding error from the quotient.  With h = 1e-6 the
 * difference is good to about 1e-9 relative for smooth functions of
 * moderate size, far below the 1e-6 a wrong derivative shows. */
#include "teach/teach.h"

#include <math.h>

/* |num - ana| / max(1, |num|, |ana|): relative for large gradients,
 * absolute for small ones, where relative error means nothing. */
static double rel_error(double num, double ana) {
    double scale = fmax(1.0, fmax(fabs(num), fabs(ana)));
    double e = fabs(num - ana) / scale;
    return isfinite(num) && isfinite(ana) ? e : NAN;
}

/* Why leaf i cannot be checked, as a whole message, or NULL when it can. */
static const char *bad_leaf(const mg_value *root, const mg_value *x, mg_lang lang) {
    if (!x) return MG__TEXT(lang, "gradcheck: leaf %zu is NULL\n",
                            "verificación de gradientes: la hoja %zu es NULL\n");
    if (mg_value_graph(x) != mg_value_graph(root))
        return MG__TEXT(lang, "gradcheck: leaf %zu is in another graph\n",
                        "verificación de gradientes: la hoja %zu está en otro grafo\n");
    if (x->op != MG_OP_LEAF)
        return MG__TEXT(lang,
                        "gradcheck: leaf %zu is not a leaf (mg_forward would overwrite the "
                        "nudge)\n",
                        "verificación de gradientes: la hoja %zu no es una hoja (mg_forward "
                        "borraría el empujón)\n");
    return NULL;
}

double mg__gradcheck_with(mg_value *root, mg_value *const *leaves, size_t n, double eps,
                          FILE *report, void (*backward)(mg_value *root)) {
    if (!root || (n && !leaves)) return NAN;
    mg_lang lang = mg_graph_lang(mg_value_graph(root));
    for (size_t i = 0; i < n; i++) {
        const char *why = bad_leaf(root, leaves[i], lang);
        if (why) {
            if (report) fprintf(report, why, i);
            return NAN;
        }
    }
    /* analytic gradients from scratch: fresh data, zero grads (the leaves'
     * too, even those root does not reach), one backward */
    mg_forward(root);
    mg_zero_grad(root);
    for (size_t i = 0; i < n; i++) leaves[i]->grad = 0.0;
    backward(root);

    if (report) {
        fputs(MG__TEXT(lang, "gradcheck of ", "verificación de gradientes de "), report);
        mg__put_name(report, root);
        fprintf(report,
                MG__TEXT(lang, ": %zu leaves, central differences, h = %s\n",
                         ": %zu hojas, diferencias centrales, h = %s\n"),
                n, eps > 0 ? "eps" : "1e-6 * max(1, |x|)");
    }
    size_t width = 4;   /* of the name column */
    for (size_t i = 0; i < n; i++) {
        size_t len = mg__put_name(NULL, leaves[i]);
        if (len > width) width = len > 40 ? 40 : len;
    }
    double worst = 0.0;
    size_t worst_at = n;
    for (size_t i = 0; i < n; i++) {
        mg_value *x = leaves[i];
        double x0 = x->data;
        double h = eps > 0 ? eps : 1e-6 * fmax(1.0, fabs(x0));
        double up = x0 + h, down = x0 - h;
        x->data = up;
        mg_forward(root);
        double f_up = root->data;
        x->data = down;
        mg_forward(root);
        double f_down = root->data;
        x->data = x0;
        double num = (f_up - f_down) / (up - down);
        double ana = x->grad;
        double err = rel_error(num, ana);
        if (isnan(err) || (!isnan(worst) && err > worst)) {
            worst = err;
            worst_at = i;
        }
        if (report) {
            char b1[32], b2[32];
            fputs("  ", report);
            for (size_t len = mg__put_name(report, x); len < width; len++) fputc(' ', report);
            const char *verdict = isnan(err) ? MG__TEXT(lang, "NOT FINITE", "NO FINITO")
                                  : err > MG_GRADCHECK_TOL ? MG__TEXT(lang, "MISMATCH", "NO COINCIDE")
                                                           : "ok";
            mg__printf(report,
                       MG__TEXT(lang, "  backward %16s  numeric %16s  error %.2e  %s\n",
                                "  analítico %16s  numérico %16s  error %.2e  %s\n"),
                       mg__fmt_num(b1, ana), mg__fmt_num(b2, num), err, verdict);
        }
    }
    mg_forward(root);   /* every node back to the unnudged values */
    if (report) {
        mg__printf(report, MG__TEXT(lang, "worst error %.2e", "peor error %.2e"), worst);
        if (worst_at < n) {
            fputs(MG__TEXT(lang, " at ", " en "), report);
            mg__put_name(report, leaves[worst_at]);
        }
        fputc('\n', report);
        fflush(report);
    }
    return worst;
}

double mg_gradcheck(mg_value *root, mg_value *const *leaves, size_t n, double eps, FILE *report) {
    return mg__gradcheck_with(root, leaves, n, eps, report, mg_backward);
}
