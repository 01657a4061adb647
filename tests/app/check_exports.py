#!/usr/bin/env python3
"""Checks Kestrel's exports with the reference tools, for the CLI tests.

check_exports.py MODEL.pt MODEL.onnx PREDICTIONS.json

PREDICTIONS.json is `kestrel-cli predict MODEL.pt <images> --json`. The TorchScript file is
loaded with torch.jit.load and run on the same images (decoded with PIL, which share no code
with Kestrel's OpenCV); its probabilities must match Kestrel's within 1e-4 with the same top-1.
The ONNX file must pass onnx's full checker and strict shape inference.
Exit 0 on success, 1 on a mismatch, 3 when torch or onnx is not installed.
"""
import json
import sys

try:
    import numpy
    import onnx
    import torch
    from PIL import Image
except ImportError as missing:
    print(f"reference tools missing: {missing}", file=sys.stderr)
    sys.exit(3)


def main(torchscript_path, onnx_path, predictions_path):
    files = {"metadata.json": ""}
    model = torch.jit.load(torchscript_path, _extra_files=files)
    model.eval()
    metadata = json.loads(files["metadata.json"])
    size = (metadata["input"]["width"], metadata["input"]["height"])
    mode = "L" if metadata["input"]["channels"] == 1 else "RGB"
    classes = metadata["classes"]
    with open(predictions_path) as f:
        predictions = json.load(f)["predictions"]

    worst = 0.0
    for prediction in predictions:
        image = Image.open(prediction["image"]).convert(mode)
        if image.size != size:
            raise SystemExit(f"{prediction['image']} is not {size}; this check does not resize")
        pixels = numpy.asarray(image, dtype=numpy.float32) / 255.0
        tensor = torch.from_numpy(pixels.reshape(size[1], size[0], -1).transpose(2, 0, 1).copy())
        with torch.no_grad():
            probabilities = model(tensor.unsqueeze(0))[0].tolist()
        top = classes[max(range(len(classes)), key=lambda c: probabilities[c])]
        if top != prediction["class"]:
            print(f"{prediction['image']}: Python says {top}, Kestrel {prediction['class']}")
            return 1
        for name, probability in zip(classes, probabilities):
            worst = max(worst, abs(probability - prediction["scores"][name]))

    exported = onnx.load(onnx_path)
    onnx.checker.check_model(exported, full_check=True)
    inferred = onnx.shape_inference.infer_shapes(exported, check_type=True, strict_mode=True)
    output = inferred.graph.output[0].type.tensor_type.shape.dim
    if [d.dim_value for d in output][1:] != [len(classes)] or not output[0].dim_param:
        print(f"ONNX output shape is {output}, not batch x {len(classes)}")
        return 1
    keys = [p.key for p in exported.metadata_props]
    if "metadata.json" not in keys:
        print("ONNX file has no metadata.json in metadata_props")
        return 1

    print(f"{len(predictions)} images: same top-1, largest difference {worst:.2e}; "
          f"onnx checker and shape inference passed")
    return 0 if worst <= 1e-4 else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
