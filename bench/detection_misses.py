#!/usr/bin/python3
"""Which drawn boxes a detector finds, and how tightly: for each class of a COCO file, how
many drawn boxes have a predicted box of their class at IoU 0.5 (at any score kept, and at
the line's score), at IoU 0.3, or of another class at IoU 0.5, and the best IoU of each.
A class found at IoU 0.3 but not at 0.5 is a localisation problem; not found at all, a recall
problem.

  bench/detection_misses.py INSTANCES.json PREDICTIONS.json [--line-score 0.25]

PREDICTIONS.json is `kestrel-cli predict MODEL IMAGES... --json --min-score 0.05`; images
are matched to the COCO file by file name.

When the annotations carry make_segmentation_set.py's "contrast" (gray levels drawn), each
class also says how many of its clear and faint boxes (|contrast| under --faint, 15) are
found, and the last line gives AP50 twice: over every box, and with the faint boxes ignored
the way pycocotools ignores crowd regions (a prediction on an ignored box counts neither
way). That separates what the detector misses from what the set hides.
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


def ap50(truth, predictions, ignored):
    """pycocotools' AP at IoU 0.5 for one class: truth and predictions per image (boxes, and
    (score, box)), `ignored` per image a flag per true box. Predictions in descending score,
    at most 100 an image, each to the unmatched kept box of highest IoU, else to an ignored
    one (then dropped); precision made monotone and read at 101 recall points."""
    hits, total = [], 0
    for boxes, predicted, flags in zip(truth, predictions, ignored):
        total += sum(not flag for flag in flags)
        taken = [False] * len(boxes)
        for score, box in sorted(predicted, key=lambda p: -p[0])[:100]:
            overlaps = [iou(box, true) for true in boxes]
            best = None
            for want_ignored in (False, True):
                candidates = [i for i, o in enumerate(overlaps)
                              if flags[i] == want_ignored and o >= 0.5 and not taken[i]]
                if candidates:
                    best = max(candidates, key=lambda i: overlaps[i])
                    break
            if best is None:
                hits.append((score, False))
            else:
                taken[best] = True
                if not flags[best]:
                    hits.append((score, True))
    if total == 0:
        return None
    hits.sort(key=lambda h: -h[0])
    precision, recall, found = [], [], 0
    for rank, (_, hit) in enumerate(hits, 1):
        found += hit
        precision.append(found / rank)
        recall.append(found / total)
    for i in range(len(precision) - 2, -1, -1):
        precision[i] = max(precision[i], precision[i + 1])
    points = []
    for k in range(101):
        at = next((i for i, r in enumerate(recall) if r >= k / 100), None)
        points.append(precision[at] if at is not None else 0.0)
    return sum(points) / 101


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("instances")
    parser.add_argument("predictions")
    parser.add_argument("--line-score", type=float, default=0.25)
    parser.add_argument("--faint", type=float, default=15.0)
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
    has_contrast = all("contrast" in a for a in coco["annotations"])
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
        if has_contrast:
            kind = "faint" if abs(annotation["contrast"]) < args.faint else "clear"
            count[kind] += 1
            count[kind + "_found"] += best >= 0.5
        best_ious[name].append(best)
    for name in sorted(counts):
        c = counts[name]
        ious = sorted(best_ious[name])
        print(f"{name}: {c['drawn']} drawn; same class at IoU 0.5: {c['iou50']} "
              f"({c['iou50_line']} from the line's score), at IoU 0.3: {c['iou30']}; "
              f"any class at IoU 0.5: {c['iou50_any_class']}; median best IoU "
              f"{ious[len(ious) // 2]:.2f}"
              + (f"; clear {c['clear_found']} of {c['clear']}, faint {c['faint_found']} of "
                 f"{c['faint']} found at IoU 0.5" if has_contrast else ""))
    print_ap50(coco, names, files, boxes, args.faint if has_contrast else None)


def print_ap50(coco, names, files, boxes, faint):
    """Mean AP50 over the classes, with every box and (given `faint`) without the faint."""
    by_image = collections.defaultdict(list)
    for annotation in coco["annotations"]:
        by_image[annotation["image_id"]].append(annotation)
    means = {}
    for label, threshold in (("every box", None), ("faint boxes ignored", faint)):
        if label != "every box" and threshold is None:
            continue
        values = []
        for category, name in names.items():
            truth, predictions, ignored = [], [], []
            for image_id, file_name in files.items():
                mine = [a for a in by_image[image_id] if a["category_id"] == category]
                truth.append([(a["bbox"][0], a["bbox"][1], a["bbox"][0] + a["bbox"][2],
                               a["bbox"][1] + a["bbox"][3]) for a in mine])
                ignored.append([threshold is not None and abs(a["contrast"]) < threshold
                                for a in mine])
                predictions.append([(b["score"], (b["x0"], b["y0"], b["x1"], b["y1"]))
                                    for b in boxes.get(os.path.basename(file_name), [])
                                    if b["class"] == name])
            value = ap50(truth, predictions, ignored)
            if value is not None:
                values.append(value)
        means[label] = sum(values) / len(values)
    print("mAP50: " + ", ".join(f"{value:.3f} ({label})" for label, value in means.items()))


if __name__ == "__main__":
    main()
