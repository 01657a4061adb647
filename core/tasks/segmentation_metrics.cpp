#include "tasks/segmentation_metrics.h"

namespace kestrel::tasks {

PixelClassFigures pixelClassFigures(const ConfusionMatrix& pixels, int classIndex) {
    std::int64_t truth = 0;
    std::int64_t predicted = 0;
    for (int other = 0; other < pixels.classes(); ++other) {
        truth += pixels.count(classIndex, other);
        predicted += pixels.count(other, classIndex);
    }
    const std::int64_t both = pixels.count(classIndex, classIndex);
    PixelClassFigures figures;
    if (truth + predicted > 0) {
        figures.iou = static_cast<double>(both) / static_cast<double>(truth + predicted - both);
        figures.dice = 2.0 * static_cast<double>(both) / static_cast<double>(truth + predicted);
    }
    return figures;
}

std::optional<double> meanDefectIou(const ConfusionMatrix& pixels) {
    double sum = 0;
    int counted = 0;
    for (int c = 1; c < pixels.classes(); ++c) {
        if (const auto iou = pixelClassFigures(pixels, c).iou) {
            sum += *iou;
            ++counted;
        }
    }
    return counted ? std::optional<double>(sum / counted) : std::nullopt;
}

std::map<std::string, double> verdictMetrics(const Evaluation& evaluation,
                                             const inspection::AreaRule& rule,
                                             const std::string& prefix) {
    std::map<std::string, double> metrics;
    if (evaluation.areas.empty() && !evaluation.verdicts) {
        return metrics;
    }
    const inspection::InspectionRates rates =
        evaluation.areas.empty() ? *evaluation.verdicts
                                 : inspection::verdictRates(evaluation.areas, rule);
    const auto count = [](std::int64_t value) {
        return static_cast<double>(value);
    };
    metrics[prefix + "escape_rate"] = rates.escapeRate();
    metrics[prefix + "false_reject_rate"] = rates.falseRejectRate();
    metrics[prefix + "ng_as_ng"] = count(rates.defects - rates.escapes);
    metrics[prefix + "ng_as_ok"] = count(rates.escapes);
    metrics[prefix + "ok_as_ng"] = count(rates.falseRejects);
    metrics[prefix + "ok_as_ok"] = count(rates.goods - rates.falseRejects);
    const std::int64_t images = rates.defects + rates.goods;
    metrics[prefix + "verdict_accuracy"] =
        images ? count(images - rates.escapes - rates.falseRejects) / count(images) : 0.0;
    return metrics;
}

} // namespace kestrel::tasks
