#!/usr/bin/env bash
# Accuracy on small data with the defaults, against a Python peer on the same images.
#
# 1. The demo project (`kestrel-cli init --demo`, 240 images, 4 classes): `train` with the
#    defaults the window uses too; test accuracy and the whole run's time.
# 2. Generated 3-class inspection sets (ok / scratch / spot, 180 images each,
#    make_surface_set.py) for each --seeds value: `kestrel-cli train` with its defaults, and
#    small_data_peer.py (torchvision's resnet18 from scratch with torchvision's standard
#    augmentation) on the same train/val/test split. Prints each test accuracy and the means.
#
#   bench/small_data_bench.sh [--seeds "0 1 2"] [--peer-epochs N] [--skip-demo] [--skip-peer]
#                             [--cli PATH] [--python PATH] [--work DIR]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cli="$here/../build/app/cli/kestrel-cli"
python=/usr/bin/python3 # Debian's, with python3-torch and python3-torchvision
seeds="0 1 2" peer_epochs=60 demo=1 peer=1 work=""

while [[ $# -gt 0 ]]; do
    case "$1" in
    --seeds) seeds="$2"; shift 2 ;;
    --peer-epochs) peer_epochs="$2"; shift 2 ;;
    --skip-demo) demo=0; shift ;;
    --skip-peer) peer=0; shift ;;
    --cli) cli="$2"; shift 2 ;;
    --python) python="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "small_data_bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
if [[ -z "$work" ]]; then
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
fi
# The benchmark's own store: no pretrained weights, as on a fresh machine.
export KESTREL_WEIGHTS_DIR="$work/weights"

accuracy() { sed -n 's/.*"test_accuracy": *\([0-9.e+-]*\).*/\1/p' | head -1; }
mean() { printf '%s\n' "$@" | awk '{ s += $1 } END { printf "%.4f", s / NR }'; }

if ((demo)); then
    "$cli" init --demo "$work/demo" > /dev/null
    start=$(date +%s.%N)
    a="$("$cli" train "$work/demo" --json 2> "$work/demo.log" | accuracy)"
    seconds="$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.0f", e - s }')"
    grep -m1 '^Picked' "$work/demo.log" >&2 || true
    printf 'demo      kestrel defaults  test accuracy %.4f  in %s s\n' "$a" "$seconds"
fi

kestrel=() peers=()
for seed in $seeds; do
    "$python" "$here/make_surface_set.py" --output "$work/set$seed" --seed "$seed"
    "$cli" init "$work/p$seed" > /dev/null
    "$cli" import "$work/p$seed" "$work/set$seed/labels.csv" --format csv > /dev/null
    start=$(date +%s.%N)
    kestrel+=("$("$cli" train "$work/p$seed" --json 2> "$work/p$seed.log" | accuracy)")
    seconds="$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.0f", e - s }')"
    line="$(printf 'set %s     kestrel defaults  test accuracy %.4f  in %s s' "$seed" "${kestrel[-1]}" "$seconds")"
    if ((peer)); then
        result="$("$python" "$here/small_data_peer.py" --data "$work/set$seed" --epochs "$peer_epochs" --seed "$seed")"
        peers+=("$(echo "$result" | accuracy)")
        line+="$(printf '   peer test accuracy %.4f  in %s s' "${peers[-1]}" \
            "$(echo "$result" | sed -n 's/.*"seconds": *\([0-9.]*\).*/\1/p')")"
    fi
    echo "$line"
done
echo "mean      kestrel $(mean "${kestrel[@]}")${peers:+  peer $(mean "${peers[@]}")}  over seeds $seeds"
