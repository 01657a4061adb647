#pragma once

#include <filesystem>

#include <opencv2/core/mat.hpp>

namespace kestrel::anomaly {

class AnomalyModel;

// What a fitted anomaly detector says about one image file, and where.
struct AnomalyExplanation {
    cv::Mat map;     // CV_32F, normalised (0.5 is the threshold), the original rows x cols
    float score = 0; // normalised image score, 0-1
    bool defect = false;
};

// Decodes `image` as the model's run did (stretched to its size, its channels), scores it and
// stretches the normalised map back to the original image's size, so it lies over the image
// as people see it. Throws kestrel::Error naming the file when it cannot be read or decoded.
AnomalyExplanation explainImage(AnomalyModel& model, const std::filesystem::path& image);

} // namespace kestrel::anomaly
