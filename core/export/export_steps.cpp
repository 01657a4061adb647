#include "export/export_steps.h"

#include "common/atomic_file.h"
#include "common/error.h"
#include "dataset/content_hash.h"
#include "export/run_export.h"
#include "infer/onnx_model.h"
#include "infer/torchscript_model.h"
#include "project/project.h"
#include "store/run_repository.h"

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

void keepVerifiedExport(
    Project& project, const ExportRequest& request, ExportedFile& file,
    const std::filesystem::path& partial,
    const std::function<std::string(const ExportedFile&, const std::string&)>& card) {
    const std::string format = infer::toString(file.format);
    if (!file.verification.passed()) {
        std::filesystem::remove(partial);
        throw Error(ErrorKind::InvalidArgument,
                    "The " + format + " export of run " + std::to_string(request.run) +
                        " failed verification (" + file.verification.summary() +
                        "), so it was not kept.");
    }
    std::filesystem::rename(partial, file.file);
    file.sizeBytes = static_cast<std::int64_t>(std::filesystem::file_size(file.file));
    const std::string hash = dataset::contentHash(fileBytes(file.file));
    const std::string cardJson = card(file, hash);
    file.card = file.file.string() + ".card.json";
    writeFileAtomically(file.card, cardJson);
    const ExportedArtifact artifact{request.run,    format,   project.storedPath(file.file),
                                    file.sizeBytes, cardJson, hash};
    if (request.recordArtifact) {
        request.recordArtifact(artifact);
    } else {
        store::RunRepository(project.database())
            .addArtifact(artifact.run, artifact.kind, artifact.path, artifact.sizeBytes,
                         artifact.card, artifact.contentHash);
    }
    reportProgress(request, "Verified: " + file.verification.summary());
}

} // namespace kestrel::exporting
