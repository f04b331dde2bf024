#!/usr/bin/env bash
# install_deps.sh SOURCE_DIR WORK_DIR: scripts/install-deps.sh on Ubuntu
# 24.04 (an os-release file of Ubuntu's) stops with status 1, explains the
# self-contained binary and docs/building.md, and runs neither apt-get nor
# sudo nor writes apt sources (stand-ins first on PATH record any call).
set -u
SRC=$1 WORK=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$WORK" && mkdir -p "$WORK/bin" || fail "cannot create $WORK"
for c in apt-get apt-cache sudo tee dpkg; do
    printf '#!/bin/sh\necho "%s $*" >> "%s/calls"\nexit 1\n' "$c" "$WORK" > "$WORK/bin/$c"
    chmod +x "$WORK/bin/$c"
done
cat > "$WORK/os-release" <<'OS'
PRETTY_NAME="Ubuntu 24.04.1 LTS"
NAME="Ubuntu"
VERSION_ID="24.04"
ID=ubuntu
ID_LIKE=debian
OS
out=$(PATH="$WORK/bin:$PATH" SPACE_OS_RELEASE="$WORK/os-release" bash "$SRC/scripts/install-deps.sh" 2>&1)
status=$?
echo "$out"
[ $status = 1 ] || fail "status $status, expected 1"
[ -e "$WORK/calls" ] && { cat "$WORK/calls"; fail "install-deps ran a package tool on Ubuntu"; }
for want in "Ubuntu 24.04.1 LTS is not Debian" "nothing was installed" "Unicorn 2.0.1" \
            "-DSPACE_STATIC_ENGINES=ON" "docs/building.md"; do
    echo "$out" | grep -qF -- "$want" || fail "the explanation lacks '$want'"
done
echo "install-deps refuses Ubuntu cleanly"
