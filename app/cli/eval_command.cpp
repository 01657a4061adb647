#include "anomaly/anomaly_model.h"
#include "anomaly/anomaly_session.h"
#include "command.h"
#include "common/error.h"
#include "common/task_kind.h"
#include "detection_eval.h"
#include "json_output.h"
#include "models/device.h"
#include "project/project.h"
#include "runs/run_evaluation.h"
#include "segmentation_eval.h"
#include "store/run_repository.h"

#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace kestrel::cli {

namespace {

struct EvalOptions {
    std::string folder;
    std::int64_t run = 0;
    std::optional<std::string> split;
    std::string device = "auto";
    bool json = false;
};

// An anomaly detector measured again from its saved model, at its threshold.
int runAnomalyEval(Project& project, const EvalOptions& options) {
    auto run = anomaly::loadAnomalyRun(project, options.run);
    run.model->to(c10::Device(models::resolveDevice(options.device)));
    run.model->optimiseForCpu();
    const std::string split = options.split.value_or(run.data.data.test.empty() ? "val" : "test");
    const auto evaluation = anomaly::evaluateAnomalyRun(project, run, split);
    const auto& m = evaluation.metrics;
    const auto figure = [&](const std::string& name) {
        const auto found = m.find(name);
        return found == m.end() ? nlohmann::json(nullptr) : nlohmann::json(found->second);
    };
    if (options.json) {
        nlohmann::json out = {{"task", "anomaly"},
                              {"run", options.run},
                              {"split", split},
                              {"samples", evaluation.samples},
                              {"method", anomaly::toString(run.options.method)},
                              {"model", run.options.backbone},
                              {"image_auroc", figure("image_auroc")},
                              {"threshold", 0.5},
                              {"raw_threshold", run.model->normalisation().threshold},
                              {"f1", figure("f1")},
                              {"accuracy", figure("accuracy")},
                              {"escape_rate", figure("escape_rate")},
                              {"false_reject_rate", figure("false_reject_rate")},
                              {"classes", {"good", "defect"}},
                              {"confusion_matrix",
                               {{evaluation.goodPassed, evaluation.goodRejected},
                                {evaluation.defectsEscaped, evaluation.defectsCaught}}}};
        if (m.count("pixel_auroc") != 0) {
            out["pixel_auroc"] = m.at("pixel_auroc");
            out["pro"] = m.at("pro");
        }
        printJson(out);
        return kSuccess;
    }
    std::cout << "Run " << options.run << " (" << anomaly::toString(run.options.method) << ", "
              << run.options.backbone << ") on " << evaluation.samples << " " << split
              << " images at its threshold:\n"
              << std::fixed << std::setprecision(4);
    for (const auto& [name, value] : m) {
        std::cout << "  " << std::left << std::setw(18) << name << value << "\n";
    }
    std::cout << "\n"
              << std::left << std::setw(10) << "" << std::right << std::setw(8) << "passed"
              << std::setw(10) << "rejected\n"
              << std::left << std::setw(10) << "good" << std::right << std::setw(8)
              << evaluation.goodPassed << std::setw(9) << evaluation.goodRejected << "\n"
              << std::left << std::setw(10) << "defect" << std::right << std::setw(8)
              << evaluation.defectsEscaped << std::setw(9) << evaluation.defectsCaught << "\n";
    return kSuccess;
}

int runEval(const EvalOptions& options) {
    Project project = Project::open(options.folder);
    if (store::RunRepository(project.database()).get(options.run).task ==
        toString(TaskKind::Anomaly)) {
        return runAnomalyEval(project, options);
    }
    std::string split = options.split.value_or("test");
    if (!options.split) {
        // The test split when the project has one, else validation.
        try {
            return runEval(
                {options.folder, options.run, std::string("test"), options.device, options.json});
        } catch (const Error& error) {
            if (error.kind() != ErrorKind::InvalidArgument) {
                throw;
            }
            split = "val";
        }
    }
    const runs::RunEvaluation evaluation =
        runs::evaluateRun(project, options.run, split, options.device);
    if (evaluation.options.task == TaskKind::Segmentation) {
        return printSegmentationEvaluation(evaluation, options.json);
    }
    if (evaluation.options.task == TaskKind::Detection) {
        return printDetectionEvaluation(evaluation, options.json);
    }
    const auto& confusion = evaluation.result.evaluation.confusion;
    const int classes = confusion.classes();

    if (options.json) {
        nlohmann::json matrix = nlohmann::json::array();
        nlohmann::json perClass = nlohmann::json::array();
        for (int row = 0; row < classes; ++row) {
            nlohmann::json counts = nlohmann::json::array();
            for (int column = 0; column < classes; ++column) {
                counts.push_back(confusion.count(row, column));
            }
            matrix.push_back(counts);
            const auto figures = confusion.classMetrics(row);
            perClass.push_back({{"class", evaluation.classes[static_cast<std::size_t>(row)]},
                                {"precision", figures.precision},
                                {"recall", figures.recall},
                                {"f1", figures.f1},
                                {"support", figures.support}});
        }
        nlohmann::json out = {{"run", evaluation.run},
                              {"split", evaluation.split},
                              {"device", evaluation.device},
                              {"samples", confusion.total()},
                              {"accuracy", confusion.accuracy()},
                              {"macro_f1", confusion.macroF1()},
                              {"loss", evaluation.result.evaluation.loss},
                              {"classes", evaluation.classes},
                              {"confusion_matrix", matrix},
                              {"per_class", perClass}};
        if (evaluation.result.evaluation.rocAuc) {
            out["roc_auc"] = *evaluation.result.evaluation.rocAuc;
        }
        printJson(out);
        return kSuccess;
    }
    std::cout << "Run " << evaluation.run << " on " << confusion.total() << " " << split
              << " images: accuracy " << std::fixed << std::setprecision(2)
              << 100 * confusion.accuracy() << "%, macro F1 " << std::setprecision(4)
              << confusion.macroF1();
    if (evaluation.result.evaluation.rocAuc) {
        std::cout << ", ROC AUC " << *evaluation.result.evaluation.rocAuc;
    }
    std::cout << "\n\n"
              << std::left << std::setw(20) << "class" << std::right << std::setw(10) << "precision"
              << std::setw(8) << "recall" << std::setw(8) << "f1" << std::setw(9) << "support\n";
    for (int c = 0; c < classes; ++c) {
        const auto figures = confusion.classMetrics(c);
        std::cout << std::left << std::setw(20) << evaluation.classes[static_cast<std::size_t>(c)]
                  << std::right << std::setprecision(4) << std::setw(10) << figures.precision
                  << std::setw(8) << figures.recall << std::setw(8) << figures.f1 << std::setw(8)
                  << figures.support << "\n";
    }
    std::cout << "\nConfusion matrix (rows: true class, columns: predicted)\n";
    for (int row = 0; row < classes; ++row) {
        std::cout << std::left << std::setw(20) << evaluation.classes[static_cast<std::size_t>(row)]
                  << std::right;
        for (int column = 0; column < classes; ++column) {
            std::cout << std::setw(7) << confusion.count(row, column);
        }
        std::cout << "\n";
    }
    return kSuccess;
}

} // namespace

Command addEvalCommand(CLI::App& root) {
    auto options = std::make_shared<EvalOptions>();
    CLI::App* parser = root.add_subcommand(
        "eval", "Accuracy, per-class metrics and confusion matrix of a run's best checkpoint");
    parser->add_option("project", options->folder, "Project folder")->required();
    parser->add_option("--run", options->run, "Run id (see `kestrel-cli runs`)")->required();
    parser->add_option("--split", options->split, "val or test (default: test, else val)")
        ->check(CLI::IsMember({"val", "test"}));
    parser->add_option("--device", options->device, "auto, cpu, cuda or cuda:N")
        ->default_str("auto");
    parser->add_flag("--json", options->json, "Print one JSON object to stdout");
    return {parser, [options] {
                return runEval(*options);
            }};
}

} // namespace kestrel::cli
