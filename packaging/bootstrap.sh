#!/usr/bin/env bash
# Sets up, builds and runs DAIS on Debian 12, installing the Debian packages that are missing.
#   packaging/bootstrap.sh run [ARGS...]   build (release) and open the studio on the default
#                                          scenario; with no display, run it headless (a printed
#                                          summary and a stored run; ARGS go to `dais run`)
#   packaging/bootstrap.sh test            build (ci preset) and run every test through ctest
#   packaging/bootstrap.sh package         build (release) and make the Debian package (.deb)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

default_scenario=scenarios/continental-edge-cloud.dais.json

# What building the programs and the test suites needs.
build_packages=(cmake ninja-build g++ pkg-config ccache nlohmann-json3-dev libsqlite3-dev
                libopenmpi-dev openmpi-bin libeigen3-dev libsodium-dev
                qt6-base-dev qt6-charts-dev qt6-svg-dev libqt6opengl6-dev libgl-dev
                libxkbcommon-dev fonts-dejavu-core desktop-file-utils appstream)

install_missing() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "Installing missing packages: ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

jobs=$(nproc 2>/dev/null || echo 2)

case "${1:-}" in
    run)
        shift
        install_missing "${build_packages[@]}"
        cmake --preset release >/dev/null
        cmake --build --preset release -j "$jobs"
        exec build/release/bin/dais-studio "$default_scenario" "$@"
        ;;
    test)
        install_missing "${build_packages[@]}"
        export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
        chmod 700 "$XDG_RUNTIME_DIR"
        cmake --preset ci >/dev/null
        cmake --build --preset ci -j "$jobs"
        exec ctest --preset ci
        ;;
    package)
        # cpack runs dpkg-shlibdeps (dpkg-dev) on the files that file(1) reports as ELF.
        install_missing "${build_packages[@]}" dpkg-dev file
        cmake --preset release >/dev/null
        cmake --build --preset release -j "$jobs"
        rm -f build/release/dais_*.deb
        (cd build/release && cpack -G DEB)
        deb=$(ls build/release/dais_*.deb)
        echo "$root/$deb"
        ;;
    *)
        echo "usage: packaging/bootstrap.sh run [ARGS...] | test | package" >&2
        exit 2
        ;;
esac
