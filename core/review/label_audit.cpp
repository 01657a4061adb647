// The label audit's plan and record; runLabelAudit, the training, is in label_audit_run.cpp.
#include "review/label_audit.h"

#include "common/error.h"
#include "dataset/content_hash.h"
#include "dataset/sample_query.h"
#include "models/architectures.h"
#include "models/device.h"
#include "project/project.h"
#include "store/project_repository.h"
#include "store/review_repository.h"
#include "train/default_settings.h"
#include "train/trainer.h"

#include <algorithm>
#include <map>
#include <utility>

namespace kestrel::review {

namespace {

void checkOptions(const LabelAuditOptions& options) {
    if (options.folds < 2) {
        throw Error(ErrorKind::InvalidArgument, "A label audit needs at least 2 folds, not " +
                                                    std::to_string(options.folds) + ".");
    }
    if (options.training.epochs < 1) {
        throw Error(ErrorKind::InvalidArgument,
                    "A label audit trains its models for at least 1 epoch, not " +
                        std::to_string(options.training.epochs) + ".");
    }
    train::validate(options.training);
    models::architecture(options.training.model);   // names an unknown model
    models::resolveDevice(options.training.device); // says why CUDA is not there
}

// Stratified, seeded folds: each class's samples in the order of an XXH3 of the seed and
// stored path (stable across machines, library versions and moves of the project), dealt
// round-robin.
std::vector<int> dealFolds(const std::vector<loader::LoaderSample>& samples, int folds,
                           std::uint64_t seed) {
    std::map<std::int64_t, std::vector<std::pair<std::string, std::size_t>>> byClass;
    const std::string salt = std::to_string(seed) + "/audit/";
    for (std::size_t i = 0; i < samples.size(); ++i) {
        byClass[samples[i].label].emplace_back(dataset::contentHash(salt + samples[i].key), i);
    }
    std::vector<int> fold(samples.size(), 0);
    for (auto& [label, members] : byClass) {
        std::sort(members.begin(), members.end());
        for (std::size_t rank = 0; rank < members.size(); ++rank) {
            fold[members[rank].second] = static_cast<int>(rank % static_cast<std::size_t>(folds));
        }
    }
    return fold;
}

// Training drops a last partial batch, so a batch larger than a fold's training samples
// would train nothing: shrink it, keeping the learning rate in step (the linear rule the
// defaults and `train --batch-size` follow).
void fitBatchSize(LabelAuditPlan& plan) {
    std::vector<std::size_t> heldOut(static_cast<std::size_t>(plan.options.folds), 0);
    for (const int fold : plan.folds) {
        ++heldOut[static_cast<std::size_t>(fold)];
    }
    const std::size_t largest = *std::max_element(heldOut.begin(), heldOut.end());
    const auto smallestTraining = static_cast<int>(plan.samples.size() - largest);
    train::TrainOptions& training = plan.options.training;
    if (training.batchSize > smallestTraining) {
        train::setBatchSize(training, smallestTraining);
    }
}

} // namespace

std::string toString(LabelAuditStatus status) {
    switch (status) {
    case LabelAuditStatus::Completed:
        return "completed";
    case LabelAuditStatus::Cancelled:
        return "cancelled";
    case LabelAuditStatus::Failed:
        return "failed";
    }
    return "failed";
}

std::size_t LabelAuditOutcome::flagged() const {
    return static_cast<std::size_t>(
        std::count_if(issues.begin(), issues.end(), [](const LabelIssue& i) { return i.flagged; }));
}

LabelAuditPlan planLabelAudit(Project& project, const LabelAuditOptions& options) {
    checkOptions(options);
    LabelAuditPlan plan;
    plan.options = options;
    plan.workParent = project.cacheFolder();
    plan.datasetVersion = store::ProjectRepository(project.database()).datasetVersion();

    // The query training reads its splits with, over every split and none.
    const dataset::LabelledSamples labelled = dataset::labelledSamples(project);
    std::vector<std::size_t> counts(labelled.classes.size(), 0);
    for (const auto& sample : labelled.samples) {
        ++counts[static_cast<std::size_t>(sample.classIndex)];
    }
    // Classes without samples are left out: no model can learn or suggest them.
    std::vector<std::int64_t> auditIndex(labelled.classes.size(), -1);
    for (std::size_t c = 0; c < labelled.classes.size(); ++c) {
        if (counts[c] == 0) {
            continue;
        }
        if (counts[c] < static_cast<std::size_t>(options.folds)) {
            throw Error(ErrorKind::InvalidArgument,
                        "Class \"" + labelled.classes[c] + "\" has only " +
                            std::to_string(counts[c]) + " readable labelled samples; a " +
                            std::to_string(options.folds) + "-fold label audit needs at least " +
                            std::to_string(options.folds) + " in every class.");
        }
        auditIndex[c] = static_cast<std::int64_t>(plan.classes.size());
        plan.classes.push_back(labelled.classes[c]);
    }
    if (plan.classes.size() < 2) {
        throw Error(ErrorKind::InvalidArgument,
                    "A label audit needs readable samples labelled with at least 2 classes; " +
                        project.folder().string() + " has " + std::to_string(plan.classes.size()) +
                        ".");
    }
    plan.samples.reserve(labelled.samples.size());
    for (const auto& sample : labelled.samples) {
        plan.samples.push_back({sample.file.string(),
                                auditIndex[static_cast<std::size_t>(sample.classIndex)], sample.id,
                                sample.key});
    }
    plan.folds = dealFolds(plan.samples, options.folds, options.training.seed);
    fitBatchSize(plan);
    return plan;
}

std::int64_t recordLabelAudit(Project& project, const LabelAuditPlan& plan,
                              const LabelAuditOutcome& outcome) {
    store::ReviewRepository repository(project.database());
    const std::int64_t audit = repository.createAudit(
        plan.options.folds, plan.options.training.model, plan.datasetVersion, plan.classes);
    std::vector<store::AuditedSample> samples;
    if (outcome.status == LabelAuditStatus::Completed) {
        samples.reserve(outcome.issues.size());
        for (const LabelIssue& issue : outcome.issues) {
            store::AuditedSample sample;
            sample.sampleId = plan.samples.at(issue.index).sampleId;
            sample.fold = plan.folds.at(issue.index);
            sample.given = issue.given;
            sample.suggested = issue.suggested;
            sample.givenProbability = static_cast<double>(issue.givenProbability);
            sample.suggestedProbability = static_cast<double>(issue.suggestedProbability);
            sample.score = static_cast<double>(issue.score);
            sample.flagged = issue.flagged;
            samples.push_back(sample);
        }
    }
    repository.finishAudit(audit, toString(outcome.status), outcome.reason, samples);
    return audit;
}

LabelAuditResult auditLabels(Project& project, const LabelAuditOptions& options,
                             LabelAuditObserver& observer, const std::atomic<bool>& cancel) {
    LabelAuditResult result;
    result.plan = planLabelAudit(project, options);
    result.outcome = runLabelAudit(result.plan, observer, cancel);
    result.audit = recordLabelAudit(project, result.plan, result.outcome);
    return result;
}

} // namespace kestrel::review
