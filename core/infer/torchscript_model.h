#pragma once

#include "infer/exported_model.h"

#include <memory>

namespace kestrel::infer {

// A TorchScript export run by torch::jit (LibTorch).
class TorchScriptModel : public ExportedModel {
public:
    TorchScriptModel(const std::filesystem::path& file, const RuntimeOptions& options);
    ~TorchScriptModel() override;

    ModelFormat format() const override { return ModelFormat::TorchScript; }
    std::string runtime() const override;
    std::vector<float> run(const float* images, int count) override;
    std::vector<std::vector<float>> runAll(const float* images, int count) override;

private:
    struct State;
    std::unique_ptr<State> state_;
};

} // namespace kestrel::infer
