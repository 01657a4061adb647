#include "segmentation_eval.h"

#include "command.h"
#include "inspection/area_verdict.h"
#include "json_output.h"
#include "tasks/segmentation_metrics.h"

#include <iomanip>
#include <iostream>

#include <nlohmann/json.hpp>

namespace kestrel::cli {

int printSegmentationEvaluation(const runs::RunEvaluation& evaluation, bool json) {
    const tasks::Evaluation& result = evaluation.result.evaluation;
    const auto& pixels = result.confusion;
    const int classes = pixels.classes();
    const auto rule = inspection::areaRule(evaluation.classes, evaluation.options.minimumAreas,
                                           evaluation.options.pixelSizeMm);
    const auto verdicts = tasks::verdictMetrics(result, rule, "");
    const double miou = tasks::meanDefectIou(pixels).value_or(0.0);
    const auto nameOf = [&](int c) {
        return evaluation.classes[static_cast<std::size_t>(c)];
    };

    if (json) {
        nlohmann::json perClass = nlohmann::json::array();
        for (int c = 1; c < classes; ++c) {
            const auto figures = tasks::pixelClassFigures(pixels, c);
            std::int64_t truth = 0;
            for (int p = 0; p < classes; ++p) {
                truth += pixels.count(c, p);
            }
            perClass.push_back({{"name", nameOf(c)},
                                {"iou", figures.iou ? nlohmann::json(*figures.iou) : nullptr},
                                {"dice", figures.dice ? nlohmann::json(*figures.dice) : nullptr},
                                {"pixels", truth}});
        }
        nlohmann::json matrix = nlohmann::json::array();
        for (int row = 0; row < classes; ++row) {
            nlohmann::json counts = nlohmann::json::array();
            for (int column = 0; column < classes; ++column) {
                counts.push_back(pixels.count(row, column));
            }
            matrix.push_back(counts);
        }
        nlohmann::json minimum = nlohmann::json::object();
        for (int c = 1; c < classes; ++c) {
            minimum[nameOf(c)] = rule.minimumPixels[static_cast<std::size_t>(c)];
        }
        printJson({{"task", "segmentation"},
                   {"run", evaluation.run},
                   {"split", evaluation.split},
                   {"device", evaluation.device},
                   {"images", result.areas.size()},
                   {"miou", miou},
                   {"pixel_accuracy", pixels.accuracy()},
                   {"loss", result.loss},
                   {"classes", evaluation.classes},
                   {"per_class", perClass},
                   {"pixel_confusion_matrix", matrix},
                   {"verdict",
                    {{"minimum_area_pixels", minimum},
                     {"escape_rate", verdicts.at("escape_rate")},
                     {"false_reject_rate", verdicts.at("false_reject_rate")},
                     {"accuracy", verdicts.at("verdict_accuracy")},
                     {"ng_as_ng", verdicts.at("ng_as_ng")},
                     {"ng_as_ok", verdicts.at("ng_as_ok")},
                     {"ok_as_ng", verdicts.at("ok_as_ng")},
                     {"ok_as_ok", verdicts.at("ok_as_ok")}}}});
        return kSuccess;
    }
    std::cout << "Run " << evaluation.run << " on " << result.areas.size() << " "
              << evaluation.split << " images: mean IoU " << std::fixed << std::setprecision(4)
              << miou << " over the defect classes, pixel accuracy " << std::setprecision(2)
              << 100 * pixels.accuracy() << "%\n\n"
              << std::left << std::setw(20) << "class" << std::right << std::setw(8) << "IoU"
              << std::setw(8) << "Dice"
              << "\n";
    for (int c = 1; c < classes; ++c) {
        const auto figures = tasks::pixelClassFigures(pixels, c);
        std::cout << std::left << std::setw(20) << nameOf(c) << std::right << std::setprecision(4);
        if (figures.iou) {
            std::cout << std::setw(8) << *figures.iou << std::setw(8) << *figures.dice << "\n";
        } else {
            std::cout << std::setw(8) << "-" << std::setw(8) << "-"
                      << "  (in neither)\n";
        }
    }
    std::cout << "\nParts (NG when a class covers more than its minimum area):\n"
              << std::left << std::setw(10) << "" << std::right << std::setw(8) << "as OK"
              << std::setw(8) << "as NG\n"
              << std::left << std::setw(10) << "OK" << std::right << std::setprecision(0)
              << std::setw(8) << verdicts.at("ok_as_ok") << std::setw(8) << verdicts.at("ok_as_ng")
              << "\n"
              << std::left << std::setw(10) << "NG" << std::right << std::setw(8)
              << verdicts.at("ng_as_ok") << std::setw(8) << verdicts.at("ng_as_ng") << "\n"
              << std::setprecision(4) << "escape rate " << verdicts.at("escape_rate")
              << ", false-reject rate " << verdicts.at("false_reject_rate") << "\n";
    return kSuccess;
}

} // namespace kestrel::cli
