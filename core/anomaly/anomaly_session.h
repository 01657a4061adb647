#pragma once

#include "anomaly/anomaly_fit.h"
#include "anomaly/anomaly_options.h"
#include "runs/training_data.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kestrel {
class Project;
}

namespace kestrel::runs {
class RunStoreWriter;
}

namespace kestrel::anomaly {

class AnomalyModel;

// How a run went, with its figures (as stored: val_image_auroc, test_image_auroc,
// test_pixel_auroc, test_pro, {val,test}_{f1,escape_rate,false_reject_rate}, threshold, ...).
struct AnomalyRunSummary {
    std::int64_t runId = 0;
    std::string status = "completed"; // completed, cancelled, failed
    std::string reason;               // one sentence when not completed
    std::string device;
    std::map<std::string, double> metrics;
    // The validation OK/NG matrix, row-major: truth good, defect by verdict good, defect.
    std::vector<std::int64_t> validationConfusion;
    std::int64_t trainImages = 0;
    std::int64_t validationImages = 0;
    std::int64_t testImages = 0;
    std::int64_t memoryRows = 0; // PatchCore's bank, or PaDiM's positions
    std::int64_t featureDimensions = 0;
    std::int64_t modelBytes = 0; // the saved model file
    double fitSeconds = 0;
    double seconds = 0;
};

// One anomaly-detection run of a project, from its row in the store to its last figure:
// fits on the good training images, sets the threshold on validation, measures validation
// and test, and saves the model in the run's folder. The caller must not write to the
// project's database while run() is going.
class AnomalySession {
public:
    // A new run. Throws kestrel::Error for invalid options, a good class that is not one, or a
    // project without good training images; nothing is recorded then.
    static std::unique_ptr<AnomalySession> create(Project& project, AnomalyOptions options);
    ~AnomalySession();

    std::int64_t runId() const { return runId_; }
    const AnomalyOptions& options() const { return options_; }
    // What to know before it starts, one sentence each: the images used, and plainly when the
    // backbone has no pretrained weights or validation has no defect.
    const std::vector<std::string>& notices() const { return notices_; }

    // Fits and measures; never throws for a failed run, which comes back as "failed" and is
    // recorded so. Records go through `writer` when given, else a writer thread of its own.
    AnomalyRunSummary run(const FitProgressCallback& progress,
                          runs::RunStoreWriter* writer = nullptr);
    void cancel() { cancelled_ = true; }

private:
    AnomalySession(Project& project, AnomalyOptions options, std::int64_t runId,
                   runs::ProjectTrainingData data, std::size_t goodClass);

    Project& project_;
    AnomalyOptions options_;
    std::int64_t runId_;
    // The samples as create() read and fingerprinted them: run() fits on exactly these.
    runs::ProjectTrainingData data_;
    std::size_t goodClass_ = 0;
    std::vector<std::string> notices_;
    std::atomic<bool> cancelled_{false};
};

// Where a run keeps its fitted model.
std::filesystem::path anomalyModelFile(const Project& project, std::int64_t runId);

// A fitted run brought back: its options, samples and model (on the CPU).
struct FittedAnomalyRun {
    AnomalyOptions options;
    std::vector<std::string> classes;
    std::size_t goodClass = 0;
    runs::ProjectTrainingData data; // validation with the training split's defects added
    std::shared_ptr<AnomalyModel> model;
};
// Throws kestrel::Error when the run is not an anomaly run or its model file is missing.
FittedAnomalyRun loadAnomalyRun(Project& project, std::int64_t runId);

// A fitted run measured again on one split, from its saved model.
struct AnomalyEvaluation {
    std::string split;
    std::int64_t samples = 0;
    std::map<std::string, double> metrics; // image_auroc, pixel_auroc, pro, f1, ... (no prefix)
    std::int64_t goodPassed = 0, goodRejected = 0, defectsEscaped = 0, defectsCaught = 0;
};

// The figures of the run's model on `split` ("val" or "test") at its threshold. Throws
// kestrel::Error (InvalidArgument) naming an empty split.
AnomalyEvaluation evaluateAnomalyRun(Project& project, FittedAnomalyRun& run,
                                     const std::string& split);

} // namespace kestrel::anomaly
