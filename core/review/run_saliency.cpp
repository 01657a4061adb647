#include "review/run_saliency.h"

#include "anomaly/anomaly_explain.h"
#include "anomaly/anomaly_model.h"
#include "anomaly/anomaly_session.h"
#include "common/error.h"
#include "common/task_kind.h"
#include "imaging/decode.h"
#include "infer/batched_inference.h"
#include "infer/eager_forward.h"
#include "inspection/area_verdict.h"
#include "models/classifier.h"
#include "project/project.h"
#include "runs/trained_run.h"
#include "store/run_repository.h"

#include <string>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

namespace kestrel::review {

struct RunSaliency::Loaded {
    std::int64_t runId = 0;
    infer::ModelMetadata input;
    std::vector<std::string> classes;
    models::ClassifierPtr model;
    std::shared_ptr<anomaly::AnomalyModel> anomaly; // set for an anomaly run, instead of model
};

namespace {

// A segmentation run's model on one image file: the defect probability (1 - P(background))
// and each class's area by argmax, both at the file's size, and the verdict by the run's
// minimum areas. Decoded as the run's loaders decode (stretched or padded to its input size),
// and cut back to the image's area before the probabilities are brought to the file's size.
infer::Saliency explainSegmentation(models::Classifier& model, const infer::ModelMetadata& input,
                                    const std::filesystem::path& image) {
    const imaging::ImageSpec spec = infer::inputSpec(input);
    const infer::EagerOutput logits = infer::runEagerOnFile(model, input, spec, image);
    const torch::Tensor probabilities = torch::softmax(logits.output, 1)[0].contiguous();

    const int classes = static_cast<int>(probabilities.size(0));
    const cv::Size file = logits.fileSize;
    const cv::Rect area = imaging::conformedArea(file, spec);
    const auto plane = static_cast<std::size_t>(spec.width) * spec.height;
    cv::Mat best(file, CV_32F, cv::Scalar(-1));
    cv::Mat winner(file, CV_8U, cv::Scalar(0));
    infer::Saliency saliency;
    for (int c = 0; c < classes; ++c) {
        const cv::Mat probability(spec.height, spec.width, CV_32F,
                                  probabilities.data_ptr<float>() + c * plane);
        cv::Mat resized;
        cv::resize(probability(area), resized, file, 0, 0, cv::INTER_LINEAR);
        if (c == 0) {
            cv::Mat defect = 1.0 - resized;
            cv::min(cv::max(defect, 0.0), 1.0, saliency.heat);
        }
        const cv::Mat better = resized > best;
        resized.copyTo(best, better);
        winner.setTo(c, better);
    }
    std::vector<double> areas(static_cast<std::size_t>(classes), 0.0);
    const double total = std::max(1.0, static_cast<double>(file.area()));
    saliency.probabilities.assign(static_cast<std::size_t>(classes), 0.0f);
    for (int c = 0; c < classes; ++c) {
        const auto index = static_cast<std::size_t>(c);
        areas[index] = static_cast<double>(cv::countNonZero(winner == c));
        saliency.probabilities[index] = static_cast<float>(areas[index] / total);
        if (c > 0 && areas[index] > 0 && saliency.probabilities[index] > saliency.confidence) {
            saliency.confidence = saliency.probabilities[index];
            saliency.target = c;
        }
    }
    inspection::AreaRule rule;
    if (input.segmentation) {
        rule.minimumPixels = input.segmentation->minimumAreaPixels;
    }
    saliency.predicted = inspection::isDefective(areas, rule) ? 1 : 0;
    return saliency;
}

} // namespace

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
    if (!loaded_->anomaly && loaded_->input.task == TaskKind::Segmentation) {
        return explainSegmentation(*loaded_->model, loaded_->input, image);
    }
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

infer::DetectionPrediction RunSaliency::detect(const std::filesystem::path& image,
                                               double minScore) {
    if (!isDetection()) {
        throw Error(ErrorKind::InvalidArgument,
                    "Run #" + std::to_string(loaded_->runId) + " is not a detector.");
    }
    return infer::detectInImage(*loaded_->model, loaded_->input, image, minScore);
}

std::int64_t RunSaliency::runId() const {
    return loaded_->runId;
}

bool RunSaliency::isAnomaly() const {
    return loaded_->anomaly != nullptr;
}

bool RunSaliency::isSegmentation() const {
    return !loaded_->anomaly && loaded_->input.task == TaskKind::Segmentation;
}

bool RunSaliency::isDetection() const {
    return !loaded_->anomaly && loaded_->input.task == TaskKind::Detection;
}

double RunSaliency::lineScore() const {
    return isDetection() && loaded_->input.detection ? loaded_->input.detection->lineScore : 0.0;
}

const std::vector<std::string>& RunSaliency::classes() const {
    return loaded_->classes;
}

} // namespace kestrel::review
