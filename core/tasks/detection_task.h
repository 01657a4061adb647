#pragma once

#include "inspection/fcos_decoding.h"
#include "tasks/task.h"

#include <vector>

namespace kestrel::tasks {

// A box around each defect, class by class (no background class: a box is a defect): the
// FCOS detectors (raw outputs N x (K + 5) x cells), FCOS's loss (focal classification, GIoU
// boxes, centreness) with thin-box assignment, COCO's box AP (mAP@[.50:.95], mAP50, per
// class) and the detection confusion matrix with a background row and column, the raw
// outputs out (decoding and NMS in whoever reads them), and per-image review scores from the
// best box.
class DetectionTask final : public Task {
public:
    TaskKind kind() const override { return TaskKind::Detection; }

    std::vector<std::string> architectures() const override;
    models::ClassifierPtr createModel(const models::ClassifierSpec& spec) const override;

    // `settings` must give the input size: it places the cells.
    std::unique_ptr<TaskLoss> createLoss(const LossSettings& settings,
                                         const std::vector<loader::LoaderSample>& train,
                                         int classes, const c10::Device& device) const override;
    // The images whose verdict is right: NG when a cell scores kLineScore or more, as decoding
    // scores it, against NG when a box is drawn.
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
    at::Tensor applyHead(const at::Tensor& outputs) const override { return outputs; }

    // Per image (rows of raw outputs): P(NG) is the best box's score; probabilities are
    // {P(OK), P(NG)} against the truth's verdict, and the loss is 1 - P(truth).
    std::vector<SampleScores> sampleScores(const at::Tensor& headOutputs, const at::Tensor& truth,
                                           const at::Tensor& targets) const override;
};

// The detectors' level strides, finest first (models::FcosDetector::strides()).
std::vector<int> detectorStrides();

// How evaluation and review decode boxes.
inline constexpr inspection::DetectionDecoding kEvaluationDecoding{};
// The score a box needs to be shown to the line and counted in the detection confusion
// matrix and the verdict (inspection::DetectionMatching's).
inline constexpr double kLineScore = 0.25;

// One image's raw outputs ((K + 5) x cells, float32 on the CPU, contiguous) decoded for a
// `width` x `height` input.
std::vector<inspection::Detection> decodeDetections(const at::Tensor& raw, int width, int height,
                                                    const inspection::DetectionDecoding& decoding);

} // namespace kestrel::tasks
