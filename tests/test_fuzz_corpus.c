/* test_fuzz_corpus.c -- every input in tests/fuzz/corpus_* (mgrad, csv,
 * safetensors, mlp_load, idx), replayed through the fuzz targets' own
 * entry points.
 * A crash the fuzzer finds is saved into the corpus, and from then on it is
 * a regression test here, under gcc, clang and the sanitizers alike. */
#define _POSIX_C_SOURCE 200809L   /* opendir, fmemopen */
#include "test_util.h"

#include <dirent.h>

#define MG_FUZZ_ENTRY fuzz_mgrad_one
#include "fuzz/fuzz_mgrad.c"
#undef MG_FUZZ_ENTRY
#define MG_FUZZ_ENTRY fuzz_csv_one
#include "fuzz/fuzz_csv.c"
#undef MG_FUZZ_ENTRY
#define MG_FUZZ_ENTRY fuzz_safetensors_one
#include "fuzz/fuzz_safetensors.c"
#undef MG_FUZZ_ENTRY
#define MG_FUZZ_ENTRY fuzz_mlp_load_one
#include "fuzz/fuzz_mlp_load.c"
#undef MG_FUZZ_ENTRY
#define MG_FUZZ_ENTRY fuzz_idx_one
#include "fuzz/fuzz_idx.c"
#undef MG_FUZZ_ENTRY

/* Run every file in dir through fn; returns how many there were. */
static int replay(const char *dir, int (*fn)(const uint8_t *, size_t)) {
    DIR *d = opendir(dir);
    cr_assert(d, "cannot open %s (run the tests from the project root)", dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        cr_assert(f, "cannot open %s", path);
        static uint8_t buf[1 << 20];
        size_t len = fread(buf, 1, sizeof buf, f);
        fclose(f);
        fn(buf, len);   /* the targets abort on a broken invariant */
        n++;
    }
    closedir(d);
    return n;
}

Test(fuzz_corpus, mgrad_inputs_run_clean) {
    cr_expect_geq(replay("tests/fuzz/corpus_mgrad", fuzz_mgrad_one), 10);
}

Test(fuzz_corpus, csv_inputs_run_clean) {
    cr_expect_geq(replay("tests/fuzz/corpus_csv", fuzz_csv_one), 5);
}

Test(fuzz_corpus, model_files_run_clean) {
    cr_expect_geq(replay("tests/fuzz/corpus_mlp_load", fuzz_mlp_load_one), 10);
}

Test(fuzz_corpus, idx_pairs_run_clean) {
    cr_expect_geq(replay("tests/fuzz/corpus_idx", fuzz_idx_one), 8);
}

Test(fuzz_corpus, safetensors_inputs_run_clean) {
    cr_expect_geq(replay("tests/fuzz/corpus_safetensors", fuzz_safetensors_one), 8);
}
