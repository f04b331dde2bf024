#!/bin/sh
# setup.sh - Gradescope runs this once, as root, on its Ubuntu image
# (22.04 or 24.04) when the autograder is uploaded (docs/grading.md).
# It installs the guest compiler from Ubuntu itself: clang and lld. Nothing
# comes from Debian: space (in space/, the self-contained grader build) needs
# only glibc and zlib, which the image has.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends clang lld
/autograder/source/space/bin/space --version
