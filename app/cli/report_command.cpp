#include "command.h"
#include "common/atomic_file.h"
#include "json_output.h"
#include "project/project.h"
#include "report/report_html.h"
#include "report/run_report.h"
#include "runs/run_lock.h"

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace kestrel::cli {

namespace {

struct ReportCommandOptions {
    std::string folder;
    std::int64_t run = 0;
    std::string output;
    bool json = false;
};

int runReport(const ReportCommandOptions& options) {
    Project project = Project::open(options.folder);
    // A run whose process died shows as interrupted, as `runs` shows it.
    runs::markInterruptedRuns(project);
    const report::RunReport built = report::buildRunReport(project, options.run);
    const std::string html = report::renderReportHtml(built, report::dataUri);
    writeFileAtomically(options.output, html);

    if (options.json) {
        printJson({{"report", std::filesystem::absolute(options.output).string()},
                   {"run", options.run},
                   {"bytes", html.size()}});
        return kSuccess;
    }
    std::cout << "Wrote the report of run " << options.run << " to " << options.output << " ("
              << html.size() / 1024 << " KiB).\n";
    return kSuccess;
}

} // namespace

Command addReportCommand(CLI::App& root) {
    auto options = std::make_shared<ReportCommandOptions>();
    CLI::App* parser = root.add_subcommand(
        "report", "Write one self-contained HTML report of a run (images embedded)");
    parser->add_option("project", options->folder, "Project folder")->required();
    parser->add_option("--run", options->run, "Run id (see `kestrel-cli runs`)")->required();
    parser->add_option("--output", options->output, "The HTML file to write")->required();
    parser->add_flag("--json", options->json, "Print one JSON object to stdout");
    return {parser, [options] {
                return runReport(*options);
            }};
}

} // namespace kestrel::cli
