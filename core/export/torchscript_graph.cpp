#include "export/torchscript_graph.h"

#include "common/error.h"
#include "infer/model_metadata.h"

#include <sstream>

#include <ATen/ops/tensor.h>
#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/serialization/export.h>

namespace kestrel::exporting {

void registerNormalisation(torch::jit::Module& module, const infer::ModelMetadata& metadata) {
    module.register_attribute("training", c10::BoolType::get(), false);
    const auto channelShape = std::vector<int64_t>{1, metadata.channels, 1, 1};
    const auto perChannel = [&](const std::vector<double>& values) {
        return at::tensor(std::vector<float>(values.begin(), values.end())).reshape(channelShape);
    };
    module.register_buffer("mean", perChannel(metadata.mean));
    module.register_buffer("std", perChannel(metadata.std));
}

std::string inputStatements(const infer::ModelMetadata& metadata) {
    const std::string c = std::to_string(metadata.channels);
    const std::string h = std::to_string(metadata.height);
    const std::string w = std::to_string(metadata.width);
    std::ostringstream source;
    source
        << "    assert images.dim() == 4 and images.size(1) == " << c
        << " and images.size(2) == " << h << " and images.size(3) == " << w
        << ", \"This model takes float32 images of N x " << c << " x " << h << " x " << w
        << " (NCHW, values in [0, 1]).\"\n"
        << "    # memory format 2 is torch.channels_last (a builtin the C++ compiler cannot name)\n"
        << "    x = ((images - self.mean) / self.std).contiguous(memory_format=2)\n";
    return source.str();
}

void saveTorchScript(torch::jit::Module& module, const infer::ModelMetadata& metadata,
                     const std::filesystem::path& file) {
    try {
        module.save(file.string(), {{infer::kMetadataKey, infer::toJson(metadata)}});
    } catch (const c10::Error& error) {
        throw Error(ErrorKind::Io, "Could not write the TorchScript model " + file.string() + ": " +
                                       error.what_without_backtrace());
    }
}

} // namespace kestrel::exporting
