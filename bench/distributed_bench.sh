#!/usr/bin/env bash
# What data-parallel training costs and gains. The same run of kestrel-cli train three ways:
# one plain process; one rank under torchrun (the distributed path's overhead: the goal is
# under 5%); and --ranks ranks under torchrun. PyTorch's DistributedDataParallel does the same
# three on random images in the same run (bench/ddp_peer.py), for comparison. Prints training
# images per second and the ratios to the plain process.
#
#   bench/distributed_bench.sh [--model resnet18] [--image-size 64] [--batch-size 32]
#                              [--epochs 3] [--ranks 2] [--threads 2] [--device cpu|cuda]
#                              [--cli PATH] [--torchrun PATH] [--python PATH] [--work DIR]
# --threads is each plain process's CPU threads; each of N ranks gets threads / N (at least
# 1), so every configuration uses the same cores. On CUDA each rank takes its own GPU.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cli="$here/../build/app/cli/kestrel-cli"
python=/usr/bin/python3 # Debian's, with python3-torch and python3-torchvision
torchrun=/usr/bin/torchrun
model=resnet18 size=64 batch=32 epochs=3 ranks=2 threads=2 device=cpu keep=""

while [[ $# -gt 0 ]]; do
    case "$1" in
    --model) model="$2"; shift 2 ;;
    --image-size) size="$2"; shift 2 ;;
    --batch-size) batch="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --ranks) ranks="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --device) device="$2"; shift 2 ;;
    --cli) cli="$2"; shift 2 ;;
    --torchrun) torchrun="$2"; shift 2 ;;
    --python) python="$2"; shift 2 ;;
    --work) keep="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
source "$here/bench_lib.sh"
bench_workdir distributed "$keep"
rank_threads=$(( threads / ranks > 0 ? threads / ranks : 1 ))
# Debian 12's torchrun (1.13) needs --redirects and --tee to start at all.
launch=("$torchrun" --master_addr 127.0.0.1 --redirects 2 --tee 2)

"$cli" init "$work/p" --demo >/dev/null
train=(train "$work/p" --model "$model" --image-size "$size" --batch-size "$batch"
       --epochs "$epochs" --device "$device" --weights scratch --json)

# kestrel_rate RUN: the training images per second of the run's last epoch.
kestrel_rate() {
    "$cli" runs "$work/p" --json | "$python" -c '
import json, sys
runs = {run["id"]: run for run in json.load(sys.stdin)["runs"]}
print(runs[int(sys.argv[1])]["metrics"].get("images_per_second", "-"))' "$1"
}

run=0
declare -A kestrel peer
for config in plain one many; do
    case "$config" in
    plain) prefix=(); t=$threads ;;
    one) prefix=("${launch[@]}" --nproc_per_node 1 --master_port $((29600 + RANDOM % 300)) --no_python); t=$threads ;;
    many) prefix=("${launch[@]}" --nproc_per_node "$ranks" --master_port $((29600 + RANDOM % 300)) --no_python); t=$rank_threads ;;
    esac
    "${prefix[@]}" "$cli" "${train[@]}" --threads "$t" >"$work/$config.json" 2>"$work/$config.log"
    run=$((run + 1))
    kestrel[$config]=$(kestrel_rate "$run")
    peer[$config]=$(OMP_NUM_THREADS=$t "${prefix[@]}" "$python" "$here/ddp_peer.py" \
        --model "$model" --image-size "$size" --batch-size "$batch" --threads "$t" \
        --device "$device" 2>>"$work/peer.log" | field images_per_second)
done

echo "$model at $size px, global batch $batch, $epochs epochs of the demo set, $device"
printf '%-28s %12s %12s %10s %10s\n' "configuration" "kestrel im/s" "peer im/s" "kestrel x" "peer x"
for config in plain one many; do
    case "$config" in
    plain) label="1 process, $threads threads" ;;
    one) label="torchrun, 1 rank" ;;
    many) label="torchrun, $ranks ranks x $rank_threads thr" ;;
    esac
    printf '%-28s %12s %12s %10s %10s\n' "$label" "$(decimals "${kestrel[$config]}")" \
        "$(decimals "${peer[$config]}")" "$(ratio "${kestrel[$config]}" "${kestrel[plain]}")" \
        "$(ratio "${peer[$config]}" "${peer[plain]}")"
done
