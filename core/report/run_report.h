#pragma once

#include "report/report_image.h"
#include "store/run_repository.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kestrel {
class Project;
}

namespace kestrel::report {

// One epoch's figures as the curves show them; a figure the run did not record is empty.
struct EpochFigures {
    std::int64_t epoch = 0; // counting from 1
    std::optional<double> trainLoss;
    std::optional<double> valLoss;
    std::optional<double> trainAccuracy;
    std::optional<double> valAccuracy;
    std::optional<double> learningRate;
};

struct ClassFigures {
    std::string name;
    std::optional<double> precision;
    std::optional<double> recall;
    std::optional<double> f1;
};

// The final figures of one split ("val" or "test"), from the run's latest metrics.
struct SplitFigures {
    std::string split;
    std::optional<double> accuracy;
    std::optional<double> loss;
    std::optional<double> macroF1;
    std::vector<ClassFigures> classes; // in the run's class order
};

// A sample the model got wrong, and how sure it was.
struct ConfidentMistake {
    std::int64_t sampleId = 0;
    std::string path;  // as stored: relative to the project folder, or absolute
    std::string split; // train, val or test
    std::string truth;
    std::string predicted;
    double confidence = 0; // probability of `predicted`; an anomaly run's score (0.5: threshold)
    std::optional<ReportImage> thumbnail; // none when the image cannot be read
};

struct DatasetFacts {
    std::optional<std::int64_t> version;
    std::string fingerprint;
    std::string validationSource;
    std::optional<std::int64_t> trainSamples;
    std::optional<std::int64_t> valSamples;
    std::optional<std::int64_t> testSamples;
};

struct ReportOptions {
    std::size_t mistakes = 12; // how many confident mistakes to show at most
    int thumbnailSide = 160;   // longest side of a mistake's thumbnail, in pixels
};

// One figure of an anomaly-detection run on validation and test ("image AUROC").
struct AnomalyFigure {
    std::string name;
    std::optional<double> validation;
    std::optional<double> test;
    bool percent = false; // a rate, shown as a percentage
};

// Everything a run report shows, as plain data: the HTML and PDF renderers only lay it out.
struct RunReport {
    std::string projectName;
    store::RunRecord run;                  // id, model, status, device, dates, error, notes, tags
    std::optional<double> durationSeconds; // started (or created) to finished
    std::vector<std::string> classes;      // the run's class order
    std::map<std::string, std::string> parameters; // every stored parameter, by name
    std::map<std::string, double> latestMetrics;   // the latest value of every metric
    std::vector<EpochFigures> epochs;
    std::vector<SplitFigures> splits; // val, then test; only those with figures
    // An anomaly-detection run: fitted, not trained, so no epochs, curves or per-class
    // figures; classes are good and defect, and these figures stand in their place.
    bool anomaly = false;
    std::vector<AnomalyFigure> anomalyFigures;
    std::optional<store::StoredConfusionMatrix> validationConfusion; // latest epoch
    std::optional<store::StoredConfusionMatrix> testConfusion;
    DatasetFacts dataset;
    std::vector<std::pair<std::string, std::string>> environment;
    std::vector<ConfidentMistake> mistakes; // most confident first
    std::string mistakesSource;             // where they were chosen from, in words
    std::vector<ReportImage> charts;        // the training curves, when there are epochs
    std::string generatedAt;                // ISO-8601 UTC
};

// Gathers what run `runId` of `project` did from the store (and the sample images for the
// mistakes' thumbnails). A run with no metrics yet gives a report of what it has. Throws
// kestrel::Error (NotFound) naming the run when there is none with that id.
RunReport buildRunReport(Project& project, std::int64_t runId, const ReportOptions& options = {});

} // namespace kestrel::report
