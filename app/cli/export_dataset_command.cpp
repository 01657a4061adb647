#include "command.h"
#include "dataset/dataset_export.h"
#include "json_output.h"
#include "project/project.h"

#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace kestrel::cli {

namespace {

struct ExportDatasetOptions {
    std::string folder;
    std::string format;
    std::string output;
    std::string split;
    bool json = false;
};

int runExportDataset(const ExportDatasetOptions& options) {
    Project project = Project::open(options.folder);
    dataset::DatasetExportOptions exportOptions;
    exportOptions.format = *dataset::parseExportFormat(options.format);
    exportOptions.folder = options.output;
    if (!options.split.empty()) {
        exportOptions.split = options.split;
    }
    const dataset::ExportReport report = dataset::exportDataset(project, exportOptions);
    if (options.json) {
        printJson({{"format", options.format},
                   {"output", options.output},
                   {"images", report.images},
                   {"boxes", report.boxes},
                   {"polygons", report.polygons},
                   {"masks", report.masks},
                   {"notes", report.notes}});
        return kSuccess;
    }
    std::cout << "Exported " << report.images << " images with " << report.boxes << " boxes, "
              << report.polygons << " polygons and " << report.masks << " masks to "
              << options.output << " (" << options.format << ").\n";
    for (const std::string& note : report.notes) {
        std::cout << "  " << note << '\n';
    }
    return kSuccess;
}

} // namespace

Command addExportDatasetCommand(CLI::App& root) {
    auto options = std::make_shared<ExportDatasetOptions>();
    CLI::App* parser = root.add_subcommand(
        "export-dataset", "Write the project's images, classes, splits and regions as a COCO, "
                          "YOLO, Pascal VOC or MVTec AD dataset");
    parser->add_option("project", options->folder, "Project folder")->required();
    parser->add_option("--format", options->format, "coco, yolo, voc or mvtec")
        ->required()
        ->check(CLI::IsMember({"coco", "yolo", "voc", "mvtec"}));
    parser->add_option("--output", options->output, "Folder to write (created)")->required();
    parser->add_option("--split", options->split, "Only this split")
        ->check(CLI::IsMember({"train", "val", "test"}));
    parser->add_flag("--json", options->json, "Print one JSON object to stdout");
    return {parser, [options] {
                return runExportDataset(*options);
            }};
}

} // namespace kestrel::cli
