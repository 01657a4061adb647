#!/usr/bin/env bash
# Inference latency and throughput, Kestrel's exports against Python eager PyTorch running the
# same model at the same size, same machine, same run. Kestrel exports the architecture
# untrained to TorchScript (run by LibTorch) and ONNX (run by OpenCV DNN); the peer runs
# torchvision's model in eval mode, plain and channels-last. Rounds alternate; each figure is
# the best round. Prints a table and, per format, the ratio peer p50 / format p50 (above 1:
# that format is faster than Python eager).
#
#   bench/infer_bench.sh [--model NAME] [--image-size N] [--channels N] [--runs N]
#                        [--batch-size N] [--threads N] [--repeats N] [--cli PATH]
#                        [--python PATH]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cli="$here/../build/app/cli/kestrel-cli"
python=/usr/bin/python3 # Debian's, with python3-torch and python3-torchvision
model=resnet18 size=224 channels=3 runs=50 batch=8 threads=0 repeats=3

while [[ $# -gt 0 ]]; do
    case "$1" in
    --model) model="$2"; shift 2 ;;
    --image-size) size="$2"; shift 2 ;;
    --channels) channels="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --batch-size) batch="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --repeats) repeats="$2"; shift 2 ;;
    --cli) cli="$2"; shift 2 ;;
    --python) python="$2"; shift 2 ;;
    -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "infer_bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

common=(--model "$model" --image-size "$size" --channels "$channels" --runs "$runs"
        --batch-size "$batch" --threads "$threads")
results="$(mktemp)"
trap 'rm -f "$results"' EXIT
for ((i = 1; i <= repeats; i++)); do
    "$cli" bench infer "$model" --image-size "$size" --channels "$channels" --runs "$runs" \
        --batch-size "$batch" --threads "$threads" --json >>"$results"
    "$python" "$here/infer_peer.py" "${common[@]}" >>"$results"
    "$python" "$here/infer_peer.py" "${common[@]}" --channels-last >>"$results"
    echo "round $i of $repeats done" >&2
done

echo "${common[*]}"
"$python" - "$results" <<'PY'
import json, sys
best = {}
for line in open(sys.argv[1]):
    for f in json.loads(line)["formats"]:
        b = best.setdefault(f["format"], dict(f))
        b["p50_ms"] = min(b["p50_ms"], f["p50_ms"])
        b["p99_ms"] = min(b["p99_ms"], f["p99_ms"])
        b["images_per_second"] = max(b["images_per_second"], f["images_per_second"])
peer = best["python-eager"]["p50_ms"]
print(f"{'format':<28}{'p50 ms':>8}{'p99 ms':>8}{'img/s':>9}  {'peer/this p50':>13}  runtime")
for name, f in best.items():
    print(f"{name:<28}{f['p50_ms']:8.2f}{f['p99_ms']:8.2f}{f['images_per_second']:9.1f}"
          f"  {peer / f['p50_ms']:13.2f}  {f['runtime']}")
PY
