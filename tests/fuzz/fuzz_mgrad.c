/* fuzz_mgrad.c -- libFuzzer target for the mgrad parser and evaluator.
 *
 * The first byte chooses what to run: bits 0-2 the output mode, bit 3
 * --tsv, bit 4 --check-finite, bit 5 no command-line leaves, bit 6 a file
 * name in messages and Spanish (the messages' other path); with its top bit set, the rest of the input is split at NUL bytes
 * into command-line arguments for mgrad_main (the option parser), else it is
 * the program text itself, evaluated with a few fixed leaves.  Output goes
 * to /dev/null: only crashes, sanitizer reports, leaks and hangs count.
 *
 *     make fuzz FUZZ_SECONDS=60
 */
#include "../../tools/mgrad/mgrad.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The Criterion suite replays the corpus through this same function under
 * another name (tests/test_fuzz_corpus.c). */
#ifndef MG_FUZZ_ENTRY
#define MG_FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int MG_FUZZ_ENTRY(const uint8_t *data, size_t size);

static FILE *sink(void) {
    static FILE *null;
    if (!null) null = fopen("/dev/null", "w");
    return null;
}

/* The rest of the input as argv, split at NUL bytes.  Never -f: a fuzzed
 * file name could name a device that never ends; never --html or --svg: a
 * fuzzed file name would be written (the pictures are fuzzed through
 * MGRAD_SVG into the sink instead). */
static void run_argv(const uint8_t *data, size_t size) {
    char *buf = malloc(size + 1), *argv[33] = {"mgrad"};
    if (!buf) return;
    memcpy(buf, data, size);
    buf[size] = 0;
    int argc = 1;
    for (size_t i = 0; i <= size && argc < 33; argc++) {
        argv[argc] = buf + i;
        if (!strcmp(argv[argc], "-f") || !strncmp(argv[argc], "--file", 6) ||
            !strncmp(argv[argc], "--html", 6) || !strncmp(argv[argc], "--svg", 5))
            goto done;
        i += strlen(buf + i) + 1;
    }
    FILE *in = fopen("/dev/null", "r");
    if (in) {
        mgrad_main(argc, argv, in, sink(), sink());
        fclose(in);
    }
done:
    free(buf);
}

int MG_FUZZ_ENTRY(const uint8_t *data, size_t size) {
    if (size < 1 || !sink()) return 0;
    unsigned sel = data[0];
    if (sel & 0x80) {
        run_argv(data + 1, size - 1);
        return 0;
    }
    static const mgrad_mode modes[] = {MGRAD_TABLE,   MGRAD_JSON,      MGRAD_DUMP, MGRAD_TRACE,
                                       MGRAD_EXPLAIN, MGRAD_GRADCHECK, MGRAD_DOT,  MGRAD_SVG,
                                       MGRAD_D2,      MGRAD_HESSIAN,   MGRAD_FORWARD};
    /* selector 7 picks the picture (SVG) or one of the modes of derivatives, by length */
    size_t mode = (sel & 7) < 7 ? (sel & 7) : 7 + size % 4;
    mgrad_opts o = {0};
    o.mode = modes[mode];
    o.tsv = (sel >> 3) & 1;
    o.check_finite = (sel >> 4) & 1;
    o.explain = "a";
    o.page = "-";   /* MGRAD_SVG: the picture into the sink */
    o.wrt = "a";
    o.no_grad = o.mode == MGRAD_DOT && ((sel >> 3) & 1);
    o.lang = (sel >> 6) & 1 ? MG_LANG_ES : MG_LANG_EN;
    char *defs[] = {"a=2", "b=-3", "c=10", "f=-2", "x=0.5", "y=0", "big=1e300", "tiny=-1e-300"};
    size_t n_defs = (sel >> 5) & 1 ? 0 : sizeof defs / sizeof *defs;
    mgrad_run(&o, (const char *)data + 1, size - 1, (sel >> 6) & 1 ? "fuzz.mg" : NULL, defs, n_defs,
              sink(), sink());
    return 0;
}
