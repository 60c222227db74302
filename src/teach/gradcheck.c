/* gradcheck.c -- check backward against central finite differences.
 *
 * For each leaf x: f(x+h) and f(x-h) by replaying the graph (mg_forward),
 * then (f(x+h) - f(x-h)) / (2h) against the grad backward gave.  The step
 * actually taken is (x+h) - (x-h) as stored in doubles, not 2h as written,
 * which removes one rounding error from the quotient.
 *
 * The step follows the leaf's size: h = 1e-6 |x|, so that a leaf of 1e-8
 * under a log is nudged by 1e-14, not by 1e-6 (which crossed zero and
 * called a right gradient wrong).  Two limits keep it honest: never more
 * than the classic 1e-6 max(1, |x|), and never so small that rounding f
 * (about 1e-16 |f|) swamps the difference: h >= 1e-8 |f| / |grad|.  A step
 * whose f(x +- h) is not finite while f(x) is shrinks (by 1000, three
 * times); a leaf for which none works could not be checked, and is said
 * to be so rather than called wrong.  The verdict is PyTorch's allclose:
 * |num - ana| <= atol + rtol |num|, with atol = rtol = MG_GRADCHECK_TOL. */
#include "teach/teach.h"

#include <math.h>

double mg__grad_error(double num, double ana) {
    return isfinite(num) && isfinite(ana) ? fabs(num - ana) / (1.0 + fabs(num)) : NAN;
}

/* f = root's value with x's data set to v (the graph replayed). */
static double f_at(mg_value *root, mg_value *x, double v) {
    x->data = v;
    mg_forward(root);
    return root->data;
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
    if (!root || (n && !leaves) || mg__refuse_dropped("mg_gradcheck", root, 0, 0) ||
        mg__refuse_dropped_n("mg_gradcheck", leaves, n))
        return NAN;
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
        const char *h = eps > 0 ? "eps" : "1e-6 * |x|";
        if (n == 1)
            fprintf(report,
                    MG__TEXT(lang, ": 1 leaf, central differences, h = %s\n",
                             ": 1 hoja, diferencias centrales, h = %s\n"),
                    h);
        else
            fprintf(report,
                    MG__TEXT(lang, ": %zu leaves, central differences, h = %s\n",
                             ": %zu hojas, diferencias centrales, h = %s\n"),
                    n, h);
    }
    size_t width = 4;   /* of the name column */
    for (size_t i = 0; i < n; i++) {
        size_t len = mg__put_name(NULL, leaves[i]);
        if (len > width) width = len > 40 ? 40 : len;
    }
    double worst = 0.0, f0 = root->data;
    size_t worst_at = n, unchecked = 0;
    for (size_t i = 0; i < n; i++) {
        mg_value *x = leaves[i];
        double x0 = x->data, ana = x->grad;
        double h = eps > 0 ? eps : x0 != 0.0 ? 1e-6 * fabs(x0) : 1e-6;
        if (!(eps > 0)) {
            double floor = ana != 0.0 ? 1e-8 * fabs(f0) / fabs(ana) : HUGE_VAL;
            h = fmin(fmax(h, floor), 1e-6 * fmax(1.0, fabs(x0)));
        }
        double up, down, f_up, f_down;
        int tries = 0;
        for (;;) {
            up = x0 + h, down = x0 - h;
            f_up = f_at(root, x, up);
            f_down = f_at(root, x, down);
            int outside = isfinite(f0) && (!isfinite(f_up) || !isfinite(f_down));
            if (!outside || tries++ == 3 || up == down) break;
            h /= 1000.0;   /* the step left the domain: try a smaller one */
        }
        x->data = x0;
        int out_of_domain = isfinite(f0) && (!isfinite(f_up) || !isfinite(f_down) || up == down);
        double num = (f_up - f_down) / (up - down);
        double err = mg__grad_error(num, ana);
        if (out_of_domain) {
            unchecked++;
        } else if (isnan(err) || (!isnan(worst) && err > worst)) {
            worst = err;
            worst_at = i;
        }
        if (!report) continue;
        char b1[32], b2[32], b3[32], b4[32];
        fputs("  ", report);
        for (size_t len = mg__put_name(report, x); len < width; len++) fputc(' ', report);
        if (out_of_domain) {
            mg_num_format(b3, sizeof b3, "%.3g", h);
            mg__printf(report,
                       MG__TEXT(lang,
                                "  backward %16s  NOT CHECKED: a step of %s leaves the domain "
                                "(f(x+h) = %s, f(x-h) = %s)\n",
                                "  analítico %16s  NO VERIFICADA: un paso de %s sale del dominio "
                                "(f(x+h) = %s, f(x-h) = %s)\n"),
                       mg__fmt_num(b1, ana), b3, mg__fmt_num(b2, f_up),
                       mg__fmt_num(b4, f_down));
            continue;
        }
        const char *verdict = isnan(err) ? MG__TEXT(lang, "NOT FINITE", "NO FINITO")
                              : err > MG_GRADCHECK_TOL ? MG__TEXT(lang, "MISMATCH", "NO COINCIDE")
                                                       : "ok";
        mg__printf(report,
                   MG__TEXT(lang, "  backward %16s  numeric %16s  error %.2e  %s\n",
                            "  analítico %16s  numérico %16s  error %.2e  %s\n"),
                   mg__fmt_num(b1, ana), mg__fmt_num(b2, num), err, verdict);
    }
    mg_forward(root);   /* every node back to the unnudged values */
    if (report) {
        mg__printf(report, MG__TEXT(lang, "worst error %.2e", "peor error %.2e"), worst);
        if (worst_at < n) {
            fputs(MG__TEXT(lang, " at ", " en "), report);
            mg__put_name(report, leaves[worst_at]);
        }
        if (unchecked == 1)
            fputs(MG__TEXT(lang, "; 1 leaf could not be checked", "; 1 hoja no se pudo verificar"),
                  report);
        else if (unchecked)
            fprintf(report,
                    MG__TEXT(lang, "; %zu leaves could not be checked",
                             "; %zu hojas no se pudieron verificar"),
                    unchecked);
        fputc('\n', report);
        fflush(report);
    }
    return worst;
}

double mg_gradcheck(mg_value *root, mg_value *const *leaves, size_t n, double eps, FILE *report) {
    return mg__gradcheck_with(root, leaves, n, eps, report, mg_backward);
}
