#include "infer/segmentation_predictor.h"

#include "common/error.h"
#include "imaging/decode.h"
#include "infer/batched_inference.h"
#include "infer/exported_model.h"
#include "infer/model_metadata.h"
#include "inspection/area_verdict.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace kestrel::infer {

namespace {

void finishPrediction(SegmentationPrediction& prediction, const float* probabilities,
                      const ModelMetadata& metadata, cv::Size file) {
    const int classes = static_cast<int>(metadata.classes.size());
    // Where the image lies in the model's input: all of it when stretched, else its rectangle
    // inside the letterbox or padding.
    const cv::Rect area = imaging::conformedArea(file, inputSpec(metadata));
    cv::Mat best(file, CV_32F, cv::Scalar(-1));
    prediction.width = file.width;
    prediction.height = file.height;
    prediction.classes.assign(static_cast<std::size_t>(file.area()), 0);
    cv::Mat winner(file, CV_8U, prediction.classes.data()); // writes into `classes`
    const std::size_t plane = static_cast<std::size_t>(metadata.width) * metadata.height;
    for (int c = 0; c < classes; ++c) {
        const cv::Mat probability(metadata.height, metadata.width, CV_32F,
                                  const_cast<float*>(probabilities + c * plane)); // read only
        cv::Mat resized;
        cv::resize(probability(area), resized, file, 0, 0, cv::INTER_LINEAR);
        const cv::Mat better = resized > best;
        resized.copyTo(best, better);
        winner.setTo(c, better);
    }
    prediction.areas.assign(static_cast<std::size_t>(classes), 0.0);
    for (int c = 0; c < classes; ++c) {
        prediction.areas[static_cast<std::size_t>(c)] =
            static_cast<double>(cv::countNonZero(winner == c));
    }
    inspection::AreaRule rule;
    rule.minimumPixels = metadata.segmentation->minimumAreaPixels;
    prediction.verdict = inspection::isDefective(prediction.areas, rule) ? "NG" : "OK";
}

} // namespace

std::vector<SegmentationPrediction>
predictSegmentation(ExportedModel& model, const std::vector<std::filesystem::path>& images,
                    int batchSize) {
    const ModelMetadata& metadata = model.metadata();
    if (!metadata.segmentation) {
        throw Error(ErrorKind::InvalidArgument, "The model is a " + toString(metadata.task) +
                                                    " model, not a segmentation model.");
    }
    const imaging::ImageSpec spec = inputSpec(metadata);
    std::vector<SegmentationPrediction> predictions(images.size());
    std::vector<std::string> errors;
    runInBatches(
        model, images, batchSize,
        metadata.classes.size() * static_cast<std::size_t>(spec.width) * spec.height,
        "per-pixel probabilities",
        [&](std::size_t image, const float* probabilities, cv::Size file) {
            finishPrediction(predictions[image], probabilities, metadata, file);
        },
        errors);
    for (std::size_t i = 0; i < images.size(); ++i) {
        predictions[i].image = images[i];
        predictions[i].error = errors[i];
    }
    return predictions;
}

void writeClassMask(const SegmentationPrediction& prediction, const std::filesystem::path& file) {
    bool written = false;
    try {
        const cv::Mat classes(prediction.height, prediction.width, CV_8U,
                              const_cast<std::uint8_t*>(prediction.classes.data())); // read only
        written = cv::imwrite(file.string(), classes);
    } catch (const cv::Exception&) {
        written = false;
    }
    if (!written) {
        throw Error(ErrorKind::Io, "Could not write the class mask " + file.string() + ".");
    }
}

} // namespace kestrel::infer
