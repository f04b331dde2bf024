#!/usr/bin/env bash
# Installs what building and testing SPACE needs on Debian 12 or newer.
# Unicorn must be >= 2.1 (see README.md): Debian 12 ships 2.0.1, so where the
# installed one is older, it is taken from Debian 13 (trixie) through a source pinned at
# priority 100, so that nothing else is ever pulled from trixie.
# Anything but Debian (Ubuntu included) is refused with what to do instead
# (docs/building.md): Debian's sources do not belong on other systems.
set -euo pipefail

# (SPACE_OS_RELEASE: another os-release file, for tests/packaging/install_deps.sh)
. "${SPACE_OS_RELEASE:-/etc/os-release}" 2>/dev/null || { ID=unknown; PRETTY_NAME="this system"; }
if [ "${ID:-}" != debian ]; then
  cat >&2 <<MSG
install-deps: this script is for Debian 12 or 13; ${PRETTY_NAME:-this system} is not Debian,
and nothing was installed.
MSG
  if [ "${ID:-}" = ubuntu ] || [[ " ${ID_LIKE:-} " == *" ubuntu "* ]]; then
    cat >&2 <<'MSG'
Ubuntu ships Unicorn 2.0.1 (SPACE needs 2.1 or newer) and has no newer package;
adding Debian's sources to Ubuntu would mix two distributions. Instead:
  - graders and CI: use the self-contained space, built on Debian 13 (or in a
    debian:trixie container) with
      cmake -S . -B build-grader -DSPACE_GUI=OFF -DSPACE_STATIC_ENGINES=ON
      cmake --build build-grader --target space
    It needs no Unicorn, Capstone, jansson or SDL2 package on Ubuntu; guests
    build there with `apt install clang lld` and an installed space-cc.
  - developing SPACE: build in a debian:trixie container.
See docs/building.md ("Debian and Ubuntu").
MSG
  else
    echo "See docs/building.md for macOS (Homebrew), Windows (MSYS2) and other systems." >&2
  fi
  exit 1
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

PACKAGES=(
  build-essential cmake pkg-config git
  clang lld nasm
  libcapstone-dev libsdl2-dev libjansson-dev zlib1g-dev
  gdb xvfb xauth xdotool python3 clang-format gcc-mingw-w64-x86-64
)

unicorn_ok() {
  local v
  v=$(pkg-config --modversion unicorn 2>/dev/null) || return 1
  dpkg --compare-versions "$v" ge 2.1
}

if [ -z "${SPACE_SKIP_APT_UPDATE:-}" ]; then
  $SUDO apt-get update
fi
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y "${PACKAGES[@]}"

# clang's libFuzzer runtime (scripts/fuzz.sh), packaged by clang's major version.
clang_major=$(clang -dumpversion | cut -d. -f1)
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y "libclang-rt-${clang_major}-dev" ||
  echo "install-deps: libclang-rt-${clang_major}-dev is not available; scripts/fuzz.sh will skip"

if unicorn_ok; then
  echo "install-deps: Unicorn $(pkg-config --modversion unicorn) is recent enough"
else
  . /etc/os-release
  if apt-cache policy libunicorn-dev 2>/dev/null | grep -qE 'Candidate: 2\.(1|[2-9])'; then
    echo "install-deps: installing libunicorn-dev >= 2.1 from this system's sources"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y libunicorn-dev
  else
    echo "install-deps: Unicorn on this system is older than 2.1; adding Debian 13 (trixie)" \
         "as a source pinned at priority 100 and installing libunicorn-dev/trixie only"
    $SUDO tee /etc/apt/sources.list.d/space-trixie.sources >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    $SUDO tee /etc/apt/preferences.d/space-trixie-pin >/dev/null <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
    $SUDO apt-get update
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y libunicorn-dev/trixie
  fi
  unicorn_ok || { echo "install-deps: Unicorn >= 2.1 could not be installed" >&2; exit 1; }
  echo "install-deps: Unicorn $(pkg-config --modversion unicorn) installed"
fi
