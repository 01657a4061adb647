#pragma once

// Steps every export takes, whatever the task: opening a written file for verification,
// reading its bytes for the content hash, and telling the caller's progress display.

#include "infer/exported_model.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace kestrel {
class Project;
}

namespace kestrel::exporting {

struct ExportRequest;
struct ExportedFile;

// The written file in its own runtime: ONNX through OpenCV DNN, TorchScript unoptimised (the
// file as torch.jit.load gives it to people).
std::unique_ptr<infer::ExportedModel> openForVerification(infer::ModelFormat format,
                                                          const std::filesystem::path& file);
std::string fileBytes(const std::filesystem::path& file);
void reportProgress(const ExportRequest& request, const std::string& line);

// The end of every export after its verification: a failed one's `partial` file is deleted
// and kestrel::Error thrown with the figures; a passed one is renamed to `file.file`, its
// model card (`card(file, contentHash)`) written beside it and the artifact recorded (through
// the request's recorder, else the project's store).
void keepVerifiedExport(
    Project& project, const ExportRequest& request, ExportedFile& file,
    const std::filesystem::path& partial,
    const std::function<std::string(const ExportedFile&, const std::string&)>& card);

} // namespace kestrel::exporting
