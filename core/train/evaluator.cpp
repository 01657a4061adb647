#include "train/evaluator.h"

#include "loader/batch_loader.h"
#include "models/classifier.h"
#include "models/model_input.h"

#include <torch/nn/functional/loss.h>
#include <torch/utils.h>

namespace kestrel::train {

EvaluationResult evaluate(models::Classifier& model, loader::BatchLoader& loader,
                          const models::ModelInput& input, int classes, const std::string& split,
                          const std::atomic<bool>* stop) {
    const bool wasTraining = model.is_training();
    model.eval();
    torch::NoGradGuard noGradients;

    EvaluationResult result;
    result.evaluation.split = split;
    result.evaluation.confusion = ConfusionMatrix(classes);
    double lossSum = 0;
    std::int64_t seen = 0;
    std::vector<double> positiveScores;
    std::vector<bool> positive;

    loader.startEpoch(0);
    while (auto batch = loader.next()) {
        if (stop && stop->load()) {
            loader.stop();
            break;
        }
        const torch::Tensor logits = model.forward(input(batch->images)).to(torch::kFloat);
        const torch::Tensor labels = batch->labels.to(logits.device());
        lossSum += torch::nn::functional::cross_entropy(
                       logits, labels,
                       torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                       .item<double>();
        const torch::Tensor probabilities = torch::softmax(logits, 1).cpu();
        const auto [confidence, predicted] = probabilities.max(1);
        const auto truth = batch->labels.accessor<std::int64_t, 1>();
        const auto predictedClass = predicted.accessor<std::int64_t, 1>();
        const auto confidenceOf = confidence.accessor<float, 1>();
        const auto probability = probabilities.accessor<float, 2>();
        for (std::int64_t row = 0; row < truth.size(0); ++row) {
            result.evaluation.confusion.add(truth[row], predictedClass[row]);
            result.predictions.push_back({batch->indices[static_cast<std::size_t>(row)], truth[row],
                                          predictedClass[row], confidenceOf[row]});
            if (classes == 2) {
                positiveScores.push_back(probability[row][1]);
                positive.push_back(truth[row] == 1);
            }
        }
        seen += truth.size(0);
    }
    result.evaluation.loss = seen ? lossSum / static_cast<double>(seen) : 0.0;
    if (classes == 2) {
        result.evaluation.rocAuc = rocAuc(positiveScores, positive);
    }
    std::sort(result.predictions.begin(), result.predictions.end(),
              [](const Prediction& a, const Prediction& b) { return a.sample < b.sample; });
    model.train(wasTraining);
    return result;
}

std::map<std::string, double> evaluationMetrics(const Evaluation& evaluation,
                                                const std::vector<std::string>& classes,
                                                const std::string& prefix) {
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

} // namespace kestrel::train
