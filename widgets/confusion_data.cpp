#include "confusion_data.h"

#include <algorithm>
#include <cstddef>

namespace kestrel::widgets {

namespace {

double ratio(std::int64_t part, std::int64_t whole) {
    return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

} // namespace

bool ConfusionData::isEmpty() const {
    const auto n = static_cast<std::size_t>(classes.size());
    return n == 0 || counts.size() != n * n;
}

std::int64_t ConfusionData::at(int trueClass, int predictedClass) const {
    const int n = classCount();
    if (isEmpty() || trueClass < 0 || predictedClass < 0 || trueClass >= n || predictedClass >= n) {
        return 0;
    }
    return counts[static_cast<std::size_t>(trueClass) * static_cast<std::size_t>(n) +
                  static_cast<std::size_t>(predictedClass)];
}

std::int64_t ConfusionData::rowTotal(int trueClass) const {
    std::int64_t sum = 0;
    for (int predicted = 0; predicted < classCount(); ++predicted) {
        sum += at(trueClass, predicted);
    }
    return sum;
}

std::int64_t ConfusionData::columnTotal(int predictedClass) const {
    std::int64_t sum = 0;
    for (int truth = 0; truth < classCount(); ++truth) {
        sum += at(truth, predictedClass);
    }
    return sum;
}

std::int64_t ConfusionData::total() const {
    std::int64_t sum = 0;
    for (int truth = 0; truth < classCount(); ++truth) {
        sum += rowTotal(truth);
    }
    return sum;
}

std::int64_t ConfusionData::correct() const {
    std::int64_t sum = 0;
    for (int c = 0; c < classCount(); ++c) {
        sum += at(c, c);
    }
    return sum;
}

std::int64_t ConfusionData::maxCount() const {
    return isEmpty() ? 0 : *std::max_element(counts.begin(), counts.end());
}

std::vector<ClassFigures> classFigures(const ConfusionData& data) {
    std::vector<ClassFigures> figures;
    if (data.isEmpty()) {
        return figures;
    }
    for (int c = 0; c < data.classCount(); ++c) {
        ClassFigures f;
        f.name = data.classes.at(c);
        const std::int64_t hits = data.at(c, c);
        f.support = data.rowTotal(c);
        f.precision = ratio(hits, data.columnTotal(c));
        f.recall = ratio(hits, f.support);
        const double sum = f.precision + f.recall;
        f.f1 = sum > 0 ? 2 * f.precision * f.recall / sum : 0.0;
        figures.push_back(f);
    }
    return figures;
}

ClassFigures macroAverage(const std::vector<ClassFigures>& figures) {
    ClassFigures mean;
    if (figures.empty()) {
        return mean;
    }
    for (const ClassFigures& f : figures) {
        mean.precision += f.precision;
        mean.recall += f.recall;
        mean.f1 += f.f1;
        mean.support += f.support;
    }
    const auto n = static_cast<double>(figures.size());
    mean.precision /= n;
    mean.recall /= n;
    mean.f1 /= n;
    return mean;
}

double accuracy(const ConfusionData& data) {
    return data.isEmpty() ? 0.0 : ratio(data.correct(), data.total());
}

} // namespace kestrel::widgets
