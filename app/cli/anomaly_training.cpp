#include "anomaly_training.h"

#include "anomaly/anomaly_session.h"
#include "command.h"
#include "common/error.h"
#include "json_output.h"
#include "project/project.h"
#include "runs/run_lock.h"
#include "weights/weights_store.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace kestrel::cli {

namespace {

std::atomic<anomaly::AnomalySession*> interruptible{nullptr};

extern "C" void onAnomalyInterrupt(int) {
    if (auto* session = interruptible.load()) {
        session->cancel(); // an atomic store: safe in a signal handler
    }
}

anomaly::AnomalyOptions chooseOptions(const AnomalyTrainRequest& request) {
    anomaly::AnomalyOptions options;
    if (request.method) {
        options.method = anomaly::parseAnomalyMethod(*request.method);
    }
    options.backbone = request.backbone.value_or(options.backbone);
    options.coresetRatio = request.coreset.value_or(options.coresetRatio);
    options.neighbours = request.neighbours.value_or(options.neighbours);
    options.padimChannels = request.padimChannels.value_or(options.padimChannels);
    options.layers = request.layers;
    options.imageSize = request.imageSize.value_or(options.imageSize);
    options.batchSize = request.batchSize.value_or(options.batchSize);
    options.workers = request.workers.value_or(options.workers);
    options.threads = request.threads.value_or(options.threads);
    options.seed = request.seed.value_or(options.seed);
    options.device = request.device;
    options.goodClass = request.goodClass.value_or("");
    options.targetDefectRecall = request.targetRecall.value_or(0.0);
    if (request.weights && *request.weights != "imagenet" && *request.weights != "scratch") {
        throw Error(ErrorKind::InvalidArgument,
                    "--weights is \"" + *request.weights + "\"; it takes imagenet or scratch.");
    }
    if (request.initWeights) {
        options.weights = *request.initWeights;
    } else if (request.weightsFromRun) {
        options.weightsFromRun = *request.weightsFromRun;
    } else if (request.weights != "scratch") {
        // The weights store's ImageNet weights when it has them, as classification does.
        const weights::WeightsStore store(weights::WeightsStore::defaultFolder());
        if (const auto stored = store.find(options.backbone)) {
            options.weights = stored->file;
            std::cerr << "Using " << options.backbone << "'s ImageNet weights from the store ("
                      << stored->file.string() << "); --weights scratch uses random ones.\n";
        } else if (request.weights == "imagenet") {
            throw Error(ErrorKind::NotFound,
                        "The weights store (" + store.folder().string() + ") has no weights for " +
                            options.backbone + ": `kestrel-cli weights fetch " + options.backbone +
                            "` downloads them, or `kestrel-cli weights import FILE --model " +
                            options.backbone + "` keeps a file you have.");
        }
    }
    if (request.recomputeBatchNorm && *request.recomputeBatchNorm != "on" &&
        *request.recomputeBatchNorm != "off") {
        throw Error(ErrorKind::InvalidArgument, "--recompute-bn is \"" +
                                                    *request.recomputeBatchNorm +
                                                    "\"; it takes on or off.");
    }
    if (request.recomputeBatchNorm) {
        options.recomputeBatchNorm = *request.recomputeBatchNorm == "on";
    }
    return options;
}

// One line that rewrites itself on a terminal, else a line per stage.
class FitProgressPrinter {
public:
    explicit FitProgressPrinter(bool terminal) : terminal_(terminal) {}
    void operator()(const anomaly::FitProgress& progress) {
        if (terminal_) {
            std::cerr << "\r" << std::left << std::setw(11) << progress.stage << " "
                      << progress.done << "/" << progress.total << "    " << std::flush;
            if (progress.done == progress.total) {
                std::cerr << "\n";
            }
        } else if (progress.stage != stage_) {
            stage_ = progress.stage;
            std::cerr << progress.stage << " (" << progress.total << ")\n";
        }
    }

private:
    bool terminal_;
    std::string stage_;
};

std::string figure(const std::map<std::string, double>& metrics, const std::string& name) {
    const auto found = metrics.find(name);
    if (found == metrics.end()) {
        return "-";
    }
    std::ostringstream out;
    out << std::fixed << std::setprecision(3) << found->second;
    return out.str();
}

} // namespace

int runAnomalyTrain(const AnomalyTrainRequest& request) {
    Project project = Project::open(request.folder);
    runs::markInterruptedRuns(project);
    auto session = anomaly::AnomalySession::create(project, chooseOptions(request));
    std::cerr << "Run " << session->runId() << ": anomaly detection.\n";
    for (const auto& notice : session->notices()) {
        std::cerr << notice << "\n";
    }
    FitProgressPrinter printer(isatty(STDERR_FILENO) != 0);
    interruptible = session.get();
    std::signal(SIGINT, onAnomalyInterrupt);
    std::signal(SIGTERM, onAnomalyInterrupt);
    const auto summary = session->run([&](const anomaly::FitProgress& p) { printer(p); });
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    interruptible = nullptr;

    const auto& m = summary.metrics;
    if (summary.status == "completed") {
        const auto& options = session->options();
        std::cerr << "Fitted in " << std::fixed << std::setprecision(1) << summary.fitSeconds
                  << " s on " << summary.device << " (" << summary.seconds << " s in all); ";
        if (options.method == anomaly::AnomalyMethod::PatchCore) {
            std::cerr << "memory bank " << summary.memoryRows << " x " << summary.featureDimensions
                      << " features, ";
        } else {
            std::cerr << summary.memoryRows << " Gaussians of " << summary.featureDimensions
                      << " channels, ";
        }
        std::cerr << std::setprecision(1) << static_cast<double>(summary.modelBytes) / (1 << 20)
                  << " MiB saved.\n";
        std::cerr << "           image AUROC  pixel AUROC  PRO    F1     escapes  false rejects\n";
        for (const std::string split : {"val", "test"}) {
            if (m.count(split + "_f1") == 0) {
                continue;
            }
            std::cerr << std::left << std::setw(11) << split << std::setw(13)
                      << figure(m, split + "_image_auroc") << std::setw(13)
                      << figure(m, split + "_pixel_auroc") << std::setw(7)
                      << figure(m, split + "_pro") << std::setw(7) << figure(m, split + "_f1")
                      << std::setw(9) << figure(m, split + "_escape_rate")
                      << figure(m, split + "_false_reject_rate") << "\n";
        }
        std::cerr << "Threshold " << figure(m, "threshold")
                  << " (raw); exported scores put it at 0.5.\n";
    } else {
        std::cerr << "Run " << summary.runId << " " << summary.status << ": " << summary.reason
                  << "\n";
    }
    if (request.json) {
        nlohmann::json metrics = nlohmann::json::object();
        for (const auto& [name, value] : m) {
            metrics[name] = value;
        }
        printJson({{"run", summary.runId},
                   {"status", summary.status},
                   {"reason", summary.reason},
                   {"task", "anomaly"},
                   {"method", anomaly::toString(session->options().method)},
                   {"model", session->options().backbone},
                   {"device", summary.device},
                   {"train_images", summary.trainImages},
                   {"memory_rows", summary.memoryRows},
                   {"feature_dimensions", summary.featureDimensions},
                   {"model_bytes", summary.modelBytes},
                   {"fit_seconds", summary.fitSeconds},
                   {"seconds", summary.seconds},
                   {"metrics", metrics}});
    }
    return summary.status == "failed" ? kFailure : kSuccess;
}

} // namespace kestrel::cli
