#!/usr/bin/python3
"""The peer for `kestrel-cli bench loader`: torchvision's ImageFolder + DataLoader (PIL
decoding) doing the same work as Kestrel's BatchLoader with AugmentOptions::standard().

Per image: decode, stretch to --image-size, RandomResizedCrop back to that size (scale
0.5-1, ratio 3/4-4/3) of the resized frame, horizontal flip with p=0.5, ColorJitter
brightness/contrast 0.2, float32 CHW in [0, 1]. Batches are shuffled and drop_last is on.
Timing runs from creating the DataLoader iterator (which starts the workers) to the last
batch, as measureLoader does. Prints one JSON line with "images_per_second".
"""
import argparse
import json
import time

import torch
from torchvision import datasets, transforms


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="image folder: <data>/<class>/<image>")
    parser.add_argument("--image-size", type=int, default=224)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--batches", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.batches < 1 or args.batch_size < 1 or args.workers < 0:
        parser.error("--batches and --batch-size must be positive, --workers not negative")

    torch.manual_seed(args.seed)
    size = args.image_size
    transform = transforms.Compose([
        transforms.Resize((size, size)),
        transforms.RandomResizedCrop(size, scale=(0.5, 1.0), ratio=(3 / 4, 4 / 3)),
        transforms.RandomHorizontalFlip(p=0.5),
        transforms.ColorJitter(brightness=0.2, contrast=0.2),
        transforms.ToTensor(),
    ])
    dataset = datasets.ImageFolder(args.data, transform=transform)
    if len(dataset) < args.batch_size:
        parser.error(f"{args.data} holds {len(dataset)} images, fewer than one batch")

    images = 0
    batches = 0
    epochs = 0
    start = time.perf_counter()
    while batches < args.batches:
        loader = torch.utils.data.DataLoader(
            dataset, batch_size=args.batch_size, shuffle=True, num_workers=args.workers,
            drop_last=True)  # prefetch_factor 2 per worker: 4 batches ahead with 2 workers
        epochs += 1
        for pixels, _labels in loader:
            images += pixels.shape[0]
            batches += 1
            if batches == args.batches:
                break
    seconds = time.perf_counter() - start
    print(json.dumps({
        "images_per_second": images / seconds,
        "images": images,
        "batches": batches,
        "epochs": epochs,
        "seconds": seconds,
        "workers": args.workers,
        "batch_size": args.batch_size,
        "image_size": size,
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
