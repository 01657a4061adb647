#!/usr/bin/env bash
# Runs one of bench/gui's programs for the GUI benchmark scripts (gui_bench.sh,
# annotation_bench.sh): builds TARGET in build/ first (it is outside the default build; built
# here, incrementally, so it always matches the code) unless --bin names a binary, then runs
# it in Xvfb when there is no DISPLAY and xvfb-run exists, else on Qt's offscreen platform.
#
#   bench/gui_program.sh TARGET [--bin PATH] [program arguments...]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="$1"
shift
bin="$here/../build/bench/$target"
custom_bin=""

args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
    --bin) bin="$2"; custom_bin=1; shift 2 ;;
    *) args+=("$1"); shift ;;
    esac
done

if [[ -z "$custom_bin" ]]; then
    cmake --build "$here/../build" --target "$target" >&2
fi
if [[ ! -x "$bin" ]]; then
    echo "$target: $bin not found; configure the build first (scripts/setup.sh build)" \
        "or pass --bin PATH" >&2
    exit 2
fi

if [[ -z "${DISPLAY:-}" ]] && command -v xvfb-run >/dev/null; then
    exec xvfb-run -a -s "-screen 0 1280x800x24" "$bin" "${args[@]}"
elif [[ -z "${DISPLAY:-}" ]]; then
    QT_QPA_PLATFORM=offscreen exec "$bin" "${args[@]}"
else
    exec "$bin" "${args[@]}"
fi
