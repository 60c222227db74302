#!/bin/sh
# check_layers.sh -- the library's layers, checked from the code itself.
#
#   tools/check_layers.sh [SRC_DIR [OBJ_DIR]]
#   tools/check_layers.sh --dot [SRC_DIR]    the include graph as DOT instead
#
# SRC_DIR (default src) holds one folder per layer.  Every #include "..."
# of a file in SRC_DIR must stay in its own layer or go down to core:
#
#   core    uses core only
#   teach   uses teach and core
#   train   uses train and core
#   nn      uses nn, train (the seeded PRNG) and core
#   fast    uses fast and core; nothing includes fast/ (the other layers
#           reach it through the public mg_tape_* calls), but for one
#           narrow interface: nn's batches (nn/batch.c) use fast/dense.h
#           and its mg__dense_* calls
#
# and no chain of includes may come back to where it started.  When OBJ_DIR
# (e.g. build/obj) holds the compiled objects, the same rules are checked on
# calls, read from the symbols each object defines and uses (nm): no object
# of core calls into another layer, no layer calls into fast but through the
# public API, and no two files call each other in a circle.
#
# Prints every violation and exits 1 if there is one, 0 otherwise.
set -u
dot=0
if [ "${1:-}" = "--dot" ]; then dot=1; shift; fi
src=${1:-src}
obj=${2:-}
[ -d "$src/core" ] || { echo "check-layers: no $src/core" >&2; exit 2; }

edges=$(mktemp)
trap 'rm -f "$edges"' EXIT

# every include edge "from to", both as paths under src
for f in "$src"/*/*.c "$src"/*/*.h; do
    [ -f "$f" ] || continue
    rel=${f#"$src"/}
    sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" |
        while read -r inc; do
            case $inc in micrograd.h) continue ;; esac
            printf '%s %s\n' "$rel" "$inc"
        done
done > "$edges"

if [ $dot = 1 ]; then
    # one cluster per layer, the files in it, an arrow per include; the
    # public header sits below everything (every layer may include it)
    for f in "$src"/*/*.c "$src"/*/*.h; do [ -f "$f" ] && echo "${f#"$src"/}"; done |
    awk -v edges="$edges" '
    function layer(p) { sub(/\/.*/, "", p); return p }
    { files[++nf] = $0; l = layer($0); if (!(l in seen)) { seen[l] = 1; layers[++nl] = l } }
    END {
        print "digraph layers {"
        print "  rankdir=TB; node [shape=box, fontname=\"Helvetica\", fontsize=10];"
        print "  edge [color=\"#555555\", arrowsize=0.6];"
        split("core teach train nn fast", order, " ")
        for (k = 1; k <= 5; k++) {
            l = order[k]; if (!(l in seen)) continue
            printf "  subgraph \"cluster_%s\" { label=\"src/%s\"; style=rounded; color=\"#888888\";\n", l, l
            for (i = 1; i <= nf; i++) if (layer(files[i]) == l) printf "    \"%s\";\n", files[i]
            print "  }"
        }
        while ((getline line < edges) > 0) { split(line, e, " "); printf "  \"%s\" -> \"%s\";\n", e[1], e[2] }
        print "}"
    }'
    exit 0
fi

# check EDGES WHAT: the layer rule on every "from to [symbol]" line of EDGES
# (WHAT: includes or calls), then circles: files that use nothing left, and
# files nothing left uses, are dropped again and again; whatever remains
# sits on a circle.
check() {
    awk -v what="$2" '
    function layer(p) { sub(/\/.*/, "", p); return p }
    function allowed(from, to, sym, file) {
        return to == from || to == "core" || from == "nn" && to == "train" ||
               to == "fast" && sym ~ /^mg_tape_/ ||
               from == "nn" && (file == "fast/dense.h" || file == "fast/dense.o" && sym ~ /^mg__dense_/)
    }
    $1 != $2 {
        if (!allowed(layer($1), layer($2), $3, $2)) {
            printf "check-layers: %s %s %s%s: %s may not use %s\n", $1, what, $2,
                   $3 ? " (" $3 ")" : "", layer($1), layer($2)
            bad = 1
        }
        if (!(($1, $2) in seen)) { seen[$1, $2] = 1; n[$1]++; out[$1, n[$1]] = $2; node[$1] = 1; node[$2] = 1 }
    }
    END {
        do {
            changed = 0
            for (v in used) delete used[v]
            for (v in node)
                for (k = 1; k <= n[v]; k++) if (out[v, k] in node) used[out[v, k]] = 1
            for (v in node) {
                live = 0
                for (k = 1; k <= n[v]; k++) if (out[v, k] in node) live = 1
                if (!live || !(v in used)) { delete node[v]; changed = 1 }
            }
        } while (changed)
        for (v in node) { printf "check-layers: %s is on a circle of %s\n", v, what; bad = 1 }
        exit bad
    }' "$1"
}

status=0
check "$edges" includes || status=1

# the same on calls, when the objects are there: who uses a symbol that
# another file defines
if [ -n "$obj" ] && [ -d "$obj/core" ]; then
    command -v nm >/dev/null 2>&1 || { echo "check-layers: nm not found; calls not checked" >&2; exit $status; }
    calls=$(mktemp)
    for o in "$obj"/*/*.o; do
        rel=${o#"$obj"/}
        nm -g "$o" 2>/dev/null | awk -v f="$rel" '$1 == "U" { print "U", f, $2 } NF >= 3 && $2 ~ /^[TDBR]$/ { print "D", f, $3 }'
    done | awk '$1 == "D" { def[$3] = $2; next } { use[++nu] = $2 " " $3 }
        END { for (i = 1; i <= nu; i++) { split(use[i], u, " "); if (u[2] in def) print u[1], def[u[2]], u[2] } }' > "$calls"
    check "$calls" calls || status=1
    rm -f "$calls"
fi

[ $status = 0 ] && echo "check-layers: includes${obj:+ and calls} run one way, down to core, with no circle"
exit $status
