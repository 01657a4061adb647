#include "command.h"
#include "json_output.h"
#include "project/project.h"
#include "runs/run_lock.h"
#include "store/run_repository.h"

#include <iomanip>
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace kestrel::cli {

namespace {

struct RunsOptions {
    std::string folder;
    bool json = false;
};

std::string percent(const std::map<std::string, double>& metrics, const std::string& name) {
    const auto found = metrics.find(name);
    if (found == metrics.end()) {
        return "-";
    }
    std::ostringstream text;
    text << std::fixed << std::setprecision(2) << 100 * found->second << "%";
    return text.str();
}

int runRuns(const RunsOptions& options) {
    Project project = Project::open(options.folder);
    runs::markInterruptedRuns(project);
    store::RunRepository repository(project.database());
    const auto runs = repository.list();

    if (options.json) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& run : runs) {
            const auto params = repository.params(run.id);
            const auto epochs = params.find("epochs");
            nlohmann::json metrics = nlohmann::json::object();
            for (const auto& [name, value] : repository.latestMetrics(run.id)) {
                metrics[name] = value;
            }
            list.push_back({{"id", run.id},
                            {"status", run.status},
                            {"task", run.task},
                            {"model", run.model},
                            {"epochs", epochs == params.end() ? 0 : std::stoll(epochs->second)},
                            {"device", run.device},
                            {"seed", run.seed.value_or(0)},
                            {"dataset_version", run.datasetVersion.value_or(0)},
                            {"created_at", run.createdAt},
                            {"finished_at", run.finishedAt},
                            {"error", run.error},
                            {"metrics", metrics}});
        }
        printJson({{"runs", list}});
        return kSuccess;
    }
    if (runs.empty()) {
        std::cout << "No runs yet: `kestrel-cli train " << options.folder << "` starts one.\n";
        return kSuccess;
    }
    std::cout << std::left << std::setw(5) << "id" << std::setw(12) << "status" << std::setw(20)
              << "model" << std::setw(8) << "epochs" << std::setw(10) << "val acc" << std::setw(10)
              << "test acc"
              << "created\n";
    for (const auto& run : runs) {
        const auto metrics = repository.latestMetrics(run.id);
        const auto params = repository.params(run.id);
        const auto epochs = params.find("epochs");
        std::cout << std::setw(5) << run.id << std::setw(12) << run.status << std::setw(20)
                  << run.model << std::setw(8)
                  << (epochs == params.end() ? std::string("-") : epochs->second) << std::setw(10)
                  << percent(metrics, "val_accuracy") << std::setw(10)
                  << percent(metrics, "test_accuracy") << run.createdAt << "\n";
        if (!run.error.empty() && run.status != "completed") {
            std::cout << "     " << run.error << "\n";
        }
    }
    return kSuccess;
}

} // namespace

Command addRunsCommand(CLI::App& root) {
    auto options = std::make_shared<RunsOptions>();
    CLI::App* parser =
        root.add_subcommand("runs", "List the project's training runs, oldest first");
    parser->add_option("project", options->folder, "Project folder")->required();
    parser->add_flag("--json", options->json, "Print one JSON object to stdout");
    return {parser, [options] {
                return runRuns(*options);
            }};
}

} // namespace kestrel::cli
