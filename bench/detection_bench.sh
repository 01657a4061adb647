#!/usr/bin/env bash
# Detection accuracy with the defaults, against a Python peer given the same time.
#
# 1. make_segmentation_set.py writes a generated set (--images, default 300, about --size px,
#    default 128: plates under uneven light with scratches, spots and cracks, some faint; COCO
#    with a box per defect, split 70/15/15).
# 2. kestrel-cli init, import (COCO), train --task detection --json with the defaults, timed
#    end to end (/usr/bin/time), then eval --run <that run> --json: test mAP50 and
#    mAP@[.50:.95] over the three defect classes and per-class AP.
# 3. detection_peer.py (torchvision's FCOS on a ResNet-18 FPN from scratch, AdamW, flips) at
#    the image size, batch size and validation interval Kestrel's run picked, for as many
#    epochs as Kestrel trained but stopped at Kestrel's wall time, all cores; the same split,
#    and COCO's bbox AP (pycocotools' definition) on the test boxes.
# Prints both lines and the ratios kestrel / peer for test mAP50 (above 1: Kestrel is more
# accurate) and peer / kestrel for time.
#
#   bench/detection_bench.sh [--images N] [--size PX] [--seed S] [--cli PATH] [--python PATH]
#                            [--work DIR] [--skip-peer | --peer-only [--epochs N] [--seconds S]]
#
# --cli defaults to build/app/cli/kestrel-cli. --work DIR keeps the set, the project and the
# logs in DIR (else a temporary folder, removed at the end). --peer-only runs the peer alone at
# --size px, in batches of 8, for --epochs (default 30) capped at --seconds (default none).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cli="$here/../build/app/cli/kestrel-cli"
python=/usr/bin/python3 # Debian's, with python3-numpy, python3-pil, python3-torch(vision)
images=300 size=128 seed=0 work="" kestrel=1 peer=1 peer_epochs=30 peer_seconds=""

while [[ $# -gt 0 ]]; do
    case "$1" in
    --images) images="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --cli) cli="$2"; shift 2 ;;
    --python) python="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --skip-peer) peer=0; shift ;;
    --peer-only) kestrel=0; shift ;;
    --epochs) peer_epochs="$2"; shift 2 ;;
    --seconds) peer_seconds="$2"; shift 2 ;;
    -h | --help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "detection_bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
if ((!kestrel && !peer)); then
    echo "detection_bench.sh: --skip-peer and --peer-only leave nothing to run" >&2
    exit 2
fi
# shellcheck source=bench/bench_lib.sh
source "$here/bench_lib.sh"
bench_workdir detection "$work"

# "scratch 0.41, spot 0.20, crack 0.33" (AP50) from the last JSON object's per_class list.
per_class() {
    "$python" -c '
import json, sys
objects = [line for line in sys.stdin.read().splitlines() if line.startswith("{")]
rows = json.loads(objects[-1]).get("per_class", []) if objects else []
show = lambda v: "-" if v is None else f"{v:.2f}"
print(", ".join("%s %s" % (r["name"], show(r.get("ap50"))) for r in rows))'
}

# report WHO MODEL EPOCHS SECONDS: a result line from the JSON on stdin (eval's or the peer's).
report() {
    local json
    json="$(cat)"
    printf '%-8s %s at %s px, %s epochs   test mAP50 %s  mAP50-95 %s  (AP50: %s)  train %s s\n' \
        "$1" "$2" "$image_size" "$3" "$(decimals "$(field map50 <<< "$json")")" \
        "$(decimals "$(field map50_95 <<< "$json")")" "$(per_class <<< "$json")" "$4"
}

data="$work/data"
project="$work/project"
rm -rf "$data" "$project"
"$python" "$here/make_segmentation_set.py" "$data" --images "$images" --size "$size" \
    --seed "$seed" >&2

# Without Kestrel the peer runs at the set's size for --epochs, capped at --seconds if given.
image_size="$size" epochs="$peer_epochs" kestrel_seconds="$peer_seconds" batch=8
if ((kestrel)); then
    "$cli" init "$project" > /dev/null
    "$cli" import "$project" "$data" --format coco > "$work/import.log"
    if ! trained="$(/usr/bin/time -f %e -o "$work/train.seconds" \
        "$cli" train "$project" --task detection --json 2> "$work/train.log")"; then
        echo "kestrel  train failed; the end of $work/train.log:" >&2
        tail -5 "$work/train.log" >&2
        exit 1
    fi
    kestrel_seconds="$(tail -1 "$work/train.seconds")"
    run="$(field run <<< "$trained")"
    epochs="$(field epochs <<< "$trained")"
    model="$(field model <<< "$trained")"
    # "Run 3: fcos at 128 px, validation val split." on stderr names the size the defaults
    # picked.
    image_size="$(sed -n 's/^Run [0-9]*: .* at \([0-9]*\) px.*/\1/p' "$work/train.log" | head -1)"
    if [[ -z "$image_size" ]]; then
        image_size=128
        echo "The train log names no image size; the peer uses $image_size px." >&2
    fi
    # "Detection defaults: ... in batches of 16, ..."
    batch="$(sed -n 's/^Detection defaults: .* in batches of \([0-9]*\),.*/\1/p' \
        "$work/train.log" | head -1)"
    batch="${batch:-8}"
    every="$(sed -n 's/^Detection defaults: .*, validated every \([0-9]*\) epochs.*/\1/p' \
        "$work/train.log" | head -1)"
    if ! evaluated="$("$cli" eval "$project" --run "$run" --json 2> "$work/eval.log")"; then
        echo "kestrel  eval failed; the end of $work/eval.log:" >&2
        tail -5 "$work/eval.log" >&2
        exit 1
    fi
    kestrel_map50="$(field map50 <<< "$evaluated")"
    report kestrel "$model" "$epochs" "$kestrel_seconds" <<< "$evaluated"
fi
((peer)) || exit 0

if ! result="$("$python" "$here/detection_peer.py" --data "$data" --image-size "$image_size" \
    --epochs "$epochs" ${kestrel_seconds:+--seconds "$kestrel_seconds"} --seed "$seed" \
    --threads "$(nproc)" --batch-size "$batch" --validate-every "${every:-1}" \
    2> "$work/peer.log")"; then
    echo "peer failed; the end of $work/peer.log:" >&2
    tail -5 "$work/peer.log" >&2
    exit 1
fi
peer_map50="$(field map50 <<< "$result")"
peer_seconds="$(field seconds <<< "$result")"
report peer "fcos $(field backbone <<< "$result")" "$(field epochs <<< "$result")" \
    "$peer_seconds" <<< "$result"
((kestrel)) || exit 0
echo "test mAP50 kestrel / peer: $(ratio "$kestrel_map50" "$peer_map50")" \
    "(above 1: Kestrel is more accurate)"
echo "time peer / kestrel: $(ratio "$peer_seconds" "$kestrel_seconds")" \
    "(the peer stops at Kestrel's time)"
