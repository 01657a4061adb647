#!/usr/bin/python3
"""The small-data peer: torchvision's resnet18 from scratch, trained the way a PyTorch user
would on a few hundred images, on the set make_surface_set.py wrote (its labels.csv gives the
same train/val/test split Kestrel imports).

torchvision's standard augmentation for training (RandomResizedCrop and RandomHorizontalFlip,
as in its classification reference), Resize + CenterCrop for evaluation, SGD with momentum and
a cosine schedule, cross-entropy with label smoothing; the checkpoint with the best validation
accuracy (ties to the lower validation loss) is tested. Prints one JSON object.
"""
import argparse
import csv
import json
import os
import time

import torch
import torchvision
from PIL import Image
from torchvision import transforms

MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)


class CsvImages(torch.utils.data.Dataset):
    def __init__(self, root, rows, classes, transform):
        self.items = [(os.path.join(root, path), classes.index(label)) for path, label in rows]
        self.transform = transform

    def __len__(self):
        return len(self.items)

    def __getitem__(self, index):
        path, label = self.items[index]
        return self.transform(Image.open(path).convert("RGB")), label


def evaluate(model, loader):
    model.eval()
    correct, loss, count = 0, 0.0, 0
    with torch.no_grad():
        for images, labels in loader:
            logits = model(images)
            loss += torch.nn.functional.cross_entropy(logits, labels, reduction="sum").item()
            correct += (logits.argmax(1) == labels).sum().item()
            count += len(labels)
    return correct / count, loss / count


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", required=True, help="folder with labels.csv")
    parser.add_argument("--image-size", type=int, default=128)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=0, help="0: all cores")
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)

    with open(os.path.join(args.data, "labels.csv")) as table:
        rows = list(csv.DictReader(table))
    classes = sorted({row["label"] for row in rows})
    split = {name: [(r["path"], r["label"]) for r in rows if r["split"] == name]
             for name in ("train", "val", "test")}
    size = args.image_size
    train_transform = transforms.Compose([
        transforms.RandomResizedCrop(size), transforms.RandomHorizontalFlip(),
        transforms.ToTensor(), transforms.Normalize(MEAN, STD)])
    eval_transform = transforms.Compose([
        transforms.Resize(int(size * 256 / 224)), transforms.CenterCrop(size),
        transforms.ToTensor(), transforms.Normalize(MEAN, STD)])
    loader = {name: torch.utils.data.DataLoader(
        CsvImages(args.data, split[name], classes,
                  train_transform if name == "train" else eval_transform),
        batch_size=args.batch_size, shuffle=name == "train", num_workers=2,
        drop_last=name == "train") for name in split}

    model = torchvision.models.resnet18(num_classes=len(classes))
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)
    loss_function = torch.nn.CrossEntropyLoss(label_smoothing=0.1)
    best = (-1.0, float("inf"))
    best_state = None
    start = time.perf_counter()
    for _ in range(args.epochs):
        model.train()
        for images, labels in loader["train"]:
            optimizer.zero_grad()
            loss_function(model(images), labels).backward()
            optimizer.step()
        scheduler.step()
        accuracy, loss = evaluate(model, loader["val"])
        if accuracy > best[0] or (accuracy == best[0] and loss < best[1]):
            best = (accuracy, loss)
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
    seconds = time.perf_counter() - start
    model.load_state_dict(best_state)
    test_accuracy, _ = evaluate(model, loader["test"])
    print(json.dumps({"test_accuracy": test_accuracy, "val_accuracy": best[0],
                      "seconds": round(seconds, 1), "epochs": args.epochs,
                      "train_images": len(split["train"])}))


if __name__ == "__main__":
    main()
