#include "infer/detection_predictor.h"

#include "common/error.h"
#include "imaging/decode.h"
#include "infer/batched_inference.h"
#include "infer/eager_forward.h"
#include "infer/exported_model.h"
#include "infer/model_metadata.h"

#include <algorithm>

namespace kestrel::infer {

namespace {

// Boxes decoded in the model's input, moved into the file's pixels: the letterbox's offset
// taken off and its scale undone (per side when stretched).
void finishDetection(DetectionPrediction& prediction, const float* raw,
                     const ModelMetadata& metadata, const imaging::ImageSpec& spec, cv::Size file,
                     double minScore) {
    const ModelMetadata::Detection& rule = *metadata.detection;
    inspection::DetectionDecoding decoding = decodingOf(rule);
    decoding.scoreThreshold = std::min(rule.scoreThreshold, minScore);
    const auto levels = inspection::featureLevels(metadata.width, metadata.height, rule.strides);
    const cv::Rect area = imaging::conformedArea(file, spec);
    const double sx = static_cast<double>(file.width) / area.width;
    const double sy = static_cast<double>(file.height) / area.height;
    prediction.width = file.width;
    prediction.height = file.height;
    bool ng = false;
    for (inspection::Detection box :
         inspection::decodeFcos(raw, static_cast<int>(metadata.classes.size()), levels,
                                metadata.width, metadata.height, decoding)) {
        ng = ng || box.score >= rule.lineScore;
        if (box.score < minScore) {
            continue;
        }
        box.x0 = std::clamp((box.x0 - area.x) * sx, 0.0, static_cast<double>(file.width));
        box.x1 = std::clamp((box.x1 - area.x) * sx, 0.0, static_cast<double>(file.width));
        box.y0 = std::clamp((box.y0 - area.y) * sy, 0.0, static_cast<double>(file.height));
        box.y1 = std::clamp((box.y1 - area.y) * sy, 0.0, static_cast<double>(file.height));
        if (box.x1 > box.x0 && box.y1 > box.y0) { // a box wholly in the padding is no defect
            prediction.boxes.push_back(box);
        }
    }
    prediction.verdict = ng ? "NG" : "OK";
}

} // namespace

inspection::DetectionDecoding decodingOf(const ModelMetadata::Detection& detection) {
    inspection::DetectionDecoding decoding;
    decoding.scoreThreshold = detection.scoreThreshold;
    decoding.nmsIou = detection.nmsIou;
    decoding.candidatesPerLevel = detection.candidatesPerLevel;
    decoding.maxDetections = detection.maxDetections;
    return decoding;
}

namespace {

const ModelMetadata::Detection& detectorRule(const ModelMetadata& metadata) {
    if (!metadata.detection) {
        throw Error(ErrorKind::InvalidArgument,
                    "The model is a " + toString(metadata.task) + " model, not a detector.");
    }
    return *metadata.detection;
}

} // namespace

DetectionPrediction detectInImage(models::Classifier& model, const ModelMetadata& metadata,
                                  const std::filesystem::path& image, double minScore) {
    const ModelMetadata::Detection& rule = detectorRule(metadata);
    if (minScore < 0) {
        minScore = rule.lineScore;
    }
    const imaging::ImageSpec spec = inputSpec(metadata);
    const EagerOutput raw = runEagerOnFile(model, metadata, spec, image);
    DetectionPrediction prediction;
    prediction.image = image;
    finishDetection(prediction, raw.output.data_ptr<float>(), metadata, spec, raw.fileSize,
                    minScore);
    return prediction;
}

std::vector<DetectionPrediction> predictDetections(ExportedModel& model,
                                                   const std::vector<std::filesystem::path>& images,
                                                   int batchSize, double minScore) {
    const ModelMetadata& metadata = model.metadata();
    if (minScore < 0) {
        minScore = detectorRule(metadata).lineScore;
    }
    const imaging::ImageSpec spec = inputSpec(metadata);
    const std::size_t cells = inspection::cellCount(
        inspection::featureLevels(metadata.width, metadata.height, metadata.detection->strides));
    std::vector<DetectionPrediction> predictions(images.size());
    std::vector<std::string> errors;
    runInBatches(
        model, images, batchSize, (metadata.classes.size() + 5) * cells,
        "raw outputs (" + std::to_string(metadata.classes.size() + 5) + " x " +
            std::to_string(cells) + " an image)",
        [&](std::size_t image, const float* raw, cv::Size file) {
            finishDetection(predictions[image], raw, metadata, spec, file, minScore);
        },
        errors);
    for (std::size_t i = 0; i < images.size(); ++i) {
        predictions[i].image = images[i];
        predictions[i].error = errors[i];
    }
    return predictions;
}

} // namespace kestrel::infer
