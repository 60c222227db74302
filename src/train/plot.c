/* svg.c -- a small SVG writer for training pictures: a decision boundary
 * (the model's score on a grid, shaded in bands like a contour plot, with
 * the data points on top) and a loss curve, side by side in one
 * self-contained file that any browser shows.  Plus the one-line progress
 * bar of long runs.  Every number goes through mg__printf, so coordinates
 * are written with '.' whatever locale the program set (an SVG reader
 * takes "12,5" for two numbers); the words are in the caller's language. */
#include "core/core.h"

#include <math.h>
#include <string.h>

/* Layout, in SVG user units (pixels). */
#define PANEL 400.0   /* each panel's plot area is PANEL x PANEL */
#define MARGIN 60.0   /* room for tick labels around a panel */
#define TOP 50.0      /* room for the title */
#define BANDS 5       /* shades per class */

double mg_grid_x(const mg_grid *grid, size_t c) {
    return grid->x_lo + ((double)c + 0.5) * (grid->x_hi - grid->x_lo) / (double)grid->nx;
}

double mg_grid_y(const mg_grid *grid, size_t r) {
    return grid->y_lo + ((double)r + 0.5) * (grid->y_hi - grid->y_lo) / (double)grid->ny;
}

/* Text for an XML attribute or element: the five special characters
 * escaped, control characters and bytes that are not well-formed UTF-8
 * replaced by '?', so the file always parses. */
static void put_text(FILE *out, const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        size_t k = 1;
        while (k < len && (p[k] & 0xC0) == 0x80) k++;
        if (len > 1 && k == len) {   /* a whole multi-byte sequence: copy it */
            fwrite(p, 1, len, out);
            p += len;
            continue;
        }
        switch (c) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&apos;", out); break;
        default: fputc(c >= 0x20 && c < 0x7f ? (int)c : '?', out);
        }
        p++;
    }
}

/* A shade of class 1 (warm) or class 0 (cool): band 1 is the lightest,
 * BANDS the deepest; written as #rrggbb. */
static void shade(char hex[8], int cls, int band) {
    static const int warm[3] = {215, 48, 39}, cool[3] = {49, 54, 149};
    const int *base = cls ? warm : cool;
    double a = 0.12 + 0.6 * (double)band / BANDS;   /* share of the base colour */
    int rgb[3];
    for (int i = 0; i < 3; i++) rgb[i] = (int)lround(255.0 * (1.0 - a) + base[i] * a);
    snprintf(hex, 8, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
}

/* A tick label: short, and the same on every platform. */
static void tick(FILE *out, double x, double y, const char *anchor, double v) {
    mg__printf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%.3g</text>\n", x, y, anchor, v);
}

/* The frame and five ticks per axis of a panel whose data range is
 * [x0, x1] x [y0, y1]; log_y means the y values are powers of ten, int_x
 * that x counts steps (ticks at whole numbers). */
static void axes(FILE *out, double left, double top, double x0, double x1, double y0, double y1,
                 int log_y, int int_x, const char *x_name, const char *y_name) {
    mg__printf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
                 "stroke=\"#333\"/>\n", left, top, PANEL, PANEL);
    for (int i = 0; i <= 4; i++) {
        double f = i / 4.0;
        double xv = x0 + f * (x1 - x0), yv = y0 + f * (y1 - y0);
        if (int_x) xv = round(xv);
        tick(out, left + (xv - x0) / (x1 - x0) * PANEL, top + PANEL + 16, "middle", xv);
        tick(out, left - 6, top + PANEL - f * PANEL + 4, "end", log_y ? pow(10.0, yv) : yv);
    }
    mg__printf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", left + PANEL / 2,
            top + PANEL + 36, x_name);
    mg__printf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 %.1f %.1f)\">%s</text>\n",
            left - 44, top + PANEL / 2, left - 44, top + PANEL / 2, y_name);
}

/* The class (0/1) and band of a score, given the largest |score - t|. */
static int band_of(double s, double t, double scale, int *cls) {
    double d = s - t;
    *cls = d > 0.0;
    if (!isfinite(d)) return isnan(d) ? 1 : BANDS;   /* (int) of NaN or inf is undefined */
    int b = (int)ceil(fabs(d) / scale * BANDS);
    return b < 1 ? 1 : b > BANDS ? BANDS : b;
}

static void boundary_panel(FILE *out, double left, double top, const mg_grid *g,
                           const mg_dataset *pts) {
    double cw = PANEL / (double)g->nx, ch = PANEL / (double)g->ny, scale = 0.0;
    for (size_t i = 0; i < g->nx * g->ny; i++)
        if (isfinite(g->score[i]) && fabs(g->score[i] - g->threshold) > scale)
            scale = fabs(g->score[i] - g->threshold);
    if (scale == 0.0) scale = 1.0;
    mg__printf(out, "<g shape-rendering=\"crispEdges\">\n");
    for (size_t r = 0; r < g->ny; r++) {
        double y = top + (double)(g->ny - 1 - r) * ch;   /* row 0 at the bottom */
        /* one rect per run of cells with the same shade */
        for (size_t c = 0; c < g->nx;) {
            int cls, cls2, band = band_of(g->score[r * g->nx + c], g->threshold, scale, &cls);
            size_t end = c + 1;
            while (end < g->nx && band_of(g->score[r * g->nx + end], g->threshold, scale, &cls2) == band &&
                   cls2 == cls)
                end++;
            char hex[8];
            shade(hex, cls, band);
            mg__printf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>\n",
                    left + (double)c * cw, y, (double)(end - c) * cw + 0.01, ch + 0.01, hex);
            c = end;
        }
    }
    mg__printf(out, "</g>\n");

    /* the class boundary: every cell edge with a different class on each side */
    mg__printf(out, "<path fill=\"none\" stroke=\"#111\" stroke-width=\"1.5\" d=\"");
    for (size_t r = 0; r < g->ny; r++)
        for (size_t c = 0; c < g->nx; c++) {
            int here = g->score[r * g->nx + c] > g->threshold;
            double x = left + (double)c * cw, y = top + (double)(g->ny - 1 - r) * ch;
            if (c + 1 < g->nx && (g->score[r * g->nx + c + 1] > g->threshold) != here)
                mg__printf(out, "M%.2f %.2fv%.2f", x + cw, y, ch);
            if (r + 1 < g->ny && (g->score[(r + 1) * g->nx + c] > g->threshold) != here)
                mg__printf(out, "M%.2f %.2fh%.2f", x, y, cw);
        }
    mg__printf(out, "\"/>\n");

    /* the data, coloured by label; points outside the grid are left out */
    if (pts && pts->n_features >= 2)
        for (size_t i = 0; i < pts->n_rows; i++) {
            double px = pts->x[i * pts->n_features], py = pts->x[i * pts->n_features + 1];
            if (!(px >= g->x_lo && px <= g->x_hi && py >= g->y_lo && py <= g->y_hi)) continue;
            char hex[8];
            shade(hex, pts->y[i] > g->threshold, BANDS + 2);
            mg__printf(out, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"3.5\" fill=\"%s\" stroke=\"#000\" "
                         "stroke-width=\"0.7\"/>\n",
                    left + (px - g->x_lo) / (g->x_hi - g->x_lo) * PANEL,
                    top + PANEL - (py - g->y_lo) / (g->y_hi - g->y_lo) * PANEL, hex);
        }
    axes(out, left, top, g->x_lo, g->x_hi, g->y_lo, g->y_hi, 0, 0, "x0", "x1");
}

static void loss_panel(FILE *out, mg_lang lang, double left, double top, const double *loss,
                       size_t n) {
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (isfinite(loss[i])) {
            lo = fmin(lo, loss[i]);
            hi = fmax(hi, loss[i]);
        }
    if (!(lo <= hi)) lo = 0.0, hi = 1.0;   /* nothing finite to draw */
    /* a log scale when the loss spans more than two decades */
    int log_y = lo > 0.0 && hi / lo > 100.0;
    if (log_y) lo = log10(lo), hi = log10(hi);
    if (hi == lo) lo -= 0.5, hi += 0.5;
    double last = n > 1 ? (double)(n - 1) : 1.0;
    size_t stride = n > 2000 ? (n + 1999) / 2000 : 1;   /* at most ~2000 points */
    mg__printf(out, "<polyline fill=\"none\" stroke=\"#c0392b\" stroke-width=\"1.5\" points=\"");
    for (size_t i = 0; i < n; i += stride) {
        if (!isfinite(loss[i]) || (log_y && loss[i] <= 0.0)) continue;
        double v = log_y ? log10(loss[i]) : loss[i];
        mg__printf(out, "%.2f,%.2f ", left + (double)i / last * PANEL,
                top + PANEL - (v - lo) / (hi - lo) * PANEL);
    }
    mg__printf(out, "\"/>\n");
    const char *y_name = log_y ? MG__TEXT(lang, "loss (log scale)", "pérdida (escala logarítmica)")
                               : MG__TEXT(lang, "loss", "pérdida");
    axes(out, left, top, 0.0, last, lo, hi, log_y, 1, MG__TEXT(lang, "step", "paso"), y_name);
}

int mg_svg_plot(FILE *out, const char *title, const mg_grid *grid, const mg_dataset *points,
                const double *loss, size_t n_loss) {
    return mg_svg_plot_lang(out, MG_LANG_EN, title, grid, points, loss, n_loss);
}

int mg_svg_plot_lang(FILE *out, mg_lang lang, const char *title, const mg_grid *grid,
                     const mg_dataset *points, const double *loss, size_t n_loss) {
    if (!out) return -1;
    int show_grid = grid && grid->score && grid->nx && grid->ny && grid->x_hi > grid->x_lo &&
                    grid->y_hi > grid->y_lo;
    int show_loss = loss && n_loss;
    int panels = show_grid + show_loss;
    double w = (panels ? panels : 1) * (PANEL + 2 * MARGIN), h = TOP + PANEL + MARGIN;
    mg__printf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                 "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n"
                 "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
            w, h, w, h);
    mg__printf(out, "<text x=\"%.1f\" y=\"28\" text-anchor=\"middle\" font-size=\"16\">", w / 2);
    put_text(out, title ? title : "");
    mg__printf(out, "</text>\n");
    double left = MARGIN;
    if (show_grid) {
        boundary_panel(out, left, TOP, grid, points);
        left += PANEL + 2 * MARGIN;
    }
    if (show_loss) loss_panel(out, lang, left, TOP, loss, n_loss);
    mg__printf(out, "</svg>\n");
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

int mg_progress(FILE *out, size_t step, size_t total, double loss, double seconds) {
    return mg_progress_lang(out, MG_LANG_EN, step, total, loss, seconds);
}

int mg_progress_lang(FILE *out, mg_lang lang, size_t step, size_t total, double loss,
                     double seconds) {
    if (!out) return -1;
    enum { WIDTH = 30 };
    double f = total ? (double)step / (double)total : 1.0;
    if (f > 1.0) f = 1.0;
    char bar[WIDTH + 1];
    size_t done = (size_t)(f * WIDTH);
    memset(bar, '#', done);
    memset(bar + done, '.', WIDTH - done);
    bar[WIDTH] = '\0';
    double rate = seconds > 0.0 ? (double)step / seconds : 0.0;
    const char *unit = "";
    if (rate >= 1e6) rate /= 1e6, unit = "M";
    else if (rate >= 1e3) rate /= 1e3, unit = "k";
    mg__printf(out,
               MG__TEXT(lang, "\r[%s] %3d%%  step %zu/%zu  loss %.4g  %.1f%s steps/s",
                        "\r[%s] %3d%%  paso %zu/%zu  pérdida %.4g  %.1f%s pasos/s"),
               bar, (int)(f * 100.0), step, total, loss, rate, unit);
    if (step >= total) fputc('\n', out);
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
