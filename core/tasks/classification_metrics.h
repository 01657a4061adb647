#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace kestrel::tasks {

struct ClassMetrics {
    double precision = 0; // 0 when the class was never predicted
    double recall = 0;    // 0 when the class never occurs
    double f1 = 0;
    std::int64_t support = 0; // samples whose true class this is
};

// Counts of (true class, predicted class) over an evaluation, and the figures derived from
// them. Rows are true classes, columns predicted classes, both in project class order.
class ConfusionMatrix {
public:
    explicit ConfusionMatrix(int classes);

    void add(std::int64_t trueClass, std::int64_t predictedClass, std::int64_t count = 1);
    // Adds a batch: `truth` and `predicted` hold class indexes, one per sample.
    void add(const std::vector<std::int64_t>& truth, const std::vector<std::int64_t>& predicted);

    int classes() const { return classes_; }
    std::int64_t count(int trueClass, int predictedClass) const;
    std::int64_t total() const;
    double accuracy() const; // 0 for an empty matrix
    ClassMetrics classMetrics(int classIndex) const;
    double macroF1() const;
    // Row-major counts, classes() x classes().
    const std::vector<std::int64_t>& counts() const { return counts_; }

private:
    int classes_;
    std::vector<std::int64_t> counts_;
};

// Area under the ROC curve for a two-class problem: `scores` are the predicted probabilities
// of the positive class, `positive` whether each sample truly is positive. Ties count half
// (the Mann-Whitney statistic). nullopt when either class is absent.
std::optional<double> rocAuc(const std::vector<double>& scores, const std::vector<bool>& positive);

} // namespace kestrel::tasks
