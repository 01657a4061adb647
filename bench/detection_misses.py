#!/usr/bin/python3
"""Which drawn boxes a detector finds, and how tightly: for each class of a COCO file, how
many drawn boxes have a predicted box of their class at IoU 0.5 (at any score kept, and at
the line's score), at IoU 0.3, or of another class at IoU 0.5, and the best IoU of each.
A class found at IoU 0.3 but not at 0.5 is a localisation problem; not found at all, a recall
problem.

  bench/detection_misses.py INSTANCES.json PREDICTIONS.json [--line-score 0.25]

PREDICTIONS.json is `kestrel-cli predict MODEL IMAGES... --json --min-score 0.05`; images
are matched to the COCO file by file name.
"""
import argparse
import collections
import json
import os


def iou(a, b):
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[2], b[2]), min(a[3], b[3])
    inter = max(0.0, x1 - x0) * max(0.0, y1 - y0)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("instances")
    parser.add_argument("predictions")
    parser.add_argument("--line-score", type=float, default=0.25)
    args = parser.parse_args()
    with open(args.instances) as file:
        coco = json.load(file)
    with open(args.predictions) as file:
        predicted = json.load(file)
    names = {c["id"]: c["name"] for c in coco["categories"]}
    files = {image["id"]: image["file_name"] for image in coco["images"]}
    boxes = {os.path.basename(p["image"]): p.get("boxes", []) for p in predicted["predictions"]}
    counts = collections.defaultdict(collections.Counter)
    best_ious = collections.defaultdict(list)
    for annotation in coco["annotations"]:
        x, y, w, h = annotation["bbox"]
        drawn = (x, y, x + w, y + h)
        name = names[annotation["category_id"]]
        found = boxes.get(os.path.basename(files[annotation["image_id"]]), [])
        scored = [(iou(drawn, (b["x0"], b["y0"], b["x1"], b["y1"])), b["score"], b["class"])
                  for b in found]
        same = [(overlap, score) for overlap, score, cls in scored if cls == name]
        best = max((overlap for overlap, _ in same), default=0.0)
        count = counts[name]
        count["drawn"] += 1
        count["iou50"] += best >= 0.5
        count["iou50_line"] += any(o >= 0.5 and s >= args.line_score for o, s in same)
        count["iou30"] += best >= 0.3
        count["iou50_any_class"] += any(o >= 0.5 for o, _, _ in scored)
        best_ious[name].append(best)
    for name in sorted(counts):
        c = counts[name]
        ious = sorted(best_ious[name])
        print(f"{name}: {c['drawn']} drawn; same class at IoU 0.5: {c['iou50']} "
              f"({c['iou50_line']} from the line's score), at IoU 0.3: {c['iou30']}; "
              f"any class at IoU 0.5: {c['iou50_any_class']}; median best IoU "
              f"{ious[len(ious) // 2]:.2f}")


if __name__ == "__main__":
    main()
