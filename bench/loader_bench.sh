#!/usr/bin/env bash
# Batch-loader throughput, Kestrel against torchvision on the same images, same machine,
# same run. Prints both figures and the ratio Kestrel / peer (above 1: Kestrel is faster).
#
#   bench/loader_bench.sh [--images N] [--batches N] [--workers N] [--texture smooth|noise]
#                         [--size PX] [--cli PATH] [--peer-only]
#
# --texture noise writes high-entropy JPEGs (slow to decode); --size sets their shorter side
# (256 by default; every other image is 4:3, so 256 gives 256x256 and 341x256).
# Keep batches x 32 <= images so both loaders do one epoch: Kestrel's decode cache would
# otherwise skip decoding in later epochs, which the peer cannot.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
images=1024
batches=30
workers=2
cli="$here/../build/app/cli/kestrel-cli"
peer_only=0
texture=smooth
size=256
python=/usr/bin/python3 # Debian's, with python3-torch and python3-torchvision

while [[ $# -gt 0 ]]; do
    case "$1" in
    --images) images="$2"; shift 2 ;;
    --batches) batches="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --cli) cli="$2"; shift 2 ;;
    --peer-only) peer_only=1; shift ;;
    --texture) texture="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "loader_bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
if (( batches * 32 > images )); then
    echo "loader_bench.sh: $batches batches of 32 need more than $images images;" \
         "raise --images so both loaders stay within one epoch." >&2
    exit 2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/kestrel-loader-bench-XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "Writing $images $texture JPEG images ($size px, 2 classes) to $work/images" >&2
"$python" "$here/make_imagefolder.py" --output "$work/images" --count "$images" --classes 2 \
    --texture "$texture" --size "$size"

json_field() { "$python" -c 'import json,sys; print(json.loads(sys.stdin.read())[sys.argv[1]])' "$1"; }

kestrel_ips=""
if (( ! peer_only )); then
    if [[ ! -x "$cli" ]]; then
        echo "loader_bench.sh: $cli is not built (build kestrel-cli, or pass --cli PATH)." >&2
        exit 1
    fi
    "$cli" init "$work/project" >&2
    "$cli" import "$work/project" "$work/images" --format imagefolder >&2
    kestrel_json="$("$cli" bench loader "$work/project" --split all --image-size 224 --batch-size 32 \
        --batches "$batches" --workers "$workers" --json)"
    echo "kestrel: $kestrel_json"
    kestrel_ips="$(json_field images_per_second <<<"$kestrel_json")"
fi

peer_json="$("$python" "$here/loader_peer.py" --data "$work/images" --image-size 224 \
    --batch-size 32 --batches "$batches" --workers "$workers")"
echo "peer:    $peer_json"
peer_ips="$(json_field images_per_second <<<"$peer_json")"

if [[ -n "$kestrel_ips" ]]; then
    "$python" -c 'import sys; k, p = map(float, sys.argv[1:]); print(f"kestrel {k:.1f} images/s, peer {p:.1f} images/s, ratio kestrel/peer {k / p:.2f}")' \
        "$kestrel_ips" "$peer_ips"
else
    "$python" -c 'import sys; print(f"peer {float(sys.argv[1]):.1f} images/s (Kestrel not run: --peer-only)")' "$peer_ips"
fi
