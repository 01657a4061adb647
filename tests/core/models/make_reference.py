#!/usr/bin/env python3
"""Reference files for Kestrel's model tests, written with PyTorch and torchvision.

  make_reference.py model OUT ARCH... [--classes N] [--size S] [--batch B] [--no-counters]
      OUT/ARCH.pth            torch.save(model.state_dict()) of torchvision's ARCH (a
                              classifier, or a segmentation model whose logits are its "out"), seeded,
                              with batch-norm statistics and affine parameters set so that
                              every layer matters (calibrate_batch_norms)
      OUT/ARCH_reference.pth  {"input": x, "logits": model(x), "logits64": the same in float64} in eval mode
  make_reference.py fixtures OUT
      small files that exercise the state_dict reader (views, dtypes, wrappers, refusals)

Exit status 3 when torch or torchvision cannot be imported, so that tests can skip.
"""
import argparse
import io
import os
import pickle
import sys
import zipfile

try:
    import torch
    import torchvision
except ImportError as error:
    print(f"torch/torchvision unavailable: {error}", file=sys.stderr)
    sys.exit(3)


def calibrate_batch_norms(model, images, generator):
    """Gives every batch norm the statistics of `images` (jittered) and random affine
    parameters, as if trained on them: each layer then carries signal, so a mistake in any
    layer (a wrong eps, activation or stride) shows in the logits. torchvision's own
    initialisation (unit statistics) lets the signal die in MobileNet and EfficientNet."""
    norms = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    momenta = [m.momentum for m in norms]
    for norm in norms:
        n = norm.num_features
        norm.weight.data = torch.empty(n).uniform_(0.5, 1.5, generator=generator)
        norm.bias.data = torch.empty(n).normal_(0.0, 0.1, generator=generator)
        norm.reset_running_stats()
        norm.momentum = None  # a plain average over the batches seen
    model.train()
    with torch.no_grad():
        model(images)
    for norm, momentum in zip(norms, momenta):
        n = norm.num_features
        norm.momentum = momentum
        spread = norm.running_var.sqrt()
        norm.running_mean += 0.1 * spread * torch.randn(n, generator=generator)
        norm.running_var *= torch.empty(n).uniform_(0.8, 1.25, generator=generator)
        norm.num_batches_tracked.fill_(1234)
    model.eval()


class SegmentationLogits(torch.nn.Module):
    """A torchvision segmentation model giving its "out" logits alone, as Kestrel's do."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, images):
        return self.model(images)["out"]

    def state_dict(self, *args, **kwargs):
        return self.model.state_dict(*args, **kwargs)


def build(arch, classes):
    """torchvision's ARCH untrained; segmentation models (torchvision.models.segmentation)
    without their ImageNet backbone, so that nothing is downloaded."""
    if hasattr(torchvision.models.segmentation, arch):
        return SegmentationLogits(getattr(torchvision.models.segmentation, arch)(
            weights=None, weights_backbone=None, num_classes=classes))
    return getattr(torchvision.models, arch)(weights=None, num_classes=classes)


def write_model(out, arch, classes, size, batch, no_counters):
    torch.manual_seed(20240501)
    generator = torch.Generator().manual_seed(7)
    model = build(arch, classes)
    images = torch.randn(batch, 3, size, size, generator=generator)
    calibrate_batch_norms(model, images, generator)
    with torch.no_grad():
        logits = model(images)
    torch.save(model.state_dict(), os.path.join(out, f"{arch}.pth"))
    # Also in float64, where two correct implementations agree to ~1e-12 whatever kernels
    # they use; in float32 different LibTorch versions differ by ~1e-4 relative on the
    # deepest networks.
    with torch.no_grad():
        logits64 = model.double()(images.double())
    torch.save({"input": images, "logits": logits, "logits64": logits64},
               os.path.join(out, f"{arch}_reference.pth"))
    if no_counters:  # as files saved before PyTorch 0.4.1 are
        state = {k: v for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
        torch.save(state, os.path.join(out, f"{arch}_no_counters.pth"))


def write_fixtures(out):
    def path(name):
        return os.path.join(out, name)

    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    torch.save(
        {
            "row": base[1],  # a view with an offset into a shared storage
            "column": base[:, 2],  # a strided view
            "transposed": base.t(),
            "half": torch.tensor([0.5, -2.0], dtype=torch.float16),
            "long": torch.tensor([1, -2, 3_000_000_000]),
            "scalar": torch.tensor(3.25, dtype=torch.float64),
            "empty": torch.zeros(0, 3),
            "flags": torch.tensor([True, False]),
        },
        path("views.pth"),
    )
    weights = {"fc.weight": torch.arange(6.0).reshape(2, 3), "fc.bias": torch.tensor([0.5, -1.0])}
    torch.save({"epoch": 3, "state_dict": weights, "optimizer": {"lr": 0.1}}, path("checkpoint.pth"))
    torch.save({"model": weights}, path("wrapped_model.pth"))
    torch.save(weights, path("protocol4.pth"), pickle_protocol=4)  # FRAME, MEMOIZE, ...
    torch.save({"a": torch.ones(1), "b": {1, 2}}, path("with_set.pth"))  # builtins.set: refused
    torch.save({"a": torch.ones(1), "b": {1, 2}}, path("empty_set.pth"), pickle_protocol=4)
    torch.save({"a": torch.ones(1), "b": 2}, path("not_tensor.pth"))
    torch.save([torch.ones(1)], path("list.pth"))
    torch.save(weights, path("legacy.pth"), _use_new_zipfile_serialization=False)
    # A well-formed archive whose data.pkl is cut off half way.
    buffer = io.BytesIO()
    torch.save(weights, buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(
        path("cut_pickle.pth"), "w", zipfile.ZIP_STORED
    ) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.endswith("/data.pkl"):
                data = data[: len(data) // 2]
            target.writestr(info.filename, data)
    # A tensor that claims more elements than its storage holds.
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(
        path("overreach.pth"), "w", zipfile.ZIP_STORED
    ) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.endswith("/data.pkl"):
                data = data.replace(b"K\x02K\x03\x86", b"K\x09K\x03\x86", 1)
            target.writestr(info.filename, data)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["model", "fixtures"])
    parser.add_argument("out")
    parser.add_argument("archs", nargs="*")
    parser.add_argument("--classes", type=int, default=1000)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--no-counters", action="store_true", help="also write ARCH_no_counters.pth")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.command == "model":
        for arch in args.archs:
            write_model(args.out, arch, args.classes, args.size, args.batch, args.no_counters)
    else:
        write_fixtures(args.out)


if __name__ == "__main__":
    main()
