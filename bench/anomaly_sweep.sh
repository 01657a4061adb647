#!/usr/bin/env bash
# Anomaly detection's accuracy across generated surfaces and seeds, Kestrel alone and with its
# defaults (no pretrained weights): one line per set with image and pixel AUROC and PRO on the
# test split, then the mean and the lowest image AUROC. anomaly_bench.sh measures speed against
# the Python peer on one set; this measures how far one set's figure can be trusted.
#
#   bench/anomaly_sweep.sh [--textures "woven brushed perforated"] [--seeds "0 1 2"]
#                          [--train N] [--size PX] [--nuisance moderate|strong] [--keep DIR]
#                          [-- EXTRA TRAIN ARGUMENTS]
#
# Arguments after -- go to every `kestrel-cli train` (for example --method padim or
# --recompute-bn on). KCLI names kestrel-cli (default build-ci/app/cli/kestrel-cli).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cli="${KCLI:-$here/../build-ci/app/cli/kestrel-cli}"
python=/usr/bin/python3
textures="woven brushed perforated" seeds="0 1 2" train=200 size=224 nuisance=moderate keep=""
extra=()
while [[ $# -gt 0 ]]; do
    case "$1" in
    --textures) textures="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --train) train="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --nuisance) nuisance="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "anomaly_sweep.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
if [[ -n "$keep" ]]; then
    mkdir -p "$keep"
    work="$(cd "$keep" && pwd)"
else
    work="$(mktemp -d "${TMPDIR:-/tmp}/kestrel-anomaly-sweep-XXXXXX")"
    trap 'rm -rf "$work"' EXIT
fi
export KESTREL_WEIGHTS_DIR="$work/weights" # no pretrained weights, as on a fresh machine

figure() { # KEY JSON: a number with three decimals, or "-"
    "$python" -c 'import json, sys
value = json.loads(sys.argv[2]).get("metrics", {}).get(sys.argv[1])
print("-" if value is None else "%.3f" % value)' "$1" "$2"
}

results=()
for texture in $textures; do
    for seed in $seeds; do
        set_dir="$work/$texture-$seed"
        rm -rf "$set_dir"
        "$python" "$here/make_anomaly_set.py" --out "$set_dir/data" --size "$size" --train "$train" \
            --seed "$seed" --texture "$texture" --nuisance "$nuisance"
        "$cli" init "$set_dir/project" > /dev/null
        "$cli" import "$set_dir/project" "$set_dir/data" --format mvtec > /dev/null
        start=$(date +%s.%N)
        if ! trained="$("$cli" train "$set_dir/project" --task anomaly --image-size "$size" \
            --seed "$seed" "${extra[@]}" --json 2> "$set_dir/train.log" | grep '^{' | tail -1)"; then
            echo "$texture seed $seed: train failed; the end of $set_dir/train.log:" >&2
            tail -5 "$set_dir/train.log" >&2
            exit 1
        fi
        seconds=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.0f", e - s }')
        image="$(figure test_image_auroc "$trained")"
        results+=("$image")
        printf '%-11s seed %-3s image AUROC %s  pixel AUROC %s  PRO %s  %4s s\n' "$texture" "$seed" \
            "$image" "$(figure test_pixel_auroc "$trained")" "$(figure test_pro "$trained")" "$seconds"
    done
done
printf '%s\n' "${results[@]}" | awk '$1 != "-" { n++; sum += $1; if (n == 1 || $1 < low) low = $1 }
    END { if (n) printf "image AUROC over %d sets: mean %.3f, lowest %.3f\n", n, sum / n, low }'
