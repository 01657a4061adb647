#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace kestrel::cli {

// Exit codes of the command-line contract (docs/ARCHITECTURE.md, DESIGN.md).
enum ExitCode : int { kSuccess = 0, kFailure = 1, kUsageError = 2 };

// A subcommand registered on the root parser, and what to run when it was chosen. The
// function returns an exit code and may throw kestrel::Error for a failure.
struct Command {
    CLI::App* parser = nullptr;
    std::function<int()> run;
};

Command addInitCommand(CLI::App& root);
Command addInfoCommand(CLI::App& root);
Command addImportCommand(CLI::App& root);
Command addBenchCommand(CLI::App& root);
Command addTrainCommand(CLI::App& root);
Command addRunsCommand(CLI::App& root);
Command addEvalCommand(CLI::App& root);
Command addExportCommand(CLI::App& root);
Command addExportDatasetCommand(CLI::App& root);
Command addPredictCommand(CLI::App& root);
Command addAuditCommand(CLI::App& root);
Command addReportCommand(CLI::App& root);
Command addWeightsCommand(CLI::App& root);

} // namespace kestrel::cli
