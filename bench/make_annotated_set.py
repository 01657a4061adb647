#!/usr/bin/env python3
"""Writes a small annotated defect dataset as COCO JSON for trying the annotation tools and
formats: brushed-metal parts under uneven light with sensor noise, random shifts, some gray
and some colour images of several sizes, and per image scratches (boxes), dents (polygons)
and stains (RLE masks). Nothing is downloaded.

  bench/make_annotated_set.py OUT_DIR [--images N] [--seed S]

Writes OUT_DIR/images/*.png|jpg and OUT_DIR/instances_{train,val}.json.
"""
import argparse
import json
import math
import os
import random

import numpy as np
from PIL import Image, ImageDraw


def rle_counts(mask):
    """COCO's uncompressed RLE: column-major runs starting with zeros."""
    flat = mask.T.reshape(-1).astype(np.uint8)
    counts, last, run = [], 0, 0
    for value in flat:
        if value != last:
            counts.append(run)
            run, last = 0, value
        run += 1
    counts.append(run)
    return counts


def part_image(rng, width, height):
    x = np.linspace(0, 1, width)[None, :]
    y = np.linspace(0, 1, height)[:, None]
    light = 90 + 80 * (0.6 * x + 0.4 * y) * rng.uniform(0.6, 1.2)
    brushed = np.repeat(rng.normal(0, 9, (height, 1)), width, axis=1)
    noise = rng.normal(0, 4, (height, width))
    return np.clip(light + brushed + noise, 0, 255)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--images", type=int, default=24)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    pick = random.Random(args.seed)
    os.makedirs(os.path.join(args.out, "images"), exist_ok=True)
    categories = [{"id": 1, "name": "scratch"}, {"id": 2, "name": "dent"},
                  {"id": 3, "name": "stain"}]
    splits = {"train": {"images": [], "annotations": []}, "val": {"images": [], "annotations": []}}
    next_id = 1
    for index in range(args.images):
        width, height = pick.choice([(320, 240), (400, 300), (256, 256)])
        gray = part_image(rng, width, height)
        canvas = Image.fromarray(gray.astype(np.uint8))
        draw = ImageDraw.Draw(canvas)
        split = "val" if index % 5 == 4 else "train"
        entry = splits[split]
        name = f"part_{index:03d}." + ("jpg" if index % 4 == 3 else "png")
        image_id = index + 1
        for _ in range(pick.randint(0, 3)):  # scratches: thin dark lines, boxed
            x0, y0 = pick.uniform(10, width - 80), pick.uniform(10, height - 40)
            x1, y1 = x0 + pick.uniform(30, 70), y0 + pick.uniform(-8, 30)
            draw.line([(x0, y0), (x1, y1)], fill=int(gray.mean() - 60), width=2)
            left, top = min(x0, x1) - 2, min(y0, y1) - 2
            entry["annotations"].append({
                "id": next_id, "image_id": image_id, "category_id": 1, "iscrowd": 0,
                "bbox": [round(left, 1), round(top, 1), round(abs(x1 - x0) + 4, 1),
                         round(abs(y1 - y0) + 4, 1)]})
            next_id += 1
        for _ in range(pick.randint(0, 2)):  # dents: irregular dark blobs, outlined
            cx, cy = pick.uniform(30, width - 30), pick.uniform(30, height - 30)
            points = []
            for k in range(7):
                angle = 2 * math.pi * k / 7
                radius = pick.uniform(8, 18)
                points += [round(cx + radius * math.cos(angle), 1),
                           round(cy + radius * math.sin(angle), 1)]
            draw.polygon(list(zip(points[0::2], points[1::2])), fill=int(gray.mean() - 35))
            xs, ys = points[0::2], points[1::2]
            entry["annotations"].append({
                "id": next_id, "image_id": image_id, "category_id": 2, "iscrowd": 0,
                "segmentation": [points],
                "bbox": [min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)]})
            next_id += 1
        if pick.random() < 0.4:  # stains: soft bright patches, as masks
            mask = Image.new("L", (width, height), 0)
            cx, cy = pick.uniform(40, width - 40), pick.uniform(40, height - 40)
            ImageDraw.Draw(mask).ellipse([cx - 25, cy - 12, cx + 25, cy + 12], fill=1)
            pixels = np.array(mask)
            lit = np.array(canvas).astype(np.int32) + 40 * pixels
            canvas = Image.fromarray(np.clip(lit, 0, 255).astype(np.uint8))
            ys, xs = np.nonzero(pixels)
            entry["annotations"].append({
                "id": next_id, "image_id": image_id, "category_id": 3, "iscrowd": 0,
                "segmentation": {"size": [height, width], "counts": rle_counts(pixels)},
                "bbox": [int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1),
                         int(ys.max() - ys.min() + 1)]})
            next_id += 1
        if index % 3 == 1:
            canvas = canvas.convert("RGB")
        canvas.save(os.path.join(args.out, "images", name))
        entry["images"].append({"id": image_id, "file_name": name, "width": width,
                                "height": height})
    for split, entry in splits.items():
        entry["categories"] = categories
        with open(os.path.join(args.out, f"instances_{split}.json"), "w") as out:
            json.dump(entry, out)


if __name__ == "__main__":
    main()
