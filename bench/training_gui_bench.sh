#!/usr/bin/env bash
# The window while a run trains: the GUI thread's stalls (a 1 ms timer probe) while a run
# trains at full speed with the live view shown, against the same run with nothing shown
# (what sharing the cores with training costs on its own) and an idle window; then the
# replot time of the training charts holding two runs of 100,000 batch-loss points.
# There is no peer program for a GUI stall: the budget is absolute (16 ms, one frame).
# The first run builds a project of 4,000 small PNGs under the temp folder and keeps it.
#
#   bench/training_gui_bench.sh [--epochs N] [--image-size PX] [--project DIR] [--json]
#
# Runs in Xvfb when there is no DISPLAY and xvfb-run exists, else on Qt's offscreen platform.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="$here/../build"
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
fi

# Outside the default build: built here, incrementally, so they always match the code.
cmake --build "$build" --target training_responsiveness chart_repaint >&2

run() {
    if [[ -z "${DISPLAY:-}" ]] && command -v xvfb-run >/dev/null; then
        xvfb-run -a -s "-screen 0 1400x900x24" "$@"
    elif [[ -z "${DISPLAY:-}" ]]; then
        QT_QPA_PLATFORM=offscreen "$@"
    else
        "$@"
    fi
}

run "$build/bench/training_responsiveness" "$@"
echo >&2
run env QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-xcb}" "$build/bench/chart_repaint" 50 >&2
