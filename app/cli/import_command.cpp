#include "command.h"
#include "common/error.h"
#include "common/text.h"
#include "dataset/importer.h"
#include "json_output.h"
#include "project/project.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace kestrel::cli {

namespace {

struct ImportCommandOptions {
    std::string folder;
    std::string source;
    std::string format = "auto";
    std::string classes;
    std::string images;
    std::uint64_t seed = 42;
    bool json = false;
};

std::atomic<bool> interrupted{false};

extern "C" void onInterrupt(int) {
    interrupted = true;
}

std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> items;
    std::stringstream stream(text);
    std::string item;
    while (std::getline(stream, item, ',')) {
        items.push_back(trimmed(item));
    }
    return items;
}

// A one-line progress display on stderr, only for a person at a terminal.
void showProgress(const dataset::ImportProgress& progress) {
    static const bool terminal = isatty(STDERR_FILENO);
    if (!terminal) {
        return;
    }
    if (progress.total == 0) {
        std::fprintf(stderr, "\r\033[K%s…", progress.phase.c_str());
    } else {
        std::fprintf(stderr, "\r\033[K%s %zu/%zu (%d%%)", progress.phase.c_str(), progress.done,
                     progress.total, static_cast<int>(100 * progress.done / progress.total));
    }
    std::fflush(stderr);
}

nlohmann::json toJson(const dataset::ImportReport& report) {
    nlohmann::json unreadable = nlohmann::json::array();
    for (const auto& file : report.unreadable) {
        unreadable.push_back({{"path", file.path}, {"reason", file.reason}});
    }
    nlohmann::json duplicates = nlohmann::json::array();
    std::size_t leakage = 0;
    for (const auto& group : report.duplicates) {
        duplicates.push_back({{"content_hash", group.contentHash},
                              {"paths", group.paths},
                              {"leakage", group.leakage}});
        leakage += group.leakage ? 1 : 0;
    }
    return {
        {"format", dataset::formatName(report.format)},
        {"found", report.found},
        {"added", report.added},
        {"already_present", report.alreadyPresent},
        {"unreadable", unreadable},
        {"classes_created", report.classesCreated},
        {"masks", report.masks},
        {"shapes",
         {{"boxes", report.boxes}, {"polygons", report.polygons}, {"masks", report.maskShapes}}},
        {"problems", report.problems},
        {"duplicates", duplicates},
        {"leakage", leakage},
        {"dataset_version", report.datasetVersion},
        {"cancelled", report.cancelled}};
}

void printText(const dataset::ImportReport& report, const std::string& source) {
    std::cout << "Imported " << report.added << " samples from " << source << " ("
              << dataset::formatName(report.format) << ").\n";
    if (!report.classesCreated.empty()) {
        std::cout << "New classes: ";
        for (std::size_t i = 0; i < report.classesCreated.size(); ++i) {
            std::cout << (i ? ", " : "") << report.classesCreated[i];
        }
        std::cout << ".\n";
    }
    if (report.alreadyPresent > 0) {
        std::cout << report.alreadyPresent << " files were already in the project.\n";
    }
    if (report.masks > 0) {
        std::cout << report.masks << " ground-truth masks attached.\n";
    }
    if (report.boxes + report.polygons + report.maskShapes > 0) {
        std::cout << "Regions: " << report.boxes << " boxes, " << report.polygons << " polygons, "
                  << report.maskShapes << " masks.\n";
    }
    if (!report.problems.empty()) {
        std::cout << report.problems.size()
                  << " annotations were not taken as they were (the rest was imported):\n";
        for (const std::string& problem : report.problems) {
            std::cout << "  " << problem << '\n';
        }
    }
    if (!report.unreadable.empty()) {
        std::cout << report.unreadable.size() << " files could not be read and were skipped:\n";
        for (const auto& file : report.unreadable) {
            std::cout << "  " << file.path << ": " << file.reason << '\n';
        }
    }
    std::size_t leakage = 0;
    for (const auto& group : report.duplicates) {
        leakage += group.leakage ? 1 : 0;
    }
    if (!report.duplicates.empty()) {
        std::cout << report.duplicates.size()
                  << (report.duplicates.size() == 1 ? " group" : " groups")
                  << " of identical files in the project";
        if (leakage > 0) {
            std::cout << ", " << leakage << " of them across splits (leakage: the model would "
                      << "be tested on what it trained on)";
        }
        std::cout << ".\n";
        for (const auto& group : report.duplicates) {
            std::cout << "  " << (group.leakage ? "leakage: " : "");
            for (std::size_t i = 0; i < group.paths.size(); ++i) {
                std::cout << (i ? " = " : "") << group.paths[i];
            }
            std::cout << '\n';
        }
    }
}

int runImport(const ImportCommandOptions& options) {
    dataset::ImportOptions importOptions;
    importOptions.format = *dataset::parseImportFormat(options.format);
    importOptions.seed = options.seed;
    if (!options.images.empty()) {
        importOptions.imagesFolder = options.images;
    }
    if (!options.classes.empty()) {
        importOptions.classNames = splitList(options.classes);
    }
    Project project = Project::open(options.folder);

    // Ctrl+C cancels cleanly: the import writes nothing unless it completes.
    interrupted = false;
    std::signal(SIGINT, onInterrupt);
    const dataset::ImportReport report =
        dataset::importSource(project, options.source, importOptions, showProgress, &interrupted);
    std::signal(SIGINT, SIG_DFL);
    if (isatty(STDERR_FILENO)) {
        std::fprintf(stderr, "\r\033[K");
    }
    if (report.cancelled) {
        throw Error(ErrorKind::InvalidArgument,
                    "The import of " + options.source + " was cancelled; nothing was written.");
    }
    if (options.json) {
        printJson(toJson(report));
    } else {
        printText(report, options.source);
    }
    return kSuccess;
}

} // namespace

Command addImportCommand(CLI::App& root) {
    auto options = std::make_shared<ImportCommandOptions>();
    CLI::App* parser = root.add_subcommand(
        "import", "Import images from a folder, a CSV, MNIST idx files, an MVTec AD category, or "
                  "a COCO, YOLO, Pascal VOC or labelme dataset with its boxes, polygons and masks");
    parser->add_option("project", options->folder, "Project folder")->required();
    parser->add_option("source", options->source, "Folder, CSV or COCO JSON file to import")
        ->required();
    parser
        ->add_option("--format", options->format,
                     "auto, imagefolder (a folder per class), folder (unlabelled), csv "
                     "(path,label[,split]), idx (MNIST format), mvtec, coco (a JSON file or a "
                     "folder of them), yolo (images/, labels/, classes.txt or data.yaml), voc "
                     "(Annotations/, JPEGImages/) or labelme (a folder of labelme JSON files)")
        ->check(CLI::IsMember({"auto", "imagefolder", "folder", "csv", "idx", "mvtec", "coco",
                               "yolo", "voc", "labelme"}))
        ->default_str("auto");
    parser->add_option("--images", options->images,
                       "COCO: the folder holding the images, when they are neither beside the "
                       "JSON file nor in its images/ folder");
    parser->add_option("--classes", options->classes,
                       "Class names by label number for idx files, comma-separated");
    parser->add_option("--seed", options->seed, "Seed of the stratified 70/15/15 split")
        ->default_str("42");
    parser->add_flag("--json", options->json, "Print one JSON object to stdout");
    return {parser, [options] {
                return runImport(*options);
            }};
}

} // namespace kestrel::cli
