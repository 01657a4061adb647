#include "infer/anomaly_predictor.h"

#include "common/error.h"
#include "imaging/decode.h"
#include "infer/exported_model.h"
#include "infer/predictor.h"

#include <algorithm>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace kestrel::infer {

std::vector<AnomalyPrediction> predictAnomalies(ExportedModel& model,
                                                const std::vector<std::filesystem::path>& images,
                                                int batchSize) {
    const ModelMetadata& metadata = model.metadata();
    if (!metadata.anomaly) {
        throw Error(ErrorKind::InvalidArgument, "The model is a " + toString(metadata.task) +
                                                    " model, not an anomaly detector.");
    }
    const auto pixelsPerMap =
        static_cast<std::size_t>(metadata.width) * static_cast<std::size_t>(metadata.height);
    std::vector<AnomalyPrediction> predictions(images.size());
    std::vector<std::size_t> batch;
    std::vector<float> pixels;
    const auto flush = [&] {
        if (batch.empty()) {
            return;
        }
        const auto outputs = model.runAll(pixels.data(), static_cast<int>(batch.size()));
        for (std::size_t row = 0; row < batch.size(); ++row) {
            AnomalyPrediction& prediction = predictions[batch[row]];
            prediction.score = outputs.at(0).at(row);
            prediction.verdict = anomalyVerdict(prediction.score);
            const auto first =
                outputs.at(1).begin() + static_cast<std::ptrdiff_t>(row * pixelsPerMap);
            prediction.map.assign(first, first + static_cast<std::ptrdiff_t>(pixelsPerMap));
        }
        batch.clear();
        pixels.clear();
    };
    for (std::size_t i = 0; i < images.size(); ++i) {
        predictions[i].image = images[i];
        try {
            appendModelInput(images[i], metadata, pixels);
            batch.push_back(i);
        } catch (const Error& error) {
            predictions[i].error = error.what();
        }
        if (static_cast<int>(batch.size()) >= std::max(1, batchSize)) {
            flush();
        }
    }
    flush();
    return predictions;
}

void writeHeatMap(const AnomalyPrediction& prediction, int width, int height,
                  const std::filesystem::path& file) {
    imaging::ImageSpec spec;
    spec.width = width;
    spec.height = height;
    spec.channels = 3;
    cv::Mat image = imaging::decodeImage(prediction.image, spec); // RGB
    cv::cvtColor(image, image, cv::COLOR_RGB2BGR);
    const cv::Mat map(height, width, CV_32F,
                      const_cast<float*>(prediction.map.data())); // NOLINT: read only
    cv::Mat levels;
    map.convertTo(levels, CV_8U, 255.0);
    cv::Mat colours;
    cv::applyColorMap(levels, colours, cv::COLORMAP_JET);
    cv::Mat blended;
    cv::addWeighted(image, 0.5, colours, 0.5, 0.0, blended);
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(map >= 0.5F, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    cv::drawContours(blended, contours, -1, cv::Scalar(255, 255, 255), 1);
    if (!cv::imwrite(file.string(), blended)) {
        throw Error(ErrorKind::Io, "Could not write the heat map " + file.string() + ".");
    }
}

} // namespace kestrel::infer
