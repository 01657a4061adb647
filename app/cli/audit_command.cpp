#include "audit_progress.h"
#include "command.h"
#include "json_output.h"
#include "models/device.h"
#include "project/project.h"
#include "review/label_audit.h"
#include "train/default_settings.h"
#include "train/trainer.h"
#include "training_settings.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace kestrel::cli {

namespace {

struct AuditCommandOptions : TrainingSettings {
    std::string folder;
    int folds = 3;
    std::size_t top = 20;
    bool json = false;
};

std::atomic<bool> auditInterrupted{false}; // set by SIGINT or SIGTERM

extern "C" void onAuditInterrupt(int) {
    auditInterrupted = true;
    std::signal(SIGINT, SIG_DFL); // a second Ctrl-C kills as usual
}

// Ctrl-C cancels between batches: the audit ends as "cancelled" and its temporary folder
// is removed, instead of the process dying with it.
class CancelOnInterrupt {
public:
    CancelOnInterrupt() {
        std::signal(SIGINT, onAuditInterrupt);
        std::signal(SIGTERM, onAuditInterrupt);
    }
    ~CancelOnInterrupt() {
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
    }
    CancelOnInterrupt(const CancelOnInterrupt&) = delete;
    CancelOnInterrupt& operator=(const CancelOnInterrupt&) = delete;
};

// The project's own training settings, with what was given on the command line.
review::LabelAuditOptions chooseOptions(Project& project, const AuditCommandOptions& given) {
    review::LabelAuditOptions audit;
    audit.folds = given.folds;
    train::TrainOptions& options = audit.training;
    options = train::defaultOptions(train::datasetShape(project),
                                    models::resolveDevice(given.device), given.model);
    applyTrainingSettings(given, options);
    return audit;
}

std::string fixed(double value, int digits) {
    std::ostringstream text;
    text << std::fixed << std::setprecision(digits) << value;
    return text.str();
}

// Flagged samples, ranked, at most `top` of them (0: all).
std::vector<review::LabelIssue> shownIssues(const review::LabelAuditOutcome& outcome,
                                            std::size_t top) {
    std::vector<review::LabelIssue> shown;
    for (const auto& issue : outcome.issues) {
        if (!issue.flagged || (top > 0 && shown.size() == top)) {
            break;
        }
        shown.push_back(issue);
    }
    return shown;
}

double agreement(const review::LabelAuditOutcome& outcome) {
    return outcome.issues.empty()
               ? 0.0
               : static_cast<double>(outcome.agreeing) / static_cast<double>(outcome.issues.size());
}

// How far to trust the ranking: models near chance flag samples at random.
void describeAgreement(const review::LabelAuditResult& result) {
    const double agreed = agreement(result.outcome);
    const double chance = 1.0 / static_cast<double>(result.plan.classes.size());
    std::cerr << "The fold models agree with " << result.outcome.agreeing << " of "
              << result.outcome.issues.size() << " given labels (" << fixed(100 * agreed, 1)
              << "%).\n";
    if (agreed < (1.0 + chance) / 2) {
        std::cerr << "That is closer to chance (" << fixed(100 * chance, 1)
                  << "%) than to agreeing with every label: the models learned little, so the "
                     "ranking means little. More --epochs may help.\n";
    }
}

void printJsonResult(const review::LabelAuditResult& result, std::size_t top) {
    const auto& plan = result.plan;
    nlohmann::json issues = nlohmann::json::array();
    for (const auto& issue : shownIssues(result.outcome, top)) {
        const auto& sample = plan.samples[issue.index];
        issues.push_back({{"sample_id", sample.sampleId},
                          {"path", sample.key},
                          {"given", plan.classes[static_cast<std::size_t>(issue.given)]},
                          {"suggested", plan.classes[static_cast<std::size_t>(issue.suggested)]},
                          {"given_probability", issue.givenProbability},
                          {"suggested_probability", issue.suggestedProbability},
                          {"score", issue.score}});
    }
    printJson({{"audit", result.audit},
               {"status", review::toString(result.outcome.status)},
               {"reason", result.outcome.reason},
               {"folds", plan.options.folds},
               {"model", plan.options.training.model},
               {"classes", plan.classes},
               {"samples", plan.samples.size()},
               {"unscored", result.outcome.unscored},
               {"agreement", agreement(result.outcome)},
               {"flagged", result.outcome.flagged()},
               {"issues", issues}});
}

void printTable(const review::LabelAuditResult& result, std::size_t top) {
    const auto& plan = result.plan;
    const auto issues = shownIssues(result.outcome, top);
    if (!issues.empty()) {
        std::size_t pathWidth = 6;
        std::size_t classWidth = 9;
        for (const auto& issue : issues) {
            pathWidth = std::max(pathWidth, plan.samples[issue.index].key.size());
        }
        for (const auto& name : plan.classes) {
            classWidth = std::max(classWidth, name.size());
        }
        std::cout << std::left << std::setw(6) << "rank"
                  << std::setw(static_cast<int>(pathWidth + 2)) << "sample"
                  << std::setw(static_cast<int>(classWidth + 2)) << "given"
                  << std::setw(static_cast<int>(classWidth + 2)) << "suggested" << std::setw(10)
                  << "p(given)"
                  << "score\n";
        for (std::size_t rank = 0; rank < issues.size(); ++rank) {
            const auto& issue = issues[rank];
            std::cout << std::setw(6) << rank + 1 << std::setw(static_cast<int>(pathWidth + 2))
                      << plan.samples[issue.index].key
                      << std::setw(static_cast<int>(classWidth + 2))
                      << plan.classes[static_cast<std::size_t>(issue.given)]
                      << std::setw(static_cast<int>(classWidth + 2))
                      << plan.classes[static_cast<std::size_t>(issue.suggested)] << std::setw(10)
                      << fixed(static_cast<double>(issue.givenProbability), 3)
                      << fixed(static_cast<double>(issue.score), 3) << "\n";
        }
    }
    const std::size_t flagged = result.outcome.flagged();
    std::cout << flagged << " of " << plan.samples.size() << " samples look mislabelled";
    if (issues.size() < flagged) {
        std::cout << " (the top " << issues.size() << " shown; --top 0 shows all)";
    }
    std::cout << "; audit #" << result.audit << ".\n";
    if (result.outcome.unscored > 0) {
        std::cout << result.outcome.unscored << " samples could not be read and were left out.\n";
    }
}

int runAudit(const AuditCommandOptions& given) {
    Project project = Project::open(given.folder);
    const review::LabelAuditOptions options = chooseOptions(project, given);

    review::LabelAuditResult result;
    result.plan = review::planLabelAudit(project, options);
    const auto& training = result.plan.options.training;
    std::cerr << "Label audit of " << result.plan.samples.size() << " samples in " << options.folds
              << " folds: " << training.model << " at " << training.imageSize << " px, "
              << training.epochs << " epochs, batch size " << training.batchSize << " per fold.\n";
    {
        AuditProgressPrinter progress(std::cerr, isatty(STDERR_FILENO) != 0);
        const CancelOnInterrupt cancelOnInterrupt;
        result.outcome = review::runLabelAudit(result.plan, progress, auditInterrupted);
    }
    result.audit = review::recordLabelAudit(project, result.plan, result.outcome);

    if (given.json) {
        printJsonResult(result, given.top);
    }
    if (result.outcome.status != review::LabelAuditStatus::Completed) {
        std::cerr << result.outcome.reason << "\n";
        return kFailure;
    }
    describeAgreement(result);
    if (!given.json) {
        printTable(result, given.top);
    }
    return kSuccess;
}

} // namespace

Command addAuditCommand(CLI::App& root) {
    auto options = std::make_shared<AuditCommandOptions>();
    CLI::App* parser = root.add_subcommand(
        "audit", "Rank the samples whose labels out-of-fold models find least likely");
    parser->add_option("project", options->folder, "Project folder")->required();
    parser->add_option("--folds", options->folds, "Folds: one model each (default 3)")
        ->check(CLI::Range(2, 100));
    parser->add_option("--model", options->model,
                       "smallcnn, resnet18, ... (default: picked from the data)");
    parser->add_option("--epochs", options->epochs, "Epochs per fold (default: picked)")
        ->check(CLI::Range(1, 100000));
    parser->add_option("--image-size", options->imageSize, "Square input size in pixels")
        ->check(CLI::Range(8, 4096));
    parser->add_option("--batch-size", options->batchSize, "Images per batch")
        ->check(CLI::Range(1, 65536));
    parser->add_option("--device", options->device, "auto, cpu, cuda or cuda:N")
        ->default_str("auto");
    parser->add_option("--seed", options->seed, "Random seed of the folds and models (default 0)");
    parser->add_option("--top", options->top, "Show at most this many samples (0: all)")
        ->default_str("20");
    addAugmentationOptions(*parser, *options);
    parser->add_flag("--json", options->json, "Print one JSON object to stdout at the end");
    return {parser, [options] {
                return runAudit(*options);
            }};
}

} // namespace kestrel::cli
