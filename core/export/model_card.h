#pragma once

#include "store/run_repository.h"

#include <map>
#include <string>

namespace kestrel::runs {
struct TrainedRun;
}

namespace kestrel::exporting {

struct ExportedFile;

// What a card says about the run behind a file, whatever its task.
struct ModelCardRun {
    store::RunRecord record;
    std::map<std::string, std::string> params;
    std::vector<std::string> classes;
    std::string fingerprint;
    std::string validationSource;
    std::int64_t datasetVersion = 0;
    std::string task;
};

std::string modelCardJson(const ModelCardRun& run, const std::map<std::string, double>& metrics,
                          const std::string& metadataJson, const ExportedFile& file,
                          const std::string& contentHash);

// The model card written beside an export as <file>.card.json and stored with its artifact
// record: what the model is for (classes, input), how it was made (run, parameters, dataset
// version), how good it is (the run's final metrics) and how the file was verified.
std::string modelCardJson(const runs::TrainedRun& run, const std::map<std::string, double>& metrics,
                          const std::string& metadataJson, const ExportedFile& file,
                          const std::string& contentHash);

} // namespace kestrel::exporting
