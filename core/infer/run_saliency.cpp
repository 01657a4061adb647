#include "infer/run_saliency.h"

#include "train/trained_run.h"

namespace kestrel::infer {

struct RunSaliency::Loaded {
    std::int64_t runId = 0;
    train::TrainOptions options;
    std::vector<std::string> classes;
    models::ClassifierPtr model;
};

RunSaliency::RunSaliency(Project& project, std::int64_t runId) {
    train::TrainedRun trained = train::loadTrainedRun(project, runId);
    loaded_ = std::make_unique<Loaded>(Loaded{runId, std::move(trained.options),
                                              std::move(trained.data.data.classes),
                                              std::move(trained.model)});
}

RunSaliency::~RunSaliency() = default;
RunSaliency::RunSaliency(RunSaliency&&) noexcept = default;
RunSaliency& RunSaliency::operator=(RunSaliency&&) noexcept = default;

Saliency RunSaliency::explain(const std::filesystem::path& image,
                              std::optional<std::int64_t> targetClass) {
    return saliencyForImage(*loaded_->model, loaded_->options, image, targetClass);
}

std::int64_t RunSaliency::runId() const {
    return loaded_->runId;
}

const std::vector<std::string>& RunSaliency::classes() const {
    return loaded_->classes;
}

} // namespace kestrel::infer
