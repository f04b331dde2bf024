#!/usr/bin/env bash
# Formats every C source and header of the project with the checked-in
# .clang-format; --check only reports files that differ (non-zero exit if any).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.c' '*.h')
if [ "${1:-}" = "--check" ]; then
    clang-format --dry-run --Werror "${files[@]}"
    echo "format: all ${#files[@]} files follow .clang-format"
else
    clang-format -i "${files[@]}"
fi
