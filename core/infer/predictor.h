#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace kestrel::infer {

class ExportedModel;
struct ModelMetadata;

// What a model said about one image, or why it could not look at it.
struct ImagePrediction {
    std::filesystem::path image;
    int predicted = -1;        // index into the metadata's classes; -1 when `error` is set
    std::vector<float> scores; // one probability per class
    std::string error;         // one sentence naming the image, when it could not be read
};

// The documented preprocessing for exported models: decode (EXIF orientation applied), convert
// to RGB or gray, resize to the metadata's size by its resize policy (area interpolation when
// shrinking, bilinear when enlarging), then float32 CHW in [0, 1], appended to `pixels`.
// Throws kestrel::Error naming `image` when it cannot be read.
void appendModelInput(const std::filesystem::path& image, const ModelMetadata& metadata,
                      std::vector<float>& pixels);

// Runs `model` over `images` in batches of `batchSize`; unreadable images are reported in
// their entry and skipped. Results are in the order given.
std::vector<ImagePrediction> predictImages(ExportedModel& model,
                                           const std::vector<std::filesystem::path>& images,
                                           int batchSize = 16);

} // namespace kestrel::infer
