#pragma once

#include "infer/model_metadata.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace kestrel::infer {

enum class ModelFormat { TorchScript, Onnx };

std::string toString(ModelFormat format); // "torchscript", "onnx"
// Throws kestrel::Error (InvalidArgument) naming an unknown format.
ModelFormat parseModelFormat(const std::string& name);
// By extension (.pt/.pth/.torchscript, .onnx), else by content (TorchScript is a zip file,
// ONNX a protobuf that parses as a model).
// Throws kestrel::Error naming `file` when it is missing or neither.
ModelFormat detectModelFormat(const std::filesystem::path& file);

// An exported Kestrel model, loaded into the runtime for its format: TorchScript through
// torch::jit, ONNX through OpenCV DNN. Not thread-safe: one caller at a time.
class ExportedModel {
public:
    virtual ~ExportedModel() = default;

    const ModelMetadata& metadata() const { return metadata_; }
    virtual ModelFormat format() const = 0;
    virtual std::string runtime() const = 0; // e.g. "OpenCV DNN 4.6.0"
    // `images`: `count` x C x H x W float32 in [0, 1], as the metadata describes.
    // Returns count x K class probabilities, row-major.
    virtual std::vector<float> run(const float* images, int count) = 0;
    // Every output (outputNames(metadata()) in order), each `count` rows, row-major: an
    // anomaly model's scores, then its maps.
    virtual std::vector<std::vector<float>> runAll(const float* images, int count) = 0;

protected:
    ModelMetadata metadata_;
};

struct RuntimeOptions {
    std::string device = "cpu"; // TorchScript only: cpu, cuda, cuda:N, auto
    // TorchScript: freeze the module (parameters become constants), which runs faster.
    bool optimize = true;
};

// Loads `file` (format from detectModelFormat) and reads its metadata.
// Throws kestrel::Error naming the file when it cannot be loaded or lacks Kestrel metadata.
std::unique_ptr<ExportedModel> openExportedModel(const std::filesystem::path& file,
                                                 const RuntimeOptions& options = {});

} // namespace kestrel::infer
