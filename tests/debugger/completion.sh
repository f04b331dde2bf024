#!/usr/bin/env bash
# completion.sh SPACE SCRIPT: the bash completion script completes
# commands, options (read from `space CMD --help`) and file names.
set -u
SPACE=$1
# shellcheck source=/dev/null
source "$2"
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
# complete WORD...: COMPREPLY for the last word, as the shell would ask.
complete_words() {
    COMP_WORDS=("$SPACE" "$@")
    COMP_CWORD=$#
    COMPREPLY=()
    _space
    echo "${COMPREPLY[*]}"
}
expect() {
    local got
    got=$(complete_words "${@:2}")
    [ "$got" = "$1" ] || fail "space ${*:2}<TAB>: got '$got', expected '$1'"
}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
touch "$dir/kernel.elf" "$dir/run.trc"
mkdir "$dir/out"
expect run ru
expect "run replay" r
expect --cpus run --cp
expect "--gui --gui-paused --gui-exit --gui-dump" run --gui
expect "--keep-traces" grade --kee
expect "--output" timeline --o
expect "bench-kernel" be
expect "--png" bench-kernel --pn
expect "$dir/kernel.elf" bench-kernel --kernel "$dir/ke"
expect "$dir/kernel.elf" run "$dir/ke"
expect "$dir/run.trc" run --input "$dir/ru"
expect "$dir/out" grade --out "$dir/"
expect "" run --mem ""
echo "PASS: completion"
