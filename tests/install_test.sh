#!/bin/sh
# install_test.sh -- install into a fresh non-system prefix, build the
# README's first program against it both ways (pkg-config and CMake's
# find_package), delete the build tree it came from, and run both programs;
# then uninstall and check that nothing is left behind.
#
#   sh tests/install_test.sh            (from the top of a checkout)
set -eu
top=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

# a copy of the sources, so that its build tree can be deleted afterwards
mkdir "$work/src"
(cd "$top" && tar cf - --exclude=./build --exclude=./.git .) | (cd "$work/src" && tar xf -)
make -C "$work/src" -j2 lib mgrad >/dev/null
make -C "$work/src" install PREFIX="$prefix" >/dev/null

# the README's first program, as the README shows it
awk '/^## A first program/ { on = 1 } on && /^```c$/ { code = 1; next } code && /^```$/ { exit } code' \
    "$top/README.md" > "$work/first.c"
grep -q 'mg_backward' "$work/first.c" || { echo "install test: no first program in README.md" >&2; exit 1; }

# pkg-config (the .pc file finds its prefix from where it lies)
pc="env PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config"
cc -std=c11 -Wall -Werror "$work/first.c" $($pc --cflags micrograd) $($pc --libs micrograd) -lm \
    -Wl,-rpath,"$prefix/lib" -o "$work/first-pkgconfig"

# CMake
mkdir "$work/cm"
cat > "$work/cm/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.13)
project(first C)
find_package(micrograd 0.1 REQUIRED)
add_executable(first first.c)
target_link_libraries(first PRIVATE micrograd::micrograd)
CM
cp "$work/first.c" "$work/cm/"
cmake -S "$work/cm" -B "$work/cm/build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/cm/build" >/dev/null

rm -rf "$work/src"   # nothing may come from the build tree now
want='L = -8, dL/da = 6, dL/db = -4'
for p in "$work/first-pkgconfig" "$work/cm/build/first"; do
    got=$("$p")
    [ "$got" = "$want" ] || { echo "install test: $p printed '$got', want '$want'" >&2; exit 1; }
    readelf -d "$p" 2>/dev/null | grep -q 'libmicrograd.so.0' ||
        { echo "install test: $p is not linked against libmicrograd.so.0" >&2; exit 1; }
done
"$prefix/bin/mgrad" eval 'L = (a*b + c)*f' a=2 b=-3 c=10 f=-2 >/dev/null
[ -f "$prefix/share/man/man1/mgrad.1" ] && [ -f "$prefix/share/micrograd/micrograd_demo/moons.csv" ] &&
    [ -f "$prefix/share/micrograd/worksheets/lecture.mg" ]
echo "install test: pkg-config and CMake builds of the README's first program run from $prefix"

# uninstall leaves no file behind (empty folders may stay)
mkdir "$work/src"
(cd "$top" && tar cf - --exclude=./build --exclude=./.git .) | (cd "$work/src" && tar xf -)
make -C "$work/src" uninstall PREFIX="$prefix" >/dev/null
left=$(find "$prefix" -type f -o -type l)
[ -z "$left" ] || { echo "install test: uninstall left:" >&2; echo "$left" >&2; exit 1; }
echo "install test: uninstall removed every file install wrote"
