#pragma once

#include "imaging/decode.h"
#include "infer/model_metadata.h"

#include <filesystem>

#include <opencv2/core/types.hpp>
#include <torch/types.h>

namespace kestrel::models {
class Classifier;
}

namespace kestrel::infer {

// A trained model's eval-mode output for one image file, as the window shows it before any
// export.
struct EagerOutput {
    torch::Tensor output; // float32 on the CPU, contiguous, the batch of one still first
    cv::Size fileSize;    // the file's own size, to bring maps and boxes back to
};

// Decodes `image` as `spec` says (imaging::decodeForSpec), normalises it with the metadata's
// mean and std and runs `model` without gradients on the device its parameters are on, in
// eval mode (its own mode is restored). Throws kestrel::Error naming the file when it cannot
// be read.
EagerOutput runEagerOnFile(models::Classifier& model, const ModelMetadata& metadata,
                           const imaging::ImageSpec& spec, const std::filesystem::path& image);

} // namespace kestrel::infer
