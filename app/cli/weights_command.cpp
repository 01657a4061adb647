#include "command.h"
#include "common/error.h"
#include "json_output.h"
#include "weights/torchvision_files.h"
#include "weights/weights_store.h"

#include <iomanip>
#include <iostream>
#include <memory>
#include <string>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace kestrel::cli {
namespace {

struct WeightsOptions {
    bool json = false;
    std::string importFile;
    std::string model;
    std::string baseUrl = weights::kTorchvisionBaseUrl;
};

std::string joined(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names) {
        text += (text.empty() ? "" : ", ") + name;
    }
    return text;
}

void printStored(const weights::StoredWeights& stored, const char* verb) {
    std::cerr << verb << " " << stored.model << "'s weights as " << stored.file.string()
              << " (SHA-256 " << stored.sha256.substr(0, 12) << "...).\n";
}

int listWeights(const WeightsOptions& options) {
    weights::WeightsStore store(weights::WeightsStore::defaultFolder());
    const auto all = store.list();
    if (options.json) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& stored : all) {
            list.push_back({{"model", stored.model},
                            {"file", stored.file.string()},
                            {"sha256", stored.sha256},
                            {"source", stored.source}});
        }
        printJson({{"folder", store.folder().string()}, {"weights", list}});
        return kSuccess;
    }
    if (all.empty()) {
        std::cout << "No pretrained weights in " << store.folder().string()
                  << " yet: `kestrel-cli weights fetch resnet18` downloads torchvision's "
                     "ImageNet weights, `kestrel-cli weights import FILE --model resnet18` keeps "
                     "a file you have.\n";
        return kSuccess;
    }
    std::cout << std::left << std::setw(20) << "model" << std::setw(15) << "sha256"
              << "source\n";
    for (const auto& stored : all) {
        std::cout << std::setw(20) << stored.model << std::setw(15) << stored.sha256.substr(0, 12)
                  << stored.source << "\n";
    }
    std::cout << "Stored in " << store.folder().string() << ".\n";
    return kSuccess;
}

int importWeights(const WeightsOptions& options) {
    weights::WeightsStore store(weights::WeightsStore::defaultFolder());
    printStored(store.importFile(options.importFile, options.model), "Kept");
    return kSuccess;
}

// A line per tenth on a pipe or log, one line redrawn in place on a terminal.
class DownloadPrinter {
public:
    explicit DownloadPrinter(std::string name) : name_(std::move(name)) {}
    bool operator()(const weights::DownloadProgress& progress) {
        if (!progress.total || *progress.total == 0) {
            return true;
        }
        const int tenth = static_cast<int>(10 * progress.received / *progress.total);
        if (tenth == shownTenth_) {
            return true;
        }
        shownTenth_ = tenth;
        std::cerr << (terminal_ ? "\r" : "") << "Downloading " << name_ << ": " << 10 * tenth
                  << "% of " << std::fixed << std::setprecision(1)
                  << static_cast<double>(*progress.total) / 1e6 << " MB"
                  << (terminal_ && tenth < 10 ? "" : "\n") << std::flush;
        return true;
    }

private:
    std::string name_;
    bool terminal_ = isatty(STDERR_FILENO) != 0;
    int shownTenth_ = -1;
};

int fetchWeights(const WeightsOptions& options) {
    const auto fileName = weights::torchvisionFileName(options.model);
    if (!fileName) {
        throw Error(ErrorKind::InvalidArgument,
                    "torchvision publishes no ImageNet weights for \"" + options.model +
                        "\"; it does for " + joined(weights::architecturesWithImageNetWeights()) +
                        ".");
    }
    std::string base = options.baseUrl;
    while (!base.empty() && base.back() == '/') {
        base.pop_back();
    }
    weights::WeightsStore store(weights::WeightsStore::defaultFolder());
    DownloadPrinter printer(*fileName);
    const auto stored = store.fetch(
        options.model, base + "/" + *fileName,
        [&printer](const weights::DownloadProgress& progress) { return printer(progress); });
    printStored(stored, "Kept");
    return kSuccess;
}

} // namespace

Command addWeightsCommand(CLI::App& root) {
    auto options = std::make_shared<WeightsOptions>();
    CLI::App* parser = root.add_subcommand(
        "weights",
        "Pretrained weights on this machine, shared by every project ($KESTREL_WEIGHTS_DIR, "
        "else ~/.local/share/kestrel/weights)");
    parser->require_subcommand(1);

    CLI::App* list = parser->add_subcommand("list", "List the stored weights");
    list->add_flag("--json", options->json, "Print one JSON object to stdout");

    CLI::App* import = parser->add_subcommand(
        "import", "Keep a torchvision state_dict (.pth) as an architecture's pretrained weights, "
                  "after checking that it fits that architecture");
    import->add_option("file", options->importFile, "The .pth file")->required();
    import->add_option("--model", options->model, "The architecture, e.g. resnet18")->required();

    CLI::App* fetch = parser->add_subcommand(
        "fetch", "Download torchvision's ImageNet weights for an architecture and check their "
                 "SHA-256");
    fetch->add_option("model", options->model, "The architecture, e.g. resnet18")->required();
    fetch->add_option("--from", options->baseUrl,
                      "A mirror serving torchvision's file names (default " +
                          std::string(weights::kTorchvisionBaseUrl) + ")");

    return {parser, [options, list, import, fetch] {
                if (list->parsed()) {
                    return listWeights(*options);
                }
                if (import->parsed()) {
                    return importWeights(*options);
                }
                return fetchWeights(*options);
            }};
}

} // namespace kestrel::cli
