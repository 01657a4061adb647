#!/usr/bin/python3
"""The peer for `kestrel-cli bench infer`: the same model in Python eager PyTorch, timed the
same way. torchvision's model (or Kestrel's smallcnn, layer for layer) in eval mode under
torch.inference_mode; each call normalises the [0, 1] images, runs the model and takes the
softmax, as the exported files do. Batch-1 latency: 5 untimed calls, then --runs timed ones
(p50, p99); throughput: batches of --batch-size. Prints one JSON object in the shape of
`bench infer --json`, with format "python-eager"."""
import argparse
import json
import os
import time

import torch

from train_peer import build


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="resnet18")
    parser.add_argument("--image-size", type=int, default=224)
    parser.add_argument("--channels", type=int, default=3)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--channels-last", action="store_true")
    args = parser.parse_args()

    torch.set_num_threads(args.threads if args.threads > 0 else os.cpu_count())
    torch.manual_seed(0)
    memory_format = torch.channels_last if args.channels_last else torch.contiguous_format
    model = build(args.model, args.channels, args.classes).eval().to(memory_format=memory_format)
    mean = torch.full((1, args.channels, 1, 1), 0.45)
    std = torch.full((1, args.channels, 1, 1), 0.225)

    def predict(images):
        with torch.inference_mode():
            x = ((images - mean) / std).contiguous(memory_format=memory_format)
            return torch.softmax(model(x), 1)

    single = torch.rand(1, args.channels, args.image_size, args.image_size)
    for _ in range(5):
        predict(single)
    latencies = []
    for _ in range(args.runs):
        start = time.perf_counter()
        predict(single)
        latencies.append((time.perf_counter() - start) * 1000.0)
    latencies.sort()

    def at(fraction):
        return latencies[min(len(latencies) - 1, int(fraction * (len(latencies) - 1) + 0.5))]

    batch = torch.rand(args.batch_size, args.channels, args.image_size, args.image_size)
    predict(batch)
    batches = max(3, args.runs // args.batch_size)
    start = time.perf_counter()
    for _ in range(batches):
        predict(batch)
    seconds = time.perf_counter() - start
    print(json.dumps({"model": args.model, "formats": [{
        "format": "python-eager" + ("-channels-last" if args.channels_last else ""),
        "runtime": "PyTorch " + torch.__version__,
        "p50_ms": at(0.5), "p99_ms": at(0.99),
        "images_per_second": batches * args.batch_size / seconds,
        "runs": args.runs, "batch_size": args.batch_size}]}))


if __name__ == "__main__":
    main()
