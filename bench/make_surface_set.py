#!/usr/bin/python3
"""Writes a small 3-class inspection set (<output>/{ok,scratch,spot}/<n>.<ext>) and
<output>/labels.csv (path,label,split: a stratified 70/15/15 split, so that Kestrel and a peer
train and test on the same images).

Each image is a machined surface under its own lighting, so the classes differ only in the
defect: brushed, cast or turned textures; a lighting gradient and vignetting; exposure and
contrast that vary per image; sensor noise; the part shifted in the frame with a dark border
on some; slight defocus; sizes from 112 to 176 px, some not square; PNG, JPEG and a few
8-bit grayscale files among RGB ones. Scratches are thin, faint-to-strong strokes, straight
or curved; spots are dark or bright blobs a few pixels across. The same arguments always give
the same files, and different seeds give different sets.
"""
import argparse
import math
import os

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

CLASSES = ("ok", "scratch", "spot")

# How strong the nuisances are beside the defects: (texture, lighting, defect contrast).
# "strong" defeats a model trained from scratch on 126 images (Kestrel's smallcnn and
# torchvision's resnet18 alike stayed under 55% test accuracy); "moderate" is a line with
# decent lighting, where a person still sees every defect at a glance.
NUISANCE = {"moderate": (0.6, 0.5, 1.3), "strong": (1.0, 1.0, 1.0)}


def blur(array, sigma):
    """Gaussian blur of a float image (PIL blurs only 8-bit ones)."""
    radius = max(1, int(3 * sigma))
    taps = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    taps /= taps.sum()
    for axis in (0, 1):
        array = np.apply_along_axis(lambda line: np.convolve(line, taps, "same"), axis, array)
    return array.astype(np.float32)


def smooth_noise(rng, height, width, cells):
    coarse = rng.normal(0.0, 1.0, size=(cells, cells)).astype(np.float32)
    image = Image.fromarray(coarse, mode="F").resize((width, height), Image.BICUBIC)
    return np.asarray(image, dtype=np.float32)


def texture(rng, height, width, scale):
    kind = rng.integers(0, 3)
    noise = rng.normal(0.0, 1.0, size=(height, width)).astype(np.float32)
    if kind == 0:  # brushed: noise smeared along rows or columns
        length = int(rng.integers(9, 31))
        kernel = np.ones(length, dtype=np.float32) / length
        axis = int(rng.integers(0, 2))
        smeared = np.apply_along_axis(lambda line: np.convolve(line, kernel, "same"), axis, noise)
        return scale * 10.0 * smeared / max(float(smeared.std()), 1e-6) * rng.uniform(0.5, 1.0)
    if kind == 1:  # cast: isotropic grain
        grain = blur(noise, rng.uniform(0.6, 1.6))
        return scale * 9.0 * grain / max(float(grain.std()), 1e-6) * rng.uniform(0.5, 1.0)
    # turned: concentric tool marks around a centre outside or inside the frame
    cy, cx = rng.uniform(-0.5, 1.5) * height, rng.uniform(-0.5, 1.5) * width
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    radius = np.sqrt((yy - cy) ** 2 + (xx - cx) ** 2)
    period = rng.uniform(2.5, 5.0)
    return scale * (6.0 * np.sin(2 * math.pi * radius / period) + 3.0 * noise)


def lighting(rng, height, width, scale):
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    ramp = (math.cos(angle) * (xx / width - 0.5) + math.sin(angle) * (yy / height - 0.5))
    vignette = ((xx / width - 0.5) ** 2 + (yy / height - 0.5) ** 2)
    return scale * (rng.uniform(-45, 45) * ramp - rng.uniform(0, 60) * vignette
                    + 8.0 * smooth_noise(rng, height, width, 4))


def add_scratch(rng, image, scale):
    height, width = image.shape
    layer = Image.new("F", (width, height), 0.0)
    draw = ImageDraw.Draw(layer)
    x, y = rng.uniform(0.2, 0.8) * width, rng.uniform(0.2, 0.8) * height
    angle = rng.uniform(0, 2 * math.pi)
    bend = rng.uniform(-0.04, 0.04) if rng.random() < 0.5 else 0.0
    steps = int(rng.uniform(0.25, 0.55) * max(height, width) / 2)
    points = []
    for _ in range(steps):
        points.append((x, y))
        x += 2 * math.cos(angle)
        y += 2 * math.sin(angle)
        angle += bend
    draw.line(points, fill=1.0, width=int(rng.integers(1, 3)))
    stroke = blur(np.asarray(layer, dtype=np.float32), 0.6)
    contrast = scale * rng.uniform(35, 80) * (1 if rng.random() < 0.5 else -1)
    return image + contrast * stroke / max(float(stroke.max()), 1e-6)


def add_spot(rng, image, scale):
    height, width = image.shape
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    blobs = np.zeros_like(image)
    cy, cx = rng.uniform(0.2, 0.8) * height, rng.uniform(0.2, 0.8) * width
    for _ in range(int(rng.integers(1, 4))):
        oy, ox = rng.normal(0, 4, size=2)
        ry, rx = rng.uniform(2.0, 5.5), rng.uniform(2.0, 5.5)
        blobs = np.maximum(blobs, np.exp(-(((yy - cy - oy) / ry) ** 2 + ((xx - cx - ox) / rx) ** 2)))
    contrast = scale * rng.uniform(40, 90) * (1 if rng.random() < 0.3 else -1)
    return image + contrast * blobs


def render(rng, defect, nuisance):
    texture_scale, light_scale, defect_scale = NUISANCE[nuisance]
    height = int(rng.integers(112, 177))
    width = height if rng.random() < 0.6 else int(rng.integers(112, 177))
    image = (rng.uniform(95, 165) + texture(rng, height, width, texture_scale)
             + lighting(rng, height, width, light_scale))
    if defect == "scratch":
        image = add_scratch(rng, image, defect_scale)
    elif defect == "spot":
        image = add_spot(rng, image, defect_scale)
    # The part sits a little off centre; on some frames the fixture's dark edge shows.
    if rng.random() < 0.3:
        edge = int(rng.integers(3, 14))
        side = rng.integers(0, 4)
        value = rng.uniform(10, 40)
        if side == 0:
            image[:edge, :] = value
        elif side == 1:
            image[-edge:, :] = value
        elif side == 2:
            image[:, :edge] = value
        else:
            image[:, -edge:] = value
    image = image * rng.uniform(0.8, 1.2) + rng.normal(0, rng.uniform(2, 7), size=image.shape)
    pixels = Image.fromarray(np.clip(image, 0, 255).astype(np.uint8), mode="L")
    if rng.random() < 0.25:
        pixels = pixels.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.9)))
    return pixels


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", required=True, help="folder to create")
    parser.add_argument("--per-class", type=int, default=60, help="images per class")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--nuisance", choices=sorted(NUISANCE), default="moderate")
    args = parser.parse_args()
    if args.per_class < 1:
        parser.error("--per-class must be at least 1")

    rng = np.random.default_rng(args.seed)
    for name in CLASSES:
        os.makedirs(os.path.join(args.output, name), exist_ok=True)
    rows = []
    for i in range(args.per_class * len(CLASSES)):
        defect = CLASSES[i % len(CLASSES)]
        image = render(rng, defect, args.nuisance)
        # Most cameras on a line write RGB even of a gray part; a few files stay 8-bit gray.
        if rng.random() < 0.8:
            tint = rng.uniform(0.95, 1.05, size=3)
            gray = np.asarray(image, dtype=np.float32)
            image = Image.fromarray(
                np.clip(gray[..., None] * tint, 0, 255).astype(np.uint8), mode="RGB")
        name = f"{defect}/{i:04d}" + (".png" if rng.random() < 0.5 else ".jpg")
        image.save(os.path.join(args.output, name), quality=int(rng.integers(85, 96)))
        rows.append((name, defect))
    with open(os.path.join(args.output, "labels.csv"), "w") as table:
        table.write("path,label,split\n")
        for defect in CLASSES:
            names = [name for name, label in rows if label == defect]
            order = rng.permutation(len(names))
            val = round(0.15 * len(names))
            for rank, index in enumerate(order):
                split = "test" if rank < val else "val" if rank < 2 * val else "train"
                table.write(f"{names[index]},{defect},{split}\n")


if __name__ == "__main__":
    main()
