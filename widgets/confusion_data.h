#pragma once

#include <cstdint>
#include <vector>

#include <QString>
#include <QStringList>

namespace kestrel::widgets {

// What a confusion matrix counts.
enum class ConfusionUnit {
    Samples, // one per sample: its true and predicted class
    Pixels,  // a segmentation run's pixels over "background" and the defect classes
    // A detection run's boxes over the defect classes and "background", last: its row holds
    // the false alarms (boxes on nothing drawn), its column the misses (drawn, not found).
    Boxes,
};

// One confusion matrix as the app hands it to the widgets: plain values, no run or model.
struct ConfusionData {
    QStringList classes;              // names, in class order (rows and columns)
    std::vector<std::int64_t> counts; // row-major classes×classes: rows true, columns predicted
    QString caption;                  // e.g. "Validation, epoch 7" (may be empty)
    ConfusionUnit unit = ConfusionUnit::Samples;

    int classCount() const { return static_cast<int>(classes.size()); }
    // True when there is nothing to show: no classes, or counts that do not match them.
    bool isEmpty() const;
    std::int64_t at(int trueClass, int predictedClass) const; // 0 outside the matrix
    std::int64_t rowTotal(int trueClass) const;               // samples of that class
    std::int64_t columnTotal(int predictedClass) const;       // samples predicted as it
    std::int64_t total() const;
    std::int64_t correct() const; // the diagonal's sum
    std::int64_t maxCount() const;
};

// Per-class figures computed from the matrix, with the same conventions as core's metrics.
struct ClassFigures {
    QString name;
    double precision = 0; // 0 when nothing was predicted as the class
    double recall = 0;    // 0 when the class has no samples
    double f1 = 0;        // 0 when precision and recall are both 0
    std::int64_t support = 0;
};

std::vector<ClassFigures> classFigures(const ConfusionData& data); // empty for an empty matrix
// Unweighted means over all classes, support = all samples; the name is left empty.
ClassFigures macroAverage(const std::vector<ClassFigures>& figures);
double accuracy(const ConfusionData& data); // 0 for an empty matrix or one with no samples

} // namespace kestrel::widgets
