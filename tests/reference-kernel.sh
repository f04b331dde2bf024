#!/usr/bin/env bash
# reference-kernel.sh PROJECTS WHAT COMMAND...: runs one test that asserts the
# reference (shipped) BasicOZ's exact behaviour (tests/CMakeLists.txt lists
# them: label reference-kernel). The command's output and exit status pass
# through; when it fails, a last line says what the test pins and which
# projects may change it, so that a student whose correct solution fails it
# knows why (docs/projects.md, "Tests a solution may change").
set -u
projects=$1 what=$2
shift 2
"$@"
status=$?
if [ "$status" != 0 ] && [ "$status" != 77 ]; then
    echo "NOTE: this test asserts the reference (shipped) BasicOZ's exact behaviour: $what;" \
        "a correct solution of project $projects may change it" \
        "(ctest -LE reference-kernel leaves such tests out; docs/projects.md)" >&2
fi
exit "$status"
