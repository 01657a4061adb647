#!/usr/bin/env python3
"""Writes coco_reference_cases.json: random detection cases and what pycocotools' COCOeval
says of them, for CocoReferenceTest to compare Kestrel's evaluation with.

Debian packages no pycocotools, so this is run by hand, in a virtual environment, and its
output committed (the tests never download anything):

    python3 -m venv /tmp/coco && /tmp/coco/bin/pip install pycocotools numpy
    /tmp/coco/bin/python tests/core/inspection/make_coco_reference.py

The cases are what a defect detector produces on parts: small and thin boxes, detections
jittered around the drawn ones, duplicates, boxes of the wrong class, false alarms, tied
scores, crowd regions, images without boxes, a class nobody drew, and images with more than
the 100 detections COCO keeps.
"""
import argparse
import contextlib
import importlib.metadata
import io
import json
import pathlib

import numpy as np
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval


def rounded(values):
    return [round(float(v), 2) for v in values]


def make_case(rng):
    classes = int(rng.integers(1, 4))
    categories = list(range(1, classes + 2))  # the last one is never drawn
    images = sorted(int(i) for i in rng.choice(1000, size=int(rng.integers(1, 7)), replace=False))
    tied = rng.random() < 0.4
    spread = float(rng.choice([0.02, 0.06, 0.15]))  # a good, a fair and a poor detector
    truth, detections = [], []

    def score():
        s = rng.random()
        return round(s, 1) if tied else float(s)

    for image in images:
        for _ in range(int(rng.integers(0, 7))):
            category = int(rng.integers(1, classes + 1))
            crowd = rng.random() < 0.1
            if crowd:
                w, h = rng.uniform(60, 160, size=2)
            elif rng.random() < 0.3:  # a thin scratch, either way round
                w, h = rng.uniform(20, 90), rng.uniform(1.5, 4)
                if rng.random() < 0.5:
                    w, h = h, w
            else:
                w, h = np.exp(rng.uniform(np.log(3), np.log(60), size=2))
            x, y = rng.uniform(0, 320 - w), rng.uniform(0, 256 - h)
            truth.append({"image": image, "category": category, "box": rounded([x, y, w, h]),
                          "crowd": bool(crowd)})
            for _ in range(int(rng.choice([0, 1, 1, 1, 2]))):
                jitter = rng.normal(0, spread, size=2) * [w, h]
                scale = np.exp(rng.normal(0, 1.3 * spread, size=2))
                dw, dh = w * scale[0], h * scale[1]
                dx, dy = x + jitter[0] + (w - dw) / 2, y + jitter[1] + (h - dh) / 2
                if crowd:  # detections of the single defects inside the region
                    dw, dh = rng.uniform(3, 20, size=2)
                    dx, dy = x + rng.uniform(0, w - dw), y + rng.uniform(0, h - dh)
                wrong = rng.random() < 0.15
                detections.append({
                    "image": image,
                    "category": int(rng.integers(1, classes + 2)) if wrong else category,
                    "box": rounded([dx, dy, dw, dh]), "score": score()})
        for _ in range(int(rng.integers(0, 4))):  # false alarms anywhere
            w, h = np.exp(rng.uniform(np.log(3), np.log(40), size=2))
            detections.append({"image": image, "category": int(rng.integers(1, classes + 2)),
                               "box": rounded([rng.uniform(0, 300), rng.uniform(0, 240), w, h]),
                               "score": score()})
    if rng.random() < 0.2:  # a flood of weak detections in one image: only 100 are kept
        image = images[0]
        for _ in range(130):
            detections.append({"image": image, "category": 1,
                               "box": rounded([*rng.uniform(0, 300, size=2), 6, 6]),
                               "score": score() * 0.5})
    if not detections:
        detections.append({"image": images[0], "category": 1, "box": [1.0, 1.0, 5.0, 5.0],
                           "score": 0.5})
    return {"categories": categories, "images": images, "truth": truth,
            "detections": detections}


def evaluate(case):
    gt = COCO()
    gt.dataset = {
        "images": [{"id": i} for i in case["images"]],
        "categories": [{"id": c} for c in case["categories"]],
        "annotations": [{"id": n + 1, "image_id": t["image"], "category_id": t["category"],
                         "bbox": t["box"], "area": t["box"][2] * t["box"][3],
                         "iscrowd": int(t["crowd"])} for n, t in enumerate(case["truth"])],
    }
    with contextlib.redirect_stdout(io.StringIO()):
        gt.createIndex()
        dt = gt.loadRes([{"image_id": d["image"], "category_id": d["category"],
                          "bbox": d["box"], "score": d["score"]} for d in case["detections"]])
        evaluation = COCOeval(gt, dt, "bbox")
        evaluation.params.catIds = case["categories"]
        evaluation.evaluate()
        evaluation.accumulate()
    # [IoU threshold, recall point, category] at area "all" and maxDets 100.
    precision = evaluation.eval["precision"][:, :, :, 0, -1]

    def mean_of(values):
        kept = values[values > -1]
        return float(np.mean(kept)) if kept.size else None

    return {
        "map": mean_of(precision),
        "map50": mean_of(precision[0]),
        "map75": mean_of(precision[5]),
        "per_category": [mean_of(precision[:, :, k]) for k in range(len(case["categories"]))],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=40)
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--output", type=pathlib.Path,
                        default=pathlib.Path(__file__).with_name("coco_reference_cases.json"))
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    cases = []
    for _ in range(args.cases):
        case = make_case(rng)
        case["expected"] = evaluate(case)
        cases.append(case)
    document = {"made_by": "tests/core/inspection/make_coco_reference.py",
                "pycocotools": importlib.metadata.version("pycocotools"),
                "numpy": np.__version__, "seed": args.seed, "cases": cases}
    args.output.write_text(json.dumps(document, separators=(",", ":")) + "\n")
    print(f"wrote {len(cases)} cases to {args.output}")


if __name__ == "__main__":
    main()
