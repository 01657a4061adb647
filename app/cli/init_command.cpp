#include "command.h"
#include "demo/demo_dataset.h"
#include "json_output.h"
#include "project/project.h"
#include "store/migrations.h"
#include "store/project_repository.h"

#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace kestrel::cli {

namespace {

struct InitOptions {
    std::string folder;
    std::string name;
    bool demo = false;
    bool json = false;
};

int runInit(const InitOptions& options) {
    Project project = Project::create(options.folder, options.name);
    const std::string name = store::ProjectRepository(project.database()).name();
    const std::size_t samples = options.demo ? demo::addDemoData(project) : 0;
    if (options.json) {
        printJson({{"project", project.folder().string()},
                   {"name", name},
                   {"samples", samples},
                   {"schema_version", store::currentSchemaVersion()}});
    } else {
        std::cout << "Created project \"" << name << "\" in " << project.folder().string();
        if (options.demo) {
            std::cout << " with " << samples
                      << " demo images of good parts, scratches, dents and spots";
        }
        std::cout << ".\n";
    }
    return kSuccess;
}

} // namespace

Command addInitCommand(CLI::App& root) {
    auto options = std::make_shared<InitOptions>();
    CLI::App* parser = root.add_subcommand("init", "Create an empty project in a folder");
    parser->add_option("project", options->folder, "Project folder (created if missing)")
        ->required();
    parser->add_option("--name", options->name, "Project name (default: the folder's name)");
    parser->add_flag("--demo", options->demo,
                     "Fill the project with generated images of surfaces with defects");
    parser->add_flag("--json", options->json, "Print one JSON object to stdout");
    return {parser, [options] {
                return runInit(*options);
            }};
}

} // namespace kestrel::cli
