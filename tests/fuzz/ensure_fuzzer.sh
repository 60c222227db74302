#!/bin/sh
# Make sure clang can build a libFuzzer target; when it cannot, say which
# package brings the runtime (on Debian: clang's libclang-rt-NN-dev).
cc=${1:-clang}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$tmp/t.c"
"$cc" -fsanitize=fuzzer,address,undefined "$tmp/t.c" -o "$tmp/t" 2>"$tmp/err" && exit 0
echo "make fuzz: '$cc -fsanitize=fuzzer' does not link:" >&2
head -n 3 "$tmp/err" >&2
ver=$("$cc" --version 2>/dev/null | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n 1)
echo "make fuzz: install clang's sanitizer and fuzzer runtime, e.g." >&2
echo "    sudo apt-get install -y libclang-rt-${ver:-NN}-dev      (apt-cache search libclang-rt)" >&2
exit 1
