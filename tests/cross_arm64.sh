#!/bin/sh
# cross_arm64.sh -- students bring ARM laptops: build the library, the
# examples and mgrad for arm64 (static, with Debian's gcc-aarch64-linux-gnu)
# and run them under qemu-user: micrograd's demo must end on the same final
# loss to the bit, and the Mazur walk-through and an mgrad table must print
# exactly what the native build prints.
set -eu
# the programs speak the environment's language; the checks below read English
unset LANGUAGE LC_ALL LC_MESSAGES
export LANG=C
cc=${CROSS_CC:-aarch64-linux-gnu-gcc}
qemu=${QEMU:-qemu-aarch64-static}
for tool in "$cc" "$qemu"; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "cross-arm64: $tool not found (apt-get install gcc-aarch64-linux-gnu qemu-user-static)" >&2
        exit 1
    }
done
make -j2 all >/dev/null
make -j2 CC="$cc" AR="${cc%gcc}ar" BUILD=build/arm64 LDFLAGS=-static examples build/arm64/mgrad >/dev/null

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$qemu" build/arm64/examples/moons --reference data/micrograd_demo --quiet > "$out/moons" ||
    { echo "cross-arm64: moons failed under qemu" >&2; exit 1; }
grep -q 'final loss 0.010978370135492717,' "$out/moons" &&
    grep -q 'final loss identical to the bit' "$out/moons" ||
    { echo "cross-arm64: the demo's final loss differs on arm64:" >&2; cat "$out/moons" >&2; exit 1; }

"$qemu" build/arm64/examples/mazur > "$out/mazur.arm64"
build/examples/mazur > "$out/mazur.native"
cmp -s "$out/mazur.arm64" "$out/mazur.native" ||
    { echo "cross-arm64: the Mazur walk-through differs:" >&2; diff "$out/mazur.native" "$out/mazur.arm64" | head -20 >&2; exit 1; }

set -- eval --tsv 'n = x1*w1 + x2*w2 + b; o = tanh(n)' x1=2 x2=0 w1=-3 w2=1 b=6.8813735870195432
"$qemu" build/arm64/mgrad "$@" > "$out/mgrad.arm64"
build/mgrad "$@" > "$out/mgrad.native"
cmp -s "$out/mgrad.arm64" "$out/mgrad.native" ||
    { echo "cross-arm64: mgrad prints other numbers on arm64" >&2; diff "$out/mgrad.native" "$out/mgrad.arm64" >&2; exit 1; }
# the MNIST course net (mg_batch: NEON there, AVX2 or SSE2 here) on the
# sample of real digits: the trained parameters, saved, are the same bytes
set -- --epochs 3 --hidden 16,8 --act sigmoid,relu tests/data/mnist/images-idx3-ubyte tests/data/mnist/labels-idx1-ubyte
"$qemu" build/arm64/examples/mnist01 --save "$out/mnist.arm64" "$@" >/dev/null
build/examples/mnist01 --save "$out/mnist.native" "$@" >/dev/null
cmp -s "$out/mnist.arm64" "$out/mnist.native" ||
    { echo "cross-arm64: mnist01 trains other numbers on arm64" >&2; exit 1; }
echo "cross-arm64: the demo is bit-exact, the walk-through and mgrad print the same, and mnist01"
echo "             trains the same bits on arm64 (qemu)"
