#pragma once

#include <map>
#include <string>

namespace kestrel::runs {
struct TrainedRun;
}

namespace kestrel::exporting {

struct ExportedFile;

// The model card written beside an export as <file>.card.json and stored with its artifact
// record: what the model is for (classes, input), how it was made (run, parameters, dataset
// version), how good it is (the run's final metrics) and how the file was verified.
std::string modelCardJson(const runs::TrainedRun& run, const std::map<std::string, double>& metrics,
                          const std::string& metadataJson, const ExportedFile& file,
                          const std::string& contentHash);

} // namespace kestrel::exporting
