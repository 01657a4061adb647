// runLabelAudit: one model per fold, trained on the other folds, scores the held-out fold.
#include "common/error.h"
#include "common/path_claim.h"
#include "models/device.h"
#include "models/model_registry.h"
#include "review/label_audit.h"
#include "review/sample_probabilities.h"
#include "tasks/task.h"
#include "train/checkpoint.h"
#include "train/trainer.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <c10/util/Exception.h>
#include <torch/nn/module.h>

namespace kestrel::review {

namespace {

// A fresh folder under `parent`, removed with everything in it however the audit ends, and
// claimed while it lives, so that a killed audit's folder is tidied at the next start
// (project/leftovers.h) and this one is not.
class TemporaryFolder {
public:
    explicit TemporaryFolder(const std::filesystem::path& parent) {
        std::filesystem::create_directories(parent);
        while (!claim_) {
            std::string pattern = (parent / "audit-tmp-XXXXXX").string();
            if (mkdtemp(pattern.data()) == nullptr) {
                throw Error(ErrorKind::Io,
                            "Cannot create a temporary folder for the label audit in " +
                                parent.string() + ": " + std::strerror(errno) + ".");
            }
            path_ = pattern;
            claim_ = PathClaim::folder(path_); // nullopt: tidied away before the claim held
        }
    }
    ~TemporaryFolder() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TemporaryFolder(const TemporaryFolder&) = delete;
    TemporaryFolder& operator=(const TemporaryFolder&) = delete;

    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    std::optional<PathClaim> claim_;
};

// Passes a fold's training progress on to the audit's observer, and the audit's cancel
// flag on to the fold's trainer, which stops between batches.
class FoldTraining : public train::TrainingObserver {
public:
    FoldTraining(LabelAuditObserver& observer, const std::atomic<bool>& cancel, int fold, int folds)
        : observer_(observer), cancel_(cancel), fold_(fold), folds_(folds) {}

    void attach(train::Trainer& trainer) { trainer_ = &trainer; }

    void started(const train::TrainingStarted& event) override {
        epochs_ = std::max<std::int64_t>(event.epochs, 1);
        stopIfCancelled();
    }

    void batchDone(const train::BatchDone& event) override {
        const double epochFraction =
            static_cast<double>(event.batch + 1) /
            static_cast<double>(std::max<std::int64_t>(event.batchesPerEpoch, 1));
        const double foldFraction =
            (static_cast<double>(event.epoch) + epochFraction) / static_cast<double>(epochs_);
        AuditProgress progress;
        progress.fold = fold_;
        progress.folds = folds_;
        progress.epoch = event.epoch;
        progress.epochs = epochs_;
        progress.fraction = (fold_ + foldFraction) / folds_;
        progress.loss = event.loss;
        observer_.progress(progress);
        stopIfCancelled();
    }

private:
    void stopIfCancelled() {
        if (cancel_.load() && trainer_ != nullptr) {
            trainer_->cancel();
        }
    }

    LabelAuditObserver& observer_;
    const std::atomic<bool>& cancel_;
    int fold_;
    int folds_;
    std::int64_t epochs_ = 1;
    train::Trainer* trainer_ = nullptr;
};

LabelAuditOutcome ended(LabelAuditStatus status, std::string reason) {
    LabelAuditOutcome outcome;
    outcome.status = status;
    outcome.reason = std::move(reason);
    return outcome;
}

LabelAuditOutcome cancelledIn(int fold, int folds) {
    return ended(LabelAuditStatus::Cancelled, "The label audit was cancelled in fold " +
                                                  std::to_string(fold + 1) + " of " +
                                                  std::to_string(folds) + ".");
}

LabelAuditOutcome runFolds(const LabelAuditPlan& plan, LabelAuditObserver& observer,
                           const std::atomic<bool>& cancel) {
    const int folds = plan.options.folds;
    const train::TrainOptions& options = plan.options.training;
    const std::string device = models::resolveDevice(options.device);
    const TemporaryFolder work(plan.workParent);
    std::vector<std::vector<float>> probabilities(plan.samples.size());
    std::size_t agreeing = 0;

    for (int fold = 0; fold < folds; ++fold) {
        if (cancel.load()) {
            return cancelledIn(fold, folds);
        }
        train::TrainingData data;
        data.classes = plan.classes;
        std::vector<std::size_t> heldOut;
        std::vector<loader::LoaderSample> heldOutSamples;
        for (std::size_t i = 0; i < plan.samples.size(); ++i) {
            if (plan.folds[i] == fold) {
                heldOut.push_back(i);
                heldOutSamples.push_back(plan.samples[i]);
            } else {
                data.train.push_back(plan.samples[i]);
            }
        }
        observer.foldStarted({fold, folds, data.train.size(), heldOut.size()});

        // No validation and no test: the trainer keeps the last epoch as best.pt.
        const std::filesystem::path folder = work.path() / ("fold-" + std::to_string(fold + 1));
        FoldTraining training(observer, cancel, fold, folds);
        train::Trainer trainer(options, std::move(data), folder, training);
        training.attach(trainer);
        const train::TrainingFinished finished = trainer.run();
        if (finished.status == train::TrainingFinished::Status::Cancelled || cancel.load()) {
            return cancelledIn(fold, folds);
        }
        if (finished.status == train::TrainingFinished::Status::Failed) {
            return ended(LabelAuditStatus::Failed, "Training fold " + std::to_string(fold + 1) +
                                                       " of " + std::to_string(folds) +
                                                       " failed: " + finished.reason);
        }

        auto model =
            tasks::taskFor(options.task)
                .createModel(train::modelSpec(options, static_cast<int>(plan.classes.size())));
        train::loadCheckpoint(train::Trainer::bestCheckpoint(folder), *model, nullptr, false);
        const std::vector<tasks::SampleScores> scores =
            scoreSamples(*model, heldOutSamples, options, device, &cancel);
        if (cancel.load()) {
            return cancelledIn(fold, folds);
        }
        AuditFoldDone done{fold, folds, heldOut.size(), 0};
        for (std::size_t j = 0; j < heldOut.size(); ++j) {
            if (!scores[j].probabilities.empty() && scores[j].predicted == scores[j].truth) {
                ++done.agreeing;
            }
            probabilities[heldOut[j]] = scores[j].probabilities;
        }
        agreeing += done.agreeing;
        std::filesystem::remove_all(folder); // its checkpoints are spent: keep the disk free
        observer.foldDone(done);
    }

    std::vector<std::int64_t> given;
    given.reserve(plan.samples.size());
    for (const auto& sample : plan.samples) {
        given.push_back(sample.label);
    }
    LabelAuditOutcome outcome;
    outcome.issues = rankLabelIssues(probabilities, given, static_cast<int>(plan.classes.size()));
    outcome.unscored = plan.samples.size() - outcome.issues.size();
    outcome.agreeing = agreeing;
    return outcome;
}

} // namespace

LabelAuditOutcome runLabelAudit(const LabelAuditPlan& plan, LabelAuditObserver& observer,
                                const std::atomic<bool>& cancel) {
    LabelAuditOutcome outcome;
    try {
        outcome = runFolds(plan, observer, cancel);
    } catch (const c10::Error& error) {
        const std::string message = error.what_without_backtrace();
        outcome = ended(LabelAuditStatus::Failed, "LibTorch failed during the label audit: " +
                                                      message.substr(0, message.find('\n')));
    } catch (const std::exception& error) {
        // kestrel::Error's sentence as it is; the filesystem's names its path.
        outcome = ended(LabelAuditStatus::Failed, error.what());
    }
    observer.finished(outcome);
    return outcome;
}

} // namespace kestrel::review
