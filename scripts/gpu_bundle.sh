#!/usr/bin/env bash
# Packs Kestrel's core, CLI and their tests, built against PyTorch's LibTorch
# (`scripts/setup.sh gpu`, build-cuda/), for a GPU machine that has PyTorch but none of
# Debian's libraries (no OpenCV, SQLite, ONNX, ...): the binaries, the tests' CTest files, and
# every shared library they load except LibTorch and its CUDA libraries (the machine's PyTorch
# has those; pin it to the version in scripts/pypi-torch.txt) and the C and C++ runtimes.
# OpenCV's LAPACK is Debian's reference one instead of OpenBLAS, to keep the bundle small.
#
#   scripts/gpu_bundle.sh        writes build-gpu-bundle/kestrel-gpu.tar.xz (about 55 MB)
#
# scripts/gpu_check.sh unpacks and runs it there. build-gpu-bundle/ is ignored by git.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$repo/build-cuda"
out="$repo/build-gpu-bundle"
cd "$repo"

binaries=(app/cli/kestrel-cli tests/kestrel_core_tests tests/kestrel_annotation_tests
          tests/kestrel_cli_tests)
for binary in "${binaries[@]}"; do
    [ -x "$build/$binary" ] ||
        { echo "gpu_bundle.sh: $build/$binary is missing: run scripts/setup.sh gpu first." >&2; exit 1; }
done

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
chmod a+rwx "$stage" # apt-get download fetches as the _apt user
(cd "$stage" && apt-get download -q libblas3 liblapack3 >/dev/null)
for deb in "$stage"/*.deb; do dpkg -x "$deb" "$stage/root"; done
reference="$stage/root/usr/lib/x86_64-linux-gnu"

rm -rf "$out"
mkdir -p "$out/lib"
# Resolve with the reference BLAS and LAPACK first, so their dependencies are the ones listed.
for binary in "${binaries[@]}"; do
    LD_LIBRARY_PATH="$reference/blas:$reference/lapack" ldd "$build/$binary"
done | awk '/=> \// { print $3 }' | sort -u |
    grep -v -e '/site-packages/' -e '/libc\.so' -e '/libm\.so' -e '/libpthread\.so' \
        -e '/libdl\.so' -e '/librt\.so' -e '/ld-linux' -e '/libstdc++\.so' -e '/libgcc_s\.so' |
    while read -r library; do cp -L "$library" "$out/lib/"; done

# CTest's files name the binaries by absolute path; gpu_check.sh links /work/main to the copy.
mapfile -t ctest_files < <(cd "$repo" && find build-cuda -name 'CTestTestfile.cmake' -o \
    -name '*_tests.cmake' -o -name '*_suites.cmake' -o -name '*_include.cmake')
tar -cf - "${binaries[@]/#/build-cuda/}" "${ctest_files[@]}" build-gpu-bundle/lib |
    xz -9 -T"$(nproc)" >"$out/kestrel-gpu.tar.xz"
rm -rf "$out/lib"
echo "Wrote $out/kestrel-gpu.tar.xz ($(du -h "$out/kestrel-gpu.tar.xz" | cut -f1)) for $(cd "$build" &&
    grep -m1 '^KESTREL_LIBTORCH:' CMakeCache.txt | cut -d= -f2)"
