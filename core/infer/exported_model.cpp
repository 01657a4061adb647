#include "infer/exported_model.h"

#include "common/error.h"
#include "infer/onnx_model.h"
#include "infer/torchscript_model.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>

namespace kestrel::infer {

std::string toString(ModelFormat format) {
    return format == ModelFormat::TorchScript ? "torchscript" : "onnx";
}

ModelFormat parseModelFormat(const std::string& name) {
    if (name == "torchscript") {
        return ModelFormat::TorchScript;
    }
    if (name == "onnx") {
        return ModelFormat::Onnx;
    }
    throw Error(ErrorKind::InvalidArgument,
                "Unknown model format \"" + name + "\"; use torchscript or onnx.");
}

ModelFormat detectModelFormat(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw Error(ErrorKind::NotFound, "Cannot open the model file " + file.string() + ".");
    }
    std::string extension = file.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (extension == ".onnx") {
        return ModelFormat::Onnx;
    }
    if (extension == ".pt" || extension == ".pth" || extension == ".torchscript") {
        return ModelFormat::TorchScript;
    }
    std::array<char, 4> magic{};
    in.read(magic.data(), magic.size());
    if (in.gcount() == 4 && magic[0] == 'P' && magic[1] == 'K') {
        return ModelFormat::TorchScript; // a zip archive
    }
    try {
        readOnnxMetadata(file);
        return ModelFormat::Onnx;
    } catch (const Error&) {
    }
    throw Error(ErrorKind::InvalidArgument,
                file.string() + " is neither a TorchScript (.pt) nor an ONNX (.onnx) model.");
}

std::unique_ptr<ExportedModel> openExportedModel(const std::filesystem::path& file,
                                                 const RuntimeOptions& options) {
    if (detectModelFormat(file) == ModelFormat::Onnx) {
        return std::make_unique<OnnxModel>(file);
    }
    return std::make_unique<TorchScriptModel>(file, options);
}

} // namespace kestrel::infer
