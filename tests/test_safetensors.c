/* test_safetensors.c -- the bridge to PyTorch: a round trip, a file that
 * PyTorch wrote (tests/data/torch_mlp_f32.safetensors, with the outputs
 * PyTorch computed from it), the exact bytes of a small file worked out
 * by hand, and one clear message for each way a file can be bad. */
#include <micrograd.h>

#include "nn/nn.h"
#include "test_util.h"

/* The bytes written to f (a tmpfile), which is closed; the caller frees them. */
static unsigned char *file_bytes(FILE *f, size_t *n) {
    long len = ftell(f);
    cr_assert(len >= 0);
    rewind(f);
    unsigned char *b = malloc((size_t)len + 1);
    cr_assert(b);
    cr_assert_eq(fread(b, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return b;
}

Test(safetensors, round_trip_is_exact) {
    mg_graph *g = mg_graph_new();
    const size_t sizes[3] = {5, 4, 2};
    const mg_activation acts[3] = {MG_ACT_RELU, MG_ACT_LINEAR, MG_ACT_SIGMOID};
    mg_mlp *m = mg_mlp_new(g, 3, sizes, 3, acts, 42);
    FILE *f = tmpfile();
    cr_assert(m && f);
    cr_assert_eq(mg_mlp_save_safetensors(m, f), 0);
    rewind(f);
    char err[256];
    mg_mlp *back = mg_mlp_load_safetensors(g, f, NULL, NULL, 0, err, sizeof err);
    fclose(f);
    cr_assert(back, "%s", err);
    cr_expect_eq(mg_mlp_n_in(back), 3);
    cr_assert_eq(mg_mlp_n_layers(back), 3);
    for (size_t l = 0; l < 3; l++) {
        cr_expect_eq(mg_mlp_layer_size(back, l), sizes[l]);
        cr_expect_eq(mg_mlp_layer_act(back, l), acts[l]);
    }
    cr_assert_eq(mg_mlp_n_params(back), mg_mlp_n_params(m));
    for (size_t k = 0; k < mg_mlp_n_params(m); k++)
        cr_expect_eq(mg_mlp_params(back)[k]->data, mg_mlp_params(m)[k]->data);
    mg_mlp_free(m);
    mg_mlp_free(back);
    mg_graph_free(g);
}

/* MLP(1, [1]) linear with w = 1.5, b = -2: the whole file, byte by byte,
 * as the format's description gives it (an 8-byte length, the JSON padded
 * with spaces to a multiple of 8, then 1.5 and -2.0 as little-endian F64). */
Test(safetensors, the_bytes_of_a_small_file) {
    mg_graph *g = mg_graph_new();
    const size_t sizes[1] = {1};
    const mg_activation acts[1] = {MG_ACT_LINEAR};
    mg_mlp *m = mg_mlp_new_from(g, 1, sizes, 1, acts, (double[]){1.5, -2.0});
    FILE *f = tmpfile();
    cr_assert_eq(mg_mlp_save_safetensors(m, f), 0);
    size_t n;
    unsigned char *b = file_bytes(f, &n);
    const char *json = "{\"__metadata__\":{\"format\":\"pt\",\"mg_activations\":\"linear\"},"
                       "\"0.weight\":{\"dtype\":\"F64\",\"shape\":[1,1],\"data_offsets\":[0,8]},"
                       "\"0.bias\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}}";
    size_t len = strlen(json), padded = (len + 7) / 8 * 8;
    cr_assert_eq(n, 8 + padded + 16);
    for (int k = 0; k < 8; k++) cr_expect_eq(b[k], (padded >> (8 * k)) & 0xff);
    cr_expect_eq(memcmp(b + 8, json, len), 0, "header: %.*s", (int)padded, (const char *)b + 8);
    for (size_t k = len; k < padded; k++) cr_expect_eq(b[8 + k], ' ');
    /* 1.5 = 0x3FF8000000000000, -2.0 = 0xC000000000000000 */
    const unsigned char data[16] = {0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0, 0, 0, 0, 0, 0, 0, 0xC0};
    cr_expect_eq(memcmp(b + 8 + padded, data, 16), 0);
    free(b);
    mg_mlp_free(m);
    mg_graph_free(g);
}

/* A file PyTorch's net wrote (float32, its own index layout with a
 * Dropout-free Sequential(Linear(3,5), ReLU(), Linear(5,4), Tanh(),
 * Linear(4,2))), and the outputs PyTorch computed in float64 from those
 * weights on the inputs listed beside them (tools/torch_bridge.py golden). */
Test(safetensors, reads_a_file_pytorch_wrote) {
    mg_graph *g = mg_graph_new();
    FILE *f = fopen(MG_TEST_DATA "/torch/mlp_f32.safetensors", "rb");
    cr_assert(f, "missing " MG_TEST_DATA "/torch/mlp_f32.safetensors");
    char err[256];
    const mg_activation acts[3] = {MG_ACT_RELU, MG_ACT_TANH, MG_ACT_LINEAR};
    mg_mlp *m = mg_mlp_load_safetensors(g, f, NULL, acts, 3, err, sizeof err);
    fclose(f);
    cr_assert(m, "%s", err);
    cr_assert_eq(mg_mlp_n_in(m), 3);
    cr_assert_eq(mg_mlp_layer_size(m, 2), 2);
    mgt_row rows[32];
    int n = mgt_read_tsv("torch/mlp_f32_outputs.tsv", rows, 32);
    cr_assert_gt(n, 0);
    for (int r = 0; r < n; r++) {
        cr_assert_eq(rows[r].n, 4);   /* x0 x1 x2 then "y0,y1" */
        double x[3], y[2];
        for (int k = 0; k < 3; k++) x[k] = mg_num_parse(rows[r].f[k], NULL);
        char *comma;
        y[0] = mg_num_parse(rows[r].f[3], &comma);
        y[1] = mg_num_parse(comma + 1, NULL);
        size_t mark = mg_graph_mark(g);
        mg_value *out[2];
        cr_assert_eq(mg_mlp_forward_d(m, x, out), 2);
        expect_close(out[0]->data, y[0], 1e-12);
        expect_close(out[1]->data, y[1], 1e-12);
        mg_graph_reset(g, mark);
    }
    mg_mlp_free(m);
    mg_graph_free(g);
}

/* A file from a header and data given here; the loader's message. */
static char *load_message(const char *json, const unsigned char *data, size_t n_data,
                          int64_t length_override) {
    static char err[512];
    size_t len = strlen(json);
    uint64_t stated = length_override >= 0 ? (uint64_t)length_override : len;
    unsigned char *buf = malloc(8 + len + n_data + 1);
    for (int k = 0; k < 8; k++) buf[k] = (unsigned char)(stated >> (8 * k));
    memcpy(buf + 8, json, len);
    if (n_data) memcpy(buf + 8 + len, data, n_data);
    mg_graph *g = mg_graph_new();
    mg_mlp *m = mg__safetensors_parse(g, buf, 8 + len + n_data, NULL, NULL, 0, err, sizeof err);
    cr_expect_null(m, "accepted: %s", json);
    mg_mlp_free(m);
    mg_graph_free(g);
    free(buf);
    return err;
}

#define META "\"__metadata__\":{\"mg_activations\":\"linear\"}"
#define W(shape, a, b) "\"0.weight\":{\"dtype\":\"F64\",\"shape\":" shape ",\"data_offsets\":[" a "," b "]}"
#define B(dtype, a, b) "\"0.bias\":{\"dtype\":\"" dtype "\",\"shape\":[1],\"data_offsets\":[" a "," b "]}"

Test(safetensors, bad_files_say_what_is_wrong) {
    static const unsigned char d16[32] = {0};   /* room for the longest data below */
    const struct {
        const char *json;
        size_t n_data;
        int64_t length;
        const char *says;
    } cases[] = {
        {"{}", 0, 0, "does not start with '{'"},
        {"{}", 0, 200000000, "over the limit"},
        {"{}", 0, 4000, "the file has 2 more"},
        {"{" META "," W("[1,1]", "0", "8") "," B("F64", "8", "16") "}", 8, -1, "truncated file"},
        {"{" META "," W("[1,1]", "0", "8") "," B("F64", "8", "16"), 16, -1, "bad JSON header at byte"},
        {"{" META "," W("[1,1]", "0", "8") "," B("F64", "8", "16") "}x", 16, -1, "follows the closing"},
        {"{" META "," W("[1,1]", "0", "8") ";" B("F64", "8", "16") "}", 16, -1, "expected ','"},
        {"{" META "," W("[1,1]", "0", "8") "," B("I64", "8", "16") "}", 16, -1, "dtype I64"},
        {"{" META "," W("[1,1]", "0", "8") "," B("F64", "4", "12") "}", 16, -1, "overlap"},
        {"{" META "," W("[1,1]", "0", "8") "," B("F64", "8", "4") "}", 16, -1, "before the beginning"},
        {"{" META "," W("[1,2]", "0", "8") "," B("F64", "8", "16") "}", 16, -1, "shape and dtype need 16"},
        {"{" META "," W("[1,1]", "0", "8") "," B("F32", "8", "12") "}", 16, -1, "belong to no tensor"},
        {"{" META "," W("[1,1]", "0", "8") "," B("F64", "8", "16") "}", 24, -1, "belong to no tensor"},
        {"{" META "," W("[1,1]", "0", "8") ",\"1.bias\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}}", 16, -1, "lacks"},
        {"{" META "," W("[1,1]", "0", "8") ",\"fc.bias\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}}", 16, -1, "not a layer of torch.nn.Sequential"},
        {"{" META "," W("[1,1,1]", "0", "8") "," B("F64", "8", "16") "}", 16, -1, "must be [out, in]"},
        {"{" W("[1,1]", "0", "8") "," B("F64", "8", "16") "}", 16, -1, "does not say the activations"},
        {"{\"__metadata__\":{\"mg_activations\":\"softmax\"}," W("[1,1]", "0", "8") "," B("F64", "8", "16") "}", 16, -1, "unknown activation 'softmax'"},
        {"{\"__metadata__\":{\"mg_activations\":\"relu,relu\"}," W("[1,1]", "0", "8") "," B("F64", "8", "16") "}", 16, -1, "names 2 activations for 1 layers"},
        {"{\"__metadata__\":{\"n\":5}," W("[1,1]", "0", "8") "," B("F64", "8", "16") "}", 16, -1, "must be strings"},
        {"{" META "," W("[1,1]", "0", "99999999999999999999") "," B("F64", "8", "16") "}", 16, -1, "too large"},
        {"{" META "," W("[1,1]", "00", "8") "," B("F64", "8", "16") "}", 16, -1, "non-negative integer"},
        {"{" META ",\"0.weight\":{\"dtype\":\"F64\",\"shape\":[1,1],\"data_offsets\":[0,8],\"x\":1}," B("F64", "8", "16") "}", 16, -1, "unknown field"},
        {"{" META ",\"0.weight\":{\"dtype\":\"F64\",\"shape\":[1,1]}," B("F64", "8", "16") "}", 16, -1, "without dtype, shape or data_offsets"},
        {"{" META ",\"0.we\\u0000ight\":{\"dtype\":\"F64\",\"shape\":[1,1],\"data_offsets\":[0,8]}," B("F64", "8", "16") "}", 16, -1, "not a layer"},
        {"{" META ",\"\\ud800\":1}", 0, -1, "bad escape"},
        {"{" META "}", 0, -1, "has no tensor"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *msg = load_message(cases[k].json, d16, cases[k].n_data, cases[k].length);
        cr_expect(strstr(msg, cases[k].says), "case %zu: '%s' does not say '%s'", k, msg,
                  cases[k].says);
    }
    /* shorter than the length field itself */
    char err[128];
    mg_graph *g = mg_graph_new();
    cr_expect_null(mg__safetensors_parse(g, (const unsigned char *)"abc", 3, NULL, NULL, 0, err, sizeof err));
    cr_expect(strstr(err, "too short"), "%s", err);
    /* in Spanish, for a graph that speaks it */
    mg_graph_set_lang(g, MG_LANG_ES);
    cr_expect_null(mg__safetensors_parse(g, (const unsigned char *)"abc", 3, NULL, NULL, 0, err, sizeof err));
    cr_expect(strstr(err, "no alcanza"), "%s", err);
    mg_graph_free(g);
}

Test(safetensors, given_activations_win_and_must_fit) {
    mg_graph *g = mg_graph_new();
    const size_t sizes[2] = {3, 1};
    mg_mlp *m = mg_mlp_new(g, 2, sizes, 2, NULL, 1);
    FILE *f = tmpfile();
    cr_assert_eq(mg_mlp_save_safetensors(m, f), 0);
    rewind(f);
    const mg_activation acts[2] = {MG_ACT_RELU, MG_ACT_SIGMOID};
    char err[256];
    mg_mlp *back = mg_mlp_load_safetensors(g, f, NULL, acts, 2, err, sizeof err);
    cr_assert(back, "%s", err);
    cr_expect_eq(mg_mlp_layer_act(back, 0), MG_ACT_RELU);
    cr_expect_eq(mg_mlp_layer_act(back, 1), MG_ACT_SIGMOID);
    rewind(f);
    cr_expect_null(mg_mlp_load_safetensors(g, f, NULL, acts, 1, err, sizeof err));
    cr_expect(strstr(err, "2 layers, but 1 activations"), "%s", err);
    fclose(f);
    cr_expect_eq(mg_mlp_save_safetensors(NULL, stdout), -1);
    mg_mlp_free(m);
    mg_mlp_free(back);
    mg_graph_free(g);
}

/* Two nets in one file under prefixes, each read back by its prefix. */
Test(safetensors, several_nets_under_prefixes) {
    mg_graph *g = mg_graph_new();
    const size_t s1[1] = {3}, s2[2] = {2, 1};
    const mg_activation a1[1] = {MG_ACT_RELU}, a2[2] = {MG_ACT_TANH, MG_ACT_SIGMOID};
    const mg_mlp *nets[2] = {mg_mlp_new(g, 2, s1, 1, a1, 1), mg_mlp_new(g, 3, s2, 2, a2, 2)};
    const char *prefixes[2] = {"fc1", "head"};
    FILE *f = tmpfile();
    cr_assert_eq(mg_safetensors_save(f, nets, prefixes, 2), 0);
    char err[256];
    for (int k = 0; k < 2; k++) {
        rewind(f);
        mg_mlp *back = mg_mlp_load_safetensors(g, f, prefixes[k], NULL, 0, err, sizeof err);
        cr_assert(back, "%s", err);
        cr_assert_eq(mg_mlp_n_params(back), mg_mlp_n_params(nets[k]));
        cr_expect_eq(mg_mlp_layer_act(back, 0), k ? MG_ACT_TANH : MG_ACT_RELU);
        for (size_t i = 0; i < mg_mlp_n_params(back); i++)
            cr_expect_eq(mg_mlp_params(back)[i]->data, mg_mlp_params(nets[k])[i]->data);
        mg_mlp_free(back);
    }
    /* without a prefix the names are not a Sequential's */
    rewind(f);
    cr_expect_null(mg_mlp_load_safetensors(g, f, NULL, NULL, 0, err, sizeof err));
    cr_expect(strstr(err, "'fc1.0.weight' is not a layer"), "%s", err);
    rewind(f);
    cr_expect_null(mg_mlp_load_safetensors(g, f, "fc9", NULL, 0, err, sizeof err));
    cr_expect(strstr(err, "no tensor 'fc9.<index>.weight'"), "%s", err);
    fclose(f);
    const char *bad[1] = {"a\"b"};
    cr_expect_eq(mg_safetensors_save(stdout, nets, bad, 1), -1);
    mg_mlp_free((mg_mlp *)nets[0]);
    mg_mlp_free((mg_mlp *)nets[1]);
    mg_graph_free(g);
}
