#include "tasks/detection_task.h"

#include "common/error.h"
#include "inspection/detection_confusion.h"
#include "loader/batch_loader.h"
#include "models/classifier.h"
#include "models/fcos_detector.h"
#include "models/model_input.h"
#include "models/model_registry.h"
#include "tasks/detection_losses.h"
#include "tasks/fcos_targets.h"

#include <algorithm>
#include <cmath>

#include <ATen/Functions.h>
#include <ATen/core/grad_mode.h>

namespace kestrel::tasks {

namespace {

// How the detectors' training assigns cells: torchvision's, with thin boxes kept.
constexpr FcosAssignment kAssignment{1.5, true};

// One row of Batch::boxes (M x 5, on the CPU) as the boxes it holds.
std::vector<imaging::ClassBox> rowBoxes(const at::TensorAccessor<float, 2>& row) {
    std::vector<imaging::ClassBox> boxes;
    for (std::int64_t i = 0; i < row.size(0); ++i) {
        if (row[i][0] < 0) {
            continue;
        }
        imaging::ClassBox box;
        box.category = static_cast<int>(row[i][0]);
        box.box = {row[i][1], row[i][2], row[i][3] - row[i][1], row[i][4] - row[i][2]};
        boxes.push_back(box);
    }
    return boxes;
}

// The cells of an input, computed once per size.
struct CellGrid {
    std::vector<FeatureLevel> levels;
    at::Tensor centres;
    at::Tensor strides;

    CellGrid(int width, int height)
        : levels(inspection::featureLevels(width, height, detectorStrides())),
          centres(cellCentres(levels)), strides(cellStrides(levels)) {}

    // Each row's targets for `boxes` (N x M x 5, any device).
    std::vector<FcosTargets> assign(const at::Tensor& boxes) const {
        const at::Tensor cpu = boxes.to(at::kCPU, at::kFloat).contiguous();
        const auto rows = cpu.accessor<float, 3>();
        std::vector<FcosTargets> targets;
        for (std::int64_t row = 0; row < rows.size(0); ++row) {
            targets.push_back(
                assignFcosTargets(rowBoxes(rows[row]), levels, centres, strides, kAssignment));
        }
        return targets;
    }
};

// The raw outputs split as fcosLoss takes them.
FcosLoss lossOf(const at::Tensor& outputs, const std::vector<FcosTargets>& targets,
                const CellGrid& grid) {
    const at::Tensor raw = outputs.to(at::kFloat);
    const std::int64_t classes = raw.size(1) - 5;
    return fcosLoss(raw.narrow(1, 0, classes).transpose(1, 2),
                    raw.narrow(1, classes, 4).transpose(1, 2), raw.select(1, classes + 4), targets,
                    grid.centres, grid.strides);
}

class FcosTaskLoss final : public TaskLoss {
public:
    FcosTaskLoss(int width, int height) : grid_(width, height) {}

    at::Tensor operator()(const at::Tensor& outputs, const at::Tensor& targets) const override {
        checkCells(outputs);
        return lossOf(outputs, grid_.assign(targets), grid_).total();
    }

private:
    void checkCells(const at::Tensor& outputs) const {
        if (outputs.size(2) != grid_.centres.size(0)) {
            throw Error(ErrorKind::InvalidArgument,
                        "The detector gave " + std::to_string(outputs.size(2)) +
                            " cells where its input size places " +
                            std::to_string(grid_.centres.size(0)) + ".");
        }
    }

    CellGrid grid_;
};

// Each row's best box score before non-maximum suppression: the best cell's
// sqrt(sigmoid(class) * sigmoid(centreness)), as decoding scores it. [N] float.
at::Tensor bestCellScores(const at::Tensor& raw) {
    const std::int64_t classes = raw.size(1) - 5;
    if (classes <= 0 || raw.size(2) == 0) {
        return at::zeros({raw.size(0)}, raw.options());
    }
    const at::Tensor best =
        at::sigmoid(raw.narrow(1, 0, classes)).amax(1) * at::sigmoid(raw.select(1, classes + 4));
    return at::sqrt(best.amax(1));
}

inspection::CocoBox cocoBox(const inspection::Detection& box) {
    return {box.x0, box.y0, box.x1 - box.x0, box.y1 - box.y0};
}

} // namespace

std::vector<int> detectorStrides() {
    const auto& strides = models::FcosDetector::strides();
    return {strides.begin(), strides.end()};
}

std::vector<inspection::Detection> decodeDetections(const at::Tensor& raw, int width, int height,
                                                    const inspection::DetectionDecoding& decoding) {
    return inspection::decodeFcos(raw.data_ptr<float>(), static_cast<int>(raw.size(0)) - 5,
                                  inspection::featureLevels(width, height, detectorStrides()),
                                  width, height, decoding);
}

std::vector<std::string> DetectionTask::architectures() const {
    std::vector<std::string> names;
    for (const auto& info : models::detectionArchitectures()) {
        names.push_back(info.name);
    }
    return names;
}

models::ClassifierPtr DetectionTask::createModel(const models::ClassifierSpec& spec) const {
    return models::createDetector(spec);
}

std::unique_ptr<TaskLoss> DetectionTask::createLoss(const LossSettings& settings,
                                                    const std::vector<loader::LoaderSample>&, int,
                                                    const c10::Device&) const {
    if (settings.inputWidth <= 0 || settings.inputHeight <= 0) {
        throw Error(ErrorKind::InvalidArgument, "A detection loss needs the input size, not " +
                                                    std::to_string(settings.inputWidth) + " x " +
                                                    std::to_string(settings.inputHeight) + ".");
    }
    return std::make_unique<FcosTaskLoss>(settings.inputWidth, settings.inputHeight);
}

double DetectionTask::countCorrect(const at::Tensor& outputs, const at::Tensor& targets) const {
    const at::Tensor rejected = bestCellScores(outputs.detach().to(at::kFloat)) >= kLineScore;
    const at::Tensor drawn = (targets.select(2, 0) >= 0).any(1);
    return static_cast<double>(rejected.eq(drawn.to(rejected.device())).sum().item<std::int64_t>());
}

EvaluationShare DetectionTask::evaluateShare(models::Classifier& model, loader::BatchLoader& loader,
                                             const models::ModelInput& input, int classes,
                                             const std::atomic<bool>* stop) const {
    const bool wasTraining = model.is_training();
    model.eval();
    at::NoGradGuard noGradients;

    const imaging::ImageSpec& spec = loader.options().spec;
    const CellGrid grid(spec.width, spec.height);
    EvaluationShare share;

    loader.startEpoch(0);
    while (auto batch = loader.next()) {
        if (stop && stop->load()) {
            loader.stop();
            break;
        }
        const at::Tensor outputs = model.forward(input(batch->images)).to(at::kFloat);
        const std::int64_t rows = outputs.size(0);
        // FCOS's loss is normalised over its batch: a batch mean times the rows, as training
        // reports it (a sharded pass keeps the batches, so the sum stays the same).
        share.lossSum += lossOf(outputs, grid.assign(batch->boxes), grid).total().item<double>() *
                         static_cast<double>(rows);
        const at::Tensor raw = outputs.cpu().contiguous();
        const at::Tensor boxes = batch->boxes.to(at::kFloat).contiguous();
        const auto boxRows = boxes.accessor<float, 3>();
        for (std::int64_t row = 0; row < rows; ++row) {
            const std::size_t sample = batch->indices[static_cast<std::size_t>(row)];
            const auto image = static_cast<std::int64_t>(sample);
            std::vector<inspection::TruthBox> imageTruth;
            for (const imaging::ClassBox& box : rowBoxes(boxRows[row])) {
                imageTruth.push_back(
                    {image, box.category, {box.box.x, box.box.y, box.box.width, box.box.height}});
            }
            std::vector<inspection::DetectedBox> imageDetected;
            double best = 0.0;
            for (const inspection::Detection& found :
                 decodeDetections(raw[row], spec.width, spec.height, kEvaluationDecoding)) {
                imageDetected.push_back({image, found.category, cocoBox(found), found.score});
                best = std::max(best, found.score);
            }
            const inspection::DetectionConfusion own = inspection::detectionConfusion(
                imageTruth, imageDetected, classes, {kLineScore, 0.5});
            const bool drawn = !imageTruth.empty();
            const bool rejected = best >= kLineScore;
            share.predictions.push_back({sample, drawn ? 1 : 0, rejected ? 1 : 0,
                                         static_cast<float>(rejected ? best : 1.0 - best),
                                         own.counts});
            share.truthBoxes.insert(share.truthBoxes.end(), imageTruth.begin(), imageTruth.end());
            share.detectedBoxes.insert(share.detectedBoxes.end(), imageDetected.begin(),
                                       imageDetected.end());
        }
        share.seen += rows;
    }
    model.train(wasTraining);
    return share;
}

Evaluation DetectionTask::summarise(const EvaluationShare& all, int classes) const {
    Evaluation evaluation;
    std::vector<int> categories(static_cast<std::size_t>(classes));
    for (int c = 0; c < classes; ++c) {
        categories[static_cast<std::size_t>(c)] = c;
    }
    evaluation.coco = inspection::evaluateCoco(all.truthBoxes, all.detectedBoxes, categories);
    const inspection::DetectionConfusion confusion = inspection::detectionConfusion(
        all.truthBoxes, all.detectedBoxes, classes, {kLineScore, 0.5});
    evaluation.confusion = ConfusionMatrix(classes + 1);
    for (int t = 0; t <= classes; ++t) {
        for (int p = 0; p <= classes; ++p) {
            evaluation.confusion.add(t, p, confusion.count(t, p));
        }
    }
    // Each image's verdict, drawn (truth 1) against rejected (predicted 1).
    inspection::InspectionRates verdicts;
    for (const Prediction& prediction : all.predictions) {
        const bool drawn = prediction.truth == 1;
        const bool rejected = prediction.predicted == 1;
        verdicts.defects += drawn ? 1 : 0;
        verdicts.goods += drawn ? 0 : 1;
        verdicts.escapes += drawn && !rejected ? 1 : 0;
        verdicts.falseRejects += !drawn && rejected ? 1 : 0;
    }
    evaluation.verdicts = verdicts;
    evaluation.loss = all.seen ? all.lossSum / static_cast<double>(all.seen) : 0.0;
    return evaluation;
}

std::map<std::string, double> DetectionTask::metrics(const Evaluation& evaluation,
                                                     const std::vector<std::string>& classes,
                                                     const std::string& prefix) const {
    std::map<std::string, double> metrics;
    metrics[prefix + "loss"] = evaluation.loss;
    // "accuracy": the share of images whose verdict is right, as train_accuracy counts it,
    // so the curves and columns every task shows mean the same for both.
    if (evaluation.verdicts) {
        const inspection::InspectionRates& v = *evaluation.verdicts;
        const std::int64_t images = v.defects + v.goods;
        metrics[prefix + "accuracy"] =
            images ? static_cast<double>(images - v.escapes - v.falseRejects) /
                         static_cast<double>(images)
                   : 0.0;
    }
    if (!evaluation.coco) {
        return metrics;
    }
    const inspection::CocoEvaluation& coco = *evaluation.coco;
    metrics[prefix + "map50_95"] = coco.map.value_or(0.0);
    metrics[prefix + "map50"] = coco.map50.value_or(0.0);
    metrics[prefix + "map75"] = coco.map75.value_or(0.0);
    for (const auto& category : coco.categories) {
        if (category.ap && category.category >= 0 &&
            category.category < static_cast<int>(classes.size())) {
            const std::string& name = classes[static_cast<std::size_t>(category.category)];
            metrics[prefix + "ap/" + name] = *category.ap;
            metrics[prefix + "ap50/" + name] = category.ap50.value_or(0.0);
        }
    }
    return metrics;
}

const std::vector<MonitorMetric>& DetectionTask::monitorMetrics() const {
    static const std::vector<MonitorMetric> monitors = {
        {"val_map50_95", true}, {"val_map50", true}, {"val_loss", false}};
    return monitors;
}

ExportHead DetectionTask::exportHead() const {
    return {ExportHead::Activation::None, "raw",
            "raw FCOS outputs, N x (K + 5) x cells: class logits, left/top/right/bottom "
            "distances in strides, the centreness logit"};
}

std::vector<SampleScores> DetectionTask::sampleScores(const at::Tensor& headOutputs,
                                                      const at::Tensor& truth,
                                                      const at::Tensor&) const {
    const at::Tensor best = bestCellScores(headOutputs).contiguous();
    const auto ng = best.accessor<float, 1>();
    const auto label = truth.accessor<std::int64_t, 1>();
    std::vector<SampleScores> scores;
    for (std::int64_t row = 0; row < best.size(0); ++row) {
        SampleScores score = verdictScores(ng[row], label[row], static_cast<float>(kLineScore));
        score.loss = 1.0F - score.truthProbability;
        scores.push_back(std::move(score));
    }
    return scores;
}

} // namespace kestrel::tasks
