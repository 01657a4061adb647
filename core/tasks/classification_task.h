#pragma once

#include "tasks/task.h"

namespace kestrel::tasks {

// Images to one of K classes: any registry architecture, cross-entropy (with label smoothing
// and optional inverse-frequency class weights), accuracy / macro F1 / per-class figures and
// the confusion matrix (ROC AUC for two classes), softmax probabilities out, and per-sample
// probabilities, margin and loss for review.
class ClassificationTask final : public Task {
public:
    TaskKind kind() const override { return TaskKind::Classification; }

    std::vector<std::string> architectures() const override;
    models::ClassifierPtr createModel(const models::ClassifierSpec& spec) const override;

    std::unique_ptr<TaskLoss> createLoss(const LossSettings& settings,
                                         const std::vector<loader::LoaderSample>& train,
                                         int classes, const c10::Device& device) const override;
    double countCorrect(const at::Tensor& outputs, const at::Tensor& targets) const override;

    EvaluationShare evaluateShare(models::Classifier& model, loader::BatchLoader& loader,
                                  const models::ModelInput& input, int classes,
                                  const std::atomic<bool>* stop = nullptr) const override;
    Evaluation summarise(const EvaluationShare& all, int classes) const override;
    std::map<std::string, double> metrics(const Evaluation& evaluation,
                                          const std::vector<std::string>& classes,
                                          const std::string& prefix) const override;
    const std::vector<MonitorMetric>& monitorMetrics() const override;

    ExportHead exportHead() const override;
    at::Tensor applyHead(const at::Tensor& outputs) const override;

    std::vector<SampleScores> sampleScores(const at::Tensor& headOutputs, const at::Tensor& truth,
                                           const at::Tensor& targets) const override;
};

} // namespace kestrel::tasks
