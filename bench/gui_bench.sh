#!/usr/bin/env bash
# GUI responsiveness of the workbench window on a large project: time from opening the
# project to the grid shown, and the GUI thread's longest stalls (a 1 ms timer probe) while
# scripted scrolling, labelling and filtering/sorting run. There is no peer program for a GUI
# stall: figures are absolute, against the budgets (1000 ms open -> grid, 16 ms per stall).
# The first run builds the project (N small PNGs, imported) and keeps it for later runs.
#
#   bench/gui_bench.sh [--samples N] [--project DIR] [--seconds S] [--json] [--bin PATH]
#
# Other arguments go to the program (gui_responsiveness --help). Runs in Xvfb when there is
# no DISPLAY and xvfb-run exists, else on Qt's offscreen platform.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="$here/../build/bench/gui_responsiveness"
custom_bin=""

args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
    --bin) bin="$2"; custom_bin=1; shift 2 ;;
    -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) args+=("$1"); shift ;;
    esac
done

if [[ -z "$custom_bin" ]]; then
    # Outside the default build: built here, incrementally, so it always matches the code.
    cmake --build "$here/../build" --target gui_responsiveness >&2
fi
if [[ ! -x "$bin" ]]; then
    echo "gui_bench.sh: $bin not found; configure the build first (scripts/setup.sh build)" \
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
