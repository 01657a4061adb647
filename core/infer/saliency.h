#pragma once

#include "infer/model_metadata.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace at {
class Tensor; // torch::Tensor; declared only, so that the app can include this without LibTorch
}

namespace kestrel::models {
class Classifier;
}

namespace kestrel::infer {

// Grad-CAM (Selvaraju et al. 2017): where in `input` the model found evidence for
// `targetClass`. The feature maps of models::Classifier::features() are weighted by the
// spatial mean of the target logit's gradient, summed, passed through ReLU, upsampled
// bilinearly to the input size and divided by their maximum.
//
// `input` is one image, 1 x C x H x W, normalised as the model was trained. Returns a
// continuous CV_32F H x W matrix in [0, 1]; all zeros where nothing speaks for the class.
// Runs the model in eval mode with gradients on (whatever the caller's mode), restores the
// model's mode, and leaves the parameters' .grad untouched. Throws kestrel::Error
// (InvalidArgument) for an input that is not one image or a class out of range.
cv::Mat gradCam(models::Classifier& model, const at::Tensor& input, std::int64_t targetClass);

// What the model says about one image file, and where it looked.
struct Saliency {
    cv::Mat heat; // CV_32F in [0, 1], the original image's rows x cols
    std::int64_t predicted = 0;
    float confidence = 0;    // probability of `predicted`
    std::int64_t target = 0; // the class the heat map explains
    std::vector<float> probabilities;
};

// Decodes `image` as the model's metadata says (its width, height, channels and resize
// policy; normalised with its mean and std), runs the model on the device its parameters are on and
// Grad-CAM for `targetClass` (default: the predicted class), then stretches the heat map
// back to the original image's size, so it lies over the image as people see it.
// Throws kestrel::Error naming the file when it cannot be read or decoded.
Saliency saliencyForImage(models::Classifier& model, const ModelMetadata& input,
                          const std::filesystem::path& image,
                          std::optional<std::int64_t> targetClass = std::nullopt);

} // namespace kestrel::infer
