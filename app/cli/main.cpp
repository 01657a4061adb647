// kestrel-cli: the command-line face of kestrel_core. Exit 0 on success, 1 on a failure
// (one sentence on stderr naming the file or value at fault), 2 on a usage error.
#include "command.h"
#include "common/blas_threads.h"
#include "common/build_info.h"
#include "common/error.h"
#include "common/log_file.h"

#include <cctype>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace {

std::string versionText() {
    std::string text;
    for (const auto& [name, version] : kestrel::libraryVersions()) {
        text += name + " " + version + "\n";
    }
    return text.substr(0, text.size() - 1);
}

// The command as typed, for the log: words with spaces quoted.
std::string commandLine(int argc, char** argv) {
    std::string line = "kestrel-cli";
    for (int i = 1; i < argc; ++i) {
        const std::string word = argv[i];
        line += word.find(' ') == std::string::npos ? " " + word : " '" + word + "'";
    }
    return line;
}

std::string commandNames(const std::vector<kestrel::cli::Command>& commands) {
    std::string names;
    for (const auto& command : commands) {
        names += (names.empty() ? "" : ", ") + command.parser->get_name();
    }
    return names;
}

bool isCommand(const std::vector<kestrel::cli::Command>& commands, const std::string& word) {
    for (const auto& command : commands) {
        if (command.parser->get_name() == word) {
            return true;
        }
    }
    return false;
}

// The help command to point at: that of the deepest subcommand chosen, if any.
std::string helpCommandFor(const std::vector<kestrel::cli::Command>& commands) {
    std::string words = "kestrel-cli";
    for (const auto& command : commands) {
        if (command.parser->parsed()) {
            const CLI::App* chosen = command.parser;
            words += " " + chosen->get_name();
            while (!chosen->get_subcommands().empty()) {
                chosen = chosen->get_subcommands().front();
                words += " " + chosen->get_name();
            }
        }
    }
    return words + " --help";
}

// CLI11's messages lack a full stop and a way forward; give them both.
std::string usageSentence(std::string message, const std::string& helpCommand) {
    if (!message.empty()) {
        message[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(message[0])));
        if (message.back() != '.') {
            message += '.';
        }
    }
    return message + " Run '" + helpCommand + "' for usage.";
}

} // namespace

int main(int argc, char** argv) {
    using namespace kestrel::cli;
    kestrel::keepBlasOnOneThread(); // eval, predict and export too, not training alone

    CLI::App root("Kestrel: build, train and export vision models for defect inspection.",
                  "kestrel-cli");
    root.set_version_flag("--version", versionText());
    root.require_subcommand(1);
    root.footer("Run 'kestrel-cli <command> --help' for a command's options.");
    bool verbose = false;
    root.add_flag("--verbose", verbose,
                  "Also print the log's lines to stderr (the log: " +
                      (kestrel::logging::defaultLogFolder() / "kestrel.log").string() + ")");

    const std::vector<Command> commands = {
        addInitCommand(root),         addImportCommand(root),  addInfoCommand(root),
        addTrainCommand(root),        addRunsCommand(root),    addEvalCommand(root),
        addExportCommand(root),       addPredictCommand(root), addReportCommand(root),
        addBenchCommand(root),        addAuditCommand(root),   addWeightsCommand(root),
        addExportDatasetCommand(root)};

    if (argc > 1 && argv[1][0] != '-' && !isCommand(commands, argv[1])) {
        std::cerr << "'" << argv[1] << "' is not a kestrel-cli command; the commands are "
                  << commandNames(commands) << ".\n";
        return kUsageError;
    }
    try {
        root.parse(argc, argv);
    } catch (const CLI::Success& success) {
        return root.exit(success); // --help and --version print to stdout and succeed
    } catch (const CLI::ParseError& error) {
        std::cerr << usageSentence(error.what(), helpCommandFor(commands)) << '\n';
        return kUsageError;
    }

    // What a user asked and what came of it, in the log the window shares.
    kestrel::logging::openLog("kestrel-cli");
    kestrel::logging::setEcho(verbose ? &std::cerr : nullptr);
    kestrel::logging::write(commandLine(argc, argv) + " (" + kestrel::libraryVersionsLine() + ")");
    const auto failed = [](const std::string& sentence) {
        std::cerr << sentence << '\n';
        kestrel::logging::write("Failed: " + sentence);
        return kFailure;
    };
    try {
        for (const Command& command : commands) {
            if (command.parser->parsed()) {
                const int code = command.run();
                kestrel::logging::write("Ended with exit code " + std::to_string(code) + ".");
                return code;
            }
        }
    } catch (const kestrel::Error& error) {
        return failed(error.what());
    } catch (const std::exception& error) {
        return failed(std::string("Unexpected error: ") + error.what());
    }
    return kUsageError;
}
