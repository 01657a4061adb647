#include "tasks/classification_task.h"

#include "loader/batch_loader.h"
#include "models/classifier.h"
#include "models/model_input.h"
#include "models/model_registry.h"
#include "tasks/class_weights.h"

#include <algorithm>
#include <cmath>

#include <ATen/core/grad_mode.h>
#include <torch/nn/functional/loss.h>

namespace kestrel::tasks {

namespace {

class CrossEntropy final : public TaskLoss {
public:
    explicit CrossEntropy(torch::nn::functional::CrossEntropyFuncOptions options)
        : options_(std::move(options)) {}

    at::Tensor operator()(const at::Tensor& outputs, const at::Tensor& targets) const override {
        return torch::nn::functional::cross_entropy(outputs, targets, options_);
    }

private:
    torch::nn::functional::CrossEntropyFuncOptions options_;
};

std::vector<std::int64_t> classCounts(const std::vector<loader::LoaderSample>& samples,
                                      std::size_t classes) {
    std::vector<std::int64_t> counts(classes, 0);
    for (const auto& sample : samples) {
        ++counts.at(static_cast<std::size_t>(sample.label));
    }
    return counts;
}

SampleScores scoresFrom(const float* probability, std::int64_t classes, std::int64_t truth) {
    SampleScores scores;
    scores.truth = truth;
    scores.probabilities.assign(probability, probability + classes);
    float top = -1;
    float second = 0;
    for (std::int64_t c = 0; c < classes; ++c) {
        const float p = probability[c];
        if (p > top) {
            second = std::max(top, 0.0f);
            top = p;
            scores.predicted = c;
        } else if (p > second) {
            second = p;
        }
    }
    scores.confidence = top;
    scores.margin = classes > 1 ? top - second : top;
    scores.truthProbability = truth >= 0 && truth < classes ? probability[truth] : 0.0f;
    // Clamped so that a probability rounded to 0 gives a large but finite loss.
    scores.loss = -std::log(std::max(scores.truthProbability, 1e-12f));
    return scores;
}

} // namespace

std::vector<std::string> ClassificationTask::architectures() const {
    std::vector<std::string> names;
    for (const auto& info : models::architectures()) {
        names.push_back(info.name);
    }
    return names;
}

models::ClassifierPtr ClassificationTask::createModel(const models::ClassifierSpec& spec) const {
    return models::createClassifier(spec);
}

std::unique_ptr<TaskLoss>
ClassificationTask::createLoss(const LossSettings& settings,
                               const std::vector<loader::LoaderSample>& train, int classes,
                               const c10::Device& device) const {
    auto options =
        torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(settings.labelSmoothing);
    if (settings.classWeights) {
        const auto weights =
            inverseFrequencyWeights(classCounts(train, static_cast<std::size_t>(classes)));
        options.weight(
            torch::tensor(std::vector<float>(weights.begin(), weights.end())).to(device));
    }
    return std::make_unique<CrossEntropy>(std::move(options));
}

double ClassificationTask::countCorrect(const at::Tensor& outputs,
                                        const at::Tensor& targets) const {
    return static_cast<double>(outputs.argmax(1).eq(targets).sum().item<std::int64_t>());
}

EvaluationShare ClassificationTask::evaluateShare(models::Classifier& model,
                                                  loader::BatchLoader& loader,
                                                  const models::ModelInput& input, int classes,
                                                  const std::atomic<bool>* stop) const {
    const bool wasTraining = model.is_training();
    model.eval();
    at::NoGradGuard noGradients;

    EvaluationShare share;
    loader.startEpoch(0);
    while (auto batch = loader.next()) {
        if (stop && stop->load()) {
            loader.stop();
            break;
        }
        const torch::Tensor logits = model.forward(input(batch->images)).to(torch::kFloat);
        const torch::Tensor labels = batch->labels.to(logits.device());
        share.lossSum +=
            torch::nn::functional::cross_entropy(
                logits, labels,
                torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                .item<double>();
        const torch::Tensor probabilities = applyHead(logits).cpu();
        const auto [confidence, predicted] = probabilities.max(1);
        const auto truth = batch->labels.accessor<std::int64_t, 1>();
        const auto predictedClass = predicted.accessor<std::int64_t, 1>();
        const auto confidenceOf = confidence.accessor<float, 1>();
        const auto probability = probabilities.accessor<float, 2>();
        for (std::int64_t row = 0; row < truth.size(0); ++row) {
            share.predictions.push_back({batch->indices[static_cast<std::size_t>(row)],
                                         truth[row],
                                         predictedClass[row],
                                         confidenceOf[row],
                                         {}});
            if (classes == 2) {
                share.positiveScores.push_back(probability[row][1]);
            }
        }
        share.seen += truth.size(0);
    }
    model.train(wasTraining);
    return share;
}

Evaluation ClassificationTask::summarise(const EvaluationShare& all, int classes) const {
    Evaluation evaluation;
    evaluation.confusion = ConfusionMatrix(classes);
    std::vector<bool> positive;
    for (const Prediction& prediction : all.predictions) {
        evaluation.confusion.add(prediction.truth, prediction.predicted);
        positive.push_back(prediction.truth == 1);
    }
    evaluation.loss = all.seen ? all.lossSum / static_cast<double>(all.seen) : 0.0;
    if (classes == 2) {
        evaluation.rocAuc = rocAuc(all.positiveScores, positive);
    }
    return evaluation;
}

std::map<std::string, double> ClassificationTask::metrics(const Evaluation& evaluation,
                                                          const std::vector<std::string>& classes,
                                                          const std::string& prefix) const {
    std::map<std::string, double> metrics;
    metrics[prefix + "loss"] = evaluation.loss;
    metrics[prefix + "accuracy"] = evaluation.confusion.accuracy();
    metrics[prefix + "macro_f1"] = evaluation.confusion.macroF1();
    for (int c = 0; c < evaluation.confusion.classes() && c < static_cast<int>(classes.size());
         ++c) {
        const ClassMetrics figures = evaluation.confusion.classMetrics(c);
        const std::string& name = classes[static_cast<std::size_t>(c)];
        metrics[prefix + "precision/" + name] = figures.precision;
        metrics[prefix + "recall/" + name] = figures.recall;
        metrics[prefix + "f1/" + name] = figures.f1;
    }
    if (evaluation.rocAuc) {
        metrics[prefix + "roc_auc"] = *evaluation.rocAuc;
    }
    return metrics;
}

const std::vector<MonitorMetric>& ClassificationTask::monitorMetrics() const {
    static const std::vector<MonitorMetric> monitors = {
        {"val_accuracy", true}, {"val_loss", false}, {"val_macro_f1", true}};
    return monitors;
}

ExportHead ClassificationTask::exportHead() const {
    return {ExportHead::Activation::Softmax, "probabilities", "class probabilities"};
}

at::Tensor ClassificationTask::applyHead(const at::Tensor& outputs) const {
    return torch::softmax(outputs, 1);
}

std::vector<SampleScores> ClassificationTask::sampleScores(const at::Tensor& headOutputs,
                                                           const at::Tensor& truth,
                                                           const at::Tensor& /*targets*/) const {
    const std::int64_t rows = headOutputs.size(0);
    const std::int64_t classes = headOutputs.size(1);
    const float* probability = headOutputs.data_ptr<float>();
    const auto label = truth.accessor<std::int64_t, 1>();
    std::vector<SampleScores> scores;
    scores.reserve(static_cast<std::size_t>(rows));
    for (std::int64_t row = 0; row < rows; ++row) {
        scores.push_back(scoresFrom(probability + row * classes, classes, label[row]));
    }
    return scores;
}

} // namespace kestrel::tasks
