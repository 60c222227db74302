#!/bin/sh
# embed_assets.sh -- write src/teach/page_assets.c: the page's script and
# style sheet (src/teach/page.js, page.css, the files to edit) as C string
# tables, one string per line, so the library needs no file at run time.
#   sh tools/embed_assets.sh > src/teach/page_assets.c      (make page-assets)
# A test checks that the tables match the files.
set -eu
cd "$(dirname "$0")/.."

# one C string per line: backslash and quote escaped, '?' as \? (no
# trigraphs under -std=c11), the newline kept
table() {
    echo "const char *const $1[] = {"
    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' -e 's/^/    "/' -e 's/$/\\n",/' "$2"
    echo "    0,"
    echo "};"
}

cat <<'HEAD'
/* page_assets.c -- made by tools/embed_assets.sh from src/teach/page.js and
 * src/teach/page.css; do not edit: edit those and run make page-assets. */
#include <stddef.h>

extern const char *const mg__page_js[];
extern const char *const mg__page_css[];

HEAD
table mg__page_js src/teach/page.js
echo
table mg__page_css src/teach/page.css
