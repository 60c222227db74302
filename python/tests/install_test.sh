#!/bin/sh
# install_test.sh -- the package installs with pip and no network
# (pip install --no-build-isolation ./python), carries the library inside
# it, and works from anywhere: the published-number tests run against the
# installed copy, from a scratch folder, with no MICROGRAD_LIB set.
#
#   sh python/tests/install_test.sh PYTHON LIBRARY    (from the top of a checkout)
set -eu
py=${1:-/usr/bin/python3}
lib=$2
top=$(pwd)
for m in pip setuptools wheel; do
    "$py" -c "import $m" 2>/dev/null || {
        echo "install test: $py has no $m (on Debian: apt-get install python3-$m)" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

MICROGRAD_LIB="$top/$lib" "$py" -m pip install -q --no-build-isolation --no-deps --no-index \
    --target "$work/site" ./python 2>&1 | grep -v -e "Running pip as the 'root' user" || true
[ -f "$work/site/micrograd_c/$(basename "$lib")" ] ||
    { echo "install test: the library was not bundled into the package" >&2; exit 1; }

mkdir "$work/run"
cp python/tests/conftest.py python/tests/test_published.py python/tests/test_nn.py "$work/run/"
cp python/bench/plain_engine.py "$work/run/"
cd "$work/run"
env -u MICROGRAD_LIB MICROGRAD_C_INSTALLED=1 PYTHONPATH="$work/site:$work/run" \
    MICROGRAD_TEST_DATA="$top/tests/data" "$py" -m pytest -q -p no:cacheprovider . |
    tail -n 1
got=$(env -u MICROGRAD_LIB PYTHONPATH="$work/site" "$py" -c \
    'import micrograd_c; print(micrograd_c.library_path)')
case "$got" in
"$work/site/micrograd_c/"*) echo "install test: pip install ./python works offline; the package uses its bundled $got" ;;
*) echo "install test: the installed package loaded $got instead of its bundled copy" >&2; exit 1 ;;
esac
