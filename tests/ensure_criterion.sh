#!/bin/sh
# Make sure the Criterion test framework can be compiled against; install it
# with apt when we are allowed to, otherwise say exactly what to run.
cc=${1:-cc}
have() { printf '#include <criterion/criterion.h>\n' | "$cc" -E -x c - >/dev/null 2>&1; }
have && exit 0
echo "make test: Criterion (libcriterion-dev) is not installed; installing it with apt-get." >&2
if command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libcriterion-dev >&2
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n apt-get update -qq && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libcriterion-dev >&2
    fi
fi
have && exit 0
echo "make test: could not install Criterion. Run this, then make test again:" >&2
echo "    sudo apt-get update && sudo apt-get install -y libcriterion-dev" >&2
exit 1
