#pragma once

#include "common/task_kind.h"
#include "train/training_events.h"

#include <chrono>
#include <iosfwd>
#include <string>
#include <vector>

namespace kestrel::cli {

// Shows a run on stderr: a progress bar with ETA for the current epoch (redrawn at most ten
// times a second, and only on a terminal), one table row per epoch, and a closing summary.
class TrainingProgressPrinter : public train::TrainingObserver {
public:
    TrainingProgressPrinter(std::ostream& out, bool terminal);
    // Segmentation: the validation column shows the mean IoU over the defect classes, and
    // the end the test's, instead of accuracies (pixel accuracy says little when defects are
    // a few pixels). Detection: mAP50 in the column, and COCO's figures at the end.
    void showFiguresOf(TaskKind task) { task_ = task; }

    void started(const train::TrainingStarted& event) override;
    void batchDone(const train::BatchDone& event) override;
    void epochDone(const train::EpochDone& event) override;
    void finished(const train::TrainingFinished& event) override;

private:
    void clearBar();

    std::ostream& out_;
    bool terminal_;
    std::vector<std::string> classes_; // for the recall column
    bool barShown_ = false;
    std::int64_t epochs_ = 0;
    std::int64_t firstEpoch_ = 0;
    bool hasValidation_ = false;
    double secondsSoFar_ = 0; // this process's epochs, validations included
    bool pacePrinted_ = false;
    TaskKind task_ = TaskKind::Classification;
    std::chrono::steady_clock::time_point runStart_;
    std::chrono::steady_clock::time_point lastDraw_;
};

} // namespace kestrel::cli
