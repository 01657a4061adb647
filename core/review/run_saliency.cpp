#include "review/run_saliency.h"

#include "anomaly/anomaly_explain.h"
#include "anomaly/anomaly_model.h"
#include "anomaly/anomaly_session.h"
#include "common/task_kind.h"
#include "project/project.h"
#include "runs/trained_run.h"
#include "store/run_repository.h"

#include <opencv2/core.hpp>

namespace kestrel::review {

struct RunSaliency::Loaded {
    std::int64_t runId = 0;
    infer::ModelMetadata input;
    std::vector<std::string> classes;
    models::ClassifierPtr model;
    std::shared_ptr<anomaly::AnomalyModel> anomaly; // set for an anomaly run, instead of model
};

RunSaliency::RunSaliency(Project& project, std::int64_t runId) {
    const auto task = store::RunRepository(project.database()).get(runId).task;
    if (task == toString(TaskKind::Anomaly)) {
        anomaly::FittedAnomalyRun fitted = anomaly::loadAnomalyRun(project, runId);
        loaded_ = std::make_unique<Loaded>();
        loaded_->runId = runId;
        loaded_->classes = {"good", "defect"};
        loaded_->anomaly = std::move(fitted.model);
        return;
    }
    runs::TrainedRun trained = runs::loadTrainedRun(project, runId);
    loaded_ = std::make_unique<Loaded>(Loaded{runId, runs::modelMetadata(trained),
                                              std::move(trained.data.data.classes),
                                              std::move(trained.model), nullptr});
}

RunSaliency::~RunSaliency() = default;
RunSaliency::RunSaliency(RunSaliency&&) noexcept = default;
RunSaliency& RunSaliency::operator=(RunSaliency&&) noexcept = default;

infer::Saliency RunSaliency::explain(const std::filesystem::path& image,
                                     std::optional<std::int64_t> targetClass) {
    if (!loaded_->anomaly) {
        return infer::saliencyForImage(*loaded_->model, loaded_->input, image, targetClass);
    }
    const anomaly::AnomalyExplanation explained = anomaly::explainImage(*loaded_->anomaly, image);
    infer::Saliency saliency;
    cv::min(cv::max(explained.map, 0.0), 1.0, saliency.heat);
    saliency.predicted = explained.defect ? 1 : 0;
    saliency.confidence = explained.score;
    saliency.target = 1;
    saliency.probabilities = {1.0f - explained.score, explained.score};
    return saliency;
}

std::int64_t RunSaliency::runId() const {
    return loaded_->runId;
}

bool RunSaliency::isAnomaly() const {
    return loaded_->anomaly != nullptr;
}

const std::vector<std::string>& RunSaliency::classes() const {
    return loaded_->classes;
}

} // namespace kestrel::review
