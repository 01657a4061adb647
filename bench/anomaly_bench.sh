#!/usr/bin/env bash
# Anomaly detection (PatchCore or PaDiM), Kestrel against a Python peer on the same images.
#
# 1. make_anomaly_set.py writes an MVTec AD style set: a woven surface under varying light,
#    --train good training images, 40 good and 60 defective test images with masks.
# 2. anomaly_peer.py: anomalib's model re-implemented in plain torch, random backbone weights
#    (no side has pretrained weights), BatchNorm statistics as initialised unless
#    --recompute-bn on (Kestrel's default too); image and pixel AUROC, times.
# 3. kestrel-cli init, import --format mvtec, train --task anomaly (timed), eval (timed),
#    with an empty weights store. Prints both lines and the ratio of end-to-end times,
#    peer / Kestrel (above 1: Kestrel is faster): the peer's from reading the images to its
#    AUROCs, without Python's imports; Kestrel's the train command, start to exit (it fits,
#    scores validation and test and measures them; eval, measuring again from the saved
#    model, is shown but not counted).
#
#   bench/anomaly_bench.sh [--method patchcore|padim] [--backbone resnet18|wide_resnet50_2]
#                          [--layers 1,2] [--size PX] [--train N] [--seed N] [--threads N]
#                          [--recompute-bn on|off] [--peer-only] [--keep DIR]
#
# --layers (PatchCore) goes to both sides; by default 1,2, what Kestrel compares with a random
# backbone (anomalib's 2,3 is for pretrained ones). KCLI names kestrel-cli (default
# build-ci/app/cli/kestrel-cli). --keep DIR keeps the set,
# the project and the logs in DIR instead of a temporary folder.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cli="${KCLI:-$here/../build-ci/app/cli/kestrel-cli}"
python=/usr/bin/python3 # Debian's, with python3-torch, python3-torchvision and python3-opencv
method=patchcore backbone=resnet18 layers=1,2 size=224 train=200 seed=0 threads=2 bn=off peer_only=0 keep=""

while [[ $# -gt 0 ]]; do
    case "$1" in
    --method) method="$2"; shift 2 ;;
    --backbone) backbone="$2"; shift 2 ;;
    --layers) layers="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --train) train="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --recompute-bn) bn="$2"; shift 2 ;;
    --peer-only) peer_only=1; shift ;;
    --keep) keep="$2"; shift 2 ;;
    -h | --help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "anomaly_bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
if [[ "$bn" != on && "$bn" != off ]]; then
    echo "anomaly_bench.sh: --recompute-bn takes on or off" >&2
    exit 2
fi
# shellcheck source=bench/bench_lib.sh
source "$here/bench_lib.sh"
bench_workdir anomaly "$keep"
seconds_since() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'; }

data="$work/data"
rm -rf "$data"
echo "Writing the set ($train good training images, $size px, seed $seed) to $data" >&2
"$python" "$here/make_anomaly_set.py" --out "$data" --size "$size" --train "$train" --seed "$seed"

peer="$("$python" "$here/anomaly_peer.py" --data "$data" --method "$method" --backbone "$backbone" \
    --layers "$layers" \
    --size "$size" --seed "$seed" --threads "$threads" $([[ $bn == on ]] && echo --recompute-bn) \
    --json)"
peer_total="$(field total_s <<< "$peer")"
printf 'peer     %-9s %-15s %4s good  image AUROC %s  pixel AUROC %s  fit %s s  test %s s  end to end %s s  peak RSS %s MiB\n' \
    "$method" "$backbone" "$(field train_images <<< "$peer")" \
    "$(decimals "$(field image_auroc <<< "$peer")")" "$(decimals "$(field pixel_auroc <<< "$peer")")" \
    "$(field fit_s <<< "$peer")" "$(field test_s <<< "$peer")" "$peer_total" \
    "$(field peak_rss_mib <<< "$peer")"
((peer_only)) && exit 0

project="$work/project"
rm -rf "$project"
layer_args=() # PaDiM's layers are its own
[[ $method == patchcore ]] && layer_args=(--layers "$layers")
"$cli" init "$project" > /dev/null
"$cli" import "$project" "$data" --format mvtec > /dev/null
start=$(date +%s.%N)
if ! trained="$(/usr/bin/time -f %M -o "$work/train.rss" "$cli" train "$project" --task anomaly --method "$method" --backbone "$backbone" \
    --image-size "$size" --seed "$seed" --threads "$threads" --recompute-bn "$bn" \
    "${layer_args[@]}" --json \
    2> "$work/train.log")"; then
    echo "kestrel  train failed; the end of $work/train.log:" >&2
    tail -5 "$work/train.log" >&2
    exit 1
fi
train_seconds="$(seconds_since "$start")"
run="$(field run <<< "$trained")"
start=$(date +%s.%N)
if ! evaluated="$("$cli" eval "$project" --run "$run" --json 2> "$work/eval.log")"; then
    echo "kestrel  eval failed; the end of $work/eval.log:" >&2
    tail -5 "$work/eval.log" >&2
    exit 1
fi
eval_seconds="$(seconds_since "$start")"
# eval's figure, else the one train measured on the test split.
kestrel_figure() {
    local value
    value="$(field "$1" <<< "$evaluated")"
    [[ "$value" != - ]] || value="$(field "metrics.test_$1" <<< "$trained")"
    decimals "$value"
}
kestrel_total="$train_seconds"
kestrel_rss=$(($(tail -1 "$work/train.rss") / 1024))
printf 'kestrel  %-9s %-15s %4s good  image AUROC %s  pixel AUROC %s  fit %s s  eval %s s  end to end %s s  peak RSS %s MiB\n' \
    "$method" "$backbone" "$(field train_images <<< "$trained")" \
    "$(kestrel_figure image_auroc)" "$(kestrel_figure pixel_auroc)" \
    "$(decimals "$(field fit_seconds <<< "$trained")")" "$eval_seconds" "$kestrel_total" \
    "$kestrel_rss"
awk -v p="$peer_total" -v k="$kestrel_total" \
    'BEGIN { printf "end-to-end time peer / kestrel: %.2f (above 1: Kestrel is faster)\n", p / k }'
