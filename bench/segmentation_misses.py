#!/usr/bin/python3
"""Where a segmenter's IoU goes, in each file's own pixels: per class the drawn and predicted
pixels, the IoU, the drawn pixels missed (split into faint and clear defects when the set
says each defect's contrast), and the extra pixels next to a drawn region of that class
(within 2 px: the edges are too wide) or away from it: on another class's defect (within
2 px; the classes mixed up) or on the bare surface (false alarms).

  bench/segmentation_misses.py DATA MASKS [--split test] [--faint 15] [--by-defect]
                               [--min-areas 3,10]

DATA is a folder make_segmentation_set.py wrote (instances_<split>.json, masks/<split>/);
MASKS holds `kestrel-cli predict MODEL IMAGES... --masks MASKS` PNGs (class indexes, 0
background) named after the images. The line starting "mIoU" (the last, without
--by-defect) is the mean IoU over the defect classes.
A set of another seed than the training set's, with a few hundred images, tells two runs
apart far better than the 45 test images of the bench's set: for example

  bench/make_segmentation_set.py /tmp/seg9 --images 600 --seed 9
  kestrel-cli export P --run 1 --format torchscript --output /tmp/run1.pt
  kestrel-cli predict /tmp/run1.pt /tmp/seg9/images/* --masks /tmp/masks1
  bench/segmentation_misses.py /tmp/seg9 /tmp/masks1 --split train

(every image is predicted; the split picks which are counted).

--min-areas A,B,... adds, for each minimum area in pixels, the parts' verdicts as Kestrel's
default rule gives them (NG when a defect class covers more pixels of the predicted mask than
that): the escapes (parts with a drawn defect that pass) and the false rejects (parts without
one that do not).

--by-defect adds, per class and band of contrast, how many drawn defects there are, the share
of their pixels found with their class and with any defect class, and how many were found
(a tenth of their pixels or more) but called another class by most of their pixels, split by
polarity: a model that tells scratches from cracks by dark or light rather than by shape
shows it there.
"""
import argparse
import json
import os

import numpy as np
from PIL import Image


def rle_mask(segmentation):
    """An uncompressed COCO RLE (column-major counts) as a boolean height x width array."""
    height, width = segmentation["size"]
    flat = np.zeros(height * width, dtype=bool)
    position, value = 0, False
    for count in segmentation["counts"]:
        flat[position:position + count] = value
        position += count
        value = not value
    return flat.reshape((width, height)).T


def dilate(mask, radius):
    """`mask` grown by `radius` pixels (a square neighbourhood), without wrapping around."""
    height, width = mask.shape
    padded = np.pad(mask, radius)
    grown = np.zeros_like(mask)
    for dy in range(2 * radius + 1):
        for dx in range(2 * radius + 1):
            grown |= padded[dy:dy + height, dx:dx + width]
    return grown


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", help="folder make_segmentation_set.py wrote")
    parser.add_argument("masks", help="folder of predicted class-index PNGs")
    parser.add_argument("--split", default="test")
    parser.add_argument("--faint", type=float, default=15,
                        help="defects drawn with |contrast| under this are faint")
    parser.add_argument("--by-defect", action="store_true",
                        help="also each class's recall by contrast band and its mix-ups")
    parser.add_argument("--min-areas", default="",
                        help="comma-separated minimum areas in pixels: escapes and false "
                             "rejects at each")
    args = parser.parse_args()
    try:
        min_areas = [float(text) for text in args.min_areas.split(",") if text.strip()]
    except ValueError:
        parser.error(f"--min-areas takes numbers separated by commas, not {args.min_areas!r}")

    with open(os.path.join(args.data, f"instances_{args.split}.json")) as file:
        coco = json.load(file)
    names = {c["id"]: c["name"] for c in coco["categories"]}
    keys = ("truth", "predicted", "both", "near", "far", "other", "faint", "faint_found",
            "clear", "clear_found")
    totals = {c: dict.fromkeys(keys, 0) for c in names}
    by_image = {}
    for annotation in coco["annotations"]:
        by_image.setdefault(annotation["image_id"], []).append(annotation)
    missing = []
    defects = []  # (class, |contrast|, dark, pixels, found with its class, found as any defect)
    parts = []  # (has a drawn defect, the largest predicted area of a defect class)
    for image in coco["images"]:
        stem = os.path.splitext(image["file_name"])[0]
        predicted_file = os.path.join(args.masks, stem + ".png")
        if not os.path.exists(predicted_file):
            missing.append(image["file_name"])
            continue
        truth = np.array(Image.open(os.path.join(args.data, "masks", args.split, stem + ".png")))
        predicted = np.array(Image.open(predicted_file))
        if predicted.shape != truth.shape:
            raise SystemExit(f"{predicted_file} is {predicted.shape[1]} x {predicted.shape[0]}"
                             f" px; its image is {truth.shape[1]} x {truth.shape[0]}.")
        largest = 0
        for c in names:
            drawn, found = truth == c, predicted == c
            near = dilate(drawn, 2)
            row = totals[c]
            row["truth"] += int(drawn.sum())
            area = int(found.sum())
            largest = max(largest, area)
            row["predicted"] += area
            row["both"] += int((drawn & found).sum())
            row["near"] += int((found & ~drawn & near).sum())
            row["far"] += int((found & ~near).sum())
            row["other"] += int((found & ~near & dilate((truth > 0) & ~drawn, 2)).sum())
        parts.append((bool(by_image.get(image["id"])), largest))
        for annotation in by_image.get(image["id"], []):
            c = annotation["category_id"]
            # The pixels this defect still owns (a later defect paints over an earlier one).
            own = rle_mask(annotation["segmentation"]) & (truth == c)
            kind = "faint" if abs(annotation.get("contrast", 255)) < args.faint else "clear"
            pixels, found = int(own.sum()), int((own & (predicted == c)).sum())
            totals[c][kind] += pixels
            totals[c][kind + "_found"] += found
            contrast = annotation.get("contrast")
            if contrast is not None and pixels:
                defects.append((c, abs(contrast), contrast < 0, pixels, found,
                                int((own & (predicted > 0)).sum())))
    if missing:
        raise SystemExit(f"{len(missing)} images have no mask in {args.masks}, such as "
                         f"{missing[0]}.")

    share = lambda part, whole: f"{part / whole:.2f}" if whole else "-"
    ious = []
    for c, row in totals.items():
        union = row["truth"] + row["predicted"] - row["both"]
        iou = row["both"] / union if union else None
        if iou is not None:
            ious.append(iou)
        print(f"{names[c]:8s} IoU {share(row['both'], union)}  drawn {row['truth']} px,"
              f" predicted {row['predicted']}; missed {row['truth'] - row['both']}"
              f" (found: clear {share(row['clear_found'], row['clear'])} of {row['clear']},"
              f" faint {share(row['faint_found'], row['faint'])} of {row['faint']});"
              f" extra near {row['near']}, away {row['far']}"
              f" ({row['other']} on another class's defect)")
    defective = sum(1 for drawn, _ in parts if drawn)
    for area in min_areas:
        escapes = sum(1 for drawn, largest in parts if drawn and largest <= area)
        rejects = sum(1 for drawn, largest in parts if not drawn and largest > area)
        print(f"min-area {area:g} px: escapes {escapes} of {defective} defective parts, "
              f"false rejects {rejects} of {len(parts) - defective} good ones")
    print(f"mIoU {np.mean(ious):.3f} over {len(ious)} classes, {len(coco['images'])} images"
          if ious else "mIoU - (no class drawn or predicted)")
    if args.by_defect:
        print_by_defect(names, defects)


def print_by_defect(names, defects):
    """Per class and contrast band: pixel recall, and the defects called another class."""
    bands = [(0, 15), (15, 25), (25, 40), (40, 256)]
    for c, name in names.items():
        for low, high in bands:
            rows = [d for d in defects if d[0] == c and low <= d[1] < high]
            if not rows:
                continue
            pixels = sum(d[3] for d in rows)
            found = [d for d in rows if d[5] >= 0.1 * d[3]]
            mixed = {dark: sum(1 for d in found if d[2] == dark and d[4] < 0.5 * d[5])
                     for dark in (True, False)}
            counts = {dark: sum(1 for d in found if d[2] == dark) for dark in (True, False)}
            print(f"{name:8s} contrast {low:3d}-{min(high - 1, 255):3d}: {len(rows):4d} defects,"
                  f" pixels found {sum(d[4] for d in rows) / pixels:.2f} with the class,"
                  f" {sum(d[5] for d in rows) / pixels:.2f} as any defect; called another class:"
                  f" dark {mixed[True]} of {counts[True]}, light {mixed[False]} of"
                  f" {counts[False]} found")


if __name__ == "__main__":
    main()
