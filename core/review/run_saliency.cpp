#include "review/run_saliency.h"

#include "runs/trained_run.h"

namespace kestrel::review {

struct RunSaliency::Loaded {
    std::int64_t runId = 0;
    infer::ModelMetadata input;
    std::vector<std::string> classes;
    models::ClassifierPtr model;
};

RunSaliency::RunSaliency(Project& project, std::int64_t runId) {
    runs::TrainedRun trained = runs::loadTrainedRun(project, runId);
    loaded_ = std::make_unique<Loaded>(Loaded{runId, runs::modelMetadata(trained),
                                              std::move(trained.data.data.classes),
                                              std::move(trained.model)});
}

RunSaliency::~RunSaliency() = default;
RunSaliency::RunSaliency(RunSaliency&&) noexcept = default;
RunSaliency& RunSaliency::operator=(RunSaliency&&) noexcept = default;

infer::Saliency RunSaliency::explain(const std::filesystem::path& image,
                                     std::optional<std::int64_t> targetClass) {
    return infer::saliencyForImage(*loaded_->model, loaded_->input, image, targetClass);
}

std::int64_t RunSaliency::runId() const {
    return loaded_->runId;
}

const std::vector<std::string>& RunSaliency::classes() const {
    return loaded_->classes;
}

} // namespace kestrel::review
