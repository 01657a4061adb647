#!/usr/bin/env bash
# GUI-thread stalls while editing 1,000 shapes (700 boxes, 250 polygons, 50 masks) on one
# 2000x1500 image in the workbench window: open, select, drag-move, nudge, zoom and paint,
# each against the 16 ms budget (a 1 ms timer probe on the GUI thread, as gui_bench.sh).
# Builds its project in a temporary folder each run.
#
#   bench/annotation_bench.sh [--json] [--bin PATH]
#
# Runs in Xvfb when there is no DISPLAY and xvfb-run exists, else on Qt's offscreen platform.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="$here/../build/bench/annotation_responsiveness"
custom_bin=""

args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
    --bin) bin="$2"; custom_bin=1; shift 2 ;;
    -h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) args+=("$1"); shift ;;
    esac
done

if [[ -z "$custom_bin" ]]; then
    cmake --build "$here/../build" --target annotation_responsiveness >&2
fi
if [[ ! -x "$bin" ]]; then
    echo "annotation_bench.sh: $bin not found; configure the build first" \
        "(scripts/setup.sh build) or pass --bin PATH" >&2
    exit 2
fi

if [[ -z "${DISPLAY:-}" ]] && command -v xvfb-run >/dev/null; then
    exec xvfb-run -a -s "-screen 0 1280x800x24" "$bin" "${args[@]}"
elif [[ -z "${DISPLAY:-}" ]]; then
    QT_QPA_PLATFORM=offscreen exec "$bin" "${args[@]}"
else
    exec "$bin" "${args[@]}"
fi
