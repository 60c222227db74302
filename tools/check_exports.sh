#!/bin/sh
# check_exports.sh SHARED HEADER -- the shared library must export exactly
# the functions the header marks MG_API: no internal mg__ helper, no stray
# symbol, and none missing.  Prints the difference and exits 1 when there is
# one.
set -u
lib=$1 header=$2
command -v nm >/dev/null 2>&1 || { echo "check-exports: nm not found" >&2; exit 2; }
want=$(mktemp) got=$(mktemp)
trap 'rm -f "$want" "$got"' EXIT
# every MG_API prototype's name: the identifier just before its '('
sed -n 's/^MG_API[^(]*[^A-Za-z0-9_(]\([A-Za-z_][A-Za-z0-9_]*\)(.*/\1/p' "$header" | sort -u > "$want"
case $(uname -s) in
Darwin) nm -gU "$lib" | awk '$2 ~ /^[TDBS]$/ { sub(/^_/, "", $3); print $3 }' ;;
*)      nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ { print $3 }' ;;
esac | grep -v '^_' | sort -u > "$got"
extra=$(comm -13 "$want" "$got")
missing=$(comm -23 "$want" "$got")
status=0
if [ -n "$extra" ]; then
    echo "check-exports: $lib exports what the header does not declare:" >&2
    echo "$extra" | sed 's/^/    /' >&2
    status=1
fi
if [ -n "$missing" ]; then
    echo "check-exports: $lib does not export these MG_API functions:" >&2
    echo "$missing" | sed 's/^/    /' >&2
    status=1
fi
[ $status = 0 ] && echo "check-exports: $lib exports the header's $(wc -l < "$want" | tr -d ' ') MG_API functions and nothing else"
exit $status
