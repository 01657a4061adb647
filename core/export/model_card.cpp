#include "export/model_card.h"

#include "export/run_export.h"
#include "runs/run_params.h"
#include "runs/trained_run.h"

#include <nlohmann/json.hpp>

namespace kestrel::exporting {

std::string modelCardJson(const ModelCardRun& run, const std::map<std::string, double>& metrics,
                          const std::string& metadataJson, const ExportedFile& file,
                          const std::string& contentHash) {
    nlohmann::json params = nlohmann::json::object();
    for (const auto& [key, value] : run.params) {
        params[key] = value;
    }
    nlohmann::json figures = nlohmann::json::object();
    for (const auto& [name, value] : metrics) {
        figures[name] = value;
    }
    const nlohmann::json card = {
        {"model_card_version", 1},
        {"file", file.file.filename().string()},
        {"format", infer::toString(file.format)},
        {"size_bytes", file.sizeBytes},
        {"content_hash", contentHash},
        {"task", run.task},
        {"classes", run.classes},
        {"metadata", nlohmann::json::parse(metadataJson)},
        {"run",
         {{"id", run.record.id},
          {"model", run.record.model},
          {"status", run.record.status},
          {"device", run.record.device},
          {"started", run.record.startedAt},
          {"finished", run.record.finishedAt},
          {"dataset_version", run.record.datasetVersion.value_or(run.datasetVersion)},
          {"dataset_fingerprint", run.fingerprint},
          {"validation", run.validationSource},
          {"parameters", params}}},
        {"metrics", figures},
        {"verification", nlohmann::json::parse(file.verification.toJson())},
    };
    return card.dump(2);
}

std::string modelCardJson(const runs::TrainedRun& run, const std::map<std::string, double>& metrics,
                          const std::string& metadataJson, const ExportedFile& file,
                          const std::string& contentHash) {
    return modelCardJson(ModelCardRun{run.record, runs::toParams(run.options),
                                      run.data.data.classes, run.data.fingerprint,
                                      run.data.validationSource, run.data.datasetVersion,
                                      toString(run.options.task)},
                         metrics, metadataJson, file, contentHash);
}

} // namespace kestrel::exporting
