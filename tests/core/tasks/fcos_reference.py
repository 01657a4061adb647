#!/usr/bin/env python3
"""torchvision 0.14's FCOS loss on the inputs FcosLossTest writes: its own target
assignment (FCOS.compute_loss, centre sampling and scale ranges) and FCOSHead.compute_loss,
called on one anchor a cell, the cell's stride wide and centred on its point.

    fcos_reference.py INPUT.json   prints JSON: the losses and each image's matched boxes

Exits 3 when torch or torchvision is missing (the test then skips).
"""
import json
import sys
import types

try:
    import torch
    from torchvision.models.detection.fcos import FCOS, FCOSHead
except ImportError as error:
    print(f"torch or torchvision is missing: {error}", file=sys.stderr)
    sys.exit(3)


def main():
    spec = json.load(open(sys.argv[1]))
    anchors_per_level, counts = [], []
    for level in spec["levels"]:
        s = float(level["stride"])
        ys, xs = torch.meshgrid(torch.arange(level["rows"], dtype=torch.float64),
                                torch.arange(level["columns"], dtype=torch.float64),
                                indexing="ij")
        cx, cy = ((xs + 0.5) * s).reshape(-1), ((ys + 0.5) * s).reshape(-1)
        anchors_per_level.append(torch.stack([cx - s / 2, cy - s / 2, cx + s / 2, cy + s / 2], 1))
        counts.append(level["rows"] * level["columns"])
    anchors = torch.cat(anchors_per_level).float()
    batch = len(spec["images"])
    classes = spec["classes"]
    logits = torch.tensor(spec["class_logits"], dtype=torch.float32).reshape(batch, -1, classes)
    regression = torch.tensor(spec["box_distances"], dtype=torch.float32).reshape(batch, -1, 4)
    centreness = torch.tensor(spec["centreness_logits"], dtype=torch.float32).reshape(batch, -1, 1)
    targets = []
    for image in spec["images"]:
        boxes = torch.tensor([b["corners"] for b in image], dtype=torch.float32).reshape(-1, 4)
        labels = torch.tensor([b["category"] for b in image], dtype=torch.int64)
        targets.append({"boxes": boxes, "labels": labels})

    head = FCOSHead(in_channels=32, num_anchors=1, num_classes=classes)  # GroupNorm needs 32
    model = types.SimpleNamespace(center_sampling_radius=1.5, head=head)
    matched = []

    def record(targets_, head_outputs, anchors_, matched_idxs):  # FCOSHead.compute_loss
        matched.extend(m.tolist() for m in matched_idxs)
        return FCOSHead.compute_loss(head, targets_, head_outputs, anchors_, matched_idxs)

    model.head = types.SimpleNamespace(compute_loss=record)
    losses = FCOS.compute_loss(model, targets,
                               {"cls_logits": logits, "bbox_regression": regression,
                                "bbox_ctrness": centreness},
                               [anchors] * batch, counts)
    print(json.dumps({"classification": losses["classification"].item(),
                      "box": losses["bbox_regression"].item(),
                      "centreness": losses["bbox_ctrness"].item(), "matched": matched}))


if __name__ == "__main__":
    main()
