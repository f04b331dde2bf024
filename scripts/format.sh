#!/usr/bin/env bash
# Formats the simulator's C sources with the checked-in .clang-format;
# --check only reports files that differ (non-zero exit if any).
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files 'sim/*.[ch]' 'cpu/*.[ch]' 'mmu/*.[ch]' 'devices/*.[ch]' 'ui/*.[ch]' \
        'tests/unit/*.[ch]' 'bench/*.[ch]' 'basicoz/*.[ch]' 'basicoz/**/*.[ch]' 'tests/guest/*.[ch]' | sort -u)
if [ "${1:-}" = "--check" ]; then
    clang-format --dry-run --Werror $files
    echo "format: all files follow .clang-format"
else
    clang-format -i $files
fi
