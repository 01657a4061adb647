#!/usr/bin/env bash
# What a LibTorch-heavy file's compile time is made of, and what the build does about it:
# CPU seconds (user + sys, so the figure holds on a busy machine) to compile a few kestrel_ml
# files one by one, to parse them only (-fsyntax-only), with a precompiled header of the
# common LibTorch headers, and all of them as one unity file, as KESTREL_UNITY_BUILD does.
#
#   bench/compile_cost.sh [--build DIR]   (DIR: a configured build without KESTREL_UNITY_BUILD,
#                                           with compile_commands.json; default build/)
# Debug information is left out, as the ci preset leaves it out.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
build="$repo/build"
while [[ $# -gt 0 ]]; do
    case "$1" in
    --build) build="$(cd "$2" && pwd)"; shift 2 ;;
    -h | --help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compile_cost.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
[[ -r "$build/compile_commands.json" ]] ||
    { echo "compile_cost.sh: $build has no compile_commands.json; configure it first." >&2; exit 1; }

files=(core/train/evaluator.cpp core/runs/training_session.cpp core/models/resnet.cpp
       core/export/run_export.cpp core/train/training_loop.cpp core/review/label_audit_run.cpp)
# The flags CMake gives kestrel_ml, without the output, dependency and warning options.
flags=$(python3 - "$build/compile_commands.json" "$repo/${files[0]}" <<'PY'
import json, shlex, sys
entries = {e["file"]: e for e in json.load(open(sys.argv[1]))}
entry = next((e for f, e in entries.items() if f.endswith(sys.argv[2].split("/core/", 1)[1])), None)
if entry is None:
    sys.exit("compile_cost.sh: the build does not compile " + sys.argv[2] + " on its own "
             "(a unity build); configure one with -DKESTREL_UNITY_BUILD=OFF.")
words = shlex.split(entry["command"])[1:]
keep, skip = [], False
for word in words:
    if skip:
        skip = False
        continue
    if word in ("-o", "-MF", "-MT", "-c"):
        skip = True
        continue
    if word.startswith(("-W", "-MD", "-g")) or word.endswith(".cpp"):
        continue
    keep.append(word)
print(" ".join(shlex.quote(w) for w in keep))
PY
)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cpu() { # CPU seconds of one compiler call
    /usr/bin/time -f '%U %S' -o "$work/time" "$@" >/dev/null 2>"$work/err" ||
        { cat "$work/err" >&2; exit 1; }
    awk '{printf "%.1f", $1 + $2}' "$work/time"
}
cat >"$work/pch.h" <<'H'
#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/optim/optimizer.h>
#include <torch/utils.h>
H
cd "$repo"
pch=$(eval cpu c++ "$flags" -x c++-header "$work/pch.h" -o "$work/pch.h.gch")
printf '%-36s %8s %8s %8s\n' file compile parse with-pch
total_plain=0 total_pch=0
for file in "${files[@]}"; do
    plain=$(eval cpu c++ "$flags" -c "$file" -o "$work/plain.o")
    parse=$(eval cpu c++ "$flags" -fsyntax-only "$file")
    with=$(eval cpu c++ "$flags" -include "$work/pch.h" -Winvalid-pch -c "$file" -o "$work/pch.o")
    printf '%-36s %8s %8s %8s\n' "$file" "$plain" "$parse" "$with"
    total_plain=$(awk -v a="$total_plain" -v b="$plain" 'BEGIN{print a + b}')
    total_pch=$(awk -v a="$total_pch" -v b="$with" 'BEGIN{print a + b}')
done
for file in "${files[@]}"; do echo "#include \"$repo/$file\""; done >"$work/unity.cpp"
unity=$(eval cpu c++ "$flags" -c "$work/unity.cpp" -o "$work/unity.o")
echo "one by one:              ${total_plain} s"
echo "with the header:         ${total_pch} s, plus ${pch} s to build it once"
echo "as one unity file:       ${unity} s"
