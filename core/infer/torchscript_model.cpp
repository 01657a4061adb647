#include "infer/torchscript_model.h"

#include "common/error.h"
#include "models/device.h"

#include <ATen/core/grad_mode.h>
#include <ATen/ops/from_blob.h>
#include <c10/core/InferenceMode.h>
#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/serialization/import.h>
#include <torch/version.h>

namespace kestrel::infer {

struct TorchScriptModel::State {
    torch::jit::Module module;
    c10::Device device{c10::kCPU};
};

TorchScriptModel::TorchScriptModel(const std::filesystem::path& file, const RuntimeOptions& options)
    : state_(std::make_unique<State>()) {
    state_->device = c10::Device(models::resolveDevice(options.device)); // names a missing GPU
    torch::jit::ExtraFilesMap extra{{kMetadataKey, ""}};
    try {
        state_->module = torch::jit::load(file.string(), state_->device, extra);
    } catch (const c10::Error& error) {
        throw Error(ErrorKind::InvalidArgument,
                    file.string() + " is not a TorchScript model LibTorch can load: " +
                        error.what_without_backtrace());
    }
    if (extra[kMetadataKey].empty()) {
        throw Error(ErrorKind::InvalidArgument,
                    file.string() + " has no metadata.json: it was not exported by Kestrel.");
    }
    metadata_ = metadataFromJson(extra[kMetadataKey], file.string());
    state_->module.eval();
    if (options.optimize) {
        // Constants inlined and the graph simplified; same kernels, so the same answers.
        // (optimize_for_inference's oneDNN rewrite is faster still on the CPU, but LibTorch 1.13
        // gets squeeze-excitation wrong with it.)
        state_->module = torch::jit::freeze(state_->module);
    }
}

TorchScriptModel::~TorchScriptModel() = default;

std::string TorchScriptModel::runtime() const {
    return std::string("LibTorch ") + TORCH_VERSION;
}

std::vector<float> TorchScriptModel::run(const float* images, int count) {
    return runAll(images, count).front();
}

std::vector<std::vector<float>> TorchScriptModel::runAll(const float* images, int count) {
    const c10::InferenceMode inference;
    const auto input =
        at::from_blob(const_cast<float*>(images), // NOLINT: read only, from_blob wants void*
                      {count, metadata_.channels, metadata_.height, metadata_.width}, at::kFloat)
            .to(state_->device);
    std::vector<at::Tensor> outputs;
    try {
        const auto result = state_->module.forward({input});
        if (result.isTuple()) {
            for (const auto& element : result.toTupleRef().elements()) {
                outputs.push_back(element.toTensor());
            }
        } else {
            outputs.push_back(result.toTensor());
        }
    } catch (const c10::Error& error) {
        throw Error(ErrorKind::InvalidArgument,
                    std::string("The TorchScript model failed: ") + error.what_without_backtrace());
    }
    std::vector<std::vector<float>> values;
    for (auto& output : outputs) {
        output = output.to(at::kCPU, at::kFloat).contiguous();
        values.emplace_back(output.data_ptr<float>(), output.data_ptr<float>() + output.numel());
    }
    return values;
}

} // namespace kestrel::infer
