#include "detection_eval.h"

#include "command.h"
#include "json_output.h"
#include "tasks/detection_task.h"

#include <iomanip>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace kestrel::cli {

namespace {

nlohmann::json optional(const std::optional<double>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

} // namespace

int printDetectionEvaluation(const runs::RunEvaluation& evaluation, bool json) {
    const tasks::Evaluation& result = evaluation.result.evaluation;
    const inspection::CocoEvaluation coco = result.coco.value_or(inspection::CocoEvaluation{});
    const auto& matrix = result.confusion;
    const int size = matrix.classes(); // the classes and the background
    std::vector<std::string> names = evaluation.classes;
    names.emplace_back("background");
    const auto nameOf = [&](int c) {
        return c >= 0 && c < static_cast<int>(names.size()) ? names[static_cast<std::size_t>(c)]
                                                            : std::to_string(c);
    };

    if (json) {
        nlohmann::json perClass = nlohmann::json::array();
        for (const auto& category : coco.categories) {
            perClass.push_back({{"name", nameOf(category.category)},
                                {"ap50", optional(category.ap50)},
                                {"ap", optional(category.ap)},
                                {"ap75", optional(category.ap75)},
                                {"recall50", optional(category.recall50)},
                                {"boxes", category.truthCount}});
        }
        nlohmann::json counts = nlohmann::json::array();
        for (int row = 0; row < size; ++row) {
            nlohmann::json line = nlohmann::json::array();
            for (int column = 0; column < size; ++column) {
                line.push_back(matrix.count(row, column));
            }
            counts.push_back(line);
        }
        printJson({{"task", "detection"},
                   {"run", evaluation.run},
                   {"split", evaluation.split},
                   {"device", evaluation.device},
                   {"images", evaluation.result.predictions.size()},
                   {"map50", optional(coco.map50)},
                   {"map50_95", optional(coco.map)},
                   {"map75", optional(coco.map75)},
                   {"loss", result.loss},
                   {"classes", evaluation.classes},
                   {"per_class", perClass},
                   {"confusion_matrix",
                    {{"classes", names},
                     {"min_score", tasks::kLineScore},
                     {"min_iou", 0.5},
                     {"counts", counts}}}});
        return kSuccess;
    }
    const auto show = [](const std::optional<double>& value) {
        std::ostringstream text;
        if (value) {
            text << std::fixed << std::setprecision(4) << *value;
        } else {
            text << "-";
        }
        return text.str();
    };
    std::cout << "Run " << evaluation.run << " on " << evaluation.result.predictions.size() << " "
              << evaluation.split << " images: mAP@[.50:.95] " << show(coco.map) << ", mAP50 "
              << show(coco.map50) << ", mAP75 " << show(coco.map75) << "\n\n"
              << std::left << std::setw(20) << "class" << std::right << std::setw(8) << "AP"
              << std::setw(8) << "AP50" << std::setw(8) << "boxes\n";
    for (const auto& category : coco.categories) {
        std::cout << std::left << std::setw(20) << nameOf(category.category) << std::right
                  << std::setw(8) << show(category.ap) << std::setw(8) << show(category.ap50)
                  << std::setw(7) << category.truthCount << "\n";
    }
    std::cout << "\nBoxes (rows: drawn, columns: detected with score >= " << tasks::kLineScore
              << " at IoU 0.5; background: false alarms in its row, misses in its column)\n"
              << std::left << std::setw(20) << "";
    for (int column = 0; column < size; ++column) {
        std::cout << std::right << std::setw(12) << nameOf(column).substr(0, 11);
    }
    std::cout << "\n";
    for (int row = 0; row < size; ++row) {
        std::cout << std::left << std::setw(20) << nameOf(row) << std::right;
        for (int column = 0; column < size; ++column) {
            std::cout << std::setw(12) << matrix.count(row, column);
        }
        std::cout << "\n";
    }
    return kSuccess;
}

} // namespace kestrel::cli
