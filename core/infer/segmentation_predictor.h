#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace kestrel::infer {

class ExportedModel;

// A segmentation model's answer for one image, at the image file's size.
struct SegmentationPrediction {
    std::filesystem::path image;
    int width = 0; // the file's
    int height = 0;
    std::vector<std::uint8_t> classes; // each pixel's class (0 background), row-major
    std::vector<double> areas;         // pixels per class, by class index
    std::string verdict; // "OK" or "NG" by the metadata's minimum areas; empty on error
    std::string error;   // one sentence naming the image, when it could not be read
};

// Runs a segmentation model over `images` in batches of `batchSize`: per-pixel probabilities
// brought back to each file's size (bilinear, the letterbox's padding cut off), their argmax,
// each class's area and the verdict. Unreadable images are reported in their entry. Throws
// kestrel::Error when the model is not a segmentation model.
std::vector<SegmentationPrediction>
predictSegmentation(ExportedModel& model, const std::vector<std::filesystem::path>& images,
                    int batchSize = 8);

// Writes `prediction.classes` as an 8-bit PNG whose pixel values are class indexes.
void writeClassMask(const SegmentationPrediction& prediction, const std::filesystem::path& file);

} // namespace kestrel::infer
