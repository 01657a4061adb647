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

for arg in "$@"; do
    if [[ "$arg" == -h || "$arg" == --help ]]; then
        sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
    fi
done
exec "$(dirname "${BASH_SOURCE[0]}")/gui_program.sh" gui_responsiveness "$@"
