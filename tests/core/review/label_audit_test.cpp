// The label audit on a real project built here: the left/right task with labels flipped on
// purpose. Out-of-fold models must find most of the flips and suggest their true class; the
// audit is recorded whole, a cancelled one as cancelled, and the temporary folder goes away.
#include "common/error.h"
#include "dataset/label_edit.h"
#include "dataset/sample_query.h"
#include "review/label_audit.h"
#include "store/review_repository.h"
#include "training_fixture.h"

#include <algorithm>
#include <map>

#include <gtest/gtest.h>

namespace kestrel::review {
namespace {

LabelAuditOptions tinyAudit() {
    LabelAuditOptions options;
    options.folds = 3;
    train::TrainOptions& training = options.training;
    training.model = "smallcnn";
    training.imageSize = 16;
    training.channels = 1;
    training.mean = {0.5};
    training.std = {0.25};
    training.epochs = 14;
    training.batchSize = 16;
    training.schedule.kind = train::LrScheduleOptions::Kind::OneCycle;
    training.schedule.baseLr = 0.05;
    training.device = "cpu";
    training.workers = 1;
    training.threads = 1;
    training.seed = 5;
    // No augmentation: a mirror image would swap "left" and "right", and on 64 images a
    // shift makes the folds' models vary from one temporary folder (the folds' hash) to the
    // next.
    training.augmentation = {};
    return options;
}

std::int64_t classId(Project& project, const std::string& name) {
    store::Statement query(project.database(), "SELECT id FROM classes WHERE name = ?");
    query.bind(1, name);
    EXPECT_TRUE(query.step()) << name;
    return query.columnInt(0);
}

// Audit folders left in the project's cache.
std::vector<std::filesystem::path> temporaryFolders(Project& project) {
    std::vector<std::filesystem::path> found;
    if (std::filesystem::exists(project.cacheFolder())) {
        for (const auto& entry : std::filesystem::directory_iterator(project.cacheFolder())) {
            if (entry.path().filename().string().rfind("audit-tmp-", 0) == 0) {
                found.push_back(entry.path());
            }
        }
    }
    return found;
}

// Records what an audit reports; sets `cancel` at the first training batch when asked.
class RecordingObserver : public LabelAuditObserver {
public:
    explicit RecordingObserver(Project& project, std::atomic<bool>* cancel = nullptr)
        : project_(project), cancel_(cancel) {}
    void foldStarted(const AuditFoldStarted& event) override { started.push_back(event); }
    void progress(const AuditProgress& event) override {
        fractions.push_back(event.fraction);
        foldersWhileTraining = temporaryFolders(project_).size();
        if (cancel_ != nullptr) {
            *cancel_ = true;
        }
    }
    void foldDone(const AuditFoldDone& event) override { done.push_back(event); }
    void finished(const LabelAuditOutcome& outcome) override {
        ++finishedCalls;
        finishedStatus = outcome.status;
    }

    std::vector<AuditFoldStarted> started;
    std::vector<AuditFoldDone> done;
    std::vector<double> fractions;
    std::size_t foldersWhileTraining = 0;
    int finishedCalls = 0;
    LabelAuditStatus finishedStatus = LabelAuditStatus::Failed;

private:
    Project& project_;
    std::atomic<bool>* cancel_;
};

class LabelAuditTest : public ::testing::Test {
protected:
    testing::TempDir dir;
    // 32 train, 8 val and 8 test images per class: 96 samples.
    Project project = testing::makeLeftRightProject(dir, 32);
};

TEST_F(LabelAuditTest, FindsFlippedLabelsSuggestsTheirTrueClassAndRecordsTheAudit) {
    // Flip 4 samples of each class, spread over the splits.
    const dataset::LabelledSamples before = dataset::labelledSamples(project);
    std::map<std::int64_t, std::string> trueClass;
    std::vector<std::int64_t> toRight;
    std::vector<std::int64_t> toLeft;
    for (std::size_t i = 0; i < before.samples.size(); ++i) {
        const auto& sample = before.samples[i];
        const std::string name = before.classes[static_cast<std::size_t>(sample.classIndex)];
        auto& flips = name == "left" ? toRight : toLeft;
        if (i % 11 == 3 && flips.size() < 4) {
            flips.push_back(sample.id);
            trueClass[sample.id] = name;
        }
    }
    ASSERT_EQ(trueClass.size(), 8u);
    dataset::applyLabelEdit(project, dataset::assignClassEdit(toRight, classId(project, "right")));
    dataset::applyLabelEdit(project, dataset::assignClassEdit(toLeft, classId(project, "left")));

    const LabelAuditPlan plan = planLabelAudit(project, tinyAudit());
    ASSERT_EQ(plan.samples.size(), 96u);
    EXPECT_EQ(plan.classes, (std::vector<std::string>{"left", "right"}));
    // Stratified: each fold holds out a third of each class; the same seed, the same folds.
    std::map<std::pair<int, std::int64_t>, int> perFoldClass;
    for (std::size_t i = 0; i < plan.samples.size(); ++i) {
        ++perFoldClass[{plan.folds[i], plan.samples[i].label}];
    }
    ASSERT_EQ(perFoldClass.size(), 6u);
    for (const auto& [key, count] : perFoldClass) {
        EXPECT_EQ(count, 16) << "fold " << key.first << ", class " << key.second;
    }
    EXPECT_EQ(planLabelAudit(project, tinyAudit()).folds, plan.folds);

    RecordingObserver observer(project);
    const std::atomic<bool> cancel{false};
    const LabelAuditOutcome outcome = runLabelAudit(plan, observer, cancel);
    ASSERT_EQ(outcome.status, LabelAuditStatus::Completed) << outcome.reason;
    EXPECT_EQ(observer.finishedCalls, 1);
    EXPECT_EQ(observer.started.size(), 3u);
    ASSERT_EQ(observer.done.size(), 3u);
    EXPECT_EQ(observer.started[0].trainSamples, 64u);
    EXPECT_EQ(observer.started[0].heldOutSamples, 32u);
    EXPECT_EQ(observer.foldersWhileTraining, 1u);
    EXPECT_TRUE(std::is_sorted(observer.fractions.begin(), observer.fractions.end()));
    EXPECT_NEAR(observer.fractions.back(), 1.0, 1e-9);
    EXPECT_EQ(outcome.issues.size(), 96u);
    EXPECT_EQ(outcome.unscored, 0u);
    std::size_t agreeing = 0;
    for (const auto& fold : observer.done) {
        agreeing += fold.agreeing;
    }
    EXPECT_EQ(outcome.agreeing, agreeing);
    EXPECT_GE(outcome.agreeing, 76u) << "the flips disagree, and few others";
    EXPECT_TRUE(temporaryFolders(project).empty());

    // Most flips are flagged near the top, each with its true class suggested. A flip the
    // fold models missed may still rank in the top among the unflagged (least likely labels
    // first); it only does not count as found.
    const std::size_t top = 2 * trueClass.size();
    std::size_t found = 0;
    for (std::size_t rank = 0; rank < top; ++rank) {
        const LabelIssue& issue = outcome.issues[rank];
        const auto flipped = trueClass.find(plan.samples[issue.index].sampleId);
        if (flipped != trueClass.end() && issue.flagged) {
            EXPECT_EQ(plan.classes[static_cast<std::size_t>(issue.suggested)], flipped->second)
                << "rank " << rank;
            ++found;
        }
    }
    EXPECT_GE(found, 6u) << "of " << trueClass.size() << " flipped labels in the top " << top;
    EXPECT_LE(outcome.flagged(), 20u) << "far more than the flips flagged is noise";

    const std::int64_t audit = recordLabelAudit(project, plan, outcome);
    store::ReviewRepository review(project.database());
    const auto record = review.findAudit(audit);
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->status, "completed");
    EXPECT_EQ(record->folds, 3);
    EXPECT_EQ(record->model, "smallcnn");
    EXPECT_EQ(record->classes, plan.classes);
    EXPECT_EQ(record->datasetVersion, plan.datasetVersion);
    const auto stored = review.auditedSamples(audit);
    ASSERT_EQ(stored.size(), 96u);
    // The store's order (by score) is the ranking.
    for (std::size_t rank = 0; rank < stored.size(); ++rank) {
        const LabelIssue& issue = outcome.issues[rank];
        EXPECT_EQ(stored[rank].flagged, issue.flagged) << rank;
        EXPECT_EQ(stored[rank].sampleId, plan.samples[issue.index].sampleId) << rank;
        EXPECT_EQ(stored[rank].fold, plan.folds[issue.index]) << rank;
    }
    EXPECT_EQ(review.latestCompletedAudit()->id, audit);
}

TEST_F(LabelAuditTest, ACancelledAuditIsRecordedAsCancelledAndLeavesNoTemporaryFolder) {
    std::atomic<bool> cancel{false};
    RecordingObserver observer(project, &cancel);
    const LabelAuditPlan plan = planLabelAudit(project, tinyAudit());
    const LabelAuditOutcome outcome = runLabelAudit(plan, observer, cancel);
    EXPECT_EQ(outcome.status, LabelAuditStatus::Cancelled);
    EXPECT_EQ(outcome.reason, "The label audit was cancelled in fold 1 of 3.");
    EXPECT_TRUE(outcome.issues.empty());
    EXPECT_EQ(observer.fractions.size(), 1u) << "training stops at the next batch";
    EXPECT_EQ(observer.foldersWhileTraining, 1u);
    EXPECT_TRUE(observer.done.empty());
    EXPECT_EQ(observer.finishedStatus, LabelAuditStatus::Cancelled);
    EXPECT_TRUE(temporaryFolders(project).empty());

    const std::int64_t audit = recordLabelAudit(project, plan, outcome);
    store::ReviewRepository review(project.database());
    EXPECT_EQ(review.findAudit(audit)->status, "cancelled");
    EXPECT_EQ(review.findAudit(audit)->error, outcome.reason);
    EXPECT_TRUE(review.auditedSamples(audit).empty());
    EXPECT_FALSE(review.latestCompletedAudit().has_value());
}

std::string refusal(Project& project, const LabelAuditOptions& options) {
    try {
        planLabelAudit(project, options);
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::InvalidArgument);
        return error.what();
    }
    return "(planned)";
}

TEST_F(LabelAuditTest, RefusesWhatItCannotAuditWithOneSentence) {
    LabelAuditOptions oneFold = tinyAudit();
    oneFold.folds = 1;
    EXPECT_EQ(refusal(project, oneFold), "A label audit needs at least 2 folds, not 1.");

    // All but two "right" samples relabelled "left": too few for 3 folds.
    const dataset::LabelledSamples samples = dataset::labelledSamples(project);
    std::vector<std::int64_t> right;
    for (const auto& sample : samples.samples) {
        if (samples.classes[static_cast<std::size_t>(sample.classIndex)] == "right") {
            right.push_back(sample.id);
        }
    }
    const std::int64_t left = classId(project, "left");
    dataset::applyLabelEdit(
        project,
        dataset::assignClassEdit(std::vector<std::int64_t>(right.begin() + 2, right.end()), left));
    EXPECT_EQ(refusal(project, tinyAudit()),
              "Class \"right\" has only 2 readable labelled samples; a 3-fold label audit needs "
              "at least 3 in every class.");

    // One class with samples (the other, empty, is left out).
    dataset::applyLabelEdit(project, dataset::assignClassEdit(right, left));
    EXPECT_EQ(refusal(project, tinyAudit()),
              "A label audit needs readable samples labelled with at least 2 classes; " +
                  project.folder().string() + " has 1.");
    EXPECT_TRUE(temporaryFolders(project).empty());
}

} // namespace
} // namespace kestrel::review
