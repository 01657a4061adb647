#include "infer/eager_forward.h"

#include "models/classifier.h"
#include "models/model_input.h"

#include <torch/torch.h>

namespace kestrel::infer {

EagerOutput runEagerOnFile(models::Classifier& model, const ModelMetadata& metadata,
                           const imaging::ImageSpec& spec, const std::filesystem::path& image) {
    const imaging::ConformedFile conformed = imaging::decodeForSpec(image, spec);
    torch::Tensor pixels = torch::empty({1, spec.channels, spec.height, spec.width}, torch::kFloat);
    imaging::writePlanarFloats(conformed.image, pixels.data_ptr<float>());
    const auto parameters = model.parameters();
    const torch::Device device =
        parameters.empty() ? torch::Device(torch::kCPU) : parameters.front().device();
    const models::ModelInput normalise(metadata.mean, metadata.std, device, false);
    torch::NoGradGuard noGrad;
    const bool training = model.is_training();
    model.eval();
    torch::Tensor output =
        model.forward(normalise(pixels)).to(torch::kFloat).to(torch::kCPU).contiguous();
    model.train(training);
    return {std::move(output), conformed.fileSize};
}

} // namespace kestrel::infer
