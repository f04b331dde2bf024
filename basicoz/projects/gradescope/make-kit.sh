#!/bin/sh
# make-kit.sh BUILD_DIR SPEC KIT_DIR [ZIP]: assembles a Gradescope
# autograder (docs/grading.md) in KIT_DIR: space and space-cc installed from
# BUILD_DIR (cmake --install: build it with -DSPACE_GUI=OFF
# -DSPACE_STATIC_ENGINES=ON so that it runs on Gradescope's Ubuntu), the
# spec as project.spec with the files next to it that it names (the
# directory named after a grade-NAME.spec's project, e.g. paging/, and its
# workload's inputs, basicoz/workloads/paging/ as workloads/paging/), and
# setup.sh, run_autograder, build-basicoz.sh. With ZIP, zips it for upload.
set -eu
[ $# -ge 3 ] || { echo "usage: $0 BUILD_DIR SPEC KIT_DIR [ZIP]" >&2; exit 2; }
BUILD=$1 SPEC=$2 KIT=$3 ZIP=${4:-}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$KIT"
cmake --install "$BUILD" --prefix "$KIT/space" > /dev/null
cp "$HERE/setup.sh" "$HERE/run_autograder" "$HERE/build-basicoz.sh" "$KIT/"
# the files a spec names are relative to it: copy its project's directory,
# and the inputs it shares with its workload (../workloads/NAME/, which
# project.spec then names as workloads/NAME/)
name=$(basename "$SPEC" .spec)
sed 's#= *\.\./workloads/#= workloads/#' "$SPEC" > "$KIT/project.spec"
case $name in
    grade-*) dir=$(dirname "$SPEC")/${name#grade-}
             if [ -d "$dir" ]; then cp -r "$dir" "$KIT/"; fi
             wl=$(dirname "$SPEC")/../workloads/${name#grade-}
             if [ -d "$wl" ]; then mkdir -p "$KIT/workloads" && cp -r "$wl" "$KIT/workloads/"; fi ;;
esac
if [ -n "$ZIP" ]; then
    ZIP=$(cd "$(dirname "$ZIP")" && pwd)/$(basename "$ZIP")
    (cd "$KIT" && zip -qr "$ZIP" .)
fi
echo "autograder in $KIT${ZIP:+, zipped as $ZIP}"
