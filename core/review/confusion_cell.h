#pragma once

#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace kestrel::review {

// The samples behind one cell of a run's validation confusion matrix, as the window lists
// them after a click.
struct CellSamples {
    std::vector<std::pair<std::int64_t, float>> samples; // sample id, its score in the cell
    // A segmentation run's matrix counts pixels: its images are listed by how many of their
    // pixels the cell holds (the score), not by a confidence.
    bool pixelCounts = false;
};

// The predictions (train::SamplePrediction or store::StoredPrediction: sampleId, truth,
// predicted, confidence and a segmentation image's pixel matrix) in cell (truth, predicted).
// An image with a pixel matrix is in the cell when any of its pixels are; another sample
// when its truth and prediction are the cell's.
template <typename Predictions>
CellSamples cellSamples(const Predictions& predictions, std::int64_t truth,
                        std::int64_t predicted) {
    CellSamples found;
    for (const auto& prediction : predictions) {
        if (prediction.pixels.empty()) {
            if (prediction.truth == truth && prediction.predicted == predicted) {
                found.samples.emplace_back(prediction.sampleId,
                                           static_cast<float>(prediction.confidence));
            }
            continue;
        }
        found.pixelCounts = true;
        const auto classes = static_cast<std::int64_t>(
            std::lround(std::sqrt(static_cast<double>(prediction.pixels.size()))));
        if (truth < 0 || predicted < 0 || truth >= classes || predicted >= classes) {
            continue;
        }
        const std::int64_t pixels =
            prediction.pixels[static_cast<std::size_t>(truth * classes + predicted)];
        if (pixels > 0) {
            found.samples.emplace_back(prediction.sampleId, static_cast<float>(pixels));
        }
    }
    return found;
}

} // namespace kestrel::review
