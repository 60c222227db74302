#!/bin/sh
# check_layers_test.sh -- the layer check must fail when a layer is broken:
# each case below doctors a copy of src/ and expects tools/check_layers.sh to
# refuse it (and to accept the untouched copy).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0

run_case() {   # name, file to doctor, line to add at its top
    rm -rf "$work/src"
    cp -R "$top/src" "$work/src"
    if [ -n "$2" ]; then
        { printf '%s\n' "$3"; cat "$work/src/$2"; } > "$work/src/$2.new" &&
            mv "$work/src/$2.new" "$work/src/$2"
    fi
    if sh "$top/tools/check_layers.sh" "$work/src" > "$work/out" 2>&1; then got=pass; else got=fail; fi
    want=fail
    [ -z "$2" ] && want=pass
    if [ "$got" = "$want" ]; then
        echo "check-layers self-test: $1: the check ${got}ed, as it should"
    else
        echo "check-layers self-test: $1: the check ${got}ed, but it should ${want}:" >&2
        cat "$work/out" >&2
        fails=$((fails + 1))
    fi
}

run_case "the tree as it is" "" ""
run_case "core including teach (upwards)" core/ops.c '#include "teach/teach.h"'
run_case "teach including fast" teach/dot.c '#include "fast/fast.h"'
run_case "nn including teach (sideways)" nn/mlp.c '#include "teach/teach.h"'
run_case "nn including fast beyond dense.h" nn/mlp.c '#include "fast/fast.h"'
run_case "train including fast/dense.h" train/loss.c '#include "fast/dense.h"'
run_case "a circle inside core" core/core.h '#include "core/ops.h"'
[ $fails = 0 ]
