#!/usr/bin/env python3
"""The peer of bench/distributed_bench.sh: torchvision's model trained on random images by
PyTorch itself, as one plain process or, under torchrun, data-parallel with
DistributedDataParallel (Gloo on CPU, NCCL on CUDA). Prints one JSON object from rank 0:
{"images_per_second": global images per second over the timed steps, "world_size": N}.

    ddp_peer.py --model resnet18 --image-size 64 --batch-size 32 --steps 30 [--threads N]
--batch-size is the global batch, as Kestrel's is: each rank takes batch-size / ranks.
"""
import argparse
import json
import os
import time

import torch
import torch.distributed as dist
import torchvision


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="resnet18")
    parser.add_argument("--image-size", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)

    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    distributed = "WORLD_SIZE" in os.environ
    device = torch.device(args.device)
    if device.type == "cuda":
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
        torch.cuda.set_device(device)
    if distributed:
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")

    torch.manual_seed(0)
    model = getattr(torchvision.models, args.model)(num_classes=4).to(device)
    model = model.to(memory_format=torch.channels_last)
    if distributed:
        model = torch.nn.parallel.DistributedDataParallel(
            model, device_ids=[device.index] if device.type == "cuda" else None)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    rows = args.batch_size // world
    images = torch.rand(rows, 3, args.image_size, args.image_size, device=device)
    images = images.contiguous(memory_format=torch.channels_last)
    labels = torch.randint(0, 4, (rows,), device=device)

    def step():
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()

    for _ in range(args.warmup):
        step()
    if distributed:
        dist.barrier()
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    if rank == 0:
        print(json.dumps({"images_per_second": args.steps * rows * world / seconds,
                          "world_size": world}))
    if distributed:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
