#include "export/export_steps.h"

#include "export/run_export.h"
#include "infer/onnx_model.h"
#include "infer/torchscript_model.h"

#include <fstream>
#include <sstream>

namespace kestrel::exporting {

std::unique_ptr<infer::ExportedModel> openForVerification(infer::ModelFormat format,
                                                          const std::filesystem::path& file) {
    if (format == infer::ModelFormat::Onnx) {
        return std::make_unique<infer::OnnxModel>(file);
    }
    return std::make_unique<infer::TorchScriptModel>(file, infer::RuntimeOptions{"cpu", false});
}

std::string fileBytes(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

void reportProgress(const ExportRequest& request, const std::string& line) {
    if (request.progress) {
        request.progress(line);
    }
}

} // namespace kestrel::exporting
