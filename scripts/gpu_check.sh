#!/usr/bin/env bash
# Checks Kestrel's CUDA paths on a GPU machine with PyTorch 2.x but without Debian's libraries,
# from the bundle scripts/gpu_bundle.sh made (build-gpu-bundle/kestrel-gpu.tar.xz, built here
# against the same LibTorch: scripts/pypi-torch.txt). Run from the repository's root:
#
#   scripts/gpu_check.sh [LOG_DIR]
#
# 1. the core and CLI test suites (CTest, labels core and cli), with a GPU present, so the
#    tests that need CUDA (pinned loader batches) run instead of skipping;
# 2. kestrel-cli on a demo project on cuda: training with fp16 and with bf16 mixed
#    precision, export to TorchScript and ONNX with their verification, predict on cuda;
# 3. a training run that cannot fit in GPU memory: its one sentence and the run's state;
# 4. bench/train_bench.sh against the machine's PyTorch (fp32, fp16, bf16 channels-last).
# Each part's output goes to LOG_DIR (default /tmp/gpu-check); a summary ends it.
set -uo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
logs="${1:-/tmp/gpu-check}"
mkdir -p "$logs"
cd "$repo"
summary=()
note() { summary+=("$*"); echo "== $*"; }

tar -xJf build-gpu-bundle/kestrel-gpu.tar.xz || { echo "gpu_check.sh: no bundle; run scripts/gpu_bundle.sh here first." >&2; exit 1; }
# The binaries and CTest files name /work/main (where they were built) by absolute path.
if [ "$repo" != /work/main ]; then
    mkdir -p /work && ln -sfn "$repo" /work/main
fi
python="$(command -v python3)"
torch_lib="$("$python" -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')"
export LD_LIBRARY_PATH="$repo/build-gpu-bundle/lib:$torch_lib"
cli="$repo/build-cuda/app/cli/kestrel-cli"

nvidia-smi -L | tee "$logs/gpu.txt"
note "PyTorch here: $("$python" -c 'import torch; print(torch.__version__)')"
"$cli" --version | tee -a "$logs/gpu.txt"
if ldd "$cli" | grep 'not found'; then
    echo "gpu_check.sh: libraries missing (above); the bundle lacks them." >&2
    exit 1
fi

# 1. Tests. Few threads each, many at once: the machine has more cores than the tests use.
start=$SECONDS
OMP_NUM_THREADS=2 ctest --test-dir build-cuda -L '^(core|cli)$' -j "$(nproc)" \
    --output-on-failure --timeout 300 >"$logs/ctest.log" 2>&1
note "tests: $(grep -E 'tests passed' "$logs/ctest.log") in $((SECONDS - start)) s"
grep -E '\((Failed|SEGFAULT|Timeout|Subprocess|Exception)' "$logs/ctest.log" | head -20
grep -c 'Skipped' "$logs/ctest.log" | xargs -I{} echo "   skipped: {}"

# 2. Train, export and predict on cuda.
project=/tmp/gpu-demo
rm -rf "$project"
"$cli" init "$project" --name "GPU check" --demo >"$logs/init.log" 2>&1
for precision in fp16 bf16; do
    start=$SECONDS
    "$cli" train "$project" --model resnet18 --epochs 4 --device cuda --precision "$precision" \
        >"$logs/train-$precision.log" 2>&1
    note "train resnet18 cuda $precision: exit $? in $((SECONDS - start)) s; $(grep -iE 'test|accuracy' "$logs/train-$precision.log" | tail -1)"
done
"$cli" runs "$project" >"$logs/runs.log" 2>&1
"$cli" export "$project" --run 1 --format all --output /tmp/gpu-model >"$logs/export.log" 2>&1
note "export: exit $?; $(tr '\n' ' ' <"$logs/export.log" | cut -c1-300)"
mapfile -t images < <(find "$project" -name '*.png' | sort | head -8)
"$cli" predict /tmp/gpu-model.pt "${images[@]}" --device cuda --json >"$logs/predict-cuda.json" 2>"$logs/predict-cuda.err"
note "predict TorchScript on cuda: exit $?; $(head -c 200 "$logs/predict-cuda.json")"
"$cli" predict /tmp/gpu-model.pt "${images[@]}" --device cpu --json >"$logs/predict-cpu.json" 2>&1
"$python" - "$logs/predict-cuda.json" "$logs/predict-cpu.json" <<'EOF' | tee -a "$logs/summary.txt"
import json, sys
def rows(path):
    return json.load(open(path))["predictions"]
try:
    a, b = rows(sys.argv[1]), rows(sys.argv[2])
    same = sum(1 for x, y in zip(a, b) if x["class"] == y["class"])
    gap = max(abs(x["scores"][k] - y["scores"][k]) for x, y in zip(a, b) for k in x["scores"])
    print(f"== predict cuda vs cpu: same class for {same} of {len(a)} images, "
          f"largest probability difference {gap:.1e}")
except Exception as error:
    print(f"== predict cuda vs cpu: could not compare ({error})")
EOF

# 3. Out of GPU memory: resnet50 at 2048 px, batch 128, needs several hundred GB.
start=$SECONDS
"$cli" train "$project" --model resnet50 --image-size 2048 --batch-size 128 --epochs 1 \
    --device cuda --precision fp32 >"$logs/oom.log" 2>&1
note "out of memory run: exit $? in $((SECONDS - start)) s; $(grep -i 'memory' "$logs/oom.log" | tail -1)"
"$cli" runs "$project" >"$logs/runs-after-oom.log" 2>&1
note "runs after it: $(tail -1 "$logs/runs-after-oom.log")"

# 4. Training throughput against the machine's PyTorch.
for args in "--precision fp32" "--precision fp16" "--precision bf16 --channels-last"; do
    # shellcheck disable=SC2086
    log="$logs/bench${args// /_}.log"
    timeout 150 bench/train_bench.sh --cli "$cli" --python "$python" --device cuda --model resnet50 \
        --image-size 224 --batch-size 128 --steps 30 --repeats 2 $args >"$log" 2>&1
    note "bench train resnet50 224 b128 $args: $(grep -E '^(kestrel|peer|ratio)' "$log" | tr -s ' ' | tr '\n' ';')"
done

printf '%s\n' "${summary[@]}" >>"$logs/summary.txt"
echo
cat "$logs/summary.txt"
