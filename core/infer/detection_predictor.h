#pragma once

#include "infer/model_metadata.h"
#include "inspection/fcos_decoding.h"

#include <filesystem>
#include <string>
#include <vector>

namespace kestrel::models {
class Classifier;
}

namespace kestrel::infer {

class ExportedModel;

// A detector's answer for one image: its boxes in the image file's pixels (corner
// coordinates, the letterbox undone), best first.
struct DetectionPrediction {
    std::filesystem::path image;
    int width = 0; // the file's
    int height = 0;
    std::vector<inspection::Detection> boxes; // scored at least the minimum asked for
    std::string verdict; // "NG" when a box scores the metadata's line score; empty on error
    std::string error;   // one sentence naming the image, when it could not be read
};

// How the metadata says raw outputs are decoded.
inspection::DetectionDecoding decodingOf(const ModelMetadata::Detection& detection);

// Runs a detector over `images` in batches of `batchSize`: raw outputs decoded as the
// metadata says (inspection::decodeFcos), boxes brought back to each file's pixels and kept
// from `minScore` up (below 0, the metadata's line score). Unreadable images are reported in
// their entry. Throws kestrel::Error when the model is not a detector.
std::vector<DetectionPrediction> predictDetections(ExportedModel& model,
                                                   const std::vector<std::filesystem::path>& images,
                                                   int batchSize = 8, double minScore = -1);

} // namespace kestrel::infer

namespace kestrel::infer {

// The same for one image with a trained run's eager detector (before any export), on the
// device its parameters are on: what the window draws over the image. Throws kestrel::Error
// naming the file when it cannot be read, or when the metadata is not a detector's.
DetectionPrediction detectInImage(models::Classifier& model, const ModelMetadata& metadata,
                                  const std::filesystem::path& image, double minScore = -1);

} // namespace kestrel::infer
