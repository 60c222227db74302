#!/bin/sh
# dist_test.sh -- make dist's tarball builds and passes make test from its
# own contents, with nothing from the checkout it came from.
set -eu
make dist >/dev/null
tarball=$(ls -t micrograd-c-*.tar.gz | head -n 1)
work=$(mktemp -d)
trap 'rm -rf "$work" "$tarball"' EXIT
tar xzf "$tarball" -C "$work"
dir=$(ls "$work")
make -C "$work/$dir" -j2 all >/dev/null
make -C "$work/$dir" test > "$work/test.log" 2>&1 || { tail -20 "$work/test.log" >&2; exit 1; }
grep 'Synthesis' "$work/test.log" | tail -n 1
echo "dist: $tarball builds and passes make test on its own"
