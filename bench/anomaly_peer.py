#!/usr/bin/python3
"""The anomaly-detection peer: anomalib's PatchCore and PaDiM (the torch models of
anomalib/models/{patchcore,padim}/torch_model.py) in plain torch and torchvision, trained on
the good images of an MVTec AD folder (make_anomaly_set.py writes one) and tested on its test
split against the ground-truth masks.

Backbone: torchvision's resnet18 or wide_resnet50_2 in eval mode, random weights unless
--weights gives a torchvision state_dict. --recompute-bn first replaces the BatchNorm
statistics by those of the good training images (momentum None, so an exact average over the
batches, in train mode under no_grad). With random weights the default statistics (mean 0,
variance 1) leave the features unnormalised, dominated by each channel's mean and so by local
brightness; recomputed ones weigh every channel's variation alike. Which works better
depends on the data: measure both.

PatchCore: layer2 and layer3 (--layers; Kestrel compares layer1 and layer2 when the backbone
is random) each through AvgPool2d(3, 1, 1), on layer2's grid: a coarser layer upsampled
bilinearly, a finer one averaged down (adaptive average pooling), concatenated; every
position of every training image is a patch. The memory
bank is a --coreset share of the patches, picked by greedy k-center on a sparse random
projection to 128 dimensions from a seeded random start. Patch scores are the distance to
the nearest bank vector (one matrix product: |x|^2 - 2 x M^T + |m|^2); the image score is the
largest, reweighted by anomalib's softmax over its 9 nearest bank neighbours.

PaDiM: layer1, layer2 and layer3 (the deeper two upsampled nearest to layer1's grid), a
seeded random choice of channels (100 of 448 for resnet18, 550 of 1792 for wide_resnet50_2);
per position a Gaussian (covariance + 0.01 I, inverted); the Mahalanobis distance map. The
image score is the map's maximum.

Both anomaly maps are upsampled bilinearly to the image size and blurred (Gaussian, sigma 4,
33 taps, reflected edges). Reports image AUROC (good against defective test images), pixel
AUROC (every test pixel against the masks), the memory bank or Gaussians' size, the time of
each stage and peak RSS. Times start after the imports and include decoding the images:
extract_s is listing the folder, building the backbone, decoding the training images, the
BatchNorm pass (also given alone) and their features; fit_s the coreset or the Gaussians;
test_s decoding and scoring the test images; metrics_s the two AUROCs; total_s all of it.
"""
import argparse
import json
import os
import resource
import time

import numpy as np
import torch
import torch.nn.functional as F
import torchvision
from PIL import Image

MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
# anomalib's PaDiM defaults: channels kept, of those layer1..layer3 have together.
PADIM_CHANNELS = {"resnet18": (100, 448), "wide_resnet50_2": (550, 1792)}
PROJECTION_DIMS = 128
NUM_NEIGHBORS = 9
SIGMA = 4.0
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff")


def images_in(folder):
    return sorted(os.path.join(folder, name) for name in os.listdir(folder)
                  if name.lower().endswith(IMAGE_SUFFIXES))


def read_dataset(root):
    """Training images, and test images with label (0 good, 1 defective) and mask path."""
    train = images_in(os.path.join(root, "train", "good"))
    test = []
    for kind in sorted(os.listdir(os.path.join(root, "test"))):
        for path in images_in(os.path.join(root, "test", kind)):
            stem = os.path.splitext(os.path.basename(path))[0]
            mask = os.path.join(root, "ground_truth", kind, stem + "_mask.png")
            test.append((path, int(kind != "good"), mask if kind != "good" else None))
    return train, test


def load_image(path, size):
    image = Image.open(path).convert("RGB")
    return np.asarray(image if image.size == (size, size)
                      else image.resize((size, size), Image.BILINEAR))


def load_images(paths, size):
    batch = np.stack([load_image(path, size) for path in paths])
    images = torch.from_numpy(batch).permute(0, 3, 1, 2).float().div_(255)
    return (images - MEAN) / STD


def load_mask(path, size):
    if path is None:
        return np.zeros((size, size), bool)
    return np.asarray(Image.open(path).convert("L").resize((size, size), Image.NEAREST)) > 127


class Backbone(torch.nn.Module):
    """A torchvision ResNet up to layer`last`, returning layer1..layer`last`."""

    def __init__(self, name, weights, last=3):
        super().__init__()
        net = getattr(torchvision.models, name)(weights=None)
        if weights:
            net.load_state_dict(torch.load(weights, map_location="cpu"))
        self.stem = torch.nn.Sequential(net.conv1, net.bn1, net.relu, net.maxpool)
        self.layers = torch.nn.ModuleList([net.layer1, net.layer2, net.layer3, net.layer4][:last])

    def forward(self, x):
        x = self.stem(x)
        features = []
        for layer in self.layers:
            x = layer(x)
            features.append(x)
        return features


def recompute_batchnorm(backbone, images, batch_size):
    for module in backbone.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.momentum = None  # cumulative average: every batch weighs the same
            module.reset_running_stats()
    backbone.train()
    with torch.no_grad():
        for chunk in images.split(batch_size):
            backbone(chunk)
    backbone.eval()


def gaussian_blur(maps, sigma=SIGMA):
    """kornia's GaussianBlur2d as anomalib uses it: 2 * int(4 sigma + 0.5) + 1 taps, reflect."""
    taps = 2 * int(4.0 * sigma + 0.5) + 1
    x = torch.arange(taps, dtype=torch.float32) - taps // 2
    kernel = torch.exp(-x ** 2 / (2 * sigma ** 2))
    kernel /= kernel.sum()
    padded = F.pad(maps, (taps // 2,) * 4, mode="reflect")
    blurred = F.conv2d(padded, kernel.view(1, 1, 1, taps))
    return F.conv2d(blurred, kernel.view(1, 1, taps, 1))


def to_anomaly_map(scores, size):
    """Patch scores (B x 1 x h x w) to smoothed maps at image size (B x size x size)."""
    maps = F.interpolate(scores, size=(size, size), mode="bilinear", align_corners=False)
    return gaussian_blur(maps)[:, 0]


def squared_norms(x):
    return (x * x).sum(-1)


def euclidean(x, y, y_norms):
    """Distances between rows of x and y as one matrix product, as anomalib computes them."""
    squared = (x @ y.transpose(-2, -1)).mul_(-2).add_(squared_norms(x).unsqueeze(-1))
    return squared.add_(y_norms).clamp_min_(0).sqrt_()


def sparse_random_projection(features, dims, generator):
    """anomalib's (and sklearn's) SparseRandomProjection with density 1 / sqrt(features)."""
    density = 1 / np.sqrt(features)
    draw = torch.rand(features, dims, generator=generator)
    signs = torch.where(torch.rand(features, dims, generator=generator) < 0.5, -1.0, 1.0)
    return torch.where(draw < density, signs, torch.zeros(())) / np.sqrt(density * dims)


def k_center_greedy(patches, ratio, generator):
    """anomalib's KCenterGreedy: the first centre only seeds the distances and is not kept."""
    count = max(1, int(len(patches) * ratio))
    projected = patches @ sparse_random_projection(patches.shape[1], PROJECTION_DIMS, generator)
    norms = squared_norms(projected)
    index = int(torch.randint(len(patches), (1,), generator=generator))
    # Squared distances pick the same argmax as anomalib's distances, without the sqrt.
    nearest = torch.full((len(patches),), float("inf"))
    chosen = []
    for _ in range(count):
        centre = projected[index]
        distance = norms - 2 * (projected @ centre) + centre.dot(centre)
        torch.minimum(nearest, distance, out=nearest)
        index = int(torch.argmax(nearest))
        nearest[index] = 0
        chosen.append(index)
    return patches[chosen].contiguous()


class PatchCore:
    def __init__(self, coreset, generator, layers):
        self.coreset = coreset
        self.generator = generator
        self.layers = layers
        self.pool = torch.nn.AvgPool2d(3, 1, 1)

    def embed(self, features):
        grid_stage = min(max(self.layers[0], 2), self.layers[-1])
        grid = features[grid_stage - 1].shape[-2:]
        parts = []
        for layer in self.layers:
            part = self.pool(features[layer - 1])
            if part.shape[-1] > grid[-1]:
                part = F.adaptive_avg_pool2d(part, grid)
            elif part.shape[-1] < grid[-1]:
                part = F.interpolate(part, size=grid, mode="bilinear", align_corners=False)
            parts.append(part)
        return torch.cat(parts, 1)

    def fit(self, embeddings):
        dims = embeddings.shape[1]
        patches = embeddings.permute(0, 2, 3, 1).reshape(-1, dims)
        self.bank = k_center_greedy(patches, self.coreset, self.generator)
        self.bank_norms = squared_norms(self.bank)

    def score(self, embedding, size):
        batch, dims, height, width = embedding.shape
        patches = embedding.permute(0, 2, 3, 1).reshape(batch, height * width, dims)
        patch_scores, locations = euclidean(patches, self.bank, self.bank_norms).min(-1)
        # anomalib's reweighting: the most anomalous patch's score, times 1 - the softmax
        # weight of its nearest bank vector among that vector's 9 nearest bank neighbours.
        rows = torch.arange(batch)
        worst = patch_scores.argmax(1)
        worst_patch = patches[rows, worst]
        nearest = self.bank[locations[rows, worst]]
        neighbours = min(NUM_NEIGHBORS, len(self.bank))
        support = euclidean(nearest, self.bank, self.bank_norms).topk(
            neighbours, largest=False).indices
        support_vectors = self.bank[support]
        distances = euclidean(worst_patch.unsqueeze(1), support_vectors,
                              squared_norms(support_vectors).unsqueeze(1))[:, 0]
        weights = 1 - torch.softmax(distances, 1)[:, 0]
        image_scores = weights * patch_scores[rows, worst]
        maps = to_anomaly_map(patch_scores.view(batch, 1, height, width), size)
        return image_scores, maps

    def footprint(self):
        return {"memory_bank": list(self.bank.shape),
                "memory_bank_mib": round(self.bank.numel() * 4 / 2 ** 20, 1)}


class Padim:
    def __init__(self, backbone, generator):
        self.channels, available = PADIM_CHANNELS[backbone]
        self.index = torch.randperm(available, generator=generator)[:self.channels]

    def embed(self, features):
        grid = features[0].shape[-2:]
        embedding = torch.cat([features[0]] + [F.interpolate(f, size=grid, mode="nearest")
                                               for f in features[1:]], 1)
        return embedding.index_select(1, self.index)

    def fit(self, embeddings):
        count, channels, height, width = embeddings.shape
        vectors = embeddings.reshape(count, channels, height * width)
        self.mean = vectors.mean(0)
        positions = height * width
        self.inverse = torch.empty(positions, channels, channels)
        identity = torch.eye(channels)
        # Position by position in chunks, so wide_resnet50_2's 3136 x 550 x 550 covariances
        # are held once.
        for start in range(0, positions, 256):
            part = slice(start, min(start + 256, positions))
            centred = (vectors[:, :, part] - self.mean[:, part]).permute(2, 0, 1)
            covariance = centred.transpose(1, 2) @ centred / (count - 1) + 0.01 * identity
            self.inverse[part] = torch.linalg.inv(covariance)

    def score(self, embedding, size):
        batch, channels, height, width = embedding.shape
        delta = (embedding.reshape(batch, channels, -1) - self.mean).permute(2, 0, 1)
        distances = ((delta @ self.inverse) * delta).sum(2).permute(1, 0)
        distances = distances.reshape(batch, 1, height, width).clamp_min(0).sqrt()
        maps = to_anomaly_map(distances, size)
        return maps.flatten(1).amax(1), maps

    def footprint(self):
        return {"gaussians": [self.mean.shape[1], self.channels],
                "gaussians_mib": round((self.mean.numel() + self.inverse.numel()) * 4 / 2 ** 20,
                                       1)}


def auroc(scores, labels):
    """Area under the ROC curve by the rank formula, ties sharing their mean rank."""
    scores = np.asarray(scores).ravel()
    labels = np.asarray(labels).ravel().astype(bool)
    order = np.argsort(scores, kind="mergesort")
    ordered = scores[order]
    starts = np.concatenate([[0], np.flatnonzero(np.diff(ordered)) + 1])
    ends = np.concatenate([starts[1:], [len(ordered)]])
    ranks = np.empty(len(ordered))
    ranks[order] = np.repeat((starts + ends + 1) / 2, ends - starts)
    positives = int(labels.sum())
    negatives = len(labels) - positives
    if positives == 0 or negatives == 0:
        return float("nan")
    return float((ranks[labels].sum() - positives * (positives + 1) / 2)
                 / (positives * negatives))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="MVTec AD category folder")
    parser.add_argument("--method", choices=("patchcore", "padim"), default="patchcore")
    parser.add_argument("--backbone", choices=sorted(PADIM_CHANNELS), default="resnet18")
    parser.add_argument("--weights", help="torchvision state_dict (.pth) for the backbone")
    parser.add_argument("--recompute-bn", action="store_true",
                        help="BatchNorm statistics from the good training images")
    parser.add_argument("--size", type=int, default=224, help="square input size in pixels")
    parser.add_argument("--layers", default="2,3",
                        help="PatchCore: the backbone stages compared (anomalib's 2,3)")
    parser.add_argument("--coreset", type=float, default=0.1,
                        help="PatchCore: share of the patches kept in the memory bank")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args()
    if not 0 < args.coreset <= 1:
        parser.error("--coreset must be in (0, 1]")

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)  # the random backbone weights
    generator = torch.Generator().manual_seed(args.seed)
    start = time.perf_counter()
    train, test = read_dataset(args.data)
    layers = [int(layer) for layer in args.layers.split(",")]
    last = max(layers) if args.method == "patchcore" else 3
    backbone = Backbone(args.backbone, args.weights, last).eval()
    model = (PatchCore(args.coreset, generator, layers) if args.method == "patchcore"
             else Padim(args.backbone, generator))

    train_images = load_images(train, args.size)
    bn_start = time.perf_counter()
    if args.recompute_bn:
        recompute_batchnorm(backbone, train_images, args.batch_size)
    bn_seconds = time.perf_counter() - bn_start
    with torch.inference_mode():
        embeddings = torch.cat([model.embed(backbone(chunk))
                                for chunk in train_images.split(args.batch_size)])
    del train_images
    extracted = time.perf_counter()
    with torch.inference_mode():
        model.fit(embeddings)
    del embeddings
    fitted = time.perf_counter()

    image_scores, maps, labels, masks = [], [], [], []
    with torch.inference_mode():
        for first in range(0, len(test), args.batch_size):
            chunk = test[first:first + args.batch_size]
            scores, chunk_maps = model.score(
                model.embed(backbone(load_images([p for p, _, _ in chunk], args.size))),
                args.size)
            image_scores.append(scores)
            maps.append(chunk_maps)
            labels += [label for _, label, _ in chunk]
            masks += [load_mask(mask, args.size) for _, _, mask in chunk]
    tested = time.perf_counter()
    image_auroc = auroc(torch.cat(image_scores).numpy(), labels)
    pixel_auroc = auroc(torch.cat(maps).numpy(), np.stack(masks))
    end = time.perf_counter()

    result = {"method": args.method, "backbone": args.backbone,
              "layers": layers if args.method == "patchcore" else [1, 2, 3],
              "weights": args.weights or "random", "recompute_bn": args.recompute_bn,
              "size": args.size, "train_images": len(train), "test_images": len(test),
              "test_defective": sum(labels), "image_auroc": round(image_auroc, 4),
              "pixel_auroc": round(pixel_auroc, 4), **model.footprint(),
              "extract_s": round(extracted - start, 2), "bn_recompute_s": round(bn_seconds, 2),
              "fit_s": round(fitted - extracted, 2), "test_s": round(tested - fitted, 2),
              "metrics_s": round(end - tested, 2), "total_s": round(end - start, 2),
              "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
              "threads": args.threads, "seed": args.seed}
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:16} {value}")


if __name__ == "__main__":
    main()
