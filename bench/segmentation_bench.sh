#!/usr/bin/env bash
# Segmentation accuracy with the defaults, against a Python peer given the same time.
#
# 1. make_segmentation_set.py writes a generated set (--images, default 300, about 128 px:
#    plates under uneven light with scratches, spots and cracks, some faint; COCO with RLE
#    masks, split 70/15/15).
# 2. kestrel-cli init, import (COCO), train --task segmentation --json with the defaults,
#    timed end to end (/usr/bin/time), then eval --run <that run> --json: test mIoU over the
#    three defect classes and per-class IoU and Dice.
# 3. segmentation_peer.py (the same U-Net in plain torch, AdamW, cross-entropy + soft Dice,
#    flips and quarter turns) at the image size (padded or stretched), crop size, defect
#    share, whole-image epochs, batch size and validation interval Kestrel's run picked,
#    for as many epochs as Kestrel trained but stopped at Kestrel's wall time, all cores
#    (OpenBLAS on one thread, as in Kestrel); the same split and test figures from the
#    class-index masks the generator wrote.
# Prints both lines and the ratios kestrel / peer for test mIoU (above 1: Kestrel is more
# accurate) and peer / kestrel for time.
#
#   bench/segmentation_bench.sh [--images N] [--seed S] [--cli PATH] [--python PATH]
#                               [--work DIR] [--skip-peer]
#
# --cli defaults to build/app/cli/kestrel-cli. --work DIR keeps the set, the project and the
# logs in DIR (else a temporary folder, removed at the end).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cli="$here/../build/app/cli/kestrel-cli"
python=/usr/bin/python3 # Debian's, with python3-numpy, python3-pil and python3-torch
images=300 seed=0 work="" peer=1

while [[ $# -gt 0 ]]; do
    case "$1" in
    --images) images="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --cli) cli="$2"; shift 2 ;;
    --python) python="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --skip-peer) peer=0; shift ;;
    -h | --help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "segmentation_bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
# shellcheck source=bench/bench_lib.sh
source "$here/bench_lib.sh"
bench_workdir segmentation "$work"

# "scratch 0.41 / 0.58, ..." (IoU / Dice) from the last JSON object's per_class list.
per_class() {
    "$python" -c '
import json, sys
objects = [line for line in sys.stdin.read().splitlines() if line.startswith("{")]
rows = json.loads(objects[-1]).get("per_class", []) if objects else []
show = lambda v: "-" if v is None else f"{v:.2f}"
print(", ".join("%s %s / %s" % (r["name"], show(r.get("iou")), show(r.get("dice"))) for r in rows))'
}

data="$work/data"
project="$work/project"
rm -rf "$data" "$project"
"$python" "$here/make_segmentation_set.py" "$data" --images "$images" --seed "$seed" >&2

"$cli" init "$project" > /dev/null
"$cli" import "$project" "$data" --format coco > "$work/import.log"
if ! trained="$(/usr/bin/time -f %e -o "$work/train.seconds" \
    "$cli" train "$project" --task segmentation --json 2> "$work/train.log")"; then
    echo "kestrel  train failed; the end of $work/train.log:" >&2
    tail -5 "$work/train.log" >&2
    exit 1
fi
kestrel_seconds="$(tail -1 "$work/train.seconds")"
run="$(field run <<< "$trained")"
epochs="$(field epochs <<< "$trained")"
model="$(field model <<< "$trained")"
# "Run 3: unet at 128 px, validation val split." on stderr names the size the defaults picked.
size="$(sed -n 's/^Run [0-9]*: .* at \([0-9]*\) px.*/\1/p' "$work/train.log" | head -1)"
if [[ -z "$size" ]]; then
    size=128
    echo "The train log names no image size; the peer uses $size px." >&2
fi
# "Segmentation defaults: ... as 64 px crops (67% around a defect) in batches of 16, ..."
crop="$(sed -n 's/^Segmentation defaults: .* as \([0-9]*\) px crops.*/\1/p' "$work/train.log" | head -1)"
share="$(sed -n 's/^Segmentation defaults: .* crops (\([0-9]*\)% around a defect).*/\1/p' \
    "$work/train.log" | head -1)"
whole="$(sed -n 's/^Segmentation defaults: .*, the last \([0-9]*\) on whole images,.*/\1/p' \
    "$work/train.log" | head -1)"
batch="$(sed -n 's/^Segmentation defaults: .* in batches of \([0-9]*\),.*/\1/p' "$work/train.log" |
    head -1)"
every="$(sed -n 's/^Segmentation defaults: .*, validated every \([0-9]*\) epochs.*/\1/p' \
    "$work/train.log" | head -1)"
# "... at 160 px (images at their own scale, padded), ...": the peer places them the same way.
pad=()
if grep -q '^Segmentation defaults: .* (images at their own scale, padded)' "$work/train.log"; then
    pad=(--pad)
fi
if ! evaluated="$("$cli" eval "$project" --run "$run" --json 2> "$work/eval.log")"; then
    echo "kestrel  eval failed; the end of $work/eval.log:" >&2
    tail -5 "$work/eval.log" >&2
    exit 1
fi
kestrel_miou="$(field miou <<< "$evaluated")"
printf 'kestrel  %s at %s px, %s epochs   test mIoU %s  (IoU / Dice: %s)  train %s s\n' \
    "$model" "$size" "$epochs" "$(decimals "$kestrel_miou")" "$(per_class <<< "$evaluated")" \
    "$kestrel_seconds"
((peer)) || exit 0

# OpenBLAS on one thread, as Kestrel keeps it (keepBlasOnOneThread): with a thread per core of
# its own beside torch's, an epoch takes about 1.5 times as long, and the peer would lose
# epochs to a setting rather than to its code.
if ! result="$(OPENBLAS_NUM_THREADS=1 "$python" "$here/segmentation_peer.py" --data "$data" \
    --image-size "$size" --epochs "$epochs" --seconds "$kestrel_seconds" --seed "$seed" \
    --threads "$(nproc)" \
    --crop-size "${crop:-0}" --defect-crops "$(awk -v p="${share:-67}" 'BEGIN { print p / 100 }')" \
    --whole-image-epochs "${whole:-0}" \
    --batch-size "${batch:-8}" --validate-every "${every:-1}" "${pad[@]}" \
    2> "$work/peer.log")"; then
    echo "peer failed; the end of $work/peer.log:" >&2
    tail -5 "$work/peer.log" >&2
    exit 1
fi
peer_miou="$(field miou <<< "$result")"
peer_seconds="$(field seconds <<< "$result")"
printf 'peer     unet at %s px, %s epochs   test mIoU %s  (IoU / Dice: %s)  train %s s\n' \
    "$size" "$(field epochs <<< "$result")" "$(decimals "$peer_miou")" \
    "$(per_class <<< "$result")" "$peer_seconds"
echo "test mIoU kestrel / peer: $(ratio "$kestrel_miou" "$peer_miou") (above 1: Kestrel is more accurate)"
echo "time peer / kestrel: $(ratio "$peer_seconds" "$kestrel_seconds") (the peer stops at Kestrel's time)"
