#pragma once

#include "export/export_verification.h"
#include "infer/exported_model.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace kestrel {
class Project;
}

namespace kestrel::exporting {

// A verified file's row among the run's artifacts, as exportRun records it.
struct ExportedArtifact {
    std::int64_t run = 0;
    std::string kind; // torchscript, onnx
    std::string path; // relative to the project when inside it
    std::int64_t sizeBytes = 0;
    std::string card; // the model card, JSON
    std::string contentHash;
};

struct ExportRequest {
    std::int64_t run = 0;
    std::vector<infer::ModelFormat> formats = {infer::ModelFormat::TorchScript,
                                               infer::ModelFormat::Onnx};
    // The file to write. Empty: <project>/exports/run-<id>-<model>.<pt|onnx>. With more than
    // one format, each gets this path with its own extension.
    std::filesystem::path output;
    int verifySamples = 128; // validation images the export is checked on
    double tolerance = 1e-4; // largest allowed probability difference
    // Told what is happening, one short line per stage, for a progress display.
    std::function<void(const std::string&)> progress;
    // Called with each written file before it is verified. Tests use it to damage the file.
    std::function<void(const std::filesystem::path&)> afterWrite;
    // Records each verified file among the run's artifacts. Empty: exportRun writes the row to
    // the project's store itself. The window passes its store writer, the process's one writer.
    std::function<void(const ExportedArtifact&)> recordArtifact;
};

struct ExportedFile {
    infer::ModelFormat format = infer::ModelFormat::TorchScript;
    std::filesystem::path file;
    std::filesystem::path card; // the model card beside it
    std::int64_t sizeBytes = 0;
    VerificationReport verification;
};

// Exports run `request.run`'s best checkpoint to each format, verifies each file through an
// independent runtime (TorchScript with torch::jit, ONNX with OpenCV DNN) against the trained
// model on validation images, and only then gives it its final name, writes its model card
// and records it as an artifact of the run with the verification report.
// Throws kestrel::Error when the run cannot be exported or a file fails verification (with the
// figures); a file that failed is deleted, never left under its final name.
std::vector<ExportedFile> exportRun(Project& project, const ExportRequest& request);

// Where exportRun writes `format` for `request`.
std::filesystem::path exportPath(const Project& project, const ExportRequest& request,
                                 const std::string& model, infer::ModelFormat format);

} // namespace kestrel::exporting
