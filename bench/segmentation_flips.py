#!/usr/bin/python3
"""What averaging a segmenter over flipped and turned copies of each image would buy (test-time
augmentation, as nnU-Net mirrors by default). Writes class-index PNGs like
`kestrel-cli predict MODEL IMAGES... --masks OUT`, from an exported TorchScript model's
probabilities averaged over the copies, each turned back first:

  bench/segmentation_flips.py MODEL.pt DATA OUT [--split train] [--flips none|mirror|all]

  none    the image alone: the same masks as `kestrel-cli predict` (a check of this script)
  mirror  the image, mirrored left-right, top-bottom and both (4 passes)
  all     the eight flips and quarter turns (8 passes; square inputs only)

DATA is a folder make_segmentation_set.py wrote; the split's images are predicted. Then score
them with `bench/segmentation_misses.py DATA OUT --split S`. Only models exported with
`resize: pad` (the segmentation default) are read: the image is centred on a zero canvas of
the model's input size, as Kestrel pads it. Runs on Debian's python3-torch, on the CPU.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
from PIL import Image


def load(model_path):
    extra = {"metadata.json": ""}
    model = torch.jit.load(model_path, map_location="cpu", _extra_files=extra).eval()
    metadata = json.loads(extra["metadata.json"])
    shape = metadata["input"]
    if shape.get("resize") != "pad":
        sys.exit(f"{model_path}: its input is resized by \"{shape.get('resize')}\"; this script "
                 "reads only models exported with resize \"pad\".")
    return model, shape


def views(flips, square):
    """(quarter turns, mirrored left-right) pairs; the last two mirror top-bottom too."""
    if flips == "none":
        return [(0, False)]
    if flips == "mirror":
        return [(0, False), (0, True), (2, True), (2, False)]
    if not square:
        sys.exit("--flips all turns the image by quarters, which needs a square input.")
    return [(turns, mirrored) for turns in range(4) for mirrored in (False, True)]


def seen(x, turns, mirrored):
    x = torch.rot90(x, turns, (2, 3))
    return torch.flip(x, (3,)) if mirrored else x


def unseen(y, turns, mirrored):
    y = torch.flip(y, (3,)) if mirrored else y
    return torch.rot90(y, -turns, (2, 3))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model")
    parser.add_argument("data")
    parser.add_argument("out")
    parser.add_argument("--split", default="train")
    parser.add_argument("--flips", choices=["none", "mirror", "all"], default="mirror")
    args = parser.parse_args()

    model, shape = load(args.model)
    height, width, channels = shape["height"], shape["width"], shape["channels"]
    passes = views(args.flips, height == width)
    with open(os.path.join(args.data, f"instances_{args.split}.json")) as f:
        images = json.load(f)["images"]
    os.makedirs(args.out, exist_ok=True)
    with torch.no_grad():
        for image in images:
            path = os.path.join(args.data, "images", image["file_name"])
            pixels = Image.open(path).convert("RGB" if channels == 3 else "L")
            array = np.asarray(pixels, dtype=np.float32).reshape(
                pixels.height, pixels.width, channels) / 255.0
            h, w = array.shape[:2]
            if h > height or w > width:
                sys.exit(f"{path}: {w} x {h} px is larger than the model's {width} x {height} "
                         "input; this script does not shrink images.")
            top, left = (height - h) // 2, (width - w) // 2
            x = torch.zeros(1, channels, height, width)
            x[0, :, top:top + h, left:left + w] = torch.from_numpy(array).permute(2, 0, 1)
            probabilities = sum(unseen(model(seen(x, t, m)), t, m) for t, m in passes)
            classes = probabilities[0].argmax(0)[top:top + h, left:left + w]
            stem = os.path.splitext(image["file_name"])[0]
            Image.fromarray(classes.numpy().astype(np.uint8)).save(
                os.path.join(args.out, stem + ".png"))
    print(f"{len(images)} masks in {args.out}, {len(passes)} pass(es) each")


if __name__ == "__main__":
    main()
