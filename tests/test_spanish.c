/* test_spanish.c -- the programs and the library's writers speak Spanish
 * when asked (--lang es, or LANG=es_MX.UTF-8 whether that locale is
 * installed or not), say the same numbers digit for digit in both
 * languages, answer --help and bad options like Unix tools, and the
 * walk-through replays the Spanish notebook exactly (tests/data/seed002.tsv).
 *
 * The programs run as built by make (MG_TEST_BUILD), from the project
 * root, the way `make test` runs. */
#define _POSIX_C_SOURCE 200809L   /* popen, pclose, setenv */
#include "run_util.h"

#include <ctype.h>
#include <micrograd.h>

/* ------------------------------------------------- Spanish, when asked */

Test(spanish, the_walk_through) {
    static const char *const es[] = {"calculado con micrograd-c", "1. La red y sus pesos",
        "tasa de aprendizaje 0.5", "2. La propagación hacia adelante",
        "3. Retropropagación: la capa de salida", "la regla de la cadena",
        "4. Retropropagación: la capa oculta", "5. Los ocho pesos actualizados",
        "6. El error tras la primera actualización", "el primer script del artículo",
        "7. La segunda iteración de un cuaderno en español",
        "13 de los 13 números que imprime el cuaderno", "Qué falló", "números publicados comparados",
        NULL};
    /* by flag, and by the environment as `LANG=es_MX.UTF-8 make run` sets it */
    free(mgt_run_says(EX "mazur --lang es --steps 100", es));
    free(mgt_run_says("LANG=es_MX.UTF-8 " EX "mazur --steps 100", es));
    free(mgt_run_says("LC_ALL=es_CL.UTF-8 LANG=en_US.UTF-8 " EX "mazur --steps 100", es));
    /* --lang en overrides a Spanish environment */
    SAYS("LANG=es_MX.UTF-8 " EX "mazur --lang en --steps 100", "2. The forward pass",
         "What went wrong");
    SAYS("LANG=es_MX.UTF-8 " EX "mazur --quiet", "mazur: 33 números publicados: 28 reproducidos, "
         "5 donde el artículo se equivoca, 0 mal; el cuaderno: 13 de 13");
    SAYS(EX "mazur --lang es --dot", "subgraph cluster_g", "label=\"capa oculta\"", "| valor ");
    SAYS(EX "mazur --lang es --trace --dump --steps 1", "# retropropagación desde E_total",
         "(ahora 0.036350306)", "etiqueta", "derivadas locales");
}

Test(spanish, the_small_examples) {
    SAYS(EX "neuron --lang es", "La neurona de la clase de micrograd", "nodo", "valor");
    SAYS(EX "neuron --lang=es --trace", "# retropropagación desde o por 10 nodos",
         "grad(w1) += grad(x1*w1) * d(x1*w1)/dw1 = 0.500000000 * 2.000000000 = 1.000000000");
    SAYS(EX "neuron --lang es --gradcheck", "verificación de gradientes de o: 5 hojas",
         "analítico", "numérico", "peor error");
    SAYS(EX "neuron --lang es --dump", "etiqueta", "entradas");
    SAYS(EX "neuron --lang es --dot", "| valor 0.7071 | grad 1.0000");
    SAYS(EX "expression --lang es", "La expresión de la clase de micrograd");
    /* the page speaks the language asked for */
    SAYS(EX "neuron --lang es --html " MG_TEST_BUILD "/tests/neurona.html && grep -o "
            "'<html lang=\"es\">' " MG_TEST_BUILD "/tests/neurona.html",
         "<html lang=\"es\">");
    SAYS(EX "neuron --html 2>&1; true", "neuron: --html needs a file name", "usage: neuron");
    SAYS(EX "expression --lang es --explain zz 2>&1; true", "ningún nodo de este grafo se llama 'zz'");
}

Test(spanish, the_training_examples) {
    SAYS(EX "mlp --lang es --steps 3", "parámetros, semilla 2", "paso   0  pérdida",
         "tras 3 pasos: pérdida", "objetivo +1  predicción");
    SAYS(EX "moons --lang es --reference " MG_TEST_DATA "/micrograd_demo --quiet",
         "semilla 42 (no se usa", "337 parámetros, 100 puntos", "pérdida final 0.010978370135492717",
         "exactitud 100.0%", "pérdida final idéntica bit a bit", "0 de 100 exactitudes distintas");
    SAYS(EX "xor --lang es --epochs 2", "red 2-10-10-10-1 con conexión residual",
         "época   1  pérdida media por lote", "exactitud de validación");
    SAYS(EX "font_shade --lang es --steps 2000 --predict 255,255,255", "1345 filas",
         "exactitud de prueba", "fondo 255,255,255 -> letra oscura");
    SAYS(EX "mnist01 --lang es " MG_TEST_BUILD "/no-such-images x 2>&1; true",
         "no se puede abrir", "Este ejemplo necesita el conjunto de entrenamiento de MNIST");
    SAYS(EX "modes --lang es", "por los dos modos de aplicar la regla de la cadena",
         "visitas a nodos: modo directo");
    SAYS(EX "activity --lang es", "semilla 42", "Descenso del gradiente: p -= 0.1 * grad",
         "El informe de la clase escribió p.data += 0.1 * p.grad",
         "Sumar el gradiente hace subir la pérdida");
}

Test(spanish, plots) {
    char cmd[512], path[256];
    snprintf(path, sizeof path, "%s/tests/moons-es.svg", MG_TEST_BUILD);
    snprintf(cmd, sizeof cmd, EX "moons --lang es --steps 5 --quiet --plot %s", path);
    SAYS(cmd, "escrito");
    FILE *f = fopen(path, "r");
    cr_assert(f);
    fseek(f, 0, SEEK_END);
    char *svg = mgt_slurp(f);
    cr_expect(strstr(svg, "dos lunas: MLP(2, [16, 16, 1]), exactitud"), "%.300s", svg);
    cr_expect(strstr(svg, ">paso</text>") && strstr(svg, ">pérdida</text>"), "%.300s", svg);
    free(svg);
    remove(path);
}

/* A tiny pair of IDX files: five 2x2 images, labels 0 1 0 1 1. */
static void write_idx(const char *images, const char *labels) {
    static const unsigned char ih[16] = {0, 0, 8, 3, 0, 0, 0, 5, 0, 0, 0, 2, 0, 0, 0, 2};
    static const unsigned char lh[8] = {0, 0, 8, 1, 0, 0, 0, 5};
    static const unsigned char lab[5] = {0, 1, 0, 1, 1};
    FILE *f = fopen(images, "wb");
    cr_assert(f);
    fwrite(ih, 1, 16, f);
    for (int i = 0; i < 5; i++)
        for (int k = 0; k < 4; k++) fputc(lab[i] ? 200 : 10 * k, f);
    fclose(f);
    f = fopen(labels, "wb");
    cr_assert(f);
    fwrite(lh, 1, 8, f);
    fwrite(lab, 1, 5, f);
    fclose(f);
}

Test(spanish, mnist01_on_a_tiny_set) {
    char cmd[512];
    write_idx(MG_TEST_BUILD "/tests/tiny-images", MG_TEST_BUILD "/tests/tiny-labels");
    snprintf(cmd, sizeof cmd, EX "mnist01 --lang es --epochs 2 %s %s", MG_TEST_BUILD "/tests/tiny-images",
             MG_TEST_BUILD "/tests/tiny-labels");
    SAYS(cmd, "5 imágenes de 0 y 1 (4 píxeles cada una)", "época  1  pérdida",
         "exactitud de prueba");
}

Test(spanish, mgrad) {
    SAYS(MG_TEST_BUILD "/mgrad --lang es --help", "uso: mgrad eval", "Evalúa una fórmula",
         "nunca 0,5", "Estado de salida");
    SAYS("LANG=es_AR.UTF-8 " MG_TEST_BUILD "/mgrad eval 'L = a*b' a=2 b=3", "nombre", "valor");
    SAYS("LANG=es_AR.UTF-8 " MG_TEST_BUILD "/mgrad eval 'L = (a' a=2 2>&1; true",
         "mgrad: 1:7: se esperaba ')' y se encontró el final de la entrada");
    SAYS(MG_TEST_BUILD "/mgrad --lang es eval --trace 'L = a*b' a=2 b=3",
         "# retropropagación desde L por 3 nodos");
    SAYS(MG_TEST_BUILD "/mgrad eval --lang=es 'L = log(a)' a=0 2>&1",
         "mgrad: problema numérico en 1:5: el nodo 'L' (log) vale -inf, el primer valor que no es finito");
}

/* ---------------------------------------------- decimal commas in mgrad */

Test(spanish, a_decimal_comma_says_to_write_a_point) {
    SAYS(MG_TEST_BUILD "/mgrad eval 'L = a*2' a=1,5 2>&1; true",
         "mgrad: argument 'a=1,5': '1,5' has a decimal comma; write 1.5 (with a point)");
    SAYS(MG_TEST_BUILD "/mgrad --lang es eval 'L = a*2' a=-1,5 2>&1; true",
         "mgrad: argumento 'a=-1,5': '-1,5' lleva coma decimal; escriba -1.5 (con punto)");
    /* in the program: the line and column of the number */
    SAYS(MG_TEST_BUILD "/mgrad eval 'x = 1\nL = 3,5*a' a=2 2>&1; true",
         "mgrad: 2:5: '3,5' has a decimal comma; write 3.5 (with a point)", "    L = 3,5*a\n        ^");
    SAYS(MG_TEST_BUILD "/mgrad --lang es eval 'a = 1,25' 2>&1; true",
         "mgrad: 1:5: '1,25' lleva coma decimal; escriba 1.25 (con punto)");
    /* exit status 2, as for any bad input */
    int rc;
    free(mgt_run(MG_TEST_BUILD "/mgrad eval 'L = 3,5*a' a=2 2>/dev/null", &rc));
    cr_expect_eq(rc, 2);
    free(mgt_run(MG_TEST_BUILD "/mgrad eval 'L = a' a=1,5 2>/dev/null", &rc));
    cr_expect_eq(rc, 2);
    /* a comma that is not a decimal one keeps its own message */
    SAYS(MG_TEST_BUILD "/mgrad eval 'L = exp(a, 2)' a=2 2>&1; true", "exp takes one argument");
}

/* ------------------------------------------- the same numbers, both ways */

/* The decimal numbers of s, in order, as one string ("0.5 -1.25 ..."):
 * what is left when the words are taken away.  Timings (a number followed
 * by " s" or " ms") differ from run to run and are left out. */
static char *numbers_of(const char *s) {
    size_t cap = strlen(s) + 1, n = 0;
    char *out = malloc(cap);
    cr_assert(out);
    for (const char *p = s; *p; p++) {
        int starts = (*p == '-' && p[1] >= '0' && p[1] <= '9') || (*p >= '0' && *p <= '9');
        /* not the tail of a name (w1, net_o1.1) or of a longer number */
        if (!starts || (p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '.')))
            continue;
        const char *q = p + (*p == '-');
        while (*q >= '0' && *q <= '9') q++;
        if (*q != '.' || !(q[1] >= '0' && q[1] <= '9')) {
            p = q - 1;
            continue;
        }
        q++;
        while ((*q >= '0' && *q <= '9') || ((*q == 'e' || *q == 'E') && (q[1] == '-' || q[1] == '+')) ||
               ((*q == '-' || *q == '+') && (q[-1] == 'e' || q[-1] == 'E')))
            q++;
        if (!strncmp(q, " s", 2) || !strncmp(q, " ms", 3)) {
            p = q - 1;
            continue;
        }
        memcpy(out + n, p, (size_t)(q - p));
        n += (size_t)(q - p);
        out[n++] = ' ';
        p = q - 1;
    }
    out[n] = 0;
    return out;
}

static void same_numbers(const char *args) {
    char cmd_en[512], cmd_es[512];
    snprintf(cmd_en, sizeof cmd_en, "%s --lang en", args);
    snprintf(cmd_es, sizeof cmd_es, "%s --lang es", args);
    int rc_en, rc_es;
    char *en = mgt_run(cmd_en, &rc_en), *es = mgt_run(cmd_es, &rc_es);
    cr_expect_eq(rc_en, rc_es, "%s", args);
    char *ne = numbers_of(en), *ns = numbers_of(es);
    cr_expect(strlen(ne) > 0, "%s: no numbers", args);
    cr_expect_str_eq(ne, ns, "%s: the numbers differ", args);
    free(en), free(es), free(ne), free(ns);
}

Test(spanish, the_same_numbers_in_both_languages) {
    same_numbers(EX "mazur");
    same_numbers(EX "mazur --trace --dump --steps 10");
    same_numbers(EX "neuron");
    same_numbers(EX "neuron --trace");
    same_numbers(EX "neuron --dump");
    same_numbers(EX "neuron --gradcheck");
    same_numbers(EX "neuron --dot");
    same_numbers(EX "expression --explain a");
    same_numbers(EX "expression --gradcheck");
    same_numbers(EX "mlp --steps 5");
    same_numbers(EX "activity");
    same_numbers(EX "modes");
    same_numbers(EX "moons --reference " MG_TEST_DATA "/micrograd_demo --steps 100");
    same_numbers(EX "xor --epochs 3");
    same_numbers(EX "font_shade --steps 3000 --predict 20,40,200");
    same_numbers(MG_TEST_BUILD "/mgrad eval --trace 'e = a*b; d = e + c; L = d*f' a=2 b=-3 c=10 f=-2");
    same_numbers(MG_TEST_BUILD "/mgrad eval --gradcheck 'L = tanh(a*b) + a' a=0.3 b=-1.5");
    same_numbers(MG_TEST_BUILD "/mgrad eval --explain a 'L = a*a*b' a=0.5 b=3");
    same_numbers(MG_TEST_BUILD "/mgrad eval 'L = a*b + 0.25' a=1.5 b=-2");
}

Test(spanish, the_numbers_test_can_fail) {
    char *a = numbers_of("E tras 1  0.298371109 (in 0.5 s, 3.2 ms/step), w1 = -1.5e-05, x2.5"),
         *b = numbers_of("E after 1  0.298371108");
    cr_expect_str_eq(a, "0.298371109 -1.5e-05 ");   /* words, names, integers and timings go */
    cr_expect(strcmp(a, b));
    free(a), free(b);
}

/* ------------------------------------------------- Unix tool manners */

Test(spanish, help_on_stdout_and_bad_options_exit_2) {
    static const char *const progs[] = {"activity", "expression", "font_shade", "mazur", "mlp",
                                        "mnist01",  "modes",      "moons",      "neuron", "xor"};
    char cmd[512];
    for (size_t i = 0; i < sizeof progs / sizeof *progs; i++) {
        int rc;
        snprintf(cmd, sizeof cmd, EX "%s --help 2>/dev/null", progs[i]);
        char *out = mgt_run(cmd, &rc);
        cr_expect_eq(rc, 0, "%s --help: exit %d", progs[i], rc);
        cr_expect(!strncmp(out, "usage: ", 7), "%s --help on stdout: %s", progs[i], out);
        free(out);
        snprintf(cmd, sizeof cmd, EX "%s -h --lang es 2>/dev/null", progs[i]);
        out = mgt_run(cmd, &rc);
        cr_expect(rc == 0 && !strncmp(out, "uso: ", 5), "%s -h --lang es: %s", progs[i], out);
        free(out);
        snprintf(cmd, sizeof cmd, EX "%s --no-such-option 2>&1 >/dev/null", progs[i]);
        out = mgt_run(cmd, &rc);
        cr_expect_eq(rc, 2, "%s --no-such-option: exit %d", progs[i], rc);
        cr_expect(strstr(out, "unknown option '--no-such-option'") && strstr(out, "usage: "),
                  "%s: on stderr: %s", progs[i], out);
        free(out);
        snprintf(cmd, sizeof cmd, EX "%s --lang fr 2>&1 >/dev/null", progs[i]);
        out = mgt_run(cmd, &rc);
        cr_expect(rc == 2 && strstr(out, "--lang wants es or en, not 'fr'"), "%s --lang fr: %s",
                  progs[i], out);
        free(out);
        snprintf(cmd, sizeof cmd, EX "%s --bad --lang es 2>&1 >/dev/null", progs[i]);
        out = mgt_run(cmd, &rc);
        cr_expect(rc == 2 && strstr(out, "opción desconocida '--bad'") && strstr(out, "uso: "),
                  "%s --bad --lang es: %s", progs[i], out);
        free(out);
    }
    int rc;
    char *out = mgt_run(MG_TEST_BUILD "/mgrad --help 2>/dev/null", &rc);
    cr_expect(rc == 0 && !strncmp(out, "usage: mgrad", 12), "%s", out);
    free(out);
    out = mgt_run(MG_TEST_BUILD "/mgrad eval --bogus 1 2>&1 >/dev/null", &rc);
    cr_expect(rc == 2 && strstr(out, "unknown option '--bogus'") && strstr(out, "usage: "), "%s", out);
    free(out);
}

/* ------------------------------------- the notebook, against seed002.tsv */

/* The engine's column of row `name` in the walk-through's section 7. */
static void notebook_value(const char *out, const char *name, char value[64]) {
    const char *sec = strstr(out, "\n== 7.");
    cr_assert(sec, "no section 7");
    char key[160];
    snprintf(key, sizeof key, "\n  %.128s ", name);
    const char *at = strstr(sec, key);
    cr_assert(at, "no row %s in section 7", name);
    char nm[64], formula[64];
    cr_assert_eq(sscanf(at, " %63s %63s %63s", nm, formula, value), 3, "row %s", name);
}

static void check_notebook(const char *cmd) {
    int rc;
    char *out = mgt_run(cmd, &rc);
    cr_expect_eq(rc, 0, "%s", cmd);
    mgt_row rows[32];
    int n = mgt_read_tsv("seed002.tsv", rows, 32);
    cr_assert_eq(n, 14, "seed002.tsv has %d rows", n);   /* the column names, then 13 numbers */
    for (int i = 1; i < n; i++) {
        char mine[64];
        notebook_value(out, rows[i].f[0], mine);
        /* the notebook's printed digits, and the float64 of its procedure */
        cr_expect_str_eq(mine, rows[i].f[1], "%s: %s", cmd, rows[i].f[0]);
        cr_expect_eq(strtod(mine, NULL), strtod(rows[i].f[2], NULL), "%s", rows[i].f[0]);
    }
    /* the right error after one update, from the post's own numbers */
    char right[64];
    snprintf(right, sizeof right, "%.17g", mgt_ref("mazur.tsv", "E_total_after_1", NULL, 2));
    cr_expect(strstr(out, right), "%s: no %s", cmd, right);
    cr_expect(strstr(out, "w7 = w8_new"), "%s", cmd);
    free(out);
}

Test(spanish, the_notebook_replayed_as_typed) {
    check_notebook(EX "mazur --steps 1");
    check_notebook(EX "mazur --steps 1 --lang es");
}

/* ------------------------------------------- the activity, recomputed */

/* MLP(2, [2, 2]) with tanh, x = (-1, -2), targets (0, 1), L = sum of
 * squares, written out by hand: forward and backward with no graph. */
static double hand_step(double p[12], double sign, double lr) {
    static const double x[2] = {-1.0, -2.0}, t[2] = {0.0, 1.0};
    double h[2], o[2];
    for (int j = 0; j < 2; j++) h[j] = tanh(p[3 * j + 2] + p[3 * j] * x[0] + p[3 * j + 1] * x[1]);
    for (int j = 0; j < 2; j++) o[j] = tanh(p[6 + 3 * j + 2] + p[6 + 3 * j] * h[0] + p[6 + 3 * j + 1] * h[1]);
    double L = (o[0] - t[0]) * (o[0] - t[0]) + (o[1] - t[1]) * (o[1] - t[1]);
    if (lr == 0.0) return L;
    double g[12] = {0}, dh[2] = {0, 0};
    for (int j = 0; j < 2; j++) {
        double dnet = 2.0 * (o[j] - t[j]) * (1.0 - o[j] * o[j]);
        g[6 + 3 * j] = dnet * h[0];
        g[6 + 3 * j + 1] = dnet * h[1];
        g[6 + 3 * j + 2] = dnet;
        dh[0] += dnet * p[6 + 3 * j];
        dh[1] += dnet * p[6 + 3 * j + 1];
    }
    for (int j = 0; j < 2; j++) {
        double dnet = dh[j] * (1.0 - h[j] * h[j]);
        g[3 * j] = dnet * x[0];
        g[3 * j + 1] = dnet * x[1];
        g[3 * j + 2] = dnet;
    }
    for (int k = 0; k < 12; k++) p[k] += sign * lr * g[k];
    return L;
}

Test(spanish, the_activity_against_a_hand_computation) {
    /* the starting parameters are the engine's (seed 42): inputs, not results */
    mg_graph *g = mg_graph_new();
    static const size_t sizes[2] = {2, 2};
    mg_mlp *m = mg_mlp_new(g, 2, sizes, 2, NULL, 42);
    double down[12], up[12], L_down[3], L_up[3];
    for (int k = 0; k < 12; k++) down[k] = up[k] = mg_mlp_params(m)[k]->data;
    for (int s = 0; s < 3; s++) {
        L_down[s] = hand_step(down, -1.0, s < 2 ? 0.1 : 0.0);
        L_up[s] = hand_step(up, +1.0, s < 2 ? 0.1 : 0.0);
    }
    mg_mlp_free(m);
    mg_graph_free(g);
    cr_expect(L_down[2] < L_down[1] && L_down[1] < L_down[0]);
    cr_expect(L_up[2] > L_up[1] && L_up[1] > L_up[0]);

    int rc;
    char *out = mgt_run(EX "activity --lang en", &rc);
    cr_assert_eq(rc, 0);
    const char *table = strstr(out, "report's p += 0.1*grad\n");
    cr_assert(table, "%s", out);
    static const char *const rows[3] = {"start", "update 1", "update 2"};
    for (int s = 0; s < 3; s++) {
        char key[32];
        snprintf(key, sizeof key, "\n  %s ", rows[s]);
        const char *at = strstr(table, key);
        cr_assert(at, "no row %s", rows[s]);
        double d, u;
        cr_assert_eq(sscanf(at + strlen(key), "%lf %lf", &d, &u), 2);
        cr_expect(fabs(d - L_down[s]) <= 6e-10, "descent %s: %.9f, by hand %.12f", rows[s], d, L_down[s]);
        cr_expect(fabs(u - L_up[s]) <= 6e-10, "ascent %s: %.9f, by hand %.12f", rows[s], u, L_up[s]);
    }
    free(out);
}

/* ------------------------------------------- the library's own words */

static char *written(int (*write)(FILE *, void *), void *arg) {
    FILE *f = tmpfile();
    cr_assert(f);
    cr_expect_eq(write(f, arg), 0);
    return mgt_slurp(f);
}
static int w_trace(FILE *f, void *root) { return mg_trace_backward(f, root); }
static int w_dump(FILE *f, void *root) { return mg_dump(f, root, 0); }
static int w_tsv(FILE *f, void *root) { return mg_dump(f, root, MG_DUMP_TSV); }
static int w_dot(FILE *f, void *root) { return mg_dot_write(f, root, NULL); }

Test(spanish, the_writers_take_the_graphs_language) {
    mg_graph *g = mg_graph_new();
    mg_graph_set_lang(g, MG_LANG_ES);
    mg_value *a = mg_leaf(g, 2.0, "a"), *b = mg_leaf(g, -3.0, "pérdida");
    mg_value *L = mg_label(mg_add(mg_mul(a, b), a), "L");

    char *s = written(w_trace, L);
    cr_expect(strstr(s, "# retropropagación desde L por 4 nodos, cada uno antes que sus entradas"), "%s", s);
    cr_expect(strstr(s, "(ahora -2.000000000)"), "%s", s);
    free(s);
    s = written(w_dump, L);
    cr_expect(strstr(s, "id  etiqueta  op") && strstr(s, "entradas") &&
                  strstr(s, "derivadas locales d(nodo)/d(entrada)"), "%s", s);
    free(s);
    s = written(w_tsv, L);   /* for programs: the same header in every language */
    const char *tsv_head = "id\tlabel\top\tinputs\tdata\tgrad\tlocal_grads\n";
    cr_expect(!strncmp(s, tsv_head, strlen(tsv_head)), "%s", s);
    free(s);
    s = written(w_dot, L);
    cr_expect(strstr(s, "{ pérdida | valor -3.0000 | grad 2.0000 }"), "%s", s);
    free(s);

    FILE *f = tmpfile();
    mg_explain(f, L, a);
    s = mgt_slurp(f);
    cr_expect(strstr(s, "dL/da es la suma, sobre 2 caminos, del producto de las derivadas locales:"), "%s", s);
    cr_expect(strstr(s, "  camino 1:") && strstr(s, "suma de los productos de los 2 caminos = -2.000000000"),
              "%s", s);
    free(s);
    /* a letter outside ASCII keeps a name simple: dL/dpérdida, no parentheses */
    f = tmpfile();
    mg_explain(f, L, b);
    s = mgt_slurp(f);
    cr_expect(strstr(s, "dL/dpérdida"), "%s", s);
    free(s);
    f = tmpfile();
    mg_value *lonely = mg_leaf(g, 1.0, "z");
    mg_explain(f, L, lonely);
    s = mgt_slurp(f);
    cr_expect_str_eq(s, "dL/dz = 0: ningún camino lleva de z a L\n");
    free(s);

    f = tmpfile();
    mg_value *leaves[2] = {a, b};
    mg_gradcheck(L, leaves, 2, 0.0, f);
    s = mgt_slurp(f);
    cr_expect(strstr(s, "verificación de gradientes de L: 2 hojas, diferencias centrales"), "%s", s);
    /* the name column is aligned by what the eye sees: "pérdida" is 7 wide */
    cr_expect(strstr(s, "\n  a        analítico ") && strstr(s, "\n  pérdida  analítico "), "%s", s);
    free(s);
    mg_graph_free(g);
}

Test(spanish, errors_in_each_graphs_language) {
    mg_graph *es = mg_graph_new(), *en = mg_graph_new();
    mg_graph_set_lang(es, MG_LANG_ES);
    mg_value *x = mg_leaf(es, 1.0, "x"), *y = mg_leaf(en, 2.0, "y");
    cr_expect_null(mg_mul(x, y));
    cr_expect_str_eq(mg_graph_error(es), "mg_mul: operandos de grafos distintos ('x' y 'y')");
    cr_expect_str_eq(mg_graph_error(en), "mg_mul: operands from different graphs ('x' and 'y')");

    FILE *f = tmpfile();
    fputs("mg_mlp 1 2 1:tanh\n0.5\n0.2x\n0.1\n", f);
    rewind(f);
    char err[128];
    cr_expect_null(mg_mlp_load(es, f, err, sizeof err));
    cr_expect_str_eq(err, "línea 3: '0.2x' no es un número");
    rewind(f);
    cr_expect_null(mg_mlp_load(en, f, err, sizeof err));
    cr_expect_str_eq(err, "line 3: '0.2x' is not a number");
    fclose(f);
    f = tmpfile();
    fputs("mg_mlp 1 1 1:linear\n0,5\n0.25\n", f);
    rewind(f);
    cr_expect_null(mg_mlp_load(es, f, err, sizeof err));
    cr_expect_str_eq(err, "línea 2: '0,5' tiene coma decimal: escriba el número con punto");
    fclose(f);
    mg_graph_free(es);
    mg_graph_free(en);
}

Test(spanish, data_files_and_progress) {
    FILE *f = tmpfile();
    fputs("ROJO,VERDE,AZUL,y\n1,2,3,0\n4,5,2x5,1\n", f);
    rewind(f);
    char err[160];
    cr_expect_null(mg_csv_read_lang(f, "datos.csv", NULL, MG_LANG_ES, err, sizeof err));
    cr_expect_str_eq(err, "datos.csv:3:5: campo 3 ('AZUL'): '2x5' no es un número");
    rewind(f);
    cr_expect_null(mg_csv_read(f, "data.csv", NULL, err, sizeof err));   /* the plain form: English */
    cr_expect_str_eq(err, "data.csv:3:5: field 3 ('AZUL'): '2x5' is not a number");
    fclose(f);
    cr_expect_null(mg_csv_load_lang(MG_TEST_BUILD "/no-such.csv", NULL, MG_LANG_ES, err, sizeof err));
    cr_expect(strstr(err, "no se puede abrir"), "%s", err);
    cr_expect_null(mg_idx_load_lang(MG_TEST_BUILD "/no-such", "x", 0, MG_LANG_ES, err, sizeof err));
    cr_expect(strstr(err, "no se puede abrir"), "%s", err);

    f = tmpfile();
    mg_progress_lang(f, MG_LANG_ES, 4200, 10000, 0.0123, 0.5);
    char *s = mgt_slurp(f);
    cr_expect(strstr(s, "paso 4200/10000  pérdida 0.0123  8.4k pasos/s"), "%s", s);
    free(s);
}
