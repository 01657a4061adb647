#!/usr/bin/python3
"""The peer for `kestrel-cli bench train`: the same training step in PyTorch, timed the
same way: one fixed random batch on the device, 3 untimed warm-up steps, then N timed
steps of forward, cross-entropy with label smoothing 0.1 (the loss read back each step, as
Kestrel's trainer does), backward and SGD with Nesterov momentum, weight decay off biases
and norms. Prints one JSON object with images_per_second."""
import argparse
import json
import time

import torch
import torch.nn as nn
import torchvision


def small_cnn(channels, classes):
    """Kestrel's smallcnn (core/models/small_cnn.cpp), layer for layer."""
    def block(i, o):
        return [nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU(inplace=True)]
    layers, c = [], channels
    for stage, width in enumerate((24, 48, 128)):
        layers += block(c, width) + (block(width, width) if stage > 0 else []) + [nn.MaxPool2d(2)]
        c = width
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(3), nn.Flatten(), nn.Dropout(0.1),
                         nn.Linear(c * 9, classes))


def build(name, channels, classes):
    if name == "smallcnn":
        return small_cnn(channels, classes)
    model = getattr(torchvision.models, name)(num_classes=classes)
    if channels != 3:
        # Replace the stem conv with a one-channel one, as Kestrel does for gray input.
        for module_name, module in model.named_modules():
            if isinstance(module, nn.Conv2d) and module.in_channels == 3:
                parent = model.get_submodule(module_name.rsplit(".", 1)[0]) if "." in module_name else model
                setattr(parent, module_name.rsplit(".", 1)[-1],
                        nn.Conv2d(channels, module.out_channels, module.kernel_size, module.stride,
                                  module.padding, bias=module.bias is not None))
                break
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="resnet18")
    parser.add_argument("--image-size", type=int, default=224)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--channels", type=int, default=3)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--precision", default="fp32", choices=["fp32", "fp16", "bf16"])
    parser.add_argument("--channels-last", action=argparse.BooleanOptionalAction, default=True,
                        help="channels-last memory layout, as Kestrel's training uses by default")
    args = parser.parse_args()

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    else:
        import os
        torch.set_num_threads(os.cpu_count())
    torch.manual_seed(0)
    device = torch.device(args.device)
    memory_format = torch.channels_last if args.channels_last else torch.contiguous_format
    model = build(args.model, args.channels, args.classes).to(device, memory_format=memory_format)
    model.train()
    decay = [p for p in model.parameters() if p.dim() > 1]
    no_decay = [p for p in model.parameters() if p.dim() <= 1]
    optimizer = torch.optim.SGD([{"params": decay, "weight_decay": 5e-4},
                                 {"params": no_decay, "weight_decay": 0.0}],
                                lr=0.01, momentum=0.9, nesterov=True)
    cuda = device.type == "cuda"
    autocast_dtype = {"fp16": torch.float16, "bf16": torch.bfloat16}.get(args.precision)
    scaler = torch.cuda.amp.GradScaler(enabled=cuda and args.precision == "fp16")
    criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
    images = torch.rand(args.batch_size, args.channels, args.image_size, args.image_size)
    labels = torch.randint(args.classes, (args.batch_size,)).to(device)
    mean, std = 0.5, 0.25

    def step():
        x = ((images.to(device) - mean) / std).contiguous(memory_format=memory_format)
        if cuda and autocast_dtype is not None:
            with torch.autocast("cuda", dtype=autocast_dtype):
                logits = model(x)
        else:
            logits = model(x)
        loss = criterion(logits.float(), labels)
        loss.item()
        optimizer.zero_grad()
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()

    for _ in range(3):
        step()
    next(model.parameters()).sum().item()
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    next(model.parameters()).sum().item()
    seconds = time.perf_counter() - start
    images_done = args.steps * args.batch_size
    print(json.dumps({"images_per_second": images_done / seconds, "seconds": seconds,
                      "images": images_done, "model": args.model, "device": str(device),
                      "torch": torch.__version__}))


if __name__ == "__main__":
    main()
