#pragma once

#include "common/task_kind.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kestrel::infer {

// What an exported model says about itself (the file "metadata.json" inside a TorchScript
// archive; metadata_props key "metadata.json" in ONNX): enough to feed it images and read
// its answers without the project it came from. Keys are listed in docs/ARCHITECTURE.md.
struct ModelMetadata {
    TaskKind task = TaskKind::Classification;
    std::vector<std::string> classes;
    int width = 0;
    int height = 0;
    int channels = 0;  // 1 (gray) or 3
    std::string color; // "gray" or "rgb"
    // imaging::resizeName: "stretch", "letterbox" (scaled to fit, centred, zeros around) or
    // "pad" (at its own size when it fits, else as letterbox)
    std::string resize = "stretch";
    std::vector<double> mean; // per channel, applied inside the model
    std::vector<double> std;
    std::string output = "probabilities"; // the task's export head: the model's one output
    std::string model;                    // architecture, e.g. "resnet18"
    std::int64_t run = 0;
    std::int64_t datasetVersion = 0;
    std::string kestrelVersion;
    std::string created; // ISO 8601, UTC
    // The line's operating point, when the run has one ("operating_point" in the JSON): a part
    // is NG when 1 - P(goodClass) >= ngThreshold.
    std::string goodClass;
    std::optional<double> ngThreshold;
    double targetDefectRecall = 0;
    // Anomaly detection ("anomaly" in the JSON): the model's outputs are "score" (N) and "map"
    // (N x 1 x H x W), both in [0, 1] with 0.5 at the threshold: a part is a defect when its
    // score is 0.5 or more. The raw threshold and the normalisation are kept to explain them.
    struct Anomaly {
        std::string method; // patchcore, padim
        double rawThreshold = 0;
        double imageMin = 0, imageMax = 1;
        double mapMin = 0, mapMax = 1;
    };
    std::optional<Anomaly> anomaly;
    // Segmentation ("segmentation" in the JSON): the output is N x K x H x W probabilities,
    // class 0 the background; a part is NG when a class covers more than its minimum area in
    // the image's pixels (index 0 unused).
    struct Segmentation {
        std::vector<double> minimumAreaPixels;
        double pixelSizeMm = 0; // 0: not given
        // The model's passes per image: 4 when it averages over the image and its mirror
        // images inside the file (Classifier::setAverageMirrors), so the line knows the cost.
        int passes = 1;
    };
    std::optional<Segmentation> segmentation;
    // Detection ("detection" in the JSON): the output is FCOS's raw N x (K + 5) x cells
    // (inspection::decodeFcos): cells of the levels at `strides` over the input, each level
    // row-major. Boxes come from decoding and per-class NMS; a part is NG when a box scores
    // lineScore or more.
    struct Detection {
        std::vector<int> strides;
        double scoreThreshold = 0.05; // boxes kept by decoding
        double lineScore = 0.25;      // boxes shown to the line and the verdict
        double nmsIou = 0.6;
        int candidatesPerLevel = 1000;
        int maxDetections = 100;
    };
    std::optional<Detection> detection;
};

// The model's outputs in order: "score" and "map" for anomaly detection, else `output`.
std::vector<std::string> outputNames(const ModelMetadata& metadata);

// The verdict an anomaly model's normalised score gives: "defect" at 0.5 or more, else "good".
std::string anomalyVerdict(float score);

// "OK" or "NG" for `probabilities` (in `metadata.classes`' order) at the operating point;
// empty when the model has none.
std::string lineVerdict(const ModelMetadata& metadata, const std::vector<float>& probabilities);

std::string toJson(const ModelMetadata& metadata);
// Throws kestrel::Error (InvalidArgument) naming `source` and the key that is missing or wrong.
ModelMetadata metadataFromJson(const std::string& json, const std::string& source);

// The name both formats store the metadata under.
inline constexpr const char* kMetadataKey = "metadata.json";

} // namespace kestrel::infer
