#include "tasks/segmentation_task.h"

#include "annotations/rle.h"
#include "imaging/decode.h"
#include "loader/batch_loader.h"
#include "models/classifier.h"
#include "models/model_input.h"
#include "models/model_registry.h"
#include "tasks/class_weights.h"
#include "tasks/segmentation_metrics.h"

#include <algorithm>
#include <cmath>

#include <ATen/Functions.h>
#include <ATen/core/grad_mode.h>
#include <torch/nn/functional/loss.h>

namespace kestrel::tasks {

namespace {

class CrossEntropyDice final : public TaskLoss {
public:
    explicit CrossEntropyDice(torch::nn::functional::CrossEntropyFuncOptions options)
        : options_(std::move(options)) {}

    at::Tensor operator()(const at::Tensor& outputs, const at::Tensor& targets) const override {
        // The Dice term in float32 even under autocast: its sums run over every pixel.
        const at::Tensor logits = outputs.to(at::kFloat);
        return torch::nn::functional::cross_entropy(logits, targets, options_) +
               softDiceLoss(torch::softmax(logits, 1), targets);
    }

private:
    torch::nn::functional::CrossEntropyFuncOptions options_;
};

// A polygon's area by the shoelace formula; close enough for loss weights.
double polygonArea(const std::vector<annotations::Point>& points) {
    double twice = 0;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const auto& a = points[i];
        const auto& b = points[(i + 1) % points.size()];
        twice += a.x * b.y - b.x * a.y;
    }
    return std::abs(twice) / 2;
}

// Each class's pixels over the training images, from the regions (no decoding).
std::vector<std::int64_t> pixelCounts(const std::vector<loader::LoaderSample>& samples,
                                      std::size_t classes) {
    std::vector<double> areas(classes, 0.0);
    for (const auto& sample : samples) {
        double defects = 0;
        for (const auto& region : sample.regions) {
            const double area = region.shape.kind == annotations::ShapeKind::Mask
                                    ? static_cast<double>(annotations::maskArea(region.shape.mask))
                                    : polygonArea(region.shape.points);
            if (static_cast<std::size_t>(region.value) < classes) {
                areas[static_cast<std::size_t>(region.value)] += area;
            }
            defects += area;
        }
        areas[0] +=
            std::max(0.0, static_cast<double>(sample.imageWidth) * sample.imageHeight - defects);
    }
    std::vector<std::int64_t> counts;
    for (const double area : areas) {
        counts.push_back(static_cast<std::int64_t>(std::llround(area)));
    }
    return counts;
}

// Image pixels per model pixel for a sample: the loader stretches, letterboxes or pads the file.
double areaScale(const loader::LoaderSample& sample, const imaging::ImageSpec& spec) {
    if (sample.imageWidth <= 0 || sample.imageHeight <= 0) {
        return 1.0;
    }
    const cv::Rect area = imaging::conformedArea({sample.imageWidth, sample.imageHeight}, spec);
    return static_cast<double>(sample.imageWidth) / area.width *
           (static_cast<double>(sample.imageHeight) / area.height);
}

// Each image's mean IoU over the defect classes in its truth or its prediction (1 when it
// has neither: nothing to find and nothing found), from `predicted` and `truth` (N x H x W
// class indexes of the same size). Truth of another size (not a mask) gives zeros.
at::Tensor imageIous(const at::Tensor& predicted, const at::Tensor& truth, std::int64_t classes) {
    const std::int64_t rows = predicted.size(0);
    if (truth.dim() != 3 || truth.sizes() != predicted.sizes()) {
        return torch::zeros({rows});
    }
    const at::Tensor flatPredicted = predicted.flatten(1);
    const at::Tensor flatTruth = truth.to(predicted.device()).flatten(1);
    at::Tensor sum = torch::zeros({rows});
    at::Tensor counted = torch::zeros({rows});
    for (std::int64_t c = 1; c < classes; ++c) {
        const at::Tensor isPredicted = flatPredicted == c;
        const at::Tensor isTrue = flatTruth == c;
        const at::Tensor overlap = (isPredicted & isTrue).sum(1).to(torch::kFloat);
        const at::Tensor either = (isPredicted | isTrue).sum(1).to(torch::kFloat);
        const at::Tensor present = either > 0;
        sum += torch::where(present, overlap / either.clamp_min(1), torch::zeros_like(overlap));
        counted += present.to(torch::kFloat);
    }
    return torch::where(counted > 0, sum / counted.clamp_min(1), torch::ones_like(sum))
        .contiguous();
}

} // namespace

at::Tensor softDiceLoss(const at::Tensor& probabilities, const at::Tensor& targets) {
    const std::int64_t classes = probabilities.size(1);
    if (classes < 2) {
        return probabilities.sum() * 0;
    }
    const at::Tensor oneHot =
        at::one_hot(targets, classes).permute({0, 3, 1, 2}).to(probabilities.dtype());
    const at::Tensor p = probabilities.narrow(1, 1, classes - 1);
    const at::Tensor y = oneHot.narrow(1, 1, classes - 1);
    const std::vector<std::int64_t> dims = {0, 2, 3};
    const at::Tensor overlap = (p * y).sum(dims);
    const at::Tensor dice = (2 * overlap + 1) / (p.sum(dims) + y.sum(dims) + 1);
    return 1 - dice.mean();
}

std::vector<std::string> SegmentationTask::architectures() const {
    std::vector<std::string> names;
    for (const auto& info : models::segmentationArchitectures()) {
        names.push_back(info.name);
    }
    return names;
}

models::ClassifierPtr SegmentationTask::createModel(const models::ClassifierSpec& spec) const {
    return models::createSegmenter(spec);
}

std::unique_ptr<TaskLoss>
SegmentationTask::createLoss(const LossSettings& settings,
                             const std::vector<loader::LoaderSample>& train, int classes,
                             const c10::Device& device) const {
    // Label smoothing is left out: it would teach every background pixel a little defect.
    auto options = torch::nn::functional::CrossEntropyFuncOptions();
    if (settings.classWeights) {
        const auto weights =
            inverseFrequencyWeights(pixelCounts(train, static_cast<std::size_t>(classes)));
        options.weight(
            torch::tensor(std::vector<float>(weights.begin(), weights.end())).to(device));
    }
    return std::make_unique<CrossEntropyDice>(std::move(options));
}

double SegmentationTask::countCorrect(const at::Tensor& outputs, const at::Tensor& targets) const {
    const double pixels = static_cast<double>(targets.numel());
    if (pixels == 0) {
        return 0;
    }
    const double right =
        static_cast<double>(outputs.argmax(1).eq(targets).sum().item<std::int64_t>());
    return right / pixels * static_cast<double>(targets.size(0));
}

EvaluationShare SegmentationTask::evaluateShare(models::Classifier& model,
                                                loader::BatchLoader& loader,
                                                const models::ModelInput& input, int classes,
                                                const std::atomic<bool>* stop) const {
    const bool wasTraining = model.is_training();
    model.eval();
    at::NoGradGuard noGradients;

    EvaluationShare share;
    const imaging::ImageSpec& spec = loader.options().spec;

    loader.startEpoch(0);
    while (auto batch = loader.next()) {
        if (stop && stop->load()) {
            loader.stop();
            break;
        }
        const torch::Tensor logits = model.forward(input(batch->images)).to(torch::kFloat);
        const torch::Tensor truth = batch->masks.to(logits.device());
        const std::int64_t rows = logits.size(0);
        // Per image: cross-entropy's mean over pixels, summed over the batch.
        share.lossSum +=
            torch::nn::functional::cross_entropy(
                logits, truth,
                torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kMean))
                .item<double>() *
            static_cast<double>(rows);
        const torch::Tensor probabilities = applyHead(logits);
        const torch::Tensor predicted = probabilities.argmax(1);
        const torch::Tensor defectProbability =
            (1 - probabilities.select(1, 0)).flatten(1).amax(1).cpu();
        // One bincount per batch gives each row's pixel matrix and class areas.
        const torch::Tensor pairs = (truth * classes + predicted).flatten(1);
        const torch::Tensor perRow =
            torch::zeros({rows, static_cast<std::int64_t>(classes) * classes},
                         torch::TensorOptions().dtype(torch::kLong).device(logits.device()))
                .scatter_add_(1, pairs, torch::ones_like(pairs))
                .cpu();
        const auto counts = perRow.accessor<std::int64_t, 2>();
        const auto maxDefect = defectProbability.accessor<float, 1>();
        for (std::int64_t row = 0; row < rows; ++row) {
            const std::size_t sample = batch->indices[static_cast<std::size_t>(row)];
            const double scale = areaScale(loader.samples()[sample], spec);
            inspection::ImageAreas areas;
            areas.truth.assign(static_cast<std::size_t>(classes), 0.0);
            areas.predicted.assign(static_cast<std::size_t>(classes), 0.0);
            for (int t = 0; t < classes; ++t) {
                for (int p = 0; p < classes; ++p) {
                    const std::int64_t n = counts[row][t * classes + p];
                    areas.truth[static_cast<std::size_t>(t)] += static_cast<double>(n) * scale;
                    areas.predicted[static_cast<std::size_t>(p)] += static_cast<double>(n) * scale;
                }
            }
            std::vector<std::int64_t> pixels(static_cast<std::size_t>(classes) * classes);
            for (std::size_t cell = 0; cell < pixels.size(); ++cell) {
                pixels[cell] = counts[row][static_cast<std::int64_t>(cell)];
            }
            const bool drawn = std::any_of(areas.truth.begin() + 1, areas.truth.end(),
                                           [](double area) { return area > 0; });
            const bool rejected = inspection::isDefective(areas.predicted, {});
            share.predictions.push_back({sample, drawn ? 1 : 0, rejected ? 1 : 0,
                                         rejected ? maxDefect[row] : 1.0f - maxDefect[row],
                                         std::move(pixels)});
            share.areas.push_back(std::move(areas));
        }
        share.seen += rows;
    }
    model.train(wasTraining);
    return share;
}

Evaluation SegmentationTask::summarise(const EvaluationShare& all, int classes) const {
    Evaluation evaluation;
    evaluation.confusion = ConfusionMatrix(classes);
    // The pixel matrix is the sum of the images' own.
    for (const Prediction& prediction : all.predictions) {
        for (int t = 0; t < classes; ++t) {
            for (int p = 0; p < classes; ++p) {
                evaluation.confusion.add(
                    t, p, prediction.pixels[static_cast<std::size_t>(t * classes + p)]);
            }
        }
    }
    evaluation.loss = all.seen ? all.lossSum / static_cast<double>(all.seen) : 0.0;
    return evaluation;
}

std::map<std::string, double> SegmentationTask::metrics(const Evaluation& evaluation,
                                                        const std::vector<std::string>& classes,
                                                        const std::string& prefix) const {
    std::map<std::string, double> metrics;
    metrics[prefix + "loss"] = evaluation.loss;
    // "accuracy" is the share of right pixels, so the curves every task draws have a value.
    metrics[prefix + "accuracy"] = evaluation.confusion.accuracy();
    metrics[prefix + "miou"] = meanDefectIou(evaluation.confusion).value_or(0.0);
    for (int c = 1; c < evaluation.confusion.classes() && c < static_cast<int>(classes.size());
         ++c) {
        const PixelClassFigures figures = pixelClassFigures(evaluation.confusion, c);
        if (figures.iou) {
            const std::string& name = classes[static_cast<std::size_t>(c)];
            metrics[prefix + "iou/" + name] = *figures.iou;
            metrics[prefix + "dice/" + name] = *figures.dice;
        }
    }
    return metrics;
}

const std::vector<MonitorMetric>& SegmentationTask::monitorMetrics() const {
    static const std::vector<MonitorMetric> monitors = {
        {"val_miou", true}, {"val_loss", false}, {"val_accuracy", true}};
    return monitors;
}

ExportHead SegmentationTask::exportHead() const {
    return {ExportHead::Activation::Softmax, "probabilities",
            "per-pixel class probabilities, N x K x H x W, class 0 the background"};
}

at::Tensor SegmentationTask::applyHead(const at::Tensor& outputs) const {
    return torch::softmax(outputs, 1);
}

std::vector<SampleScores> SegmentationTask::sampleScores(const at::Tensor& headOutputs,
                                                         const at::Tensor& truth,
                                                         const at::Tensor& targets) const {
    const at::Tensor defect = (1 - headOutputs.select(1, 0)).flatten(1).amax(1).contiguous();
    const at::Tensor ious = imageIous(headOutputs.argmax(1), targets, headOutputs.size(1));
    const auto iou = ious.accessor<float, 1>();
    const auto ng = defect.accessor<float, 1>();
    const auto label = truth.accessor<std::int64_t, 1>();
    std::vector<SampleScores> scores;
    for (std::int64_t row = 0; row < defect.size(0); ++row) {
        SampleScores score = verdictScores(ng[row], label[row], 0.5F);
        // Review sorts by loss, worst first: the image whose defects the model drew worst.
        score.loss = 1.0f - iou[row];
        scores.push_back(std::move(score));
    }
    return scores;
}

} // namespace kestrel::tasks
