#!/bin/sh
# need.sh PYTHON [MODULE...] -- say clearly, and fail, when the Python the
# make targets use is missing, or cannot import a module they need.
py=$1
shift
command -v "$py" >/dev/null 2>&1 || {
    echo "micrograd_c: no Python at $py (on Debian: apt-get install python3; or make ... PYTHON=...)" >&2
    exit 1
}
for m in "$@"; do
    "$py" -c "import $m" 2>/dev/null || {
        echo "micrograd_c: $py cannot import $m (on Debian: apt-get install python3-$m)" >&2
        exit 1
    }
done
