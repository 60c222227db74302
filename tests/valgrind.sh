#!/bin/sh
# valgrind.sh BUILD -- run every built example (default arguments) and mgrad
# on good and bad input under valgrind; fail on any memory error or any
# definite or indirect leak.  `make valgrind` calls this.
#
# A run counts as clean when valgrind writes nothing to its log: with -q it
# writes only errors, and leaks of those kinds are errors here.  Its exit
# status alone cannot tell (--error-exitcode=1, and mgrad exits 1 and 2 on
# purpose), so the program's own status is checked separately; an example
# that exits non-zero saying its input files are absent is reported as
# skipped, any other non-zero exit fails.
build=${1:-build}
command -v valgrind >/dev/null 2>&1 || {
    echo "valgrind: not installed (apt-get install valgrind)" >&2
    exit 1
}
vg="valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect"
log=$(mktemp)
trap 'rm -f "$log" "$log.in"' EXIT
fails=0

# check NAME WANT CMD... : WANT is the exit status expected, or "files": 0,
# or skipped when it fails saying a file is missing (mnist01 without MNIST)
check() {
    name=$1 want=$2
    shift 2
    $vg --log-file="$log" "$@" >/dev/null 2>"$log.err" <"${stdin:-/dev/null}"
    status=$?
    if [ -s "$log" ]; then
        echo "FAIL $name: valgrind found errors:"; cat "$log"; fails=$((fails + 1))
    elif [ "$want" = files ] && [ $status != 0 ] && grep -qi 'no such file' "$log.err"; then
        echo "skip $name (its input files are absent: $(head -n 1 "$log.err"))"
    elif [ "$want" = files ] && [ $status != 0 ]; then
        echo "FAIL $name: exit $status"; head -n 3 "$log.err"; fails=$((fails + 1))
    elif [ "$want" != files ] && [ $status != "$want" ]; then
        echo "FAIL $name: exit $status, expected $want"; head -n 3 "$log.err"; fails=$((fails + 1))
    else
        echo "ok   $name"
    fi
    rm -f "$log.err"
    stdin=   # `stdin=FILE check ...` may outlive the call in some shells
}

for ex in "$build"/examples/*; do
    [ -x "$ex" ] || continue
    check "${ex##*/}" files "$ex"
done

m=$build/mgrad
check "mgrad lecture" 0 $m eval 'e = a*b; d = e + c; L = d*f' a=2 b=-3 c=10 f=-2
# the pages (issue 16): layout, page and training pages
page=$(mktemp)
check "mgrad --html --quiz" 0 $m eval --html "$page" --quiz 'e = a*b; d = e + c; L = tanh(d*f)' a=2 b=-3 c=1 f=-2
check "mgrad --svg" 0 $m eval --svg "$page" 'L = a*a + exp(b)/(a + 3)' a=2 b=-3
check "mazur --html --svg" 0 "$build/examples/mazur" --steps 50 --html "$page" --svg "$page.svg"
check "mlp --html" 0 "$build/examples/mlp" --steps 2 --html "$page"
rm -f "$page" "$page.svg"
check "mgrad --json" 0 $m eval --json 'y = tanh(x)*sigmoid(x) + exp(x)/log(x + 2)' x=0.5
check "mgrad --tsv" 0 $m eval --tsv '-a**2 + 2**3**2 + relu(a - 1)' a=3
for mode in --dump --trace "--explain=a" --gradcheck --dot; do
    check "mgrad $mode" 0 $m eval $mode 's = a*a; L = (s*b + c)*f' a=2 b=-3 c=10 f=-2
done
for mode in "--d2=a" --hessian "--forward=b"; do
    check "mgrad $mode" 0 $m eval $mode 's = a*a; L = (s*b + c)*f + relu(a)*tanh(b)' a=2 b=-3 c=10 f=-2
done
check "mgrad log(0) --check-finite" 1 $m eval --check-finite 'y = log(x)' x=0
check "mgrad unclosed" 2 $m eval '(a + b' a=1 b=2
check "mgrad unknown name" 2 $m eval 'a * zz' a=1
check "mgrad bad value" 2 $m eval 'a' a=abc
check "mgrad --help" 0 $m --help
# Spanish: the other half of every message, and Unicode names
check "mazur --lang es" 0 "$build/examples/mazur" --lang es --steps 10 --trace --dump
check "activity --lang es" 0 "$build/examples/activity" --lang es
check "mgrad --lang es names" 0 $m --lang es eval --trace 'pérdida = (η*σ - 1)**2' η=0.5 σ=3
check "mgrad --lang es decimal comma" 2 $m --lang es eval 'L = 3,5*a' a=1
check "mgrad --lang es bad value" 2 $m --lang es eval 'L = a' a=1,5

# the MNIST examples on the sample of real digits in tests/data/mnist
# (issue 17): the fast batch path, the teaching graph, saving and loading
mn=tests/data/mnist
st=$(mktemp)
check "mnist01 sample" 0 "$build"/examples/mnist01 --epochs 2 --save "$st" $mn/images-idx3-ubyte $mn/labels-idx1-ubyte
check "mnist01 sample --load --teaching-graph" 0 "$build"/examples/mnist01 --epochs 1 --teaching-graph --load "$st" $mn/images-idx3-ubyte $mn/labels-idx1-ubyte
check "mnist10 sample" 0 "$build"/examples/mnist10 --epochs 1 --optim nesterov --hidden 16,8 --act relu,tanh $mn/images-idx3-ubyte $mn/labels-idx1-ubyte
check "mnist01 bad file" 2 "$build"/examples/mnist01 --load $mn/labels-idx1-ubyte $mn/images-idx3-ubyte $mn/labels-idx1-ubyte
rm -f "$st"
printf 'a +\0 1' >"$log.in"; stdin=$log.in check "mgrad NUL byte" 2 $m eval -f - a=1
printf '# \377\n1' >"$log.in"; stdin=$log.in check "mgrad bad UTF-8" 2 $m eval
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "("; printf "a"; for (i = 0; i < 100000; i++) printf ")" }' >"$log.in"
stdin=$log.in check "mgrad 100000 parentheses" 2 $m eval -f - a=1
awk 'BEGIN { printf "a*b"; for (i = 1; i < 262144; i++) printf "+a*b" }' >"$log.in"
stdin=$log.in check "mgrad 1 MB expression" 0 $m eval -f - a=2 b=3

# hostile input (issue 20): the error paths free what they made
printf 'r,g,label\n1,2,0\n3,4,1\n' >"$log.in"
check "font_shade --data with two columns" 2 "$build/examples/font_shade" --steps 1 --data "$log.in"
check "mgrad 1e-400" 2 $m eval 'L = x*2' x=1e-400
# the IDX loader's success path: a generated pair of 6 images of 3x4 pixels
# (labels 0 1 2 1 0 1; mnist01 keeps the 0s and 1s and trains on them)
idx=$(mktemp -d)
printf '\000\000\010\003\000\000\000\006\000\000\000\003\000\000\000\004' >"$idx/img"
LC_ALL=C awk 'BEGIN { for (i = 0; i < 72; i++) printf "%c", (i * 37) % 255 + 1 }' >>"$idx/img"
printf '\000\000\010\001\000\000\000\006\000\001\002\001\000\001' >"$idx/lab"
check "mnist01 on a generated IDX pair" 0 "$build/examples/mnist01" --epochs 2 "$idx/img" "$idx/lab"
rm -rf "$idx"

[ $fails = 0 ] && echo "valgrind: all clean" && exit 0
echo "valgrind: $fails failed"
exit 1
