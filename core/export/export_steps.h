#pragma once

// Steps every export takes, whatever the task: opening a written file for verification,
// reading its bytes for the content hash, and telling the caller's progress display.

#include "infer/exported_model.h"

#include <filesystem>
#include <memory>
#include <string>

namespace kestrel::exporting {

struct ExportRequest;

// The written file in its own runtime: ONNX through OpenCV DNN, TorchScript unoptimised (the
// file as torch.jit.load gives it to people).
std::unique_ptr<infer::ExportedModel> openForVerification(infer::ModelFormat format,
                                                          const std::filesystem::path& file);
std::string fileBytes(const std::filesystem::path& file);
void reportProgress(const ExportRequest& request, const std::string& line);

} // namespace kestrel::exporting
