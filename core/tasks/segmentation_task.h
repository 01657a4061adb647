#pragma once

#include "tasks/task.h"

namespace kestrel::tasks {

// Every pixel to one of K classes, class 0 the background: the segmentation architectures
// (per-pixel logits at the input's size), cross-entropy plus soft Dice over the defect
// classes (defect pixels are rare: Dice weighs a class by its own pixels, not by the image's),
// the pixel confusion matrix with per-class IoU and Dice and their mean over the defect
// classes, each image's class areas for the line's verdict, softmax probabilities per pixel
// out, and per-image review scores from the most defective pixel.
class SegmentationTask final : public Task {
public:
    TaskKind kind() const override { return TaskKind::Segmentation; }

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

    // Per image (rows of N x K x H x W probabilities): P(NG) is the most defective pixel's
    // 1 - P(background); probabilities are {P(OK), P(NG)} against the truth's verdict.
    std::vector<SampleScores> sampleScores(const at::Tensor& headOutputs, const at::Tensor& truth,
                                           const at::Tensor& targets) const override;
};

// The soft Dice loss over classes 1..K-1 of `probabilities` (N x K x H x W) against
// `targets` (N x H x W class indexes): 1 - the mean over those classes of
// (2 sum(p y) + 1) / (sum(p) + sum(y) + 1), sums over the whole batch.
at::Tensor softDiceLoss(const at::Tensor& probabilities, const at::Tensor& targets);

} // namespace kestrel::tasks
