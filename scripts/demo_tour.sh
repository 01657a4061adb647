#!/usr/bin/env bash
# The headless demo: Kestrel's whole loop through kestrel-cli on a demo project, for a
# machine without a display. Trains with the defaults (the epoch table as it goes), exports
# TorchScript and ONNX with their verification, predicts three test images with the ONNX
# model, writes the HTML report, and ends with where each file is and how to open the window.
#
#   scripts/demo_tour.sh CLI PROJECT [--epochs N]
#
# setup.sh demo runs it when there is no display. --epochs N trains N epochs instead of the
# defaults' count (the tests use it to stay short).
set -euo pipefail

if [[ $# -lt 2 ]]; then
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi
cli="$1" project="$2"
shift 2
epochs=()
while [[ $# -gt 0 ]]; do
    case "$1" in
    --epochs) epochs=(--epochs "$2"); shift 2 ;;
    *) echo "demo_tour.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

step() { printf '\n== %s\n\n' "$*"; }

step "The demo project: generated metal parts, good and with dents, scratches and spots"
"$cli" info "$project"

step "Training with the defaults Kestrel picks for this data"
"$cli" train "$project" "${epochs[@]}"
run="$("$cli" runs "$project" | awk '$1 ~ /^[0-9]+$/ { last = $1 } END { print last }')"
model="$("$cli" runs "$project" | awk -v run="$run" '$1 == run { print $3 }')"

step "Exporting run $run to TorchScript and ONNX, each verified against the trained model"
"$cli" export "$project" --run "$run"
onnx="$project/exports/run-$run-$model.onnx"
torchscript="$project/exports/run-$run-$model.pt"

step "Predicting three test images with the ONNX model, as the line would"
mapfile -t tests < <("$cli" info "$project" --list test)
if [[ ${#tests[@]} -eq 0 ]]; then
    echo "The project has no test images to predict." >&2
    exit 1
fi
# Three spread over the split, so that more than one class shows.
picked=("${tests[0]}" "${tests[$((${#tests[@]} / 2))]}" "${tests[$((${#tests[@]} - 1))]}")
"$cli" predict "$onnx" "${picked[@]}"

step "Writing the run's report"
report="$project/exports/run-$run-report.html"
"$cli" report "$project" --run "$run" --output "$report"

step "Where everything is"
printf '  project       %s\n' "$project"
printf '  TorchScript   %s\n' "$torchscript"
printf '  ONNX          %s\n' "$onnx"
printf '  model cards   %s.card.json, %s.card.json\n' "$torchscript" "$onnx"
printf '  report        %s (open it in a browser)\n' "$report"
printf '\nOn a machine with a display, open the project in the window:\n'
printf '  %s %s\n' "$(realpath -m "$(dirname "$cli")/../gui/kestrel")" "$project"
