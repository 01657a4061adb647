#pragma once

#include "imaging/image_spec.h"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <opencv2/core/types.hpp>

namespace kestrel::infer {

class ExportedModel;
struct ModelMetadata;

// The input an exported model's metadata describes.
imaging::ImageSpec inputSpec(const ModelMetadata& metadata);

// Each image's one output of `outputSize` floats, and the size of its file (what masks and
// boxes are brought back to).
using ImageOutput = std::function<void(std::size_t image, const float* output, cv::Size fileSize)>;

// Decodes `images` for the model's input (imaging::decodeForSpec), runs them in batches of
// `batchSize` and hands each readable image's output to `finish`, in order. An image that
// cannot be read gets its sentence in `errors` (one entry per image, empty when read) and is
// left out. Throws kestrel::Error when the model gives another number of values than
// `outputSize` an image; `expected` says what those values should have been.
void runInBatches(ExportedModel& model, const std::vector<std::filesystem::path>& images,
                  int batchSize, std::size_t outputSize, const std::string& expected,
                  const ImageOutput& finish, std::vector<std::string>& errors);

} // namespace kestrel::infer
