#!/usr/bin/python3
"""Writes a generated defect segmentation set: metal parts under uneven light with 0-3 thin or
small defects each, as COCO instance JSON with per-defect RLE masks and as class-index PNGs.
Nothing is downloaded; numpy and PIL only.

  bench/make_segmentation_set.py OUT [--images N] [--seed S] [--size PX]

Each image is a plate (brushed metal or grain texture) shifted at random in the frame so that
its edge shows on some images, under a lighting gradient and vignetting of its own, with sensor
noise, about PX to 1.25 PX on a side. About a fifth of the images have no defect; the others
have 1-3 of:

  scratch  thin lines 1-3 px wide, straight or slightly curved, brighter or darker
  spot     small blobs 3-10 px across, darker or lighter
  crack    thin, jagged, branching dark polylines

Contrast varies per defect, some faint (a few gray levels over the noise). A defect's mask is
every pixel its drawing covers on the plate. About a third of the files are JPEG (quality
75-95), the rest PNG; about one in eight is saved gray, the rest RGB with a slight tint.

Writes
  OUT/images/<stem>.png|jpg
  OUT/instances_{train,val,test}.json  COCO: categories 1 scratch, 2 spot, 3 crack; one
                                      annotation per defect, in drawing order, with its mask
                                      as uncompressed RLE ({"counts": [...], "size": [h, w]},
                                      column-major), bbox, area and contrast (the gray
                                      levels drawn, signed, before the optics soften them;
                                      the faint ones are under 15)
  OUT/masks/{train,val,test}/<stem>.png  the class index per pixel (0 background, 1 scratch,
                                      2 spot, 3 crack; a later defect paints over an earlier)
  OUT/splits.json                     {"seed", "size", "classes", "train": [file names], ...}
The split is 70/15/15 by a shuffle seeded with --seed; Kestrel's COCO import takes each
image's split from the word train, val or test in its JSON file's name.
"""
import argparse
import json
import math
import os
import random
import time

import numpy as np
from PIL import Image, ImageDraw

CLASSES = ["scratch", "spot", "crack"]
SPLITS = ("train", "val", "test")


def rle_counts(mask):
    """COCO's uncompressed RLE: column-major runs starting with zeros (make_annotated_set.py's
    helper, without its loop over every pixel)."""
    flat = mask.T.reshape(-1).astype(np.uint8)
    edges = np.flatnonzero(np.diff(flat)) + 1
    counts = np.diff(np.concatenate([[0], edges, [flat.size]])).tolist()
    return [0] + counts if flat[0] else counts


def smooth(field, sigma):
    """A separable Gaussian blur of a 2-D float array (edges repeated)."""
    if sigma <= 0:
        return field
    radius = max(1, int(math.ceil(3 * sigma)))
    taps = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    taps /= taps.sum()
    padded = np.pad(field, radius, mode="edge")
    rows = sum(w * padded[:, k:k + field.shape[1]] for k, w in enumerate(taps))
    return sum(w * rows[k:k + field.shape[0], :] for k, w in enumerate(taps))


def texture(rng, width, height):
    """Brushed metal (streaks along a direction) or grain (isotropic blotches), mean 0."""
    if rng.random() < 0.6:
        side = int(math.ceil(math.hypot(width, height))) + 4
        streaks = rng.normal(0, 1, (side, 1)) * rng.uniform(2.5, 7)
        streaks = smooth(np.repeat(streaks, 3, axis=1), 0.6)[:, 1:2]
        fine = smooth(rng.normal(0, 1, (side, side)), 0.8) * rng.uniform(1, 3)
        # Streaks fade in and out along the brushing direction.
        along = smooth(rng.normal(0, 1, (1, side)).repeat(3, axis=0), 6)[1:2, :]
        field = streaks * (1 + 0.8 * along / (np.abs(along).max() + 1e-6)) + fine
        angle = rng.choice([0.0, 90.0]) + rng.uniform(-12, 12)
        if rng.random() < 0.2:
            angle = rng.uniform(0, 180)
        image = Image.fromarray(field.astype(np.float32), mode="F")
        image = image.rotate(angle, resample=Image.BILINEAR)
        left, top = (side - width) // 2, (side - height) // 2
        return np.asarray(image, dtype=np.float64)[top:top + height, left:left + width]
    grain = smooth(rng.normal(0, 1, (height, width)), rng.uniform(0.7, 1.6))
    mottle = smooth(rng.normal(0, 1, (height, width)), rng.uniform(5, 10))
    grain = grain / (grain.std() + 1e-6) * rng.uniform(2, 7)
    return grain + mottle / (mottle.std() + 1e-6) * rng.uniform(1, 5)


def lighting(rng, width, height):
    """Exposure times a linear gradient at a random angle times vignetting."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    x, y = x / width - 0.5, y / height - 0.5
    angle = rng.uniform(0, 2 * math.pi)
    gradient = 1 + rng.uniform(0.05, 0.5) * (x * math.cos(angle) + y * math.sin(angle))
    cx, cy = rng.uniform(-0.2, 0.2), rng.uniform(-0.2, 0.2)
    vignette = 1 - rng.uniform(0.0, 0.6) * ((x - cx) ** 2 + (y - cy) ** 2)
    return rng.uniform(95, 175) * gradient * vignette


def plate_mask(rng, pick, width, height):
    """Where the part is: a rounded rectangle shifted in the frame (covers it on some images)."""
    canvas = Image.new("L", (width, height), 0)
    left = width * rng.uniform(-0.15, 0.1)
    top = height * rng.uniform(-0.15, 0.1)
    right = width * (1 + rng.uniform(-0.1, 0.15))
    bottom = height * (1 + rng.uniform(-0.1, 0.15))
    ImageDraw.Draw(canvas).rounded_rectangle(
        [left, top, right, bottom], radius=pick.uniform(3, 14), fill=1)
    return np.asarray(canvas, dtype=bool)


def bezier(points, steps):
    (x0, y0), (x1, y1), (x2, y2) = points
    out = []
    for i in range(steps + 1):
        t = i / steps
        a, b, c = (1 - t) ** 2, 2 * (1 - t) * t, t ** 2
        out.append((a * x0 + b * x1 + c * x2, a * y0 + b * y1 + c * y2))
    return out


def draw_scratch(pick, size, centre):
    """A polyline 1-3 px wide, straight or slightly bent; its strokes as (points, width)."""
    length = pick.uniform(0.12, 0.6) * size
    angle = pick.uniform(0, math.pi)
    dx, dy = 0.5 * length * math.cos(angle), 0.5 * length * math.sin(angle)
    (cx, cy) = centre
    start, end = (cx - dx, cy - dy), (cx + dx, cy + dy)
    bend = 0.0 if pick.random() < 0.5 else pick.uniform(-0.15, 0.15) * length
    middle = (cx - bend * math.sin(angle), cy + bend * math.cos(angle))
    width = pick.choices([1, 2, 3], weights=[5, 3, 2])[0]
    return [(bezier([start, middle, end], 16), width)]


def draw_spot(pick, centre):
    """An irregular blob 3-10 px across, as a polygon."""
    radius = pick.uniform(1.5, 5.0)
    corners = pick.randint(7, 11)
    phase = pick.uniform(0, 2 * math.pi)
    squash = pick.uniform(0.7, 1.0)
    tilt = pick.uniform(0, math.pi)
    points = []
    for k in range(corners):
        a = phase + 2 * math.pi * k / corners
        r = radius * pick.uniform(0.75, 1.15)
        u, v = r * math.cos(a), r * squash * math.sin(a)
        points.append((centre[0] + u * math.cos(tilt) - v * math.sin(tilt),
                       centre[1] + u * math.sin(tilt) + v * math.cos(tilt)))
    return points


def draw_crack(pick, size, centre):
    """A jagged random walk with 1-3 shorter branches; strokes as (points, width)."""
    def walk(start, heading, length):
        points, travelled = [start], 0.0
        x, y = start
        while travelled < length:
            heading += pick.uniform(-0.6, 0.6)
            step = pick.uniform(2.5, 5.5)
            x, y = x + step * math.cos(heading), y + step * math.sin(heading)
            points.append((x, y))
            travelled += step
        return points

    heading = pick.uniform(0, 2 * math.pi)
    length = pick.uniform(0.15, 0.45) * size
    # Grow both ways from the centre so the crack stays around it.
    back = walk(centre, heading + math.pi, length / 2)
    ahead = walk(centre, heading, length / 2)
    trunk = back[::-1] + ahead[1:]
    width = 1 if pick.random() < 0.75 else 2
    strokes = [(trunk, width)]
    for _ in range(pick.randint(1, 3)):
        root = trunk[pick.randrange(1, len(trunk) - 1)]
        side = heading + pick.choice([-1, 1]) * pick.uniform(0.4, 1.2)
        strokes.append((walk(root, side, length * pick.uniform(0.15, 0.45)), 1))
    return strokes


def defect_mask(kind, pick, size, centre, width, height):
    canvas = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(canvas)
    if kind == "spot":
        draw.polygon(draw_spot(pick, centre), fill=1, outline=1)
    else:
        strokes = draw_scratch(pick, size, centre) if kind == "scratch" else \
            draw_crack(pick, size, centre)
        for points, stroke in strokes:
            draw.line(points, fill=1, width=stroke, joint="curve" if stroke > 1 else None)
    return np.asarray(canvas, dtype=bool)


def contrast(pick, kind):
    """Gray levels a defect adds or takes away: about a quarter are faint."""
    amount = pick.uniform(6, 14) if pick.random() < 0.25 else pick.uniform(15, 55)
    if kind == "crack":
        sign = -1 if pick.random() < 0.9 else 1
    elif kind == "scratch":
        sign = 1 if pick.random() < 0.6 else -1
    else:
        sign = -1 if pick.random() < 0.55 else 1
    return sign * amount


def make_image(rng, pick, size):
    width = int(round(size * rng.uniform(0.94, 1.25)))
    height = int(round(size * rng.uniform(0.94, 1.25)))
    plate = plate_mask(rng, pick, width, height)
    surface = lighting(rng, width, height) + texture(rng, width, height)
    backdrop = rng.uniform(20, 55) + smooth(rng.normal(0, 3, (height, width)), 1.0)
    # A soft edge: the plate blends into the backdrop over about a pixel.
    blend = smooth(plate.astype(np.float64), 0.7)
    base = blend * surface + (1 - blend) * backdrop

    count = pick.choices([0, 1, 2, 3], weights=[20, 38, 27, 15])[0]
    inside = np.argwhere(smooth(plate.astype(np.float64), 2.0) > 0.99)
    defects, delta = [], np.zeros((height, width))
    while len(defects) < count and len(inside):
        kind = pick.choice(CLASSES)
        cy, cx = inside[pick.randrange(len(inside))]
        mask = defect_mask(kind, pick, size, (float(cx), float(cy)), width, height) & plate
        if not mask.any():
            continue
        # Painted over what came before, then softened by the optics below.
        amount = contrast(pick, kind)
        delta[mask] = amount
        defects.append((kind, mask, amount))
    image = base + smooth(delta, pick.uniform(0.35, 0.6))
    image = image + rng.normal(0, rng.uniform(1.5, 5.0), image.shape)
    gray = pick.random() < 0.12
    if gray:
        pixels = np.clip(image, 0, 255).round().astype(np.uint8)
    else:
        tint = np.array([1 + rng.uniform(-0.06, 0.06), 1.0, 1 + rng.uniform(-0.06, 0.06)])
        colour = image[..., None] * tint + rng.normal(0, 1.0, image.shape + (3,))
        pixels = np.clip(colour, 0, 255).round().astype(np.uint8)
    return Image.fromarray(pixels), defects


def annotation(next_id, image_id, kind, mask, amount):
    ys, xs = np.nonzero(mask)
    height, width = mask.shape
    return {"id": next_id, "image_id": image_id, "category_id": CLASSES.index(kind) + 1,
            "iscrowd": 0, "area": int(mask.sum()), "contrast": round(float(amount), 2),
            "bbox": [int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1),
                     int(ys.max() - ys.min() + 1)],
            "segmentation": {"size": [height, width], "counts": rle_counts(mask)}}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--images", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--size", type=int, default=128, help="smallest side, about")
    args = parser.parse_args()
    if args.images < 3:
        parser.error("--images must be 3 or more (one per split)")
    started = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    pick = random.Random(args.seed)

    order = list(range(args.images))
    random.Random(f"split-{args.seed}").shuffle(order)
    train = max(1, round(0.70 * args.images))
    val = max(1, round(0.15 * args.images))
    train = min(train, args.images - val - 1)
    split_of = {}
    for rank, index in enumerate(order):
        split_of[index] = "train" if rank < train else "val" if rank < train + val else "test"

    for folder in ["images"] + [os.path.join("masks", s) for s in SPLITS]:
        os.makedirs(os.path.join(args.out, folder), exist_ok=True)
    categories = [{"id": i + 1, "name": name, "supercategory": "defect"}
                  for i, name in enumerate(CLASSES)]
    coco = {s: {"images": [], "annotations": [], "categories": categories} for s in SPLITS}
    names = {s: [] for s in SPLITS}
    next_id, defects_by_class, clean = 1, {name: 0 for name in CLASSES}, 0
    for index in range(args.images):
        image, defects = make_image(rng, pick, args.size)
        width, height = image.size
        split = split_of[index]
        stem = f"seg_{index:04d}"
        name = stem + (".jpg" if pick.random() < 0.35 else ".png")
        if name.endswith(".jpg"):
            image.save(os.path.join(args.out, "images", name), quality=pick.randint(75, 95))
        else:
            image.save(os.path.join(args.out, "images", name))
        classes = np.zeros((height, width), dtype=np.uint8)
        for kind, mask, amount in defects:
            classes[mask] = CLASSES.index(kind) + 1
            coco[split]["annotations"].append(annotation(next_id, index + 1, kind, mask, amount))
            next_id += 1
            defects_by_class[kind] += 1
        clean += not defects
        Image.fromarray(classes).save(os.path.join(args.out, "masks", split, stem + ".png"))
        coco[split]["images"].append({"id": index + 1, "file_name": name, "width": width,
                                      "height": height})
        names[split].append(name)

    for split in SPLITS:
        with open(os.path.join(args.out, f"instances_{split}.json"), "w") as out:
            json.dump(coco[split], out)
    with open(os.path.join(args.out, "splits.json"), "w") as out:
        json.dump({"seed": args.seed, "size": args.size, "classes": CLASSES, **names}, out)
    print(f"{args.images} images ({', '.join(f'{len(names[s])} {s}' for s in SPLITS)}; "
          f"{clean} without defects; "
          f"{', '.join(f'{n} {k}' for k, n in defects_by_class.items())}) in {args.out} "
          f"in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
