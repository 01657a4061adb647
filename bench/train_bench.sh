#!/usr/bin/env bash
# Training throughput, Kestrel against PyTorch/torchvision training the same model at the
# same settings, same machine, same run. Prints both figures and the ratio Kestrel / peer
# (above 1: Kestrel is faster). The two alternate, best of --repeats each, to even out noise.
#
#   bench/train_bench.sh [--model NAME] [--image-size N] [--batch-size N] [--channels N]
#                        [--steps N] [--device cpu|cuda] [--precision fp32|fp16|bf16]
#                        [--no-channels-last] [--threads N] [--repeats N] [--cli PATH]
#                        [--python PATH]
# Both sides train channels-last, as Kestrel's training does by default; --no-channels-last
# measures NCHW on both.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cli="$here/../build/app/cli/kestrel-cli"
python=/usr/bin/python3 # Debian's, with python3-torch and python3-torchvision
model=smallcnn size=28 batch=128 channels=1 steps=20 device=cpu precision=fp32 threads=0
repeats=3
channels_last=(--channels-last)

while [[ $# -gt 0 ]]; do
    case "$1" in
    --model) model="$2"; shift 2 ;;
    --image-size) size="$2"; shift 2 ;;
    --batch-size) batch="$2"; shift 2 ;;
    --channels) channels="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --device) device="$2"; shift 2 ;;
    --precision) precision="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --repeats) repeats="$2"; shift 2 ;;
    --channels-last) channels_last=(--channels-last); shift ;;
    --no-channels-last) channels_last=(--no-channels-last); shift ;;
    --cli) cli="$2"; shift 2 ;;
    --python) python="$2"; shift 2 ;;
    -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "train_bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

common=(--model "$model" --image-size "$size" --batch-size "$batch" --channels "$channels"
        --steps "$steps" --device "$device" --precision "$precision" --threads "$threads"
        "${channels_last[@]}")
figure() { sed -n 's/.*"images_per_second": *\([0-9.e+-]*\).*/\1/p'; }
best() { printf '%s\n' "$@" | sort -g | tail -1; }

kestrel=() peer=()
for ((i = 1; i <= repeats; i++)); do
    kestrel+=("$("$cli" bench train "${common[@]}" --json | figure)")
    peer+=("$("$python" "$here/train_peer.py" "${common[@]}" | figure)")
    echo "round $i: kestrel ${kestrel[-1]} img/s, peer ${peer[-1]} img/s" >&2
done
k="$(best "${kestrel[@]}")" p="$(best "${peer[@]}")"
echo "${common[*]}"
printf 'kestrel  %10.1f images/s\n' "$k"
printf 'peer     %10.1f images/s (PyTorch %s)\n' "$p" "$("$python" -c 'import torch; print(torch.__version__)')"
awk -v k="$k" -v p="$p" 'BEGIN { printf "ratio    %10.2f (kestrel / peer)\n", k / p }'
