#!/usr/bin/python3
"""The segmentation peer: Kestrel's "unet" written again in plain torch, trained the way a
PyTorch user would on the set make_segmentation_set.py wrote (its splits.json and class-index
masks give the same train/val/test split and targets Kestrel imports from the COCO files).

The model mirrors core/models/unet.cpp layer for layer, with the same module names (so the
state_dicts have the same keys) and initialisation: levels of 16, 32, 64 and 128 channels,
each two 3x3 conv (no bias) + batch-norm + ReLU, 2x2 max-pools between them; the decoder
upsamples with 2x2 stride-2 transposed convolutions, concatenates the encoder's map of that
level (skip first) and applies two more conv blocks; a 1x1 conv "classifier" gives per-pixel
logits for background + the defect classes.

Images are stretched to --image-size (masks nearest neighbour), or with --pad centred at their
own scale on a black square of that side (shrunk to fit, keeping their shape, only when
larger), as Kestrel's segmentation defaults place them; once, kept in memory, RGB,
normalised with ImageNet's mean and std (Kestrel's default for colour sets). Training: random
horizontal and vertical flips and quarter turns (masks move with the pixels), brightness and
contrast factors in [0.8, 1.2]; AdamW, a cosine learning rate (with --whole-image-epochs, the
last epochs on whole images from a fresh AdamW at a tenth of the rate); loss cross-entropy (weighted by
inverse pixel frequency with --class-weights, as Kestrel's option of that name) plus soft Dice
over the defect classes (Kestrel's form: per class over the batch, +1 smoothing). After
each epoch the validation mIoU picks the best weights, which are tested by the mean of the
logits over the image and its three mirror images, as Kestrel's segmentation defaults judge.
With --seconds the training stops at the first batch that ends past that many seconds since
the data started to load (it then validates once more). mIoU is the mean IoU over the defect
classes present in the truth or the prediction, from the pixel confusion matrix summed over
the split, at the model's resolution as Kestrel's eval computes it. --device auto trains on
CUDA when this torch has it (Debian's is CPU only), as Kestrel's default device does. Prints
one JSON line.
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
from torch import nn
from torch.nn import functional as F

MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
WIDTHS = (16, 32, 64, 128)


def double_conv(inputs, outputs):
    return nn.Sequential(
        nn.Conv2d(inputs, outputs, 3, padding=1, bias=False), nn.BatchNorm2d(outputs),
        nn.ReLU(inplace=True),
        nn.Conv2d(outputs, outputs, 3, padding=1, bias=False), nn.BatchNorm2d(outputs),
        nn.ReLU(inplace=True))


class UNet(nn.Module):
    """core/models/unet.cpp: enc1..enc4, then up3, dec3, up2, dec2, up1, dec1, classifier."""

    def __init__(self, classes, input_channels=3):
        super().__init__()
        channels = input_channels
        for level, width in enumerate(WIDTHS):
            setattr(self, f"enc{level + 1}", double_conv(channels, width))
            channels = width
        for level in range(len(WIDTHS) - 2, -1, -1):
            setattr(self, f"up{level + 1}",
                    nn.ConvTranspose2d(WIDTHS[level + 1], WIDTHS[level], 2, stride=2))
            setattr(self, f"dec{level + 1}", double_conv(2 * WIDTHS[level], WIDTHS[level]))
        self.classifier = nn.Conv2d(WIDTHS[0], classes, 1)
        for module in self.modules():
            if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
                nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
                if module.bias is not None:
                    nn.init.zeros_(module.bias)
            elif isinstance(module, nn.BatchNorm2d):
                nn.init.ones_(module.weight)
                nn.init.zeros_(module.bias)

    def forward(self, x):
        if x.shape[-1] % 8 or x.shape[-2] % 8:
            raise ValueError(f"unet takes sides that are multiples of 8, not {tuple(x.shape[-2:])}")
        skips = []
        for level in range(len(WIDTHS)):
            x = getattr(self, f"enc{level + 1}")(x if level == 0 else F.max_pool2d(x, 2))
            skips.append(x)
        for level in range(len(WIDTHS) - 2, -1, -1):
            up = getattr(self, f"up{level + 1}")(x)
            x = getattr(self, f"dec{level + 1}")(torch.cat([skips[level], up], 1))
        return self.classifier(x)


def soft_dice_loss(logits, targets):
    """1 - the mean Dice over the defect classes, each summed over the batch (+1 smoothing)."""
    classes = logits.shape[1]
    probabilities = logits.float().softmax(1)[:, 1:]
    truth = F.one_hot(targets, classes).permute(0, 3, 1, 2)[:, 1:].float()
    overlap = (probabilities * truth).sum((0, 2, 3))
    dice = (2 * overlap + 1) / (probabilities.sum((0, 2, 3)) + truth.sum((0, 2, 3)) + 1)
    return 1 - dice.mean()


def padded(picture, size, resample):
    """`picture` centred on a black size x size square, shrunk to fit only when larger."""
    scale = min(1.0, size / picture.width, size / picture.height)
    if scale < 1:
        picture = picture.resize((max(1, round(picture.width * scale)),
                                  max(1, round(picture.height * scale))), resample)
    canvas = Image.new(picture.mode, (size, size), 0)
    canvas.paste(picture, ((size - picture.width) // 2, (size - picture.height) // 2))
    return canvas


def load_split(root, split, names, size, pad=False):
    """Images (N x 3 x size x size floats in [0, 1]) and masks (N x size x size longs)."""
    images, masks = [], []
    for name in names:
        image = Image.open(os.path.join(root, "images", name)).convert("RGB")
        stem = os.path.splitext(name)[0]
        mask = Image.open(os.path.join(root, "masks", split, stem + ".png"))
        if pad:
            images.append(np.asarray(padded(image, size, Image.BILINEAR)))
            masks.append(np.asarray(padded(mask, size, Image.NEAREST)))
        else:
            images.append(np.asarray(image.resize((size, size), Image.BILINEAR)))
            masks.append(np.asarray(mask.resize((size, size), Image.NEAREST)))
    images = torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2).float() / 255
    return images, torch.from_numpy(np.stack(masks).astype(np.int64))


def augment(images, masks, generator):
    """Per row: flips, a quarter turn, brightness and contrast (masks only move)."""
    images, masks = images.clone(), masks.clone()
    for row in range(images.shape[0]):
        image, mask = images[row], masks[row]
        if torch.rand(1, generator=generator) < 0.5:
            image, mask = image.flip(-1), mask.flip(-1)
        if torch.rand(1, generator=generator) < 0.5:
            image, mask = image.flip(-2), mask.flip(-2)
        turns = int(torch.randint(0, 4, (1,), generator=generator))
        image, mask = image.rot90(turns, (-2, -1)), mask.rot90(turns, (-2, -1))
        brightness, contrast = (0.8 + 0.4 * torch.rand(2, generator=generator)).tolist()
        image = image * brightness
        gray = (0.299 * image[0] + 0.587 * image[1] + 0.114 * image[2]).mean()
        image = ((image - gray) * contrast + gray).clamp(0, 1)
        images[row], masks[row] = image, mask
    return images, masks


def crop(images, masks, side, share, generator):
    """Kestrel's training crops (core/imaging/training_crop.cpp): per row a side x side window,
    with probability `share` around a defect pixel drawn uniformly from the row's defect pixels
    and placed within the middle two thirds of the window, else uniform over the image."""
    out_images, out_masks = [], []
    height, width = masks.shape[-2:]
    for row in range(images.shape[0]):
        mask = masks[row]
        want_defect = bool(torch.rand(1, generator=generator) < share)
        left = int(torch.randint(0, width - side + 1, (1,), generator=generator))
        top = int(torch.randint(0, height - side + 1, (1,), generator=generator))
        if want_defect:
            ys, xs = torch.nonzero(mask, as_tuple=True)
            if len(ys):
                k = int(torch.randint(0, len(ys), (1,), generator=generator))
                margin = side // 6
                place = torch.randint(margin, side - margin, (2,), generator=generator)
                left = min(max(int(xs[k]) - int(place[0]), 0), width - side)
                top = min(max(int(ys[k]) - int(place[1]), 0), height - side)
        out_images.append(images[row, :, top:top + side, left:left + side])
        out_masks.append(mask[top:top + side, left:left + side])
    return torch.stack(out_images), torch.stack(out_masks)


def normalise(images, device):
    images = images.to(device)
    mean = torch.tensor(MEAN, device=device).view(1, 3, 1, 1)
    std = torch.tensor(STD, device=device).view(1, 3, 1, 1)
    return (images - mean) / std


MIRRORS = [(), (3,), (2,), (2, 3)]


def confusion(model, images, masks, classes, batch_size, device, mirrors=((),)):
    """The pixel confusion matrix (truth x prediction) summed over the images, each judged by
    the mean of its logits over `mirrors` (the dims each view flips; () is the image)."""
    model.eval()
    matrix = torch.zeros(classes * classes, dtype=torch.long, device=device)
    with torch.no_grad():
        for start in range(0, len(images), batch_size):
            x = normalise(images[start:start + batch_size], device)
            predicted = sum(model(x.flip(dims)).flip(dims) if dims else model(x)
                            for dims in mirrors).argmax(1)
            pairs = masks[start:start + batch_size].to(device) * classes + predicted
            matrix += torch.bincount(pairs.flatten(), minlength=classes * classes)
    model.train()
    return matrix.view(classes, classes).double().cpu()


def figures(matrix, names):
    """Per defect class IoU and Dice (None when in neither truth nor prediction); the mIoU."""
    per_class, ious = [], []
    for c, name in enumerate(names, start=1):
        overlap = matrix[c, c].item()
        truth, predicted = matrix[c, :].sum().item(), matrix[:, c].sum().item()
        union = truth + predicted - overlap
        iou = overlap / union if union > 0 else None
        dice = 2 * overlap / (truth + predicted) if union > 0 else None
        per_class.append({"name": name, "iou": iou, "dice": dice})
        if iou is not None:
            ious.append(iou)
    return (sum(ious) / len(ious) if ious else None), per_class


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="folder make_segmentation_set.py wrote")
    parser.add_argument("--image-size", type=int, default=128)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=None,
                        help="stop training after this many seconds (loading included)")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--lr", type=float, default=5e-3)
    parser.add_argument("--weight-decay", type=float, default=1e-2, help="AdamW's default")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2, help="0: all cores")
    parser.add_argument("--class-weights", action="store_true",
                        help="weigh cross-entropy by inverse pixel frequency over the training "
                             "masks (Kestrel's --class-weights); off by default")
    parser.add_argument("--device", default="auto",
                        help="cpu, cuda, cuda:N or auto (cuda when torch has it)")
    parser.add_argument("--crop-size", type=int, default=0,
                        help="train on squares of this side, as Kestrel's --crop-size (0: whole "
                             "images)")
    parser.add_argument("--defect-crops", type=float, default=0.67,
                        help="share of the crops placed around a defect pixel")
    parser.add_argument("--whole-image-epochs", type=int, default=0,
                        help="train the last this many epochs on whole images, from a fresh "
                             "AdamW at a tenth of --lr on a cosine of their own, as Kestrel's "
                             "--whole-image-epochs")
    parser.add_argument("--pad", action="store_true",
                        help="images at their own scale, centred and padded, not stretched")
    parser.add_argument("--validate-every", type=int, default=1,
                        help="validate after every N-th epoch and the last, as Kestrel does")
    parser.add_argument("--verbose", action="store_true",
                        help="one line per epoch on stderr: loss, validation mIoU, time")
    args = parser.parse_args()
    if args.image_size % 8:
        parser.error("--image-size must be a multiple of 8 (the U-Net's three pools)")
    if args.crop_size % 8 or args.crop_size > args.image_size:
        parser.error("--crop-size must be a multiple of 8 and at most --image-size")
    if not 0 <= args.whole_image_epochs < args.epochs or (args.whole_image_epochs
                                                          and not args.crop_size):
        parser.error("--whole-image-epochs must be fewer than --epochs, and follow crops")
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(("cuda" if torch.cuda.is_available() else "cpu")
                          if args.device == "auto" else args.device)

    start = time.perf_counter()
    with open(os.path.join(args.data, "splits.json")) as file:
        splits = json.load(file)
    names = splits["classes"]
    classes = len(names) + 1
    data = {split: load_split(args.data, split, splits[split], args.image_size, args.pad)
            for split in ("train", "val", "test")}
    load_seconds = time.perf_counter() - start

    model = UNet(classes).to(device)
    with torch.no_grad():  # core/models/unet.cpp: every pixel starts at P(background) = 0.99
        model.classifier.bias.zero_()
        model.classifier.bias[0] = math.log(0.99 * (classes - 1) / 0.01)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr,
                                  weight_decay=args.weight_decay)
    train_images, train_masks = data["train"]
    weights = None
    if args.class_weights:  # tasks/class_weights.cpp: total / (classes present x count)
        counts = torch.bincount(train_masks.flatten(), minlength=classes).double()
        present = (counts > 0).sum()
        weights = torch.where(counts > 0, counts.sum() / (present * counts.clamp(min=1)),
                              torch.zeros_like(counts)).float().to(device)
    steps_per_epoch = max(1, len(train_images) // args.batch_size)
    crop_epochs = args.epochs - args.whole_image_epochs
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(
        optimizer, T_max=crop_epochs * steps_per_epoch)
    best_miou, best_epoch, best_state = -1.0, 0, None
    epochs_done, out_of_time = 0.0, False
    for epoch in range(args.epochs):
        if epoch == crop_epochs and args.whole_image_epochs:
            optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr / 10,
                                          weight_decay=args.weight_decay)
            scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(
                optimizer, T_max=args.whole_image_epochs * steps_per_epoch)
        loss_sum, steps_run = 0.0, 0
        order = torch.randperm(len(train_images), generator=generator)
        for step in range(steps_per_epoch):
            rows = order[step * args.batch_size:(step + 1) * args.batch_size]
            images, masks = augment(train_images[rows], train_masks[rows], generator)
            if args.crop_size and epoch < crop_epochs:
                images, masks = crop(images, masks, args.crop_size, args.defect_crops, generator)
            masks = masks.to(device)
            logits = model(normalise(images, device))
            loss = F.cross_entropy(logits, masks, weight=weights) + soft_dice_loss(logits, masks)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            loss_sum, steps_run = loss_sum + loss.item(), steps_run + 1
            if args.seconds is not None and time.perf_counter() - start >= args.seconds:
                epochs_done = epoch + (step + 1) / steps_per_epoch
                out_of_time = True
                break
        else:
            epochs_done = epoch + 1
        if (epoch + 1) % args.validate_every and epoch + 1 < args.epochs and not out_of_time:
            continue
        matrix = confusion(model, *data["val"], classes, args.batch_size, device)
        val_miou, _ = figures(matrix, names)
        val_miou = -1.0 if val_miou is None else val_miou
        if args.verbose:
            print(f"epoch {epochs_done:.2f}  loss {loss_sum / steps_run:.4f}  val mIoU "
                  f"{val_miou:.4f}  {time.perf_counter() - start:.0f} s", file=sys.stderr)
        if val_miou > best_miou:
            best_miou, best_epoch = val_miou, epochs_done
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        if out_of_time:
            break
    seconds = time.perf_counter() - start
    model.load_state_dict(best_state)
    # As Kestrel: each epoch's validation judges the image alone, the test the mean of the
    # logits over the image and its mirror images.
    matrix = confusion(model, *data["test"], classes, args.batch_size, device, MIRRORS)
    miou, per_class = figures(matrix, names)
    print(json.dumps({
        "miou": miou, "per_class": per_class, "seconds": round(seconds, 1),
        "epochs": round(epochs_done, 2), "best_epoch": round(best_epoch, 2),
        "val_miou": best_miou, "load_seconds": round(load_seconds, 1),
        "test_seconds": round(time.perf_counter() - start - seconds, 1),
        "train_images": len(train_images), "image_size": args.image_size,
        "device": str(device),
        "parameters": sum(p.numel() for p in model.parameters())}))


if __name__ == "__main__":
    main()
