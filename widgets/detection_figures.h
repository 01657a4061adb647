#pragma once

#include <optional>
#include <vector>

#include <QString>
#include <QVector>

namespace kestrel::widgets {

// One defect class's box figures from a detector's evaluation, as COCO defines them.
struct ClassDetectionFigures {
    QString name;
    std::optional<double> ap50; // AP at IoU 0.50; empty when the class had no boxes to find
    std::optional<double> ap;   // AP averaged over IoU 0.50:0.95
    // The interpolated precision at recall 0, 0.01, ..., 1 at IoU 0.50; empty when the run
    // did not record it.
    QVector<double> precision50;
};

// A detector's figures for the epoch its confusion matrix shows, as the app hands them to
// the widgets: plain values, no run or model.
struct DetectionFigures {
    QString caption; // e.g. "Run #4, validation, epoch 12"
    std::vector<ClassDetectionFigures> classes;

    bool isEmpty() const { return classes.empty(); }
    // The figures of a class by name; nullptr when the class has none.
    const ClassDetectionFigures* find(const QString& name) const;
};

} // namespace kestrel::widgets
