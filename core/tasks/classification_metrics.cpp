#include "tasks/classification_metrics.h"

#include "common/error.h"

#include <algorithm>
#include <numeric>
#include <string>

namespace kestrel::tasks {

ConfusionMatrix::ConfusionMatrix(int classes)
    : classes_(classes), counts_(static_cast<std::size_t>(classes) * classes, 0) {
    if (classes < 1) {
        throw Error(ErrorKind::InvalidArgument,
                    "A confusion matrix needs at least one class, not " + std::to_string(classes) +
                        ".");
    }
}

void ConfusionMatrix::add(std::int64_t trueClass, std::int64_t predictedClass, std::int64_t count) {
    if (trueClass < 0 || trueClass >= classes_ || predictedClass < 0 ||
        predictedClass >= classes_) {
        throw Error(ErrorKind::InvalidArgument,
                    "Class index out of range in a confusion matrix of " +
                        std::to_string(classes_) + " classes: true " + std::to_string(trueClass) +
                        ", predicted " + std::to_string(predictedClass) + ".");
    }
    counts_[static_cast<std::size_t>(trueClass * classes_ + predictedClass)] += count;
}

void ConfusionMatrix::add(const std::vector<std::int64_t>& truth,
                          const std::vector<std::int64_t>& predicted) {
    if (truth.size() != predicted.size()) {
        throw Error(ErrorKind::InvalidArgument,
                    "Confusion matrix update with " + std::to_string(truth.size()) +
                        " true classes but " + std::to_string(predicted.size()) + " predictions.");
    }
    for (std::size_t i = 0; i < truth.size(); ++i) {
        add(truth[i], predicted[i]);
    }
}

std::int64_t ConfusionMatrix::count(int trueClass, int predictedClass) const {
    return counts_.at(static_cast<std::size_t>(trueClass * classes_ + predictedClass));
}

std::int64_t ConfusionMatrix::total() const {
    return std::accumulate(counts_.begin(), counts_.end(), std::int64_t{0});
}

double ConfusionMatrix::accuracy() const {
    const std::int64_t all = total();
    if (all == 0) {
        return 0;
    }
    std::int64_t correct = 0;
    for (int c = 0; c < classes_; ++c) {
        correct += count(c, c);
    }
    return static_cast<double>(correct) / static_cast<double>(all);
}

ClassMetrics ConfusionMatrix::classMetrics(int classIndex) const {
    std::int64_t truePositives = count(classIndex, classIndex);
    std::int64_t predicted = 0; // column sum
    std::int64_t actual = 0;    // row sum
    for (int other = 0; other < classes_; ++other) {
        predicted += count(other, classIndex);
        actual += count(classIndex, other);
    }
    ClassMetrics metrics;
    metrics.support = actual;
    metrics.precision = predicted ? static_cast<double>(truePositives) / predicted : 0.0;
    metrics.recall = actual ? static_cast<double>(truePositives) / actual : 0.0;
    const double sum = metrics.precision + metrics.recall;
    metrics.f1 = sum > 0 ? 2 * metrics.precision * metrics.recall / sum : 0.0;
    return metrics;
}

double ConfusionMatrix::macroF1() const {
    double sum = 0;
    for (int c = 0; c < classes_; ++c) {
        sum += classMetrics(c).f1;
    }
    return sum / classes_;
}

std::optional<double> rocAuc(const std::vector<double>& scores, const std::vector<bool>& positive) {
    if (scores.size() != positive.size()) {
        throw Error(ErrorKind::InvalidArgument, "ROC AUC needs one label per score.");
    }
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });

    // Sum of the (tie-averaged, 1-based) ranks of the positives: AUC = U / (P * N).
    double positiveRankSum = 0;
    std::size_t positives = 0;
    for (std::size_t start = 0; start < order.size();) {
        std::size_t end = start;
        while (end < order.size() && scores[order[end]] == scores[order[start]]) {
            ++end;
        }
        const double averageRank = (static_cast<double>(start + 1) + static_cast<double>(end)) / 2;
        for (std::size_t i = start; i < end; ++i) {
            if (positive[order[i]]) {
                positiveRankSum += averageRank;
                ++positives;
            }
        }
        start = end;
    }
    const std::size_t negatives = scores.size() - positives;
    if (positives == 0 || negatives == 0) {
        return std::nullopt;
    }
    const double p = static_cast<double>(positives);
    const double u = positiveRankSum - p * (p + 1) / 2;
    return u / (p * static_cast<double>(negatives));
}

} // namespace kestrel::tasks
