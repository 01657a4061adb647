#include "command.h"
#include "dataset/project_summary.h"
#include "json_output.h"
#include "project/project.h"
#include "store/sample_repository.h"

#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace kestrel::cli {

namespace {

struct InfoOptions {
    std::string folder;
    bool json = false;
    std::string listSplit; // empty: the summary
};

void printText(const ProjectSummary& summary) {
    std::cout << "Project     " << summary.name << " (" << summary.folder << ")\n"
              << "Samples     " << summary.samples << " (" << summary.labelled << " labelled, "
              << summary.unlabelled << " unlabelled)\n"
              << "Unreadable  " << summary.unreadable << '\n'
              << "Duplicates  " << summary.duplicateGroups << " groups of identical files ("
              << summary.leakageGroups << " across splits)\n"
              << "Splits      train " << summary.splits.train << ", val " << summary.splits.val
              << ", test " << summary.splits.test << ", unassigned " << summary.splits.unassigned
              << '\n'
              << "Classes     ";
    if (summary.classes.empty()) {
        std::cout << "none yet\n";
    } else {
        const char* separator = "";
        for (const ClassCount& entry : summary.classes) {
            std::cout << separator << entry.name << " " << entry.count;
            separator = ", ";
        }
        std::cout << '\n';
    }
    const AnnotationSummary& shapes = summary.annotations;
    std::cout << "Regions     " << shapes.boxes << " boxes on " << shapes.samplesWithBoxes
              << " samples, " << shapes.polygons << " polygons on " << shapes.samplesWithPolygons
              << ", " << shapes.masks << " masks on " << shapes.samplesWithMasks << "; "
              << shapes.samplesWithout << " samples without\n";
    std::cout << "Runs        " << summary.runs << '\n';
}

// One file per line, for scripts: the images a split holds (what eval and training see).
int listSplit(Project& project, const std::string& split) {
    store::SampleRepository samples(project.database());
    for (const store::LabelledSampleRow& row : samples.labelledSamples(split)) {
        std::cout << project.absolutePath(row.path).string() << '\n';
    }
    return kSuccess;
}

int runInfo(const InfoOptions& options) {
    Project project = Project::open(options.folder);
    if (!options.listSplit.empty()) {
        return listSplit(project, options.listSplit);
    }
    const ProjectSummary summary = summarizeProject(project);
    if (options.json) {
        printJson(toJson(summary));
    } else {
        printText(summary);
    }
    return kSuccess;
}

} // namespace

Command addInfoCommand(CLI::App& root) {
    auto options = std::make_shared<InfoOptions>();
    CLI::App* parser = root.add_subcommand(
        "info", "Show a project's samples, classes and their counts, splits and unreadable files");
    parser->add_option("project", options->folder, "Project folder")->required();
    CLI::Option* json =
        parser->add_flag("--json", options->json, "Print one JSON object to stdout");
    parser
        ->add_option("--list", options->listSplit,
                     "Print the files of a split's readable labelled images, one per line, "
                     "instead of the summary")
        ->check(CLI::IsMember({"train", "val", "test"}))
        ->excludes(json);
    return {parser, [options] {
                return runInfo(*options);
            }};
}

} // namespace kestrel::cli
