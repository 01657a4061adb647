#!/usr/bin/python3
"""Writes a synthetic image-folder dataset (<output>/<class>/<n>.jpg) for the loader benchmark.

With --texture smooth (the default) images are smooth colour fields with some texture, so
they compress and decode like photos. With --texture noise they carry strong per-pixel noise
over the field, as a grainy sensor or a textured part would: high-entropy JPEGs, several times
larger and slower to decode. The same arguments always give the same files.
"""
import argparse
import os

import numpy as np
from PIL import Image


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", required=True, help="folder to create")
    parser.add_argument("--count", type=int, default=1024, help="images in all")
    parser.add_argument("--classes", type=int, default=2, help="class folders (2 or more)")
    parser.add_argument("--size", type=int, default=256, help="shorter side, at least 224")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--texture", choices=["smooth", "noise"], default="smooth")
    args = parser.parse_args()
    if args.classes < 2 or args.count < args.classes or args.size < 224:
        parser.error("need 2+ classes, at least one image per class, and --size >= 224")

    rng = np.random.default_rng(args.seed)
    for c in range(args.classes):
        os.makedirs(os.path.join(args.output, f"class_{c}"), exist_ok=True)
    for i in range(args.count):
        # Alternate landscape and square frames so both loaders really resize.
        height = args.size
        width = args.size * 4 // 3 if i % 2 else args.size
        coarse = rng.integers(0, 256, size=(6, 8, 3), dtype=np.uint8)
        field = np.asarray(
            Image.fromarray(coarse).resize((width, height), Image.BILINEAR), dtype=np.int16)
        amplitude = 12 if args.texture == "smooth" else 255
        channels = 1 if args.texture == "smooth" else 3
        texture = rng.integers(-amplitude, amplitude + 1, size=(height, width, channels),
                               dtype=np.int16)
        pixels = np.clip(field + texture, 0, 255).astype(np.uint8)
        path = os.path.join(args.output, f"class_{i % args.classes}", f"{i:06d}.jpg")
        Image.fromarray(pixels).save(path, quality=90)


if __name__ == "__main__":
    main()
