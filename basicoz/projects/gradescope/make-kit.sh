#!/bin/sh
# make-kit.sh BUILD_DIR SPEC KIT_DIR [ZIP]: assembles a Gradescope
# autograder (docs/grading.md) in KIT_DIR: space and space-cc installed from
# BUILD_DIR (cmake --install: build it with -DSPACE_GUI=OFF
# -DSPACE_STATIC_ENGINES=ON so that it runs on Gradescope's Ubuntu), the
# spec as project.spec with the files next to it that it names (the
# directory named after a grade-NAME.spec's project, e.g. paging/), and
# setup.sh, run_autograder, build-basicoz.sh. With ZIP, zips it for upload.
set -eu
[ $# -ge 3 ] || { echo "usage: $0 BUILD_DIR SPEC KIT_DIR [ZIP]" >&2; exit 2; }
BUILD=$1 SPEC=$2 KIT=$3 ZIP=${4:-}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$KIT"
cmake --install "$BUILD" --prefix "$KIT/space" > /dev/null
cp "$HERE/setup.sh" "$HERE/run_autograder" "$HERE/build-basicoz.sh" "$KIT/"
# the spec as project.spec; a file it names outside its directory
# (../workloads/sched/ref.txt) goes to the kit as workloads/sched/ref.txt,
# and project.spec names it so
sed 's#^\(input-file\|disk\|reference\) *= *\.\./#\1 = #' "$SPEC" > "$KIT/project.spec"
sed -n 's#^\(input-file\|disk\|reference\) *= *\.\./\(.*\)$#\2#p' "$SPEC" | while read -r f; do
    mkdir -p "$KIT/$(dirname "$f")"
    cp "$(dirname "$SPEC")/../$f" "$KIT/$f"
done
# the files a spec names are relative to it: copy its project's directory
name=$(basename "$SPEC" .spec)
case $name in
    grade-*) dir=$(dirname "$SPEC")/${name#grade-}
             if [ -d "$dir" ]; then cp -r "$dir" "$KIT/"; fi ;;
esac
if [ -n "$ZIP" ]; then
    ZIP=$(cd "$(dirname "$ZIP")" && pwd)/$(basename "$ZIP")
    (cd "$KIT" && zip -qr "$ZIP" .)
fi
echo "autograder in $KIT${ZIP:+, zipped as $ZIP}"
