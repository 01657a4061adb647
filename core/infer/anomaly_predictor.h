#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace kestrel::infer {

class ExportedModel;

// What an exported anomaly detector said about one image, or why it could not look at it.
struct AnomalyPrediction {
    std::filesystem::path image;
    float score = 0;        // 0-1, a defect at 0.5 or more
    std::string verdict;    // "good" or "defect"; empty when `error` is set
    std::vector<float> map; // height x width, 0-1, row-major
    std::string error;      // one sentence naming the image, when it could not be read
};

// Runs an anomaly model over `images` in batches; unreadable images are reported in their
// entry. Throws kestrel::Error when `model` is not an anomaly detector.
std::vector<AnomalyPrediction> predictAnomalies(ExportedModel& model,
                                                const std::vector<std::filesystem::path>& images,
                                                int batchSize = 8);

// Writes `prediction`'s map as a PNG heat map over the image (at the model's input size):
// the JET colour map, half transparent, with the 0.5 contour (the threshold) in white.
// Throws kestrel::Error naming `file` when it cannot be written.
void writeHeatMap(const AnomalyPrediction& prediction, int width, int height,
                  const std::filesystem::path& file);

} // namespace kestrel::infer
