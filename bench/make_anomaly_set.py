#!/usr/bin/python3
"""Writes an anomaly-detection set in the MVTec AD layout, for `kestrel-cli import P DIR
--format mvtec` and anomaly_peer.py:

  DIR/train/good/NNN.png                 good parts only
  DIR/test/good/NNN.png
  DIR/test/<defect>/NNN.png              scratch, crack, stain, missing, contamination
  DIR/ground_truth/<defect>/NNN_mask.png 255 on the pixels the defect altered, 0 elsewhere

One surface per set (--texture): woven cloth (a plain weave whose threads vary in
brightness), brushed metal (streaks along one direction) or a perforated plate (a staggered
hole grid). Every image sees the pattern at a random phase, a small rotation and scale, under
its own lighting: a gradient of random direction and strength, exposure and a colour cast,
and sensor noise. The mean good image is therefore nearly flat, and a per-pixel comparison
with it flags texture and lighting rather than defects.

Defects, of varied size and contrast (about a third of them faint):
  scratch        a thin straight or gently bent line, brighter or darker than the surface
  crack          a dark jagged polyline, sometimes branched
  stain          a soft-edged irregular blob: a tint and exposure shift, texture damped
  missing        a patch where the texture is gone (the surface's mean level, same brightness)
  contamination  a blob of foreign grain replacing the texture
The defect is blended into the surface before lighting and noise, with an alpha that is
exactly zero outside its footprint, and the mask is that footprint. The same arguments always
give the same files; each image depends only on the seed, its folder and its number.
"""
import argparse
import math
import os

import cv2
import numpy as np

DEFECTS = ("scratch", "crack", "stain", "missing", "contamination")

# Per-image nuisances: (max rotation in degrees, scale jitter, max lighting ramp, exposure
# jitter, sensor noise sigma range in grey levels, hot spot strength, max defocus sigma).
# "moderate" is an inspection station with a fixed light: up to +-11% across the frame and
# +-5% exposure. "strong" adds a hot spot and defocus and makes every nuisance several times
# larger.
NUISANCE = {
    "moderate": (2.0, 0.02, 0.08, 0.05, (1.5, 4.0), 0.0, 0.0),
    "strong": (6.0, 0.05, 0.5, 0.3, (3.0, 9.0), 0.3, 1.0),
}

# Below this the alpha is cut to zero, so a soft edge ends within a few pixels instead of
# fading out over the whole frame; the mask is then every pixel with a non-zero alpha.
ALPHA_FLOOR = 0.05
# Texture contrast: reflectance varies by this fraction of the part's colour per unit of the
# normalised pattern.
TEXTURE_AMPLITUDE = 0.25


def blur(image, sigma_x, sigma_y=None):
    """Gaussian blur that keeps a trailing channel axis of 1 (cv2 drops it)."""
    return cv2.GaussianBlur(image, (0, 0), sigmaX=sigma_x,
                            sigmaY=sigma_x if sigma_y is None else sigma_y).reshape(image.shape)


def normalised(field):
    field = field - field.mean()
    return field / max(float(field.std()), 1e-6)


def woven(rng, size, period):
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / period
    col, row = np.floor(xx).astype(np.int32), np.floor(yy).astype(np.int32)
    fx, fy = xx - col, yy - row
    across = lambda t: np.sin(math.pi * t) ** 0.7  # a thread's cross-section
    along = lambda t: 0.6 + 0.4 * np.sin(math.pi * t)  # dips where it passes under
    warp_on_top = (col + row) % 2 == 0
    value = np.where(warp_on_top, across(fx) * along(fy), across(fy) * along(fx))
    # Threads differ in brightness and carry fibres along their length.
    cols, rows = size // period + 2, size // period + 2
    warp_shade = rng.uniform(0.85, 1.15, cols)[np.clip(col, 0, cols - 1)]
    weft_shade = rng.uniform(0.85, 1.15, rows)[np.clip(row, 0, rows - 1)]
    value *= np.where(warp_on_top, warp_shade, weft_shade)
    fibres = rng.normal(0, 1, (size, size)).astype(np.float32)
    fibres_v = blur(fibres, 0.5, 3)
    fibres_h = blur(fibres, 3, 0.5)
    value += 0.08 * np.where(warp_on_top, fibres_v, fibres_h)
    return normalised(value)


def brushed(rng, size, period):
    noise = rng.normal(0, 1, (size, size)).astype(np.float32)
    streaks = blur(noise, 4 * period, 0.7)
    grain = blur(rng.normal(0, 1, (size, size)).astype(np.float32), 0.8)
    return normalised(normalised(streaks) + 0.3 * normalised(grain))


def perforated(rng, size, period):
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    row = np.floor(yy / period)
    # Staggered rows: every other row shifted by half a period.
    fx = (xx / period + 0.5 * (row % 2)) % 1.0 - 0.5
    fy = (yy / period) % 1.0 - 0.5
    radius = np.sqrt(fx ** 2 + fy ** 2) * period
    hole = np.clip((0.3 * period - radius) / 1.2 + 0.5, 0, 1)  # dark holes, 1.2 px edge
    grain = blur(rng.normal(0, 1, (size, size)).astype(np.float32), 1.0)
    return normalised(-hole + 0.1 * normalised(grain))


def surface(rng, texture, size, period, nuisance):
    """The texture seen at a random phase, rotation and scale, as reflectance around 0."""
    max_angle, scale_jitter = NUISANCE[nuisance][:2]
    canvas = int(size * 1.3) + 2 * period
    pattern = TEXTURES[texture](rng, canvas, period)
    angle = rng.uniform(-max_angle, max_angle)
    scale = 1 + rng.uniform(-scale_jitter, scale_jitter)
    matrix = cv2.getRotationMatrix2D((canvas / 2, canvas / 2), angle, scale)
    # Any phase: shift the canvas centre by up to a period either way before cutting the frame.
    shift = rng.uniform(-period, period, 2)
    matrix[:, 2] += (size / 2 - canvas / 2) + shift
    return cv2.warpAffine(pattern, matrix, (size, size), flags=cv2.INTER_CUBIC,
                          borderMode=cv2.BORDER_REFLECT)


TEXTURES = {"woven": woven, "brushed": brushed, "perforated": perforated}


def soft_blob(rng, size, radius, edge):
    """An irregular blob's alpha: 1 inside, a smooth edge band, exactly 0 beyond it."""
    cy, cx = rng.uniform(radius + edge, size - radius - edge, 2)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    theta = np.arctan2(yy - cy, xx - cx)
    wobble = 1.0 + sum(rng.uniform(0, 0.12) * np.cos(k * theta + rng.uniform(0, 2 * math.pi))
                       for k in range(2, 6))
    stretch = rng.uniform(0.6, 1.0)
    angle = rng.uniform(0, math.pi)
    u = (xx - cx) * math.cos(angle) + (yy - cy) * math.sin(angle)
    v = (-(xx - cx) * math.sin(angle) + (yy - cy) * math.cos(angle)) / stretch
    outside = (np.sqrt(u ** 2 + v ** 2) - radius * wobble) / edge  # 0 at the rim
    t = np.clip(0.5 - outside, 0, 1)
    return t * t * (3 - 2 * t)  # smoothstep


def stroke(size, points, width):
    """Antialiased polyline as alpha (drawn in 8 bit with 1/16 px precision)."""
    layer = np.zeros((size, size), np.uint8)
    cv2.polylines(layer, [np.round(np.asarray(points) * 16).astype(np.int32)], False, 255,
                  thickness=width, lineType=cv2.LINE_AA, shift=4)
    return layer.astype(np.float32) / 255


def scratch_alpha(rng, size):
    length = rng.uniform(0.15, 0.6) * size
    start = rng.uniform(0.1, 0.9, 2) * size
    angle = rng.uniform(0, 2 * math.pi)
    end = start + length * np.array([math.cos(angle), math.sin(angle)])
    bend = rng.uniform(-0.15, 0.15) * length if rng.random() < 0.5 else 0.0
    middle = (start + end) / 2 + bend * np.array([-math.sin(angle), math.cos(angle)])
    t = np.linspace(0, 1, int(length))[:, None]
    curve = (1 - t) ** 2 * start + 2 * t * (1 - t) * middle + t ** 2 * end  # quadratic Bezier
    return stroke(size, curve, int(rng.integers(1, 3)))


def crack_alpha(rng, size):
    def walk(start, heading, steps):
        # Zigzag segments around a slowly drifting course.
        points = [start]
        for _ in range(steps):
            heading += rng.uniform(-0.15, 0.15)
            turn = heading + rng.uniform(-0.7, 0.7)
            points.append(points[-1] + rng.uniform(3, 8) * np.array([math.cos(turn),
                                                                    math.sin(turn)]))
        return np.clip(points, 0, size - 1)

    heading = rng.uniform(0, 2 * math.pi)
    trunk = walk(rng.uniform(0.2, 0.8, 2) * size, heading, int(rng.integers(6, 20)))
    width = int(rng.integers(1, 4))
    alpha = stroke(size, trunk, width)
    if rng.random() < 0.5:
        fork = trunk[int(rng.integers(1, len(trunk)))]
        branch = walk(fork, heading + rng.choice([-1, 1]) * rng.uniform(0.5, 1.2),
                      int(rng.integers(3, 8)))
        alpha = np.maximum(alpha, stroke(size, branch, max(1, width - 1)))
    return alpha


def add_defect(rng, kind, reflectance, period):
    """Blends a defect into reflectance (H x W x C, around 0); returns the image and mask."""
    size, channels = reflectance.shape[0], reflectance.shape[2]
    # Each defect's strength: a third faint, the rest clear.
    strength = rng.uniform(0.25, 0.5) if rng.random() < 0.33 else rng.uniform(0.5, 1.0)
    local_mean = blur(reflectance, period)
    if kind in ("scratch", "crack"):
        alpha = scratch_alpha(rng, size) if kind == "scratch" else crack_alpha(rng, size)
        sign = rng.choice([-1.0, 1.0]) if kind == "scratch" else -1.0
        target = local_mean + sign * strength * 3.0
    else:
        radius = rng.uniform(0.6, 3.0) * period
        alpha = soft_blob(rng, size, radius, rng.uniform(1.5, 5.0) if kind == "stain" else 1.5)
        if kind == "stain":
            # Oil or rust: an exposure shift, tinted in colour, with the texture under it damped.
            tint = 1 + (rng.uniform(-0.3, 0.3, channels) if channels == 3 else 0)
            shift = strength * rng.choice([-1.5, 1.5]) * tint
            target = local_mean + (1 - 0.6 * strength) * (reflectance - local_mean) + shift
        elif kind == "missing":
            target = local_mean + 0.15 * (1 - strength) * (reflectance - local_mean)
        else:
            grain = normalised(blur(rng.normal(0, 1, (size, size)).astype(np.float32),
                                    rng.uniform(0.7, 2.5)))
            target = local_mean + strength * (1.5 * grain[..., None] + rng.uniform(-1.0, 1.0))
    alpha[alpha < ALPHA_FLOOR] = 0
    return reflectance + alpha[..., None] * (target - reflectance), alpha > 0


def photograph(rng, reflectance, base, nuisance):
    """Reflectance to 8-bit pixels under this image's lighting and sensor."""
    _, _, max_ramp, exposure, noise, hot_spot, defocus = NUISANCE[nuisance]
    size = reflectance.shape[0]
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size - 0.5
    angle = rng.uniform(0, 2 * math.pi)
    light = 1 + rng.uniform(0, max_ramp) * 2 * (math.cos(angle) * xx + math.sin(angle) * yy)
    if hot_spot:
        cy, cx = rng.uniform(-0.4, 0.4, 2)
        light += rng.uniform(0, hot_spot) * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / 0.05)
    light *= 1 + rng.uniform(-exposure, exposure)
    colour = base * (1 + rng.uniform(-0.03, 0.03, base.shape))  # white balance
    pixels = colour * (1 + TEXTURE_AMPLITUDE * reflectance) * light[..., None]
    if defocus:
        pixels = blur(pixels, rng.uniform(0.01, defocus))
    pixels += rng.normal(0, rng.uniform(*noise), pixels.shape)
    return np.clip(np.rint(pixels), 0, 255).astype(np.uint8)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="folder to create")
    parser.add_argument("--size", type=int, default=224, help="square image side in pixels")
    parser.add_argument("--train", type=int, default=200, help="good training images")
    parser.add_argument("--test-good", type=int, default=40, help="good test images")
    parser.add_argument("--test-defect", type=int, default=60,
                        help="defective test images, spread evenly over the defect kinds")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--color", choices=("rgb", "gray"), default="rgb")
    parser.add_argument("--texture", choices=sorted(TEXTURES), default="woven")
    parser.add_argument("--nuisance", choices=sorted(NUISANCE), default="moderate")
    args = parser.parse_args()
    if args.size < 32 or args.train < 1 or args.test_good < 0 or args.test_defect < 0:
        parser.error("need --size >= 32, --train >= 1, and no negative counts")

    channels = 3 if args.color == "rgb" else 1
    material = np.random.default_rng([args.seed, 0])
    # The part's colour and the pattern's period (in pixels at this size) hold for the set.
    base = (material.uniform(90, 150) * material.uniform(0.8, 1.1, channels)).astype(np.float32)
    period = max(4, int(round(args.size / material.uniform(16, 24))))

    # (random stream, folder, kind, number in its folder); each image has its own generator.
    jobs = [(1, "train", "good", i) for i in range(args.train)]
    jobs += [(2, "test", "good", i) for i in range(args.test_good)]
    jobs += [(3, "test", DEFECTS[i % len(DEFECTS)], i // len(DEFECTS))
             for i in range(args.test_defect)]
    digits = max(3, len(str(max(args.train, args.test_good, args.test_defect))))
    for stream, split, kind, number in jobs:
        rng = np.random.default_rng([args.seed, stream, DEFECTS.index(kind) if stream == 3 else 0,
                                     number])
        reflectance = surface(rng, args.texture, args.size, period, args.nuisance)
        reflectance = np.repeat(reflectance[..., None], channels, axis=2)
        mask = None
        if kind != "good":
            reflectance, mask = add_defect(rng, kind, reflectance, period)
        pixels = photograph(rng, reflectance, base, args.nuisance)
        name = f"{number:0{digits}d}"
        folder = os.path.join(args.out, split, kind)
        os.makedirs(folder, exist_ok=True)
        cv2.imwrite(os.path.join(folder, name + ".png"), np.ascontiguousarray(pixels[..., ::-1]))
        if mask is not None:
            truth = os.path.join(args.out, "ground_truth", kind)
            os.makedirs(truth, exist_ok=True)
            cv2.imwrite(os.path.join(truth, name + "_mask.png"), mask.astype(np.uint8) * 255)


if __name__ == "__main__":
    main()
