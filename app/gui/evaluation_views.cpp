#include "evaluation_views.h"

#include <utility>

#include <QObject>
#include <QVector>

namespace kestrel::app {

widgets::ConfusionData confusionOf(const tasks::Evaluation& evaluation,
                                   const std::vector<std::string>& classes, std::int64_t epoch) {
    widgets::ConfusionData data;
    for (const auto& name : classes) {
        data.classes.append(QString::fromStdString(name));
    }
    // Detection's matrix has a background row and column after the classes.
    if (evaluation.confusion.classes() == static_cast<int>(classes.size()) + 1) {
        data.classes.append(QStringLiteral("background"));
        data.unit = widgets::ConfusionUnit::Boxes;
    }
    data.counts = evaluation.confusion.counts();
    data.caption = QObject::tr("Validation, epoch %1").arg(epoch + 1);
    return data;
}

widgets::DetectionFigures detectionFiguresOf(const inspection::CocoEvaluation& coco,
                                             const std::vector<std::string>& classes,
                                             const QString& caption) {
    widgets::DetectionFigures figures;
    figures.caption = caption;
    for (const auto& category : coco.categories) {
        if (category.category < 0 || category.category >= static_cast<int>(classes.size())) {
            continue;
        }
        widgets::ClassDetectionFigures own;
        own.name = QString::fromStdString(classes[static_cast<std::size_t>(category.category)]);
        own.ap50 = category.ap50;
        own.ap = category.ap;
        if (!category.precision.empty()) {
            const auto& atHalf = category.precision.front();
            own.precision50 = QVector<double>(atHalf.begin(), atHalf.end());
        }
        figures.classes.push_back(std::move(own));
    }
    return figures;
}

} // namespace kestrel::app
