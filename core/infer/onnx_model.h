#pragma once

#include "infer/exported_model.h"

#include <memory>

namespace kestrel::infer {

// An ONNX export run by OpenCV's DNN module, a runtime independent of LibTorch.
class OnnxModel : public ExportedModel {
public:
    explicit OnnxModel(const std::filesystem::path& file);
    ~OnnxModel() override;

    ModelFormat format() const override { return ModelFormat::Onnx; }
    std::string runtime() const override;
    std::vector<float> run(const float* images, int count) override;
    std::vector<std::vector<float>> runAll(const float* images, int count) override;

private:
    struct State;
    std::unique_ptr<State> state_;
};

// The "metadata.json" entry of an ONNX file's metadata_props, or "" when it has none.
// Throws kestrel::Error naming `file` when it is not an ONNX protobuf.
std::string readOnnxMetadata(const std::filesystem::path& file);

} // namespace kestrel::infer
