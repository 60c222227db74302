/* test_mgrad.c -- the mgrad tool: its language (precedence, associativity,
 * every error and its column), its evaluation against hand-checked and
 * reference numbers, each output mode, and the hostile inputs of issue 7.
 * The tool's code is linked from build/libmgradtool.a, so this runs exactly
 * what build/mgrad runs. */
#define _POSIX_C_SOURCE 200809L   /* mkstemp, close */
#include "test_util.h"

#include <unistd.h>

#include "../tools/mgrad/mgrad.h"
#include "../tools/mgrad/parse.h"

/* ------------------------------------------------------------- helpers */

/* A parsed and backpropagated program; the test frees it with prog_done. */
static mgrad_prog run_prog(const char *src, const char *const *defs) {
    mgrad_prog p;
    cr_assert_eq(mgrad_prog_init(&p), 0);
    for (size_t i = 0; defs && defs[i]; i++)
        cr_assert_eq(mgrad_define(&p, defs[i]), 0, "%s: %s", defs[i], p.error);
    cr_assert_eq(mgrad_parse(&p, src, strlen(src)), 0, "'%.40s': %s", src, p.error);
    mg_backward(p.root);
    return p;
}

static const mg_value *node(const mgrad_prog *p, const char *name) {
    mgrad_sym *s = mgrad_lookup(p, name, strlen(name));
    cr_assert(s != NULL, "no symbol %s", name);
    return s->node;
}

/* The value of the program's last statement. */
static double value_of(const char *src, const char *const *defs) {
    mgrad_prog p = run_prog(src, defs);
    double d = p.root->data;
    mgrad_prog_free(&p);
    return d;
}

/* Parse src (which must fail) and check the message and its line:column. */
static void expect_parse_error(const char *src, size_t len, const char *const *defs,
                               size_t line, size_t col, const char *msg) {
    mgrad_prog p;
    cr_assert_eq(mgrad_prog_init(&p), 0);
    int rc = 0;
    for (size_t i = 0; defs && defs[i] && !rc; i++) rc = mgrad_define(&p, defs[i]);
    cr_assert_eq(rc, 0, "defs: %s", p.error);
    cr_assert_eq(mgrad_parse(&p, src, len), -1, "'%.40s' parsed but should not", src);
    cr_expect(p.has_pos, "'%.40s': error without a position", src);
    size_t l, c;
    mgrad_line_col(src, len, p.at, &l, &c);
    cr_expect_eq(l, line, "'%.40s': line %zu, expected %zu (%s)", src, l, line, p.error);
    cr_expect_eq(c, col, "'%.40s': column %zu, expected %zu (%s)", src, c, col, p.error);
    cr_expect_str_eq(p.error, msg, "'%.40s'", src);
    mgrad_prog_free(&p);
}
#define PARSE_ERROR(src, line, col, msg) expect_parse_error(src, strlen(src), NULL, line, col, msg)

/* What one run of the whole tool printed. */
typedef struct cli {
    int rc;
    char *out, *err;
} cli;


/* Run mgrad with args (NULL-terminated, without argv[0]) and stdin text
 * in[0..in_len). */
static cli run_cli_n(const char *in, size_t in_len, const char *const *args) {
    char *argv[64] = {"mgrad"};
    int argc = 1;
    while (args[argc - 1]) {
        cr_assert(argc < 63);
        argv[argc] = (char *)args[argc - 1];
        argc++;
    }
    FILE *fin = tmpfile(), *fout = tmpfile(), *ferr = tmpfile();
    cr_assert(fin && fout && ferr);
    if (in_len) cr_assert_eq(fwrite(in, 1, in_len, fin), in_len);
    rewind(fin);
    cli r;
    r.rc = mgrad_main(argc, argv, fin, fout, ferr);
    fclose(fin);
    r.out = mgt_slurp(fout);
    r.err = mgt_slurp(ferr);
    return r;
}
#define RUN(...) run_cli_n(NULL, 0, (const char *const[]){__VA_ARGS__, NULL})
#define RUN_STDIN(text, ...) run_cli_n(text, strlen(text), (const char *const[]){__VA_ARGS__, NULL})

static int starts_with(const char *s, const char *prefix) {
    return !strncmp(s, prefix, strlen(prefix));
}

static void cli_free(cli *r) {
    free(r->out);
    free(r->err);
}

/* The data and grad the default table prints for `name`. */
static void table_row(const char *out, const char *name, double *data, double *grad) {
    char want[80];
    snprintf(want, sizeof want, "\n%s ", name);
    const char *at = strstr(out, want);
    cr_assert(at, "no row for %s in:\n%s", name, out);
    char got[80];
    cr_assert_eq(sscanf(at + 1, "%79s %lf %lf", got, data, grad), 3, "row %s", name);
}

/* The lecture's expression, as the issue writes it. */
#define LECTURE "e = a*b; d = e + c; L = d*f", "a=2", "b=-3", "c=10", "f=-2"

/* ------------------------------------------------------ the language */

/* A name in the exponent makes a node exponent, and the gradient reaches
 * it: L = a ** b at a = 2, b = 3 gives dL/da = b a^(b-1) = 12 and dL/db =
 * a^b ln a = 8 ln 2 (Python's math: 5.545177444479562). */
Test(mgrad_parse, exponent_with_names_is_differentiated) {
    const char *d[] = {"a=2", "b=3", NULL};
    mgrad_prog p = run_prog("L = a ** b", d);
    cr_expect_eq(p.root->data, 8.0);
    cr_expect_eq(mg_value_op(p.root), MG_OP_POW_V);
    cr_expect(mgt_close(node(&p, "a")->grad, 12.0, 1e-15));
    cr_expect(mgt_close(node(&p, "b")->grad, 5.545177444479562, 1e-14), "%.17g",
              node(&p, "b")->grad);
    mgrad_prog_free(&p);
    /* the same with ^ and an expression as the exponent: 2 ^ (b - 1) */
    p = run_prog("L = a ^ (b - 1)", d);
    cr_expect_eq(p.root->data, 4.0);
    cr_expect(mgt_close(node(&p, "b")->grad, 4.0 * 0.6931471805599453, 1e-14));
    mgrad_prog_free(&p);
}

Test(mgrad_parse, precedence) {
    const char *d[] = {"a=2", "b=3", "c=4", NULL};
    cr_expect_eq(value_of("a + b*c", d), 14.0);          /* * before + */
    cr_expect_eq(value_of("(a + b)*c", d), 20.0);
    cr_expect_eq(value_of("a*b**2", d), 18.0);           /* ** before * */
    cr_expect_eq(value_of("-a**2", d), -4.0);            /* -(a**2), not (-a)**2 */
    cr_expect_eq(value_of("(-a)**2", d), 4.0);
    cr_expect_eq(value_of("-2^2", d), -4.0);             /* ^ is ** */
    cr_expect_eq(value_of("a - -b", d), 5.0);
    cr_expect_eq(value_of("c/a*b", d), 6.0);             /* (c/a)*b */
    cr_expect_eq(value_of("exp(0)*c + relu(-a)", d), 4.0);
}

Test(mgrad_parse, associativity) {
    const char *d[] = {"a=24", "b=4", "c=2", NULL};
    cr_expect_eq(value_of("2**3**2", NULL), 512.0);      /* 2**(3**2) */
    cr_expect_eq(value_of("(2**3)**2", NULL), 64.0);
    cr_expect_eq(value_of("2^3^2", NULL), 512.0);
    cr_expect_eq(value_of("a - b - c", d), 18.0);        /* (a-b)-c */
    cr_expect_eq(value_of("a / b / c", d), 3.0);         /* (a/b)/c */
    cr_expect_eq(value_of("2**-1", NULL), 0.5);          /* the exponent may be negative */
    cr_expect_eq(value_of("c**(1 + 1)**2", d), 16.0);    /* constant exponent expression */
    cr_expect_eq(value_of("x = 2; 3 ** x", NULL), 9.0);  /* an exponent with names: a node */
    cr_expect_eq(value_of("2 ^ (c + 1)", d), 8.0);
}

Test(mgrad_parse, numbers_comments_newlines) {
    cr_expect_eq(value_of("1e-3", NULL), 1e-3);
    cr_expect_eq(value_of(".5 + 5. + 2E2", NULL), 205.5);
    cr_expect_eq(value_of("x = 2 # a comment\n\n y = x*3;  # more\n", NULL), 6.0);
    cr_expect_eq(value_of("(1 +\n 2)\n", NULL), 3.0);   /* inside () a newline is space */
    cr_expect_eq(value_of("1;;2;\r\n3", NULL), 3.0);   /* empty statements, CRLF */
    cr_expect_eq(value_of("# \xc3\xa9t\xc3\xa9 (UTF-8 in a comment)\n7", NULL), 7.0);
    cr_expect_eq(value_of("\xef\xbb\xbf" "1 + 2", NULL), 3.0);   /* a byte-order mark is skipped */
}

Test(mgrad_parse, names_label_nodes) {
    const char *d[] = {"a=2", "b=-3", NULL};
    mgrad_prog p = run_prog("e = a*b; a*e + 1", d);
    cr_expect_str_eq(mg_value_label(node(&p, "a")), "a");   /* command line: labelled leaf */
    cr_expect_eq(mg_value_op(node(&p, "a")), MG_OP_LEAF);
    cr_expect_str_eq(mg_value_label(node(&p, "e")), "e");   /* assignment labels its node */
    cr_expect_eq(mg_value_op(node(&p, "e")), MG_OP_MUL);
    cr_expect_null(mg_value_label(p.root));                  /* unnamed nodes stay unnamed */
    cr_expect_null(mg_value_label(mg_value_input(p.root, 0)));
    cr_expect_null(p.root_name);
    mgrad_prog_free(&p);

    /* e = a makes e another name for a's node; a keeps its label */
    mgrad_prog q = run_prog("e = a; L = e*b", d);
    cr_expect_eq(node(&q, "e"), node(&q, "a"));
    cr_expect_str_eq(mg_value_label(node(&q, "e")), "a");
    cr_expect_str_eq(q.root_name, "L");
    cr_expect_eq(node(&q, "a")->grad, -3.0);
    mgrad_prog_free(&q);
}

Test(mgrad_parse, lecture_expression_grads) {
    /* hand-checked: L = (a*b + c)*f, dL/da = f*b, dL/db = f*a, dL/dc = f,
     * dL/df = a*b + c; and the same numbers are in tests/data/lecture.tsv */
    const char *d[] = {"a=2", "b=-3", "c=10", "f=-2", NULL};
    mgrad_prog p = run_prog("e = a*b; d = e + c; L = d*f", d);
    const char *names[] = {"a", "b", "c", "e", "d", "f", "L"};
    double hand_data[] = {2, -3, 10, -6, 4, -2, -8}, hand_grad[] = {6, -4, -2, -2, -2, 4, 1};
    for (int i = 0; i < 7; i++) {
        cr_expect_eq(node(&p, names[i])->data, hand_data[i], "%s", names[i]);
        cr_expect_eq(node(&p, names[i])->grad, hand_grad[i], "%s", names[i]);
        expect_close(node(&p, names[i])->grad, mgt_ref("lecture.tsv", "expr", names[i], 3), 0);
    }
    mgrad_prog_free(&p);
}

Test(mgrad_parse, functions_closed_forms) {
    const char *d[] = {"x=0.5", NULL};
    mgrad_prog p =
        run_prog("t = tanh(x); s = sigmoid(x); l = log(x); e = exp(x); t + s + l + e", d);
    double e2 = exp(2 * 0.5), th = (e2 - 1) / (e2 + 1), sg = 1 / (1 + exp(-0.5));
    expect_close(node(&p, "t")->data, th, 1e-15);
    expect_close(node(&p, "s")->data, sg, 1e-15);
    expect_close(node(&p, "l")->data, -0.69314718055994531, 1e-15);   /* -ln 2 */
    expect_close(node(&p, "e")->data, 1.6487212707001282, 1e-15);     /* sqrt(e) */
    /* d/dx of the sum: 1 - tanh^2 + s(1-s) + 1/x + e^x */
    expect_close(node(&p, "x")->grad, 1 - th * th + sg * (1 - sg) + 2 + exp(0.5), 1e-14);
    mgrad_prog_free(&p);

    const char *r[] = {"a=-1", "b=2", NULL};
    mgrad_prog q = run_prog("relu(a) + relu(b)*3", r);
    cr_expect_eq(q.root->data, 6.0);
    cr_expect_eq(node(&q, "a")->grad, 0.0);
    cr_expect_eq(node(&q, "b")->grad, 3.0);
    mgrad_prog_free(&q);
}

Test(mgrad_parse, micrograd_readme_expression) {
    /* micrograd's README example, with each += written as a new name */
    const char *src = "c = a + b\n"
                      "d = a*b + b**3\n"
                      "c2 = c + c + 1\n"
                      "c3 = c2 + 1 + c2 + (-a)\n"
                      "d2 = d + d*2 + relu(b + a)\n"
                      "d3 = d2 + 3*d2 + relu(b - a)\n"
                      "e = c3 - d3\n"
                      "f = e**2\n"
                      "g = f/2.0\n"
                      "g2 = g + 10.0/f\n";
    const char *d[] = {"a=-4", "b=2", NULL};
    mgrad_prog p = run_prog(src, d);
    expect_close(p.root->data, 2421.0 / 98.0, 1e-14);
    expect_close(node(&p, "a")->grad, 47620.0 / 343.0, 1e-13);
    expect_close(node(&p, "b")->grad, 221433.0 / 343.0, 1e-13);
    mgrad_prog_free(&p);
}

Test(mgrad_parse, cs231n_staged) {
    const char *d[] = {"x=3", "y=-4", NULL};
    mgrad_prog p = run_prog("f = (x + sigmoid(y)) / (sigmoid(x) + (x + y)**2)", d);
    expect_close(p.root->data, mgt_ref("cs231n.tsv", "staged", "f", 2), 1e-14);
    expect_close(node(&p, "x")->grad, mgt_ref("cs231n.tsv", "staged", "dx", 2), 1e-13);
    expect_close(node(&p, "y")->grad, mgt_ref("cs231n.tsv", "staged", "dy", 2), 1e-13);
    mgrad_prog_free(&p);
}

/* --------------------------------------------------------------- errors */

Test(mgrad_errors, syntax) {
    PARSE_ERROR("(1 + 2", 1, 7, "expected ')' before end of input");
    PARSE_ERROR("1 +", 1, 4, "expected a number, a name or '(' before end of input");
    PARSE_ERROR("x = 1\ny = (x +\n", 2, 9, "expected a number, a name or '(' before end of input");
    PARSE_ERROR("x = 2 *\ny = 1", 1, 8, "expected a number, a name or '(' before end of line");
    PARSE_ERROR("1 2", 1, 3, "expected an operator, ';' or a new line before number 2");
    PARSE_ERROR("2 ) + 1", 1, 3, "')' without a matching '('");
    PARSE_ERROR("1 + 2 = 3", 1, 7, "'=' needs a single name on its left, like e = a*b");
    PARSE_ERROR("x = 1; x == 1", 1, 10,
                "'==' is not an operator: there are no comparisons, and '=' names a node");
    PARSE_ERROR("y == 1", 1, 3,
                "'==' is not an operator: there are no comparisons, and '=' names a node");
    PARSE_ERROR("1 * * 2", 1, 5, "expected a number, a name or '(' before '*'");
    PARSE_ERROR("1 $ 2", 1, 3, "unexpected character '$'");
    PARSE_ERROR("1 +\t\x07", 1, 5, "unexpected control character 0x07");
    PARSE_ERROR("1e+", 1, 1, "malformed number '1e+': the exponent has no digits");
    PARSE_ERROR("1 + 1e999", 1, 5, "number 1e999 is too large for a double");
    PARSE_ERROR("", 1, 1, "empty program: there is no statement to evaluate");
    PARSE_ERROR("# nothing\n;\n", 1, 1, "empty program: there is no statement to evaluate");
}

Test(mgrad_errors, names_and_functions) {
    PARSE_ERROR("y = 2; y*z", 1, 10,
                "unknown name 'z': give it a value on the command line (z=1.5) or assign it in "
                "an earlier statement");
    PARSE_ERROR("k = 1 + m\nm = 2", 1, 9,   /* used before it has a value */
                "unknown name 'm': give it a value on the command line (m=1.5) or assign it in "
                "an earlier statement");
    PARSE_ERROR("1 + sqrt(2)", 1, 5,
                "unknown function 'sqrt' (the functions are exp log tanh relu sigmoid)");
    PARSE_ERROR("exp 2", 1, 5, "expected '(' after 'exp' before number 2");
    PARSE_ERROR("tanh(1, 2)", 1, 7, "tanh takes one argument");
    PARSE_ERROR("log = 2", 1, 1, "'log' is a function and cannot be assigned");
    PARSE_ERROR("e = 1;\n  e = 2", 2, 3, "'e' is assigned twice (first at 1:1)");
    PARSE_ERROR("2 ^ (1 + y)", 1, 10, "unknown name 'y': give it a value on the command line "
                                     "(y=1.5) or assign it in an earlier statement");
    const char *d[] = {"a=1", NULL};
    expect_parse_error("b = 2; a = 3", 12, d, 1, 8,
                       "'a' already has a value (given on the command line as a=1)");
}

Test(mgrad_errors, command_line_values) {
    struct {
        const char *arg, *msg;
    } bad[] = {
        {"a", "argument 'a': expected NAME=VALUE, like a=2"},
        {"=1", "argument '=1': no name before '='"},
        {"a=", "argument 'a=': no value after '='"},
        {"a=abc", "argument 'a=abc': 'abc' is not a number"},
        {"a=1.5x", "argument 'a=1.5x': '1.5x' is not a number"},
        {"a=inf", "argument 'a=inf': 'inf' is not a number"},
        {"a=nan", "argument 'a=nan': 'nan' is not a number"},
        {"a=0x1p3", "argument 'a=0x1p3': '0x1p3' is not a number"},
        {"a=1e400", "argument 'a=1e400': 1e400 is too large for a double"},
        {"2a=1", "argument '2a=1': '2a' is not a name (letters, digits and _, not starting with "
                 "a digit)"},
        {"tanh=1", "argument 'tanh=1': 'tanh' is a function, not a variable"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        mgrad_prog p;
        cr_assert_eq(mgrad_prog_init(&p), 0);
        cr_expect_eq(mgrad_define(&p, bad[i].arg), -1, "%s accepted", bad[i].arg);
        cr_expect_str_eq(p.error, bad[i].msg);
        cr_expect_not(p.has_pos);
        mgrad_prog_free(&p);
    }
    mgrad_prog p;
    cr_assert_eq(mgrad_prog_init(&p), 0);
    cr_expect_eq(mgrad_define(&p, "a=-1.5e-3"), 0);
    cr_expect_eq(node(&p, "a")->data, -1.5e-3);
    cr_expect_eq(mgrad_define(&p, "a=2"), -1);
    cr_expect_str_eq(p.error, "argument 'a=2': 'a' is given twice (first as 'a=-1.5e-3')");
    mgrad_prog_free(&p);
}

Test(mgrad_errors, bytes_nul_and_utf8) {
    expect_parse_error("a +\0 1", 6, NULL, 1, 4, "NUL byte in the input");
    expect_parse_error("# \0\n1", 5, NULL, 1, 3, "NUL byte in the input");   /* even in comments */
    expect_parse_error("1 +\n\xff", 5, NULL, 2, 1, "invalid UTF-8 (byte 0xFF)");
    expect_parse_error("1 # \xc0\xaf", 6, NULL, 1, 5, "invalid UTF-8 (byte 0xC0)");   /* overlong */
    expect_parse_error("# \xed\xa0\x80", 5, NULL, 1, 3,
                       "invalid UTF-8 (byte 0xED)");                              /* surrogate */
    expect_parse_error("# \xe2\x82", 4, NULL, 1, 3, "invalid UTF-8 (byte 0xE2)"); /* cut short */
    expect_parse_error("# \xf5\x80\x80\x80", 6, NULL, 1, 3, "invalid UTF-8 (byte 0xF5)");
    /* columns count characters: the error after two 2-byte letters is at 6 */
    expect_parse_error("# \xc3\xa9\xc3\xa9 \x80", 8, NULL, 1, 6, "invalid UTF-8 (byte 0x80)");
    PARSE_ERROR("\xef\xbb\xbf" "1 + $", 1, 5, "unexpected character '$'");   /* BOM: no column */
    /* é is a letter (a name); the euro sign is not */
    PARSE_ERROR("x = \xe2\x82\xac", 1, 5,
                "unexpected character U+20AC (names are letters, digits and _; operators are "
                "ASCII)");
}

Test(mgrad_errors, deep_nesting_is_capped) {
    size_t n = 100000;
    char *s = malloc(2 * n + 2);
    cr_assert(s);
    memset(s, '(', n);
    s[n] = 'a';
    memset(s + n + 1, ')', n);
    s[2 * n + 1] = 0;
    const char *d[] = {"a=1", NULL};
    char msg[128];
    snprintf(msg, sizeof msg,
             "nested more than %d deep (parentheses, unary minus, powers, calls)", MGRAD_MAX_DEPTH);
    expect_parse_error(s, 2 * n + 1, d, 1, MGRAD_MAX_DEPTH + 1, msg);
    memset(s, '-', n);   /* unary minus and powers recurse too */
    expect_parse_error(s, n + 1, d, 1, MGRAD_MAX_DEPTH + 1, msg);
    for (size_t i = 0; i + 3 <= 2 * n; i += 3) memcpy(s + i, "2**", 3);
    expect_parse_error(s, 2 * n - 2 * n % 3, d, 1, 3 * MGRAD_MAX_DEPTH + 1, msg);
    /* exactly at the cap it parses */
    memset(s, '(', MGRAD_MAX_DEPTH - 1);
    s[MGRAD_MAX_DEPTH - 1] = 'a';
    memset(s + MGRAD_MAX_DEPTH, ')', MGRAD_MAX_DEPTH - 1);
    s[2 * MGRAD_MAX_DEPTH - 1] = 0;
    cr_expect_eq(value_of(s, d), 1.0);
    free(s);
}

Test(mgrad_errors, one_megabyte_expression) {
    /* a*b + a*b + ... : 1 MB, 262,144 terms */
    size_t terms = (1u << 20) / 4, n = 4 * terms - 1;
    char *s = malloc(n + 1);
    cr_assert(s);
    memcpy(s, "a*b", 3);
    for (size_t i = 1; i < terms; i++) memcpy(s + 4 * i - 1, "+a*b", 4);
    s[n] = 0;
    const char *d[] = {"a=2", "b=3", NULL};
    mgrad_prog p = run_prog(s, d);
    cr_expect_eq(p.root->data, 6.0 * terms);
    cr_expect_eq(node(&p, "a")->grad, 3.0 * terms);
    cr_expect_eq(node(&p, "b")->grad, 2.0 * terms);
    mgrad_prog_free(&p);
    /* cut after the last '*': the error at its end names the right column */
    expect_parse_error(s, n - 1, d, 1, n, "expected a number, a name or '(' before end of input");
    free(s);
}

/* ------------------------------------------------------- the whole tool */

Test(mgrad_cli, error_format_echo_and_caret) {
    cli r = RUN("eval", "(a + b", "a=1", "b=2");
    cr_expect_eq(r.rc, MGRAD_USAGE);
    cr_expect_str_eq(r.out, "");
    cr_expect_str_eq(r.err, "mgrad: 1:7: expected ')' before end of input\n"
                            "    (a + b\n"
                            "          ^\n");
    cli_free(&r);

    /* tabs are kept under the caret so that it lines up */
    r = RUN("eval", "x = 1\n\tx + $");
    cr_expect_eq(r.rc, MGRAD_USAGE);
    cr_expect_str_eq(r.err, "mgrad: 2:6: unexpected character '$'\n"
                            "    \tx + $\n"
                            "    \t    ^\n");
    cli_free(&r);

    /* a NUL byte is echoed as '?' */
    r = run_cli_n("a +\0 1", 6, (const char *const[]){"eval", NULL});
    cr_expect_eq(r.rc, MGRAD_USAGE);
    cr_expect_str_eq(r.err, "mgrad: 1:4: NUL byte in the input\n"
                            "    a +? 1\n"
                            "       ^\n");
    cli_free(&r);
}

Test(mgrad_cli, long_line_is_cut_around_the_column) {
    char src[400];
    memset(src, 'a', sizeof src);
    for (int i = 1; i < 399; i += 2) src[i] = '+';
    src[300] = '$';
    src[399] = 0;
    cli r = RUN("eval", src, "a=1");
    cr_expect_eq(r.rc, MGRAD_USAGE);
    const char *l2 = strchr(r.err, '\n') + 1, *l3 = strchr(l2, '\n') + 1;
    cr_expect(starts_with(r.err, "mgrad: 1:301: unexpected character '$'\n"), "%s", r.err);
    cr_expect(starts_with(l2, "    ..."), "%s", r.err);
    /* the caret sits under the '$' in the echoed window */
    cr_expect_eq(strchr(l2, '$') - l2, strchr(l3, '^') - l3, "%s", r.err);
    cr_expect_lt(strlen(r.err), 300u);
    cli_free(&r);
}

Test(mgrad_cli, default_table) {
    cli r = RUN("eval", LECTURE);
    cr_expect_eq(r.rc, MGRAD_OK);
    cr_expect_str_eq(r.err, "");
    const char *names[] = {"a", "b", "c", "f", "e", "d", "L"};
    double hand_data[] = {2, -3, 10, -2, -6, 4, -8}, hand_grad[] = {6, -4, -2, 4, -2, -2, 1};
    for (int i = 0; i < 7; i++) {
        double data, grad;
        table_row(r.out, names[i], &data, &grad);
        cr_expect_eq(data, hand_data[i], "%s", names[i]);
        cr_expect_eq(grad, hand_grad[i], "%s", names[i]);
    }
    cr_expect(starts_with(r.out, "name "), "%s", r.out);
    cli_free(&r);

    r = RUN("eval", "-a**2", "a=3");   /* an unnamed result gets a row too */
    double data, grad;
    table_row(r.out, "(result)", &data, &grad);
    cr_expect_eq(data, -9.0);
    table_row(r.out, "a", &data, &grad);
    cr_expect_eq(grad, -6.0);   /* d(-a^2)/da = -2a */
    cli_free(&r);
}

Test(mgrad_cli, tsv_round_trips) {
    cli r = RUN("eval", "--tsv", "y = x/3", "x=1");
    cr_expect_eq(r.rc, MGRAD_OK);
    double y, gy, x, gx;
    cr_assert_eq(sscanf(r.out, "name\tdata\tgrad\nx\t%lf\t%lf\ny\t%lf\t%lf\n", &x, &gx, &y, &gy), 4,
                 "%s", r.out);
    cr_expect_eq(x, 1.0);
    cr_expect_eq(y, 1.0 / 3.0);   /* %.17g reads back to the same double */
    cr_expect_eq(gx, 1.0 / 3.0);
    cr_expect_eq(gy, 1.0);
    cli_free(&r);
}

Test(mgrad_cli, json) {
    cli r = RUN("eval", "--json", LECTURE);
    cr_expect_eq(r.rc, MGRAD_OK);
    cr_expect(starts_with(r.out, "{\"root\": \"L\", \"finite\": true, \"nodes\": ["), "%s", r.out);
    cr_expect(strstr(r.out, "{\"name\": \"a\", \"data\": 2, \"grad\": 6}"), "%s", r.out);
    cr_expect(strstr(r.out, "{\"name\": \"b\", \"data\": -3, \"grad\": -4}"), "%s", r.out);
    cr_expect(strstr(r.out, "{\"name\": \"f\", \"data\": -2, \"grad\": 4}"), "%s", r.out);
    cr_expect(strstr(r.out, "{\"name\": \"L\", \"data\": -8, \"grad\": 1}\n]}\n"), "%s", r.out);
    cli_free(&r);

    /* JSON has no infinities: they are null, and "finite" says so */
    r = RUN("eval", "--json", "y = log(x)", "x=0");
    cr_expect(strstr(r.out, "\"finite\": false"), "%s", r.out);
    cr_expect(strstr(r.out, "{\"name\": \"y\", \"data\": null, \"grad\": 1}"), "%s", r.out);
    cli_free(&r);

    /* an unnamed last statement is the row "(result)", and root says so */
    r = RUN("eval", "--json", "x*x", "x=3");
    cr_expect_str_eq(r.out, "{\"root\": \"(result)\", \"finite\": true, \"nodes\": [\n"
                            "  {\"name\": \"x\", \"data\": 3, \"grad\": 6},\n"
                            "  {\"name\": \"(result)\", \"data\": 9, \"grad\": 1}\n"
                            "]}\n");
    cli_free(&r);
}

Test(mgrad_cli, numeric_trouble_is_reported_not_an_input_error) {
    cli r = RUN("eval", "q = 1/x; y = q*2", "x=0");
    cr_expect_eq(r.rc, MGRAD_OK);   /* without --check-finite: reported, exit 0 */
    cr_expect_str_eq(r.err, "mgrad: numeric problem at 1:6: node 'q' (div) is inf, the first "
                            "value that is not finite\n"
                            "    q = 1/x; y = q*2\n"
                            "         ^\n");
    double data, grad;
    table_row(r.out, "y", &data, &grad);
    cr_expect(isinf(data) && data > 0);   /* IEEE: 1/0 = inf, times 2 */
    cli_free(&r);

    r = RUN("eval", "--check-finite", "log(x) + 1", "x=0");
    cr_expect_eq(r.rc, MGRAD_NUMERIC);
    cr_expect(strstr(r.err, "at 1:1: node 'log(x)' (log) is -inf"), "%s", r.err);
    cli_free(&r);

    /* values finite, a gradient not: x**0.5 at 0 has slope inf */
    r = RUN("eval", "--check-finite", "r = x**0.5", "x=0");
    cr_expect_eq(r.rc, MGRAD_NUMERIC);
    cr_expect_str_eq(r.err, "mgrad: numeric problem (argument x=0): the gradient of node 'x' "
                            "(leaf) is inf, the first gradient that is not finite\n");
    cli_free(&r);

    r = RUN("eval", "--check-finite", LECTURE);
    cr_expect_eq(r.rc, MGRAD_OK);
    cr_expect_str_eq(r.err, "");
    cli_free(&r);
}

Test(mgrad_cli, program_from_file_and_stdin) {
    char path[] = "/tmp/mgrad_test_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
    FILE *f = fopen(path, "w");
    cr_assert(f, "cannot write %s", path);
    fputs("# the lecture\ne = a*b\nd = e + c\nL = d*f\n", f);
    fclose(f);
    cli r = RUN("eval", "-f", path, "a=2", "b=-3", "c=10", "f=-2");
    cr_expect_eq(r.rc, MGRAD_OK, "%s", r.err);
    double data, grad;
    table_row(r.out, "a", &data, &grad);
    cr_expect_eq(grad, 6.0);
    cli_free(&r);

    f = fopen(path, "w");
    cr_assert(f);
    fputs("e = a*b\nd = e + \n", f);
    fclose(f);
    r = RUN("eval", "--file", path, "a=1", "b=2");
    cr_expect_eq(r.rc, MGRAD_USAGE);
    char want[128];
    snprintf(want, sizeof want,
             "mgrad: %s:2:8: expected a number, a name or '(' before end of line\n"
             "    d = e + \n"
             "           ^\n",
             path);
    cr_expect_str_eq(r.err, want);
    cli_free(&r);
    remove(path);

    r = RUN("eval", "-f", "build/no/such/file.mg");
    cr_expect_eq(r.rc, MGRAD_USAGE);
    cr_expect_str_eq(r.err, "mgrad: build/no/such/file.mg: No such file or directory\n");
    cli_free(&r);

    /* stdin: with -f - */
    r = RUN_STDIN("L = (a*b + c)*f\n", "eval", "-f", "-", "a=2", "b=-3", "c=10", "f=-2");
    table_row(r.out, "f", &data, &grad);
    cr_expect_eq(grad, 4.0);
    cli_free(&r);
}

Test(mgrad_cli, failed_write_is_an_error) {
    /* a stream opened for reading refuses writes, as a full disk would */
    FILE *ro = tmpfile(), *ferr = tmpfile();
    cr_assert(ro && ferr);
    FILE *out = fopen("/dev/null", "r");
    cr_assert(out);
    char *argv[] = {"mgrad", "eval", "--dot", "L = a*b", "a=1", "b=2", NULL};
    cr_expect_eq(mgrad_main(6, argv, ro, out, ferr), MGRAD_USAGE);
    fclose(out);
    fclose(ro);
    char *err = mgt_slurp(ferr);
    cr_expect(starts_with(err, "mgrad: writing the output failed: "), "%s", err);
    cr_expect_eq(strchr(err, '\n') - err + 1, (long)strlen(err), "one message only: %s", err);
    free(err);
}

Test(mgrad_cli, usage_help_version) {
    cli r = RUN("--version");
    cr_expect_eq(r.rc, MGRAD_OK);
    cr_expect_str_eq(r.out, "mgrad " MG_VERSION " (micrograd-c)\n");
    cli_free(&r);

    r = RUN("--help");
    cr_expect_eq(r.rc, MGRAD_OK);
    cr_expect(strstr(r.out, "usage: mgrad eval"), "%s", r.out);
    cr_expect(strstr(r.out, "Exit status: 0 ok; 1 a numeric problem"), "%s", r.out);
    cli_free(&r);

    struct {
        const char *a1, *a2, *first_line;
    } bad[] = {
        {"frobnicate", NULL, "mgrad: unknown command 'frobnicate' (the command is eval)\n"},
        {"eval", "--frob", "mgrad: unknown option '--frob'\n"},
        {"eval", "--explain", "mgrad: --explain needs a value\n"},
        {"eval", "--tsv=1", "mgrad: --tsv takes no value\n"},
        {"--json", NULL, "mgrad: no command (the command is eval)\n"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        r = bad[i].a2 ? RUN(bad[i].a1, bad[i].a2) : RUN(bad[i].a1);
        cr_expect_eq(r.rc, MGRAD_USAGE, "%s", bad[i].a1);
        cr_expect(starts_with(r.err, bad[i].first_line), "got: %s", r.err);
        cr_expect(strstr(r.err, "usage: mgrad eval"), "%s", r.err);
        cli_free(&r);
    }
    r = RUN("eval", "--tsv", "--json", "1");
    cr_expect_eq(r.rc, MGRAD_USAGE);
    cli_free(&r);

    /* a program that starts with a minus is a program, not an option */
    r = RUN("eval", "-a*b", "a=2", "b=5");
    cr_expect_eq(r.rc, MGRAD_OK, "%s", r.err);
    cli_free(&r);
}

/* One rule for the program argument: the first argument after eval (and
 * its options) is the program, always; NAME=VALUE arguments follow it.
 * 'y=2' was taken for a value and the program read from stdin. */
Test(mgrad_cli, the_first_argument_is_the_program) {
    cli r = RUN_STDIN("L = x*3\n", "eval", "y=2");
    cr_expect_eq(r.rc, MGRAD_OK, "%s", r.err);
    double data, grad;
    table_row(r.out, "y", &data, &grad);
    cr_expect_eq(data, 2.0);
    cr_expect(!strstr(r.out, "L "), "stdin was not read: %s", r.out);
    cli_free(&r);
    /* values for the program from stdin need -f - */
    r = RUN_STDIN("L = x*3\n", "eval", "-f", "-", "x=2");
    table_row(r.out, "L", &data, &grad);
    cr_expect_eq(data, 6.0);
    cli_free(&r);
    /* no argument at all: the program is stdin */
    r = RUN_STDIN("L = 2*3\n", "eval");
    table_row(r.out, "L", &data, &grad);
    cr_expect_eq(data, 6.0);
    cli_free(&r);
}

/* 1e-400 became 0 silently, where 1e309 was refused. */
Test(mgrad_errors, numbers_too_small_for_a_double_are_refused) {
    cli r = RUN("eval", "L = x*2", "x=1e-400");
    cr_expect_eq(r.rc, MGRAD_USAGE);
    cr_expect(strstr(r.err, "argument 'x=1e-400': 1e-400 is too small for a double: it would be read as 0"),
              "%s", r.err);
    cli_free(&r);
    r = RUN("eval", "L = 1e-400 * x", "x=1");
    cr_expect_eq(r.rc, MGRAD_USAGE);
    cr_expect(strstr(r.err, "1:5: number 1e-400 is too small for a double"), "%s", r.err);
    cli_free(&r);
    r = RUN("--lang", "es", "eval", "L = x*2", "x=-5e-999");
    cr_expect(strstr(r.err, "-5e-999 es demasiado pequeño para un double: se leería como 0"), "%s",
              r.err);
    cli_free(&r);
    /* zero written so, and subnormals, are numbers */
    r = RUN("eval", "L = x*2 + 0e-999 + 0.000e5", "x=1e-310");
    cr_expect_eq(r.rc, MGRAD_OK, "%s", r.err);
    cli_free(&r);
}

/* A program file of exactly 64 MiB is read; one byte more is refused. */
Test(mgrad_cli, a_program_of_64_mib_is_read) {
    char path[] = "/tmp/mgrad_big_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
    FILE *f = fopen(path, "wb");
    cr_assert(f);
    const char *head = "L = a*b\n#";
    fputs(head, f);
    static char pad[1 << 16];
    memset(pad, 'x', sizeof pad);
    size_t left = MGRAD_MAX_INPUT - strlen(head) - 1;
    while (left) {
        size_t k = left < sizeof pad ? left : sizeof pad;
        cr_assert_eq(fwrite(pad, 1, k, f), k);
        left -= k;
    }
    fputc('\n', f);
    fclose(f);
    cli r = RUN("eval", "-f", path, "a=2", "b=3");
    cr_expect_eq(r.rc, MGRAD_OK, "%s", r.err);
    cli_free(&r);
    f = fopen(path, "ab");
    fputc('\n', f);
    fclose(f);
    r = RUN("eval", "-f", path, "a=2", "b=3");
    cr_expect_eq(r.rc, MGRAD_USAGE);
    cr_expect(strstr(r.err, "larger than 64 MiB"), "%s", r.err);
    cli_free(&r);
    remove(path);
}

/* --html written over the program file it read (-f sheet.mg --html
 * sheet.mg) lost the program. */
Test(mgrad_cli, a_page_is_never_written_over_the_program) {
    char path[] = "/tmp/mgrad_sheet_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, "L = a*b\n", 8), 8);
    close(fd);
    cli r = RUN("eval", "-f", path, "--html", path, "a=1", "b=2");
    cr_expect_eq(r.rc, MGRAD_USAGE);
    cr_expect(strstr(r.err, "would overwrite the program file"), "%s", r.err);
    cli_free(&r);
    FILE *f = fopen(path, "r");
    char back[32] = "";
    cr_assert(f && fgets(back, sizeof back, f));
    fclose(f);
    cr_expect_str_eq(back, "L = a*b\n");
    remove(path);
}

/* --help and --version said 0 when nothing could be written. */
Test(mgrad_cli, help_and_version_fail_when_stdout_cannot_be_written) {
    const char *const args[][2] = {{"--help", NULL}, {"--version", NULL}, {"-h", NULL}};
    for (size_t i = 0; i < 3; i++) {
        FILE *full = fopen("/dev/full", "w"), *in = tmpfile(), *ferr = tmpfile();
        if (!full) cr_skip_test("no /dev/full");
        char *argv[] = {"mgrad", (char *)args[i][0], NULL};
        cr_expect_eq(mgrad_main(2, argv, in, full, ferr), MGRAD_USAGE, "%s", args[i][0]);
        fclose(full);
        fclose(in);
        char *e = mgt_slurp(ferr);
        cr_expect(starts_with(e, "mgrad: writing the output failed: "), "%s: %s", args[i][0], e);
        free(e);
    }
}

/* Unnamed intermediates were #7 in --dump, --explain and --dot; they are
 * named by their own text now, as the C examples name theirs. */
Test(mgrad_modes, unnamed_nodes_are_named_by_their_text) {
    cli r = RUN("eval", "--dump", "L = (x1*w1 + x2*w2  # the net\n)*2", "x1=1", "w1=2", "x2=3", "w2=4");
    cr_expect_eq(r.rc, MGRAD_OK, "%s", r.err);
    cr_expect(strstr(r.out, " x1*w1 ") && strstr(r.out, " x2*w2 ") && strstr(r.out, " x1*w1 + x2*w2 "),
              "%s", r.out);
    cr_expect(strstr(r.out, "\n 7  2 "), "the constant is named by its digits: %s", r.out);
    cr_expect(!strstr(r.out, "#"), "%s", r.out);
    cli_free(&r);
    r = RUN("eval", "--dot", "L = tanh(a*b + c)", "a=1", "b=2", "c=3");
    cr_expect(strstr(r.out, "{ a*b | data") && strstr(r.out, "{ a*b + c | data"), "%s", r.out);
    cli_free(&r);
    /* long texts are cut after 24 characters with an ellipsis */
    r = RUN("eval", "--dump", "alpha*beta + gamma*delta + epsilon", "alpha=1", "beta=1", "gamma=1",
            "delta=1", "epsilon=1");
    cr_expect(strstr(r.out, " alpha*beta + gamma*delt\xE2\x80\xA6 "), "%s", r.out);
    cli_free(&r);
    /* an assignment's name wins, and a node named twice keeps its first name */
    r = RUN("eval", "--dump", "e = a*b; L = e + a*b", "a=2", "b=3");
    cr_expect(strstr(r.out, " e ") && strstr(r.out, " a*b "), "%s", r.out);
    cli_free(&r);
}

static size_t display_width(const char *s, size_t n);

/* --explain lines are wrapped at the terminal's width, or 100 columns when
 * the output is not a terminal, between factors and never inside d(...). */
Test(mgrad_modes, explain_is_wrapped_at_100_columns) {
    cli r = RUN("eval", "--explain", "x1",
                "L = tanh(x1*w1 + x2*w2 + b + some_long_name*another_long_name)", "x1=1", "w1=2",
                "x2=3", "w2=4", "b=5", "some_long_name=1", "another_long_name=2");
    cr_expect_eq(r.rc, MGRAD_OK, "%s", r.err);
    int lines = 0;
    for (const char *p = r.out; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        cr_expect_leq(display_width(p, n), 100, "a line of %zu columns: %.*s", display_width(p, n),
                      (int)n, p);
        lines++;
        p += n + (e != NULL);
    }
    cr_expect_geq(lines, 3, "%s", r.out);
    cr_expect(strstr(r.out, "\n         * d("), "continued under the '=': %s", r.out);
    cli_free(&r);
}

/* --------------------------------------------- the teaching output modes
 * Hand-checked for L = (a*b + c)*f at a=2, b=-3, c=10, f=-2: e = a*b = -6,
 * d = e + c = 4, L = -8; dL/dd = f = -2, dL/df = d = 4, dd/de = dd/dc = 1,
 * de/da = b = -3, de/db = a = 2, so grad a = -2*-3 = 6, grad b = -2*2 = -4. */

Test(mgrad_modes, dump_tsv) {
    cli r = RUN("eval", "--dump", "--tsv", LECTURE);
    cr_expect_eq(r.rc, MGRAD_OK, "%s", r.err);
    cr_expect(starts_with(r.out, "id\tlabel\top\tinputs\tdata\tgrad\tlocal_grads\n"), "%s", r.out);
    /* label op inputs data grad local-grads, from the hand numbers above */
    const char *want[] = {"0\ta\tleaf\t-\t2\t6\t-\n",   "1\tb\tleaf\t-\t-3\t-4\t-\n",
                          "2\tc\tleaf\t-\t10\t-2\t-\n", "3\tf\tleaf\t-\t-2\t4\t-\n",
                          "4\te\tmul\t0,1\t-6\t-2\t-3,2\n", "5\td\tadd\t4,2\t4\t-2\t1,1\n",
                          "6\tL\tmul\t5,3\t-8\t1\t-2,4\n"};
    for (int i = 0; i < 7; i++)
        cr_expect(strstr(r.out, want[i]), "no line %s in\n%s", want[i], r.out);
    cli_free(&r);

    r = RUN("eval", "--dump", LECTURE);   /* aligned, for people */
    cr_expect_eq(r.rc, MGRAD_OK);
    cr_expect(strstr(r.out, "-8.000000000"), "%s", r.out);
    cli_free(&r);
}

Test(mgrad_modes, trace) {
    cli r = RUN("eval", "--trace", LECTURE);
    cr_expect_eq(r.rc, MGRAD_OK, "%s", r.err);
    const char *want[] = {
        "grad(L) = 1\n",
        "grad(d) += grad(L) * dL/dd = 1.000000000 * -2.000000000 = -2.000000000\n",
        "grad(f) += grad(L) * dL/df = 1.000000000 * 4.000000000 = 4.000000000\n",
        "grad(a) += grad(e) * de/da = -2.000000000 * -3.000000000 = 6.000000000\n",
        "grad(b) += grad(e) * de/db = -2.000000000 * 2.000000000 = -4.000000000\n",
    };
    for (int i = 0; i < 5; i++)
        cr_expect(strstr(r.out, want[i]), "no line %s in\n%s", want[i], r.out);
    /* backward ran once: the leaves are not counted twice (a's 6, not 12) */
    cr_expect_null(strstr(r.out, "12.0"), "%s", r.out);
    cli_free(&r);
}

Test(mgrad_modes, explain) {
    cli r = RUN("eval", "--explain", "a", LECTURE);
    cr_expect_eq(r.rc, MGRAD_OK, "%s", r.err);
    cr_expect_str_eq(r.out, "dL/da = dL/dd * dd/de * de/da\n"
                            "      = -2.000000000 * 1.000000000 * -3.000000000 = 6.000000000\n");
    cli_free(&r);

    /* a used twice: two paths, each b*a = 15, summed: L = a*a*b at a=3,
     * b=5 has dL/da = 2ab = 30 */
    r = RUN("eval", "--explain=a", "s = a*a; L = s*b", "a=3", "b=5");
    cr_expect_eq(r.rc, MGRAD_OK, "%s", r.err);
    cr_expect(strstr(r.out, "30.000000000"), "%s", r.out);
    cli_free(&r);

    r = RUN("eval", "--explain", "zz", LECTURE);
    cr_expect_eq(r.rc, MGRAD_USAGE);
    cr_expect_str_eq(r.err, "mgrad: --explain zz: the program has no node of that name\n");
    cli_free(&r);
}

Test(mgrad_modes, gradcheck) {
    cli r = RUN("eval", "--gradcheck", LECTURE);
    cr_expect_eq(r.rc, MGRAD_OK, "%s", r.err);
    cr_expect(strstr(r.out, "4 leaves"), "%s", r.out);
    double bw, num;
    const char *at = strstr(r.out, "  b ");
    cr_assert(at, "%s", r.out);
    cr_assert_eq(sscanf(at, " b backward %lf numeric %lf", &bw, &num), 2, "%s", at);
    cr_expect_eq(bw, -4.0);
    cr_expect(fabs(num - -4.0) < 1e-6);
    cli_free(&r);

    /* relu has a kink at 0: backward says 0 there, the central difference
     * (relu(h) - relu(-h)) / 2h = 1/2; a mismatch is exit status 1 */
    r = RUN("eval", "--gradcheck", "relu(x)", "x=0");
    cr_expect_eq(r.rc, MGRAD_NUMERIC);
    cr_expect(strstr(r.out, "MISMATCH"), "%s", r.out);
    cr_expect(strstr(r.out, "numeric      0.500000000"), "%s", r.out);
    cr_expect(starts_with(r.err, "mgrad: --gradcheck: backward and finite differences disagree"),
              "%s", r.err);
    cli_free(&r);
}

/* log(x) at 1e-8: the step of 1e-6 crossed zero, so a right gradient was
 * a "mismatch" (NOT FINITE) and the exit status 1. */
Test(mgrad_modes, gradcheck_of_a_small_leaf_passes) {
    cli r = RUN("eval", "--gradcheck", "L = log(x)", "x=1e-8");
    cr_expect_eq(r.rc, MGRAD_OK, "%s%s", r.out, r.err);
    cr_expect(strstr(r.out, "  ok\n"), "%s", r.out);
    cr_expect(strstr(r.out, "1 leaf,"), "%s", r.out);
    cli_free(&r);
}

Test(mgrad_modes, dot) {
    cli r = RUN("eval", "--dot", LECTURE);
    cr_expect_eq(r.rc, MGRAD_OK, "%s", r.err);
    cr_expect(starts_with(r.out, "digraph"), "%s", r.out);
    int records = 0, ops = 0, edges = 0;
    for (const char *s = r.out; (s = strstr(s, "[label=\"{ ")); s++) records++;
    for (const char *s = r.out; (s = strstr(s, "shape=ellipse")); s++) ops++;
    for (const char *s = r.out; (s = strstr(s, " -> ")); s++) edges++;
    cr_expect_eq(records, 7);   /* a b c f e d L */
    cr_expect_eq(ops, 3);       /* * + * */
    cr_expect_eq(edges, 9);     /* two inputs and one output per op */
    cr_expect(strstr(r.out, "{ a | data 2.0000 | grad 6.0000 }"), "%s", r.out);
    cr_expect(strstr(r.out, "{ L | data -8.0000 | grad 1.0000 }"), "%s", r.out);
    cli_free(&r);

    r = RUN("eval", "--dot", "--json", "1");
    cr_expect_eq(r.rc, MGRAD_USAGE);
    /* a usage error: the message, then the usage (both on stderr) */
    cr_expect(starts_with(r.err, "mgrad: --dot and --json: choose one output mode\nusage: "), "%s",
              r.err);
    cli_free(&r);
}

/* ------------------------------------------ names in the learner's language */

/* Columns a line takes on a terminal: code points, less combining accents. */
static size_t display_width(const char *s, size_t n) {
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) == 0x80) continue;   /* continuation byte */
        /* U+0300..U+036F is CC 80..CD AF */
        if (c == 0xCC || (c == 0xCD && i + 1 < n && (unsigned char)s[i + 1] <= 0xAF)) continue;
        w++;
    }
    return w;
}

Test(mgrad_unicode, names_with_accents_and_greek_letters) {
    cr_expect(mgrad_is_definition("\xce\xb7=0.5"));   /* η=0.5 */
    cli r = RUN("eval", "p\xc3\xa9rdida = (\xce\xb7*\xcf\x83 - 1)**2; salida_\xc4\xa5 = p\xc3\xa9rdida",
                "\xce\xb7=0.5", "\xcf\x83=3");
    cr_expect_eq(r.rc, MGRAD_OK, "%s", r.err);
    double data, grad;
    table_row(r.out, "p\xc3\xa9rdida", &data, &grad);
    cr_expect_eq(data, 0.25);
    table_row(r.out, "\xce\xb7", &data, &grad);   /* d/dη (ησ - 1)^2 = 2(ησ - 1)σ = 3 */
    cr_expect_eq(grad, 3.0);
    /* every line of the table is as wide on the screen as the header */
    size_t width = 0;
    for (const char *line = r.out; *line;) {
        size_t len = strcspn(line, "\n");
        size_t w = display_width(line, len);
        if (!width) width = w;
        cr_expect_eq(w, width, "'%.*s' is %zu columns, the header %zu", (int)len, line, w, width);
        line += len + (line[len] == '\n');
    }
    cli_free(&r);
}

Test(mgrad_unicode, a_combining_accent_takes_no_column) {
    /* "pérdida" typed as e + U+0301: a different name from the one with é,
     * 7 columns wide all the same */
    cli r = RUN("eval", "pe\xcc\x81rdida = a*2; b_long_name = a", "a=1");
    cr_expect_eq(r.rc, MGRAD_OK, "%s", r.err);
    size_t width = 0;
    for (const char *line = r.out; *line;) {
        size_t len = strcspn(line, "\n");
        size_t w = display_width(line, len);
        if (!width) width = w;
        cr_expect_eq(w, width, "'%.*s'", (int)len, line);
        line += len + (line[len] == '\n');
    }
    cli_free(&r);
    /* and the caret lines up under what the eye sees */
    r = RUN("eval", "pe\xcc\x81rdida = 1 + $");
    cr_expect(strstr(r.err, "    pe\xcc\x81rdida = 1 + $\n                  ^\n"), "%s", r.err);
    cli_free(&r);
}

Test(mgrad_unicode, every_format_keeps_the_names) {
    const char *prog = "p\xc3\xa9rdida = \xce\xb7*2";
    cli r = RUN("eval", "--json", prog, "\xce\xb7=0.5");
    cr_expect(strstr(r.out, "{\"name\": \"p\xc3\xa9rdida\", \"data\": 1, \"grad\": 1}"), "%s", r.out);
    cr_expect(strstr(r.out, "\"root\": \"p\xc3\xa9rdida\""), "%s", r.out);
    cli_free(&r);
    r = RUN("eval", "--tsv", prog, "\xce\xb7=0.5");
    cr_expect(strstr(r.out, "\np\xc3\xa9rdida\t1\t1\n") && strstr(r.out, "\n\xce\xb7\t0.5\t2\n"), "%s", r.out);
    cli_free(&r);
    r = RUN("eval", "--dot", prog, "\xce\xb7=0.5");
    cr_expect(strstr(r.out, "{ p\xc3\xa9rdida | data 1.0000 | grad 1.0000 }"), "%s", r.out);
    cli_free(&r);
    r = RUN("eval", "--dump", "--tsv", prog, "\xce\xb7=0.5");
    cr_expect(strstr(r.out, "\tp\xc3\xa9rdida\tmul\t"), "%s", r.out);
    cli_free(&r);
    r = RUN("eval", "--trace", prog, "\xce\xb7=0.5");   /* simple names: no parentheses */
    cr_expect(strstr(r.out, "grad(\xce\xb7) += grad(p\xc3\xa9rdida) * dp\xc3\xa9rdida/d\xce\xb7 = "),
              "%s", r.out);
    cli_free(&r);
    r = RUN("eval", "--explain", "\xce\xb7", prog, "\xce\xb7=0.5");
    cr_expect(strstr(r.out, "dp\xc3\xa9rdida/d\xce\xb7 = 2.000000000"), "%s", r.out);
    cli_free(&r);
    /* messages quote them whole, not as question marks */
    r = RUN("eval", "L = p\xc3\xa9rdida*2");
    cr_expect(strstr(r.err, "unknown name 'p\xc3\xa9rdida'"), "%s", r.err);
    cli_free(&r);
}

Test(mgrad_unicode, letters_only) {
    /* signs are not letters: × (U+00D7), the euro sign; a digit cannot start */
    PARSE_ERROR("a \xc3\x97 2", 1, 3,
                "unexpected character U+00D7 (names are letters, digits and _; operators are ASCII)");
    mgrad_prog p;
    cr_assert_eq(mgrad_prog_init(&p), 0);
    cr_expect_eq(mgrad_define(&p, "\xce\xb7\xcc\x81x=1"), 0, "%s", p.error);   /* accent inside */
    cr_expect_eq(mgrad_define(&p, "\xcc\x81x=1"), -1);                          /* accent first */
    mgrad_prog_free(&p);
}

/* ------------------------------------------------------------- Spanish */

Test(mgrad_spanish, messages_and_table) {
    cli r = RUN("--lang", "es", "eval", LECTURE);
    cr_expect(starts_with(r.out, "nombre             valor              grad\n"), "%s", r.out);
    cli_free(&r);
    r = RUN("eval", "--lang=es", "1 + 2");
    cr_expect(strstr(r.out, "(resultado)"), "%s", r.out);
    cli_free(&r);
    r = RUN("eval", "--lang=es", "--json", "1 + 2");   /* for programs: the same in every language */
    cr_expect(strstr(r.out, "\"root\": \"(result)\""), "%s", r.out);
    cli_free(&r);
    r = RUN("--lang", "es", "eval", "L = a*", "a=1");
    cr_expect_str_eq(r.err, "mgrad: 1:7: se esperaba un número, un nombre o '(' y se encontró el "
                            "final de la entrada\n    L = a*\n          ^\n");
    cli_free(&r);
    r = RUN("--lang", "es", "eval", "L = q", "a=1");
    cr_expect(strstr(r.err, "nombre desconocido 'q': dele un valor en la línea de comandos (q=1.5)"),
              "%s", r.err);
    cli_free(&r);
    r = RUN("--lang", "es", "--frob");
    cr_expect_eq(r.rc, MGRAD_USAGE);
    cr_expect(starts_with(r.err, "mgrad: opción desconocida '--frob'\nuso: mgrad eval"), "%s", r.err);
    cli_free(&r);
    r = RUN("--lang", "xx", "eval", "1");
    cr_expect_eq(r.rc, MGRAD_USAGE);
    cr_expect(starts_with(r.err, "mgrad: --lang wants es or en, not 'xx'\n"), "%s", r.err);
    cli_free(&r);
    /* after "--", --lang is a program, not an option */
    r = RUN("eval", "--", "--lang");
    cr_expect_eq(r.rc, MGRAD_USAGE);
    cli_free(&r);
}

/* A worksheet: the same graph with the values but no gradients. */
Test(mgrad_modes, dot_without_gradients) {
    cli r = RUN("eval", "--dot", "--no-grad", LECTURE);
    cr_expect_eq(r.rc, MGRAD_OK, "%s", r.err);
    cr_expect(strstr(r.out, "{ a | data 2.0000 }"), "%s", r.out);
    cr_expect(strstr(r.out, "{ L | data -8.0000 }"), "%s", r.out);
    cr_expect_null(strstr(r.out, "| grad"), "%s", r.out);
    cli_free(&r);
    r = RUN("eval", "--no-grad", LECTURE);   /* only with --dot (or a page) */
    cr_expect_eq(r.rc, MGRAD_USAGE);
    cli_free(&r);
}

/* ---- pages (issue 16): --html FILE and --svg FILE ('-': stdout), --quiz */
Test(mgrad_cli, pages) {
    cli r = RUN("eval", "--svg", "-", LECTURE);
    cr_expect_eq(r.rc, MGRAD_OK, "%s", r.err);
    cr_expect(starts_with(r.out, "<?xml"), "%.60s", r.out);
    /* dL/da = b*f = 6, by hand; the picture carries the exact number */
    cr_expect(strstr(r.out, "data-label=\"a\" data-data=\"2\" data-grad=\"6\"") != NULL);
    cli_free(&r);
    r = RUN("eval", "--html", "-", "--quiz", LECTURE);
    cr_expect_eq(r.rc, MGRAD_OK, "%s", r.err);
    cr_expect(starts_with(r.out, "<!DOCTYPE html>"));
    cr_expect(strstr(r.out, "<body class=\"quiz\">") != NULL);
    cli_free(&r);
    r = RUN("eval", "--quiz", LECTURE);   /* a quiz needs a page */
    cr_expect_eq(r.rc, MGRAD_USAGE);
    cr_expect(strstr(r.err, "--quiz goes with --html") != NULL, "%s", r.err);
    cli_free(&r);
    r = RUN("eval", "--html", LECTURE);   /* the file name is missing: the program is taken */
    cr_expect_eq(r.rc, MGRAD_USAGE);
    cr_expect(strstr(r.err, "looks like a program, not a file name"), "%s", r.err);
    cli_free(&r);
    r = RUN("eval", "--svg", "/nonexistent-dir/x.svg", LECTURE);
    cr_expect_eq(r.rc, MGRAD_USAGE);
    cr_expect(strstr(r.err, "/nonexistent-dir/x.svg") != NULL, "%s", r.err);
    cli_free(&r);
}
