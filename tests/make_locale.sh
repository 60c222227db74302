#!/bin/sh
# make_locale.sh DIR LOCALE -- build LOCALE (e.g. es_CL, a decimal-comma
# locale) with localedef into DIR/LOCALE.UTF-8, for use with LOCPATH=DIR
# LC_ALL=LOCALE.UTF-8.  Nothing is installed system-wide.  Does nothing when
# it is already there.  Exits 1 with the reason when it cannot be built
# (no localedef, or no locale sources: on Debian, apt-get install locales).
dir=$1 name=$2
[ -n "$dir" ] && [ -n "$name" ] || { echo "usage: make_locale.sh DIR LOCALE" >&2; exit 2; }
out="$dir/$name.UTF-8"
[ -f "$out/LC_NUMERIC" ] && exit 0
if ! command -v localedef >/dev/null 2>&1; then
    echo "localedef is not installed (Debian: apt-get install locales)"
    exit 1
fi
mkdir -p "$dir" || exit 1
# -c: write the locale even when localedef warns about its sources
if ! msg=$(localedef -c -i "$name" -f UTF-8 "$out" 2>&1) || [ ! -f "$out/LC_NUMERIC" ]; then
    rm -rf "$out"
    echo "localedef could not build $name.UTF-8: $(echo "$msg" | head -n 3)" \
         "(its sources come with the locales package: apt-get install locales)"
    exit 1
fi
exit 0
