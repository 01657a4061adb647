#include "infer/saliency.h"

#include "common/error.h"
#include "imaging/decode.h"
#include "infer/batched_inference.h"
#include "models/classifier.h"
#include "models/model_input.h"

#include <cstring>
#include <sstream>
#include <string>

#include <ATen/core/grad_mode.h>
#include <opencv2/imgproc.hpp>
#include <torch/autograd.h>
#include <torch/nn/functional/upsampling.h>

namespace kestrel::infer {

namespace {

// Puts the model in eval mode for the pass and back in its own mode afterwards, also when
// the pass throws.
class EvalModeScope {
public:
    explicit EvalModeScope(models::Classifier& model)
        : model_(model), wasTraining_(model.is_training()) {
        model_.eval();
    }
    ~EvalModeScope() { model_.train(wasTraining_); }
    EvalModeScope(const EvalModeScope&) = delete;
    EvalModeScope& operator=(const EvalModeScope&) = delete;

private:
    models::Classifier& model_;
    bool wasTraining_;
};

torch::Device deviceOf(models::Classifier& model) {
    const auto parameters = model.parameters();
    return parameters.empty() ? torch::Device(torch::kCPU) : parameters.front().device();
}

struct CamPass {
    torch::Tensor probabilities; // K, float, on the CPU
    std::int64_t target = 0;
    cv::Mat heat; // CV_32F at the input's H x W
};

// One forward pass, split at the feature maps, and one gradient, for the target class (the
// predicted one when none is given).
CamPass camPass(models::Classifier& model, const torch::Tensor& input,
                std::optional<std::int64_t> targetClass) {
    if (input.dim() != 4 || input.size(0) != 1) {
        std::ostringstream shape;
        shape << input.sizes();
        throw Error(ErrorKind::InvalidArgument,
                    "Grad-CAM takes one image of shape 1 x C x H x W, not " + shape.str() + ".");
    }
    const EvalModeScope evalMode(model);
    const torch::Tensor x = input.to(deviceOf(model), torch::kFloat);
    const std::int64_t height = x.size(2);
    const std::int64_t width = x.size(3);

    // Gradients are taken at the feature maps only: the backbone runs without a graph, and
    // torch::autograd::grad returns the gradient instead of accumulating into .grad.
    torch::Tensor maps;
    {
        at::NoGradGuard noGrad;
        maps = model.features(x);
    }
    const at::AutoGradMode withGrad(true);
    maps = maps.detach().requires_grad_(true);
    const torch::Tensor logits = model.classify(maps).to(torch::kFloat);

    CamPass pass;
    pass.probabilities = torch::softmax(logits.detach(), 1)[0].cpu().contiguous();
    const std::int64_t classes = logits.size(1);
    pass.target = targetClass.value_or(pass.probabilities.argmax().item<std::int64_t>());
    if (pass.target < 0 || pass.target >= classes) {
        throw Error(ErrorKind::InvalidArgument, "Class " + std::to_string(pass.target) +
                                                    " is out of range for a model of " +
                                                    std::to_string(classes) + " classes.");
    }
    const torch::Tensor gradient = torch::autograd::grad({logits[0][pass.target]}, {maps})[0];

    at::NoGradGuard noGrad;
    const torch::Tensor weights = gradient.mean({2, 3}, /*keepdim=*/true); // 1 x C x 1 x 1
    torch::Tensor cam = torch::relu((weights * maps.detach()).sum(1, /*keepdim=*/true));
    namespace F = torch::nn::functional;
    cam = F::interpolate(cam, F::InterpolateFuncOptions()
                                  .size(std::vector<std::int64_t>{height, width})
                                  .mode(torch::kBilinear)
                                  .align_corners(false));
    const float peak = cam.max().item<float>();
    cam = peak > 0 ? cam / peak : torch::zeros_like(cam);
    cam = cam.to(torch::kCPU, torch::kFloat).contiguous();

    pass.heat = cv::Mat(static_cast<int>(height), static_cast<int>(width), CV_32F);
    std::memcpy(pass.heat.ptr<float>(0), cam.data_ptr<float>(),
                static_cast<std::size_t>(height * width) * sizeof(float));
    return pass;
}

} // namespace

cv::Mat gradCam(models::Classifier& model, const at::Tensor& input, std::int64_t targetClass) {
    return camPass(model, input, targetClass).heat;
}

Saliency saliencyForImage(models::Classifier& model, const ModelMetadata& input,
                          const std::filesystem::path& image,
                          std::optional<std::int64_t> targetClass) {
    const imaging::ImageSpec spec = inputSpec(input);
    const imaging::ConformedFile file = imaging::decodeForSpec(image, spec);
    const cv::Mat& decoded = file.image;

    torch::Tensor pixels = torch::empty({1, spec.channels, spec.height, spec.width}, torch::kFloat);
    imaging::writePlanarFloats(decoded, pixels.data_ptr<float>());
    const models::ModelInput normalise(input.mean, input.std, deviceOf(model), false);
    CamPass pass = camPass(model, normalise(pixels), targetClass);

    Saliency saliency;
    saliency.target = pass.target;
    const float* probability = pass.probabilities.data_ptr<float>();
    saliency.probabilities.assign(probability, probability + pass.probabilities.numel());
    saliency.predicted = pass.probabilities.argmax().item<std::int64_t>();
    saliency.confidence = saliency.probabilities[static_cast<std::size_t>(saliency.predicted)];
    // The inverse of the stretch: area interpolation when shrinking, bilinear when
    // enlarging, as decoding does the other way.
    const cv::Size size = file.fileSize;
    const bool shrinking = size.width < pass.heat.cols || size.height < pass.heat.rows;
    cv::resize(pass.heat, saliency.heat, size, 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
    return saliency;
}

} // namespace kestrel::infer
