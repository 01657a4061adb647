#!/usr/bin/python3
"""The detection peer: torchvision's FCOS on a ResNet FPN from scratch, trained the way a
PyTorch user would on the set make_segmentation_set.py wrote (its instances_{train,val,test}.json
give the same split and boxes Kestrel imports from them).

Nothing is downloaded: the backbone (--backbone, resnet18 by default) starts from torchvision's
random initialisation, with ordinary batch-norm (FrozenBatchNorm2d, torchvision's default for
detection backbones, is the identity without pretrained statistics) and every layer trainable.
As fcos_resnet50_fpn, the FPN takes layer2-layer4 (P3-P5, strides 8-32) and adds P6 and P7
from P5; one anchor per location with its side equal to the stride, as FCOS requires.
--min-level 2 adds P2 (layer1, stride 4): at 128 px about half of the generated spots (3-10 px
across) hold no stride-8 location inside their box, so FCOS never trains on them, but P2
triples the time per step on CPU.

Images are letterboxed once to --image-size square (aspect ratio kept, centred on ImageNet's
mean colour; gray files read as RGB) and kept in memory; FCOS's own transform is set to
min_size = max_size = that size, so it only normalises (ImageNet mean and std). Training:
random horizontal and vertical flips (the boxes move with the pixels); AdamW, a linear warm-up
then a cosine learning rate, gradients clipped. After each epoch the validation mAP@[.50:.95]
picks the weights that are tested (ties to the later epoch). With --seconds the training stops
at the first batch that ends past that many seconds since the data started to load (it then
validates once more).

Test figures are COCO's bbox AP as pycocotools computes it (coco_ap below), on the test
split's boxes in the original pixels: predictions are mapped back out of the letterbox, kept
from a score of --score-threshold up, at most 100 per image. --device auto trains on CUDA when
this torch has it (Debian's is CPU only). Prints one JSON line: the test figures, the epochs
run, seconds (from loading to the end of the last validation) and images_per_second (training
images over the time spent in training steps alone); progress goes to stderr.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
from PIL import Image
from torchvision.models.detection import FCOS
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.backbone_utils import resnet_fpn_backbone
from torchvision.ops.feature_pyramid_network import LastLevelP6P7

MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
IOU_THRESHOLDS = np.linspace(0.5, 0.95, 10)
RECALL_POINTS = np.linspace(0.0, 1.0, 101)
MAX_DETECTIONS = 100


def box_iou(a, b):
    """IoU of every box in a (N x 4) with every box in b (M x 4), x1 y1 x2 y2 in pixel corners
    (areas w * h, as COCO's bbox IoU)."""
    left_top = np.maximum(a[:, None, :2], b[None, :, :2])
    right_bottom = np.minimum(a[:, None, 2:], b[None, :, 2:])
    overlap = np.clip(right_bottom - left_top, 0, None).prod(2)
    area_a = (a[:, 2:] - a[:, :2]).prod(1)
    area_b = (b[:, 2:] - b[:, :2]).prod(1)
    union = area_a[:, None] + area_b[None, :] - overlap
    return np.where(union > 0, overlap / np.where(union > 0, union, 1), 0.0)


def coco_ap(truth, predicted, classes):
    """COCO bbox AP per class, as pycocotools' COCOeval with its defaults (area "all", maxDets
    100, no crowd boxes) computes it.

    truth: per image (boxes N x 4, labels N); predicted: per image (boxes, scores, labels),
    labels 0..classes-1, images in the order COCOeval would sort their ids. Returns an array
    classes x 10 (IoU 0.50, 0.55, ..., 0.95) of AP, rows of NaN for classes with no true box.
    For each image and class the detections, in descending score (stable), are cut to 100 and
    matched greedily: each to the unmatched true box of the highest IoU at or above the
    threshold. Over all images, again sorted by score (stable), the precision is made monotone
    from the right and read at recalls 0, 0.01, ..., 1 (0 past the highest recall reached); AP
    is the mean of those 101 values."""
    ap = np.full((classes, len(IOU_THRESHOLDS)), np.nan)
    for c in range(classes):
        scores, hits, true_count = [], [], 0
        for (true_boxes, true_labels), (boxes, box_scores, labels) in zip(truth, predicted):
            gt = np.asarray(true_boxes, dtype=np.float64).reshape(-1, 4)[
                np.asarray(true_labels) == c]
            mine = np.asarray(labels) == c
            dt = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)[mine]
            dt_scores = np.asarray(box_scores, dtype=np.float64)[mine]
            order = np.argsort(-dt_scores, kind="mergesort")[:MAX_DETECTIONS]
            dt, dt_scores = dt[order], dt_scores[order]
            true_count += len(gt)
            matched = np.zeros((len(IOU_THRESHOLDS), len(dt)), dtype=bool)
            if len(gt) and len(dt):
                ious = box_iou(dt, gt)
                for t, threshold in enumerate(IOU_THRESHOLDS):
                    taken = np.zeros(len(gt), dtype=bool)
                    for d in range(len(dt)):
                        best, match = min(threshold, 1 - 1e-10), -1
                        for g in range(len(gt)):  # cocoeval's loop: a later tie wins
                            if taken[g] or ious[d, g] < best:
                                continue
                            best, match = ious[d, g], g
                        if match >= 0:
                            taken[match] = matched[t, d] = True
            scores.append(dt_scores)
            hits.append(matched)
        if true_count == 0:
            continue
        scores = np.concatenate(scores)
        hits = np.concatenate(hits, axis=1)[:, np.argsort(-scores, kind="mergesort")]
        for t in range(len(IOU_THRESHOLDS)):
            true_positives = np.cumsum(hits[t]).astype(np.float64)
            false_positives = np.cumsum(~hits[t]).astype(np.float64)
            recall = true_positives / true_count
            precision = true_positives / (true_positives + false_positives + np.spacing(1))
            precision = np.maximum.accumulate(precision[::-1])[::-1]
            at = np.searchsorted(recall, RECALL_POINTS, side="left")
            reached = at < len(precision)
            interpolated = np.zeros(len(RECALL_POINTS))
            interpolated[reached] = precision[at[reached]]
            ap[c, t] = interpolated.mean()
    return ap


def summarise(ap, names):
    """mAP@[.50:.95], mAP50 (None when no class has a true box) and the per-class list."""
    present = ~np.isnan(ap[:, 0])
    per_class = [{"name": name,
                  "ap50": float(ap[c, 0]) if present[c] else None,
                  "ap": float(ap[c].mean()) if present[c] else None}
                 for c, name in enumerate(names)]
    if not present.any():
        return None, None, per_class
    return float(ap[present].mean()), float(ap[present, 0].mean()), per_class


def letterbox(image, size):
    """The image scaled to fit size x size, centred on the mean colour: the pixels and its
    placement (scale x, scale y, left, top, width, height), a box mapping as x * scale_x + left."""
    width, height = image.size
    scale = size / max(width, height)
    inner = (max(1, round(width * scale)), max(1, round(height * scale)))
    canvas = Image.new("RGB", (size, size), tuple(round(255 * m) for m in MEAN))
    left, top = (size - inner[0]) // 2, (size - inner[1]) // 2
    canvas.paste(image.resize(inner, Image.BILINEAR), (left, top))
    return np.asarray(canvas), (inner[0] / width, inner[1] / height, left, top, width, height)


def load_split(root, split, size):
    """A split of the COCO files: images (N x 3 x size x size bytes), per image the letterbox
    placement, the true boxes (x1 y1 x2 y2, original pixels) and 0-based labels, and the
    category names."""
    with open(os.path.join(root, f"instances_{split}.json")) as file:
        coco = json.load(file)
    categories = sorted(coco["categories"], key=lambda c: c["id"])
    label_of = {c["id"]: k for k, c in enumerate(categories)}
    by_image = {}
    for annotation in coco["annotations"]:
        if not annotation.get("iscrowd", 0):
            by_image.setdefault(annotation["image_id"], []).append(annotation)
    pixels, placements, truth = [], [], []
    for entry in sorted(coco["images"], key=lambda e: e["id"]):  # COCOeval's order
        image = Image.open(os.path.join(root, "images", entry["file_name"])).convert("RGB")
        canvas, placement = letterbox(image, size)
        pixels.append(canvas)
        placements.append(placement)
        annotations = by_image.get(entry["id"], [])
        boxes = np.array([[x, y, x + w, y + h] for x, y, w, h in
                          (a["bbox"] for a in annotations)], dtype=np.float64).reshape(-1, 4)
        labels = np.array([label_of[a["category_id"]] for a in annotations], dtype=np.int64)
        truth.append((boxes, labels))
    images = torch.from_numpy(np.stack(pixels)).permute(0, 3, 1, 2).contiguous()
    return images, placements, truth, [c["name"] for c in categories]


def to_letterbox(boxes, placement):
    scale_x, scale_y, left, top, _, _ = placement
    return boxes * [scale_x, scale_y, scale_x, scale_y] + [left, top, left, top]


def from_letterbox(boxes, placement):
    """Boxes on the letterbox back in the original pixels, clipped to the image."""
    scale_x, scale_y, left, top, width, height = placement
    boxes = (boxes - [left, top, left, top]) / [scale_x, scale_y, scale_x, scale_y]
    return np.clip(boxes, 0, [width, height, width, height])


def build_model(classes, size, backbone, min_level, score_threshold):
    returned = [1, 2, 3, 4] if min_level == 2 else [2, 3, 4]
    features = resnet_fpn_backbone(
        backbone_name=backbone, weights=None, norm_layer=torch.nn.BatchNorm2d,
        trainable_layers=5, returned_layers=returned, extra_blocks=LastLevelP6P7(256, 256))
    strides = [2 ** level for level in range(min_level, 8)]  # P6 and P7 on top of P5
    anchors = AnchorGenerator(tuple((s,) for s in strides), ((1.0,),) * len(strides))
    return FCOS(features, classes, min_size=size, max_size=size, image_mean=list(MEAN),
                image_std=list(STD), anchor_generator=anchors, score_thresh=score_threshold,
                detections_per_img=MAX_DETECTIONS)


def flipped(image, boxes, generator):
    """Random horizontal and vertical flips of a C x S x S image and its boxes (N x 4)."""
    side = image.shape[-1]
    x1, y1, x2, y2 = boxes.unbind(1)
    if torch.rand(1, generator=generator) < 0.5:
        image, x1, x2 = image.flip(-1), side - x2, side - x1
    if torch.rand(1, generator=generator) < 0.5:
        image, y1, y2 = image.flip(-2), side - y2, side - y1
    return image, torch.stack([x1, y1, x2, y2], 1)


def predict(model, data, batch_size, device):
    """Per image (boxes in original pixels, scores, labels)."""
    images, placements, _, _ = data
    model.eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(images), batch_size):
            batch = [image.to(device).float() / 255 for image in images[start:start + batch_size]]
            for k, found in enumerate(model(batch)):
                boxes = found["boxes"].cpu().double().numpy()
                out.append((from_letterbox(boxes, placements[start + k]),
                            found["scores"].cpu().numpy(), found["labels"].cpu().numpy()))
    model.train()
    return out


def evaluate(model, data, names, batch_size, device):
    """COCO figures on a split: mAP@[.50:.95], mAP50, per class."""
    return summarise(coco_ap(data[2], predict(model, data, batch_size, device), len(names)),
                     names)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="folder make_segmentation_set.py wrote")
    parser.add_argument("--image-size", type=int, default=128, help="letterbox side")
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=None,
                        help="stop training after this many seconds (loading included)")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--weight-decay", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2, help="0: all cores")
    parser.add_argument("--backbone", default="resnet18",
                        help="a torchvision ResNet: resnet18, resnet34, resnet50, ...")
    parser.add_argument("--min-level", type=int, choices=(2, 3), default=3,
                        help="finest FPN level: 3 (stride 8, torchvision's) or 2 (stride 4)")
    parser.add_argument("--score-threshold", type=float, default=0.05,
                        help="detections kept for evaluation from this score up")
    parser.add_argument("--validate-every", type=int, default=1,
                        help="validate after every N-th epoch and the last, as Kestrel does")
    parser.add_argument("--device", default="auto",
                        help="cpu, cuda, cuda:N or auto (cuda when torch has it)")
    args = parser.parse_args()
    if args.epochs < 1:
        parser.error("--epochs must be 1 or more")
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(("cuda" if torch.cuda.is_available() else "cpu")
                          if args.device == "auto" else args.device)

    start = time.perf_counter()
    data = {split: load_split(args.data, split, args.image_size)
            for split in ("train", "val", "test")}
    names = data["train"][3]
    load_seconds = time.perf_counter() - start
    print(f"loaded {', '.join(f'{len(d[0])} {s}' for s, d in data.items())} images at "
          f"{args.image_size} px in {load_seconds:.1f} s", file=sys.stderr)

    model = build_model(len(names), args.image_size, args.backbone, args.min_level,
                        args.score_threshold).to(device)
    train_images, train_placements, train_truth, _ = data["train"]
    # Targets in letterbox pixels, made once; flips then act on them per batch.
    train_boxes = [torch.from_numpy(to_letterbox(boxes, placement)).float()
                   for (boxes, _), placement in zip(train_truth, train_placements)]
    train_labels = [torch.from_numpy(labels) for _, labels in train_truth]

    parameters = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(parameters, lr=args.lr, weight_decay=args.weight_decay)
    steps_per_epoch = max(1, len(train_images) // args.batch_size)
    total_steps = args.epochs * steps_per_epoch
    # From scratch the focal and GIoU losses jump about in the first steps: warm up linearly.
    warmup = max(1, min(100, total_steps // 10))

    def schedule(step):
        if step < warmup:
            return (step + 1) / warmup
        progress = min(1.0, (step - warmup) / max(1, total_steps - warmup))
        return 0.5 * (1 + math.cos(math.pi * progress))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)

    best_map, best_epoch, best_state = -1.0, 0, None
    epochs_done, out_of_time = 0.0, False
    train_seconds, images_seen = 0.0, 0
    model.train()
    for epoch in range(args.epochs):
        loss_sum, steps_run = 0.0, 0
        order = torch.randperm(len(train_images), generator=generator)
        for step in range(steps_per_epoch):
            step_start = time.perf_counter()
            rows = order[step * args.batch_size:(step + 1) * args.batch_size].tolist()
            images, targets = [], []
            for row in rows:
                image, boxes = flipped(train_images[row], train_boxes[row], generator)
                images.append(image.to(device).float() / 255)
                targets.append({"boxes": boxes.to(device), "labels": train_labels[row].to(device)})
            losses = model(images, targets)
            loss = sum(losses.values())
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(parameters, 10.0)
            optimizer.step()
            scheduler.step()
            loss_sum, steps_run = loss_sum + loss.item(), steps_run + 1
            train_seconds += time.perf_counter() - step_start
            images_seen += len(rows)
            if args.seconds is not None and time.perf_counter() - start >= args.seconds:
                epochs_done = epoch + (step + 1) / steps_per_epoch
                out_of_time = True
                break
        else:
            epochs_done = epoch + 1
        if (epoch + 1) % args.validate_every and epoch + 1 < args.epochs and not out_of_time:
            continue
        val_map, _, _ = evaluate(model, data["val"], names, args.batch_size, device)
        val_map = -1.0 if val_map is None else val_map  # no true box in val: keep the latest
        print(f"epoch {epochs_done:.2f}  loss {loss_sum / steps_run:.4f}  val mAP "
              f"{val_map:.4f}  {time.perf_counter() - start:.0f} s", file=sys.stderr)
        if val_map >= best_map:
            best_map, best_epoch = val_map, epochs_done
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        if out_of_time:
            break
    seconds = time.perf_counter() - start
    model.load_state_dict(best_state)
    map50_95, map50, per_class = evaluate(model, data["test"], names, args.batch_size, device)
    print(json.dumps({
        "map50": map50, "map50_95": map50_95, "per_class": per_class,
        "epochs": round(epochs_done, 2), "seconds": round(seconds, 1),
        "images_per_second": round(images_seen / train_seconds, 2) if train_seconds else None,
        "best_epoch": round(best_epoch, 2), "val_map50_95": best_map,
        "load_seconds": round(load_seconds, 1),
        "test_seconds": round(time.perf_counter() - start - seconds, 1),
        "train_images": len(train_images), "image_size": args.image_size,
        "backbone": args.backbone, "min_level": args.min_level, "device": str(device),
        "parameters": sum(p.numel() for p in model.parameters())}))


if __name__ == "__main__":
    main()
