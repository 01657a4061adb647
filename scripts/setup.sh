#!/usr/bin/env bash
# Kestrel's one setup script for Debian 12: installs the Debian packages Kestrel needs
# (only those missing), configures and builds, then does what you asked:
#
#   scripts/setup.sh demo    build, then open Kestrel on a demo project
#                            (without a display: trains, exports, predicts and reports
#                            through kestrel-cli, scripts/demo_tour.sh)
#   scripts/setup.sh test    build with warnings as errors, run the whole test suite, then
#                            build core + CLI without Qt under ASan/UBSan and run its tests,
#                            then build against PyTorch's LibTorch 2.x and run its tests (gpu-test)
#   scripts/setup.sh build   install and build only
#   scripts/setup.sh gpu     build everything against the CUDA LibTorch 2.x that GPU
#                            workstations use (preset cuda, build-cuda/): PyTorch's wheel from
#                            PyPI, pinned in scripts/pypi-torch.txt, installed once into a
#                            virtual environment under ~/.cache/kestrel; or, with
#                            KESTREL_LIBTORCH=/path/to/libtorch, an unpacked LibTorch archive
#   scripts/setup.sh gpu-test  the gpu build, then its core, CLI and end-to-end tests
#   scripts/setup.sh package build-release/kestrel_<version>_<arch>.deb: a Release build,
#                            stripped, with man pages, icons and AppStream data (CPack)
#   scripts/setup.sh package-test  package the CI build, then install, run and remove it
#                            (scripts/package_check.sh; needs root or sudo)
#   scripts/setup.sh deps    install the Debian packages only
#
# Works as root or as a user with sudo. Safe to run again: nothing is reinstalled.
set -euo pipefail

readonly repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly mode="${1:-build}"

if [ -t 1 ]; then
    say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
else
    say() { printf '==> %s\n' "$*"; }
fi
die() { printf 'setup.sh: %s\n' "$*" >&2; exit 1; }

# Every Debian 12 package Kestrel builds, runs or tests with, and why.
readonly packages=(
    # toolchain
    build-essential cmake ninja-build pkg-config ccache clang-format
    # a virtual environment for PyTorch's LibTorch 2.x from PyPI (setup.sh gpu)
    python3-venv
    # core: tensors and TorchScript, images, store, ONNX, JSON, hashing, command line,
    # downloading pretrained weights (libcurl) and checking their SHA-256 (libcrypto),
    # dataset formats (Pascal VOC's XML, YOLO's data.yaml), fast JPEG decoding (TurboJPEG,
    # with libexif for the orientation), data-parallel training (Gloo's headers, which c10d's
    # need and Debian's libtorch-dev leaves out)
    libtorch-dev libgloo-dev libopenblas0-pthread libopencv-dev libsqlite3-dev libonnx-dev
    libprotobuf-dev nlohmann-json3-dev libxxhash-dev zlib1g-dev libcli11-dev
    libcurl4-openssl-dev libssl-dev libtinyxml2-dev libyaml-cpp-dev libturbojpeg0-dev libexif-dev
    # GUI: Qt 6 widgets, its platform plugins (only "recommended" by Debian), plots, a font
    qt6-base-dev qt6-qpa-plugins libqcustomplot-dev fonts-dejavu-core
    # tests: GoogleTest, libxml2 (parses reports back), a virtual X server for GUI tests,
    # reference implementations, data
    libgtest-dev libgmock-dev libxml2-dev xvfb xauth python3-torch python3-torchvision python3-onnx
    dataset-fashion-mnist
    # the Debian package: man pages, icons, and the checks on it (setup.sh package, package-test)
    help2man librsvg2-bin lintian appstream desktop-file-utils file man-db
)

install_packages() {
    [ -r /etc/debian_version ] || die "this script needs Debian 12 (bookworm); /etc/debian_version is missing."
    local missing=()
    for package in "${packages[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$'; then
            missing+=("$package")
        fi
    done
    if [ ${#missing[@]} -eq 0 ]; then
        say "All ${#packages[@]} Debian packages Kestrel needs are installed."
        return
    fi
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null ||
            die "${#missing[@]} Debian packages are missing (${missing[*]}) and installing them needs root: run this as root or install sudo."
        sudo=(sudo)
    fi
    say "Installing ${#missing[@]} Debian packages: ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

# configure_and_build PRESET: configure once, then build incrementally.
configure_and_build() {
    local preset="$1"
    say "Configuring and building (CMake preset '$preset')"
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset" --parallel "$(nproc)"
}

# pypi_libtorch: install the pinned PyTorch wheel into a virtual environment of our own (once;
# a stamp marks a finished install, so an interrupted one is redone) and print its torch folder.
pypi_libtorch() {
    local requirement version cache venv
    requirement="$(grep -m1 '^torch==' "$repo/scripts/pypi-torch.txt")" ||
        die "scripts/pypi-torch.txt names no 'torch==VERSION' line."
    version="${requirement#torch==}"
    cache="${KESTREL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kestrel}"
    venv="$cache/pypi-torch-$version"
    if [ ! -e "$venv/.kestrel-installed" ]; then
        say "Installing PyTorch $version from PyPI into $venv (once; about 5 GB with its CUDA libraries)" >&2
        rm -rf "$venv"
        mkdir -p "$cache"
        /usr/bin/python3 -m venv "$venv" >&2
        "$venv/bin/pip" install --disable-pip-version-check --no-cache-dir --quiet "$requirement" >&2 ||
            die "pip could not install $requirement from PyPI into $venv (see its message above)."
        touch "$venv/.kestrel-installed"
    fi
    local torch_dir
    torch_dir="$(echo "$venv"/lib/python3*/site-packages/torch)"
    [ -e "$torch_dir/share/cmake/Torch/TorchConfig.cmake" ] ||
        die "$venv has no torch/share/cmake/Torch: delete the folder and run this again."
    echo "$torch_dir"
}

# build_gpu: the cuda preset against $KESTREL_LIBTORCH, or PyPI's LibTorch when it is unset.
build_gpu() {
    if [ -z "${KESTREL_LIBTORCH:-}" ]; then
        KESTREL_LIBTORCH="$(pypi_libtorch)"
    fi
    export KESTREL_LIBTORCH
    say "Building against the LibTorch in $KESTREL_LIBTORCH"
    configure_and_build cuda
}

run_gpu_tests() {
    say "Running the core, CLI and end-to-end tests against LibTorch 2.x"
    ctest --preset cuda
}

run_demo() {
    local demo="${KESTREL_DEMO:-$HOME/kestrel-demo}"
    local cli="$repo/build/app/cli/kestrel-cli"
    if [ ! -e "$demo/project.kestrel" ]; then
        say "Creating the demo project in $demo"
        "$cli" init "$demo" --name "Kestrel demo" --demo
    fi
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
        say "Opening Kestrel on $demo"
        exec "$repo/build/app/gui/kestrel" "$demo"
    fi
    say "No display found: the demo's whole loop through kestrel-cli."
    "$repo/scripts/demo_tour.sh" "$cli" "$demo"
}

# package PRESET: the .deb of a built preset, stripped, through CPack; prints its path.
package() {
    local build="$1" deb
    say "Packaging $build"
    (cd "$build" && cpack -G DEB >/dev/null)
    deb="$(ls -t "$build"/kestrel_*.deb | head -1)"
    say "Built $deb ($(du -h "$deb" | cut -f1))"
    echo "$deb" >"$build/.kestrel-deb"
}

run_tests() {
    say "Running the test suite"
    ctest --preset ci
    say "Running core and CLI tests under AddressSanitizer and UndefinedBehaviorSanitizer"
    configure_and_build sanitize
    ctest --preset sanitize
    build_gpu
    run_gpu_tests
}

cd "$repo"
case "$mode" in
    deps) install_packages ;;
    build) install_packages; configure_and_build default ;;
    demo) install_packages; configure_and_build default; run_demo ;;
    test) install_packages; configure_and_build ci; run_tests ;;
    gpu) install_packages; build_gpu ;;
    gpu-test) install_packages; build_gpu; run_gpu_tests ;;
    package) install_packages; configure_and_build release; package "$repo/build-release" ;;
    package-test)
        # CI: the package of the build the test suite just passed, installed, run and removed.
        install_packages; configure_and_build ci; package "$repo/build-ci"
        "$repo/scripts/package_check.sh" "$(cat "$repo/build-ci/.kestrel-deb")" ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' ;;
    *) die "unknown mode '$mode'; use demo, test, build, package, package-test, gpu, gpu-test or deps (see --help)." ;;
esac
