#include "command.h"
#include "export/run_export.h"
#include "json_output.h"
#include "project/project.h"

#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace kestrel::cli {

namespace {

struct ExportOptions {
    std::string folder;
    std::int64_t run = 0;
    std::string format = "all";
    std::string output;
    int verifySamples = 128;
    double tolerance = 1e-4;
    bool json = false;
};

int runExport(const ExportOptions& options) {
    Project project = Project::open(options.folder);
    exporting::ExportRequest request;
    request.run = options.run;
    if (options.format != "all") {
        request.formats = {infer::parseModelFormat(options.format)};
    }
    request.output = options.output;
    request.verifySamples = options.verifySamples;
    request.tolerance = options.tolerance;
    request.progress = [](const std::string& line) {
        std::cerr << line << "\n";
    };
    const auto files = exporting::exportRun(project, request);

    if (options.json) {
        nlohmann::json exports = nlohmann::json::array();
        for (const auto& file : files) {
            exports.push_back(
                {{"format", infer::toString(file.format)},
                 {"file", file.file.string()},
                 {"card", file.card.string()},
                 {"size_bytes", file.sizeBytes},
                 {"verification", nlohmann::json::parse(file.verification.toJson())}});
        }
        printJson({{"run", options.run}, {"exports", exports}});
        return kSuccess;
    }
    for (const auto& file : files) {
        std::cout << file.file.string() << " (" << infer::toString(file.format) << ", "
                  << file.verification.runtime << ": " << file.verification.summary() << ")\n"
                  << "  model card: " << file.card.string() << "\n";
    }
    return kSuccess;
}

} // namespace

Command addExportCommand(CLI::App& root) {
    auto options = std::make_shared<ExportOptions>();
    CLI::App* parser = root.add_subcommand(
        "export",
        "Export a run's best model to TorchScript and/or ONNX, verified before it is kept");
    parser->add_option("project", options->folder, "Project folder")->required();
    parser->add_option("--run", options->run, "Run id (see `kestrel-cli runs`)")->required();
    parser->add_option("--format", options->format, "torchscript, onnx or all")
        ->check(CLI::IsMember({"torchscript", "onnx", "all"}))
        ->default_str("all");
    parser->add_option("--output", options->output,
                       "File to write (default: <project>/exports/run-<id>-<model>.pt/.onnx); "
                       "with --format all each format gets its own extension");
    parser
        ->add_option("--verify-samples", options->verifySamples,
                     "Validation images to verify the export on")
        ->check(CLI::Range(1, 100000))
        ->default_str("128");
    parser
        ->add_option("--tolerance", options->tolerance,
                     "Largest allowed difference in any class probability")
        ->check(CLI::Range(1e-9, 1.0))
        ->default_str("1e-4");
    parser->add_flag("--json", options->json, "Print one JSON object to stdout");
    return {parser, [options] {
                return runExport(*options);
            }};
}

} // namespace kestrel::cli
