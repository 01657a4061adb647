#pragma once

#include "loader/loader_options.h"
#include "review/confident_learning.h"
#include "train/train_options.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace kestrel {
class Project;
}

namespace kestrel::review {

// The label audit: k-fold out-of-fold probabilities for every labelled sample, ranked by
// confident learning (confident_learning.h) into likely label errors with a suggested class.
// Three phases, so that the window can keep SQLite on its project thread while the models
// train on a worker: plan (reads the store), run (no database), record (writes it).

struct LabelAuditOptions {
    int folds = 3;
    // The models' settings: fill from train::defaultOptions(train::datasetShape(project),
    // device), i.e. the project's own. Validation and early stopping do not apply.
    train::TrainOptions training;
};

struct LabelAuditPlan {
    LabelAuditOptions options;        // the batch size may be lowered to fit the smallest fold
    std::vector<std::string> classes; // the classes with samples, in project order
    std::vector<loader::LoaderSample> samples; // every readable labelled sample, by id
                                               // (`key`: its stored path);
                                               // labels index `classes`
    std::vector<int> folds;                    // per sample: the fold it is held out in
    std::int64_t datasetVersion = 0;
    std::filesystem::path workParent; // <project>/cache: the run's audit-tmp-XXXXXX goes here
};

// Reads the project's readable, labelled samples of every split (and none) and deals them
// into `options.folds` folds, stratified per class: each class's samples are sorted by an
// XXH3 of the seed and stored path, then dealt round-robin, so the same seed gives the same
// folds wherever the project lives.
// Throws kestrel::Error (InvalidArgument) for fewer than 2 folds or 2 classes with samples, a
// class with fewer samples than folds, or training options out of range.
LabelAuditPlan planLabelAudit(Project& project, const LabelAuditOptions& options);

enum class LabelAuditStatus { Completed, Cancelled, Failed };
// "completed", "cancelled", "failed": the store's words.
std::string toString(LabelAuditStatus status);

struct LabelAuditOutcome {
    LabelAuditStatus status = LabelAuditStatus::Completed;
    std::string reason; // one sentence when cancelled or failed
    // When completed: every scored sample, ranked (see rankLabelIssues); `index` is into
    // the plan's samples.
    std::vector<LabelIssue> issues;
    std::size_t unscored = 0; // samples that could not be read when scored
    // Scored samples whose most probable class is their given label: near chance, the
    // models learned too little for the ranking to mean much.
    std::size_t agreeing = 0;
    std::size_t flagged() const;
};

struct AuditFoldStarted {
    int fold = 0; // from 0
    int folds = 0;
    std::size_t trainSamples = 0;
    std::size_t heldOutSamples = 0;
};

struct AuditProgress {
    int fold = 0;
    int folds = 0;
    std::int64_t epoch = 0; // from 0
    std::int64_t epochs = 0;
    double fraction = 0; // of the whole audit, 0 to 1
    double loss = 0;     // the latest training batch's
};

struct AuditFoldDone {
    int fold = 0;
    int folds = 0;
    std::size_t heldOutSamples = 0;
    std::size_t agreeing = 0; // held-out samples whose most probable class is their label
};

// Receives an audit's events on the thread that runs it, in order. Implementations return
// quickly: training waits for them.
class LabelAuditObserver {
public:
    virtual ~LabelAuditObserver() = default;
    virtual void foldStarted(const AuditFoldStarted&) {}
    virtual void progress(const AuditProgress&) {} // after each training batch
    virtual void foldDone(const AuditFoldDone&) {}
    virtual void finished(const LabelAuditOutcome&) {}
};

// Trains one model per fold on the other folds (in a temporary folder under the plan's
// workParent, removed afterwards whatever happens) and scores the held-out fold with its
// last epoch's weights, then ranks. Touches no database. `cancel` is checked between
// batches; the audit then ends as cancelled. Never throws: a failure ends as failed with a
// sentence.
LabelAuditOutcome runLabelAudit(const LabelAuditPlan& plan, LabelAuditObserver& observer,
                                const std::atomic<bool>& cancel);

// Writes the audit with its status; a completed one with every scored sample, in one
// transaction, so a killed process leaves at most a "running" audit without samples.
// Returns the audit's id.
std::int64_t recordLabelAudit(Project& project, const LabelAuditPlan& plan,
                              const LabelAuditOutcome& outcome);

struct LabelAuditResult {
    std::int64_t audit = 0;
    LabelAuditPlan plan;
    LabelAuditOutcome outcome;
};

// plan, run and record on the calling thread: for the command line.
LabelAuditResult auditLabels(Project& project, const LabelAuditOptions& options,
                             LabelAuditObserver& observer, const std::atomic<bool>& cancel);

} // namespace kestrel::review
