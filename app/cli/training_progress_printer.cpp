#include "training_progress_printer.h"

#include "duration_text.h"

#include <algorithm>
#include <iomanip>
#include <ostream>
#include <sstream>

namespace kestrel::cli {

namespace {

using Clock = std::chrono::steady_clock;

double metric(const std::map<std::string, double>& metrics, const std::string& name) {
    const auto found = metrics.find(name);
    return found == metrics.end() ? 0.0 : found->second;
}

// Validation recall per class, in percent: every class for a few, the three weakest for many,
// so that a class the model keeps missing shows beside a good overall accuracy.
std::string recallText(const std::map<std::string, double>& metrics,
                       const std::vector<std::string>& classes) {
    constexpr std::size_t kAllUpTo = 6;
    constexpr std::size_t kWeakest = 3;
    std::vector<std::pair<double, std::string>> recalls;
    for (const auto& name : classes) {
        const auto found = metrics.find("val_recall/" + name);
        if (found != metrics.end()) {
            recalls.emplace_back(found->second, name);
        }
    }
    if (recalls.empty()) {
        return "";
    }
    std::ostringstream text;
    text << std::fixed << std::setprecision(0);
    if (recalls.size() <= kAllUpTo) {
        text << "  recall";
    } else {
        std::stable_sort(recalls.begin(), recalls.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        recalls.resize(kWeakest);
        text << "  lowest recall";
    }
    for (const auto& [recall, name] : recalls) {
        text << " " << name << " " << 100 * recall;
    }
    return text.str();
}

} // namespace

TrainingProgressPrinter::TrainingProgressPrinter(std::ostream& out, bool terminal)
    : out_(out), terminal_(terminal) {}

void TrainingProgressPrinter::started(const train::TrainingStarted& event) {
    epochs_ = event.epochs;
    firstEpoch_ = event.firstEpoch;
    hasValidation_ = event.validationSamples > 0;
    secondsSoFar_ = 0;
    pacePrinted_ = false;
    classes_ = event.classes;
    runStart_ = Clock::now();
    out_ << "Training on " << event.device << ": " << event.trainSamples << " training and "
         << event.validationSamples << " validation images, " << event.classes.size()
         << " classes, " << event.batchesPerEpoch << " batches per epoch";
    if (event.firstEpoch > 0) {
        out_ << ", resuming after epoch " << event.firstEpoch;
    }
    out_ << ".\n";
    if (const auto& import = event.weightImport) {
        out_ << "Started from " << import->loaded << " tensors of the given weights";
        if (import->headReplaced) {
            out_ << "; their " << import->fileClasses << "-class head was replaced by a new "
                 << event.classes.size() << "-class one";
        }
        if (import->stemFolded) {
            out_ << "; the RGB first layer was folded for gray input";
        }
        out_ << ".\n";
    }
    if (event.epochs > event.firstEpoch) {
        out_ << " epoch  train loss  train acc  val loss "
             << (task_ == TaskKind::Segmentation ? "val mIoU"
                 : task_ == TaskKind::Detection  ? "val mAP50"
                                                 : " val acc")
             << "       lr   images/s   time\n";
    }
    out_.flush();
}

void TrainingProgressPrinter::batchDone(const train::BatchDone& event) {
    if (!terminal_) {
        return;
    }
    const auto now = Clock::now();
    if (barShown_ && now - lastDraw_ < std::chrono::milliseconds(100) &&
        event.batch + 1 < event.batchesPerEpoch) {
        return;
    }
    lastDraw_ = now;
    const double epochFraction =
        static_cast<double>(event.batch + 1) / static_cast<double>(event.batchesPerEpoch);
    const double runFraction =
        (static_cast<double>(event.epoch - firstEpoch_) + epochFraction) /
        static_cast<double>(std::max<std::int64_t>(epochs_ - firstEpoch_, 1));
    const double elapsed = std::chrono::duration<double>(now - runStart_).count();
    const double eta = runFraction > 0 ? elapsed * (1 - runFraction) / runFraction : 0;
    constexpr int kWidth = 24;
    const int filled = static_cast<int>(epochFraction * kWidth);
    std::ostringstream line;
    line << "\r epoch " << event.epoch + 1 << "/" << epochs_ << " ["
         << std::string(static_cast<std::size_t>(filled), '#')
         << std::string(static_cast<std::size_t>(kWidth - filled), '.') << "] " << std::setw(3)
         << static_cast<int>(epochFraction * 100) << "%  loss " << std::fixed
         << std::setprecision(4) << event.loss << "  " << std::setprecision(0)
         << event.imagesPerSecond << " img/s  ETA " << durationText(eta) << "   ";
    out_ << line.str() << std::flush;
    barShown_ = true;
}

void TrainingProgressPrinter::clearBar() {
    if (barShown_) {
        out_ << "\r" << std::string(100, ' ') << "\r";
        barShown_ = false;
    }
}

void TrainingProgressPrinter::epochDone(const train::EpochDone& event) {
    clearBar();
    const auto& m = event.metrics;
    out_ << std::setw(6) << event.epoch + 1 << std::fixed << std::setprecision(4) << std::setw(12)
         << metric(m, "train_loss") << std::setprecision(2) << std::setw(10)
         << 100 * metric(m, "train_accuracy") << "%";
    const bool validated = m.count("val_loss") > 0;
    if (validated) {
        out_ << std::setprecision(4) << std::setw(10) << metric(m, "val_loss")
             << std::setprecision(2) << std::setw(8)
             << 100 * metric(m, task_ == TaskKind::Segmentation ? "val_miou"
                                : task_ == TaskKind::Detection  ? "val_map50"
                                                                : "val_accuracy")
             << "%";
    } else {
        out_ << std::setw(10) << "-" << std::setw(9) << "-";
    }
    out_ << std::setprecision(5) << std::setw(9) << metric(m, "lr") << std::setprecision(0)
         << std::setw(11) << metric(m, "images_per_second") << std::setw(7)
         << durationText(event.seconds) << (event.improved ? "  *" : "  ")
         << recallText(event.metrics, classes_) << "\n";
    // After the first validation (or the first epoch, without validation data) the pace is
    // known, validations included: say when the run should end.
    secondsSoFar_ += event.seconds;
    const bool paceKnown = validated || !hasValidation_;
    if (!pacePrinted_ && paceKnown && epochs_ > event.epoch + 1) {
        const auto epochsSoFar = static_cast<double>(event.epoch + 1 - firstEpoch_);
        out_ << "        expected to finish in about "
             << durationText(secondsSoFar_ / epochsSoFar *
                             static_cast<double>(epochs_ - event.epoch - 1))
             << " (" << epochs_ - event.epoch - 1 << " more epochs at this pace)\n";
    }
    pacePrinted_ = pacePrinted_ || paceKnown;
    out_ << std::flush;
}

void TrainingProgressPrinter::finished(const train::TrainingFinished& event) {
    clearBar();
    const double elapsed = std::chrono::duration<double>(Clock::now() - runStart_).count();
    out_ << "Run " << train::toString(event.status) << " after " << event.epochsDone
         << " epochs in " << durationText(elapsed);
    if (event.bestEpoch >= 0 && hasValidation_) {
        out_ << "; best epoch " << event.bestEpoch + 1;
    }
    out_ << ".\n";
    if (!event.reason.empty()) {
        out_ << event.reason << "\n";
    }
    const auto testMap = event.finalMetrics.find("test_map50");
    if (task_ == TaskKind::Detection && testMap != event.finalMetrics.end()) {
        out_ << "Test mAP50 " << std::fixed << std::setprecision(4) << testMap->second
             << ", mAP@[.50:.95] " << metric(event.finalMetrics, "test_map50_95")
             << " (COCO's box AP over the defect classes) on the best checkpoint.\n";
        out_.flush();
        return;
    }
    const auto testIou = event.finalMetrics.find("test_miou");
    if (task_ == TaskKind::Segmentation && testIou != event.finalMetrics.end()) {
        out_ << "Test mean IoU " << std::fixed << std::setprecision(4) << testIou->second
             << " over the defect classes (escape rate "
             << metric(event.finalMetrics, "test_escape_rate") << ", false-reject rate "
             << metric(event.finalMetrics, "test_false_reject_rate")
             << ") on the best checkpoint.\n";
        out_.flush();
        return;
    }
    const auto test = event.finalMetrics.find("test_accuracy");
    if (test != event.finalMetrics.end()) {
        out_ << "Test accuracy " << std::fixed << std::setprecision(2) << 100 * test->second
             << "% (macro F1 " << std::setprecision(4)
             << metric(event.finalMetrics, "test_macro_f1") << ") on the best checkpoint.\n";
    }
    out_.flush();
}

} // namespace kestrel::cli
