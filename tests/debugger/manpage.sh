#!/usr/bin/env bash
# manpage.sh SPACE MANPAGE: docs/space.1 renders without warnings (with
# groff, and with man-db's man if it is there) and names every option that
# `space run --help` lists. Without groff the options are looked for in the
# roff source (where '-' is written '\-').
set -u
SPACE=$1 PAGE=$2
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
opts=$("$SPACE" run --help | grep -E '^  -' | grep -oE '(^|[ ,])--?[a-z][a-z0-9-]*' | tr -d ' ,' | sort -u)
[ -n "$opts" ] || fail "space run --help lists no options"
if command -v groff >/dev/null; then
    warn=$(groff -man -Tutf8 -ww -z "$PAGE" 2>&1)
    [ -z "$warn" ] || fail "groff warns: $warn"
    text=$(groff -man -Tascii -P-cbou -rLL=200n "$PAGE" 2>&1)
else
    text=$(sed 's/\\-/-/g' "$PAGE")
fi
if command -v man >/dev/null && man --version 2>&1 | grep -q man-db; then # (-l, --warnings)
    warn=$(MANWIDTH=80 man --warnings -l "$PAGE" 2>&1 >/dev/null)
    [ -z "$warn" ] || fail "man warns: $warn"
fi
for o in $opts; do
    grep -Eq -- "(^|[^a-z-])$o([^a-z-]|\$)" <<< "$text" || fail "the manual page does not name $o"
done
echo "PASS: $(wc -w <<< "$opts") options, all in $PAGE"
